/**
 * What to check next, apart from the verdict rules (classify.ts): the steps depend on the verdict,
 * on which ENI logged the deciding records (the source's, the destination's, a hop between), and
 * on the kind of destination (S3, another private address, the internet; IPv4 or IPv6).
 *
 * Commands are meant to be pasted: they never contain a placeholder the user cannot recognise
 * (`<eni-id>`, `<sg-id>` and `<subnet-id>` are written as such), and Reachability Analyzer is
 * suggested only where it applies (TCP or UDP to one IPv4 address). When the configuration check
 * evaluated the workload's interface, the ids it found replace the placeholders of that interface.
 */
import { ConversationEvidence, InterfaceEvidence, Side } from "../evidence/conversation";
import type { NextStep, Verdict } from "./verdicts";
import type { TrafficType } from "../core/trafficType";
import { DestinationKind, adviceDestination, destinationKind, inSeoulS3 } from "./destination";
import { protocolHasPorts, protocolName } from "../core/records";

/** Where the deciding records were logged. */
export interface Location {
    side: Side;
    enis: readonly InterfaceEvidence[];
}

/** Why the verdict came out as it did, where the advice depends on it. */
export type AdviceReason = "traffic-type" | "missing-action" | "unknown-side" | "malformed" | "bpa";

/**
 * What the configuration check found for the interface it evaluated (the workload's, the one that
 * holds --src): its ENI, subnet, the route table and network ACL that subnet uses, its security groups.
 */
export interface KnownIds {
    readonly eniId: string;
    readonly subnetId: string;
    readonly routeTableId?: string;
    readonly networkAclId?: string;
    readonly securityGroupIds: readonly string[];
}

export interface AdviceInput {
    verdict: Verdict;
    e: ConversationEvidence;
    trafficType: TrafficType;
    location?: Location;
    reason?: AdviceReason;
    known?: KnownIds;
}

/** "Check ..." on its own, "If it is ...: check ..." after a condition. */
function lead(prefix: string): string {
    return prefix === "" ? "C" : `${prefix}c`;
}

function eniId(i: InterfaceEvidence | undefined, placeholder: string): string {
    return i !== undefined && i.named ? i.interfaceId : placeholder;
}

function hostText(range: { text: string } | undefined, fallback: string): string {
    return range === undefined ? fallback : range.text.replace(/\/(32|128)$/, "");
}

/**
 * What every verdict's writer needs, built once: the conversation in words, the ids known, and the
 * step builders that turn them into pasteable commands.
 */
function adviceContext(input: AdviceInput) {
    const { e, trafficType, location, reason, known } = input;
    const q = e.query;
    const kind = destinationKind(e);
    const s3 = kind === "s3";
    const named = adviceDestination(e);
    const ipv6 = named?.ipv6 ?? false;
    const proto = protocolName(q.protocol);
    const ports = protocolHasPorts(q.protocol);
    const rule = ports ? `${proto} ${q.port}` : proto;
    const dst = named?.text ?? "<destination>";
    const src = hostText(q.src.ranges[0], "<source>");
    const ends = e.interfaces.filter((i) => i.side !== "intermediate");
    const sourceEni = ends.find((i) => i.side === "source");
    const steps: NextStep[] = [];
    const step = (text: string, ...commands: string[]) => steps.push({ step: text, commands });
    // The evaluated interface's ids apply to `i` when it is that interface, or when `i` stands for
    // the workload's interface without naming one (the records carry no interface-id).
    const knownFor = (i: InterfaceEvidence | undefined, workloadSlot: boolean): KnownIds | undefined =>
        known !== undefined && (i?.named ? i.interfaceId === known.eniId : workloadSlot) ? known : undefined;
    const workloadEni = (i: InterfaceEvidence | undefined, placeholder: string) => knownFor(i, true)?.eniId ?? eniId(i, placeholder);
    const subnetOf = (i: InterfaceEvidence | undefined, workloadSlot = false) => i?.subnetIds[0] ?? knownFor(i, workloadSlot)?.subnetId ?? "<subnet-id>";
    const groupsOf = (i: InterfaceEvidence | undefined, workloadSlot: boolean) => {
        const ids = knownFor(i, workloadSlot)?.securityGroupIds ?? [];
        return ids.length > 0 ? ids.join(" ") : "<sg-id>";
    };
    const findEni = (i: InterfaceEvidence | undefined, placeholder: string, workloadSlot = false) => {
        if (subnetOf(i, workloadSlot) !== "<subnet-id>") return;
        const id = eniId(i, placeholder);
        step(
            `Find the subnet and security groups of ${id}.`,
            `aws ec2 describe-network-interfaces --network-interface-ids ${id} --query 'NetworkInterfaces[0].[SubnetId,Groups]'`,
        );
    };
    const nacl = (s: string) => `aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=${s} --query 'NetworkAcls[].Entries'`;
    /** The check's network ACL of the workload's subnet: "<subnet>" in a sentence, and the command that reads it. */
    const workloadNacl = (i: InterfaceEvidence | undefined, workloadSlot: boolean): { where: string; command: string } => {
        const subnet = subnetOf(i, workloadSlot);
        const acl = subnet === known?.subnetId ? knownFor(i, workloadSlot)?.networkAclId : undefined;
        return acl === undefined
            ? { where: subnet, command: nacl(subnet) }
            : { where: `${subnet} (${acl})`, command: `aws ec2 describe-network-acls --network-acl-ids ${acl} --query 'NetworkAcls[].Entries'` };
    };
    const reachability = () => {
        const single = q.dst.ranges.length === 1 && q.dst.ranges[0].version === 4 && q.dst.ranges[0].first === q.dst.ranges[0].last;
        if (!ports || !single) return;
        step(
            "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
            `aws ec2 create-network-insights-path --source ${workloadEni(sourceEni, "<source-eni-id>")} --destination-ip ${dst} --destination-port ${q.port} --protocol ${proto}`,
            "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
        );
    };
    const sourceEgress = (i: InterfaceEvidence | undefined, prefix = "") => {
        const id = workloadEni(i, "<source-eni-id>");
        const acl = workloadNacl(i, true);
        step(
            `${lead(prefix)}heck the security groups of ${id}: an egress rule must allow ${rule} to ${dst}${s3 ? " (or to the S3 prefix list)" : ""}.`,
            `aws ec2 describe-security-groups --group-ids ${groupsOf(i, true)} --query 'SecurityGroups[].IpPermissionsEgress'`,
        );
        step(
            `${lead(prefix)}heck the network ACL of ${acl.where}: an outbound rule allowing ${rule} to ${dst} must have a lower rule number than any DENY that matches${s3 ? " (network ACLs cannot use prefix lists)" : ""}.`,
            acl.command,
        );
    };
    const destinationIngress = (i: InterfaceEvidence | undefined, prefix = "") => {
        const id = eniId(i, "<destination-eni-id>");
        step(
            `${lead(prefix)}heck the security groups of ${id}: an inbound rule must allow ${rule} from ${src}.`,
            `aws ec2 describe-security-groups --group-ids ${groupsOf(i, false)} --query 'SecurityGroups[].IpPermissions'`,
        );
        const acl = workloadNacl(i, false);
        step(
            `${lead(prefix)}heck the network ACL of ${acl.where}: an inbound rule allowing ${rule} from ${src} must have a lower rule number than any DENY that matches.`,
            acl.command,
        );
    };
    const whichEnd = (i: InterfaceEvidence | undefined) => {
        const id = eniId(i, "<eni-id>");
        step(
            `Find out which end ${id} belongs to: its own address is ${src} (the source) or ${dst} (the destination). Adding $` +
                "{flow-direction} to the flow log's format (the diagnostic format has it) makes every record say so.",
            `aws ec2 describe-network-interfaces --network-interface-ids ${id} --query 'NetworkInterfaces[0].[${ipv6 ? "Ipv6Addresses" : "PrivateIpAddress"},SubnetId,Groups]'`,
        );
    };
    const hop = location?.side === "intermediate" ? location.enis[0] : undefined;
    const hopNacl = (text: string) =>
        step(
            `${text} (ENI ${eniId(hop, "<eni-id>")}${hop?.hop === "nat-gateway" ? "; NAT gateways have no security groups" : ""}).`,
            nacl(hop?.subnetIds[0] ?? "<hop-subnet-id>"),
        );

    return { e, trafficType, location, reason, known, q, kind, s3, ipv6, proto, ports, rule, dst, src, sourceEni, steps, step, knownFor, subnetOf, findEni, workloadNacl, reachability, sourceEgress, destinationIngress, whichEnd, hop, hopNacl };
}

type AdviceContext = ReturnType<typeof adviceContext>;

/** One writer per verdict: the compiler checks that every verdict has its steps. */
const WRITERS: Record<Verdict, (c: AdviceContext) => void> = {
    "security-group-or-nacl": ({ location, reason, rule, dst, src, step, findEni, reachability, sourceEgress, destinationIngress, whichEnd, hop, hopNacl }) => {
        if (reason === "bpa") {
            step(
                "Check VPC Block Public Access: reject-reason BPA means it blocked the packets, not a security group or a network ACL. Exclude the VPC or subnet, or change the mode, if this traffic should pass.",
                "aws ec2 describe-vpc-block-public-access-options",
                "aws ec2 describe-vpc-block-public-access-exclusions",
            );
            return;
        }
        if (hop) {
            hopNacl(
                `Check the network ACL of the ${hop.hop === "nat-gateway" ? "NAT gateway's" : "intermediate hop's"} subnet: it must allow inbound ${rule} from ${src} and outbound ${rule} to ${dst}`,
            );
            return;
        }
        if (location?.side === "destination") {
            findEni(location.enis[0], "<destination-eni-id>");
            destinationIngress(location.enis[0]);
        } else if (location?.side === "source") {
            findEni(location.enis[0], "<source-eni-id>", true);
            sourceEgress(location.enis[0]);
        } else {
            whichEnd(location?.enis[0]);
            sourceEgress(location?.enis[0], "If it is the source's ENI: ");
            destinationIngress(location?.enis[0], "If it is the destination's ENI: ");
        }
        reachability();
    },
    "nacl-return-path": ({ location, q, proto, ports, dst, src, step, findEni, workloadNacl, whichEnd, hop, hopNacl }) => {
        if (hop) {
            hopNacl(
                `Check the network ACL of the ${hop.hop === "nat-gateway" ? "NAT gateway's" : "intermediate hop's"} subnet: it must allow inbound ${proto} from ${dst}${ports ? ` port ${q.port} to the ephemeral ports 1024-65535` : ""}, and outbound to ${src}`,
            );
            return;
        }
        const sourceInbound = (i: InterfaceEvidence | undefined, prefix = "") => {
            const acl = workloadNacl(i, true);
            step(
                `${lead(prefix)}heck the inbound rules of the network ACL of ${acl.where}: they must allow ${proto} from ${dst}${ports ? ` port ${q.port} to the ephemeral ports 1024-65535` : ""}. Network ACLs are stateless; security groups are stateful and are not the cause.`,
                acl.command,
            );
        };
        const destinationOutbound = (i: InterfaceEvidence | undefined, prefix = "") => {
            const acl = workloadNacl(i, false);
            step(
                `${lead(prefix)}heck the outbound rules of the network ACL of ${acl.where}: they must allow ${proto} to ${src}${ports ? " on the ephemeral ports 1024-65535" : ""}. Network ACLs are stateless; security groups are stateful and are not the cause.`,
                acl.command,
            );
        };
        if (location?.side === "destination") {
            findEni(location.enis[0], "<destination-eni-id>");
            destinationOutbound(location.enis[0]);
        } else if (location?.side === "source") {
            findEni(location.enis[0], "<source-eni-id>", true);
            sourceInbound(location.enis[0]);
        } else {
            whichEnd(location?.enis[0]);
            sourceInbound(location?.enis[0], "If it is the source's ENI: ");
            destinationOutbound(location?.enis[0], "If it is the destination's ENI: ");
        }
    },
    "routing": ({ e, location, known, kind, ipv6, dst, src, sourceEni, step, knownFor, subnetOf, findEni, reachability }) => {
        const i = location?.enis.find((x) => x.side === "source") ?? sourceEni;
        findEni(i, "<source-eni-id>", true);
        const subnet = subnetOf(i, true);
        routingSteps(step, subnet, subnet === known?.subnetId ? knownFor(i, true)?.routeTableId : undefined, dst, src, kind, ipv6, e);
        const nat = e.interfaces.find((x) => x.side === "intermediate" && x.hop === "nat-gateway");
        if (!ipv6 && kind !== "private") {
            step(
                nat
                    ? `The packets reached the NAT gateway (ENI ${eniId(nat, "<eni-id>")}): check that the NAT subnet's route table sends 0.0.0.0/0 to an internet gateway.`
                    : "If the route is to a NAT gateway: check that it is available and that its subnet routes 0.0.0.0/0 to an internet gateway.",
            );
        }
        reachability();
    },
    "network-ok": ({ location, q, s3, proto, ports, step }) => {
        if (location?.side === "destination") {
            step(
                `Check the destination: is a service listening on ${ports ? `${proto} port ${q.port}` : proto}, and does a host firewall drop the packets? A reply would leave through ${eniId(location.enis[0], "<destination-eni-id>")} and be logged there.`,
            );
            return;
        }
        if (s3) {
            step(
                "The network delivered packets both ways; look above it: DNS (does the bucket name resolve to the address diagnosed?), TLS and proxy settings (HTTPS_PROXY, NO_PROXY), the task role and the bucket policy (aws:SourceVpce conditions), and the client's timeouts.",
            );
            step(
                "Reproduce from inside the task.",
                "aws ecs execute-command --cluster <cluster> --task <task-id> --interactive --command 'curl -sv https://s3.<region>.amazonaws.com'",
            );
        } else {
            step(
                "The network delivered packets both ways; look above it: DNS (does the name resolve to the address diagnosed?), TLS and proxy settings, permissions, and the client's and the service's timeouts and logs.",
            );
        }
    },
    "mixed": ({ rule, dst, step }) => {
        step(
            "Compare the timeline: if rejects start or stop at a point in time, a rule changed; find the change in CloudTrail (AuthorizeSecurityGroupEgress, RevokeSecurityGroupEgress, CreateNetworkAclEntry, ReplaceNetworkAclEntry, ReplaceNetworkAclAssociation).",
            "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=RevokeSecurityGroupEgress",
        );
        step("Compare the per-ENI counts: ENIs that only reject belong to tasks with other security groups or in another subnet; check the service's network configuration.");
        step(`Check the security groups of the rejecting ENIs and the network ACLs of their subnets for ${rule} to ${dst}.`);
    },
    "no-traffic": ({ s3, step }) => {
        step(
            s3
                ? "Check the address: resolve the bucket's endpoint from the task (S3 answers from many addresses) and widen --dst to the S3 range, e.g. 52.219.204.0/22."
                : "Check the address: resolve the destination's name from the workload (it may answer from several addresses) and widen --dst to a CIDR if needed.",
        );
        step("Check the window: delivery to CloudWatch Logs takes about 5-10 minutes; widen --start/--end.");
        step(
            "Check that the flow log delivers.",
            "aws ec2 describe-flow-logs --query 'FlowLogs[].[FlowLogId,ResourceId,TrafficType,DeliverLogsStatus,DeliverLogsErrorMessage]'",
        );
    },
    "inconclusive": ({ trafficType, location, reason, q, proto, ports, dst, step, whichEnd }) => {
        if (reason === "missing-action") {
            step(
                "The flow log's format has no $" +
                    "{action} field, so no record says ACCEPT or REJECT. Create a flow log whose format has it (the diagnostic format: 'pulumi config set logFormat diagnostic' and 'pulumi up'; a flow log cannot be modified, so it is replaced), wait 10 minutes, reproduce the failure and diagnose again.",
            );
        } else if (reason === "unknown-side") {
            const i = location?.enis[0];
            whichEnd(i);
            step(`If it is the source's: the packets left and nothing came back, consistent with a routing problem; check the route table of its subnet for ${dst}.`);
            step(`If it is the destination's: the packets arrived; check that a service listens on ${ports ? `${proto} port ${q.port}` : proto} and that no host firewall drops them.`);
        } else if (reason === "malformed") {
            step(
                "Check the input's format: pass the flow log's format with --format (a custom format string), or export raw lines instead (the S3 files, or 'aws logs filter-log-events --log-group-name <group> --output text').",
            );
        } else {
            step(
                `The flow log captures ${trafficType} only. Set its traffic type to ALL (AWS replaces the flow log to change it), wait 10 minutes, reproduce the failure and diagnose again.`,
            );
        }
    },
};

export function nextSteps(input: AdviceInput): NextStep[] {
    const context = adviceContext(input);
    WRITERS[input.verdict](context);
    return context.steps;
}

function routingSteps(
    step: (text: string, ...commands: string[]) => void,
    subnetId: string,
    routeTableId: string | undefined,
    dst: string,
    src: string,
    kind: DestinationKind,
    ipv6: boolean,
    e: ConversationEvidence,
): void {
    // With the table the configuration check found (the subnet's own or the VPC's main one), ask
    // for it by id; a filter on the subnet finds no main table.
    const subnet = routeTableId === undefined ? subnetId : `${subnetId} (${routeTableId})`;
    const routes =
        routeTableId === undefined
            ? `aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=${subnetId} --query 'RouteTables[].Routes'`
            : `aws ec2 describe-route-tables --route-table-ids ${routeTableId} --query 'RouteTables[].Routes'`;
    const mainTable =
        routeTableId === undefined
            ? " No result means the subnet uses the VPC's main route table (filter on association.main=true)."
            : "";
    if (ipv6) {
        step(
            `Check the route table of ${subnet}: a route must cover ${dst} (::/0 to an internet gateway, or to an egress-only internet gateway for outbound-only traffic; IPv6 has no NAT, so a NAT gateway route does not help).${mainTable}`,
            routes,
        );
        return;
    }
    if (kind === "private") {
        step(
            `Check the route table of ${subnet}: a route must cover ${dst}: the local route when it is in the same VPC, otherwise a VPC peering connection or a transit gateway route; and the destination's subnet needs a route back to ${src}.${mainTable}`,
            routes,
        );
        return;
    }
    step(
        kind === "s3"
            ? `Check the route table of ${subnet}: a route must cover ${dst} (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint).${mainTable}`
            : `Check the route table of ${subnet}: a route must cover ${dst} (0.0.0.0/0 to a NAT gateway or an internet gateway).${mainTable}`,
        routes,
    );
    step("If the route is to an internet gateway, the task needs a public IP (awsvpc assignPublicIp=ENABLED); a private subnet needs a NAT gateway or a VPC endpoint instead.");
    if (kind === "s3") {
        step(
            `If the route is to a gateway endpoint: it reaches buckets in its own region only${inSeoulS3(e) ? " (52.219.204.0/22 is S3 in ap-northeast-2)" : ""}; check the bucket's region.`,
        );
    }
}

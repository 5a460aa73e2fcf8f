/**
 * The configuration check: given the EC2 documents of one ENI's path, which component would stop
 * the conversation, in which direction, and what to change. Pure: documents in, findings out.
 *
 * What it follows: the ENI's security groups (egress), its subnet's network ACL (both ways), its
 * subnet's route table to the target, and the target's own needs (internet gateway attached and a
 * public address; NAT gateway available, in a subnet that routes to an internet gateway, behind a
 * network ACL that lets both legs through; gateway endpoint available, its policy; peering
 * connection active, and the destination inside the peer VPC, since peering carries nothing
 * beyond it). Transit gateways, virtual private gateways and the peer VPC itself are where it stops.
 */
import { AddressSet, IpRange } from "../../core/ip";
import { mergeSpans } from "../../core/cidrCompaction";
import { protocolHasPorts, protocolName } from "../../core/records";
import { cidrRange, cidrText, covers, portsText, prefixLength } from "./cidrs";
import { destinationParts } from "./destinationParts";
import { Ec2Documents, Ec2NatGateway, Ec2NetworkAcl, Ec2NetworkAclEntry, Ec2NetworkInterface, Ec2RouteTable, Ec2SecurityGroup, Ec2VpcPeeringConnectionVpcInfo } from "./ec2Documents";
import { AclPacket, aclForSubnet, evaluateAcl, freeRuleNumber } from "./networkAcls";
import { RouteTarget, SelectedRoute, routeTableForSubnet, routeTarget, routeText, selectRoute } from "./routes";
import { evaluateEgress } from "./securityGroups";

export const CONFIG_PATHS = ["local", "gateway-endpoint", "nat-gateway", "internet-gateway", "transit-gateway", "peering", "other", "none"] as const;
export type ConfigPath = (typeof CONFIG_PATHS)[number];

export type CulpritKind = "route-table" | "security-group" | "network-acl" | "vpc-endpoint" | "nat-gateway" | "internet-gateway" | "public-ip" | "vpc-peering-connection";

/** The verdicts a configuration can give, in the flow-log diagnosis's vocabulary. */
export type ConfigVerdict = "security-group-or-nacl" | "routing" | "nacl-return-path" | "network-ok" | "inconclusive";

export interface Culprit {
    readonly kind: CulpritKind;
    readonly id: string;
    readonly direction: "outbound" | "inbound";
    /** The rule or route at fault, as the console shows it; `(none)` when what is missing is a rule. */
    readonly rule: string;
    readonly reason: string;
    /** A runnable `aws ec2 ...` command; `<...>` marks a value only you can choose. */
    readonly fix: string;
    /** The same change in a Pulumi program. */
    readonly hint?: string;
    /**
     * `drops-request`: the packets towards the destination are dropped; `drops-reply`: the
     * answers are; `may-deny`: the path works, but this can refuse requests (an endpoint policy
     * answers HTTP 403, which flow logs show as accepted traffic).
     */
    readonly effect: "drops-request" | "drops-reply" | "may-deny";
    /** Where it sits: on the workload's own ENI and subnet, or on the NAT gateway's subnet. */
    readonly hop: "workload" | "nat-gateway";
}

export interface ConfigEvaluation {
    readonly eniId: string;
    readonly subnetId: string;
    readonly vpcId?: string;
    readonly routeTableId?: string;
    readonly networkAclId?: string;
    /** The ENI's security groups, as describe-network-interfaces lists them. */
    readonly securityGroupIds: readonly string[];
    readonly path: ConfigPath;
    readonly verdict: ConfigVerdict;
    readonly culprits: readonly Culprit[];
    /** What the check could not see or did not follow. */
    readonly notes: readonly string[];
    /**
     * Flow-log verdicts that show the same failure from the workload's ENI. A failure on the NAT
     * gateway's subnet looks like `routing` there: the packets leave and nothing comes back.
     */
    readonly consistentFlowVerdicts: readonly ConfigVerdict[];
}

export interface ConfigQuery {
    readonly dst: AddressSet;
    readonly port: number;
    readonly protocol: number;
    /** Ephemeral ports the workload's OS picks for its side. Default: Linux, 32768-60999. */
    readonly clientPorts?: readonly [number, number];
    /**
     * The destination is S3 (`--dst s3`, or a range known to be S3's), even when no document names
     * its prefix list: a missing route is then fixed with the free S3 gateway endpoint, not a NAT gateway.
     */
    readonly dstIsS3?: boolean;
}

/** Linux's net.ipv4.ip_local_port_range default. */
export const LINUX_EPHEMERAL_PORTS: readonly [number, number] = [32768, 60999];
/** The ports a NAT gateway uses for its side of translated connections. */
export const NAT_GATEWAY_PORTS: readonly [number, number] = [1024, 65535];

export class ConfigCheckError extends Error {}

const S3_PREFIX_LIST_NAME = /^com\.amazonaws\.([a-z0-9-]+)\.s3$/;

/** The ENI to check: the one named, else the only one in the documents. */
export function pickNetworkInterface(docs: Ec2Documents, eniId: string | undefined): Ec2NetworkInterface {
    if (eniId !== undefined) {
        const eni = docs.networkInterfaces.find((n) => n.NetworkInterfaceId === eniId);
        if (!eni) {
            const known = docs.networkInterfaces.map((n) => n.NetworkInterfaceId).join(", ") || "none";
            throw new ConfigCheckError(`network interface ${eniId} is not in describe-network-interfaces (it holds: ${known})`);
        }
        return eni;
    }
    if (docs.networkInterfaces.length !== 1) {
        throw new ConfigCheckError(
            `describe-network-interfaces holds ${docs.networkInterfaces.length} network interfaces: name the workload's with --eni`,
        );
    }
    return docs.networkInterfaces[0];
}

interface Hop {
    readonly docs: Ec2Documents;
    readonly eni: Ec2NetworkInterface;
    readonly eniId: string;
    readonly subnetId: string;
    readonly vpcId?: string;
    readonly table?: Ec2RouteTable;
    /** The table is associated with the subnet (not the VPC's main table by default). */
    readonly explicitTable: boolean;
    readonly acl?: Ec2NetworkAcl;
    readonly groups: readonly Ec2SecurityGroup[];
    readonly query: ConfigQuery;
    readonly clientPorts: readonly [number, number];
    /** The CIDR a new rule should name: the destination when it is one range, else everything. */
    readonly ruleCidr: (dst: IpRange) => string;
}

interface RangeResult {
    path: ConfigPath;
    culprits: Culprit[];
    notes: string[];
    /**
     * The check could not decide a step it reached (a private NAT gateway's onward routes, a security
     * group rule's prefix list without entries): without a culprit the answer is inconclusive, not
     * network-ok, since that step may be the one that stops the packets.
     */
    undecided?: boolean;
}

export function evaluateConfiguration(docs: Ec2Documents, eniId: string | undefined, query: ConfigQuery): ConfigEvaluation {
    const eni = pickNetworkInterface(docs, eniId);
    const id = eni.NetworkInterfaceId ?? "?";
    const subnetId = eni.SubnetId;
    if (subnetId === undefined) throw new ConfigCheckError(`network interface ${id} has no SubnetId in describe-network-interfaces`);
    const { table, explicit: explicitTable } = routeTableForSubnet(docs, subnetId, eni.VpcId);
    const acl = aclForSubnet(docs.networkAcls, subnetId);
    const groupIds = (eni.Groups ?? []).map((g) => g.GroupId);
    const groups = docs.securityGroups.filter((g) => groupIds.includes(g.GroupId));
    const hop: Hop = {
        docs,
        eni,
        eniId: id,
        subnetId,
        vpcId: eni.VpcId,
        table,
        explicitTable,
        acl,
        groups,
        query,
        clientPorts: query.clientPorts ?? LINUX_EPHEMERAL_PORTS,
        ruleCidr: (dst) => (query.dst.ranges.length === 1 ? cidrText(dst) : dst.version === 4 ? "0.0.0.0/0" : "::/0"),
    };
    const notes: string[] = [];
    const missingGroups = groupIds.filter((g) => !groups.some((s) => s.GroupId === g));
    if (missingGroups.length > 0) notes.push(`Security groups ${missingGroups.join(", ")} are not in describe-security-groups: their rules were not checked.`);
    if (!table) notes.push(`No route table for ${subnetId} (no explicit association and no main table of ${eni.VpcId ?? "its VPC"}) in describe-route-tables.`);
    if (!acl) notes.push(`No network ACL associated with ${subnetId} in describe-network-acls: its rules were not checked.`);

    const results = query.dst.ranges.map((dst) => evaluateDestination(hop, dst));
    const culprits: Culprit[] = [];
    for (const r of results) {
        for (const c of r.culprits) {
            // The effect is part of the identity: at a NAT gateway's subnet one final `*` rule can drop
            // both the requests and the replies in a direction, and each needs its own entry to fix.
            if (!culprits.some((k) => mergeKey(k) === mergeKey(c))) culprits.push(c);
        }
        for (const n of r.notes) if (!notes.includes(n)) notes.push(n);
    }
    renumberAclFixes(docs, culprits);
    const path = (results.find((r) => r.culprits.some((c) => c.effect !== "may-deny")) ?? results[0]).path;
    const verdict = configVerdict(culprits, path, table !== undefined, results.some((r) => r.undecided === true));
    const blocking = culprits.filter((c) => c.effect !== "may-deny");
    const consistent: ConfigVerdict[] = [verdict];
    if (blocking.length > 0 && blocking.every((c) => c.hop === "nat-gateway") && verdict !== "routing") consistent.push("routing");
    return {
        eniId: id,
        subnetId,
        vpcId: eni.VpcId,
        routeTableId: table?.RouteTableId,
        networkAclId: acl?.NetworkAclId,
        securityGroupIds: groupIds.filter((g): g is string => g !== undefined),
        path,
        verdict,
        culprits,
        notes,
        consistentFlowVerdicts: consistent,
    };
}

const ROUTING_KINDS: readonly CulpritKind[] = ["route-table", "nat-gateway", "internet-gateway", "public-ip", "vpc-endpoint", "vpc-peering-connection"];

/** The verdict the flow logs would give for the first thing that stops the packets. */
function configVerdict(culprits: readonly Culprit[], path: ConfigPath, routeTableKnown: boolean, undecided: boolean): ConfigVerdict {
    const blocking = culprits.filter((c) => c.effect !== "may-deny");
    const filters = (c: Culprit) => c.kind === "security-group" || c.kind === "network-acl";
    if (blocking.some((c) => c.hop === "workload" && c.effect === "drops-request" && filters(c))) return "security-group-or-nacl";
    if (blocking.some((c) => ROUTING_KINDS.includes(c.kind))) return "routing";
    if (blocking.some((c) => c.effect === "drops-request")) return "security-group-or-nacl";
    if (blocking.some((c) => c.effect === "drops-reply")) return "nacl-return-path";
    // Path "none" without a culprit: the route was not decided (a prefix-list route whose entries the snapshot lacks).
    if (undecided || !routeTableKnown || path === "none" || path === "transit-gateway" || path === "peering" || path === "other") return "inconclusive";
    return "network-ok";
}

const LEAVES_VIEW: readonly ConfigPath[] = ["transit-gateway", "peering", "other"];

/**
 * One `--dst` range, part by part where rules narrower than the range treat its addresses
 * differently (see destinationParts): a blackhole route for a /24 inside a /22 blocks that /24 even
 * when the /22 as a whole is covered by a working route. When every part gets the answer the whole
 * range gets, the whole range's answer is given as is.
 */
function evaluateDestination(hop: Hop, dst: IpRange): RangeResult {
    const parts = destinationParts(hop.docs, dst);
    const whole = evaluateRange(hop, dst);
    if (parts.length === 1 && parts[0].range === dst) return whole;
    // A fixing rule still names the range the user asked about.
    const partHop: Hop = { ...hop, ruleCidr: () => hop.ruleCidr(dst) };
    const results = parts.map((part) => ({ part, result: evaluateRange(partHop, part.range) }));
    const wholeSignature = signature(whole);
    if (results.every((r) => signature(r.result) === wholeSignature)) return whole;

    const where = (label: string, isRoot: boolean) => (isRoot ? label : `${label} of ${dst.text}`);
    const blocked = results.find((r) => r.result.culprits.some((c) => c.effect !== "may-deny"));
    const unseen = results.find((r) => LEAVES_VIEW.includes(r.result.path));
    const combined: RangeResult = { path: (blocked ?? unseen ?? results[0]).result.path, culprits: [], notes: [], undecided: results.some((r) => r.result.undecided === true) };
    const paths = [...new Set(results.map((r) => r.result.path))];
    if (paths.length > 1) {
        const byPath = paths.map((p) => `${p} for ${results.filter((r) => r.result.path === p).map((r) => where(r.part.label, r.part.isRoot)).join(", ")}`);
        combined.notes.push(`Parts of ${dst.text} take different paths: ${byPath.join("; ")}.`);
    }
    const culprits: Array<{ culprit: Culprit; parts: string[] }> = [];
    for (const { part, result } of results) {
        for (const c of result.culprits) {
            const same = culprits.find((k) => mergeKey(k.culprit) === mergeKey(c));
            if (same) same.parts.push(where(part.label, part.isRoot));
            else culprits.push({ culprit: c, parts: [where(part.label, part.isRoot)] });
        }
        for (const n of result.notes) if (!combined.notes.includes(n)) combined.notes.push(n);
    }
    for (const { culprit, parts: at } of culprits) {
        const scope = at.length === results.length ? `It holds for all of ${dst.text}.` : `It is for ${at.join(" and ")}.`;
        combined.culprits.push({ ...culprit, reason: `${culprit.reason} ${scope}` });
    }
    return combined;
}

function culpritKey(c: Culprit): string {
    return JSON.stringify([c.kind, c.id, c.direction, c.rule, c.effect, c.hop]);
}

/**
 * Which culprits of several ranges (or parts of one) are one finding. A missing security group rule
 * is `(none)` whatever it needs to name: one range may want the S3 prefix list, another 0.0.0.0/0,
 * an IPv6 one ::/0; each such rule is its own fix, and keeping only the first would leave the others
 * blocked.
 */
function mergeKey(c: Culprit): string {
    return c.kind === "security-group" || c.kind === "network-acl" ? JSON.stringify([culpritKey(c), c.fix]) : culpritKey(c);
}

/**
 * Ranges are checked one by one, so an IPv4 and an IPv6 `--dst` can each propose rule 10 for the same
 * ACL and direction; EC2 refuses a number in use (NetworkAclEntryAlreadyExists), IPv4 and IPv6 entries
 * alike. Later proposals move to the next free number, in the fix and in the hint.
 */
function renumberAclFixes(docs: Ec2Documents, culprits: Culprit[]): void {
    const taken = new Map<string, Set<number>>();
    culprits.forEach((c, i) => {
        const n = Number(/--rule-number (\d+)/.exec(c.fix)?.[1]);
        if (c.kind !== "network-acl" || Number.isNaN(n)) return;
        const key = `${c.id} ${c.direction}`;
        const used = taken.get(key) ?? new Set<number>();
        taken.set(key, used);
        const acl = docs.networkAcls.find((a) => a.NetworkAclId === c.id);
        const free = used.has(n) && acl !== undefined && c.fix.includes("create-network-acl-entry") ? freeRuleNumber(acl, c.direction === "outbound", c.rule, used) : undefined;
        if (free === undefined) {
            used.add(n);
            return;
        }
        used.add(free);
        culprits[i] = { ...c, fix: c.fix.replace(`--rule-number ${n} `, `--rule-number ${free} `), hint: c.hint?.replace(`ruleNumber: ${n},`, `ruleNumber: ${free},`) };
    });
}

/** What a reader acts on in a range's answer: its path and which component blocks, not the wording. */
function signature(result: RangeResult): string {
    return JSON.stringify([result.path, result.culprits.map(culpritKey).sort(), result.undecided === true]);
}

function evaluateRange(hop: Hop, dst: IpRange): RangeResult {
    const result: RangeResult = { path: "none", culprits: [], notes: [] };
    checkSecurityGroups(hop, dst, result);
    if (hop.acl) checkAclLegs(hop.acl, "workload", requestLegs(hop, dst), result);
    if (hop.table) checkRoute(hop, hop.table, dst, result);
    if (hop.acl) checkAclLegs(hop.acl, "workload", replyLegs(hop, dst), result);
    return result;
}

function service(hop: Hop, dst: IpRange): string {
    const q = hop.query;
    return protocolHasPorts(q.protocol) ? `${protocolName(q.protocol)} ${q.port} to ${dst.text}` : `${protocolName(q.protocol)} to ${dst.text}`;
}

function checkSecurityGroups(hop: Hop, dst: IpRange, result: RangeResult): void {
    if (hop.groups.length === 0) return;
    const q = hop.query;
    const verdict = evaluateEgress(hop.docs, hop.groups, q.protocol, q.port, dst);
    for (const pl of verdict.unknownPrefixLists) {
        result.notes.push(`Prefix list ${pl} has no get-managed-prefix-list-entries-${pl}.json: security group rules that use it were not checked.`);
    }
    if (verdict.allowed) return;
    if (verdict.unknownPrefixLists.length > 0) {
        result.undecided = true;
        return;
    }
    const group = hop.groups[0];
    const s3List = s3PrefixListFor(hop.docs, dst);
    const proto = protocolName(q.protocol);
    const ports = protocolHasPorts(q.protocol) ? `,FromPort=${q.port},ToPort=${q.port}` : ",FromPort=-1,ToPort=-1";
    const target = s3List ? `PrefixListIds=[{PrefixListId=${s3List}}]` : dst.version === 4 ? `IpRanges=[{CidrIp=${hop.ruleCidr(dst)}}]` : `Ipv6Ranges=[{CidrIpv6=${hop.ruleCidr(dst)}}]`;
    const ids = hop.groups.map((g) => g.GroupId).join(", ");
    result.culprits.push({
        kind: "security-group",
        id: group.GroupId ?? "?",
        direction: "outbound",
        rule: "(none)",
        reason: `No egress rule of ${ids} allows ${service(hop, dst)}: the packets are rejected as they leave ${hop.eniId}.`,
        fix: `aws ec2 authorize-security-group-egress --group-id ${group.GroupId} --ip-permissions IpProtocol=${proto}${ports},${target}`,
        hint: `new aws.vpc.SecurityGroupEgressRule(..., { securityGroupId: "${group.GroupId}", ipProtocol: "${proto}"${protocolHasPorts(q.protocol) ? `, fromPort: ${q.port}, toPort: ${q.port}` : ""}, ${s3List ? `prefixListId: "${s3List}"` : dst.version === 4 ? `cidrIpv4: "${hop.ruleCidr(dst)}"` : `cidrIpv6: "${hop.ruleCidr(dst)}"`} })`,
        effect: "drops-request",
        hop: "workload",
    });
}

interface AclLeg {
    readonly packet: AclPacket;
    readonly what: string;
    readonly effect: "drops-request" | "drops-reply";
    /** The CIDR a fixing rule names. */
    readonly cidr: string;
}

function portsOf(hop: Hop, ports: readonly [number, number]): readonly [number, number] {
    return protocolHasPorts(hop.query.protocol) ? ports : [0, 65535];
}

function requestLegs(hop: Hop, dst: IpRange): AclLeg[] {
    const port = hop.query.port;
    return [
        {
            packet: { egress: true, protocol: hop.query.protocol, peer: dst, ports: portsOf(hop, [port, port]) },
            what: `${service(hop, dst)} (the requests)`,
            effect: "drops-request",
            cidr: hop.ruleCidr(dst),
        },
    ];
}

function replyLegs(hop: Hop, dst: IpRange): AclLeg[] {
    const [lo, hi] = hop.clientPorts;
    return [
        {
            packet: { egress: false, protocol: hop.query.protocol, peer: dst, ports: portsOf(hop, hop.clientPorts) },
            what: protocolHasPorts(hop.query.protocol)
                ? `the replies from ${dst.text}:${hop.query.port} to ${hop.eniId}'s ephemeral ports ${lo}-${hi}`
                : `the replies from ${dst.text}`,
            effect: "drops-reply",
            cidr: hop.ruleCidr(dst),
        },
    ];
}

function checkAclLegs(acl: Ec2NetworkAcl, where: Culprit["hop"], legs: readonly AclLeg[], result: RangeResult): void {
    // At a NAT gateway's subnet two legs cross the ACL in each direction; when one rule drops both,
    // each new rule gets its own number.
    const proposed = { inbound: new Set<number>(), outbound: new Set<number>() };
    // The ACL as it is once the rules replaced so far are (see below): a later leg that the same rule
    // drops is judged by what decides it after that fix.
    let fixed = acl;
    const replaced = new Set<string>();
    for (const leg of legs) {
        const p = leg.packet;
        const dir = p.egress ? "outbound" : "inbound";
        let verdict = evaluateAcl(acl, p);
        const once = !verdict.allowed && replaced.has(`${dir} ${verdict.rule}`) ? `Once rule ${verdict.rule} is replaced (above): ` : "";
        if (once) verdict = evaluateAcl(fixed, p);
        if (verdict.allowed) continue;
        const ported = protocolHasPorts(p.protocol);
        const gapOnly = verdict.rule === "*" && ported && (verdict.deniedPorts ?? []).length > 0 && !samePorts(verdict.deniedPorts ?? [], [p.ports]);
        const dropped = ported && !samePorts(verdict.deniedPorts ?? [], [p.ports]) ? ` (ports ${portsText(verdict.deniedPorts ?? [])})` : "";
        const reason =
            verdict.rule === "*"
                ? gapOnly
                    ? `No ${dir} rule of ${acl.NetworkAclId} allows ${leg.what}: ports ${portsText(verdict.deniedPorts ?? [])} fall through to the final * deny, so some connections fail and others work.`
                    : `No ${dir} rule of ${acl.NetworkAclId} allows ${leg.what}: they meet the final * deny.`
                : `${dir === "outbound" ? "Outbound" : "Inbound"} rule ${verdict.ruleText} of ${acl.NetworkAclId} drops ${leg.what}${dropped}.`;
        const free = freeRuleNumber(acl, p.egress, verdict.rule ?? "*", proposed[dir]);
        // No free number before the deciding rule (only an explicit rule can be that low): the fix
        // replaces that rule itself, and says so, since what it was for is then gone.
        const ruleNumber = free ?? Number(verdict.rule);
        proposed[dir].add(ruleNumber);
        const replacing = free === undefined ? ` No rule number below ${ruleNumber} is free, so the fix replaces rule ${ruleNumber} itself: re-create what it was for at a higher number if it is still needed.` : "";
        // The CLI turns only tcp, udp, icmp and all into numbers for a network ACL entry
        // (awscli/customizations/ec2/protocolarg.py); EC2 wants the number for any other.
        const proto = p.protocol === 6 || p.protocol === 17 || p.protocol === 1 ? protocolName(p.protocol) : String(p.protocol);
        const portArg = ported ? ` --port-range From=${p.ports[0]},To=${p.ports[1]}` : "";
        // CreateNetworkAclEntry requires IcmpTypeCode for ICMP, and for ICMPv6 with an IPv6 CIDR (EC2 API reference).
        const icmp = p.protocol === 1 || p.protocol === 58;
        const icmpArg = icmp ? " --icmp-type-code Type=-1,Code=-1" : "";
        const cidrArg = p.peer.version === 4 ? `--cidr-block ${leg.cidr}` : `--ipv6-cidr-block ${leg.cidr}`;
        result.culprits.push({
            kind: "network-acl",
            id: acl.NetworkAclId ?? "?",
            direction: dir,
            rule: verdict.rule ?? "*",
            reason: once ? `${once}${reason.charAt(0).toLowerCase()}${reason.slice(1)}${replacing}` : reason + replacing,
            fix: `aws ec2 ${free === undefined ? "replace-network-acl-entry" : "create-network-acl-entry"} --network-acl-id ${acl.NetworkAclId} ${p.egress ? "--egress" : "--ingress"} --rule-number ${ruleNumber} --protocol ${proto}${portArg}${icmpArg} ${cidrArg} --rule-action allow`,
            hint: `${free === undefined ? `change the rule numbered ${ruleNumber} to ` : ""}new aws.ec2.NetworkAclRule(..., { networkAclId: "${acl.NetworkAclId}", ruleNumber: ${ruleNumber}, egress: ${p.egress}, protocol: "${proto}", ruleAction: "allow", ${p.peer.version === 4 ? "cidrBlock" : "ipv6CidrBlock"}: "${leg.cidr}"${ported ? `, fromPort: ${p.ports[0]}, toPort: ${p.ports[1]}` : ""}${icmp ? ", icmpType: -1, icmpCode: -1" : ""} })`,
            effect: leg.effect,
            hop: where,
        });
        if (free === undefined) {
            replaced.add(`${dir} ${ruleNumber}`);
            const entry: Ec2NetworkAclEntry = {
                RuleNumber: ruleNumber,
                Protocol: String(p.protocol),
                RuleAction: "allow",
                Egress: p.egress,
                ...(p.peer.version === 4 ? { CidrBlock: leg.cidr } : { Ipv6CidrBlock: leg.cidr }),
                ...(ported ? { PortRange: { From: p.ports[0], To: p.ports[1] } } : {}),
            };
            fixed = { ...fixed, Entries: [...(fixed.Entries ?? []).filter((e) => e.Egress !== p.egress || e.RuleNumber !== ruleNumber), entry] };
        }
    }
}

function samePorts(a: ReadonlyArray<readonly [number, number]>, b: ReadonlyArray<readonly [number, number]>): boolean {
    return a.length === b.length && a.every((x, i) => x[0] === b[i][0] && x[1] === b[i][1]);
}

/** The S3 managed prefix list (com.amazonaws.<region>.s3) whose entries hold `dst`, if the documents have one. */
function s3PrefixListFor(docs: Ec2Documents, dst: IpRange): string | undefined {
    return docs.prefixLists.find((pl) => S3_PREFIX_LIST_NAME.test(pl.PrefixListName ?? "") && prefixListCovers(docs, pl.PrefixListId, dst))?.PrefixListId;
}

function prefixListCovers(docs: Ec2Documents, prefixListId: string | undefined, dst: IpRange): boolean {
    return (docs.prefixListEntries[prefixListId ?? ""] ?? []).some((e) => {
        const r = cidrRange(e.Cidr);
        return r !== undefined && covers(r, dst);
    });
}

/** The most specific entry of a prefix list that holds `dst`. */
function longestEntry(docs: Ec2Documents, prefixListId: string, dst: IpRange): IpRange | undefined {
    let best: IpRange | undefined;
    for (const e of docs.prefixListEntries[prefixListId] ?? []) {
        const r = cidrRange(e.Cidr);
        if (r !== undefined && covers(r, dst) && (best === undefined || prefixLength(r) > prefixLength(best))) best = r;
    }
    return best;
}

function prefixListName(docs: Ec2Documents, id: string): string | undefined {
    return docs.prefixLists.find((p) => p.PrefixListId === id)?.PrefixListName;
}

function pathOf(target: RouteTarget): ConfigPath {
    switch (target.kind) {
        case "egress-only-internet-gateway":
            return "internet-gateway";
        default:
            return target.kind;
    }
}

function checkRoute(hop: Hop, table: Ec2RouteTable, dst: IpRange, result: RangeResult): void {
    const rtb = table.RouteTableId ?? "?";
    const lookup = selectRoute(hop.docs, table, dst);
    if (!lookup.found) {
        for (const pl of lookup.unknownPrefixLists) {
            result.notes.push(`Prefix list ${pl} has no get-managed-prefix-list-entries-${pl}.json: routes to it were not checked.`);
        }
        if (lookup.unknownPrefixLists.length > 0) return;
        result.path = "none";
        result.culprits.push(noRouteCulprit(hop, table, dst));
        return;
    }
    const selected = lookup.selected;
    const target = routeTarget(selected.route);
    result.path = pathOf(target);
    // Peering first: a route to a connection that is not active is a blackhole, and its state says why.
    if (target.kind === "peering" && checkPeering(hop, target.id, selected, rtb, dst, result)) return;
    const blackhole = selected.route.State === "blackhole";
    if (blackhole && target.kind === "nat-gateway") {
        checkNatGateway(hop, target.id, rtb, selected, dst, result);
        return;
    }
    if (blackhole && target.kind === "internet-gateway" && checkBlackholeInternetGateway(hop, target.id, selected, rtb, dst, result)) return;
    if (blackhole) {
        const destFlag = destinationFlag(selected, dst);
        // A NAT gateway takes IPv4 traffic only (CreateRoute, NatGatewayId).
        const nat = dst.version === 4 ? availablePublicNat(hop.docs, hop.vpcId) : undefined;
        // Deleting the route helps only when a less specific route then takes the packets; else they
        // would have no route at all, and the route must point somewhere that works instead.
        const fallback = selectRoute(hop.docs, { ...table, Routes: (table.Routes ?? []).filter((r) => r !== selected.route) }, dst).found;
        const replace = target.kind === "nat-gateway" || nat !== undefined || !fallback;
        result.culprits.push({
            kind: "route-table",
            id: rtb,
            direction: "outbound",
            rule: `${routeText(selected)} (blackhole)`,
            reason: `The route ${hop.subnetId} uses for ${dst.text} is ${routeText(selected)}, and it is a blackhole: its target no longer exists (a deleted NAT gateway, a detached gateway, a terminated instance), so the packets are dropped.`,
            fix: !replace
                ? `aws ec2 delete-route --route-table-id ${rtb} ${destFlag}`
                : dst.version === 6
                  ? `aws ec2 replace-route --route-table-id ${rtb} ${destFlag} --egress-only-internet-gateway-id <eigw-id>`
                  : `aws ec2 replace-route --route-table-id ${rtb} ${destFlag} --nat-gateway-id ${nat ?? "<available-nat-gateway-id>"}`,
            hint: `aws.ec2.Route(..., { routeTableId: "${rtb}", ${routeDestinationProperty(selected, dst)}, ${dst.version === 6 ? "egressOnlyGatewayId: <an egress-only internet gateway>" : "natGatewayId: <a NAT gateway that exists>"} })`,
            effect: "drops-request",
            hop: "workload",
        });
        return;
    }
    switch (target.kind) {
        case "local":
            result.notes.push(`${dst.text} is inside the VPC (local route): the destination's own security group and network ACL are not checked.`);
            return;
        case "internet-gateway":
            checkPublicAddress(hop, selected.destination, target.id, dst, result);
            checkInternetGateway(hop, target.id, hop.vpcId, "workload", rtb, selected, dst, result);
            return;
        case "egress-only-internet-gateway":
            checkPublicAddress(hop, selected.destination, target.id, dst, result);
            return;
        case "nat-gateway":
            checkNatGateway(hop, target.id, rtb, selected, dst, result);
            return;
        case "gateway-endpoint":
            checkGatewayEndpoint(hop, target.id, selected.destination, rtb, result);
            return;
        case "transit-gateway":
            result.notes.push(`${rtb} sends ${dst.text} to transit gateway ${target.id}: the check stops there (its route tables and the far side are not seen).`);
            return;
        case "peering":
            result.notes.push(peeringStopNote(rtb, dst, target.id));
            return;
        case "other":
            result.notes.push(
                target.id.startsWith("vgw-")
                    ? `${rtb} sends ${dst.text} to virtual private gateway ${target.id}: the check stops there (the VPN or Direct Connect side is not seen).`
                    : `${rtb} sends ${dst.text} to ${target.id}: a target this check does not follow.`,
            );
            return;
    }
}

/** The flag that names a route's destination in `aws ec2 replace-route` / `delete-route`. */
function destinationFlag(selected: SelectedRoute, dst: IpRange): string {
    if (selected.route.DestinationPrefixListId) return `--destination-prefix-list-id ${selected.destination}`;
    return dst.version === 4 ? `--destination-cidr-block ${selected.destination}` : `--destination-ipv6-cidr-block ${selected.destination}`;
}

/** The same destination as an aws.ec2.Route property, for Pulumi hints. */
function routeDestinationProperty(selected: SelectedRoute, dst: IpRange): string {
    const property = selected.route.DestinationPrefixListId ? "destinationPrefixListId" : dst.version === 4 ? "destinationCidrBlock" : "destinationIpv6CidrBlock";
    return `${property}: "${selected.destination}"`;
}

function peeringStopNote(rtb: string, dst: IpRange, pcxId: string): string {
    return `${rtb} sends ${dst.text} to peering connection ${pcxId}: the check stops there (the peer VPC's routes, security groups and ACLs are not seen).`;
}

const PEERING_WAIT_STATES = ["initiating-request", "provisioning"];
const PEERING_GONE_STATES = ["deleted", "deleting", "rejected", "expired", "failed"];

/**
 * A route to a peering connection. Peering carries only traffic between the two VPCs: "If VPC A has
 * an internet gateway, resources in VPC B can't use the internet gateway in VPC A to access the
 * internet", and likewise a NAT device, a VPN or Direct Connect connection, a gateway endpoint to S3
 * (VPC peering guide, "VPC peering limitations", edge to edge routing through a gateway or private
 * connection). So a destination outside the peer VPC's CIDR blocks is the route's fault; inside, the
 * check stops, as it cannot see the peer VPC. Returns false when the documents do not hold the
 * connection (the caller then stops as before).
 */
function checkPeering(hop: Hop, pcxId: string, selected: SelectedRoute, rtb: string, dst: IpRange, result: RangeResult): boolean {
    const pcx = hop.docs.vpcPeeringConnections.find((p) => p.VpcPeeringConnectionId === pcxId);
    if (!pcx) {
        result.notes.push(peeringStopNote(rtb, dst, pcxId));
        result.notes.push(`Peering connection ${pcxId} is not in describe-vpc-peering-connections: its state and the peer VPC's CIDR blocks were not checked.`);
        // A blackhole route to it still drops the packets: the generic blackhole culprit follows.
        return selected.route.State !== "blackhole";
    }
    const state = pcx.Status?.Code ?? "unknown";
    const requester = pcx.RequesterVpcInfo;
    const accepter = pcx.AccepterVpcInfo;
    const peer: Ec2VpcPeeringConnectionVpcInfo | undefined =
        hop.vpcId !== undefined && requester?.VpcId === hop.vpcId ? accepter : hop.vpcId !== undefined && accepter?.VpcId === hop.vpcId ? requester : undefined;
    const peerCidrs = peer === undefined ? [] : peerCidrBlocks(peer, dst.version);
    const peerName = peer?.VpcId ?? "the peer VPC";
    const route = routeText(selected);
    const rule = selected.route.State === "blackhole" ? `${route} (blackhole)` : route;
    const inside = coveredTogether(peerCidrs, dst);
    const partly = !inside && peerCidrs.some((c) => overlapsRange(c, dst));
    if (peerCidrs.length > 0 && !inside && !partly) {
        const egress = ownEgress(hop, dst, selected, rtb);
        result.culprits.push({
            kind: "route-table",
            id: rtb,
            direction: "outbound",
            rule,
            reason:
                `${rtb} sends ${dst.text} to peering connection ${pcxId}, but ${dst.text} is outside ${peerName} (${peerCidrs.map((c) => c.text).join(", ")}): ` +
                `a peering connection carries only traffic to the peer VPC's own addresses; AWS does not route beyond it, so the peer's internet gateway, NAT device or gateway endpoint cannot be used (VPC peering guide, edge to edge routing). ${egress.says}`,
            fix: egress.fix,
            hint: egress.hint,
            effect: "drops-request",
            hop: "workload",
        });
        return true;
    }
    if (state === "active") {
        result.notes.push(peeringStopNote(rtb, dst, pcxId));
        if (partly) result.notes.push(`${dst.text} is only partly inside ${peerName} (${peerCidrs.map((c) => c.text).join(", ")}): peering carries only the part inside.`);
        if (peer === undefined) result.notes.push(`Neither side of ${pcxId} is ${hop.vpcId ?? "the workload's VPC"}: its CIDR blocks were not compared with ${dst.text}.`);
        return true;
    }
    const message = pcx.Status?.Message ? ` (${pcx.Status.Message})` : "";
    const unknownCidrs = peerCidrs.length === 0 ? ` EC2 returns a peer's CIDR blocks only for an active connection, so whether ${dst.text} is in ${peerName} is not known.` : "";
    const base = `${rtb} sends ${dst.text} to peering connection ${pcxId}, which is ${state}${message}: it carries no traffic.`;
    let reason: string;
    let fix: string;
    let hint: string;
    if (state === "pending-acceptance") {
        reason = `${base} The owner of ${accepter?.VpcId ?? "the accepter VPC"}${accepter?.OwnerId ? ` (account ${accepter.OwnerId})` : ""} must accept it${accepter?.Region ? `, in ${accepter.Region}` : ""}.${unknownCidrs}`;
        fix = `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${pcxId}`;
        hint = "aws.ec2.VpcPeeringConnectionAccepter in the accepter's program (autoAccept: true)";
    } else if (PEERING_WAIT_STATES.includes(state)) {
        reason = `${base} It is on its way to active: wait and check again.${unknownCidrs}`;
        fix = `aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids ${pcxId} --query 'VpcPeeringConnections[0].Status'`;
        hint = "nothing to change while it is being set up";
    } else {
        const other = peer?.VpcId ?? (requester?.VpcId === hop.vpcId ? accepter?.VpcId : requester?.VpcId);
        const gone = PEERING_GONE_STATES.includes(state) ? "it cannot be used again" : "it is not usable";
        reason =
            `${base} ${gone.charAt(0).toUpperCase() + gone.slice(1)}: create a new one first (aws ec2 create-vpc-peering-connection --vpc-id ${hop.vpcId ?? "<vpc-id>"} --peer-vpc-id ${other ?? "<peer-vpc-id>"}), ` +
            `have it accepted, and point the route at it.${unknownCidrs}`;
        fix = `aws ec2 replace-route --route-table-id ${rtb} ${destinationFlag(selected, dst)} --vpc-peering-connection-id <new-pcx-id>`;
        hint = "aws.ec2.VpcPeeringConnection (and aws.ec2.VpcPeeringConnectionAccepter), then aws.ec2.Route to it";
    }
    result.culprits.push({ kind: "vpc-peering-connection", id: pcxId, direction: "outbound", rule, reason, fix, hint, effect: "drops-request", hop: "workload" });
    return true;
}

function peerCidrBlocks(peer: Ec2VpcPeeringConnectionVpcInfo, version: 4 | 6): IpRange[] {
    const texts =
        version === 4
            ? [peer.CidrBlock, ...(peer.CidrBlockSet ?? []).map((c) => c.CidrBlock)]
            : (peer.Ipv6CidrBlockSet ?? []).map((c) => c.Ipv6CidrBlock);
    const out: IpRange[] = [];
    for (const t of texts) {
        const r = cidrRange(t);
        if (r && !out.some((o) => o.text === r.text)) out.push(r);
    }
    return out;
}

/**
 * Every address of `dst` is in one of `blocks`. Two adjacent blocks of the peer (10.20.0.0/16 and
 * 10.21.0.0/16) can hold a range (10.20.0.0/15) that neither holds alone.
 */
function coveredTogether(blocks: readonly IpRange[], dst: IpRange): boolean {
    // Merged, touching blocks become one span: dst is covered when one span holds it whole.
    const spans = mergeSpans(blocks.map((b) => ({ first: BigInt(b.first), last: BigInt(b.last) })));
    return spans.some((s) => s.first <= BigInt(dst.first) && BigInt(dst.last) <= s.last);
}

function overlapsRange(a: IpRange, b: IpRange): boolean {
    return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

/**
 * How the workload's own VPC should reach a destination the peering route cannot: S3 through a
 * gateway endpoint (the VPC's own, added to this table, or a new one), the internet through an
 * available NAT gateway of the VPC (or a new one), IPv6 through an egress-only internet gateway.
 */
function ownEgress(hop: Hop, dst: IpRange, selected: SelectedRoute, rtb: string): { fix: string; hint: string; says: string } {
    const docs = hop.docs;
    const eniRegion = /^([a-z]{2}(-[a-z]+)+-\d+)[a-z]$/.exec(hop.eni.AvailabilityZone ?? "")?.[1];
    const s3 = dst.version === 4 ? s3PrefixListFor(docs, dst) : undefined;
    const s3Service = s3 ? prefixListName(docs, s3) : dst.version === 4 && hop.query.dstIsS3 ? `com.amazonaws.${eniRegion ?? "<region>"}.s3` : undefined;
    // The endpoint's prefix-list route wins only where its entry is more specific than the peering
    // route (longest prefix match; on equal prefixes the static route wins): a peering route for a
    // narrower range than the list's entry keeps the traffic, endpoint or not.
    const entry = s3 ? longestEntry(docs, s3, dst) : undefined;
    const selectedRange = cidrRange(selected.destination);
    const endpointWins = entry === undefined || selectedRange === undefined || prefixLength(entry) > prefixLength(selectedRange);
    if (s3Service !== undefined && endpointWins) {
        const endpoint = docs.vpcEndpoints.find((e) => e.ServiceName === s3Service && (e.VpcEndpointType ?? "Gateway") === "Gateway" && (hop.vpcId === undefined || e.VpcId === hop.vpcId));
        if (endpoint?.VpcEndpointId) {
            return {
                says: `Reach S3 through ${hop.vpcId ?? "the VPC"}'s own gateway endpoint ${endpoint.VpcEndpointId}: add ${rtb} to it.`,
                fix: `aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${endpoint.VpcEndpointId} --add-route-table-ids ${rtb}`,
                hint: `add "${rtb}" to routeTableIds of the aws.ec2.VpcEndpoint`,
            };
        }
        return {
            says: `Reach S3 through a gateway endpoint of ${hop.vpcId ?? "the VPC"} itself (free); its prefix-list route is more specific than ${selected.destination}.`,
            fix: `aws ec2 create-vpc-endpoint --vpc-id ${hop.vpcId ?? "<vpc-id>"} --vpc-endpoint-type Gateway --service-name ${s3Service} --route-table-ids ${rtb}`,
            hint: `new aws.ec2.VpcEndpoint(..., { vpcId: "${hop.vpcId ?? "<vpc-id>"}", serviceName: "${s3Service}", vpcEndpointType: "Gateway", routeTableIds: ["${rtb}"] })`,
        };
    }
    if (dst.version === 6) {
        return {
            says: `Route it through an egress-only internet gateway of ${hop.vpcId ?? "the VPC"} instead.`,
            fix: `aws ec2 replace-route --route-table-id ${rtb} ${destinationFlag(selected, dst)} --egress-only-internet-gateway-id <eigw-id>`,
            hint: "aws.ec2.EgressOnlyInternetGateway and aws.ec2.Route(..., { destinationIpv6CidrBlock, egressOnlyGatewayId })",
        };
    }
    const igw = docs.internetGateways.find((g) => internetGatewayAttachedTo(g, hop.vpcId))?.InternetGatewayId;
    if (igw !== undefined && publicIpv4(hop.eni) !== undefined) {
        return {
            says: `${hop.eniId} has a public IPv4 address: route it through ${hop.vpcId ?? "the VPC"}'s own internet gateway ${igw}.`,
            fix: `aws ec2 replace-route --route-table-id ${rtb} ${destinationFlag(selected, dst)} --gateway-id ${igw}`,
            hint: "aws.ec2.Route(..., { destinationCidrBlock: \"0.0.0.0/0\", gatewayId: <the VPC's internet gateway> })",
        };
    }
    // Stryker disable next-line StringLiteral: equivalent: no NAT gateway is being replaced here, and no NAT gateway id is "" or any other text, so nothing is left out.
    const replacement = natReplacement(hop, "");
    return {
        says: replacement.id ? `Route it through ${hop.vpcId ?? "the VPC"}'s own NAT gateway: ${replacement.says}` : `Route it through a NAT gateway of ${hop.vpcId ?? "the VPC"} itself. ${replacement.says}`,
        fix: `aws ec2 replace-route --route-table-id ${rtb} ${destinationFlag(selected, dst)} --nat-gateway-id ${replacement.id ?? "<new-nat-gateway-id>"}`,
        hint: "awsx.ec2.Vpc natGateways, or aws.ec2.NatGateway in a public subnet and aws.ec2.Route to it",
    };
}

/**
 * A blackhole route to an internet gateway: detached (attach it again), attached to another VPC (a
 * gateway attaches to one VPC only), or gone. Returns false when the gateway is attached to this VPC
 * after all (documents read while it changed): the generic blackhole culprit then says what it can.
 */
function checkBlackholeInternetGateway(hop: Hop, igwId: string, selected: SelectedRoute, rtb: string, dst: IpRange, result: RangeResult): boolean {
    const igw = hop.docs.internetGateways.find((g) => g.InternetGatewayId === igwId);
    if (igw) {
        if (internetGatewayAttachedTo(igw, hop.vpcId)) return false;
        checkPublicAddress(hop, selected.destination, igwId, dst, result);
        checkInternetGateway(hop, igwId, hop.vpcId, "workload", rtb, selected, dst, result);
        return true;
    }
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder element is not "internetGateways", as no element is.
    if ((hop.docs.unread ?? []).includes("internetGateways")) return false;
    const other = hop.docs.internetGateways.find((g) => internetGatewayAttachedTo(g, hop.vpcId))?.InternetGatewayId;
    const route = routeText(selected);
    // As for a detached gateway: a route to a working gateway still needs a public address.
    checkPublicAddress(hop, selected.destination, igwId, dst, result);
    result.culprits.push({
        kind: "route-table",
        id: rtb,
        direction: "outbound",
        rule: `${route} (blackhole)`,
        reason:
            `The route ${hop.subnetId} uses for ${dst.text} is ${route}, and it is a blackhole: internet gateway ${igwId} no longer exists (describe-internet-gateways does not know it). ` +
            (other
                ? `${hop.vpcId ?? "The VPC"} has ${other} attached: point the route at it.`
                : `Create and attach one first: aws ec2 create-internet-gateway, then aws ec2 attach-internet-gateway --internet-gateway-id <new-igw-id> --vpc-id ${hop.vpcId ?? "<vpc-id>"}.`),
        fix: `aws ec2 replace-route --route-table-id ${rtb} ${destinationFlag(selected, dst)} --gateway-id ${other ?? "<new-igw-id>"}`,
        hint: "aws.ec2.InternetGateway (with vpcId) and aws.ec2.Route to it",
        effect: "drops-request",
        hop: "workload",
    });
    // Stryker disable next-line BooleanLiteral: equivalent: with false the caller adds its generic blackhole culprit, which has this one's kind, id, direction, rule and hop, and evaluateConfiguration keeps only the first of such duplicates.
    return true;
}

function internetGatewayAttachedTo(igw: { readonly Attachments?: ReadonlyArray<{ readonly State?: string; readonly VpcId?: string }> }, vpcId: string | undefined): boolean {
    // Real output says `available` for an attached gateway; the API model also lists `attached`.
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder attachment has no VpcId or State, so it is not an attachment, as with none.
    return (igw.Attachments ?? []).some((a) => (vpcId === undefined || a.VpcId === vpcId) && (a.State === "available" || a.State === "attached"));
}

function availablePublicNat(docs: Ec2Documents, vpcId: string | undefined): string | undefined {
    return docs.natGateways.find(
        (n) => (vpcId === undefined || n.VpcId === vpcId) && n.State === "available" && (n.ConnectivityType ?? "public") === "public",
    )?.NatGatewayId;
}

function noRouteCulprit(hop: Hop, table: Ec2RouteTable, dst: IpRange): Culprit {
    const rtb = table.RouteTableId ?? "?";
    const docs = hop.docs;
    const base = `${rtb} (${hop.explicitTable ? `${hop.subnetId}'s route table` : `the VPC's main table, which ${hop.subnetId} uses`}) has no route that matches ${dst.text}`;
    // An S3 gateway endpoint on this table whose list lacks the address: a bucket in another region.
    // For an IPv6 destination the list does not hold, the route it lacks is ::/0 (to an egress-only or
    // internet gateway) whatever region the bucket is in: that fix is the one to give.
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder route has no DestinationPrefixListId, so it is skipped, as with none.
    for (const route of table.Routes ?? []) {
        const pl = route.DestinationPrefixListId;
        // Stryker disable next-line StringLiteral: equivalent: a list whose name is unknown matches no S3 list name, whatever the fallback text.
        const region = pl ? S3_PREFIX_LIST_NAME.exec(prefixListName(docs, pl) ?? "")?.[1] : undefined;
        if (pl && region && route.GatewayId?.startsWith("vpce-") && dst.version === 4) {
            const nat = availablePublicNat(docs, hop.vpcId);
            return {
                kind: "vpc-endpoint",
                id: route.GatewayId,
                direction: "outbound",
                rule: `${pl} -> ${route.GatewayId}`,
                reason: `${base}: the S3 gateway endpoint ${route.GatewayId} reaches S3 in ${region} only (prefix list ${pl}), and ${dst.text} is not in it, so the bucket is in another region and nothing else routes there.`,
                fix: `aws ec2 create-route --route-table-id ${rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${nat ?? "<nat-gateway-id>"}`,
                hint: `use a bucket in ${region}, or give the subnet a NAT gateway route (awsx.ec2.Vpc natGateways, or aws.ec2.Route to a NAT gateway)`,
                effect: "drops-request",
                hop: "workload",
            };
        }
    }
    const s3 = dst.version === 4 ? s3PrefixListFor(docs, dst) : undefined;
    // Stryker disable next-line StringLiteral: equivalent: without a zone there is no Region, whatever the fallback text (it is not a zone name).
    const eniRegion = /^([a-z]{2}(-[a-z]+)+-\d+)[a-z]$/.exec(hop.eni.AvailabilityZone ?? "")?.[1];
    const s3Service = s3 ? (prefixListName(docs, s3) as string) : dst.version === 4 && hop.query.dstIsS3 ? `com.amazonaws.${eniRegion ?? "<region>"}.s3` : undefined;
    if (s3Service !== undefined) {
        const serviceName = s3Service;
        const endpoint = docs.vpcEndpoints.find((e) => e.ServiceName === serviceName && (e.VpcEndpointType ?? "Gateway") === "Gateway" && (hop.vpcId === undefined || e.VpcId === hop.vpcId));
        if (endpoint?.VpcEndpointId) {
            return {
                kind: "route-table",
                id: rtb,
                direction: "outbound",
                rule: "(no route)",
                reason: `${base}: the S3 gateway endpoint ${endpoint.VpcEndpointId} exists but is not associated with ${rtb}.`,
                fix: `aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${endpoint.VpcEndpointId} --add-route-table-ids ${rtb}`,
                hint: `add "${rtb}" to routeTableIds of the aws.ec2.VpcEndpoint`,
                effect: "drops-request",
                hop: "workload",
            };
        }
        return {
            kind: "route-table",
            id: rtb,
            direction: "outbound",
            rule: "(no route)",
            reason: `${base}: no NAT gateway, internet gateway or S3 gateway endpoint route, so the packets to S3 have nowhere to go.`,
            fix: `aws ec2 create-vpc-endpoint --vpc-id ${hop.vpcId ?? "<vpc-id>"} --vpc-endpoint-type Gateway --service-name ${serviceName} --route-table-ids ${rtb}`,
            hint: `new aws.ec2.VpcEndpoint(..., { vpcId: "${hop.vpcId ?? "<vpc-id>"}", serviceName: "${serviceName}", vpcEndpointType: "Gateway", routeTableIds: ["${rtb}"] })`,
            effect: "drops-request",
            hop: "workload",
        };
    }
    const nat = availablePublicNat(docs, hop.vpcId);
    const v6 = dst.version === 6;
    return {
        kind: "route-table",
        id: rtb,
        direction: "outbound",
        rule: "(no route)",
        reason: `${base}: no ${v6 ? "egress-only internet gateway, internet gateway" : "NAT gateway, internet gateway"} or endpoint route, so the packets have nowhere to go.`,
        fix: v6
            ? `aws ec2 create-route --route-table-id ${rtb} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id <eigw-id>`
            : `aws ec2 create-route --route-table-id ${rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${nat ?? "<nat-gateway-id>"}`,
        hint: v6 ? "aws.ec2.Route(..., { destinationIpv6CidrBlock: \"::/0\", egressOnlyGatewayId })" : "awsx.ec2.Vpc natGateways: { strategy: \"Single\" }, or aws.ec2.Route(..., { destinationCidrBlock: \"0.0.0.0/0\", natGatewayId })",
        effect: "drops-request",
        hop: "workload",
    };
}

function publicIpv4(eni: Ec2NetworkInterface): string | undefined {
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder address has no Association, so it gives no public IP, as with none.
    return eni.Association?.PublicIp ?? (eni.PrivateIpAddresses ?? []).find((a) => a.Association?.PublicIp)?.Association?.PublicIp;
}

function checkPublicAddress(hop: Hop, destination: string, gatewayId: string, dst: IpRange, result: RangeResult): void {
    if (dst.version === 6) {
        // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder has no Ipv6Address, so it is not an IPv6 address, as with none.
        if ((hop.eni.Ipv6Addresses ?? []).some((a) => a.Ipv6Address)) return;
        result.culprits.push({
            kind: "public-ip",
            id: hop.eniId,
            direction: "outbound",
            rule: `${destination} -> ${gatewayId}`,
            reason: `${hop.eniId} has no IPv6 address, so it cannot send IPv6 traffic through ${gatewayId}.`,
            fix: `aws ec2 assign-ipv6-addresses --network-interface-id ${hop.eniId} --ipv6-address-count 1`,
            hint: "ipv6AddressCount: 1 on the instance (the subnet needs an IPv6 CIDR), or assignIpv6AddressOnCreation on the subnet",
            effect: "drops-request",
            hop: "workload",
        });
        return;
    }
    if (publicIpv4(hop.eni) !== undefined) return;
    result.culprits.push({
        kind: "public-ip",
        id: hop.eniId,
        direction: "outbound",
        rule: `${destination} -> ${gatewayId}`,
        reason: `${hop.subnetId} routes ${dst.text} to internet gateway ${gatewayId}, but ${hop.eniId} has no public IPv4 address: the gateway only translates addresses that have one, so nothing comes back.`,
        fix: `aws ec2 associate-address --network-interface-id ${hop.eniId} --allocation-id <allocation-id from 'aws ec2 allocate-address --domain vpc'>`,
        hint: "associatePublicIpAddress: true (aws.ec2.Instance) or assignPublicIp: true (ECS service), or move the workload to a private subnet with a NAT gateway or an S3 gateway endpoint",
        effect: "drops-request",
        hop: "workload",
    });
}

function checkInternetGateway(hop: Hop, igwId: string, vpcId: string | undefined, where: Culprit["hop"], rtb: string, selected: SelectedRoute, dst: IpRange, result: RangeResult): void {
    const igw = hop.docs.internetGateways.find((g) => g.InternetGatewayId === igwId);
    if (!igw) {
        result.notes.push(`Internet gateway ${igwId} is not in describe-internet-gateways: its attachment was not checked.`);
        return;
    }
    if (internetGatewayAttachedTo(igw, vpcId)) return;
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder attachment has no VpcId, so it is not an attachment elsewhere, as with none.
    const elsewhere = (igw.Attachments ?? []).find((a) => a.VpcId !== undefined && a.VpcId !== vpcId && (a.State === "available" || a.State === "attached"))?.VpcId;
    if (elsewhere !== undefined) {
        // A gateway attaches to one VPC at a time: attaching it here would fail.
        const own = hop.docs.internetGateways.find((g) => internetGatewayAttachedTo(g, vpcId))?.InternetGatewayId;
        result.culprits.push({
            kind: "internet-gateway",
            id: igwId,
            direction: "outbound",
            rule: `route in ${rtb}`,
            reason:
                `Internet gateway ${igwId} is attached to ${elsewhere}, not to ${vpcId ?? "the VPC"}, and a gateway attaches to one VPC at a time: the route to it leads nowhere. ` +
                (own ? `${vpcId ?? "The VPC"} has ${own} attached: point the route at it.` : `Create and attach one first: aws ec2 create-internet-gateway, then aws ec2 attach-internet-gateway --internet-gateway-id <new-igw-id> --vpc-id ${vpcId ?? "<vpc-id>"}.`),
            fix: `aws ec2 replace-route --route-table-id ${rtb} ${destinationFlag(selected, dst)} --gateway-id ${own ?? "<new-igw-id>"}`,
            hint: "aws.ec2.InternetGateway (with vpcId) and aws.ec2.Route to it",
            effect: "drops-request",
            hop: where,
        });
        return;
    }
    result.culprits.push({
        kind: "internet-gateway",
        id: igwId,
        direction: "outbound",
        rule: `route in ${rtb}`,
        reason: `Internet gateway ${igwId} is not attached to ${vpcId ?? "the VPC"}, so the route to it leads nowhere.`,
        fix: `aws ec2 attach-internet-gateway --internet-gateway-id ${igwId} --vpc-id ${vpcId ?? "<vpc-id>"}`,
        hint: "aws.ec2.InternetGatewayAttachment, or the vpcId of aws.ec2.InternetGateway",
        effect: "drops-request",
        hop: where,
    });
}

function checkNatGateway(hop: Hop, natId: string, rtb: string, selected: SelectedRoute, dst: IpRange, result: RangeResult): void {
    const nat = hop.docs.natGateways.find((n) => n.NatGatewayId === natId);
    const route = routeText(selected);
    const blackhole = selected.route.State === "blackhole";
    if (!nat || nat.State !== "available") {
        // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder element is not "natGateways", as no element is.
        const state = natStateText(nat, (hop.docs.unread ?? []).includes("natGateways"));
        if (nat?.State === "pending") {
            result.culprits.push({
                kind: "nat-gateway",
                id: natId,
                direction: "outbound",
                rule: blackhole ? `${route} (blackhole)` : route,
                reason: `${rtb} sends ${dst.text} to NAT gateway ${natId}, which ${state}: it forwards nothing until it is available. Wait a few minutes and check again.`,
                fix: `aws ec2 describe-nat-gateways --nat-gateway-ids ${natId} --query 'NatGateways[0].[State,FailureCode,FailureMessage]'`,
                hint: "nothing to change while it is pending; if it ends failed, recreate the aws.ec2.NatGateway",
                effect: "drops-request",
                hop: "workload",
            });
            return;
        }
        const replacement = natReplacement(hop, natId);
        result.culprits.push({
            kind: blackhole ? "route-table" : "nat-gateway",
            id: blackhole ? rtb : natId,
            direction: "outbound",
            rule: blackhole ? `${route} (blackhole)` : route,
            reason: `${blackhole ? `The route ${hop.subnetId} uses for ${dst.text} is ${route}, and it is a blackhole: NAT gateway ${natId} ${state}` : `${rtb} sends ${dst.text} to NAT gateway ${natId}, which ${state}`}: it forwards nothing. ${replacement.says}`,
            fix: `aws ec2 replace-route --route-table-id ${rtb} ${destinationFlag(selected, dst)} --nat-gateway-id ${replacement.id ?? "<new-nat-gateway-id>"}`,
            hint: "awsx.ec2.Vpc natGateways, or aws.ec2.NatGateway in a public subnet and aws.ec2.Route to it",
            effect: "drops-request",
            hop: "workload",
        });
        return;
    }
    if (nat.ConnectivityType === "private") {
        // "if you route traffic from the private NAT gateway to the internet gateway, the internet gateway
        // drops the traffic" (NAT gateways user guide): whether this path reaches the destination depends
        // on routes beyond the NAT gateway's subnet (a transit gateway to an egress VPC, say).
        result.notes.push(`NAT gateway ${natId} is private: it reaches other networks through its subnet's routes (transit gateway, virtual private gateway), which the check does not follow.`);
        result.undecided = true;
        return;
    }
    checkNatSubnet(hop, nat, dst, result);
}

/** The NAT gateway's state as EC2 gives it, with the failure AWS reports for a failed one. */
function natStateText(nat: Ec2NatGateway | undefined, unread: boolean): string {
    // Stryker disable next-line LogicalOperator: equivalent: `unread` is true only when the snapshot had no describe-nat-gateways.json, and then the list is empty (snapshotFiles.ts), so no NAT gateway is found: `!nat || unread` is `!nat && unread` for every document set the check reads.
    if (!nat && unread) return "is not in the snapshot (it has no describe-nat-gateways.json), so its state is not known";
    if (!nat) return "is not in describe-nat-gateways (deleted long ago, or another account's)";
    const failure = [nat.FailureCode, nat.FailureMessage].filter((x) => x !== undefined && x !== "").join(": ");
    return `is ${nat.State ?? "in an unknown state"}${failure ? ` (${failure})` : ""}`;
}

/** An interface's Availability Zone, and the zone of each subnet an interface in the documents sits in. */
function zoneOfSubnet(docs: Ec2Documents, subnetId: string | undefined): string | undefined {
    if (subnetId === undefined) return undefined;
    return docs.networkInterfaces.find((n) => n.SubnetId === subnetId && n.AvailabilityZone)?.AvailabilityZone;
}

/** A NAT gateway's zone: that of its own interface, or of its subnet, when the documents show either. */
function natZone(docs: Ec2Documents, nat: Ec2NatGateway): string | undefined {
    const enis = (nat.NatGatewayAddresses ?? []).map((a) => a.NetworkInterfaceId);
    return docs.networkInterfaces.find((n) => enis.includes(n.NetworkInterfaceId) && n.AvailabilityZone)?.AvailabilityZone ?? zoneOfSubnet(docs, nat.SubnetId);
}

/**
 * What replaces a NAT gateway that forwards nothing: an available one in the workload's zone (a
 * NAT gateway serves its own zone; one in another zone costs cross-zone traffic and fails with that
 * zone), else a new one there.
 */
function natReplacement(hop: Hop, brokenId: string): { id?: string; says: string } {
    const zone = hop.eni.AvailabilityZone;
    const candidates = hop.docs.natGateways
        .filter((n) => n.NatGatewayId !== brokenId && (hop.vpcId === undefined || n.VpcId === hop.vpcId) && n.State === "available" && (n.ConnectivityType ?? "public") === "public")
        .map((n) => ({ id: n.NatGatewayId as string, zone: natZone(hop.docs, n) }))
        .sort((a, b) => a.id.localeCompare(b.id));
    const same = zone === undefined ? undefined : candidates.find((c) => c.zone === zone);
    if (same) return { id: same.id, says: `Route to ${same.id}, available in ${zone} like ${hop.eniId}.` };
    const create = `Create one${zone ? ` in ${zone}` : ""} first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>.`;
    const others = candidates.map((c) => `${c.id} (${c.zone ?? "zone not in the documents"})`).join(", ");
    return {
        says: others ? `${create} Available in other zones, or zones the documents do not show: ${others}; usable now, at the cost of cross-zone traffic and that zone's failures.` : create,
    };
}

function checkNatSubnet(hop: Hop, nat: Ec2NatGateway, dst: IpRange, result: RangeResult): void {
    // Stryker disable next-line StringLiteral: equivalent: the NAT gateway was found by its NatGatewayId (the route's target), so it has one.
    const natId = nat.NatGatewayId ?? "?";
    const natSubnet = nat.SubnetId;
    if (natSubnet === undefined) {
        // EC2 always returns it; a document trimmed by hand may not: say what was not checked.
        result.notes.push(`NAT gateway ${natId} has no SubnetId in describe-nat-gateways: its subnet's route table and network ACL were not checked.`);
        return;
    }
    const { table, explicit } = routeTableForSubnet(hop.docs, natSubnet, nat.VpcId ?? hop.vpcId);
    if (!table) {
        result.notes.push(`No route table for the NAT gateway's subnet ${natSubnet} in describe-route-tables.`);
    } else {
        const rtb = table.RouteTableId ?? "?";
        const lookup = selectRoute(hop.docs, table, dst);
        const target = lookup.found ? routeTarget(lookup.selected.route) : undefined;
        // Stryker disable next-line OptionalChaining: equivalent: `target` is undefined only when no route was found, and `lookup.found &&` stops before it.
        const igwRoute = lookup.found && target?.kind === "internet-gateway" && lookup.selected.route.State !== "blackhole" ? { id: target.id, selected: lookup.selected } : undefined;
        if (!igwRoute) {
            // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder attachment has no VpcId, so it names no VPC, as with none.
            const igw = hop.docs.internetGateways.find((g) => (g.Attachments ?? []).some((a) => a.VpcId === (nat.VpcId ?? hop.vpcId)));
            const now = lookup.found ? `its route for ${dst.text} is ${routeText(lookup.selected)}${lookup.selected.route.State === "blackhole" ? " (blackhole)" : ""}` : `it has no route for ${dst.text}`;
            // The NAT gateway's subnet uses the workload's own table (the NAT gateway put in a private
            // subnet): pointing that table at an internet gateway would take the workload off the NAT
            // gateway, with no public address to use the internet gateway with.
            const shared = table.RouteTableId !== undefined && table.RouteTableId === hop.table?.RouteTableId;
            const gateway = igw?.InternetGatewayId ?? "<igw-id>";
            result.culprits.push({
                kind: "route-table",
                id: rtb,
                direction: "outbound",
                rule: lookup.found ? routeText(lookup.selected) : "(no route)",
                reason: shared
                    ? `NAT gateway ${natId} sits in ${natSubnet === hop.subnetId ? `the workload's own subnet ${natSubnet} and uses its` : `${natSubnet}, which uses ${hop.subnetId}'s own`} route table ${rtb}: it does not send ${dst.text} to an internet gateway (${now}), and changing it would take ${hop.subnetId} off the NAT gateway. ` +
                      `A public NAT gateway belongs in a public subnet, whose table sends 0.0.0.0/0 to an internet gateway: create one there, then point ${rtb}'s route at it.`
                    : `NAT gateway ${natId} sits in ${natSubnet}, whose route table ${rtb}${explicit ? "" : " (the VPC's main table: the subnet has none of its own)"} does not send ${dst.text} to an internet gateway (${now}): a public NAT gateway needs one to reach the internet.`,
                // The route that wins for the destination is the one to change: a new 0.0.0.0/0 beside a
                // more specific route would lose to it (longest prefix match), and replace-route on a
                // 0.0.0.0/0 the table lacks fails.
                fix: shared
                    ? "aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>"
                    : lookup.found
                      ? `aws ec2 replace-route --route-table-id ${rtb} ${destinationFlag(lookup.selected, dst)} --gateway-id ${gateway}`
                      : `aws ec2 create-route --route-table-id ${rtb} --destination-cidr-block 0.0.0.0/0 --gateway-id ${gateway}`,
                hint: shared
                    ? "put the NAT gateway in a public subnet (awsx.ec2.Vpc does: natGateways), and aws.ec2.Route to it from the private subnet's table"
                    : `put the NAT gateway in a public subnet (awsx.ec2.Vpc does), or aws.ec2.Route(..., { ${lookup.found ? routeDestinationProperty(lookup.selected, dst) : 'destinationCidrBlock: "0.0.0.0/0"'}, gatewayId: <igw> })`,
                effect: "drops-request",
                hop: "nat-gateway",
            });
        } else {
            checkInternetGateway(hop, igwRoute.id, nat.VpcId ?? hop.vpcId, "nat-gateway", rtb, igwRoute.selected, dst, result);
        }
    }
    if (natSubnet === hop.subnetId) return;
    const acl = aclForSubnet(hop.docs.networkAcls, natSubnet);
    if (!acl) {
        result.notes.push(`No network ACL associated with the NAT gateway's subnet ${natSubnet} in describe-network-acls.`);
        return;
    }
    const eniIp = cidrRange(hop.eni.PrivateIpAddress);
    const natIp = nat.NatGatewayAddresses?.[0]?.PrivateIp ?? "the NAT gateway";
    const proto = hop.query.protocol;
    const port = hop.query.port;
    const legs: AclLeg[] = [];
    if (eniIp) {
        legs.push({
            packet: { egress: false, protocol: proto, peer: eniIp, ports: portsOf(hop, [port, port]) },
            what: `${service(hop, dst)} arriving from ${hop.eni.PrivateIpAddress} (the requests, on their way into the NAT gateway)`,
            effect: "drops-request",
            cidr: cidrText(eniIp),
        });
    }
    legs.push({
        packet: { egress: true, protocol: proto, peer: dst, ports: portsOf(hop, [port, port]) },
        what: `${service(hop, dst)} leaving NAT gateway ${natId} (the requests)`,
        effect: "drops-request",
        cidr: hop.ruleCidr(dst),
    });
    legs.push({
        packet: { egress: false, protocol: proto, peer: dst, ports: portsOf(hop, NAT_GATEWAY_PORTS) },
        what: protocolHasPorts(proto)
            ? `the replies from ${dst.text}:${port} to ${natIp} on the NAT gateway's ports ${NAT_GATEWAY_PORTS[0]}-${NAT_GATEWAY_PORTS[1]}`
            : `the replies from ${dst.text} to ${natIp}`,
        effect: "drops-reply",
        cidr: hop.ruleCidr(dst),
    });
    if (eniIp) {
        legs.push({
            packet: { egress: true, protocol: proto, peer: eniIp, ports: portsOf(hop, hop.clientPorts) },
            what: protocolHasPorts(proto)
                ? `the replies forwarded to ${hop.eni.PrivateIpAddress} on its ephemeral ports ${hop.clientPorts[0]}-${hop.clientPorts[1]}`
                : `the replies forwarded to ${hop.eni.PrivateIpAddress}`,
            effect: "drops-reply",
            cidr: cidrText(eniIp),
        });
    }
    checkAclLegs(acl, "nat-gateway", legs, result);
}

/** The policy AWS gives an endpoint when none is set: everything allowed to everyone. */
export function isDefaultEndpointPolicy(policyDocument: string | undefined): boolean {
    if (policyDocument === undefined) return true;
    let policy: unknown;
    try {
        policy = JSON.parse(policyDocument);
    } catch {
        return false;
    }
    const statements = (policy as { Statement?: unknown }).Statement;
    const list = Array.isArray(statements) ? statements : [statements];
    return (
        list.length === 1 &&
        // Stryker disable next-line MethodExpression: equivalent: the list has exactly one statement here (checked just before), and `some` and `every` agree on one element.
        list.every((s) => {
            const st = s as Record<string, unknown>;
            const keys = Object.keys(st).filter((k) => k !== "Sid");
            const anyone = st.Principal === "*" || (typeof st.Principal === "object" && st.Principal !== null && (st.Principal as { AWS?: unknown }).AWS === "*");
            return keys.length === 4 && st.Effect === "Allow" && anyone && st.Action === "*" && st.Resource === "*";
        })
    );
}

function checkGatewayEndpoint(hop: Hop, endpointId: string, prefixListId: string, rtb: string, result: RangeResult): void {
    const endpoint = hop.docs.vpcEndpoints.find((e) => e.VpcEndpointId === endpointId);
    if (!endpoint) {
        result.notes.push(`Gateway endpoint ${endpointId} is not in describe-vpc-endpoints: its state and policy were not checked.`);
        return;
    }
    if (endpoint.State?.toLowerCase() !== "available") {
        result.culprits.push({
            kind: "vpc-endpoint",
            id: endpointId,
            direction: "outbound",
            rule: `${prefixListId} -> ${endpointId}`,
            reason: `Gateway endpoint ${endpointId} (${endpoint.ServiceName ?? "?"}) is ${endpoint.State ?? "in an unknown state"}, not available.`,
            fix: `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${endpointId} --query 'VpcEndpoints[0].[State,LastError]'`,
            hint: "recreate the aws.ec2.VpcEndpoint if it failed",
            effect: "drops-request",
            hop: "workload",
        });
        return;
    }
    if (!isDefaultEndpointPolicy(endpoint.PolicyDocument)) {
        result.culprits.push({
            kind: "vpc-endpoint",
            id: endpointId,
            direction: "outbound",
            rule: "endpoint policy",
            reason: `Gateway endpoint ${endpointId} (${endpoint.ServiceName ?? "?"}, used by ${rtb}) has a custom policy: requests it does not allow get HTTP 403 from S3, which flow logs show as accepted traffic. Its statements are not evaluated here.`,
            fix: `aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${endpointId} --reset-policy`,
            hint: `read it first: aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${endpointId} --query 'VpcEndpoints[0].PolicyDocument' --output text; in Pulumi, the policy argument of aws.ec2.VpcEndpoint (--reset-policy restores full access)`,
            effect: "may-deny",
            hop: "workload",
        });
    }
}


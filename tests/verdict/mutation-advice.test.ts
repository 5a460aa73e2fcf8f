/**
 * The next steps (analysis/verdict/advice.ts) are what a user copies and pastes: each case is one
 * situation (the flow-log records, the destination, what the configuration check found) and asserts
 * the verdict and the whole list of steps, every sentence and every command.
 *
 * The commands' option names are those of the AWS CLI reference: `aws ec2 describe-network-interfaces
 * --network-interface-ids`, `describe-security-groups --group-ids`, `describe-network-acls --filters
 * Name=association.subnet-id,Values=...` / `--network-acl-ids`, `describe-route-tables --filters ... /
 * --route-table-ids`, `create-network-insights-path --source --destination-ip --destination-port
 * --protocol`, `start-network-insights-analysis --network-insights-path-id`,
 * `describe-vpc-block-public-access-options` / `-exclusions`, `describe-flow-logs` (every `aws ec2`
 * command is also checked against the EC2 API model in ec2-commands.test.ts); `aws cloudtrail
 * lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=...` (CloudTrail
 * LookupEvents: "AttributeKey ... AttributeValue", both required); `aws ecs execute-command --cluster
 * --task --interactive --command` (ECS ExecuteCommand: command, interactive and task required). The
 * --query paths name members of the EC2 response shapes: NetworkInterface SubnetId, Groups,
 * PrivateIpAddress, Ipv6Addresses; SecurityGroup IpPermissions / IpPermissionsEgress; NetworkAcl
 * Entries; RouteTable Routes; FlowLog FlowLogId, ResourceId, TrafficType, DeliverLogsStatus,
 * DeliverLogsErrorMessage.
 */
import { expect } from "chai";
import { AddressSet } from "../../analysis/core/ip";
import { DIAGNOSTIC_FORMAT, DEFAULT_FORMAT, LogFormat, resolveLogFormat } from "../../analysis/core/logFormat";
import { FlowRecord } from "../../analysis/core/records";
import { KnownIds } from "../../analysis/verdict/advice";
import { NextStep, TrafficType, Verdict, diagnose } from "../../analysis/verdict/classify";
import { NAT_ENI, NAT_IP, OTHER_ENI, S3, TASK, TASK_ENI, inbound, outbound, query, scanLines, toLine } from "../helpers/analysisRecords";

/** The diagnostic format plus instance-id (`-` marks a requester-managed ENI: a NAT gateway's) and reject-reason. */
const WIDE: LogFormat = resolveLogFormat(DIAGNOSTIC_FORMAT.formatString + " ${instance-id} ${reject-reason}", "--format", true);
/** No interface-id: the ENI cannot be named. */
const NO_ENI: LogFormat = resolveLogFormat("${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action}", "--format", true);
/** No action: no record says ACCEPT or REJECT. */
const NO_ACTION: LogFormat = resolveLogFormat("${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end}", "--format", true);

const TASK_SUBNET = "subnet-0task";
const INSTANCE = { instanceId: "i-0123456789abcdef0" };

interface Situation {
    records: readonly FlowRecord[];
    src?: string;
    dst?: string;
    protocol?: number;
    format?: LogFormat;
    trafficType?: TrafficType;
    known?: KnownIds;
    /** Raw lines added to the records' (malformed ones). */
    lines?: readonly string[];
}

function advise(s: Situation): { verdict: Verdict; nextSteps: NextStep[] } {
    const format = s.format ?? WIDE;
    const protocol = s.protocol ?? 6;
    const q = query({ src: AddressSet.parse(s.src ?? TASK, "--src"), dst: AddressSet.parse(s.dst ?? S3, "--dst"), protocol, port: protocol === 6 || protocol === 17 ? 443 : 0 });
    const lines = [...s.records.map((r) => toLine({ ...INSTANCE, ...r }, format)), ...(s.lines ?? [])];
    const d = diagnose(scanLines(lines, format, q).evidence(), { trafficType: s.trafficType ?? "ALL", known: s.known });
    return { verdict: d.verdict, nextSteps: d.nextSteps };
}

/** The task's packets to `dst` (and its replies), with the task's subnet. */
const to = (dst: string, action: "ACCEPT" | "REJECT", i: number, extra: FlowRecord = {}) => outbound(action, i, { dstAddr: dst, subnetId: TASK_SUBNET, ...extra });
const from = (dst: string, action: "ACCEPT" | "REJECT", i: number, extra: FlowRecord = {}) => inbound(action, i, { srcAddr: dst, subnetId: TASK_SUBNET, ...extra });

const KNOWN: KnownIds = {
    eniId: TASK_ENI,
    subnetId: TASK_SUBNET,
    routeTableId: "rtb-0aa11bb22cc33dd44",
    networkAclId: "acl-0d1e2f3a4b5c6d7e8",
    securityGroupIds: ["sg-0123456789abcdef0", "sg-0fedcba9876543210"],
};

const step = (text: string, ...commands: string[]): NextStep => ({ step: text, commands });

interface Case {
    name: string;
    situation: Situation;
    verdict: Verdict;
    steps: NextStep[];
}

/** The NAT gateway's ENI: the task's packets arrive with the NAT's own address as dstaddr (requester-managed: instance-id `-`). */
const natIn = (action: "ACCEPT" | "REJECT", i: number) =>
    outbound(action, i, { interfaceId: NAT_ENI, dstAddr: NAT_IP, pktSrcAddr: TASK, pktDstAddr: S3, subnetId: "subnet-0nat", instanceId: undefined });
const natReply = (action: "ACCEPT" | "REJECT", i: number) =>
    inbound(action, i, { interfaceId: NAT_ENI, srcAddr: NAT_IP, pktSrcAddr: S3, pktDstAddr: TASK, subnetId: "subnet-0nat", instanceId: undefined });
/** A middlebox instance's ENI between the ends (an instance, so not taken for a NAT gateway). */
const hopOut = (action: "ACCEPT" | "REJECT", i: number, extra: FlowRecord = {}) =>
    outbound(action, i, { interfaceId: NAT_ENI, srcAddr: NAT_IP, pktSrcAddr: TASK, pktDstAddr: S3, subnetId: "subnet-0hop", ...extra });
const hopIn = (action: "ACCEPT" | "REJECT", i: number, extra: FlowRecord = {}) =>
    inbound(action, i, { interfaceId: NAT_ENI, dstAddr: NAT_IP, pktSrcAddr: S3, pktDstAddr: TASK, subnetId: "subnet-0hop", ...extra });
const egress = { flowDirection: "egress" as const };
const ingress = { flowDirection: "ingress" as const };
const atDest = { interfaceId: OTHER_ENI, subnetId: "subnet-0dest" };
const PRIVATE = "10.0.3.50";
const V6_SRC = "2600:1f18:aaaa::25";
const V6_DST = "2600:1f18::1";
const FORMAT_NO_SUBNET: LogFormat = resolveLogFormat(DEFAULT_FORMAT.formatString + " ${pkt-srcaddr} ${pkt-dstaddr} ${instance-id}", "--format", true);

const CASES: Case[] = [
    // security-group-or-nacl. VPC user guide: security groups are stateful and a rule may reference a prefix
    // list; network ACLs are stateless, take CIDR blocks only ("Prefix lists can be used in security group
    // rules, not in network ACLs", shared reference.md) and are evaluated "starting with the lowest numbered
    // rule", so an allow must come before any DENY that matches. Which rules apply depends on where the
    // REJECT was logged: leaving the source's ENI (egress), arriving at the destination's (inbound).
    {
        name: "rejected leaving the task's ENI (S3): its security groups' egress and its subnet's network ACL, by the subnet the records name",
        situation: { records: [to(S3, "REJECT", 0, egress), to(S3, "REJECT", 1, egress)] },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Check the security groups of eni-0a1b2c3d4e5f60718: an egress rule must allow tcp 443 to 52.219.204.42 (or to the S3 prefix list).",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissionsEgress'",
            ),
            step(
                "Check the network ACL of subnet-0task: an outbound rule allowing tcp 443 to 52.219.204.42 must have a lower rule number than any DENY that matches (network ACLs cannot use prefix lists).",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=subnet-0task --query 'NetworkAcls[].Entries'",
            ),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "the same with the ids the configuration check found: the groups and the network ACL by id",
        situation: { records: [to(S3, "REJECT", 0, egress)], known: KNOWN },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Check the security groups of eni-0a1b2c3d4e5f60718: an egress rule must allow tcp 443 to 52.219.204.42 (or to the S3 prefix list).",
                "aws ec2 describe-security-groups --group-ids sg-0123456789abcdef0 sg-0fedcba9876543210 --query 'SecurityGroups[].IpPermissionsEgress'",
            ),
            step(
                "Check the network ACL of subnet-0task (acl-0d1e2f3a4b5c6d7e8): an outbound rule allowing tcp 443 to 52.219.204.42 must have a lower rule number than any DENY that matches (network ACLs cannot use prefix lists).",
                "aws ec2 describe-network-acls --network-acl-ids acl-0d1e2f3a4b5c6d7e8 --query 'NetworkAcls[].Entries'",
            ),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "the same in the default format (no subnet-id): first a step to find the ENI's subnet and groups",
        situation: { records: [outbound("REJECT", 0)], format: DEFAULT_FORMAT },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Find the subnet and security groups of eni-0a1b2c3d4e5f60718.",
                "aws ec2 describe-network-interfaces --network-interface-ids eni-0a1b2c3d4e5f60718 --query 'NetworkInterfaces[0].[SubnetId,Groups]'",
            ),
            step(
                "Check the security groups of eni-0a1b2c3d4e5f60718: an egress rule must allow tcp 443 to 52.219.204.42 (or to the S3 prefix list).",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissionsEgress'",
            ),
            step(
                "Check the network ACL of <subnet-id>: an outbound rule allowing tcp 443 to 52.219.204.42 must have a lower rule number than any DENY that matches (network ACLs cannot use prefix lists).",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "rejected arriving at the destination's ENI (private address): its inbound rules, never the workload's known groups; Reachability Analyzer from the workload's ENI",
        situation: { dst: PRIVATE, records: [to(PRIVATE, "ACCEPT", 0, egress), to(PRIVATE, "REJECT", 0, { ...atDest, ...ingress })], known: KNOWN },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Check the security groups of eni-07e6d5c4b3a291807: an inbound rule must allow tcp 443 from 10.0.1.25.",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissions'",
            ),
            step(
                "Check the network ACL of subnet-0dest: an inbound rule allowing tcp 443 from 10.0.1.25 must have a lower rule number than any DENY that matches.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=subnet-0dest --query 'NetworkAcls[].Entries'",
            ),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 10.0.3.50 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "rejected at the destination's ENI without subnet-id and without the source's ENI: find the destination's subnet; the source ENI stays a placeholder",
        situation: { dst: PRIVATE, records: [outbound("REJECT", 0, { dstAddr: PRIVATE, interfaceId: OTHER_ENI, flowDirection: "ingress" })], format: resolveLogFormat(DEFAULT_FORMAT.formatString + " ${flow-direction}", "--format", true) },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Find the subnet and security groups of eni-07e6d5c4b3a291807.",
                "aws ec2 describe-network-interfaces --network-interface-ids eni-07e6d5c4b3a291807 --query 'NetworkInterfaces[0].[SubnetId,Groups]'",
            ),
            step(
                "Check the security groups of eni-07e6d5c4b3a291807: an inbound rule must allow tcp 443 from 10.0.1.25.",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissions'",
            ),
            step(
                "Check the network ACL of <subnet-id>: an inbound rule allowing tcp 443 from 10.0.1.25 must have a lower rule number than any DENY that matches.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source <source-eni-id> --destination-ip 10.0.3.50 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "rejected at an ENI whose end the records cannot tell (both addresses private): find out which end, then both readings",
        situation: { dst: PRIVATE, records: [outbound("REJECT", 0, { dstAddr: PRIVATE })], format: DEFAULT_FORMAT },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Find out which end eni-0a1b2c3d4e5f60718 belongs to: its own address is 10.0.1.25 (the source) or 10.0.3.50 (the destination). Adding ${flow-direction} to the flow log's format (the diagnostic format has it) makes every record say so.",
                "aws ec2 describe-network-interfaces --network-interface-ids eni-0a1b2c3d4e5f60718 --query 'NetworkInterfaces[0].[PrivateIpAddress,SubnetId,Groups]'",
            ),
            step(
                "If it is the source's ENI: check the security groups of eni-0a1b2c3d4e5f60718: an egress rule must allow tcp 443 to 10.0.3.50.",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissionsEgress'",
            ),
            step(
                "If it is the source's ENI: check the network ACL of <subnet-id>: an outbound rule allowing tcp 443 to 10.0.3.50 must have a lower rule number than any DENY that matches.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ),
            step(
                "If it is the destination's ENI: check the security groups of eni-0a1b2c3d4e5f60718: an inbound rule must allow tcp 443 from 10.0.1.25.",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissions'",
            ),
            step(
                "If it is the destination's ENI: check the network ACL of <subnet-id>: an inbound rule allowing tcp 443 from 10.0.1.25 must have a lower rule number than any DENY that matches.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source <source-eni-id> --destination-ip 10.0.3.50 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "the same over IPv6: the ENI's Ipv6Addresses, and no Reachability Analyzer step (IPv4 only)",
        situation: { src: V6_SRC, dst: V6_DST, records: [outbound("REJECT", 0, { srcAddr: V6_SRC, dstAddr: V6_DST })], format: DEFAULT_FORMAT },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Find out which end eni-0a1b2c3d4e5f60718 belongs to: its own address is 2600:1f18:aaaa::25 (the source) or 2600:1f18::1 (the destination). Adding ${flow-direction} to the flow log's format (the diagnostic format has it) makes every record say so.",
                "aws ec2 describe-network-interfaces --network-interface-ids eni-0a1b2c3d4e5f60718 --query 'NetworkInterfaces[0].[Ipv6Addresses,SubnetId,Groups]'",
            ),
            step(
                "If it is the source's ENI: check the security groups of eni-0a1b2c3d4e5f60718: an egress rule must allow tcp 443 to 2600:1f18::1.",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissionsEgress'",
            ),
            step(
                "If it is the source's ENI: check the network ACL of <subnet-id>: an outbound rule allowing tcp 443 to 2600:1f18::1 must have a lower rule number than any DENY that matches.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ),
            step(
                "If it is the destination's ENI: check the security groups of eni-0a1b2c3d4e5f60718: an inbound rule must allow tcp 443 from 2600:1f18:aaaa::25.",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissions'",
            ),
            step(
                "If it is the destination's ENI: check the network ACL of <subnet-id>: an inbound rule allowing tcp 443 from 2600:1f18:aaaa::25 must have a lower rule number than any DENY that matches.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    {
        name: "the same when the records name no ENI: the known ids fill the source's reading only",
        situation: { dst: PRIVATE, records: [outbound("REJECT", 0, { dstAddr: PRIVATE })], format: NO_ENI, known: KNOWN },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Find out which end <eni-id> belongs to: its own address is 10.0.1.25 (the source) or 10.0.3.50 (the destination). Adding ${flow-direction} to the flow log's format (the diagnostic format has it) makes every record say so.",
                "aws ec2 describe-network-interfaces --network-interface-ids <eni-id> --query 'NetworkInterfaces[0].[PrivateIpAddress,SubnetId,Groups]'",
            ),
            step(
                "If it is the source's ENI: check the security groups of eni-0a1b2c3d4e5f60718: an egress rule must allow tcp 443 to 10.0.3.50.",
                "aws ec2 describe-security-groups --group-ids sg-0123456789abcdef0 sg-0fedcba9876543210 --query 'SecurityGroups[].IpPermissionsEgress'",
            ),
            step(
                "If it is the source's ENI: check the network ACL of subnet-0task (acl-0d1e2f3a4b5c6d7e8): an outbound rule allowing tcp 443 to 10.0.3.50 must have a lower rule number than any DENY that matches.",
                "aws ec2 describe-network-acls --network-acl-ids acl-0d1e2f3a4b5c6d7e8 --query 'NetworkAcls[].Entries'",
            ),
            step(
                "If it is the destination's ENI: check the security groups of <destination-eni-id>: an inbound rule must allow tcp 443 from 10.0.1.25.",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissions'",
            ),
            step(
                "If it is the destination's ENI: check the network ACL of <subnet-id>: an inbound rule allowing tcp 443 from 10.0.1.25 must have a lower rule number than any DENY that matches.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 10.0.3.50 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "reject-reason BPA: VPC Block Public Access, not a security group or network ACL",
        situation: { records: [to(S3, "REJECT", 0, { ...egress, rejectReason: "BPA" })] },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Check VPC Block Public Access: reject-reason BPA means it blocked the packets, not a security group or a network ACL. Exclude the VPC or subnet, or change the mode, if this traffic should pass.",
                "aws ec2 describe-vpc-block-public-access-options",
                "aws ec2 describe-vpc-block-public-access-exclusions",
            ),
        ],
    },
    {
        name: "rejected at the NAT gateway's ENI: its subnet's network ACL, both directions (NAT gateways have no security groups)",
        situation: { records: [to(S3, "ACCEPT", 0, egress), natIn("REJECT", 0)] },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Check the network ACL of the NAT gateway's subnet: it must allow inbound tcp 443 from 10.0.1.25 and outbound tcp 443 to 52.219.204.42 (ENI eni-0f9e8d7c6b5a43210; NAT gateways have no security groups).",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=subnet-0nat --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    {
        name: "rejected at an intermediate hop that is an instance: its subnet's network ACL",
        situation: { records: [to(S3, "ACCEPT", 0, egress), hopOut("REJECT", 0)] },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Check the network ACL of the intermediate hop's subnet: it must allow inbound tcp 443 from 10.0.1.25 and outbound tcp 443 to 52.219.204.42 (ENI eni-0f9e8d7c6b5a43210).",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=subnet-0hop --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    {
        name: "the same without subnet-id in the format: the hop's subnet stays a placeholder",
        situation: { records: [outbound("ACCEPT", 0), hopOut("REJECT", 0)], format: FORMAT_NO_SUBNET },
        verdict: "security-group-or-nacl",
        steps: [
            step(
                "Check the network ACL of the intermediate hop's subnet: it must allow inbound tcp 443 from 10.0.1.25 and outbound tcp 443 to 52.219.204.42 (ENI eni-0f9e8d7c6b5a43210).",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<hop-subnet-id> --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    // nacl-return-path. Network ACLs are stateless: "responses to allowed inbound traffic are subject to the
    // rules for outbound traffic (and vice versa)"; the replies go to the client's ephemeral port (a NAT
    // gateway uses 1024-65535, reference.md), so the rule to check names the service port and that range.
    {
        name: "replies rejected arriving at the task's ENI: the inbound rules of its subnet's network ACL, from the service port to 1024-65535",
        situation: { records: [to(S3, "ACCEPT", 0, egress), from(S3, "REJECT", 0, ingress)] },
        verdict: "nacl-return-path",
        steps: [
            step(
                "Check the inbound rules of the network ACL of subnet-0task: they must allow tcp from 52.219.204.42 port 443 to the ephemeral ports 1024-65535. Network ACLs are stateless; security groups are stateful and are not the cause.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=subnet-0task --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    {
        name: "the same for ICMP with the known network ACL: no ports",
        situation: { protocol: 1, records: [to(S3, "ACCEPT", 0, { ...egress, protocol: 1 }), from(S3, "REJECT", 0, { ...ingress, protocol: 1 })], known: KNOWN },
        verdict: "nacl-return-path",
        steps: [
            step(
                "Check the inbound rules of the network ACL of subnet-0task (acl-0d1e2f3a4b5c6d7e8): they must allow icmp from 52.219.204.42. Network ACLs are stateless; security groups are stateful and are not the cause.",
                "aws ec2 describe-network-acls --network-acl-ids acl-0d1e2f3a4b5c6d7e8 --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    {
        name: "replies rejected leaving the destination's ENI: the outbound rules of its subnet's network ACL, to the ephemeral ports",
        situation: { dst: PRIVATE, records: [to(PRIVATE, "ACCEPT", 0, egress), from(PRIVATE, "REJECT", 0, { ...atDest, ...egress })] },
        verdict: "nacl-return-path",
        steps: [
            step(
                "Check the outbound rules of the network ACL of subnet-0dest: they must allow tcp to 10.0.1.25 on the ephemeral ports 1024-65535. Network ACLs are stateless; security groups are stateful and are not the cause.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=subnet-0dest --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    {
        name: "the same for ICMP without subnet-id: find the destination's subnet first; no ports",
        situation: { dst: PRIVATE, protocol: 1, records: [outbound("ACCEPT", 0, { dstAddr: PRIVATE, protocol: 1, flowDirection: "egress" }), inbound("REJECT", 0, { srcAddr: PRIVATE, protocol: 1, interfaceId: OTHER_ENI, flowDirection: "egress" })], format: resolveLogFormat(DEFAULT_FORMAT.formatString + " ${flow-direction}", "--format", true) },
        verdict: "nacl-return-path",
        steps: [
            step(
                "Find the subnet and security groups of eni-07e6d5c4b3a291807.",
                "aws ec2 describe-network-interfaces --network-interface-ids eni-07e6d5c4b3a291807 --query 'NetworkInterfaces[0].[SubnetId,Groups]'",
            ),
            step(
                "Check the outbound rules of the network ACL of <subnet-id>: they must allow icmp to 10.0.1.25. Network ACLs are stateless; security groups are stateful and are not the cause.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    {
        name: "replies rejected at an ENI whose end is unknown: find out which end, then both network ACL readings",
        situation: { dst: PRIVATE, records: [outbound("ACCEPT", 0, { dstAddr: PRIVATE }), inbound("REJECT", 0, { srcAddr: PRIVATE })], format: DEFAULT_FORMAT },
        verdict: "nacl-return-path",
        steps: [
            step(
                "Find out which end eni-0a1b2c3d4e5f60718 belongs to: its own address is 10.0.1.25 (the source) or 10.0.3.50 (the destination). Adding ${flow-direction} to the flow log's format (the diagnostic format has it) makes every record say so.",
                "aws ec2 describe-network-interfaces --network-interface-ids eni-0a1b2c3d4e5f60718 --query 'NetworkInterfaces[0].[PrivateIpAddress,SubnetId,Groups]'",
            ),
            step(
                "If it is the source's ENI: check the inbound rules of the network ACL of <subnet-id>: they must allow tcp from 10.0.3.50 port 443 to the ephemeral ports 1024-65535. Network ACLs are stateless; security groups are stateful and are not the cause.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ),
            step(
                "If it is the destination's ENI: check the outbound rules of the network ACL of <subnet-id>: they must allow tcp to 10.0.1.25 on the ephemeral ports 1024-65535. Network ACLs are stateless; security groups are stateful and are not the cause.",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    {
        name: "replies rejected at the NAT gateway's ENI: its subnet's network ACL, inbound from the service port to 1024-65535 and outbound to the task",
        situation: { records: [to(S3, "ACCEPT", 0, egress), natIn("ACCEPT", 0), natReply("REJECT", 0)] },
        verdict: "nacl-return-path",
        steps: [
            step(
                "Check the network ACL of the NAT gateway's subnet: it must allow inbound tcp from 52.219.204.42 port 443 to the ephemeral ports 1024-65535, and outbound to 10.0.1.25 (ENI eni-0f9e8d7c6b5a43210; NAT gateways have no security groups).",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=subnet-0nat --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    {
        name: "ICMP replies rejected at an intermediate hop: its subnet's network ACL, no ports",
        situation: { protocol: 1, records: [to(S3, "ACCEPT", 0, { ...egress, protocol: 1 }), hopOut("ACCEPT", 0, { protocol: 1 }), hopIn("REJECT", 0, { protocol: 1 })] },
        verdict: "nacl-return-path",
        steps: [
            step(
                "Check the network ACL of the intermediate hop's subnet: it must allow inbound icmp from 52.219.204.42, and outbound to 10.0.1.25 (ENI eni-0f9e8d7c6b5a43210).",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=subnet-0hop --query 'NetworkAcls[].Entries'",
            ),
        ],
    },
    // routing. The route the subnet's table holds (its own or the VPC's main table); a gateway endpoint reaches
    // buckets "in the same region" only; IPv6 has no NAT: ::/0 goes to an internet gateway or an egress-only
    // internet gateway. Reachability Analyzer's path takes one destination address (--destination-ip).
    {
        name: "S3 unanswered with the known route table, the packets seen at the NAT gateway: the NAT subnet's route to an internet gateway",
        situation: { records: [to(S3, "ACCEPT", 0, egress), to(S3, "ACCEPT", 1, egress), natIn("ACCEPT", 0)], known: KNOWN },
        verdict: "routing",
        steps: [
            step(
                "Check the route table of subnet-0task (rtb-0aa11bb22cc33dd44): a route must cover 52.219.204.42 (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint).",
                "aws ec2 describe-route-tables --route-table-ids rtb-0aa11bb22cc33dd44 --query 'RouteTables[].Routes'",
            ),
            step("If the route is to an internet gateway, the task needs a public IP (awsvpc assignPublicIp=ENABLED); a private subnet needs a NAT gateway or a VPC endpoint instead."),
            step("If the route is to a gateway endpoint: it reaches buckets in its own region only (52.219.204.0/22 is S3 in ap-northeast-2); check the bucket's region."),
            step("The packets reached the NAT gateway (ENI eni-0f9e8d7c6b5a43210): check that the NAT subnet's route table sends 0.0.0.0/0 to an internet gateway."),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "an internet address unanswered: 0.0.0.0/0 to a NAT or internet gateway, no S3 prefix list or endpoint step",
        situation: { dst: "8.8.8.8", records: [to("8.8.8.8", "ACCEPT", 0, egress), to("8.8.8.8", "ACCEPT", 1, egress)] },
        verdict: "routing",
        steps: [
            step(
                "Check the route table of subnet-0task: a route must cover 8.8.8.8 (0.0.0.0/0 to a NAT gateway or an internet gateway). No result means the subnet uses the VPC's main route table (filter on association.main=true).",
                "aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=subnet-0task --query 'RouteTables[].Routes'",
            ),
            step("If the route is to an internet gateway, the task needs a public IP (awsvpc assignPublicIp=ENABLED); a private subnet needs a NAT gateway or a VPC endpoint instead."),
            step("If the route is to a NAT gateway: check that it is available and that its subnet routes 0.0.0.0/0 to an internet gateway."),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 8.8.8.8 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "a private address unanswered: local, peering or transit gateway route and the route back; no NAT step",
        situation: { dst: PRIVATE, records: [to(PRIVATE, "ACCEPT", 0, egress), to(PRIVATE, "ACCEPT", 1, egress)], known: { ...KNOWN, routeTableId: undefined } },
        verdict: "routing",
        steps: [
            step(
                "Check the route table of subnet-0task: a route must cover 10.0.3.50: the local route when it is in the same VPC, otherwise a VPC peering connection or a transit gateway route; and the destination's subnet needs a route back to 10.0.1.25. No result means the subnet uses the VPC's main route table (filter on association.main=true).",
                "aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=subnet-0task --query 'RouteTables[].Routes'",
            ),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 10.0.3.50 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "an IPv6 address unanswered: ::/0 to an internet gateway or egress-only internet gateway; no NAT step, no Reachability Analyzer",
        situation: { src: V6_SRC, dst: V6_DST, records: [to(V6_DST, "ACCEPT", 0, { srcAddr: V6_SRC, ...egress }), to(V6_DST, "ACCEPT", 1, { srcAddr: V6_SRC, ...egress })], known: KNOWN },
        verdict: "routing",
        steps: [
            step(
                "Check the route table of subnet-0task (rtb-0aa11bb22cc33dd44): a route must cover 2600:1f18::1 (::/0 to an internet gateway, or to an egress-only internet gateway for outbound-only traffic; IPv6 has no NAT, so a NAT gateway route does not help).",
                "aws ec2 describe-route-tables --route-table-ids rtb-0aa11bb22cc33dd44 --query 'RouteTables[].Routes'",
            ),
        ],
    },
    {
        name: "S3 named by pkt-dst-aws-service outside the known Seoul range: the gateway-endpoint step without the range's region",
        situation: { dst: "3.5.140.2", records: [to("3.5.140.2", "ACCEPT", 0, { ...egress, pktDstAwsService: "S3" }), to("3.5.140.2", "ACCEPT", 1, { ...egress, pktDstAwsService: "S3" })] },
        verdict: "routing",
        steps: [
            step(
                "Check the route table of subnet-0task: a route must cover 3.5.140.2 (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint). No result means the subnet uses the VPC's main route table (filter on association.main=true).",
                "aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=subnet-0task --query 'RouteTables[].Routes'",
            ),
            step("If the route is to an internet gateway, the task needs a public IP (awsvpc assignPublicIp=ENABLED); a private subnet needs a NAT gateway or a VPC endpoint instead."),
            step("If the route is to a gateway endpoint: it reaches buckets in its own region only; check the bucket's region."),
            step("If the route is to a NAT gateway: check that it is available and that its subnet routes 0.0.0.0/0 to an internet gateway."),
            step(
                "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 3.5.140.2 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ),
        ],
    },
    {
        name: "--dst an S3 range: no Reachability Analyzer step (it takes one destination address)",
        situation: { dst: "52.219.204.0/22", records: [to(S3, "ACCEPT", 0, egress), to(S3, "ACCEPT", 1, egress)] },
        verdict: "routing",
        steps: [
            step(
                "Check the route table of subnet-0task: a route must cover 52.219.204.42 (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint). No result means the subnet uses the VPC's main route table (filter on association.main=true).",
                "aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=subnet-0task --query 'RouteTables[].Routes'",
            ),
            step("If the route is to an internet gateway, the task needs a public IP (awsvpc assignPublicIp=ENABLED); a private subnet needs a NAT gateway or a VPC endpoint instead."),
            step("If the route is to a gateway endpoint: it reaches buckets in its own region only (52.219.204.0/22 is S3 in ap-northeast-2); check the bucket's region."),
            step("If the route is to a NAT gateway: check that it is available and that its subnet routes 0.0.0.0/0 to an internet gateway."),
        ],
    },
    // network-ok: the network delivered the packets; the next checks are above it, or at the destination.
    {
        name: "accepted at the destination's ENI and no reply: the service and host firewall on the destination, the reply's ENI named",
        situation: { dst: PRIVATE, records: [to(PRIVATE, "ACCEPT", 0, { ...atDest, ...ingress })] },
        verdict: "network-ok",
        steps: [
            step("Check the destination: is a service listening on tcp port 443, and does a host firewall drop the packets? A reply would leave through eni-07e6d5c4b3a291807 and be logged there."),
        ],
    },
    {
        name: "the same for ICMP at an ENI the records do not name",
        situation: { dst: PRIVATE, protocol: 1, records: [outbound("ACCEPT", 0, { dstAddr: PRIVATE, protocol: 1, flowDirection: "ingress" })], format: resolveLogFormat("${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${flow-direction}", "--format", true) },
        verdict: "network-ok",
        steps: [
            step("Check the destination: is a service listening on icmp, and does a host firewall drop the packets? A reply would leave through <destination-eni-id> and be logged there."),
        ],
    },
    {
        name: "S3 answered: look above the network (DNS, proxy, role, bucket policy) and reproduce from the task with ECS Exec",
        situation: { records: [to(S3, "ACCEPT", 0, egress), from(S3, "ACCEPT", 0, ingress)] },
        verdict: "network-ok",
        steps: [
            step("The network delivered packets both ways; look above it: DNS (does the bucket name resolve to the address diagnosed?), TLS and proxy settings (HTTPS_PROXY, NO_PROXY), the task role and the bucket policy (aws:SourceVpce conditions), and the client's timeouts."),
            step(
                "Reproduce from inside the task.",
                "aws ecs execute-command --cluster <cluster> --task <task-id> --interactive --command 'curl -sv https://s3.<region>.amazonaws.com'",
            ),
        ],
    },
    {
        name: "a private address answered: look above the network",
        situation: { dst: PRIVATE, records: [to(PRIVATE, "ACCEPT", 0, egress), from(PRIVATE, "ACCEPT", 0, ingress)] },
        verdict: "network-ok",
        steps: [
            step("The network delivered packets both ways; look above it: DNS (does the name resolve to the address diagnosed?), TLS and proxy settings, permissions, and the client's and the service's timeouts and logs."),
        ],
    },
    // mixed: both outcomes for the same conversation: a rule changed (CloudTrail LookupEvents by EventName) or the tasks differ.
    {
        name: "S3 both accepted and rejected: CloudTrail for the rule change, the per-ENI counts, the rule to look for",
        situation: { records: [to(S3, "ACCEPT", 0, egress), to(S3, "REJECT", 1, egress)] },
        verdict: "mixed",
        steps: [
            step(
                "Compare the timeline: if rejects start or stop at a point in time, a rule changed; find the change in CloudTrail (AuthorizeSecurityGroupEgress, RevokeSecurityGroupEgress, CreateNetworkAclEntry, ReplaceNetworkAclEntry, ReplaceNetworkAclAssociation).",
                "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=RevokeSecurityGroupEgress",
            ),
            step("Compare the per-ENI counts: ENIs that only reject belong to tasks with other security groups or in another subnet; check the service's network configuration."),
            step("Check the security groups of the rejecting ENIs and the network ACLs of their subnets for tcp 443 to 52.219.204.42."),
        ],
    },
    {
        name: "the same for ICMP to a private address: the rule has no port",
        situation: { dst: PRIVATE, protocol: 1, records: [to(PRIVATE, "ACCEPT", 0, { ...egress, protocol: 1 }), to(PRIVATE, "REJECT", 1, { ...egress, protocol: 1 })] },
        verdict: "mixed",
        steps: [
            step(
                "Compare the timeline: if rejects start or stop at a point in time, a rule changed; find the change in CloudTrail (AuthorizeSecurityGroupEgress, RevokeSecurityGroupEgress, CreateNetworkAclEntry, ReplaceNetworkAclEntry, ReplaceNetworkAclAssociation).",
                "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=RevokeSecurityGroupEgress",
            ),
            step("Compare the per-ENI counts: ENIs that only reject belong to tasks with other security groups or in another subnet; check the service's network configuration."),
            step("Check the security groups of the rejecting ENIs and the network ACLs of their subnets for icmp to 10.0.3.50."),
        ],
    },
    // no-traffic: delivery to CloudWatch Logs lags (reference.md); DescribeFlowLogs says whether delivery fails.
    {
        name: "no record, S3: the address (S3 range), the window, the flow log's delivery",
        situation: { records: [] },
        verdict: "no-traffic",
        steps: [
            step("Check the address: resolve the bucket's endpoint from the task (S3 answers from many addresses) and widen --dst to the S3 range, e.g. 52.219.204.0/22."),
            step("Check the window: delivery to CloudWatch Logs takes about 5-10 minutes; widen --start/--end."),
            step(
                "Check that the flow log delivers.",
                "aws ec2 describe-flow-logs --query 'FlowLogs[].[FlowLogId,ResourceId,TrafficType,DeliverLogsStatus,DeliverLogsErrorMessage]'",
            ),
        ],
    },
    {
        name: "no record, another address: the address, the window, the flow log's delivery",
        situation: { dst: PRIVATE, records: [] },
        verdict: "no-traffic",
        steps: [
            step("Check the address: resolve the destination's name from the workload (it may answer from several addresses) and widen --dst to a CIDR if needed."),
            step("Check the window: delivery to CloudWatch Logs takes about 5-10 minutes; widen --start/--end."),
            step(
                "Check that the flow log delivers.",
                "aws ec2 describe-flow-logs --query 'FlowLogs[].[FlowLogId,ResourceId,TrafficType,DeliverLogsStatus,DeliverLogsErrorMessage]'",
            ),
        ],
    },
    // inconclusive: what is missing from the evidence (a flow log cannot be modified: AWS replaces it).
    {
        name: "no action field in the format: replace the flow log with one whose format has it",
        situation: { records: [outbound("ACCEPT", 0)], format: NO_ACTION },
        verdict: "inconclusive",
        steps: [
            step("The flow log's format has no ${action} field, so no record says ACCEPT or REJECT. Create a flow log whose format has it (the diagnostic format: 'pulumi config set logFormat diagnostic' and 'pulumi up'; a flow log cannot be modified, so it is replaced), wait 10 minutes, reproduce the failure and diagnose again."),
        ],
    },
    {
        name: "accepted and unanswered at an ENI of unknown end: find out which end, then the reading for each",
        situation: { dst: PRIVATE, records: [outbound("ACCEPT", 0, { dstAddr: PRIVATE }), outbound("ACCEPT", 1, { dstAddr: PRIVATE })], format: DEFAULT_FORMAT },
        verdict: "inconclusive",
        steps: [
            step(
                "Find out which end eni-0a1b2c3d4e5f60718 belongs to: its own address is 10.0.1.25 (the source) or 10.0.3.50 (the destination). Adding ${flow-direction} to the flow log's format (the diagnostic format has it) makes every record say so.",
                "aws ec2 describe-network-interfaces --network-interface-ids eni-0a1b2c3d4e5f60718 --query 'NetworkInterfaces[0].[PrivateIpAddress,SubnetId,Groups]'",
            ),
            step("If it is the source's: the packets left and nothing came back, consistent with a routing problem; check the route table of its subnet for 10.0.3.50."),
            step("If it is the destination's: the packets arrived; check that a service listens on tcp port 443 and that no host firewall drops them."),
        ],
    },
    {
        name: "the same for ICMPv6 over IPv6: Ipv6Addresses, no port",
        situation: { src: V6_SRC, dst: V6_DST, protocol: 58, records: [outbound("ACCEPT", 0, { srcAddr: V6_SRC, dstAddr: V6_DST, protocol: 58 })], format: DEFAULT_FORMAT },
        verdict: "inconclusive",
        steps: [
            step(
                "Find out which end eni-0a1b2c3d4e5f60718 belongs to: its own address is 2600:1f18:aaaa::25 (the source) or 2600:1f18::1 (the destination). Adding ${flow-direction} to the flow log's format (the diagnostic format has it) makes every record say so.",
                "aws ec2 describe-network-interfaces --network-interface-ids eni-0a1b2c3d4e5f60718 --query 'NetworkInterfaces[0].[Ipv6Addresses,SubnetId,Groups]'",
            ),
            step("If it is the source's: the packets left and nothing came back, consistent with a routing problem; check the route table of its subnet for 2600:1f18::1."),
            step("If it is the destination's: the packets arrived; check that a service listens on icmpv6 and that no host firewall drops them."),
        ],
    },
    {
        name: "most lines about the conversation unreadable: give the format or export raw lines",
        situation: { records: [outbound("ACCEPT", 0)], format: DEFAULT_FORMAT, lines: [toLine(inbound("ACCEPT", 1)).replace(" 4 5200 ", " four 5200 "), toLine(inbound("ACCEPT", 2)).replace(" 4 5200 ", " four 5200 ")] },
        verdict: "inconclusive",
        steps: [
            step("Check the input's format: pass the flow log's format with --format (a custom format string), or export raw lines instead (the S3 files, or 'aws logs filter-log-events --log-group-name <group> --output text')."),
        ],
    },
    {
        name: "an ACCEPT-only flow log without a record: set the traffic type to ALL",
        situation: { records: [], trafficType: "ACCEPT" },
        verdict: "inconclusive",
        steps: [
            step("The flow log captures ACCEPT only. Set its traffic type to ALL (AWS replaces the flow log to change it), wait 10 minutes, reproduce the failure and diagnose again."),
        ],
    },
    {
        name: "a REJECT-only flow log without a record: set the traffic type to ALL",
        situation: { records: [], trafficType: "REJECT" },
        verdict: "inconclusive",
        steps: [
            step("The flow log captures REJECT only. Set its traffic type to ALL (AWS replaces the flow log to change it), wait 10 minutes, reproduce the failure and diagnose again."),
        ],
    },
];

describe("next steps per verdict (mutation-tested)", () => {
    for (const c of CASES) {
        it(c.name, () => {
            expect(advise(c.situation)).to.deep.equal({ verdict: c.verdict, nextSteps: c.steps });
        });
    }
});

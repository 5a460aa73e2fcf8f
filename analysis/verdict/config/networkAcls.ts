/**
 * Network ACL evaluation: rules in rule-number order, the first rule that matches a packet decides,
 * and a packet no rule matches meets the final `*` deny. ACLs are stateless, so the replies are a
 * check of their own, over every ephemeral port the client may pick (a rule that allows only part
 * of them leaves a gap that drops some connections and not others).
 */
import { IpRange } from "../../core/ip";
import { PortIntervals, covers, cidrRange, intersect, overlaps, portsText, subtract } from "./cidrs";
import { Ec2NetworkAcl, Ec2NetworkAclEntry } from "./ec2Documents";
import { protocolMatches } from "./protocols";

/** The final rule every ACL ends with, shown as `*` in the console. */
export const DEFAULT_RULE_NUMBER = 32767;

export interface AclVerdict {
    readonly allowed: boolean;
    /** The deciding rule: its number, `*` for the final deny, or undefined when allowed. */
    readonly rule?: string;
    /** The deciding rule as a person reads it, e.g. `100 deny tcp 1024-65535 from 0.0.0.0/0`. */
    readonly ruleText?: string;
    /** Ports of the checked range that are dropped (replies only). */
    readonly deniedPorts?: PortIntervals;
    /** Ports no rule matched, dropped by the final `*` rule. */
    readonly gapPorts?: PortIntervals;
}

export interface AclPacket {
    readonly egress: boolean;
    readonly protocol: number;
    /** The address on the far side: the destination of outbound packets, the source of inbound ones. */
    readonly peer: IpRange;
    /** The packet's destination ports (one port, or the client's ephemeral range for replies). */
    readonly ports: readonly [number, number];
}

export function ruleLabel(entry: Ec2NetworkAclEntry): string {
    return entry.RuleNumber === DEFAULT_RULE_NUMBER || entry.RuleNumber === DEFAULT_RULE_NUMBER + 1 ? "*" : String(entry.RuleNumber ?? "?");
}

export function describeEntry(entry: Ec2NetworkAclEntry): string {
    const protocol = entry.Protocol === "-1" ? "all traffic" : protocolLabel(entry.Protocol);
    const ports = entry.Protocol === "-1" || entry.PortRange === undefined ? "" : ` ${portsText([[entry.PortRange.From ?? 0, entry.PortRange.To ?? 65535]])}`;
    const cidr = entry.CidrBlock ?? entry.Ipv6CidrBlock ?? "?";
    return `${ruleLabel(entry)} ${entry.RuleAction ?? "?"} ${protocol}${ports} ${entry.Egress ? "to" : "from"} ${cidr}`;
}

function protocolLabel(protocol: string | undefined): string {
    switch (protocol) {
        case "6":
            return "tcp";
        case "17":
            return "udp";
        case "1":
            return "icmp";
        case "58":
            return "icmpv6";
        default:
            return `protocol ${protocol ?? "?"}`;
    }
}

/** The ACL's rules for one direction, in the order AWS applies them (the API sorts them too, but that is not promised). */
export function orderedEntries(acl: Ec2NetworkAcl, egress: boolean): Ec2NetworkAclEntry[] {
    // Stryker disable next-line ArrayDeclaration,BooleanLiteral: equivalent: a placeholder entry has no protocol or rule number, so it matches no packet and takes no number; `?? true` differs only for an entry without Egress, which EC2 never returns (CreateNetworkAclEntry requires Egress, and describe-network-acls returns it for every entry).
    return (acl.Entries ?? []).filter((e) => (e.Egress ?? false) === egress).sort((a, b) => (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));
}

/**
 * Walks the rules for every port of `packet.ports`: each rule takes the ports it matches that no
 * earlier rule took. Allowed only if every port ends up allowed. A deny rule whose CIDR only
 * overlaps the peer range still counts (some addresses of it are dropped); an allow rule must cover it.
 */
export function evaluateAcl(acl: Ec2NetworkAcl, packet: AclPacket): AclVerdict {
    let remaining: Array<[number, number]> = [[packet.ports[0], packet.ports[1]]];
    let denied: Array<[number, number]> = [];
    let firstDeny: Ec2NetworkAclEntry | undefined;
    for (const entry of orderedEntries(acl, packet.egress)) {
        if (remaining.length === 0) break;
        if (!protocolMatches(entry.Protocol, packet.protocol)) continue;
        const cidr = cidrRange(packet.peer.version === 4 ? entry.CidrBlock : entry.Ipv6CidrBlock);
        if (cidr === undefined) continue;
        const deny = entry.RuleAction !== "allow";
        if (deny ? !overlaps(cidr, packet.peer) : !covers(cidr, packet.peer)) continue;
        const range: [number, number] =
            entry.Protocol === "-1" || entry.PortRange === undefined ? [0, 65535] : [entry.PortRange.From ?? 0, entry.PortRange.To ?? 65535];
        const taken = intersect(remaining, range);
        if (taken.length === 0) continue;
        if (deny) {
            denied = [...denied, ...taken];
            firstDeny ??= entry;
        }
        remaining = subtract(remaining, range);
    }
    const gap = remaining;
    if (denied.length === 0 && gap.length === 0) return { allowed: true };
    if (firstDeny !== undefined && ruleLabel(firstDeny) !== "*") {
        return { allowed: false, rule: ruleLabel(firstDeny), ruleText: describeEntry(firstDeny), deniedPorts: sortIntervals(denied), gapPorts: gap };
    }
    // Nothing explicit: the ports fell through to the final rule (listed or not, it denies).
    return { allowed: false, rule: "*", ruleText: "* deny all traffic", deniedPorts: sortIntervals([...denied, ...gap]), gapPorts: gap };
}

function sortIntervals(intervals: Array<[number, number]>): Array<[number, number]> {
    return [...intervals].sort((a, b) => a[0] - b[0]);
}

/** The ACL associated with a subnet (every subnet has exactly one: its own, or the VPC's default). */
export function aclForSubnet(acls: readonly Ec2NetworkAcl[], subnetId: string): Ec2NetworkAcl | undefined {
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder holds no SubnetId, so `.some(...)` stays false.
    return acls.find((acl) => (acl.Associations ?? []).some((a) => a.SubnetId === subnetId));
}

/**
 * A free rule number for a new rule that must act before `before` (the rule that now decides), or
 * undefined when every number below it is in use.
 * `proposed`: numbers already given to other new rules of the same ACL and direction in one answer;
 * EC2 refuses a second entry with a number in use ("NetworkAclEntryAlreadyExists"), so they count as taken.
 */
export function freeRuleNumber(acl: Ec2NetworkAcl, egress: boolean, before: string, proposed: ReadonlySet<number> = new Set()): number | undefined {
    const numbers = [...orderedEntries(acl, egress).map((e) => e.RuleNumber ?? 0), ...proposed];
    const used = new Set(numbers);
    if (before === "*") {
        const highest = Math.max(0, ...numbers.filter((n) => n < DEFAULT_RULE_NUMBER));
        const next = (Math.floor(highest / 10) + 1) * 10;
        if (next < DEFAULT_RULE_NUMBER && !used.has(next)) return next;
    }
    const limit = before === "*" ? DEFAULT_RULE_NUMBER : Number(before);
    for (let n = limit - 1; n >= 1; n--) if (!used.has(n)) return n;
    // Every number below `before` is in use (a deny at rule 1, say): no new rule can act before it.
    return undefined;
}

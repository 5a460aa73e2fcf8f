/**
 * Security group egress: a packet leaves if any egress rule of any of the ENI's groups allows it
 * (rules only allow; there is no order and no deny). Groups are stateful, so the replies of an
 * allowed connection are let in whatever the ingress rules say: no return-path check here.
 */
import { IpRange } from "../../core/ip";
import { protocolHasPorts } from "../../core/records";
import { cidrRange, covers } from "./cidrs";
import { Ec2Documents, Ec2IpPermission, Ec2SecurityGroup } from "./ec2Documents";
import { protocolNumber } from "./protocols";

export interface EgressVerdict {
    readonly allowed: boolean;
    /** The rule that allows it, e.g. `sg-0abc: tcp 443 to pl-78a54011`. */
    readonly allowedBy?: string;
    /** Prefix lists referenced by rules of the right protocol whose entries are not in the documents. */
    readonly unknownPrefixLists: readonly string[];
}

function portsMatch(rule: Ec2IpPermission, protocol: number, port: number): boolean {
    const n = protocolNumber(rule.IpProtocol);
    if (n === "all") return true;
    if (n !== protocol) return false;
    // Protocols without ports (ICMP types live in FromPort/ToPort) match on the protocol alone.
    if (!protocolHasPorts(protocol)) return true;
    const from = rule.FromPort ?? -1;
    // Stryker disable next-line UnaryOperator: equivalent for what EC2 returns: `?? +1` differs only for a tcp/udp rule with a FromPort and no ToPort, and EC2 keeps none ("For tcp, udp, and icmp, you must specify a port range", EC2 API reference, IpPermission).
    const to = rule.ToPort ?? -1;
    return from === -1 || (port >= from && port <= to);
}

export function evaluateEgress(docs: Ec2Documents, groups: readonly Ec2SecurityGroup[], protocol: number, port: number, dst: IpRange): EgressVerdict {
    const unknownPrefixLists: string[] = [];
    for (const group of groups) {
        // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder rule has no protocol, so portsMatch rejects it.
        for (const rule of group.IpPermissionsEgress ?? []) {
            if (!portsMatch(rule, protocol, port)) continue;
            const what = `${rule.IpProtocol === "-1" ? "all traffic" : `${rule.IpProtocol} ${rule.FromPort === rule.ToPort ? rule.FromPort : `${rule.FromPort}-${rule.ToPort}`}`}`;
            // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder range has no CIDR, which cidrRange turns into no match.
            const cidrs = dst.version === 4 ? (rule.IpRanges ?? []).map((r) => r.CidrIp) : (rule.Ipv6Ranges ?? []).map((r) => r.CidrIpv6);
            for (const cidr of cidrs) {
                const range = cidrRange(cidr);
                if (range && covers(range, dst)) return { allowed: true, allowedBy: `${group.GroupId}: ${what} to ${cidr}`, unknownPrefixLists };
            }
            // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder has no PrefixListId and is skipped.
            for (const { PrefixListId } of rule.PrefixListIds ?? []) {
                if (PrefixListId === undefined) continue;
                const entries = docs.prefixListEntries[PrefixListId];
                if (entries === undefined) {
                    unknownPrefixLists.push(PrefixListId);
                    continue;
                }
                if (entries.some((e) => {
                    const range = cidrRange(e.Cidr);
                    return range !== undefined && covers(range, dst);
                })) {
                    return { allowed: true, allowedBy: `${group.GroupId}: ${what} to ${PrefixListId}`, unknownPrefixLists };
                }
            }
        }
    }
    return { allowed: false, unknownPrefixLists };
}

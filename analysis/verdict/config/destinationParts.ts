/**
 * A destination range cut where the rules change. A route, prefix-list entry, security group or ACL
 * rule whose CIDR lies strictly inside the `--dst` range governs only that part of it (the VPC router
 * picks the longest prefix per address, and each rule matches per address), so a whole-range answer
 * would be right for some addresses and silently wrong for others. CIDRs never partly overlap: two
 * are nested or disjoint, so the CIDRs inside the range form a tree, and each node minus its children
 * is a part that every rule in the documents treats alike (a rule's CIDR either holds the whole part
 * or none of it).
 */
import { IpRange } from "../../core/ip";
import { cidrRange, covers } from "./cidrs";
import { Ec2Documents } from "./ec2Documents";

export interface DestinationPart {
    /**
     * What the evaluator is given for this part: the node's own CIDR when nothing lies inside it,
     * else the part's lowest address (every rule treats the part's addresses alike, so one stands for all).
     * Its `text` is `label`, which the evaluator's messages show.
     */
    readonly range: IpRange;
    /** `52.219.204.0/24`, or `52.219.204.0/22 outside 52.219.204.0/24` for a node with narrower CIDRs inside. */
    readonly label: string;
    /** The part is the whole of the `--dst` range's tree root minus its children. */
    readonly isRoot: boolean;
}

interface Node {
    readonly range: IpRange;
    readonly children: Node[];
}

/** Every CIDR a rule of the documents names, in the destination's address family. */
function ruleCidrs(docs: Ec2Documents, version: 4 | 6): IpRange[] {
    const texts: Array<string | undefined> = [];
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder string has no CIDR field, so it adds no CIDR.
    for (const table of docs.routeTables) for (const r of table.Routes ?? []) texts.push(version === 4 ? r.DestinationCidrBlock : r.DestinationIpv6CidrBlock);
    for (const entries of Object.values(docs.prefixListEntries)) for (const e of entries) texts.push(e.Cidr);
    for (const g of docs.securityGroups) {
        // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder string has no CIDR field, so it adds no CIDR.
        for (const rule of g.IpPermissionsEgress ?? []) {
            // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder string has no CIDR field, so it adds no CIDR.
            const ranges = version === 4 ? (rule.IpRanges ?? []).map((r) => r.CidrIp) : (rule.Ipv6Ranges ?? []).map((r) => r.CidrIpv6);
            texts.push(...ranges);
        }
    }
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder string has no CIDR field, so it adds no CIDR.
    for (const acl of docs.networkAcls) for (const e of acl.Entries ?? []) texts.push(version === 4 ? e.CidrBlock : e.Ipv6CidrBlock);
    for (const pcx of docs.vpcPeeringConnections) {
        for (const side of [pcx.RequesterVpcInfo, pcx.AccepterVpcInfo]) {
            if (side === undefined) continue;
            // The primary block is IPv4: the family filter below drops it for an IPv6 destination.
            texts.push(side.CidrBlock);
            // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder string has no CIDR field, so it adds no CIDR.
            const blocks = version === 4 ? (side.CidrBlockSet ?? []).map((c) => c.CidrBlock) : (side.Ipv6CidrBlockSet ?? []).map((c) => c.Ipv6CidrBlock);
            texts.push(...blocks);
        }
    }
    const out: IpRange[] = [];
    for (const t of texts) {
        const r = cidrRange(t);
        if (r && r.version === version) out.push(r);
    }
    return out;
}

/** The parts of `dst`, lowest address first; a single part holding `dst` itself when no rule CIDR lies strictly inside it. */
export function destinationParts(docs: Ec2Documents, dst: IpRange): DestinationPart[] {
    const strictlyInside = ruleCidrs(docs, dst.version).filter((r) => covers(dst, r) && !(r.first === dst.first && r.last === dst.last));
    // One node per distinct block: several rules can name the same CIDR (EC2 returns CIDRs in canonical form, so they spell it alike).
    const inside = [...new Map(strictlyInside.map((r): [string, IpRange] => [`${r.first}-${r.last}`, r])).values()];
    // Outer before inner: by first address, then the one that ends later (the larger) first.
    inside.sort((a, b) => compare(a.first, b.first) || compare(b.last, a.last));
    const root: Node = { range: dst, children: [] };
    const open: Node[] = [root];
    for (const r of inside) {
        while (!covers(open[open.length - 1].range, r)) open.pop();
        const node: Node = { range: r, children: [] };
        open[open.length - 1].children.push(node);
        open.push(node);
    }
    if (root.children.length === 0) return [{ range: dst, label: dst.text, isRoot: true }];
    const parts: DestinationPart[] = [];
    const walk = (node: Node, isRoot: boolean) => {
        const lowest = lowestUncovered(node);
        if (lowest !== undefined) {
            const label = node.children.length === 0 ? node.range.text : `${node.range.text} outside ${listed(node.children.map((c) => c.range.text))}`;
            const range: IpRange = node.children.length === 0 ? node.range : { version: dst.version, text: label, first: lowest, last: lowest };
            parts.push({ range, label, isRoot });
        }
        for (const child of node.children) walk(child, false);
    };
    walk(root, true);
    return parts.sort((a, b) => compare(a.range.first, b.range.first));
}

/** -1, 0 or 1 as address `a` is below, equal to or above `b` (both IPv4 numbers or both IPv6 bigints). */
function compare(a: number | bigint, b: number | bigint): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** The node's lowest address that none of its children holds, if any (children tiling it leave none). */
function lowestUncovered(node: Node): number | bigint | undefined {
    let next: bigint = BigInt(node.range.first);
    for (const child of node.children) {
        if (BigInt(child.range.first) > next) break;
        next = BigInt(child.range.last) + 1n;
    }
    if (next > BigInt(node.range.last)) return undefined;
    return node.range.version === 4 ? Number(next) : next;
}

const LISTED = 3;

function listed(texts: readonly string[]): string {
    return texts.length <= LISTED ? texts.join(", ") : `${texts.slice(0, LISTED).join(", ")} and ${texts.length - LISTED} more`;
}

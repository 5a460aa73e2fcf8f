/**
 * How a `--dst` range is cut into parts (analysis/verdict/config/destinationParts.ts), pinned against
 * a brute-force reference that looks at every address of a small range. Mutation testing
 * (stryker.config.mjs) found most of the cutting unpinned: a boundary moved inside a range, a part
 * lost or merged, changed no answer of the hand-written cases.
 *
 * The rule the cutting rests on: the VPC router picks, per destination address, the route with the
 * longest matching prefix, and security group and network ACL rules match per address. So two
 * addresses of the range get the same answer from every rule exactly when the same rule CIDRs hold
 * them; the parts must be exactly those classes of addresses: they cover the range, do not overlap,
 * and every address of a part is held by the same rule CIDRs.
 */
import { expect } from "chai";
import fc from "fast-check";
import { AddressSet, IpRange, parseIpRange } from "../../../analysis/core/ip";
import { cidrRange } from "../../../analysis/verdict/config/cidrs";
import { DestinationPart, destinationParts } from "../../../analysis/verdict/config/destinationParts";
import { evaluateConfiguration } from "../../../analysis/verdict/config/evaluate";
import { Ec2Documents, Ec2IpPermission, Ec2NetworkAclEntry, Ec2Route, Ec2VpcPeeringConnectionVpcInfo } from "../../../analysis/verdict/config/ec2Documents";
import { readFixture } from "../../helpers/configFixtures";
import { ec2Documents } from "../../helpers/ec2Documents";

/** Where a CIDR can appear in the documents: each is a rule (or a peer's block) that acts per address. */
type Source = "route" | "prefix-list" | "security-group" | "network-acl" | "peer-primary" | "peer-set";
const SOURCES: readonly Source[] = ["route", "prefix-list", "security-group", "network-acl", "peer-primary", "peer-set"];

interface Cidr {
    readonly version: 4 | 6;
    readonly text: string;
    readonly source: Source;
}

/** Addresses are offsets 0-1023 into 10.0.0.0/22 or 2001:db8::/118 (small enough to check address by address). */
const REGION_BITS = 10;

function cidrText(version: 4 | 6, offset: number, hostBits: number): string {
    if (version === 4) return `10.0.${offset >> 8}.${offset & 255}/${32 - hostBits}`;
    return `2001:db8::${offset.toString(16)}/${128 - hostBits}`;
}

function aligned(position: number, hostBits: number, within: number, withinBits: number): number {
    const blocks = 2 ** (withinBits - hostBits);
    return within + (position % blocks) * 2 ** hostBits;
}

const EMPTY: Ec2Documents = ec2Documents();

/**
 * The CIDRs placed where EC2's documents hold them, each in its own address-family field, with
 * the containers EC2 may return without the optional lists (a table without routes, a group without
 * egress rules, a rule without ranges, an ACL without entries, a peering without one side).
 */
function documents(cidrs: readonly Cidr[]): Ec2Documents {
    const routes: Ec2Route[] = [];
    const entries: Record<string, Array<{ Cidr: string }>> = { "pl-0a1b2c3d": [], "pl-0e5f6a7b": [] };
    const permissions: Ec2IpPermission[] = [{ IpProtocol: "-1" }];
    const aclEntries: Ec2NetworkAclEntry[] = [];
    const requester: { CidrBlock?: string; CidrBlockSet: Array<{ CidrBlock: string }>; Ipv6CidrBlockSet: Array<{ Ipv6CidrBlock: string }> } = {
        CidrBlockSet: [],
        Ipv6CidrBlockSet: [],
    };
    const accepters: Ec2VpcPeeringConnectionVpcInfo[] = [];
    cidrs.forEach((c, i) => {
        const v4 = c.version === 4;
        switch (c.source) {
            case "route":
                routes.push(v4 ? { DestinationCidrBlock: c.text, GatewayId: "local" } : { DestinationIpv6CidrBlock: c.text, GatewayId: "local" });
                break;
            case "prefix-list":
                entries[i % 2 === 0 ? "pl-0a1b2c3d" : "pl-0e5f6a7b"].push({ Cidr: c.text });
                break;
            case "security-group":
                permissions.push(v4 ? { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: c.text }] } : { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: c.text }] });
                break;
            case "network-acl":
                aclEntries.push(v4 ? { RuleNumber: 100 + i, Egress: i % 2 === 0, CidrBlock: c.text } : { RuleNumber: 100 + i, Egress: i % 2 === 0, Ipv6CidrBlock: c.text });
                break;
            case "peer-primary":
                // A VPC has one primary IPv4 block; an IPv6 block is only ever in the set.
                if (v4) accepters.push({ VpcId: `vpc-${i}`, CidrBlock: c.text });
                else accepters.push({ VpcId: `vpc-${i}`, Ipv6CidrBlockSet: [{ Ipv6CidrBlock: c.text }] });
                break;
            case "peer-set":
                if (v4) requester.CidrBlockSet.push({ CidrBlock: c.text });
                else requester.Ipv6CidrBlockSet.push({ Ipv6CidrBlock: c.text });
                break;
        }
    });
    return {
        ...EMPTY,
        routeTables: [{ RouteTableId: "rtb-0empty" }, { RouteTableId: "rtb-0a1b2c3d", Routes: routes }],
        prefixListEntries: entries,
        securityGroups: [{ GroupId: "sg-0empty" }, { GroupId: "sg-0a1b2c3d", IpPermissionsEgress: permissions }],
        networkAcls: [{ NetworkAclId: "acl-0empty" }, { NetworkAclId: "acl-0a1b2c3d", Entries: aclEntries }],
        vpcPeeringConnections: [
            { VpcPeeringConnectionId: "pcx-0empty" },
            { VpcPeeringConnectionId: "pcx-0a1b2c3d", RequesterVpcInfo: requester },
            ...accepters.map((AccepterVpcInfo, i) => ({ VpcPeeringConnectionId: `pcx-${i}`, AccepterVpcInfo })),
        ],
    };
}

const same = (a: IpRange, b: IpRange) => a.first === b.first && a.last === b.last;
const holds = (outer: IpRange, inner: IpRange) => outer.version === inner.version && outer.first <= inner.first && inner.last <= outer.last;

/** How the evaluator's messages list the narrower CIDRs a part leaves out (the first three, then a count). */
function listed(texts: readonly string[]): string {
    return texts.length <= 3 ? texts.join(", ") : `${texts.slice(0, 3).join(", ")} and ${texts.length - 3} more`;
}

/**
 * The parts by brute force: every address of `dst` is put in the class of the narrowest rule CIDR
 * inside `dst` that holds it (the whole range when none does); each class is one part, named by that
 * CIDR and the narrower CIDRs it leaves out, and standing for its lowest address.
 */
function referenceParts(dst: IpRange, cidrs: readonly Cidr[]): DestinationPart[] {
    const blocks: IpRange[] = [];
    for (const c of cidrs) {
        const r = cidrRange(c.text) as IpRange;
        if (r.version === dst.version && holds(dst, r) && !same(dst, r) && !blocks.some((b) => same(b, r))) blocks.push(r);
    }
    const size = (r: IpRange) => BigInt(r.last) - BigInt(r.first);
    const narrowestHolding = (address: bigint): IpRange | undefined =>
        blocks.filter((b) => BigInt(b.first) <= address && address <= BigInt(b.last)).sort((a, b) => (size(a) < size(b) ? -1 : 1))[0];
    const firstAddressOf = new Map<IpRange, bigint>();
    for (let a = BigInt(dst.first); a <= BigInt(dst.last); a++) {
        const node = narrowestHolding(a) ?? dst;
        if (!firstAddressOf.has(node)) firstAddressOf.set(node, a);
    }
    if (blocks.length === 0) return [{ range: dst, label: dst.text, isRoot: true }];
    const parts: DestinationPart[] = [];
    for (const [node, lowest] of firstAddressOf) {
        const inner = blocks.filter((b) => holds(node, b) && !same(node, b));
        const children = inner.filter((b) => !inner.some((o) => holds(o, b) && !same(o, b))).sort((a, b) => (a.first < b.first ? -1 : 1));
        const label = children.length === 0 ? node.text : `${node.text} outside ${listed(children.map((c) => c.text))}`;
        const at = dst.version === 4 ? Number(lowest) : lowest;
        parts.push({ range: children.length === 0 ? node : { version: dst.version, text: label, first: at, last: at }, label, isRoot: node === dst });
    }
    return parts.sort((a, b) => (a.range.first < b.range.first ? -1 : 1));
}

/** A `--dst` of 4 to 256 addresses and up to 14 rule CIDRs around it: inside it (nested or side by side), equal to it, holding it, beside it, in the other family. */
const caseArb = fc
    .record({
        version: fc.constantFrom<4 | 6>(4, 6),
        dstHostBits: fc.integer({ min: 2, max: 8 }),
        dstPosition: fc.nat(),
        rules: fc.array(
            fc.record({
                inside: fc.boolean(),
                hostBits: fc.integer({ min: 0, max: REGION_BITS }),
                position: fc.nat(),
                source: fc.constantFrom(...SOURCES),
                otherFamily: fc.boolean(),
            }),
            { maxLength: 14 },
        ),
    })
    .map(({ version, dstHostBits, dstPosition, rules }) => {
        const dstOffset = aligned(dstPosition, dstHostBits, 0, REGION_BITS);
        const dst = parseIpRange(cidrText(version, dstOffset, dstHostBits), "--dst");
        const cidrs: Cidr[] = rules.map((r) => {
            const hostBits = r.inside ? Math.min(r.hostBits, dstHostBits) : r.hostBits;
            const offset = r.inside ? aligned(r.position, hostBits, dstOffset, dstHostBits) : aligned(r.position, hostBits, 0, REGION_BITS);
            const v = r.otherFamily && !r.inside ? (version === 4 ? 6 : 4) : version;
            return { version: v, text: cidrText(v, offset, hostBits), source: r.source };
        });
        return { dst, cidrs };
    });

describe("destination parts (mutation-tested): a --dst range cut where the rules change", () => {
    // VPC user guide, "Configure route tables", Route priority: "We use the most specific route in your
    // route table that matches the traffic to determine how to route the traffic (longest prefix match)."
    // Security group and network ACL rules match by the packet's address, so every rule CIDR narrower
    // than the range may change the answer for exactly the addresses it holds.
    it("the parts are exactly the classes of addresses that the same rule CIDRs hold (checked address by address)", () => {
        fc.assert(
            fc.property(caseArb, ({ dst, cidrs }) => {
                expect(destinationParts(documents(cidrs), dst)).to.deep.equal(referenceParts(dst, cidrs));
            }),
            { seed: 28, numRuns: 400 },
        );
    });
});

/**
 * The same rule seen from the user's side: the configuration check's answer for a range is "network-ok"
 * exactly when every address of it is, and names exactly the rules that block some address of it.
 * Random snapshots around the blackhole-inside-dst-range fixture: narrower routes to the internet
 * gateway or to the deleted NAT gateway (a blackhole), security group rules for tcp 443 to CIDRs
 * around the range, network ACL rules that allow or deny parts of it, each address checked alone.
 */
describe("destination parts (mutation-tested): a range's answer is its addresses' answers", () => {
    const FIXTURE = "engine/blackhole-inside-dst-range";
    const RTB = "rtb-0aa11bb22cc33dd44";
    /** Offsets into 52.219.204.0/24, the region the random CIDRs fall in. */
    const s3Cidr = (offset: number, hostBits: number) => `52.219.204.${offset}/${32 - hostBits}`;
    const cidrArb = fc.record({ hostBits: fc.integer({ min: 0, max: 8 }), position: fc.nat() }).map(({ hostBits, position }) => s3Cidr(aligned(position, hostBits, 0, 8), hostBits));
    const snapshotArb = fc.record({
        dst: fc.record({ hostBits: fc.integer({ min: 2, max: 5 }), position: fc.nat() }).map(({ hostBits, position }) => s3Cidr(aligned(position, hostBits, 0, 8), hostBits)),
        routes: fc.array(fc.record({ cidr: cidrArb, blackhole: fc.boolean() }), { maxLength: 3 }),
        egress: fc.array(cidrArb, { maxLength: 3 }),
        allEgress: fc.boolean(),
        acl: fc.array(fc.record({ cidr: cidrArb, deny: fc.boolean(), inbound: fc.boolean(), tcp443: fc.boolean() }), { maxLength: 3 }),
    });

    function snapshot(base: Ec2Documents, s: SnapshotCase): Ec2Documents {
        const routes: Ec2Route[] = [
            { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" },
            { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0b1c2d3e4f5a6b7c8", State: "active" },
            ...s.routes.map((r) => (r.blackhole ? { DestinationCidrBlock: r.cidr, NatGatewayId: "nat-06c018cbd8a1b2c3d", State: "blackhole" } : { DestinationCidrBlock: r.cidr, GatewayId: "igw-0b1c2d3e4f5a6b7c8", State: "active" })),
        ];
        const egress: Ec2IpPermission[] = [
            ...(s.allEgress ? [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] : []),
            ...s.egress.map((cidr) => ({ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: cidr }] })),
        ];
        const entries: Ec2NetworkAclEntry[] = [
            ...s.acl.map((e, i) => ({
                RuleNumber: 10 + i,
                Egress: !e.inbound,
                RuleAction: e.deny ? "deny" : "allow",
                CidrBlock: e.cidr,
                Protocol: e.tcp443 ? "6" : "-1",
                ...(e.tcp443 ? { PortRange: e.inbound ? { From: 32768, To: 60999 } : { From: 443, To: 443 } } : {}),
            })),
            { RuleNumber: 100, Egress: true, RuleAction: "allow", CidrBlock: "52.219.204.0/25", Protocol: "-1" },
            { RuleNumber: 110, Egress: true, RuleAction: "allow", CidrBlock: "52.219.204.128/25", Protocol: "-1" },
            { RuleNumber: 100, Egress: false, RuleAction: "allow", CidrBlock: "0.0.0.0/0", Protocol: "-1" },
            { RuleNumber: 32767, Egress: true, RuleAction: "deny", CidrBlock: "0.0.0.0/0", Protocol: "-1" },
            { RuleNumber: 32767, Egress: false, RuleAction: "deny", CidrBlock: "0.0.0.0/0", Protocol: "-1" },
        ];
        return {
            ...base,
            routeTables: base.routeTables.map((t) => (t.RouteTableId === RTB ? { ...t, Routes: routes } : t)),
            securityGroups: base.securityGroups.map((g) => ({ ...g, IpPermissionsEgress: egress })),
            networkAcls: base.networkAcls.map((a) => ({ ...a, Entries: entries })),
        };
    }
    type SnapshotCase = typeof snapshotArb extends fc.Arbitrary<infer T> ? T : never;

    const check = (docs: Ec2Documents, dst: string) => evaluateConfiguration(docs, undefined, { dst: AddressSet.parse(dst, "--dst"), port: 443, protocol: 6 });
    const blockers = (r: ReturnType<typeof check>) => r.culprits.filter((c) => c.effect !== "may-deny").map((c) => `${c.kind} ${c.id} ${c.direction} ${c.rule}`);

    // VPC user guide, route priority: "We use the most specific route that matches either IPv4 traffic or
    // IPv6 traffic to determine how to route the traffic." EC2 API reference, NetworkAclEntry RuleNumber:
    // "ACL entries are processed in ascending order by rule number." Both act per packet, that is per
    // destination address, and so do security group rules.
    it("the range is network-ok exactly when each of its addresses is, and its culprits are the rules that block some address", async () => {
        const base = (await readFixture(FIXTURE)).documents;
        fc.assert(
            fc.property(snapshotArb, (s) => {
                const docs = snapshot(base, s);
                const dst = parseIpRange(s.dst, "--dst");
                const perAddress = [];
                for (let a = dst.first as number; a <= (dst.last as number); a++) perAddress.push(check(docs, `52.219.204.${a & 255}`));
                const range = check(docs, s.dst);
                expect(range.verdict === "network-ok", "network-ok").to.equal(perAddress.every((r) => r.verdict === "network-ok"));
                expect([...new Set(blockers(range))].sort()).to.deep.equal([...new Set(perAddress.flatMap(blockers))].sort());
            }),
            { seed: 2028, numRuns: 150 },
        );
    });
});

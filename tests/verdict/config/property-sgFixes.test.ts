/**
 * The security group fixes the configuration check proposes, applied: whatever egress rules the
 * workload's groups hold, the `aws ec2 authorize-security-group-egress` the answer gives must be one
 * EC2 accepts (the group exists and is the workload's, a protocol EC2 knows, ports where the protocol
 * needs them, exactly one kind of destination, not a rule the group already has) and, once applied,
 * must leave no security-group culprit. The rule check (analysis/verdict/config/securityGroups.ts)
 * and the text that proposes the fix (evaluate.ts) are separate code: this holds them against each
 * other.
 * Found by it: a `--dst` of several ranges whose missing rules differ (an S3 address and an internet
 * one: the S3 prefix list and 0.0.0.0/0; an IPv4 and an IPv6 one: 0.0.0.0/0 and ::/0) got only the
 * first range's fix, since the culprits were merged as one finding; the other range stayed blocked.
 *
 * A duplicate cannot be proposed while the check is right: the proposed rule names the query's own
 * protocol and port and either the destination's own CIDR (or 0.0.0.0/0 / ::/0 for several ranges) or
 * the S3 prefix list whose entries hold it; a group holding that rule would allow the packets, and
 * there would be no culprit. The property asserts it anyway, as EC2 would refuse it.
 *
 * EC2 API reference, AuthorizeSecurityGroupEgress: one destination per rule (an IPv4 or IPv6 range,
 * a prefix list, or a security group); for TCP and UDP a port or port range is required, for ICMP a
 * type and code. IpPermission.IpProtocol: a name (tcp, udp, icmp, icmpv6) or a protocol number, -1
 * for all. An existing rule sent again is refused with InvalidPermission.Duplicate; a group that does
 * not exist with InvalidGroup.NotFound.
 */
import { expect } from "chai";
import fc from "fast-check";
import { AddressSet } from "../../../analysis/core/ip";
import { evaluateConfiguration } from "../../../analysis/verdict/config/evaluate";
import { Ec2Documents, Ec2IpPermission, Ec2SecurityGroup } from "../../../analysis/verdict/config/ec2Documents";
import { ENI, IGW, S3_LIST, SG, VPC, workloadEni, world } from "../../helpers/gatewayWorld";

const SG2 = "sg-0fedcba9876543210";
/** A customer prefix list without entries in the documents: a rule naming it leaves the answer undecided. */
const UNREAD_LIST = "pl-0123456789abcdef0";

const NAMES: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/** The protocol as EC2 stores it: a rule sent as `6` is the rule `tcp`. */
function normalProtocol(p: string | undefined): string {
    if (p === undefined) return "?";
    if (p === "-1" || p.toLowerCase() === "all") return "-1";
    return String(NAMES[p.toLowerCase()] ?? p);
}

/** Each (protocol, ports, destination) of a group's rules: the unit EC2 calls a rule and refuses twice. */
function ruleKeys(p: Ec2IpPermission): string[] {
    const proto = normalProtocol(p.IpProtocol);
    const ports = proto === "6" || proto === "17" || proto === "1" || proto === "58" ? `${p.FromPort},${p.ToPort}` : "all";
    return [
        ...(p.IpRanges ?? []).map((r) => `${proto} ${ports} ${r.CidrIp}`),
        ...(p.Ipv6Ranges ?? []).map((r) => `${proto} ${ports} ${r.CidrIpv6}`),
        ...(p.PrefixListIds ?? []).map((r) => `${proto} ${ports} ${r.PrefixListId}`),
    ];
}

/** `Key=value,...,Target=[{Name=value}]`, the CLI's shorthand for one IpPermission. */
function parsePermission(text: string, command: string): Ec2IpPermission {
    const m = /^IpProtocol=([^,]+)(?:,FromPort=(-?\d+),ToPort=(-?\d+))?,(IpRanges|Ipv6Ranges|PrefixListIds)=\[\{(CidrIp|CidrIpv6|PrefixListId)=([^}]+)\}\]$/.exec(text);
    expect(m, `${command}: not one IpPermission with one destination`).not.to.equal(null);
    const [, IpProtocol, from, to, list, field, value] = m as RegExpExecArray;
    // One destination of the matching kind.
    expect({ list, field }, command).to.deep.equal({ list, field: { IpRanges: "CidrIp", Ipv6Ranges: "CidrIpv6", PrefixListIds: "PrefixListId" }[list] });
    return {
        IpProtocol,
        ...(from === undefined ? {} : { FromPort: Number(from), ToPort: Number(to) }),
        [list]: [{ [field]: value }],
    };
}

/** The command applied as EC2 would, refusing what EC2 refuses. */
function apply(docs: Ec2Documents, command: string): Ec2Documents {
    const words = command.split(" ");
    expect(words.slice(0, 3), command).to.deep.equal(["aws", "ec2", "authorize-security-group-egress"]);
    expect(words.length, command).to.equal(7);
    expect([words[3], words[5]], command).to.deep.equal(["--group-id", "--ip-permissions"]);
    const groupId = words[4];
    const permission = parsePermission(words[6], command);
    // InvalidGroup.NotFound; and the fix belongs on one of the workload's own groups.
    expect(docs.securityGroups.map((g) => g.GroupId), `${command}: InvalidGroup.NotFound`).to.include(groupId);
    expect(docs.networkInterfaces[0].Groups?.map((g) => g.GroupId), command).to.include(groupId);
    const proto = normalProtocol(permission.IpProtocol);
    expect(proto === "-1" || /^\d{1,3}$/.test(proto) && Number(proto) <= 255, `${command}: IpProtocol is a name EC2 knows or a number`).to.equal(true);
    // TCP, UDP and ICMP need a port range (ICMP: type and code); -1 or another number takes none that matters.
    if (["6", "17", "1"].includes(proto)) expect(permission.FromPort, `${command}: ports required`).not.to.equal(undefined);
    for (const pl of permission.PrefixListIds ?? []) expect(docs.prefixLists.map((p) => p.PrefixListId), `${command}: no such prefix list`).to.include(pl.PrefixListId);
    const group = docs.securityGroups.find((g) => g.GroupId === groupId) as Ec2SecurityGroup;
    const existing = (group.IpPermissionsEgress ?? []).flatMap(ruleKeys);
    for (const key of ruleKeys(permission)) expect(existing, `${command}: InvalidPermission.Duplicate`).not.to.include(key);
    return {
        ...docs,
        securityGroups: docs.securityGroups.map((g) => (g.GroupId === groupId ? { ...g, IpPermissionsEgress: [...(g.IpPermissionsEgress ?? []), permission] } : g)),
    };
}

const CIDRS = ["0.0.0.0/0", "10.0.0.0/16", "203.0.113.0/24", "203.0.113.10/32", "52.219.204.0/22", "52.219.204.0/24", "52.219.200.0/21", "198.51.100.0/24"];
const CIDRS6 = ["::/0", "2001:db8::/32", "2001:db8::10/128"];
const PORTS = [0, 53, 80, 443, 444, 1024, 65535];

const permissionArb: fc.Arbitrary<Ec2IpPermission> = fc
    .record({
        protocol: fc.constantFrom("-1", "tcp", "tcp", "udp", "6", "icmp", "icmpv6", "47"),
        from: fc.constantFrom(...PORTS),
        to: fc.constantFrom(...PORTS),
        v4: fc.subarray(CIDRS, { maxLength: 2 }),
        v6: fc.subarray(CIDRS6, { maxLength: 1 }),
        lists: fc.subarray([S3_LIST, S3_LIST, UNREAD_LIST], { maxLength: 1 }),
    })
    .map((r) => {
        const ported = ["tcp", "udp", "6"].includes(r.protocol);
        const icmp = r.protocol === "icmp" || r.protocol === "icmpv6";
        return {
            IpProtocol: r.protocol,
            ...(ported ? { FromPort: Math.min(r.from, r.to), ToPort: Math.max(r.from, r.to) } : icmp ? { FromPort: -1, ToPort: -1 } : {}),
            ...(r.v4.length ? { IpRanges: r.v4.map((CidrIp) => ({ CidrIp })) } : {}),
            ...(r.v6.length ? { Ipv6Ranges: r.v6.map((CidrIpv6) => ({ CidrIpv6 })) } : {}),
            ...(r.lists.length ? { PrefixListIds: r.lists.map((PrefixListId) => ({ PrefixListId })) } : {}),
        };
    });

const queryArb = fc.record({
    dst: fc.constantFrom("203.0.113.10", "52.219.204.42", "52.219.204.0/24", "52.219.200.0/21", "198.51.100.0/25", "2001:db8::10", "203.0.113.10,198.51.100.7", "52.219.204.42,203.0.113.10", "203.0.113.10,2001:db8::10"),
    protocol: fc.constantFrom(6, 6, 17, 1),
    port: fc.constantFrom(443, 53, 80),
});

/** A group the ENI names that describe-security-groups does not hold (deleted since, or not readable). */
const GONE_SG = "sg-0aaaaaaaaaaaaaaa9";

/**
 * The workload in one or two groups, perhaps naming first a group the documents lack (a fix on it
 * would be refused: InvalidGroup.NotFound); the routes send everything to an attached internet gateway.
 */
function docsWith(first: Ec2IpPermission[], second: Ec2IpPermission[] | null, goneFirst = false): Ec2Documents {
    const base = world({ workloadRoutes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: IGW, Origin: "CreateRoute", State: "active" }] });
    const groups: Ec2SecurityGroup[] = [{ GroupId: SG, GroupName: "workload", VpcId: VPC, IpPermissionsEgress: first }];
    if (second) groups.push({ GroupId: SG2, GroupName: "extra", VpcId: VPC, IpPermissionsEgress: second });
    const eni = { ...workloadEni, Groups: [...(goneFirst ? [{ GroupId: GONE_SG, GroupName: "gone" }] : []), ...groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName }))] };
    return { ...base, networkInterfaces: [eni, ...base.networkInterfaces.slice(1)], securityGroups: groups };
}

function sgCulprits(docs: Ec2Documents, q: { dst: string; protocol: number; port: number }) {
    const answer = evaluateConfiguration(docs, ENI, { dst: AddressSet.parse(q.dst, "--dst"), port: q.port, protocol: q.protocol });
    return answer.culprits.filter((c) => c.kind === "security-group");
}

describe("security group fixes, applied (property)", () => {
    it("every proposed authorize-security-group-egress is accepted, and together they leave no security-group culprit", () => {
        fc.assert(
            fc.property(fc.array(permissionArb, { maxLength: 4 }), fc.option(fc.array(permissionArb, { maxLength: 3 })), queryArb, fc.boolean(), (first, second, q, goneFirst) => {
                let docs = docsWith(first, second, goneFirst);
                const culprits = sgCulprits(docs, q);
                for (const c of culprits) docs = apply(docs, c.fix);
                expect(sgCulprits(docs, q).map((c) => `${c.id}: ${c.reason} ${c.fix}`)).to.deep.equal([]);
            }),
            { seed: 41, numRuns: 400 },
        );
    });

    const missing = (dst: string, fix: string, hint: string) => ({
        kind: "security-group",
        id: SG,
        direction: "outbound",
        rule: "(none)",
        reason: `No egress rule of ${SG} allows tcp 443 to ${dst}: the packets are rejected as they leave ${ENI}.`,
        fix: `aws ec2 authorize-security-group-egress --group-id ${SG} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,${fix}`,
        hint: `new aws.vpc.SecurityGroupEgressRule(..., { securityGroupId: "${SG}", ipProtocol: "tcp", fromPort: 443, toPort: 443, ${hint} })`,
        effect: "drops-request",
        hop: "workload",
    });

    it("an S3 address and an internet address, no egress rule: one fix each (the prefix list, 0.0.0.0/0), and both open", () => {
        const q = { dst: "52.219.204.42,203.0.113.10", protocol: 6, port: 443 };
        let docs = docsWith([], null);
        const culprits = sgCulprits(docs, q);
        expect(culprits).to.deep.equal([
            missing("52.219.204.42", `PrefixListIds=[{PrefixListId=${S3_LIST}}]`, `prefixListId: "${S3_LIST}"`),
            missing("203.0.113.10", "IpRanges=[{CidrIp=0.0.0.0/0}]", 'cidrIpv4: "0.0.0.0/0"'),
        ]);
        for (const c of culprits) docs = apply(docs, c.fix);
        expect(sgCulprits(docs, q)).to.deep.equal([]);
    });

    it("an IPv4 and an IPv6 address, no egress rule: 0.0.0.0/0 and ::/0, and both open", () => {
        const q = { dst: "203.0.113.10,2001:db8::10", protocol: 6, port: 443 };
        let docs = docsWith([], null);
        const culprits = sgCulprits(docs, q);
        expect(culprits).to.deep.equal([
            missing("203.0.113.10", "IpRanges=[{CidrIp=0.0.0.0/0}]", 'cidrIpv4: "0.0.0.0/0"'),
            missing("2001:db8::10", "Ipv6Ranges=[{CidrIpv6=::/0}]", 'cidrIpv6: "::/0"'),
        ]);
        for (const c of culprits) docs = apply(docs, c.fix);
        expect(sgCulprits(docs, q)).to.deep.equal([]);
    });
});

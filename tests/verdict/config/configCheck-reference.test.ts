/**
 * The configuration evaluator against a reference model written here, by brute force, from AWS's
 * documented rules (not from the evaluator's code), on generated route tables, security groups and
 * network ACLs for one workload interface (10.0.1.25 in subnet-0a1b2c3d, VPC 10.0.0.0/16).
 *
 * The rules the model applies, and where AWS states them:
 * - Route table: the subnet's explicitly associated table, else the VPC's main table ("Subnet route
 *   tables", VPC user guide). Longest prefix match; on equal prefixes a static route wins over a
 *   prefix-list route, which wins over a propagated route ("How route priority works",
 *   route-tables-priority: "1. Longest prefix 2. Static routes 3. Prefix list routes 4. Propagated
 *   routes"). A route to a prefix list stands for each of its CIDRs. A `blackhole` route drops the
 *   packets; an internet gateway only carries an address that has a public IP ("Enable internet
 *   access": "ensure that instances in your subnet have a public IPv4 address").
 * - Security groups: allow rules only, no order; a packet leaves if any egress rule of any of the
 *   interface's groups matches its protocol (`-1` all), port range and CIDR. Stateful: the replies of
 *   an allowed connection are allowed whatever the inbound rules say ("Security group rules").
 * - Network ACLs: rules in ascending rule number, the first rule that matches decides, and the final
 *   `*` rule denies. Stateless: the request must pass the outbound rules and each reply the inbound
 *   rules, addressed to the client's ephemeral port ("Network ACL rules", "Ephemeral ports"); every
 *   port of the client's range is tried, one by one.
 *
 * The model's answer is stated in the flow-log diagnosis's vocabulary: the first thing that stops the
 * packets names the verdict (a security group or outbound ACL rule: `security-group-or-nacl`; no route,
 * a blackhole or a missing public IP: `routing`; the inbound ACL rules for the replies:
 * `nacl-return-path`), a path the check cannot follow further (transit gateway, virtual private
 * gateway) is `inconclusive`, anything else `network-ok`; and every component that would block is a
 * culprit (kind, id, direction, rule). Targets are chosen so that each one is told apart by what the
 * evaluation shows (path and culprits), which makes the selected route observable.
 *
 * A destination CIDR is answered address by address: the router picks the longest prefix for each
 * packet's address, and each rule matches an address or not, so an answer can only change where a
 * CIDR of the case begins or ends. The model tries the first address of the range and every such
 * bound inside it (one address per block that the case's CIDRs cut out), and the range's answer is
 * the worst verdict of any address, every culprit of any address, the path of the lowest blocked
 * address (else of the lowest one the check cannot follow, else of the lowest), and whether its
 * addresses take different paths.
 */
import { expect } from "chai";
import fc from "fast-check";
import { AddressSet } from "../../../analysis/core/ip";
import { evaluateConfiguration } from "../../../analysis/verdict/config/evaluate";
import { Ec2Documents, Ec2IpPermission, Ec2NetworkAclEntry, Ec2Route, Ec2RouteTable, Ec2SecurityGroup } from "../../../analysis/verdict/config/ec2Documents";

const ENI = "eni-0a1b2c3d4e5f60718";
const SUBNET = "subnet-0a1b2c3d4e5f60718";
const VPC = "vpc-0a1b2c3d4e5f60718";
const ACL = "acl-0a1b2c3d4e5f60718";
const MAIN_TABLE = "rtb-0aa11bb22cc33dd44";
const SUBNET_TABLE = "rtb-0bb22cc33dd44ee55";
const IGW = "igw-0b1c2d3e4f5a6b7c8";
const VGW = "vgw-0c1d2e3f4a5b6c7d8";
const FINAL_RULE = 32767;
const SG_PREFIX_LIST = "pl-000000000000000b0";

// ---------------------------------------------------------------- the reference model (AWS's rules)

function ipv4Number(text: string): number {
    return text.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Whether an IPv4 address is in a CIDR block: same network number at the prefix length. */
function inCidr(cidr: string, address: string): boolean {
    const [base, length] = cidr.split("/");
    const size = 2 ** (32 - Number(length));
    return Math.floor(ipv4Number(base) / size) === Math.floor(ipv4Number(address) / size);
}

function prefixOf(cidr: string): number {
    return Number(cidr.split("/")[1]);
}

/** One generated route, in the model's terms. */
type Target = { kind: "internet-gateway" } | { kind: "transit-gateway"; id: string } | { kind: "blackhole-nat"; id: string } | { kind: "vgw" } | { kind: "local" };
interface ModelRoute {
    readonly origin: "static" | "prefix-list" | "propagated";
    /** The CIDR, or the prefix list id. */
    readonly destination: string;
    /** The CIDRs it stands for: itself, or the prefix list's entries. */
    readonly cidrs: readonly string[];
    readonly target: Target;
}

const ORIGIN_RANK = { static: 0, "prefix-list": 1, propagated: 2 } as const;

/** Longest prefix, then static over prefix list over propagated. `ambiguous` when two routes tie on both (AWS documents no rule for that). */
function modelSelectRoute(routes: readonly ModelRoute[], dst: string): { route?: ModelRoute; ambiguous: boolean } {
    let best: { route: ModelRoute; prefix: number; rank: number } | undefined;
    let ambiguous = false;
    for (const route of routes) {
        for (const cidr of route.cidrs) {
            if (!inCidr(cidr, dst)) continue;
            const prefix = prefixOf(cidr);
            const rank = ORIGIN_RANK[route.origin];
            if (best === undefined || prefix > best.prefix || (prefix === best.prefix && rank < best.rank)) {
                best = { route, prefix, rank };
                ambiguous = false;
            } else if (prefix === best.prefix && rank === best.rank && route !== best.route) {
                ambiguous = true;
            }
        }
    }
    return { route: best?.route, ambiguous };
}

function ruleProtocolMatches(ruleProtocol: string, protocol: number): boolean {
    if (ruleProtocol === "-1") return true;
    const byName: Record<string, number> = { tcp: 6, udp: 17, icmp: 1 };
    return (byName[ruleProtocol] ?? Number(ruleProtocol)) === protocol;
}

function securityGroupsAllow(groups: readonly Ec2SecurityGroup[], prefixListEntries: readonly string[], protocol: number, port: number, dst: string): boolean {
    return groups.some((g) =>
        (g.IpPermissionsEgress ?? []).some((rule) => {
            if (!ruleProtocolMatches(rule.IpProtocol as string, protocol)) return false;
            if (rule.IpProtocol !== "-1" && !(port >= (rule.FromPort as number) && port <= (rule.ToPort as number))) return false;
            // A rule that names a prefix list stands for each of its CIDRs.
            const cidrs = [...(rule.IpRanges ?? []).map((r) => r.CidrIp as string), ...((rule.PrefixListIds ?? []).length > 0 ? prefixListEntries : [])];
            return cidrs.some((cidr) => inCidr(cidr, dst));
        }),
    );
}

/** The rule that decides one packet: the first, by rule number, that matches protocol, port and address. */
function aclDecision(entries: readonly Ec2NetworkAclEntry[], egress: boolean, protocol: number, port: number, peer: string): Ec2NetworkAclEntry {
    const ordered = entries.filter((e) => e.Egress === egress).sort((a, b) => (a.RuleNumber as number) - (b.RuleNumber as number));
    for (const e of ordered) {
        if (!ruleProtocolMatches(e.Protocol as string, protocol)) continue;
        if (e.Protocol !== "-1" && !(port >= (e.PortRange?.From as number) && port <= (e.PortRange?.To as number))) continue;
        if (!inCidr(e.CidrBlock as string, peer)) continue;
        return e;
    }
    throw new Error("every ACL ends with the * rule, which matches everything");
}

const aclRuleName = (e: Ec2NetworkAclEntry) => (e.RuleNumber === FINAL_RULE ? "*" : String(e.RuleNumber));

interface ModelAnswer {
    verdict: string;
    path: string;
    /** `kind direction id rule`, sorted. */
    culprits: string[];
    /** Addresses of the destination range take different paths. */
    splitPaths: boolean;
}

interface Case {
    /** An address, or a CIDR answered address by address. */
    readonly dst: string;
    readonly port: number;
    readonly protocol: number;
    readonly clientPorts: readonly [number, number];
    readonly publicIp: boolean;
    readonly mainRoutes: readonly ModelRoute[];
    /** Routes of a table associated with the subnet itself, when there is one. */
    readonly subnetRoutes?: readonly ModelRoute[];
    readonly groups: readonly Ec2SecurityGroup[];
    /** The entries of the customer-managed prefix list that security group rules may name. */
    readonly sgPrefixListEntries: readonly string[];
    readonly aclEntries: readonly Ec2NetworkAclEntry[];
}

function model(c: Case): ModelAnswer | "ambiguous" {
    const answers: ModelAnswer[] = [];
    for (const address of sampleAddresses(c)) {
        const answer = modelAt({ ...c, dst: address });
        if (answer === "ambiguous") return "ambiguous";
        answers.push(answer);
    }
    const blocked = answers.find((a) => a.culprits.length > 0);
    const unseen = answers.find((a) => a.path === "transit-gateway" || a.path === "other");
    const worst = VERDICT_SEVERITY.find((v) => answers.some((a) => a.verdict === v)) as string;
    return {
        verdict: worst,
        path: (blocked ?? unseen ?? answers[0]).path,
        culprits: [...new Set(answers.flatMap((a) => a.culprits))].sort(),
        splitPaths: new Set(answers.map((a) => a.path)).size > 1,
    };
}

/** The verdicts, the one that stops more first: a filter before the route, the route before the replies. */
const VERDICT_SEVERITY = ["security-group-or-nacl", "routing", "nacl-return-path", "inconclusive", "network-ok"];

function ipv4Text(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Every CIDR the case names: routes, prefix-list entries, security group and ACL rules. */
function caseCidrs(c: Case): string[] {
    return [
        ...[...c.mainRoutes, ...(c.subnetRoutes ?? [])].flatMap((r) => r.cidrs),
        ...c.groups.flatMap((g) => (g.IpPermissionsEgress ?? []).flatMap((rule) => (rule.IpRanges ?? []).map((r) => r.CidrIp as string))),
        ...c.sgPrefixListEntries,
        ...c.aclEntries.map((e) => e.CidrBlock as string),
    ];
}

/** The destination's first address and every CIDR bound inside it, lowest first: one address per block that behaves alike. */
function sampleAddresses(c: Case): string[] {
    if (!c.dst.includes("/")) return [c.dst];
    const [base, length] = c.dst.split("/");
    const first = ipv4Number(base);
    const last = first + 2 ** (32 - Number(length)) - 1;
    const starts = new Set([first]);
    for (const cidr of caseCidrs(c)) {
        const [b, l] = cidr.split("/");
        const lo = ipv4Number(b);
        const hi = lo + 2 ** (32 - Number(l)) - 1;
        for (const bound of [lo, hi + 1]) if (bound > first && bound <= last) starts.add(bound);
    }
    return [...starts].sort((a, b) => a - b).map(ipv4Text);
}

/** The answer for one address. */
function modelAt(c: Case): ModelAnswer | "ambiguous" {
    const culprits: string[] = [];
    const sgBlocks = !securityGroupsAllow(c.groups, c.sgPrefixListEntries, c.protocol, c.port, c.dst);
    if (sgBlocks) culprits.push("security-group outbound <one of the interface's groups> (none)");
    const out = aclDecision(c.aclEntries, true, c.protocol, c.port, c.dst);
    const outBlocks = out.RuleAction === "deny";
    if (outBlocks) culprits.push(`network-acl outbound ${ACL} ${aclRuleName(out)}`);

    const tableId = c.subnetRoutes ? SUBNET_TABLE : MAIN_TABLE;
    const { route, ambiguous } = modelSelectRoute(c.subnetRoutes ?? c.mainRoutes, c.dst);
    if (ambiguous) return "ambiguous";
    let path: string;
    let routeBlocks = false;
    let leavesView = false;
    if (route === undefined) {
        path = "none";
        routeBlocks = true;
        culprits.push(`route-table outbound ${tableId} (no route)`);
    } else {
        const t = route.target;
        switch (t.kind) {
            case "blackhole-nat":
                path = "nat-gateway";
                routeBlocks = true;
                culprits.push(`route-table outbound ${tableId} ${route.destination} -> ${t.id} (blackhole)`);
                break;
            case "internet-gateway":
                path = "internet-gateway";
                if (!c.publicIp) {
                    routeBlocks = true;
                    culprits.push(`public-ip outbound ${ENI} ${route.destination} -> ${IGW}`);
                }
                break;
            case "transit-gateway":
                path = "transit-gateway";
                leavesView = true;
                break;
            case "vgw":
                path = "other";
                leavesView = true;
                break;
            case "local":
                path = "local";
                break;
        }
    }

    // Stateless: every ephemeral port the client may pick must be let back in. Which rule decides
    // a port only changes at a rule's port bounds, so trying the range's ends and every bound inside
    // it (and its neighbour) tries every case the whole range holds.
    const inboundDeniers = new Set<number>();
    const [lo, hi] = c.clientPorts;
    const bounds = c.aclEntries.flatMap((e) => (e.PortRange ? [e.PortRange.From as number, (e.PortRange.From as number) - 1, e.PortRange.To as number, (e.PortRange.To as number) + 1] : []));
    for (const p of new Set([lo, hi, ...bounds.filter((b) => b >= lo && b <= hi)])) {
        const decision = aclDecision(c.aclEntries, false, c.protocol, p, c.dst);
        if (decision.RuleAction === "deny") inboundDeniers.add(decision.RuleNumber as number);
    }
    const replyBlocks = inboundDeniers.size > 0;
    // The rule to name is the first explicit deny that drops replies; `*` when only the final rule does.
    if (replyBlocks) culprits.push(`network-acl inbound ${ACL} ${aclRuleName({ RuleNumber: Math.min(...inboundDeniers) })}`);

    const verdict =
        sgBlocks || outBlocks ? "security-group-or-nacl" : routeBlocks ? "routing" : replyBlocks ? "nacl-return-path" : leavesView ? "inconclusive" : "network-ok";
    return { verdict, path, culprits: culprits.sort(), splitPaths: false };
}

// ---------------------------------------------------------------- the EC2 documents the evaluator reads

const hexId = (prefix: string, n: number) => `${prefix}-0${n.toString(16).padStart(16, "0")}`;

function ec2Route(r: ModelRoute): Ec2Route {
    const destination = r.origin === "prefix-list" ? { DestinationPrefixListId: r.destination } : { DestinationCidrBlock: r.destination };
    const origin = r.origin === "propagated" ? "EnableVgwRoutePropagation" : r.target.kind === "local" ? "CreateRouteTable" : "CreateRoute";
    const t = r.target;
    const target =
        t.kind === "internet-gateway"
            ? { GatewayId: IGW }
            : t.kind === "transit-gateway"
              ? { TransitGatewayId: t.id }
              : t.kind === "blackhole-nat"
                ? { NatGatewayId: t.id }
                : t.kind === "vgw"
                  ? { GatewayId: VGW }
                  : { GatewayId: "local" };
    return { ...destination, ...target, State: t.kind === "blackhole-nat" ? "blackhole" : "active", Origin: origin };
}

function documents(c: Case): Ec2Documents {
    const prefixLists = [...c.mainRoutes, ...(c.subnetRoutes ?? [])].filter((r) => r.origin === "prefix-list");
    const tables: Ec2RouteTable[] = [
        { RouteTableId: MAIN_TABLE, VpcId: VPC, Routes: c.mainRoutes.map(ec2Route), Associations: [{ Main: true, RouteTableId: MAIN_TABLE }] },
    ];
    if (c.subnetRoutes) tables.push({ RouteTableId: SUBNET_TABLE, VpcId: VPC, Routes: c.subnetRoutes.map(ec2Route), Associations: [{ Main: false, SubnetId: SUBNET, RouteTableId: SUBNET_TABLE }] });
    return {
        networkInterfaces: [
            {
                NetworkInterfaceId: ENI,
                SubnetId: SUBNET,
                VpcId: VPC,
                AvailabilityZone: "ap-northeast-2a",
                PrivateIpAddress: "10.0.1.25",
                InterfaceType: "interface",
                ...(c.publicIp ? { Association: { PublicIp: "3.36.10.20" } } : {}),
                Groups: c.groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName })),
            },
        ],
        routeTables: tables,
        securityGroups: c.groups,
        networkAcls: [{ NetworkAclId: ACL, VpcId: VPC, IsDefault: false, Associations: [{ SubnetId: SUBNET, NetworkAclId: ACL }], Entries: c.aclEntries }],
        vpcEndpoints: [],
        natGateways: [],
        internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] }],
        vpcPeeringConnections: [],
        prefixLists: [
            ...prefixLists.map((r) => ({ PrefixListId: r.destination, PrefixListName: `corp-ranges-${r.destination.slice(-2)}`, AddressFamily: "IPv4", OwnerId: "123456789012" })),
            { PrefixListId: SG_PREFIX_LIST, PrefixListName: "partner-ranges", AddressFamily: "IPv4", OwnerId: "123456789012" },
        ],
        prefixListEntries: {
            ...Object.fromEntries(prefixLists.map((r) => [r.destination, r.cidrs.map((Cidr) => ({ Cidr }))])),
            [SG_PREFIX_LIST]: c.sgPrefixListEntries.map((Cidr) => ({ Cidr })),
        },
    };
}

// ---------------------------------------------------------------- generators

/** Destinations and the addresses CIDRs are cut from: S3 in Seoul, inside the VPC, another private range, the internet. */
const ADDRESSES = ["52.219.204.42", "52.219.207.200", "10.0.5.7", "10.0.1.200", "172.31.4.4", "203.0.113.9"];
const PREFIXES = [0, 8, 12, 16, 20, 22, 24, 28, 32];

function networkOf(address: string, prefix: number): string {
    const size = 2 ** (32 - prefix);
    const n = Math.floor(ipv4Number(address) / size) * size;
    return `${[24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".")}/${prefix}`;
}

const cidrArb = fc.tuple(fc.constantFrom(...ADDRESSES), fc.constantFrom(...PREFIXES)).map(([a, p]) => networkOf(a, p));
const PORT_RANGES: ReadonlyArray<readonly [number, number]> = [
    [443, 443],
    [80, 80],
    [0, 65535],
    [1, 442],
    [1024, 65535],
    [32768, 60999],
    [32768, 40000],
    [40001, 65535],
    [49152, 65535],
];
const portRangeArb = fc.constantFrom(...PORT_RANGES);
/** Targets a route can have, each visible in the evaluation: a path of its own, or a culprit naming the route. */
const targetArb = fc.oneof(
    fc.constant<Target>({ kind: "internet-gateway" }),
    fc.nat(15).map<Target>((n) => ({ kind: "transit-gateway", id: hexId("tgw", n + 1) })),
    fc.nat(15).map<Target>((n) => ({ kind: "blackhole-nat", id: hexId("nat", n + 1) })),
);

/** A route table as AWS allows it: the local route, at most one static and one propagated route per CIDR, each prefix list once. */
const routesArb: fc.Arbitrary<ModelRoute[]> = fc
    .record({
        statics: fc.uniqueArray(fc.tuple(cidrArb, targetArb), { maxLength: 4, selector: ([cidr]) => cidr }),
        propagated: fc.uniqueArray(cidrArb, { maxLength: 2 }),
        prefixLists: fc.array(fc.tuple(fc.uniqueArray(cidrArb, { minLength: 1, maxLength: 3 }), targetArb), { maxLength: 2 }),
        local: fc.boolean(),
    })
    .map(({ statics, propagated, prefixLists, local }) => {
        const routes: ModelRoute[] = [];
        // AWS adds the local route to every table; a static route for the VPC CIDR itself cannot exist beside it.
        if (local) routes.push({ origin: "static", destination: "10.0.0.0/16", cidrs: ["10.0.0.0/16"], target: { kind: "local" } });
        for (const [cidr, target] of statics) if (!(local && cidr === "10.0.0.0/16")) routes.push({ origin: "static", destination: cidr, cidrs: [cidr], target });
        for (const cidr of propagated) routes.push({ origin: "propagated", destination: cidr, cidrs: [cidr], target: { kind: "vgw" } });
        prefixLists.forEach(([cidrs, target], i) => routes.push({ origin: "prefix-list", destination: hexId("pl", 0xa0 + i), cidrs, target }));
        return routes;
    });

const sgRuleArb: fc.Arbitrary<Ec2IpPermission> = fc
    .record({ protocol: fc.constantFrom("-1", "tcp", "udp", "icmp"), ports: portRangeArb, cidrs: fc.uniqueArray(cidrArb, { maxLength: 2 }), prefixList: fc.boolean() })
    .filter(({ cidrs, prefixList }) => cidrs.length > 0 || prefixList)
    .map(({ protocol, ports, cidrs, prefixList }) => ({
        IpProtocol: protocol,
        ...(protocol === "-1" ? {} : protocol === "icmp" ? { FromPort: -1, ToPort: -1 } : { FromPort: ports[0], ToPort: ports[1] }),
        IpRanges: cidrs.map((CidrIp) => ({ CidrIp })),
        Ipv6Ranges: [],
        PrefixListIds: prefixList ? [{ PrefixListId: SG_PREFIX_LIST }] : [],
        UserIdGroupPairs: [],
    }));
const groupsArb: fc.Arbitrary<Ec2SecurityGroup[]> = fc
    .array(fc.array(sgRuleArb, { maxLength: 3 }), { minLength: 1, maxLength: 2 })
    .map((ruleSets) => ruleSets.map((rules, i) => ({ GroupId: hexId("sg", 0x51 + i), GroupName: `workload-${i}`, VpcId: VPC, IpPermissionsEgress: rules })));

const aclRuleArb = fc.record({
    number: fc.integer({ min: 1, max: 200 }),
    protocol: fc.constantFrom("-1", "6", "17", "1"),
    ports: portRangeArb,
    cidr: cidrArb,
    action: fc.constantFrom("allow", "deny"),
});
const aclSideArb = (egress: boolean) =>
    fc.uniqueArray(aclRuleArb, { maxLength: 5, selector: (r) => r.number }).map((rules) =>
        rules.map<Ec2NetworkAclEntry>((r) => ({
            RuleNumber: r.number,
            Protocol: r.protocol,
            RuleAction: r.action,
            Egress: egress,
            CidrBlock: r.cidr,
            // ICMP entries carry an IcmpTypeCode instead (not read by the check), all protocols nothing.
            ...(r.protocol === "-1" || r.protocol === "1" ? {} : { PortRange: { From: r.ports[0], To: r.ports[1] } }),
        })),
    );
const finalRule = (egress: boolean): Ec2NetworkAclEntry => ({ RuleNumber: FINAL_RULE, Protocol: "-1", RuleAction: "deny", Egress: egress, CidrBlock: "0.0.0.0/0" });
/** Entries in any order: AWS sorts them, but the rule number is what counts. */
const aclEntriesArb = fc
    .tuple(aclSideArb(true), aclSideArb(false))
    .chain(([out, back]) => fc.shuffledSubarray([...out, ...back, finalRule(true), finalRule(false)], { minLength: out.length + back.length + 2 }));

/** Destination ranges, each holding some of ADDRESSES (and so some of the CIDRs cut from them), or none. */
const DESTINATION_CIDRS = ["52.219.204.0/22", "52.219.204.0/24", "10.0.0.0/16", "10.0.0.0/20", "52.0.0.0/8", "198.51.100.0/24"];
const destinationArb = fc.oneof(fc.constantFrom(...ADDRESSES), fc.constantFrom(...DESTINATION_CIDRS));

const caseArb: fc.Arbitrary<Case> = fc.record({
    dst: destinationArb,
    port: fc.constantFrom(443, 80),
    protocol: fc.constantFrom(6, 17),
    clientPorts: fc.constantFrom<readonly [number, number]>([32768, 60999], [1024, 65535], [49152, 65535]),
    publicIp: fc.boolean(),
    mainRoutes: routesArb,
    subnetRoutes: fc.option(routesArb, { nil: undefined }),
    groups: groupsArb,
    sgPrefixListEntries: fc.uniqueArray(cidrArb, { minLength: 1, maxLength: 3 }),
    aclEntries: aclEntriesArb,
});

/** The same case with a route table built to test route selection: several routes that match the destination. */
const routeSelectionCaseArb: fc.Arbitrary<Case> = fc
    .record({
        dst: fc.constantFrom(...ADDRESSES),
        statics: fc.uniqueArray(fc.tuple(fc.constantFrom(...PREFIXES), targetArb), { maxLength: 4, selector: ([p]) => p }),
        propagated: fc.uniqueArray(fc.constantFrom(...PREFIXES), { maxLength: 3 }),
        prefixList: fc.option(fc.tuple(fc.uniqueArray(fc.constantFrom(...PREFIXES), { minLength: 1, maxLength: 3 }), targetArb), { nil: undefined }),
    })
    .map(({ dst, statics, propagated, prefixList }) => {
        const routes: ModelRoute[] = [];
        for (const [p, target] of statics) routes.push({ origin: "static", destination: networkOf(dst, p), cidrs: [networkOf(dst, p)], target });
        for (const p of propagated) routes.push({ origin: "propagated", destination: networkOf(dst, p), cidrs: [networkOf(dst, p)], target: { kind: "vgw" } });
        if (prefixList) routes.push({ origin: "prefix-list", destination: hexId("pl", 0xa0), cidrs: prefixList[0].map((p) => networkOf(dst, p)), target: prefixList[1] });
        const allowAll = (egress: boolean): Ec2NetworkAclEntry => ({ RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: egress, CidrBlock: "0.0.0.0/0" });
        return {
            dst,
            port: 443,
            protocol: 6,
            clientPorts: [32768, 60999] as const,
            publicIp: true,
            mainRoutes: routes,
            groups: [{ GroupId: hexId("sg", 0x51), GroupName: "workload", VpcId: VPC, IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }],
            sgPrefixListEntries: [],
            aclEntries: [allowAll(true), allowAll(false), finalRule(true), finalRule(false)],
        };
    });

/**
 * A destination range with routes, security group and ACL rules for parts of it: more specific
 * routes cut from addresses inside it (a blackhole /24 in a /22 that a working route covers, a
 * prefix list with an entry inside it), rules that allow or deny only part of it.
 */
const partialRangeCaseArb: fc.Arbitrary<Case> = fc
    .record({
        dst: fc.constantFrom("52.219.204.0/22", "10.0.0.0/16", "52.0.0.0/8"),
        cover: fc.option(targetArb, { nil: undefined }),
        base: caseArb,
    })
    .map(({ dst, cover, base }) => {
        // A route for the whole range (or a wider one), so that the narrower routes are the exception.
        const widest = cover === undefined ? [] : [{ origin: "static" as const, destination: "0.0.0.0/0", cidrs: ["0.0.0.0/0"], target: cover }];
        const routes = [...widest, ...base.mainRoutes.filter((r) => !(cover !== undefined && r.origin === "static" && r.destination === "0.0.0.0/0"))];
        return { ...base, dst, mainRoutes: routes };
    });

// ---------------------------------------------------------------- the property

function evaluatorAnswer(c: Case): ModelAnswer {
    const r = evaluateConfiguration(documents(c), ENI, {
        dst: AddressSet.parse(c.dst, "--dst"),
        port: c.port,
        protocol: c.protocol,
        clientPorts: c.clientPorts,
    });
    const groupIds = c.groups.map((g) => g.GroupId);
    const culprits = r.culprits
        .filter((k) => k.effect !== "may-deny")
        .map((k) => {
            if (k.kind !== "security-group") return `${k.kind} ${k.direction} ${k.id} ${k.rule}`;
            expect(groupIds, "the security group a culprit names").to.include(k.id);
            return `${k.kind} ${k.direction} <one of the interface's groups> ${k.rule}`;
        });
    return { verdict: r.verdict, path: r.path, culprits: culprits.sort(), splitPaths: r.notes.some((n) => n.startsWith(`Parts of ${c.dst} take different paths: `)) };
}

function agrees(c: Case): void {
    const expected = model(c);
    fc.pre(expected !== "ambiguous");
    const actual = evaluatorAnswer(c);
    // The whole of both answers in the message: chai would shorten them to `{ …(3) }`.
    expect(actual, `evaluator ${JSON.stringify(actual)}, model ${JSON.stringify(expected)}`).to.deep.equal(expected);
}

/** Fixed seeds: the same cases every run. */
const SETTINGS = { seed: 0x18c0f1, numRuns: 300 };

describe("configuration check against a reference model of AWS's documented rules (fast-check)", () => {
    it("route tables, security groups and network ACLs: the same verdict, path and culprits", () => {
        fc.assert(fc.property(caseArb, agrees), SETTINGS);
    });

    it("route selection: longest prefix, then static over prefix list over propagated", () => {
        fc.assert(fc.property(routeSelectionCaseArb, agrees), { seed: 0x18c0f2, numRuns: 300 });
    });

    it("destination ranges that narrower routes, prefix-list entries and rules govern only in part: answered for every part", () => {
        fc.assert(fc.property(partialRangeCaseArb, agrees), { seed: 0x18c0f3, numRuns: 300 });
    });

    it("the range generators reach ranges whose parts take different paths, and ranges blocked in part only", () => {
        let splitPaths = 0;
        let blockedInPart = 0;
        for (const c of [...fc.sample(caseArb, { seed: SETTINGS.seed, numRuns: SETTINGS.numRuns }), ...fc.sample(partialRangeCaseArb, { seed: 0x18c0f3, numRuns: 300 })]) {
            const answers = sampleAddresses(c).map((address) => modelAt({ ...c, dst: address }));
            if (answers.includes("ambiguous")) continue;
            const known = answers as ModelAnswer[];
            if (new Set(known.map((a) => a.path)).size > 1) splitPaths++;
            if (known.some((a) => a.culprits.some((k) => k.startsWith("route-table"))) && known.some((a) => !a.culprits.some((k) => k.startsWith("route-table")))) blockedInPart++;
        }
        expect(splitPaths, "cases whose addresses take different paths").to.be.greaterThan(100);
        expect(blockedInPart, "cases whose route blocks some addresses and not others").to.be.greaterThan(50);
    });

    it("the generators reach every verdict, path and culprit kind the model names (so the properties are not vacuous)", () => {
        const verdicts = new Set<string>();
        const paths = new Set<string>();
        const kinds = new Set<string>();
        const ties = new Set<string>();
        const sample = [...fc.sample(caseArb, { seed: SETTINGS.seed, numRuns: SETTINGS.numRuns }), ...fc.sample(routeSelectionCaseArb, { seed: 0x18c0f2, numRuns: 300 })];
        for (const c of sample) {
            const m = model(c);
            if (m === "ambiguous") continue;
            verdicts.add(m.verdict);
            paths.add(m.path);
            for (const k of m.culprits) kinds.add(k.split(" ").slice(0, 2).join(" "));
            // Which documented tie-break decided: two matching routes of the selected prefix length and different origins.
            const routes = c.subnetRoutes ?? c.mainRoutes;
            const matching = routes.flatMap((r) => r.cidrs.filter((x) => inCidr(x, c.dst)).map((x) => ({ origin: r.origin, prefix: prefixOf(x) })));
            const longest = Math.max(-1, ...matching.map((x) => x.prefix));
            const origins = [...new Set(matching.filter((x) => x.prefix === longest).map((x) => x.origin))].sort();
            if (origins.length > 1) ties.add(origins.join("+"));
        }
        expect([...verdicts].sort()).to.deep.equal(["inconclusive", "nacl-return-path", "network-ok", "routing", "security-group-or-nacl"]);
        expect([...paths].sort()).to.deep.equal(["internet-gateway", "local", "nat-gateway", "none", "other", "transit-gateway"]);
        expect([...kinds].sort()).to.deep.equal(["network-acl inbound", "network-acl outbound", "public-ip outbound", "route-table outbound", "security-group outbound"]);
        expect([...ties].sort()).to.deep.equal(["prefix-list+propagated", "prefix-list+propagated+static", "prefix-list+static", "propagated+static"]);
    });
});

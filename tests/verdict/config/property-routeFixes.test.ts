/**
 * The route fixes the configuration check proposes, applied: whatever routes the workload's subnet
 * and its NAT gateway's subnet hold, each concrete `create-route`, `replace-route`, `delete-route`,
 * `modify-vpc-endpoint --add-route-table-ids` and `create-vpc-endpoint --route-table-ids` the answer
 * gives must be one EC2 accepts, and once they are applied no routing culprit may remain on a table
 * they changed (unless it was there before with a fix that names a value only the user can choose),
 * and no public-address culprit may appear that was not there before. Fixes with a `<...>` placeholder
 * cannot be applied: they are counted and checked for form only. The route choice (routes.ts) and the
 * texts that propose the fixes (evaluate.ts) are separate code: this holds them against each other.
 * Fixes are applied in rounds (at most three): a deleted route can reveal the next broken route, whose
 * fix the next round applies; a finding whose fix was applied must never come back.
 *
 * Found by it: an IPv6 destination in a table with an S3 gateway endpoint was called "a bucket in
 * another region" and given a 0.0.0.0/0 route; a peering route narrower than the S3 list's entry got
 * a gateway endpoint as its fix, whose prefix-list route loses to it (longest prefix match); a
 * blackhole route to a deleted internet gateway from an ENI without a public address was pointed at
 * another gateway without saying the address is missing; a blackhole route that was the only one for
 * the destination was deleted (leaving no route), and an IPv6 one was pointed at a NAT gateway.
 *
 * EC2 API reference, CreateRoute: exactly one destination (an IPv4 CIDR, an IPv6 CIDR or a prefix
 * list) and exactly one target; NatGatewayId is for IPv4 traffic only, EgressOnlyInternetGatewayId for
 * IPv6 traffic only; a route whose destination the table already holds is refused (RouteAlreadyExists).
 * ReplaceRoute / DeleteRoute: the destination "must match the CIDR of an existing route in the table"
 * (else InvalidRoute.NotFound). An internet gateway is a target only for the VPC it is attached to.
 * ModifyVpcEndpoint AddRouteTableIds / CreateVpcEndpoint RouteTableIds: "A route is automatically added
 * to each of the route tables with a destination that specifies the prefix list ID of the service"
 * (VPC user guide, routing for gateway endpoints). A table that already holds a route for that prefix
 * list would then hold two routes with one destination, which a route table never does (CreateRoute:
 * RouteAlreadyExists); that EC2 refuses the association alike is this test's assumption, not a quote.
 */
import { expect } from "chai";
import fc from "fast-check";
import { AddressSet } from "../../../analysis/core/ip";
import { Culprit, evaluateConfiguration } from "../../../analysis/verdict/config/evaluate";
import { Ec2Documents, Ec2NatGateway, Ec2Route, Ec2RouteTable, Ec2VpcEndpoint, Ec2VpcPeeringConnection } from "../../../analysis/verdict/config/ec2Documents";
import { ENI, IGW, PUBLIC_RTB, PUBLIC_SUBNET, PUBLIC_SUBNET_C, RTB, S3_LIST, S3_SERVICE, VPC, natGateway, natInterface, workloadEni, world } from "../../helpers/gatewayWorld";

const NAT_A = "nat-0aaaaaaaaaaaaaaa1";
const NAT_C = "nat-0ccccccccccccccc3";
const NAT_GONE = "nat-0dddddddddddddd04";
const NAT_PENDING = "nat-0eeeeeeeeeeeeee05";
const NAT_MISSING = "nat-0fffffffffffffff6";
const GONE_IGW = "igw-0deaddeaddeaddead";
const OTHER_IGW = "igw-0aaaabbbbccccdddd";
const OTHER_VPC = "vpc-0ffee00000000000a";
const EIGW = "eigw-0a1b2c3d4e5f60789";
const VPCE = "vpce-0a1b2c3d4e5f60789";
const PCX_ACTIVE = "pcx-0a0a0a0a0a0a0a0a1";
const PCX_PENDING = "pcx-0b0b0b0b0b0b0b0b2";
const PCX_DELETED = "pcx-0c0c0c0c0c0c0c0c3";
const PEER_VPC = "vpc-0beef00000000000b";
const NAT_A_DOC = natGateway(NAT_A, PUBLIC_SUBNET, "10.0.0.90");
const NAT_C_DOC = natGateway(NAT_C, PUBLIC_SUBNET_C, "10.0.2.90");
const S3_ENDPOINT: Ec2VpcEndpoint = { VpcEndpointId: VPCE, VpcEndpointType: "Gateway", VpcId: VPC, ServiceName: S3_SERVICE, State: "available", RouteTableIds: [RTB] };

/** A route target, with the state EC2 shows for a route to it. */
type Target = { field: keyof Ec2Route; id: string; state: "active" | "blackhole"; family: 4 | 6 | "any" | "pl" };
const TARGETS: Target[] = [
    { field: "GatewayId", id: IGW, state: "active", family: "any" },
    { field: "GatewayId", id: GONE_IGW, state: "blackhole", family: "any" },
    { field: "NatGatewayId", id: NAT_A, state: "active", family: 4 },
    { field: "NatGatewayId", id: NAT_C, state: "active", family: 4 },
    { field: "NatGatewayId", id: NAT_GONE, state: "blackhole", family: 4 },
    { field: "NatGatewayId", id: NAT_PENDING, state: "active", family: 4 },
    { field: "NatGatewayId", id: NAT_MISSING, state: "blackhole", family: 4 },
    { field: "VpcPeeringConnectionId", id: PCX_ACTIVE, state: "active", family: "any" },
    { field: "VpcPeeringConnectionId", id: PCX_PENDING, state: "blackhole", family: "any" },
    { field: "VpcPeeringConnectionId", id: PCX_DELETED, state: "blackhole", family: "any" },
    { field: "NetworkInterfaceId", id: "eni-0deadbeef00000001", state: "blackhole", family: "any" },
    { field: "EgressOnlyInternetGatewayId", id: EIGW, state: "active", family: 6 },
    { field: "GatewayId", id: VPCE, state: "active", family: "pl" },
];
const DESTINATIONS = ["0.0.0.0/0", "203.0.113.0/24", "52.219.204.0/24", "52.219.0.0/16", "10.20.0.0/16", S3_LIST, "::/0", "2001:db8::/32"];

function familyOf(destination: string): 4 | 6 | "pl" {
    return destination.startsWith("pl-") ? "pl" : destination.includes(":") ? 6 : 4;
}

function route(destination: string, target: Target): Ec2Route {
    const family = familyOf(destination);
    const dest = family === "pl" ? { DestinationPrefixListId: destination } : family === 6 ? { DestinationIpv6CidrBlock: destination } : { DestinationCidrBlock: destination };
    return { ...dest, [target.field]: target.id, Origin: "CreateRoute", State: target.state };
}

/** Routes EC2 could hold: one per destination, targets of the destination's family. */
const routesArb = (maxLength: number) =>
    fc
        .uniqueArray(
            fc.constantFrom(...DESTINATIONS).chain((d) =>
                fc.constantFrom(...TARGETS.filter((t) => (familyOf(d) === "pl" ? t.family === "pl" : t.family === "any" || t.family === familyOf(d)))).map((t) => ({ d, t })),
            ),
            { maxLength, selector: (r) => r.d },
        )
        .map((rs) => rs.map((r) => route(r.d, r.t)));

const worldArb = fc.record({
    workload: routesArb(4),
    /** The NAT gateway A's subnet: its default route to the internet gateway, or something else. */
    publicRoutes: fc.oneof(fc.constant(null), routesArb(2)),
    natA: fc.boolean(),
    natC: fc.boolean(),
    /** The internet gateway attached to this VPC, to another VPC, or another one attached here too. */
    igw: fc.constantFrom("here", "here", "elsewhere", "elsewhere+other"),
    endpoint: fc.constantFrom("none", "available", "available+policy"),
    publicIp: fc.boolean(),
});

type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

const peering = (id: string, Code: string): Ec2VpcPeeringConnection => ({
    VpcPeeringConnectionId: id,
    RequesterVpcInfo: { VpcId: VPC, OwnerId: "111122223333", Region: "ap-northeast-2", CidrBlock: "10.0.0.0/16" },
    AccepterVpcInfo: { VpcId: PEER_VPC, OwnerId: "111122223333", Region: "ap-northeast-2", ...(Code === "active" ? { CidrBlock: "10.20.0.0/16", CidrBlockSet: [{ CidrBlock: "10.20.0.0/16" }] } : {}) },
    Status: { Code },
});

function docsOf(w: World): Ec2Documents {
    const nats: Ec2NatGateway[] = [
        ...(w.natA ? [NAT_A_DOC] : []),
        ...(w.natC ? [NAT_C_DOC] : []),
        natGateway(NAT_GONE, PUBLIC_SUBNET, "10.0.0.91", { State: "deleted" }),
        natGateway(NAT_PENDING, PUBLIC_SUBNET, "10.0.0.92", { State: "pending" }),
    ];
    const base = world({ workloadRoutes: w.workload, natGateways: nats, interfaces: nats.map(natInterface) });
    const local: Ec2Route = { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" };
    const routeTables = base.routeTables.map((t) => (t.RouteTableId === PUBLIC_RTB && w.publicRoutes !== null ? { ...t, Routes: [local, ...w.publicRoutes] } : t));
    const endpointTables = routeTables.filter((t) => (t.Routes ?? []).some((r) => r.GatewayId === VPCE)).map((t) => t.RouteTableId as string);
    const endpoints: Ec2VpcEndpoint[] =
        w.endpoint === "none"
            ? []
            : [{ VpcEndpointId: VPCE, VpcEndpointType: "Gateway", VpcId: VPC, ServiceName: S3_SERVICE, State: "available", RouteTableIds: endpointTables, ...(w.endpoint === "available+policy" ? { PolicyDocument: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}' } : {}) }];
    const internetGateways =
        w.igw === "here"
            ? base.internetGateways
            : [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: OTHER_VPC }] }, ...(w.igw === "elsewhere+other" ? [{ InternetGatewayId: OTHER_IGW, Attachments: [{ State: "available", VpcId: VPC }] }] : [])];
    const eni = w.publicIp ? { ...workloadEni, Association: { PublicIp: "3.38.11.25" }, Ipv6Addresses: [{ Ipv6Address: "2001:db8:1::25" }] } : workloadEni;
    return {
        ...base,
        networkInterfaces: [eni, ...base.networkInterfaces.slice(1)],
        routeTables,
        vpcEndpoints: endpoints,
        internetGateways,
        vpcPeeringConnections: [peering(PCX_ACTIVE, "active"), peering(PCX_PENDING, "pending-acceptance"), peering(PCX_DELETED, "deleted")],
    };
}

const DSTS = ["203.0.113.10", "52.219.204.42", "52.219.204.0/23", "10.20.1.5", "2001:db8::10", "198.51.100.0/24", "203.0.113.10,52.219.204.42"];

function answer(docs: Ec2Documents, dst: string) {
    return evaluateConfiguration(docs, ENI, { dst: AddressSet.parse(dst, "--dst"), port: 443, protocol: 6 });
}

const ROUTING: readonly string[] = ["route-table", "nat-gateway", "internet-gateway", "vpc-endpoint", "vpc-peering-connection"];
const ROUTE_VERBS = ["create-route", "replace-route", "delete-route", "modify-vpc-endpoint", "create-vpc-endpoint"];
const DEST_FLAGS: Record<string, keyof Ec2Route> = {
    "--destination-cidr-block": "DestinationCidrBlock",
    "--destination-ipv6-cidr-block": "DestinationIpv6CidrBlock",
    "--destination-prefix-list-id": "DestinationPrefixListId",
};
const TARGET_FLAGS: Record<string, keyof Ec2Route> = {
    "--gateway-id": "GatewayId",
    "--nat-gateway-id": "NatGatewayId",
    "--egress-only-internet-gateway-id": "EgressOnlyInternetGatewayId",
    "--vpc-peering-connection-id": "VpcPeeringConnectionId",
};

/** `aws ec2 <verb> --flag value ...` into the verb and its flags; each flag once. */
function parse(command: string): { verb: string; flags: Record<string, string> } {
    const words = command.split(" ");
    expect(words.slice(0, 2), command).to.deep.equal(["aws", "ec2"]);
    const flags: Record<string, string> = {};
    for (let i = 3; i < words.length; i += 2) {
        expect(words[i], command).to.match(/^--[a-z0-9-]+$/);
        expect(flags, `${command}: ${words[i]} twice`).not.to.have.property(words[i]);
        flags[words[i]] = words[i + 1];
    }
    return { verb: words[2], flags };
}

/** The one destination and the one target a create-route / replace-route names (CreateRoute: exactly one of each). */
function destinationAndTarget(command: string, flags: Record<string, string>, targetCount = 1) {
    const dests = Object.keys(flags).filter((f) => f in DEST_FLAGS);
    const targets = Object.keys(flags).filter((f) => f in TARGET_FLAGS);
    const others = Object.keys(flags).filter((f) => !(f in DEST_FLAGS) && !(f in TARGET_FLAGS) && f !== "--route-table-id");
    expect({ dests: dests.length, targets: targets.length, others }, command).to.deep.equal({ dests: 1, targets: targetCount, others: [] });
    // The value is of the flag's kind: an IPv4 CIDR, an IPv6 CIDR, a prefix list id.
    const kind = (v: string) => (v.startsWith("pl-") ? "--destination-prefix-list-id" : v.includes(":") ? "--destination-ipv6-cidr-block" : "--destination-cidr-block");
    expect(kind(flags[dests[0]]), command).to.equal(dests[0]);
    return { destField: DEST_FLAGS[dests[0]], destination: flags[dests[0]], targetField: targets[0] ? TARGET_FLAGS[targets[0]] : undefined, target: targets[0] ? flags[targets[0]] : undefined };
}

const hasPlaceholder = (command: string) => /<[^>]+>/.test(command);

/** The command applied as EC2 would, refusing what EC2 refuses. */
function apply(docs: Ec2Documents, command: string): Ec2Documents {
    const { verb, flags } = parse(command);
    if (verb === "modify-vpc-endpoint" || verb === "create-vpc-endpoint") {
        const tableId = verb === "modify-vpc-endpoint" ? flags["--add-route-table-ids"] : flags["--route-table-ids"];
        let endpoint: Ec2VpcEndpoint;
        if (verb === "modify-vpc-endpoint") {
            endpoint = docs.vpcEndpoints.find((e) => e.VpcEndpointId === flags["--vpc-endpoint-id"]) as Ec2VpcEndpoint;
            expect(endpoint, `${command}: InvalidVpcEndpointId.NotFound`).not.to.equal(undefined);
        } else {
            expect(flags, command).to.deep.equal({ "--vpc-id": VPC, "--vpc-endpoint-type": "Gateway", "--service-name": flags["--service-name"], "--route-table-ids": tableId });
            endpoint = { VpcEndpointId: "vpce-0new0new0new0new0", VpcEndpointType: "Gateway", VpcId: VPC, ServiceName: flags["--service-name"], State: "available", RouteTableIds: [] };
        }
        const list = docs.prefixLists.find((p) => p.PrefixListName === endpoint.ServiceName)?.PrefixListId;
        expect(list, `${command}: the service's prefix list`).not.to.equal(undefined);
        const table = docs.routeTables.find((t) => t.RouteTableId === tableId);
        expect(table, `${command}: InvalidRouteTableID.NotFound`).not.to.equal(undefined);
        expect((table as Ec2RouteTable).Routes?.map((r) => r.DestinationPrefixListId), `${command}: ${tableId} already routes ${list}`).not.to.include(list);
        const added: Ec2Route = { DestinationPrefixListId: list, GatewayId: endpoint.VpcEndpointId, Origin: "CreateRoute", State: "active" };
        return {
            ...docs,
            vpcEndpoints: [...docs.vpcEndpoints.filter((e) => e.VpcEndpointId !== endpoint.VpcEndpointId), { ...endpoint, RouteTableIds: [...(endpoint.RouteTableIds ?? []), tableId] }],
            routeTables: docs.routeTables.map((t) => (t.RouteTableId === tableId ? { ...t, Routes: [...(t.Routes ?? []), added] } : t)),
        };
    }
    expect(["create-route", "replace-route", "delete-route"], command).to.include(verb);
    const tableId = flags["--route-table-id"];
    const table = docs.routeTables.find((t) => t.RouteTableId === tableId);
    expect(table, `${command}: InvalidRouteTableID.NotFound`).not.to.equal(undefined);
    const { destField, destination, targetField, target } = destinationAndTarget(command, flags, verb === "delete-route" ? 0 : 1);
    const existing = ((table as Ec2RouteTable).Routes ?? []).find((r) => r[destField] === destination);
    if (verb === "create-route") expect(existing, `${command}: RouteAlreadyExists`).to.equal(undefined);
    else expect(existing, `${command}: InvalidRoute.NotFound`).not.to.equal(undefined);
    if (verb === "delete-route") {
        return { ...docs, routeTables: docs.routeTables.map((t) => (t === table ? { ...t, Routes: (t.Routes ?? []).filter((r) => r !== existing) } : t)) };
    }
    expect(targetField, `${command}: a target`).not.to.equal(undefined);
    const family = destField === "DestinationIpv6CidrBlock" ? 6 : 4;
    // NatGatewayId: IPv4 traffic only; EgressOnlyInternetGatewayId: IPv6 traffic only.
    if (targetField === "NatGatewayId") {
        expect(family, `${command}: a NAT gateway takes IPv4 traffic only`).to.equal(4);
        const nat = docs.natGateways.find((n) => n.NatGatewayId === target);
        expect(nat?.VpcId, `${command}: InvalidNatGatewayID.NotFound`).to.equal(VPC);
    }
    if (targetField === "EgressOnlyInternetGatewayId") expect(family, `${command}: egress-only gateways take IPv6 traffic only`).to.equal(6);
    if (targetField === "GatewayId") {
        const igw = docs.internetGateways.find((g) => g.InternetGatewayId === target);
        expect(igw?.Attachments?.some((a) => a.VpcId === VPC), `${command}: ${target} is not attached to ${VPC}`).to.equal(true);
    }
    if (targetField === "VpcPeeringConnectionId") expect(docs.vpcPeeringConnections.map((p) => p.VpcPeeringConnectionId), command).to.include(target);
    const added: Ec2Route = { [destField]: destination, [targetField as string]: target, Origin: "CreateRoute", State: "active" };
    return {
        ...docs,
        routeTables: docs.routeTables.map((t) => (t === table ? { ...t, Routes: [...(t.Routes ?? []).filter((r) => r !== existing), added] } : t)),
    };
}

/** The route table a routing culprit is about: its id, the one its fix changes, or the one its rule names. */
function tableOf(c: Culprit): string | undefined {
    if (c.kind === "route-table") return c.id;
    return /--(?:add-)?route-table-ids? (rtb-[0-9a-f]+)/.exec(c.fix)?.[1] ?? /^route in (rtb-[0-9a-f]+)$/.exec(c.rule)?.[1] ?? /^(rtb-[0-9a-f]+) sends/.exec(c.reason)?.[1];
}

const sameFinding = (a: Culprit, b: Culprit) => a.kind === b.kind && a.id === b.id && a.rule === b.rule;

const seen = { applied: new Set<string>(), placeholders: 0, other: new Set<string>(), laterRounds: 0 };

/** The route command a fix is, when it can be applied; placeholders are checked for form and counted. */
function applicable(fix: string): string | undefined {
    if (hasPlaceholder(fix)) {
        seen.placeholders++;
        // Well-formed: each placeholder closed, and with a value in each, the flags parse.
        expect(fix.split("<").length, fix).to.equal(fix.split(">").length);
        const { verb, flags } = parse(fix.replace(/<[^>]+>/g, "VALUE"));
        if (verb === "create-route" || verb === "replace-route") {
            expect(flags["--route-table-id"], fix).to.match(/^rtb-[0-9a-f]+$/);
            destinationAndTarget(fix, flags);
        }
        return undefined;
    }
    const { verb } = parse(fix);
    if (ROUTE_VERBS.includes(verb)) return verb;
    seen.other.add(verb);
    return undefined;
}

const destinationOf = (r: Ec2Route) => r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId;

/** The culprit is about a route of its table that is in the original documents and no fix changed. */
function aboutUntouchedRoute(c: Culprit, original: Ec2Documents, now: Ec2Documents): boolean {
    const table = tableOf(c);
    const routes = original.routeTables.find((t) => t.RouteTableId === table)?.Routes ?? [];
    const current = now.routeTables.find((t) => t.RouteTableId === table)?.Routes ?? [];
    const untouched = routes.filter((r) => current.includes(r));
    if (c.kind === "internet-gateway") return untouched.some((r) => r.GatewayId === c.id);
    return untouched.some((r) => c.rule.startsWith(`${destinationOf(r)} -> `));
}

describe("route fixes, applied (property)", () => {
    it("every concrete route fix is accepted, and together they leave no routing culprit on the tables they change", () => {
        fc.assert(
            fc.property(worldArb, fc.constantFrom(...DSTS), (w, dst) => {
                const original = docsOf(w);
                let docs = original;
                const first = answer(docs, dst).culprits.filter((c) => c.effect !== "may-deny");
                const fixed: Culprit[] = [];
                const notApplied: Culprit[] = [];
                const changed = new Set<string>();
                let pending = first;
                for (let round = 1; ; round++) {
                    const applied: Culprit[] = [];
                    for (const c of pending) {
                        // A finding whose fix was applied never comes back.
                        expect(fixed.some((f) => sameFinding(f, c)), `round ${round}: ${c.kind} ${c.id} ${c.rule} is back after ${c.fix}`).to.equal(false);
                        const verb = applicable(c.fix);
                        if (verb === undefined) {
                            if (round === 1) notApplied.push(c);
                            continue;
                        }
                        seen.applied.add(verb);
                        docs = apply(docs, c.fix);
                        applied.push(c);
                        const table = tableOf(c);
                        expect(table, c.fix).not.to.equal(undefined);
                        changed.add(table as string);
                    }
                    fixed.push(...applied);
                    if (applied.length === 0) break;
                    if (round > 1) seen.laterRounds++;
                    expect(round, "the fixes converge").to.be.below(4);
                    const previous = pending;
                    pending = answer(docs, dst).culprits.filter((c) => c.effect !== "may-deny");
                    // A fix that points the workload's route at an internet gateway must not leave it there
                    // without a public address unless the answer said so already (whatever gateway it named).
                    const newPublicIp = pending.filter((c) => c.kind === "public-ip" && !previous.some((b) => b.kind === c.kind && b.id === c.id));
                    if (applied.some((a) => /--gateway-id igw-/.test(a.fix))) expect(newPublicIp.map((c) => `${c.reason} | after ${applied.map((a) => a.fix).join("; ")}`)).to.deep.equal([]);
                }
                // What is left on a table a fix changed: a finding that was there from the start with a fix
                // not applied here (a placeholder, or not a route command), or one about a route nobody
                // touched that a deleted route revealed (the next round fixed what it could).
                const left = pending.filter((c) => ROUTING.includes(c.kind) && changed.has(tableOf(c) ?? "") && !notApplied.some((b) => sameFinding(b, c)) && !aboutUntouchedRoute(c, original, docs));
                expect(left.map((c) => `${c.kind} ${c.id} ${c.rule}: ${c.reason} | ${c.fix}`)).to.deep.equal([]);
            }),
            { seed: 53, numRuns: 1000 },
        );
        // The generator reaches every kind of command (the seed is fixed, so this is exact).
        expect([...seen.applied].sort()).to.deep.equal([...ROUTE_VERBS].sort());
        expect(seen.laterRounds, "some fixes reveal the next problem").to.be.above(0);
        expect(seen.placeholders, "some fixes hold placeholders").to.be.above(0);
    });

    it("an IPv6 destination and an S3 gateway endpoint route: no route for it, fixed with ::/0 to an egress-only gateway (not a bucket in another region, not 0.0.0.0/0)", () => {
        const docs: Ec2Documents = { ...world({ workloadRoutes: [route(S3_LIST, TARGETS[12])] }), vpcEndpoints: [S3_ENDPOINT] };
        const a = answer(docs, "2001:db8::10");
        expect([a.verdict, a.path]).to.deep.equal(["routing", "none"]);
        expect(a.culprits).to.deep.equal([
            {
                kind: "route-table",
                id: "rtb-0aa11bb22cc33dd44",
                direction: "outbound",
                rule: "(no route)",
                reason: "rtb-0aa11bb22cc33dd44 (subnet-0c1d2e3f4a5b6c7d8's route table) has no route that matches 2001:db8::10: no egress-only internet gateway, internet gateway or endpoint route, so the packets have nowhere to go.",
                fix: "aws ec2 create-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id <eigw-id>",
                hint: "aws.ec2.Route(..., { destinationIpv6CidrBlock: \"::/0\", egressOnlyGatewayId })",
                effect: "drops-request",
                hop: "workload",
            },
        ]);
    });

    it("a peering route narrower than the S3 list's entry: a gateway endpoint would lose to it, so the fix points the route at the available NAT gateway", () => {
        const docs: Ec2Documents = { ...world({ workloadRoutes: [route("52.219.204.0/24", TARGETS[7])], natGateways: [NAT_A_DOC], interfaces: [natInterface(NAT_A_DOC)] }), vpcPeeringConnections: [peering(PCX_ACTIVE, "active")] };
        const a = answer(docs, "52.219.204.42");
        expect([a.verdict, a.path]).to.deep.equal(["routing", "peering"]);
        expect(a.culprits).to.deep.equal([
            {
                kind: "route-table",
                id: "rtb-0aa11bb22cc33dd44",
                direction: "outbound",
                rule: "52.219.204.0/24 -> pcx-0a0a0a0a0a0a0a0a1",
                reason: "rtb-0aa11bb22cc33dd44 sends 52.219.204.42 to peering connection pcx-0a0a0a0a0a0a0a0a1, but 52.219.204.42 is outside vpc-0beef00000000000b (10.20.0.0/16): a peering connection carries only traffic to the peer VPC's own addresses; AWS does not route beyond it, so the peer's internet gateway, NAT device or gateway endpoint cannot be used (VPC peering guide, edge to edge routing). Route it through vpc-0a1b2c3d4e5f60789's own NAT gateway: Route to nat-0aaaaaaaaaaaaaaa1, available in ap-northeast-2a like eni-0a1b2c3d4e5f60718.",
                fix: "aws ec2 replace-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 52.219.204.0/24 --nat-gateway-id nat-0aaaaaaaaaaaaaaa1",
                hint: "awsx.ec2.Vpc natGateways, or aws.ec2.NatGateway in a public subnet and aws.ec2.Route to it",
                effect: "drops-request",
                hop: "workload",
            },
        ]);
    });

    it("the same with the endpoint already on the table: adding the table to it again changes nothing, so the fix is a NAT gateway (to create)", () => {
        const docs: Ec2Documents = { ...world({ workloadRoutes: [route("52.219.204.0/24", TARGETS[7]), route(S3_LIST, TARGETS[12])] }), vpcPeeringConnections: [peering(PCX_ACTIVE, "active")], vpcEndpoints: [S3_ENDPOINT] };
        const a = answer(docs, "52.219.204.42");
        expect([a.verdict, a.path]).to.deep.equal(["routing", "peering"]);
        expect(a.culprits).to.deep.equal([
            {
                kind: "route-table",
                id: "rtb-0aa11bb22cc33dd44",
                direction: "outbound",
                rule: "52.219.204.0/24 -> pcx-0a0a0a0a0a0a0a0a1",
                reason: "rtb-0aa11bb22cc33dd44 sends 52.219.204.42 to peering connection pcx-0a0a0a0a0a0a0a0a1, but 52.219.204.42 is outside vpc-0beef00000000000b (10.20.0.0/16): a peering connection carries only traffic to the peer VPC's own addresses; AWS does not route beyond it, so the peer's internet gateway, NAT device or gateway endpoint cannot be used (VPC peering guide, edge to edge routing). Route it through a NAT gateway of vpc-0a1b2c3d4e5f60789 itself. Create one in ap-northeast-2a first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>.",
                fix: "aws ec2 replace-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 52.219.204.0/24 --nat-gateway-id <new-nat-gateway-id>",
                hint: "awsx.ec2.Vpc natGateways, or aws.ec2.NatGateway in a public subnet and aws.ec2.Route to it",
                effect: "drops-request",
                hop: "workload",
            },
        ]);
    });

    it("a blackhole route to a deleted internet gateway from an ENI without a public address: the route and the address, as for a detached gateway", () => {
        const docs: Ec2Documents = { ...world({ workloadRoutes: [route("0.0.0.0/0", TARGETS[1])] }), internetGateways: [{ InternetGatewayId: OTHER_IGW, Attachments: [{ State: "available", VpcId: VPC }] }] };
        const a = answer(docs, "203.0.113.10");
        expect([a.verdict, a.path]).to.deep.equal(["routing", "internet-gateway"]);
        expect(a.culprits).to.deep.equal([
            {
                kind: "public-ip",
                id: "eni-0a1b2c3d4e5f60718",
                direction: "outbound",
                rule: "0.0.0.0/0 -> igw-0deaddeaddeaddead",
                reason: "subnet-0c1d2e3f4a5b6c7d8 routes 203.0.113.10 to internet gateway igw-0deaddeaddeaddead, but eni-0a1b2c3d4e5f60718 has no public IPv4 address: the gateway only translates addresses that have one, so nothing comes back.",
                fix: "aws ec2 associate-address --network-interface-id eni-0a1b2c3d4e5f60718 --allocation-id <allocation-id from 'aws ec2 allocate-address --domain vpc'>",
                hint: "associatePublicIpAddress: true (aws.ec2.Instance) or assignPublicIp: true (ECS service), or move the workload to a private subnet with a NAT gateway or an S3 gateway endpoint",
                effect: "drops-request",
                hop: "workload",
            },
            {
                kind: "route-table",
                id: "rtb-0aa11bb22cc33dd44",
                direction: "outbound",
                rule: "0.0.0.0/0 -> igw-0deaddeaddeaddead (blackhole)",
                reason: "The route subnet-0c1d2e3f4a5b6c7d8 uses for 203.0.113.10 is 0.0.0.0/0 -> igw-0deaddeaddeaddead, and it is a blackhole: internet gateway igw-0deaddeaddeaddead no longer exists (describe-internet-gateways does not know it). vpc-0a1b2c3d4e5f60789 has igw-0aaaabbbbccccdddd attached: point the route at it.",
                fix: "aws ec2 replace-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 0.0.0.0/0 --gateway-id igw-0aaaabbbbccccdddd",
                hint: "aws.ec2.InternetGateway (with vpcId) and aws.ec2.Route to it",
                effect: "drops-request",
                hop: "workload",
            },
        ]);
    });

    it("a blackhole default route and nothing less specific: replaced (a NAT gateway to choose), not deleted, which would leave no route", () => {
        const docs = world({ workloadRoutes: [route("0.0.0.0/0", TARGETS[10])] });
        const a = answer(docs, "203.0.113.10");
        expect([a.verdict, a.path]).to.deep.equal(["routing", "other"]);
        expect(a.culprits).to.deep.equal([
            {
                kind: "route-table",
                id: "rtb-0aa11bb22cc33dd44",
                direction: "outbound",
                rule: "0.0.0.0/0 -> eni-0deadbeef00000001 (blackhole)",
                reason: "The route subnet-0c1d2e3f4a5b6c7d8 uses for 203.0.113.10 is 0.0.0.0/0 -> eni-0deadbeef00000001, and it is a blackhole: its target no longer exists (a deleted NAT gateway, a detached gateway, a terminated instance), so the packets are dropped.",
                fix: "aws ec2 replace-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <available-nat-gateway-id>",
                hint: "aws.ec2.Route(..., { routeTableId: \"rtb-0aa11bb22cc33dd44\", destinationCidrBlock: \"0.0.0.0/0\", natGatewayId: <a NAT gateway that exists> })",
                effect: "drops-request",
                hop: "workload",
            },
        ]);
    });

    it("an IPv6 blackhole route while a NAT gateway is available: an egress-only gateway, since a NAT gateway takes IPv4 traffic only", () => {
        const docs = world({ workloadRoutes: [route("::/0", TARGETS[10])], natGateways: [NAT_A_DOC], interfaces: [natInterface(NAT_A_DOC)] });
        const a = answer(docs, "2001:db8::10");
        expect([a.verdict, a.path]).to.deep.equal(["routing", "other"]);
        expect(a.culprits).to.deep.equal([
            {
                kind: "route-table",
                id: "rtb-0aa11bb22cc33dd44",
                direction: "outbound",
                rule: "::/0 -> eni-0deadbeef00000001 (blackhole)",
                reason: "The route subnet-0c1d2e3f4a5b6c7d8 uses for 2001:db8::10 is ::/0 -> eni-0deadbeef00000001, and it is a blackhole: its target no longer exists (a deleted NAT gateway, a detached gateway, a terminated instance), so the packets are dropped.",
                fix: "aws ec2 replace-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id <eigw-id>",
                hint: "aws.ec2.Route(..., { routeTableId: \"rtb-0aa11bb22cc33dd44\", destinationIpv6CidrBlock: \"::/0\", egressOnlyGatewayId: <an egress-only internet gateway> })",
                effect: "drops-request",
                hop: "workload",
            },
        ]);
    });

    it("a narrow blackhole route under a working default route: deleted, and the default route takes over", () => {
        const docs = world({ workloadRoutes: [route("0.0.0.0/0", TARGETS[0]), route("203.0.113.0/24", TARGETS[10])] });
        const a = answer(docs, "203.0.113.10");
        expect([a.verdict, a.path]).to.deep.equal(["routing", "other"]);
        expect(a.culprits).to.deep.equal([
            {
                kind: "route-table",
                id: "rtb-0aa11bb22cc33dd44",
                direction: "outbound",
                rule: "203.0.113.0/24 -> eni-0deadbeef00000001 (blackhole)",
                reason: "The route subnet-0c1d2e3f4a5b6c7d8 uses for 203.0.113.10 is 203.0.113.0/24 -> eni-0deadbeef00000001, and it is a blackhole: its target no longer exists (a deleted NAT gateway, a detached gateway, a terminated instance), so the packets are dropped.",
                fix: "aws ec2 delete-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 203.0.113.0/24",
                hint: "aws.ec2.Route(..., { routeTableId: \"rtb-0aa11bb22cc33dd44\", destinationCidrBlock: \"203.0.113.0/24\", natGatewayId: <a NAT gateway that exists> })",
                effect: "drops-request",
                hop: "workload",
            },
        ]);
    });
});

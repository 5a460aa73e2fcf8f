/**
 * Configuration-check answers (analysis/verdict/config/evaluate.ts) at the workload's gateways that
 * mutation testing found unpinned: routes to an internet gateway (public address, attachment, a
 * blackhole to a detached or deleted gateway), the "no route" culprit and the gateway it proposes,
 * NAT gateways (state, replacement in the workload's zone, the NAT gateway's own subnet: its route to
 * an internet gateway and its network ACL), and S3 gateway endpoints (state, policy). Each case is one
 * VPC (tests/helpers/gatewayWorld.ts) and the whole answer a user reads: path, verdict, every culprit
 * field, notes.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FIXTURES } from "../../helpers/configFixtures";
import { AddressSet } from "../../../analysis/core/ip";
import { ConfigQuery, Culprit, evaluateConfiguration, isDefaultEndpointPolicy } from "../../../analysis/verdict/config/evaluate";
import { Ec2Documents, Ec2NatGateway, Ec2NetworkAclEntry, Ec2NetworkInterface, Ec2Route, Ec2VpcEndpoint } from "../../../analysis/verdict/config/ec2Documents";
import {
    ENI,
    IGW,
    MAIN_RTB,
    PUBLIC_RTB,
    PUBLIC_SUBNET,
    PUBLIC_SUBNET_C,
    RTB,
    S3_IP,
    S3_LIST,
    S3_SERVICE,
    SUBNET,
    VPC,
    natGateway,
    natInterface,
    workloadEni,
    world,
} from "../../helpers/gatewayWorld";

/** AWS's default endpoint policy, as the PrivateLink guide prints it (provenance in the fixture folder's README.md). */
const DEFAULT_ENDPOINT_POLICY = readFileSync(join(CONFIG_FIXTURES, "..", "endpoint-policy", "aws-default-endpoint-policy.json"), "utf8");
/** An internet address (TEST-NET-3, RFC 5737): no prefix list holds it. */
const INET = "203.0.113.10";
const OTHER_VPC = "vpc-0ffee00000000000a";
const OTHER_IGW = "igw-0aaaabbbbccccdddd";
const PUBLIC_IP = { PublicIp: "3.38.11.25" };

function answer(docs: Ec2Documents, dst: string, more: Partial<ConfigQuery> = {}) {
    const r = evaluateConfiguration(docs, ENI, { dst: AddressSet.parse(dst, "--dst"), port: 443, protocol: 6, ...more });
    return { path: r.path, verdict: r.verdict, culprits: r.culprits, notes: r.notes, consistentFlowVerdicts: r.consistentFlowVerdicts };
}

/** A culprit on the workload's side that drops the requests, the common case. */
function culprit(c: Pick<Culprit, "kind" | "id" | "rule" | "reason" | "fix" | "hint"> & Partial<Culprit>): Culprit {
    return { kind: c.kind, id: c.id, direction: c.direction ?? "outbound", rule: c.rule, reason: c.reason, fix: c.fix, hint: c.hint, effect: c.effect ?? "drops-request", hop: c.hop ?? "workload" };
}

const routing = (path: string, culprits: Culprit[], notes: string[] = []) => ({ path, verdict: "routing", culprits, notes, consistentFlowVerdicts: ["routing"] });
const ok = (path: string, notes: string[] = []) => ({ path, verdict: "network-ok", culprits: [], notes, consistentFlowVerdicts: ["network-ok"] });

const withEni = (docs: Ec2Documents, eni: Ec2NetworkInterface): Ec2Documents => ({ ...docs, networkInterfaces: [eni, ...docs.networkInterfaces.slice(1)] });
const igwRoute = (State = "active", GatewayId = IGW): Ec2Route => ({ DestinationCidrBlock: "0.0.0.0/0", GatewayId, Origin: "CreateRoute", State });
const natRoute = (NatGatewayId: string, State = "active"): Ec2Route => ({ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId, Origin: "CreateRoute", State });
/** An interface document trimmed by hand: no VpcId (every field of the EC2 model is optional, and such a document still loads). */
const { VpcId: _vpc, ...eniWithoutVpc } = workloadEni;

describe("configuration check at the gateways (mutation-tested)", () => {
    // AWS, VPC user guide, "Enable internet access for a VPC using an internet gateway": "To use an internet
    // gateway, attach it to your VPC and specify it as a target in your subnet route table for internet-bound
    // IPv4 or IPv6 traffic"; "ensure that instances in your subnet have a public IPv4 address or an Elastic
    // IP address"; an internet gateway "performs network address translation (NAT) for instances that have
    // been assigned public IPv4 addresses". An internet gateway attaches to one VPC at a time ("You can
    // attach only one internet gateway to a VPC", and a gateway must be detached before it attaches to
    // another). describe-internet-gateways shows an attached gateway as `available` (the CLI's example);
    // the API model's InternetGatewayAttachment State also lists `attached`.
    describe("a route to an internet gateway", () => {
        const publicWorld = (docs: Partial<Ec2Documents> = {}, route = igwRoute()): Ec2Documents => ({
            ...withEni(world({ workloadRoutes: [route] }), { ...workloadEni, Association: PUBLIC_IP }),
            ...docs,
        });
        const noPublicIp = culprit({
            kind: "public-ip",
            id: ENI,
            rule: `0.0.0.0/0 -> ${IGW}`,
            reason: `${SUBNET} routes ${INET} to internet gateway ${IGW}, but ${ENI} has no public IPv4 address: the gateway only translates addresses that have one, so nothing comes back.`,
            fix: `aws ec2 associate-address --network-interface-id ${ENI} --allocation-id <allocation-id from 'aws ec2 allocate-address --domain vpc'>`,
            hint: "associatePublicIpAddress: true (aws.ec2.Instance) or assignPublicIp: true (ECS service), or move the workload to a private subnet with a NAT gateway or an S3 gateway endpoint",
        });
        const notAttached = (vpc: string | undefined) =>
            culprit({
                kind: "internet-gateway",
                id: IGW,
                rule: `route in ${RTB}`,
                reason: `Internet gateway ${IGW} is not attached to ${vpc ?? "the VPC"}, so the route to it leads nowhere.`,
                fix: `aws ec2 attach-internet-gateway --internet-gateway-id ${IGW} --vpc-id ${vpc ?? "<vpc-id>"}`,
                hint: "aws.ec2.InternetGatewayAttachment, or the vpcId of aws.ec2.InternetGateway",
            });

        it("an interface with a public IPv4 address behind an attached gateway: network-ok", () => {
            expect(answer(publicWorld(), INET)).to.deep.equal(ok("internet-gateway"));
        });

        it("the public address on a secondary private address (an Elastic IP associated with it) counts too", () => {
            const eni = { ...workloadEni, PrivateIpAddresses: [{ PrivateIpAddress: "10.0.1.25", Primary: true }, { PrivateIpAddress: "10.0.1.26", Primary: false, Association: { PublicIp: "3.38.11.26" } }] };
            expect(answer(withEni(publicWorld(), eni), INET)).to.deep.equal(ok("internet-gateway"));
        });

        it("no public IPv4 address: routing, the interface is the culprit", () => {
            expect(answer(withEni(publicWorld(), workloadEni), INET)).to.deep.equal(routing("internet-gateway", [noPublicIp]));
        });

        // AWS, VPC user guide, "IPv6 support for your VPC": an instance needs an IPv6 address to send IPv6
        // traffic; an internet gateway carries IPv6 without translation.
        it("IPv6 through the internet gateway: needs an IPv6 address on the interface, not a public IPv4 one", () => {
            const v6Route: Ec2Route = { DestinationIpv6CidrBlock: "::/0", GatewayId: IGW, Origin: "CreateRoute", State: "active" };
            const docs = publicWorld({}, v6Route);
            const v6 = "2406:da60:4000:2a00::1b";
            expect(answer(withEni(docs, { ...workloadEni, Ipv6Addresses: [{ Ipv6Address: "2406:da12:a3c:d101::25" }] }), v6)).to.deep.equal(ok("internet-gateway"));
            expect(answer(docs, v6)).to.deep.equal(
                routing("internet-gateway", [
                    culprit({
                        kind: "public-ip",
                        id: ENI,
                        rule: `::/0 -> ${IGW}`,
                        reason: `${ENI} has no IPv6 address, so it cannot send IPv6 traffic through ${IGW}.`,
                        fix: `aws ec2 assign-ipv6-addresses --network-interface-id ${ENI} --ipv6-address-count 1`,
                        hint: "ipv6AddressCount: 1 on the instance (the subnet needs an IPv6 CIDR), or assignIpv6AddressOnCreation on the subnet",
                    }),
                ]),
            );
        });

        it("a gateway without attachment: routing, attach it to the VPC", () => {
            expect(answer(publicWorld({ internetGateways: [{ InternetGatewayId: IGW, Attachments: [] }] }), INET)).to.deep.equal(routing("internet-gateway", [notAttached(VPC)]));
        });

        it("an attachment in state `attached` (the API model's spelling) is attached", () => {
            expect(answer(publicWorld({ internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "attached", VpcId: VPC }] }] }), INET)).to.deep.equal(ok("internet-gateway"));
        });

        it("the route's gateway is found by its id among several", () => {
            const internetGateways = [
                { InternetGatewayId: OTHER_IGW, Attachments: [] },
                { InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] },
            ];
            expect(answer(publicWorld({ internetGateways }), INET)).to.deep.equal(ok("internet-gateway"));
        });

        it("a gateway attached to another VPC, while this VPC has its own: point the route at the VPC's own", () => {
            const internetGateways = [
                { InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: OTHER_VPC }] },
                { InternetGatewayId: OTHER_IGW, Attachments: [{ State: "attached", VpcId: VPC }] },
            ];
            expect(answer(publicWorld({ internetGateways }), INET)).to.deep.equal(
                routing("internet-gateway", [
                    culprit({
                        kind: "internet-gateway",
                        id: IGW,
                        rule: `route in ${RTB}`,
                        reason: `Internet gateway ${IGW} is attached to ${OTHER_VPC}, not to ${VPC}, and a gateway attaches to one VPC at a time: the route to it leads nowhere. ${VPC} has ${OTHER_IGW} attached: point the route at it.`,
                        fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id ${OTHER_IGW}`,
                        hint: "aws.ec2.InternetGateway (with vpcId) and aws.ec2.Route to it",
                    }),
                ]),
            );
        });

        it("a gateway attached to another VPC (state `attached`), and none attached here: create and attach one", () => {
            const internetGateways = [{ InternetGatewayId: IGW, Attachments: [{ State: "attached", VpcId: OTHER_VPC }] }];
            expect(answer(publicWorld({ internetGateways }), INET)).to.deep.equal(
                routing("internet-gateway", [
                    culprit({
                        kind: "internet-gateway",
                        id: IGW,
                        rule: `route in ${RTB}`,
                        reason: `Internet gateway ${IGW} is attached to ${OTHER_VPC}, not to ${VPC}, and a gateway attaches to one VPC at a time: the route to it leads nowhere. Create and attach one first: aws ec2 create-internet-gateway, then aws ec2 attach-internet-gateway --internet-gateway-id <new-igw-id> --vpc-id ${VPC}.`,
                        fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id <new-igw-id>`,
                        hint: "aws.ec2.InternetGateway (with vpcId) and aws.ec2.Route to it",
                    }),
                ]),
            );
        });

        // The route to fix is the one the subnet uses for the destination: replace-route names it by its
        // own destination (--destination-cidr-block, or --destination-ipv6-cidr-block for an IPv6 route,
        // EC2 CLI reference), not by 0.0.0.0/0, which may not exist or may not be the route in use.
        it("a narrower or an IPv6 route to a gateway attached to another VPC: the fix replaces that route", () => {
            const internetGateways = [
                { InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: OTHER_VPC }] },
                { InternetGatewayId: OTHER_IGW, Attachments: [{ State: "available", VpcId: VPC }] },
            ];
            const fixOf = (docs: Ec2Documents, dst: string) => answer(docs, dst).culprits.map((c) => [c.kind, c.fix]);
            const narrow: Ec2Route = { DestinationCidrBlock: "203.0.113.0/24", GatewayId: IGW, Origin: "CreateRoute", State: "active" };
            expect(fixOf(publicWorld({ internetGateways }, narrow), INET)).to.deep.equal([
                ["internet-gateway", `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 203.0.113.0/24 --gateway-id ${OTHER_IGW}`],
            ]);
            const v6Route: Ec2Route = { DestinationIpv6CidrBlock: "::/0", GatewayId: IGW, Origin: "CreateRoute", State: "active" };
            const v6Eni = { ...workloadEni, Ipv6Addresses: [{ Ipv6Address: "2406:da12:a3c:d101::25" }] };
            expect(fixOf(withEni(publicWorld({ internetGateways }, v6Route), v6Eni), "2406:da60:4000:2a00::1b")).to.deep.equal([
                ["internet-gateway", `aws ec2 replace-route --route-table-id ${RTB} --destination-ipv6-cidr-block ::/0 --gateway-id ${OTHER_IGW}`],
            ]);
        });

        it("a gateway still detaching from another VPC: not attached anywhere usable, attach it here", () => {
            const internetGateways = [{ InternetGatewayId: IGW, Attachments: [{ State: "detaching", VpcId: OTHER_VPC }] }];
            expect(answer(publicWorld({ internetGateways }), INET)).to.deep.equal(routing("internet-gateway", [notAttached(VPC)]));
        });

        it("a gateway describe-internet-gateways does not hold: the attachment is not checked, and the note says so", () => {
            expect(answer(publicWorld({ internetGateways: [] }), INET)).to.deep.equal(
                ok("internet-gateway", [`Internet gateway ${IGW} is not in describe-internet-gateways: its attachment was not checked.`]),
            );
        });

        it("an interface document without VpcId: any attached gateway counts; an unattached one is named with placeholders", () => {
            const trimmed = { ...eniWithoutVpc, Association: PUBLIC_IP };
            expect(answer(withEni(publicWorld(), trimmed), INET)).to.deep.equal(ok("internet-gateway"));
            expect(answer(withEni(publicWorld({ internetGateways: [{ InternetGatewayId: IGW, Attachments: [] }] }), trimmed), INET)).to.deep.equal(
                routing("internet-gateway", [notAttached(undefined)]),
            );
        });

        // EC2 API reference, Route.State: "The blackhole state indicates that the route's target isn't
        // available (for example, the specified gateway isn't attached to the VPC ...)".
        describe("a blackhole route to an internet gateway", () => {
            const blackhole = (docs: Partial<Ec2Documents> = {}, eni: Ec2NetworkInterface = { ...workloadEni, Association: PUBLIC_IP }) =>
                withEni(publicWorld(docs, igwRoute("blackhole")), eni);
            const deleted = (says: string, fixGateway: string) =>
                culprit({
                    kind: "route-table",
                    id: RTB,
                    rule: `0.0.0.0/0 -> ${IGW} (blackhole)`,
                    reason: `The route ${SUBNET} uses for ${INET} is 0.0.0.0/0 -> ${IGW}, and it is a blackhole: internet gateway ${IGW} no longer exists (describe-internet-gateways does not know it). ${says}`,
                    fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id ${fixGateway}`,
                    hint: "aws.ec2.InternetGateway (with vpcId) and aws.ec2.Route to it",
                });
            const generic = culprit({
                kind: "route-table",
                id: RTB,
                rule: `0.0.0.0/0 -> ${IGW} (blackhole)`,
                reason: `The route ${SUBNET} uses for ${INET} is 0.0.0.0/0 -> ${IGW}, and it is a blackhole: its target no longer exists (a deleted NAT gateway, a detached gateway, a terminated instance), so the packets are dropped.`,
                // The only route: removing it would leave none (found by property-routeFixes.test.ts).
                fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <available-nat-gateway-id>`,
                hint: `aws.ec2.Route(..., { routeTableId: "${RTB}", destinationCidrBlock: "0.0.0.0/0", natGatewayId: <a NAT gateway that exists> })`,
            });

            it("to a detached gateway, from an interface without a public address: both are named", () => {
                expect(answer(blackhole({ internetGateways: [{ InternetGatewayId: IGW, Attachments: [] }] }, workloadEni), INET)).to.deep.equal(
                    routing("internet-gateway", [noPublicIp, notAttached(VPC)]),
                );
            });

            it("to a gateway that is attached after all (documents read while it changed): the blackhole itself is the culprit", () => {
                expect(answer(blackhole(), INET)).to.deep.equal(routing("internet-gateway", [generic]));
            });

            it("to a deleted gateway, while the VPC has another attached: point the route at it", () => {
                const internetGateways = [{ InternetGatewayId: OTHER_IGW, Attachments: [{ State: "available", VpcId: VPC }] }];
                expect(answer(blackhole({ internetGateways }), INET)).to.deep.equal(
                    routing("internet-gateway", [deleted(`${VPC} has ${OTHER_IGW} attached: point the route at it.`, OTHER_IGW)]),
                );
            });

            it("to a deleted gateway, and none attached to the VPC: create and attach one", () => {
                const internetGateways = [{ InternetGatewayId: OTHER_IGW, Attachments: [{ State: "available", VpcId: OTHER_VPC }] }];
                expect(answer(blackhole({ internetGateways }), INET)).to.deep.equal(
                    routing("internet-gateway", [
                        deleted(`Create and attach one first: aws ec2 create-internet-gateway, then aws ec2 attach-internet-gateway --internet-gateway-id <new-igw-id> --vpc-id ${VPC}.`, "<new-igw-id>"),
                    ]),
                );
            });

            it("to a deleted gateway, from an interface document without VpcId: the texts name no VPC", () => {
                const trimmed = { ...eniWithoutVpc, Association: PUBLIC_IP };
                expect(answer(blackhole({ internetGateways: [] }, trimmed), INET)).to.deep.equal(
                    routing("internet-gateway", [
                        deleted("Create and attach one first: aws ec2 create-internet-gateway, then aws ec2 attach-internet-gateway --internet-gateway-id <new-igw-id> --vpc-id <vpc-id>.", "<new-igw-id>"),
                    ]),
                );
                const internetGateways = [{ InternetGatewayId: OTHER_IGW, Attachments: [{ State: "available", VpcId: VPC }] }];
                expect(answer(blackhole({ internetGateways }, trimmed), INET)).to.deep.equal(
                    routing("internet-gateway", [deleted(`The VPC has ${OTHER_IGW} attached: point the route at it.`, OTHER_IGW)]),
                );
            });

            it("a snapshot without describe-internet-gateways.json: nothing is said about the gateway, the blackhole is the culprit", () => {
                expect(answer(blackhole({ internetGateways: [], unread: ["internetGateways"] }), INET)).to.deep.equal(routing("internet-gateway", [generic]));
            });
        });
    });

    // AWS, VPC user guide, "Subnet route tables": "Each subnet in your VPC must be associated with a route
    // table ... If you don't explicitly associate a subnet with a particular route table, the subnet is
    // implicitly associated with the main route table." Without a matching route the packets are dropped.
    // Private subnets reach the internet through a NAT gateway ("NAT gateways": "Instances in private
    // subnets can connect to the internet through a public NAT gateway"), and S3 through a gateway endpoint
    // ("Gateway endpoints for Amazon S3": no charge, a route to the service's prefix list in each table).
    describe("no route for the destination", () => {
        const noRoute = (reasonTail: string, fix: string, hint: string, table = `${RTB} (${SUBNET}'s route table)`) =>
            culprit({ kind: "route-table", id: RTB, rule: "(no route)", reason: `${table} has no route that matches ${reasonTail}`, fix, hint });
        const natHint = 'awsx.ec2.Vpc natGateways: { strategy: "Single" }, or aws.ec2.Route(..., { destinationCidrBlock: "0.0.0.0/0", natGatewayId })';
        const toNat = (nat: string) => `aws ec2 create-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${nat}`;
        const internet = (nat: string) => noRoute(`${INET}: no NAT gateway, internet gateway or endpoint route, so the packets have nowhere to go.`, toNat(nat), natHint);

        // The fix names a NAT gateway that can carry the traffic now: in the workload's VPC, available, and
        // public ("NAT gateway basics": a private NAT gateway cannot reach the internet; ConnectivityType
        // defaults to public). The first of them in describe-nat-gateways' order; else a placeholder.
        const natCases: Array<[string, Ec2NatGateway[], string]> = [
            ["none", [], "<nat-gateway-id>"],
            ["one available public", [natGateway("nat-0d4e5f6a7b8c9d0e2", PUBLIC_SUBNET, "10.0.0.90")], "nat-0d4e5f6a7b8c9d0e2"],
            ["only another VPC's", [natGateway("nat-0d4e5f6a7b8c9d0e2", PUBLIC_SUBNET, "10.0.0.90", { VpcId: OTHER_VPC })], "<nat-gateway-id>"],
            ["only a pending one", [natGateway("nat-0d4e5f6a7b8c9d0e2", PUBLIC_SUBNET, "10.0.0.90", { State: "pending" })], "<nat-gateway-id>"],
            ["only a private one", [natGateway("nat-0d4e5f6a7b8c9d0e2", PUBLIC_SUBNET, "10.0.0.90", { ConnectivityType: "private" })], "<nat-gateway-id>"],
            [
                "another VPC's, a pending, a private, then one without ConnectivityType (public by default)",
                [
                    natGateway("nat-0aaaa000000000001", PUBLIC_SUBNET, "10.0.0.91", { VpcId: OTHER_VPC }),
                    natGateway("nat-0aaaa000000000002", PUBLIC_SUBNET, "10.0.0.92", { State: "pending" }),
                    natGateway("nat-0aaaa000000000003", PUBLIC_SUBNET, "10.0.0.93", { ConnectivityType: "private" }),
                    natGateway("nat-0aaaa000000000004", PUBLIC_SUBNET, "10.0.0.94", { ConnectivityType: undefined }),
                ],
                "nat-0aaaa000000000004",
            ],
        ];
        for (const [what, natGateways, expected] of natCases) {
            it(`an internet address, NAT gateways: ${what}: a route to ${expected}`, () => {
                expect(answer(world({ natGateways }), INET)).to.deep.equal(routing("none", [internet(expected)]));
            });
        }

        it("an interface document without VpcId: a NAT gateway of any VPC in the documents is proposed", () => {
            const natGateways = [natGateway("nat-0aaaa000000000001", PUBLIC_SUBNET, "10.0.0.91", { VpcId: OTHER_VPC })];
            expect(answer(withEni(world({ natGateways }), eniWithoutVpc), INET)).to.deep.equal(routing("none", [internet("nat-0aaaa000000000001")]));
        });

        it("a route to the S3 prefix list whose target is not a gateway endpoint: no Region is inferred, a plain missing route", () => {
            const docs = world({ workloadRoutes: [{ DestinationPrefixListId: S3_LIST, NatGatewayId: "nat-0d4e5f6a7b8c9d0e2", Origin: "CreateRoute", State: "active" }] });
            expect(answer(docs, INET)).to.deep.equal(routing("none", [internet("<nat-gateway-id>")]));
        });

        it("a subnet without a table of its own: the VPC's main table is named as such", () => {
            const docs = world();
            const routeTables = docs.routeTables.map((t) => (t.RouteTableId === RTB ? { ...t, Associations: [] } : t));
            expect(answer({ ...docs, routeTables }, INET)).to.deep.equal(
                routing("none", [
                    culprit({
                        kind: "route-table",
                        id: MAIN_RTB,
                        rule: "(no route)",
                        reason: `${MAIN_RTB} (the VPC's main table, which ${SUBNET} uses) has no route that matches ${INET}: no NAT gateway, internet gateway or endpoint route, so the packets have nowhere to go.`,
                        fix: `aws ec2 create-route --route-table-id ${MAIN_RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-gateway-id>`,
                        hint: natHint,
                    }),
                ]),
            );
        });

        // AWS, VPC user guide, "Configure route tables" / egress-only internet gateways: IPv6 traffic from a
        // private subnet leaves through an egress-only internet gateway (a NAT gateway translates IPv4).
        it("an IPv6 address: an egress-only internet gateway route is proposed", () => {
            const v6 = "2406:da60:4000:2a00::1b";
            expect(answer(world(), v6)).to.deep.equal(
                routing("none", [
                    noRoute(
                        `${v6}: no egress-only internet gateway, internet gateway or endpoint route, so the packets have nowhere to go.`,
                        `aws ec2 create-route --route-table-id ${RTB} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id <eigw-id>`,
                        'aws.ec2.Route(..., { destinationIpv6CidrBlock: "::/0", egressOnlyGatewayId })',
                    ),
                ]),
            );
        });

        const s3NoEndpoint = (dst: string, service: string, vpc = VPC) =>
            noRoute(
                `${dst}: no NAT gateway, internet gateway or S3 gateway endpoint route, so the packets to S3 have nowhere to go.`,
                `aws ec2 create-vpc-endpoint --vpc-id ${vpc} --vpc-endpoint-type Gateway --service-name ${service} --route-table-ids ${RTB}`,
                `new aws.ec2.VpcEndpoint(..., { vpcId: "${vpc}", serviceName: "${service}", vpcEndpointType: "Gateway", routeTableIds: ["${RTB}"] })`,
            );

        it("an S3 address, no endpoint: a gateway endpoint for the Region's S3 service is proposed", () => {
            expect(answer(world(), S3_IP)).to.deep.equal(routing("none", [s3NoEndpoint(S3_IP, S3_SERVICE)]));
        });

        it("S3 by --dst s3 from an interface document without an Availability Zone: the Region is left for the user to fill in", () => {
            const { AvailabilityZone: _zone, ...eni } = workloadEni;
            expect(answer(withEni({ ...world(), prefixLists: [], prefixListEntries: {} }, eni), "54.231.1.10", { dstIsS3: true })).to.deep.equal(
                routing("none", [s3NoEndpoint("54.231.1.10", "com.amazonaws.<region>.s3")]),
            );
        });

        it("an S3 address from an interface document without VpcId: the endpoint command has a placeholder for the VPC", () => {
            expect(answer(withEni(world(), eniWithoutVpc), S3_IP)).to.deep.equal(routing("none", [s3NoEndpoint(S3_IP, S3_SERVICE, "<vpc-id>")]));
        });

        // AWS, "Gateway endpoints for Amazon S3": "you must associate it with one or more route tables"
        // (modify-vpc-endpoint --add-route-table-ids); a gateway endpoint serves its own VPC only, and an
        // interface endpoint to S3 is reached through DNS, not through a route table.
        it("an S3 address, the VPC's S3 gateway endpoint not associated with the table: add the table to it", () => {
            const endpoints: Ec2VpcEndpoint[] = [
                { VpcEndpointId: "vpce-0000000000000000a", VpcEndpointType: "Interface", VpcId: VPC, ServiceName: S3_SERVICE, State: "available" },
                { VpcEndpointId: "vpce-0000000000000000b", VpcEndpointType: "Gateway", VpcId: OTHER_VPC, ServiceName: S3_SERVICE, State: "available" },
                { VpcEndpointId: "vpce-0000000000000000c", VpcEndpointType: "Gateway", VpcId: VPC, ServiceName: "com.amazonaws.ap-northeast-2.dynamodb", State: "available" },
                { VpcEndpointId: "vpce-0000000000000000d", VpcId: VPC, ServiceName: S3_SERVICE, State: "available", RouteTableIds: [] },
            ];
            expect(answer({ ...world(), vpcEndpoints: endpoints }, S3_IP)).to.deep.equal(
                routing("none", [
                    noRoute(
                        `${S3_IP}: the S3 gateway endpoint vpce-0000000000000000d exists but is not associated with ${RTB}.`,
                        `aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0000000000000000d --add-route-table-ids ${RTB}`,
                        `add "${RTB}" to routeTableIds of the aws.ec2.VpcEndpoint`,
                    ),
                ]),
            );
            // Without the last one, none of the others serves this table: a new endpoint.
            expect(answer({ ...world(), vpcEndpoints: endpoints.slice(0, 3) }, S3_IP)).to.deep.equal(routing("none", [s3NoEndpoint(S3_IP, S3_SERVICE)]));
            // From an interface document without VpcId, an S3 gateway endpoint of the documents is taken as the VPC's.
            expect(answer({ ...withEni(world(), eniWithoutVpc), vpcEndpoints: endpoints.slice(1, 2) }, S3_IP).culprits.map((c) => c.fix)).to.deep.equal([
                `aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0000000000000000b --add-route-table-ids ${RTB}`,
            ]);
        });

        // "Gateway endpoints support only traffic in the same Region": a bucket in another Region is reached
        // through a NAT gateway, the one the VPC has if it is usable.
        it("an S3 address of another Region beside the endpoint's prefix-list route: a route to the VPC's available NAT gateway", () => {
            const docs = world({
                workloadRoutes: [{ DestinationPrefixListId: S3_LIST, GatewayId: "vpce-0a1b2c3d4e5f60789", Origin: "CreateRoute", State: "active" }],
                natGateways: [natGateway("nat-0aaaa000000000002", PUBLIC_SUBNET, "10.0.0.92", { State: "pending" }), natGateway("nat-0d4e5f6a7b8c9d0e2", PUBLIC_SUBNET, "10.0.0.90")],
            });
            expect(answer(docs, "54.231.1.10")).to.deep.equal(
                routing("none", [
                    culprit({
                        kind: "vpc-endpoint",
                        id: "vpce-0a1b2c3d4e5f60789",
                        rule: `${S3_LIST} -> vpce-0a1b2c3d4e5f60789`,
                        reason: `${RTB} (${SUBNET}'s route table) has no route that matches 54.231.1.10: the S3 gateway endpoint vpce-0a1b2c3d4e5f60789 reaches S3 in ap-northeast-2 only (prefix list ${S3_LIST}), and 54.231.1.10 is not in it, so the bucket is in another region and nothing else routes there.`,
                        fix: toNat("nat-0d4e5f6a7b8c9d0e2"),
                        hint: "use a bucket in ap-northeast-2, or give the subnet a NAT gateway route (awsx.ec2.Vpc natGateways, or aws.ec2.Route to a NAT gateway)",
                    }),
                ]),
            );
        });
    });

    // AWS, NAT gateways user guide: a NAT gateway's State is pending, failed, available, deleting or
    // deleted, and "If a NAT gateway ... is in the failed state ... FailureCode / FailureMessage" say why
    // (EC2 API reference, NatGateway); only an available one forwards traffic. "If you have resources in
    // multiple Availability Zones and they share one NAT gateway, and if the NAT gateway's Availability
    // Zone is down, resources in the other Availability Zones lose internet access. To improve resiliency,
    // create a NAT gateway in each Availability Zone, and configure your routing to ensure that resources
    // use the NAT gateway in the same Availability Zone." A private NAT gateway "cannot" reach the
    // internet: it reaches other VPCs or on-premises networks through a transit gateway or virtual
    // private gateway.
    describe("a route to a NAT gateway that forwards nothing, and what replaces it", () => {
        const BROKEN = "nat-06c018cbd8a1b2c3d";
        const NAT_A = "nat-0d4e5f6a7b8c9d0e2";
        const NAT_C = "nat-01a2b3c4d5e6f7081";
        const natA = natGateway(NAT_A, PUBLIC_SUBNET, "10.0.0.90");
        const natC = natGateway(NAT_C, PUBLIC_SUBNET_C, "10.0.2.20");
        /** A NAT gateway in a subnet no interface of the documents is in: its zone is not known. */
        const natUnknownZone = natGateway("nat-0f0000000000000b1", "subnet-0b1b2b3b4b5b6b7b8", "10.0.3.30");
        const natHint = "awsx.ec2.Vpc natGateways, or aws.ec2.NatGateway in a public subnet and aws.ec2.Route to it";
        const create = (zone: string) => `Create one${zone} first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>.`;
        const others = (list: string) => ` Available in other zones, or zones the documents do not show: ${list}; usable now, at the cost of cross-zone traffic and that zone's failures.`;
        const docsWith = (natGateways: Ec2NatGateway[], route: Ec2Route, interfaces: Ec2NetworkInterface[] = natGateways.map(natInterface)) => world({ workloadRoutes: [route], natGateways, interfaces });
        const blackholeCulprit = (state: string, says: string, replacement = "<new-nat-gateway-id>") =>
            culprit({
                kind: "route-table",
                id: RTB,
                rule: `0.0.0.0/0 -> ${BROKEN} (blackhole)`,
                reason: `The route ${SUBNET} uses for ${INET} is 0.0.0.0/0 -> ${BROKEN}, and it is a blackhole: NAT gateway ${BROKEN} ${state}: it forwards nothing. ${says}`,
                fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${replacement}`,
                hint: natHint,
            });
        const activeCulprit = (state: string, says: string, replacement = "<new-nat-gateway-id>") =>
            culprit({
                kind: "nat-gateway",
                id: BROKEN,
                rule: `0.0.0.0/0 -> ${BROKEN}`,
                reason: `${RTB} sends ${INET} to NAT gateway ${BROKEN}, which ${state}: it forwards nothing. ${says}`,
                fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${replacement}`,
                hint: natHint,
            });

        it("pending: wait, it forwards nothing yet (the route's NAT gateway found by its id, after an available one)", () => {
            const pending = natGateway(BROKEN, PUBLIC_SUBNET, "10.0.0.77", { State: "pending" });
            expect(answer(docsWith([natA, pending], natRoute(BROKEN)), INET)).to.deep.equal(
                routing("nat-gateway", [
                    culprit({
                        kind: "nat-gateway",
                        id: BROKEN,
                        rule: `0.0.0.0/0 -> ${BROKEN}`,
                        reason: `${RTB} sends ${INET} to NAT gateway ${BROKEN}, which is pending: it forwards nothing until it is available. Wait a few minutes and check again.`,
                        fix: `aws ec2 describe-nat-gateways --nat-gateway-ids ${BROKEN} --query 'NatGateways[0].[State,FailureCode,FailureMessage]'`,
                        hint: "nothing to change while it is pending; if it ends failed, recreate the aws.ec2.NatGateway",
                    }),
                ]),
            );
        });

        it("failed, with EC2's failure code and message; replaced by the available public one in the workload's zone", () => {
            const failed = natGateway(BROKEN, PUBLIC_SUBNET, "10.0.0.77", {
                State: "failed",
                FailureCode: "Gateway.NotAttached",
                FailureMessage: "Network vpc-0a1b2c3d4e5f60789 has no Internet gateway attached",
            });
            // All in ap-northeast-2a but the last: each of the first three sorts before NAT_A and is no replacement.
            const privateOne = natGateway("nat-0b0000000000000a1", PUBLIC_SUBNET, "10.0.0.81", { ConnectivityType: "private" });
            const otherVpcs = natGateway("nat-0b0000000000000a2", PUBLIC_SUBNET, "10.0.0.82", { VpcId: OTHER_VPC });
            const publicByDefault = natGateway(NAT_A, PUBLIC_SUBNET, "10.0.0.90", { ConnectivityType: undefined });
            expect(answer(docsWith([failed, natC, privateOne, otherVpcs, publicByDefault], natRoute(BROKEN, "blackhole")), INET)).to.deep.equal(
                routing("nat-gateway", [
                    blackholeCulprit(
                        "is failed (Gateway.NotAttached: Network vpc-0a1b2c3d4e5f60789 has no Internet gateway attached)",
                        `Route to ${NAT_A}, available in ap-northeast-2a like ${ENI}.`,
                        NAT_A,
                    ),
                ]),
            );
        });

        it("failed with a code and an empty message: the code alone", () => {
            const failed = natGateway(BROKEN, PUBLIC_SUBNET, "10.0.0.77", { State: "failed", FailureCode: "Gateway.NotAttached", FailureMessage: "" });
            expect(answer(docsWith([failed], natRoute(BROKEN)), INET)).to.deep.equal(routing("nat-gateway", [activeCulprit("is failed (Gateway.NotAttached)", create(" in ap-northeast-2a"))]));
        });

        it("deleted, with available ones only in other zones or zones not shown: create one in the workload's zone, the others listed by id", () => {
            const deleted = natGateway(BROKEN, PUBLIC_SUBNET, "10.0.0.77", { State: "deleted" });
            const docs = docsWith([deleted, natUnknownZone, natC], natRoute(BROKEN), [natInterface(natC)]);
            expect(answer(docs, INET)).to.deep.equal(
                routing("nat-gateway", [activeCulprit("is deleted", create(" in ap-northeast-2a") + others(`${NAT_C} (ap-northeast-2c), nat-0f0000000000000b1 (zone not in the documents)`))]),
            );
        });

        it("a NAT gateway document without State: in an unknown state, so not taken as available", () => {
            const stateless = natGateway(BROKEN, PUBLIC_SUBNET, "10.0.0.77", { State: undefined });
            expect(answer(docsWith([stateless], natRoute(BROKEN)), INET)).to.deep.equal(routing("nat-gateway", [activeCulprit("is in an unknown state", create(" in ap-northeast-2a"))]));
        });

        it("not in describe-nat-gateways: deleted long ago or another account's", () => {
            expect(answer(docsWith([], natRoute(BROKEN, "blackhole")), INET)).to.deep.equal(
                routing("nat-gateway", [blackholeCulprit("is not in describe-nat-gateways (deleted long ago, or another account's)", create(" in ap-northeast-2a"))]),
            );
        });

        it("a snapshot without describe-nat-gateways.json: its state is not known, and the answer says so", () => {
            expect(answer({ ...docsWith([], natRoute(BROKEN, "blackhole")), unread: ["natGateways"] }, INET)).to.deep.equal(
                routing("nat-gateway", [blackholeCulprit("is not in the snapshot (it has no describe-nat-gateways.json), so its state is not known", create(" in ap-northeast-2a"))]),
            );
        });

        it("a replacement's zone from another interface in its subnet, when its own interface is not in the documents", () => {
            const loadBalancer: Ec2NetworkInterface = { NetworkInterfaceId: "eni-0e1e2e3e4e5e6e7e8", SubnetId: PUBLIC_SUBNET, VpcId: VPC, AvailabilityZone: "ap-northeast-2a", InterfaceType: "network_load_balancer" };
            expect(answer(docsWith([natA], natRoute(BROKEN, "blackhole"), [loadBalancer]), INET)).to.deep.equal(
                routing("nat-gateway", [blackholeCulprit("is not in describe-nat-gateways (deleted long ago, or another account's)", `Route to ${NAT_A}, available in ap-northeast-2a like ${ENI}.`, NAT_A)]),
            );
        });

        it("a replacement's zone from its own interface, even when that interface document has no SubnetId", () => {
            const { SubnetId: _subnet, ...ownInterface } = natInterface(natA);
            expect(answer(docsWith([natA], natRoute(BROKEN, "blackhole"), [ownInterface]), INET)).to.deep.equal(
                routing("nat-gateway", [blackholeCulprit("is not in describe-nat-gateways (deleted long ago, or another account's)", `Route to ${NAT_A}, available in ap-northeast-2a like ${ENI}.`, NAT_A)]),
            );
        });

        it("a workload interface document without VpcId: the available NAT gateway in its zone still replaces the broken one", () => {
            expect(answer(withEni(docsWith([natA], natRoute(BROKEN, "blackhole")), eniWithoutVpc), INET)).to.deep.equal(
                routing("nat-gateway", [blackholeCulprit("is not in describe-nat-gateways (deleted long ago, or another account's)", `Route to ${NAT_A}, available in ap-northeast-2a like ${ENI}.`, NAT_A)]),
            );
        });

        it("a workload interface without an Availability Zone: no zone to match, so no replacement is picked; the available ones are listed", () => {
            const { AvailabilityZone: _zone, ...eni } = workloadEni;
            expect(answer(withEni(docsWith([natA, natUnknownZone], natRoute(BROKEN, "blackhole"), [natInterface(natA)]), eni), INET)).to.deep.equal(
                routing("nat-gateway", [
                    blackholeCulprit(
                        "is not in describe-nat-gateways (deleted long ago, or another account's)",
                        create("") + others(`${NAT_A} (ap-northeast-2a), nat-0f0000000000000b1 (zone not in the documents)`),
                    ),
                ]),
            );
        });

        // NAT gateways user guide: a private NAT gateway reaches other networks through a transit gateway or
        // a virtual private gateway, and "if you route traffic from the private NAT gateway to the internet
        // gateway, the internet gateway drops the traffic". Whether the path reaches the destination is
        // decided beyond what the check follows: inconclusive, not network-ok.
        it("a private NAT gateway: the check does not follow it, says so, and does not call the path open", () => {
            const privateNat = natGateway(BROKEN, PUBLIC_SUBNET, "10.0.0.77", { ConnectivityType: "private" });
            expect(answer(docsWith([privateNat], natRoute(BROKEN)), INET)).to.deep.equal({
                path: "nat-gateway",
                verdict: "inconclusive",
                culprits: [],
                notes: [
                    `NAT gateway ${BROKEN} is private: it reaches other networks through its subnet's routes (transit gateway, virtual private gateway), which the check does not follow.`,
                ],
                consistentFlowVerdicts: ["inconclusive"],
            });
        });
    });

    // AWS, NAT gateways user guide: "Create a public NAT gateway in a public subnet" and "Update the route
    // table of the public subnet to send internet-bound traffic to the internet gateway"; "NAT gateway
    // basics": a NAT gateway uses ports 1024-65535. Network ACLs: "Network ACLs are stateless, which means
    // that responses to allowed inbound traffic are subject to the rules for outbound traffic (and vice
    // versa)", and they apply where traffic enters or leaves a subnet: the NAT gateway's subnet ACL sees the
    // requests come in from the workload and leave for the destination, and the replies come back and
    // leave for the workload's ephemeral ports.
    describe("the NAT gateway's own subnet", () => {
        const NAT = "nat-0d4e5f6a7b8c9d0e2";
        const NAT_ACL = "acl-0feed0feed0feed01";
        const nat = natGateway(NAT, PUBLIC_SUBNET, "10.0.0.90");
        const base = (natGateways: Ec2NatGateway[] = [nat]) => world({ workloadRoutes: [natRoute(NAT)], natGateways, interfaces: natGateways.map(natInterface) });
        /** The public subnet's table with these routes besides the local one. */
        const publicRoutes = (docs: Ec2Documents, routes: Ec2Route[]): Ec2Documents => ({
            ...docs,
            routeTables: docs.routeTables.map((t) => (t.RouteTableId === PUBLIC_RTB ? { ...t, Routes: [...(t.Routes ?? []).slice(0, 1), ...routes] } : t)),
        });
        const natRouteCulprit = (now: string, rule: string, fix: string, table = PUBLIC_RTB, main = "") =>
            culprit({
                kind: "route-table",
                id: table,
                rule,
                reason: `NAT gateway ${NAT} sits in ${PUBLIC_SUBNET}, whose route table ${table}${main} does not send ${INET} to an internet gateway (${now}): a public NAT gateway needs one to reach the internet.`,
                fix,
                hint: 'put the NAT gateway in a public subnet (awsx.ec2.Vpc does), or aws.ec2.Route(..., { destinationCidrBlock: "0.0.0.0/0", gatewayId: <igw> })',
                hop: "nat-gateway",
            });

        it("its table sends the destination to a transit gateway: routing, at the NAT gateway's table", () => {
            const docs = publicRoutes(base(), [{ DestinationCidrBlock: "0.0.0.0/0", TransitGatewayId: "tgw-0a1b2c3d4e5f60789", Origin: "CreateRoute", State: "active" }]);
            expect(answer(docs, INET)).to.deep.equal(
                routing("nat-gateway", [
                    natRouteCulprit(
                        `its route for ${INET} is 0.0.0.0/0 -> tgw-0a1b2c3d4e5f60789`,
                        "0.0.0.0/0 -> tgw-0a1b2c3d4e5f60789",
                        `aws ec2 replace-route --route-table-id ${PUBLIC_RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id ${IGW}`,
                    ),
                ]),
            );
        });

        it("its route to the internet gateway is a blackhole: routing, and the reason says blackhole", () => {
            const docs = publicRoutes(base(), [igwRoute("blackhole")]);
            expect(answer(docs, INET)).to.deep.equal(
                routing("nat-gateway", [
                    natRouteCulprit(`its route for ${INET} is 0.0.0.0/0 -> ${IGW} (blackhole)`, `0.0.0.0/0 -> ${IGW}`, `aws ec2 replace-route --route-table-id ${PUBLIC_RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id ${IGW}`),
                ]),
            );
        });

        it("no route there: the fix creates one to the internet gateway attached to the VPC, not to a detached one or another VPC's", () => {
            const internetGateways = [
                { InternetGatewayId: "igw-0d0d0d0d0d0d0d0d0", Attachments: [] },
                { InternetGatewayId: OTHER_IGW, Attachments: [{ State: "available", VpcId: OTHER_VPC }] },
                { InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] },
            ];
            const docs = { ...publicRoutes(base(), []), internetGateways };
            expect(answer(docs, INET)).to.deep.equal(
                routing("nat-gateway", [natRouteCulprit(`it has no route for ${INET}`, "(no route)", `aws ec2 create-route --route-table-id ${PUBLIC_RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id ${IGW}`)]),
            );
            expect(answer({ ...docs, internetGateways: internetGateways.slice(0, 2) }, INET)).to.deep.equal(
                routing("nat-gateway", [natRouteCulprit(`it has no route for ${INET}`, "(no route)", `aws ec2 create-route --route-table-id ${PUBLIC_RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id <igw-id>`)]),
            );
        });

        // NAT gateways user guide: "Create a public NAT gateway in a public subnet". One placed in the
        // workload's own subnet uses the workload's table, which sends the destination to the NAT gateway
        // itself; replacing that route with the internet gateway would cut the workload off instead.
        it("it sits in the workload's own subnet (the workload's table): create it in a public subnet, not a route to change", () => {
            const inWorkloadSubnet = natGateway(NAT, SUBNET, "10.0.1.90");
            const docs = world({ workloadRoutes: [natRoute(NAT)], natGateways: [inWorkloadSubnet], interfaces: [natInterface(inWorkloadSubnet)] });
            expect(answer(docs, INET)).to.deep.equal(
                routing("nat-gateway", [
                    culprit({
                        kind: "route-table",
                        id: RTB,
                        rule: `0.0.0.0/0 -> ${NAT}`,
                        reason:
                            `NAT gateway ${NAT} sits in the workload's own subnet ${SUBNET} and uses its route table ${RTB}: it does not send ${INET} to an internet gateway (its route for ${INET} is 0.0.0.0/0 -> ${NAT}), and changing it would take ${SUBNET} off the NAT gateway. ` +
                            `A public NAT gateway belongs in a public subnet, whose table sends 0.0.0.0/0 to an internet gateway: create one there, then point ${RTB}'s route at it.`,
                        fix: "aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>",
                        hint: "put the NAT gateway in a public subnet (awsx.ec2.Vpc does: natGateways), and aws.ec2.Route to it from the private subnet's table",
                        hop: "nat-gateway",
                    }),
                ]),
            );
        });

        it("its internet gateway is not attached: the gateway is the culprit, on the NAT gateway's hop", () => {
            const docs = { ...base(), internetGateways: [{ InternetGatewayId: IGW, Attachments: [] }] };
            expect(answer(docs, INET)).to.deep.equal(
                routing("nat-gateway", [
                    culprit({
                        kind: "internet-gateway",
                        id: IGW,
                        rule: `route in ${PUBLIC_RTB}`,
                        reason: `Internet gateway ${IGW} is not attached to ${VPC}, so the route to it leads nowhere.`,
                        fix: `aws ec2 attach-internet-gateway --internet-gateway-id ${IGW} --vpc-id ${VPC}`,
                        hint: "aws.ec2.InternetGatewayAttachment, or the vpcId of aws.ec2.InternetGateway",
                        hop: "nat-gateway",
                    }),
                ]),
            );
        });

        it("a NAT gateway document without VpcId: its subnet's main table is the workload VPC's, not another VPC's", () => {
            const NAT_SUBNET = "subnet-0a0a0a0a0a0a0a0a0";
            const { VpcId: _vpc, ...natWithoutVpc } = natGateway(NAT, NAT_SUBNET, "10.0.4.90");
            const docs = base([natWithoutVpc]);
            // Another VPC's main table first: it has a route to that VPC's gateway.
            const otherMain = { RouteTableId: "rtb-0f0f0f0f0f0f0f0f0", VpcId: OTHER_VPC, Associations: [{ Main: true, RouteTableId: "rtb-0f0f0f0f0f0f0f0f0" }], Routes: [igwRoute("active", OTHER_IGW)] };
            expect(answer({ ...docs, routeTables: [otherMain, ...docs.routeTables] }, INET)).to.deep.equal(
                routing(
                    "nat-gateway",
                    [
                        culprit({
                            kind: "route-table",
                            id: MAIN_RTB,
                            rule: "(no route)",
                            reason: `NAT gateway ${NAT} sits in ${NAT_SUBNET}, whose route table ${MAIN_RTB} (the VPC's main table: the subnet has none of its own) does not send ${INET} to an internet gateway (it has no route for ${INET}): a public NAT gateway needs one to reach the internet.`,
                            fix: `aws ec2 create-route --route-table-id ${MAIN_RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id ${IGW}`,
                            hint: 'put the NAT gateway in a public subnet (awsx.ec2.Vpc does), or aws.ec2.Route(..., { destinationCidrBlock: "0.0.0.0/0", gatewayId: <igw> })',
                            hop: "nat-gateway",
                        }),
                    ],
                    [`No network ACL associated with the NAT gateway's subnet ${NAT_SUBNET} in describe-network-acls.`],
                ),
            );
        });

        it("a NAT gateway document without SubnetId: its subnet is not checked, and a note says so", () => {
            const { SubnetId: _subnet, ...natWithoutSubnet } = nat;
            expect(answer(base([natWithoutSubnet]), INET)).to.deep.equal(
                ok("nat-gateway", [`NAT gateway ${NAT} has no SubnetId in describe-nat-gateways: its subnet's route table and network ACL were not checked.`]),
            );
        });

        it("a NAT gateway document without VpcId: its gateway's attachment is checked against the workload's VPC", () => {
            const { VpcId: _vpc, ...natWithoutVpc } = nat;
            const docs = { ...base([natWithoutVpc]), internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: OTHER_VPC }] }] };
            expect(answer(docs, INET).culprits.map((c) => [c.kind, c.id, c.hop, c.reason])).to.deep.equal([
                [
                    "internet-gateway",
                    IGW,
                    "nat-gateway",
                    `Internet gateway ${IGW} is attached to ${OTHER_VPC}, not to ${VPC}, and a gateway attaches to one VPC at a time: the route to it leads nowhere. Create and attach one first: aws ec2 create-internet-gateway, then aws ec2 attach-internet-gateway --internet-gateway-id <new-igw-id> --vpc-id ${VPC}.`,
                ],
            ]);
        });

        it("no route table for its subnet (no association, no main table): a note, nothing blamed", () => {
            const docs = base();
            const routeTables = docs.routeTables.filter((t) => t.RouteTableId !== PUBLIC_RTB && t.RouteTableId !== MAIN_RTB);
            expect(answer({ ...docs, routeTables }, INET)).to.deep.equal(ok("nat-gateway", [`No route table for the NAT gateway's subnet ${PUBLIC_SUBNET} in describe-route-tables.`]));
        });

        it("no network ACL associated with its subnet: a note, nothing blamed", () => {
            const docs = base();
            const networkAcls = docs.networkAcls.map((a) => ({ ...a, Associations: (a.Associations ?? []).filter((x) => x.SubnetId !== PUBLIC_SUBNET) }));
            expect(answer({ ...docs, networkAcls }, INET)).to.deep.equal(ok("nat-gateway", [`No network ACL associated with the NAT gateway's subnet ${PUBLIC_SUBNET} in describe-network-acls.`]));
        });

        /**
         * The public subnet gets its own ACL: rule 100 denies the VPC's addresses and rule 110 everything
         * else, each way, so each of the four legs meets a rule of its own (the workload's legs rule 100,
         * the destination's rule 110).
         */
        function denyAtNat(docs: Ec2Documents): Ec2Documents {
            const entries: Ec2NetworkAclEntry[] = [true, false].flatMap((Egress) => [
                { RuleNumber: 100, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "10.0.0.0/16" },
                { RuleNumber: 110, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" },
                { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" },
            ]);
            return {
                ...docs,
                networkAcls: [
                    ...docs.networkAcls.map((a) => ({ ...a, Associations: (a.Associations ?? []).filter((x) => x.SubnetId !== PUBLIC_SUBNET) })),
                    { NetworkAclId: NAT_ACL, VpcId: VPC, IsDefault: false, Associations: [{ SubnetId: PUBLIC_SUBNET, NetworkAclId: NAT_ACL }], Entries: entries },
                ],
            };
        }
        const aclCulprit = (egress: boolean, rule: 100 | 110, what: string, proto: string, cidr: string, ports: [number, number] | undefined, effect: Culprit["effect"]) => {
            const icmp = proto === "icmp";
            const ruleText = `${rule} deny all traffic ${egress ? "to" : "from"} ${rule === 100 ? "10.0.0.0/16" : "0.0.0.0/0"}`;
            return culprit({
                kind: "network-acl",
                id: NAT_ACL,
                direction: egress ? "outbound" : "inbound",
                rule: String(rule),
                reason: `${egress ? "Outbound" : "Inbound"} rule ${ruleText} of ${NAT_ACL} drops ${what}.`,
                fix: `aws ec2 create-network-acl-entry --network-acl-id ${NAT_ACL} ${egress ? "--egress" : "--ingress"} --rule-number ${rule - 1} --protocol ${proto}${ports ? ` --port-range From=${ports[0]},To=${ports[1]}` : ""}${icmp ? " --icmp-type-code Type=-1,Code=-1" : ""} --cidr-block ${cidr} --rule-action allow`,
                hint: `new aws.ec2.NetworkAclRule(..., { networkAclId: "${NAT_ACL}", ruleNumber: ${rule - 1}, egress: ${egress}, protocol: "${proto}", ruleAction: "allow", cidrBlock: "${cidr}"${ports ? `, fromPort: ${ports[0]}, toPort: ${ports[1]}` : ""}${icmp ? ", icmpType: -1, icmpCode: -1" : ""} })`,
                effect,
                hop: "nat-gateway",
            });
        };
        const blockedAtNat = (culprits: Culprit[]) => ({ path: "nat-gateway", verdict: "security-group-or-nacl", culprits, notes: [], consistentFlowVerdicts: ["security-group-or-nacl", "routing"] });

        it("its network ACL denies every leg: the requests in from the workload and out to the destination, the replies back in on 1024-65535 and out to the workload's ephemeral ports", () => {
            expect(answer(denyAtNat(base()), INET)).to.deep.equal(
                blockedAtNat([
                    aclCulprit(false, 100, `tcp 443 to ${INET} arriving from 10.0.1.25 (the requests, on their way into the NAT gateway)`, "tcp", "10.0.1.25/32", [443, 443], "drops-request"),
                    aclCulprit(true, 110, `tcp 443 to ${INET} leaving NAT gateway ${NAT} (the requests)`, "tcp", `${INET}/32`, [443, 443], "drops-request"),
                    aclCulprit(false, 110, `the replies from ${INET}:443 to 10.0.0.90 on the NAT gateway's ports 1024-65535`, "tcp", `${INET}/32`, [1024, 65535], "drops-reply"),
                    aclCulprit(true, 100, "the replies forwarded to 10.0.1.25 on its ephemeral ports 32768-60999", "tcp", "10.0.1.25/32", [32768, 60999], "drops-reply"),
                ]),
            );
        });

        it("the same for ICMP: no ports in the texts or the rules", () => {
            expect(answer(denyAtNat(base()), INET, { protocol: 1, port: 0 })).to.deep.equal(
                blockedAtNat([
                    aclCulprit(false, 100, `icmp to ${INET} arriving from 10.0.1.25 (the requests, on their way into the NAT gateway)`, "icmp", "10.0.1.25/32", undefined, "drops-request"),
                    aclCulprit(true, 110, `icmp to ${INET} leaving NAT gateway ${NAT} (the requests)`, "icmp", `${INET}/32`, undefined, "drops-request"),
                    aclCulprit(false, 110, `the replies from ${INET} to 10.0.0.90`, "icmp", `${INET}/32`, undefined, "drops-reply"),
                    aclCulprit(true, 100, "the replies forwarded to 10.0.1.25", "icmp", "10.0.1.25/32", undefined, "drops-reply"),
                ]),
            );
        });

        // VPC user guide, "Custom network ACLs": a new custom network ACL "denies all inbound and outbound
        // traffic until you add rules". EC2 API reference, CreateNetworkAclEntry: a rule number in use in
        // that direction gives NetworkAclEntryAlreadyExists. One rule dropping both legs of a direction
        // (the requests and the replies) is two problems with two different fixes: both are named, and
        // their new rules get different numbers.
        describe("one rule drops both legs of a direction: both legs named, each new rule its own number", () => {
            const withNatAcl = (docs: Ec2Documents, entries: Ec2NetworkAclEntry[]): Ec2Documents => ({
                ...docs,
                networkAcls: [
                    ...docs.networkAcls.map((a) => ({ ...a, Associations: (a.Associations ?? []).filter((x) => x.SubnetId !== PUBLIC_SUBNET) })),
                    { NetworkAclId: NAT_ACL, VpcId: VPC, IsDefault: false, Associations: [{ SubnetId: PUBLIC_SUBNET, NetworkAclId: NAT_ACL }], Entries: entries },
                ],
            });
            const finalDeny: Ec2NetworkAclEntry[] = [true, false].map((Egress) => ({ RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" }));
            const leg = (egress: boolean, number: number, reason: string, cidr: string, ports: [number, number], effect: Culprit["effect"], rule = "*") =>
                culprit({
                    kind: "network-acl",
                    id: NAT_ACL,
                    direction: egress ? "outbound" : "inbound",
                    rule,
                    reason,
                    fix: `aws ec2 create-network-acl-entry --network-acl-id ${NAT_ACL} ${egress ? "--egress" : "--ingress"} --rule-number ${number} --protocol tcp --port-range From=${ports[0]},To=${ports[1]} --cidr-block ${cidr} --rule-action allow`,
                    hint: `new aws.ec2.NetworkAclRule(..., { networkAclId: "${NAT_ACL}", ruleNumber: ${number}, egress: ${egress}, protocol: "tcp", ruleAction: "allow", cidrBlock: "${cidr}", fromPort: ${ports[0]}, toPort: ${ports[1]} })`,
                    effect,
                    hop: "nat-gateway",
                });

            it("a new custom ACL (only the final * deny): four legs, rules 10 and 20 each way", () => {
                expect(answer(withNatAcl(base(), finalDeny), INET)).to.deep.equal(
                    blockedAtNat([
                        leg(false, 10, `No inbound rule of ${NAT_ACL} allows tcp 443 to ${INET} arriving from 10.0.1.25 (the requests, on their way into the NAT gateway): they meet the final * deny.`, "10.0.1.25/32", [443, 443], "drops-request"),
                        leg(true, 10, `No outbound rule of ${NAT_ACL} allows tcp 443 to ${INET} leaving NAT gateway ${NAT} (the requests): they meet the final * deny.`, `${INET}/32`, [443, 443], "drops-request"),
                        leg(false, 20, `No inbound rule of ${NAT_ACL} allows the replies from ${INET}:443 to 10.0.0.90 on the NAT gateway's ports 1024-65535: they meet the final * deny.`, `${INET}/32`, [1024, 65535], "drops-reply"),
                        leg(true, 20, `No outbound rule of ${NAT_ACL} allows the replies forwarded to 10.0.1.25 on its ephemeral ports 32768-60999: they meet the final * deny.`, "10.0.1.25/32", [32768, 60999], "drops-reply"),
                    ]),
                );
            });

            it("rule 100 denies all traffic each way: four legs, rules 99 and 98 each way", () => {
                const entries: Ec2NetworkAclEntry[] = [
                    ...[true, false].map((Egress) => ({ RuleNumber: 100, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" })),
                    ...finalDeny,
                ];
                const rule = (egress: boolean) => `${egress ? "Outbound" : "Inbound"} rule 100 deny all traffic ${egress ? "to" : "from"} 0.0.0.0/0 of ${NAT_ACL} drops`;
                expect(answer(withNatAcl(base(), entries), INET)).to.deep.equal(
                    blockedAtNat([
                        leg(false, 99, `${rule(false)} tcp 443 to ${INET} arriving from 10.0.1.25 (the requests, on their way into the NAT gateway).`, "10.0.1.25/32", [443, 443], "drops-request", "100"),
                        leg(true, 99, `${rule(true)} tcp 443 to ${INET} leaving NAT gateway ${NAT} (the requests).`, `${INET}/32`, [443, 443], "drops-request", "100"),
                        leg(false, 98, `${rule(false)} the replies from ${INET}:443 to 10.0.0.90 on the NAT gateway's ports 1024-65535.`, `${INET}/32`, [1024, 65535], "drops-reply", "100"),
                        leg(true, 98, `${rule(true)} the replies forwarded to 10.0.1.25 on its ephemeral ports 32768-60999.`, "10.0.1.25/32", [32768, 60999], "drops-reply", "100"),
                    ]),
                );
            });
        });

        // Route tables: "we use the most specific route that matches the traffic" (VPC user guide, "Route
        // priority"). A narrower route in the NAT gateway's table wins over its 0.0.0.0/0 to the internet
        // gateway: that route is the one to replace; replacing 0.0.0.0/0 would change nothing that matters.
        it("a narrower route in its table wins for the destination: the fix replaces that route, by its own destination", () => {
            const tgw: Ec2Route = { DestinationCidrBlock: "203.0.113.0/24", TransitGatewayId: "tgw-0a1b2c3d4e5f60789", Origin: "CreateRoute", State: "active" };
            const docs = publicRoutes(base(), [igwRoute(), tgw]);
            expect(answer(docs, INET)).to.deep.equal(
                routing("nat-gateway", [
                    culprit({
                        kind: "route-table",
                        id: PUBLIC_RTB,
                        rule: "203.0.113.0/24 -> tgw-0a1b2c3d4e5f60789",
                        reason: `NAT gateway ${NAT} sits in ${PUBLIC_SUBNET}, whose route table ${PUBLIC_RTB} does not send ${INET} to an internet gateway (its route for ${INET} is 203.0.113.0/24 -> tgw-0a1b2c3d4e5f60789): a public NAT gateway needs one to reach the internet.`,
                        fix: `aws ec2 replace-route --route-table-id ${PUBLIC_RTB} --destination-cidr-block 203.0.113.0/24 --gateway-id ${IGW}`,
                        hint: 'put the NAT gateway in a public subnet (awsx.ec2.Vpc does), or aws.ec2.Route(..., { destinationCidrBlock: "203.0.113.0/24", gatewayId: <igw> })',
                        hop: "nat-gateway",
                    }),
                ]),
            );
        });

        it("documents without the NAT gateway's or the workload's private address: the legs that need the workload's are left out, the NAT gateway is named in words", () => {
            const { PrivateIpAddress: _ip, ...eni } = workloadEni;
            const { NatGatewayAddresses: _addresses, ...natWithoutAddresses } = nat;
            // Without the list, and with an empty one: the same answer.
            for (const docs of [withEni(denyAtNat(base([natWithoutAddresses])), eni), withEni(denyAtNat(base([{ ...nat, NatGatewayAddresses: [] }])), eni)]) {
                expect(answer(docs, INET)).to.deep.equal(
                    blockedAtNat([
                        aclCulprit(true, 110, `tcp 443 to ${INET} leaving NAT gateway ${NAT} (the requests)`, "tcp", `${INET}/32`, [443, 443], "drops-request"),
                        aclCulprit(false, 110, `the replies from ${INET}:443 to the NAT gateway on the NAT gateway's ports 1024-65535`, "tcp", `${INET}/32`, [1024, 65535], "drops-reply"),
                    ]),
                );
            }
        });
    });

    // AWS PrivateLink guide, "Control access to VPC endpoints using endpoint policies": "If you don't attach
    // an endpoint policy, we attach the default endpoint policy", which "grants full access to the
    // endpoint" (the fixture tests/fixtures/endpoint-policy/aws-default-endpoint-policy.json, copied from
    // that page). Any other policy can refuse requests: S3 answers them with HTTP 403, after the packets
    // were accepted. IAM JSON policy reference: "The Statement element can contain a single statement or an
    // array of individual statements"; "Principal": "*" and "Principal": {"AWS": "*"} both name everyone.
    describe("the default gateway-endpoint policy", () => {
        const fixture = DEFAULT_ENDPOINT_POLICY;
        const defaultStatement = JSON.parse(fixture).Statement[0];
        const policy = (statement: unknown, more: object = {}) => JSON.stringify({ ...more, Statement: statement });
        const cases: Array<[string, string | undefined, boolean]> = [
            ["AWS's default policy, as the guide prints it", fixture, true],
            ["no policy at all (the default applies)", undefined, true],
            ["the default with a Version and a Sid", policy([{ Sid: "AllowAll", ...defaultStatement }], { Version: "2012-10-17" }), true],
            ["the default statement not in a list", policy(defaultStatement), true],
            ['the principal written {"AWS": "*"}', policy([{ ...defaultStatement, Principal: { AWS: "*" } }]), true],
            ["one account's root only", policy([{ ...defaultStatement, Principal: { AWS: "arn:aws:iam::111122223333:root" } }]), false],
            ["a principal that is null", policy([{ ...defaultStatement, Principal: null }]), false],
            ["no principal (invalid for an endpoint policy, which must have one)", policy([{ Effect: "Allow", Action: "*", Resource: "*", Condition: {} }]), false],
            ["Deny instead of Allow", policy([{ ...defaultStatement, Effect: "Deny" }]), false],
            ["S3 actions only", policy([{ ...defaultStatement, Action: "s3:*" }]), false],
            ["one bucket only", policy([{ ...defaultStatement, Resource: "arn:aws:s3:::example-artifacts/*" }]), false],
            ["full access under a condition", policy([{ ...defaultStatement, Condition: { StringEquals: { "aws:PrincipalAccount": "111122223333" } } }]), false],
            ["no statement at all (nothing allowed)", policy([]), false],
            ["the default statement and a Deny", policy([defaultStatement, { ...defaultStatement, Effect: "Deny", Resource: "arn:aws:s3:::secret/*" }]), false],
            ["not JSON", "{", false],
        ];
        for (const [what, document, expected] of cases) {
            it(`${what}: ${expected ? "the default, full access" : "a custom policy"}`, () => {
                expect(isDefaultEndpointPolicy(document)).to.equal(expected);
            });
        }
    });

    // AWS, "Gateway endpoints for Amazon S3": the route table gets a route whose destination is the S3
    // prefix list and whose target is the endpoint; EC2 API reference, VpcEndpoint State: PendingAcceptance,
    // Pending, Available, Deleting, Deleted, Rejected, Failed, Expired (real output spells them lowercase).
    describe("a route to an S3 gateway endpoint", () => {
        const ENDPOINT = "vpce-0a1b2c3d4e5f60789";
        const route: Ec2Route = { DestinationPrefixListId: S3_LIST, GatewayId: ENDPOINT, Origin: "CreateRoute", State: "active" };
        const endpoint: Ec2VpcEndpoint = { VpcEndpointId: ENDPOINT, VpcEndpointType: "Gateway", VpcId: VPC, ServiceName: S3_SERVICE, State: "available", RouteTableIds: [RTB] };
        const docsWith = (vpcEndpoints: Ec2VpcEndpoint[]): Ec2Documents => ({ ...world({ workloadRoutes: [route] }), vpcEndpoints });
        const notAvailable = (service: string, state: string) =>
            culprit({
                kind: "vpc-endpoint",
                id: ENDPOINT,
                rule: `${S3_LIST} -> ${ENDPOINT}`,
                reason: `Gateway endpoint ${ENDPOINT} (${service}) is ${state}, not available.`,
                fix: `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${ENDPOINT} --query 'VpcEndpoints[0].[State,LastError]'`,
                hint: "recreate the aws.ec2.VpcEndpoint if it failed",
            });
        const customPolicy = (service: string) =>
            culprit({
                kind: "vpc-endpoint",
                id: ENDPOINT,
                rule: "endpoint policy",
                reason: `Gateway endpoint ${ENDPOINT} (${service}, used by ${RTB}) has a custom policy: requests it does not allow get HTTP 403 from S3, which flow logs show as accepted traffic. Its statements are not evaluated here.`,
                fix: `aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${ENDPOINT} --reset-policy`,
                hint: `read it first: aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${ENDPOINT} --query 'VpcEndpoints[0].PolicyDocument' --output text; in Pulumi, the policy argument of aws.ec2.VpcEndpoint (--reset-policy restores full access)`,
                effect: "may-deny",
            });
        const fixture = DEFAULT_ENDPOINT_POLICY;

        it("available, with AWS's default policy (the route's endpoint found by its id among several): network-ok", () => {
            const other: Ec2VpcEndpoint = { ...endpoint, VpcEndpointId: "vpce-0000000000000000e", State: "pending" };
            expect(answer(docsWith([other, { ...endpoint, PolicyDocument: fixture }]), S3_IP)).to.deep.equal(ok("gateway-endpoint"));
        });

        it("`Available` as the API model spells it is available too", () => {
            expect(answer(docsWith([{ ...endpoint, State: "Available" }]), S3_IP)).to.deep.equal(ok("gateway-endpoint"));
        });

        it("pending: routing, at the endpoint, with the command that shows its state and last error", () => {
            expect(answer(docsWith([{ ...endpoint, State: "pending" }]), S3_IP)).to.deep.equal(routing("gateway-endpoint", [notAvailable(S3_SERVICE, "pending")]));
        });

        it("an endpoint document without ServiceName or State: in an unknown state, not available", () => {
            const { ServiceName: _s, State: _st, ...trimmed } = endpoint;
            expect(answer(docsWith([trimmed]), S3_IP)).to.deep.equal(routing("gateway-endpoint", [notAvailable("?", "in an unknown state")]));
        });

        it("a custom policy: the path works (network-ok), and the endpoint is named as what may refuse requests", () => {
            const onlyOneBucket = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::example-artifacts/*" }] });
            expect(answer(docsWith([{ ...endpoint, PolicyDocument: onlyOneBucket }]), S3_IP)).to.deep.equal({
                path: "gateway-endpoint",
                verdict: "network-ok",
                culprits: [customPolicy(S3_SERVICE)],
                notes: [],
                consistentFlowVerdicts: ["network-ok"],
            });
            const { ServiceName: _s, ...withoutService } = endpoint;
            expect(answer(docsWith([{ ...withoutService, PolicyDocument: onlyOneBucket }]), S3_IP).culprits).to.deep.equal([customPolicy("?")]);
        });

        it("not in describe-vpc-endpoints: a note says its state and policy were not checked", () => {
            expect(answer(docsWith([]), S3_IP)).to.deep.equal(ok("gateway-endpoint", [`Gateway endpoint ${ENDPOINT} is not in describe-vpc-endpoints: its state and policy were not checked.`]));
        });
    });
});

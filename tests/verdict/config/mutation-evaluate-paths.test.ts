/**
 * Configuration-check answers (analysis/verdict/config/evaluate.ts, the workload's own path: the ENI,
 * its security groups, its subnet's network ACL both ways, its route, a peering connection and the
 * way out of the VPC a peering route cannot give) that mutation testing found unpinned. Each test is
 * one user's situation: a snapshot built here from a small VPC (one ENI, one subnet, one table, one
 * ACL, one security group, each open unless the test closes it), one query, and the whole answer a
 * user reads: path, verdict, every culprit field, every note.
 */
import { expect } from "chai";
import { AddressSet } from "../../../analysis/core/ip";
import { ConfigCheckError, ConfigEvaluation, ConfigQuery, evaluateConfiguration } from "../../../analysis/verdict/config/evaluate";
import {
    Ec2Documents,
    Ec2IpPermission,
    Ec2NetworkAclEntry,
    Ec2NetworkInterface,
    Ec2Route,
    Ec2VpcPeeringConnection,
} from "../../../analysis/verdict/config/ec2Documents";
import { ec2Documents } from "../../helpers/ec2Documents";

const VPC = "vpc-0a1b2c3d4e5f60789";
const PEER_VPC = "vpc-0c2d4e6f8a0b2c4d6";
const ENI = "eni-0a1b2c3d4e5f60718";
const SUBNET = "subnet-0c1d2e3f4a5b6c7d8";
const RTB = "rtb-0aa11bb22cc33dd44";
const SG = "sg-0123456789abcdef0";
const ACL = "acl-0d1e2f3a4b5c6d7e8";
const PCX = "pcx-0a1b2c3d4e5f60789";
const IGW = "igw-0b1c2d3e4f5a6b7c8";
const S3_LIST = "pl-78a54011";
const S3_IP = "52.219.204.42";

const LOCAL: Ec2Route = { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active", Origin: "CreateRouteTable" };
const OPEN_EGRESS: Ec2IpPermission = { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [{ CidrIpv6: "::/0" }] };
/** The default network ACL's entries: allow everything both ways, then the final `*` deny. */
const OPEN_ACL: Ec2NetworkAclEntry[] = [
    { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" },
    { RuleNumber: 101, Protocol: "-1", RuleAction: "allow", Egress: true, Ipv6CidrBlock: "::/0" },
    { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0" },
    { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" },
    { RuleNumber: 101, Protocol: "-1", RuleAction: "allow", Egress: false, Ipv6CidrBlock: "::/0" },
    { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0" },
];

interface Vpc {
    routes?: Ec2Route[];
    eni?: Partial<Ec2NetworkInterface>;
    egress?: Ec2IpPermission[];
    acl?: Ec2NetworkAclEntry[];
    more?: Partial<Ec2Documents>;
}

/** One ENI in one subnet, its table explicitly associated, everything open unless `v` says otherwise. */
function vpc(v: Vpc = {}): Ec2Documents {
    return ec2Documents({
        networkInterfaces: [
            {
                NetworkInterfaceId: ENI,
                SubnetId: SUBNET,
                VpcId: VPC,
                AvailabilityZone: "ap-northeast-2a",
                PrivateIpAddress: "10.0.1.25",
                Groups: [{ GroupId: SG, GroupName: "workload" }],
                ...v.eni,
            },
        ],
        routeTables: [{ RouteTableId: RTB, VpcId: VPC, Routes: [LOCAL, ...(v.routes ?? [])], Associations: [{ Main: false, SubnetId: SUBNET, RouteTableId: RTB }] }],
        securityGroups: [{ GroupId: SG, GroupName: "workload", VpcId: VPC, IpPermissionsEgress: v.egress ?? [OPEN_EGRESS] }],
        networkAcls: [{ NetworkAclId: ACL, VpcId: VPC, IsDefault: true, Associations: [{ SubnetId: SUBNET, NetworkAclId: ACL }], Entries: v.acl ?? OPEN_ACL }],
        ...v.more,
    });
}

type Answer = Pick<ConfigEvaluation, "path" | "verdict" | "culprits" | "notes" | "consistentFlowVerdicts">;

function answer(docs: Ec2Documents, dst: string, query: Partial<ConfigQuery> = {}): Answer {
    const r = evaluateConfiguration(docs, ENI, { dst: AddressSet.parse(dst, "--dst"), port: 443, protocol: 6, ...query });
    return { path: r.path, verdict: r.verdict, culprits: r.culprits, notes: r.notes, consistentFlowVerdicts: r.consistentFlowVerdicts };
}

const stopAtPeering = (dst: string) =>
    `${RTB} sends ${dst} to peering connection ${PCX}: the check stops there (the peer VPC's routes, security groups and ACLs are not seen).`;

function peering(code: string | undefined, sides: { requester?: Ec2VpcPeeringConnection["RequesterVpcInfo"]; accepter?: Ec2VpcPeeringConnection["AccepterVpcInfo"] }, message?: string): Ec2VpcPeeringConnection {
    return {
        VpcPeeringConnectionId: PCX,
        Status: code === undefined ? undefined : { Code: code, Message: message },
        RequesterVpcInfo: sides.requester,
        AccepterVpcInfo: sides.accepter,
    };
}

/** An active connection as describe-vpc-peering-connections prints it: CidrBlockSet repeats the primary block. */
const ACTIVE_PEER = {
    VpcId: PEER_VPC,
    OwnerId: "444455556666",
    Region: "ap-northeast-2",
    CidrBlock: "10.20.0.0/16",
    CidrBlockSet: [{ CidrBlock: "10.20.0.0/16" }, { CidrBlock: "10.21.0.0/16" }],
    Ipv6CidrBlockSet: [{ Ipv6CidrBlock: "2600:1f18:aaaa:bb00::/56" }],
};
const OWN_SIDE = { VpcId: VPC, OwnerId: "111122223333", Region: "ap-northeast-2", CidrBlock: "10.0.0.0/16", CidrBlockSet: [{ CidrBlock: "10.0.0.0/16" }] };

const NAT = "nat-0f1e2d3c4b5a69788";
const NAT_ENI = "eni-0ab12cd34ef56a789";
const PUBLIC_SUBNET = "subnet-0f9e8d7c6b5a49382";
const S3_SERVICE = "com.amazonaws.ap-northeast-2.s3";

/** A NAT gateway of the VPC and its interface, in `zone`. */
function natIn(state = "available"): Partial<Ec2Documents> {
    return {
        natGateways: [{ NatGatewayId: NAT, SubnetId: PUBLIC_SUBNET, VpcId: VPC, State: state, ConnectivityType: "public", NatGatewayAddresses: [{ NetworkInterfaceId: NAT_ENI, PrivateIp: "10.0.0.149" }] }],
    };
}
const natEni = (zone: string): Ec2NetworkInterface => ({ NetworkInterfaceId: NAT_ENI, SubnetId: PUBLIC_SUBNET, VpcId: VPC, AvailabilityZone: zone, InterfaceType: "nat_gateway", RequesterManaged: true });

/** The workload's ENI as `vpc()` builds it, plus other interfaces of the snapshot. */
function withEnis(docs: Ec2Documents, ...others: Ec2NetworkInterface[]): Ec2Documents {
    return { ...docs, networkInterfaces: [...docs.networkInterfaces, ...others] };
}

const BEYOND_PEERING =
    "a peering connection carries only traffic to the peer VPC's own addresses; AWS does not route beyond it, so the peer's internet gateway, NAT device or gateway endpoint cannot be used (VPC peering guide, edge to edge routing).";

/** The routing answer when the peering route's destination is outside the peer VPC. */
function beyondPeer(dst: string, peerBlocks: string, egress: { says: string; fix: string; hint: string }, rule = `0.0.0.0/0 -> ${PCX}`): Answer {
    return {
        path: "peering",
        verdict: "routing",
        culprits: [
            {
                kind: "route-table",
                id: RTB,
                direction: "outbound",
                rule,
                reason: `${RTB} sends ${dst} to peering connection ${PCX}, but ${dst} is outside ${PEER_VPC} (${peerBlocks}): ${BEYOND_PEERING} ${egress.says}`,
                fix: egress.fix,
                hint: egress.hint,
                effect: "drops-request",
                hop: "workload",
            },
        ],
        notes: [],
        consistentFlowVerdicts: ["routing"],
    };
}

const PEER_V4 = "10.20.0.0/16, 10.21.0.0/16";
const DEFAULT_TO_PCX: Ec2Route = { DestinationCidrBlock: "0.0.0.0/0", VpcPeeringConnectionId: PCX, State: "active", Origin: "CreateRoute" };
const NAT_HINT = "awsx.ec2.Vpc natGateways, or aws.ec2.NatGateway in a public subnet and aws.ec2.Route to it";

describe("configuration check: the workload's own path (mutation-tested)", () => {
    // AWS, VPC peering guide, "VPC peering limitations" / edge to edge routing: "If VPC A has an internet
    // gateway, resources in VPC B can't use the internet gateway in VPC A to access the internet" (likewise
    // a NAT device, a VPN or Direct Connect connection, a gateway endpoint to S3). A peering connection
    // reaches the peer VPC's own CIDR blocks: the primary one and every secondary one (CidrBlockSet,
    // which also lists the primary block; EC2 API reference, VpcPeeringConnectionVpcInfo).
    describe("peering: which side is the peer", () => {
        it("the workload's VPC is the accepter: the requester's blocks are the peer's, each listed once", () => {
            const docs = vpc({ routes: [DEFAULT_TO_PCX], more: { vpcPeeringConnections: [peering("active", { requester: ACTIVE_PEER, accepter: OWN_SIDE })] } });
            expect(answer(docs, S3_IP)).to.deep.equal(
                beyondPeer(S3_IP, PEER_V4, {
                    says: `Route it through a NAT gateway of ${VPC} itself. Create one in ap-northeast-2a first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>.`,
                    fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <new-nat-gateway-id>`,
                    hint: NAT_HINT,
                }),
            );
        });

        it("the workload's VPC is the accepter: an address in the requester's secondary block stops the check there", () => {
            const docs = vpc({ routes: [DEFAULT_TO_PCX], more: { vpcPeeringConnections: [peering("active", { requester: ACTIVE_PEER, accepter: OWN_SIDE })] } });
            expect(answer(docs, "10.21.255.255")).to.deep.equal({ path: "peering", verdict: "inconclusive", culprits: [], notes: [stopAtPeering("10.21.255.255")], consistentFlowVerdicts: ["inconclusive"] });
        });

        // A peer's blocks are compared only when one side is the workload's VPC: otherwise which side
        // is "the peer" is not known, and the check says so instead of guessing.
        it("neither side is the workload's VPC: the check stops and says the blocks were not compared", () => {
            const docs = vpc({ routes: [DEFAULT_TO_PCX], more: { vpcPeeringConnections: [peering("active", { requester: { ...OWN_SIDE, VpcId: "vpc-0ffff0000eeee1111" }, accepter: ACTIVE_PEER })] } });
            expect(answer(docs, S3_IP)).to.deep.equal({
                path: "peering",
                verdict: "inconclusive",
                culprits: [],
                notes: [stopAtPeering(S3_IP), `Neither side of ${PCX} is ${VPC}: its CIDR blocks were not compared with ${S3_IP}.`],
                consistentFlowVerdicts: ["inconclusive"],
            });
        });

        it("the ENI's VPC is not in describe-network-interfaces: the check stops and says the blocks were not compared", () => {
            const docs = vpc({ routes: [DEFAULT_TO_PCX], eni: { VpcId: undefined }, more: { vpcPeeringConnections: [peering("active", { requester: OWN_SIDE, accepter: ACTIVE_PEER })] } });
            expect(answer(docs, S3_IP)).to.deep.equal({
                path: "peering",
                verdict: "inconclusive",
                culprits: [],
                notes: [stopAtPeering(S3_IP), `Neither side of ${PCX} is the workload's VPC: its CIDR blocks were not compared with ${S3_IP}.`],
                consistentFlowVerdicts: ["inconclusive"],
            });
        });

        // The IPv6 blocks of the peer are in Ipv6CidrBlockSet; an IPv6 destination is compared with those only.
        it("IPv6: inside the peer's IPv6 block stops the check; outside it is routing, fixed with an egress-only internet gateway", () => {
            const toPcx6: Ec2Route = { DestinationIpv6CidrBlock: "::/0", VpcPeeringConnectionId: PCX, State: "active", Origin: "CreateRoute" };
            const docs = vpc({ routes: [toPcx6], more: { vpcPeeringConnections: [peering("active", { requester: OWN_SIDE, accepter: ACTIVE_PEER })] } });
            expect(answer(docs, "2600:1f18:aaaa:bbff::1")).to.deep.equal({
                path: "peering",
                verdict: "inconclusive",
                culprits: [],
                notes: [stopAtPeering("2600:1f18:aaaa:bbff::1")],
                consistentFlowVerdicts: ["inconclusive"],
            });
            expect(answer(docs, "2600:1f18:aaaa:bc00::1")).to.deep.equal(
                beyondPeer(
                    "2600:1f18:aaaa:bc00::1",
                    "2600:1f18:aaaa:bb00::/56",
                    {
                        says: `Route it through an egress-only internet gateway of ${VPC} instead.`,
                        fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id <eigw-id>`,
                        hint: "aws.ec2.EgressOnlyInternetGateway and aws.ec2.Route(..., { destinationIpv6CidrBlock, egressOnlyGatewayId })",
                    },
                    `::/0 -> ${PCX}`,
                ),
            );
        });

        // A range that the peer's blocks cover only together (two adjacent blocks) is inside the peer VPC.
        it("a --dst range covered by two of the peer's blocks together: inside, the check stops without calling it partly outside", () => {
            const docs = vpc({ routes: [DEFAULT_TO_PCX], more: { vpcPeeringConnections: [peering("active", { requester: OWN_SIDE, accepter: ACTIVE_PEER })] } });
            expect(answer(docs, "10.20.0.0/15")).to.deep.equal({ path: "peering", verdict: "inconclusive", culprits: [], notes: [stopAtPeering("10.20.0.0/15")], consistentFlowVerdicts: ["inconclusive"] });
            // The same blocks listed higher first, as CidrBlockSet may list them.
            const reversed = { ...ACTIVE_PEER, CidrBlock: "10.21.0.0/16", CidrBlockSet: [{ CidrBlock: "10.21.0.0/16" }, { CidrBlock: "10.20.0.0/16" }] };
            const docs2 = vpc({ routes: [DEFAULT_TO_PCX], more: { vpcPeeringConnections: [peering("active", { requester: OWN_SIDE, accepter: reversed })] } });
            expect(answer(docs2, "10.20.0.0/15")).to.deep.equal({ path: "peering", verdict: "inconclusive", culprits: [], notes: [stopAtPeering("10.20.0.0/15")], consistentFlowVerdicts: ["inconclusive"] });
        });
    });

    // How the workload's own VPC reaches what a peering route cannot: the answer's fix is the command a
    // user runs, so each way out is pinned with its exact command.
    describe("peering: the way out of the workload's own VPC", () => {
        const withPeer = (v: Vpc = {}) =>
            vpc({ ...v, routes: [DEFAULT_TO_PCX], more: { vpcPeeringConnections: [peering("active", { requester: OWN_SIDE, accepter: ACTIVE_PEER })], ...v.more } });

        // NAT gateways user guide: a NAT gateway serves the instances in its Availability Zone; "If
        // resources in multiple Availability Zones share one NAT gateway, and if the NAT gateway's
        // Availability Zone is down, resources in the other Availability Zones lose internet access."
        it("an available NAT gateway of the VPC in the ENI's zone: replace the route with it", () => {
            const docs = withEnis(withPeer({ more: natIn() }), natEni("ap-northeast-2a"));
            expect(answer(docs, S3_IP)).to.deep.equal(
                beyondPeer(S3_IP, PEER_V4, {
                    says: `Route it through ${VPC}'s own NAT gateway: Route to ${NAT}, available in ap-northeast-2a like ${ENI}.`,
                    fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${NAT}`,
                    hint: NAT_HINT,
                }),
            );
        });

        it("an available NAT gateway only in another zone: create one in the ENI's zone, the other named as usable now", () => {
            const docs = withEnis(withPeer({ more: natIn() }), natEni("ap-northeast-2c"));
            expect(answer(docs, S3_IP)).to.deep.equal(
                beyondPeer(S3_IP, PEER_V4, {
                    says:
                        `Route it through a NAT gateway of ${VPC} itself. Create one in ap-northeast-2a first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>. ` +
                        `Available in other zones, or zones the documents do not show: ${NAT} (ap-northeast-2c); usable now, at the cost of cross-zone traffic and that zone's failures.`,
                    fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <new-nat-gateway-id>`,
                    hint: NAT_HINT,
                }),
            );
        });

        // Internet gateways user guide: an instance in a subnet with a route to an internet gateway
        // reaches the internet when it has a public IPv4 address (or an Elastic IP address).
        it("an internet gateway attached to the VPC and a public IPv4 address on the ENI: replace the route with the internet gateway", () => {
            const docs = withPeer({ eni: { Association: { PublicIp: "3.38.10.20" } }, more: { internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] }] } });
            expect(answer(docs, S3_IP)).to.deep.equal(
                beyondPeer(S3_IP, PEER_V4, {
                    says: `${ENI} has a public IPv4 address: route it through ${VPC}'s own internet gateway ${IGW}.`,
                    fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id ${IGW}`,
                    hint: 'aws.ec2.Route(..., { destinationCidrBlock: "0.0.0.0/0", gatewayId: <the VPC\'s internet gateway> })',
                }),
            );
        });

        it("an internet gateway but no public address on the ENI: a NAT gateway, not the internet gateway", () => {
            const docs = withPeer({ more: { internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] }] } });
            expect(answer(docs, S3_IP).culprits[0].fix).to.equal(`aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <new-nat-gateway-id>`);
        });

        it("a public address but the only internet gateway is attached to another VPC: a NAT gateway", () => {
            const docs = withPeer({ eni: { Association: { PublicIp: "3.38.10.20" } }, more: { internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: PEER_VPC }] }] } });
            expect(answer(docs, S3_IP).culprits[0].fix).to.equal(`aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <new-nat-gateway-id>`);
        });

        // Gateway endpoints user guide: "There is no additional charge for using gateway endpoints", and
        // a gateway endpoint is used by the route tables associated with it; its service name is
        // com.amazonaws.<region>.s3 and its route's destination is the service's prefix list.
        const s3Lists = { prefixLists: [{ PrefixListId: S3_LIST, PrefixListName: S3_SERVICE, AddressFamily: "IPv4" }], prefixListEntries: { [S3_LIST]: [{ Cidr: "52.219.192.0/18" }] } };
        it("S3 (the address is in the S3 prefix list) and the VPC's own gateway endpoint: add the route table to that endpoint", () => {
            const vpcEndpoints = [
                { VpcEndpointId: "vpce-0111111111111111a", VpcEndpointType: "Interface", VpcId: VPC, ServiceName: S3_SERVICE, State: "available" },
                { VpcEndpointId: "vpce-0222222222222222b", VpcEndpointType: "Gateway", VpcId: PEER_VPC, ServiceName: S3_SERVICE, State: "available" },
                { VpcEndpointId: "vpce-0333333333333333c", VpcEndpointType: "Gateway", VpcId: VPC, ServiceName: "com.amazonaws.ap-northeast-2.dynamodb", State: "available" },
                // VpcEndpointType left out (an older CLI): a gateway endpoint, the default type of CreateVpcEndpoint.
                { VpcEndpointId: "vpce-0444444444444444d", VpcId: VPC, ServiceName: S3_SERVICE, State: "available", RouteTableIds: ["rtb-0123abcd4567ef890"] },
            ];
            expect(answer(withPeer({ more: { ...s3Lists, vpcEndpoints } }), S3_IP)).to.deep.equal(
                beyondPeer(S3_IP, PEER_V4, {
                    says: `Reach S3 through ${VPC}'s own gateway endpoint vpce-0444444444444444d: add ${RTB} to it.`,
                    fix: `aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0444444444444444d --add-route-table-ids ${RTB}`,
                    hint: `add "${RTB}" to routeTableIds of the aws.ec2.VpcEndpoint`,
                }),
            );
        });

        it("S3 (the address is in the S3 prefix list) and no gateway endpoint of the VPC: create one on this route table", () => {
            const vpcEndpoints = [{ VpcEndpointId: "vpce-0222222222222222b", VpcEndpointType: "Gateway", VpcId: PEER_VPC, ServiceName: S3_SERVICE, State: "available" }];
            expect(answer(withPeer({ more: { ...s3Lists, vpcEndpoints } }), S3_IP)).to.deep.equal(
                beyondPeer(S3_IP, PEER_V4, {
                    says: `Reach S3 through a gateway endpoint of ${VPC} itself (free); its prefix-list route is more specific than 0.0.0.0/0.`,
                    fix: `aws ec2 create-vpc-endpoint --vpc-id ${VPC} --vpc-endpoint-type Gateway --service-name ${S3_SERVICE} --route-table-ids ${RTB}`,
                    hint: `new aws.ec2.VpcEndpoint(..., { vpcId: "${VPC}", serviceName: "${S3_SERVICE}", vpcEndpointType: "Gateway", routeTableIds: ["${RTB}"] })`,
                }),
            );
        });

        it("an address in a prefix list that is not S3's: not S3, a NAT gateway", () => {
            const lists = { prefixLists: [{ PrefixListId: "pl-0ddb0ddb", PrefixListName: "com.amazonaws.ap-northeast-2.dynamodb" }], prefixListEntries: { "pl-0ddb0ddb": [{ Cidr: "52.219.192.0/18" }] } };
            expect(answer(withPeer({ more: lists }), S3_IP).culprits[0].fix).to.equal(`aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <new-nat-gateway-id>`);
        });

        // `--dst s3` without the prefix list in the snapshot: the service name is built from the ENI's
        // Region, the Availability Zone name without its letter (us-gov-west-1b is in us-gov-west-1).
        const s3ByZone: Array<[string | undefined, string]> = [
            ["ap-northeast-2a", "com.amazonaws.ap-northeast-2.s3"],
            ["us-gov-west-1b", "com.amazonaws.us-gov-west-1.s3"],
            [undefined, "com.amazonaws.<region>.s3"],
        ];
        for (const [zone, service] of s3ByZone) {
            it(`--dst s3 without the S3 prefix list, ENI in ${zone ?? "no zone"}: create the endpoint for ${service}`, () => {
                const docs = withPeer({ eni: { AvailabilityZone: zone } });
                expect(answer(docs, S3_IP, { dstIsS3: true })).to.deep.equal(
                    beyondPeer(S3_IP, PEER_V4, {
                        says: `Reach S3 through a gateway endpoint of ${VPC} itself (free); its prefix-list route is more specific than 0.0.0.0/0.`,
                        fix: `aws ec2 create-vpc-endpoint --vpc-id ${VPC} --vpc-endpoint-type Gateway --service-name ${service} --route-table-ids ${RTB}`,
                        hint: `new aws.ec2.VpcEndpoint(..., { vpcId: "${VPC}", serviceName: "${service}", vpcEndpointType: "Gateway", routeTableIds: ["${RTB}"] })`,
                    }),
                );
            });
        }
    });

    // VPC peering guide, "VPC peering connection lifecycle": "Initiating-request: A request for a VPC
    // peering connection has been initiated"; "Pending-acceptance: The VPC peering connection request is
    // awaiting acceptance from the owner of the accepter VPC"; "Rejected", "Expired", "Deleted" connections
    // cannot be used again ("you cannot reuse ... you must create a new request"); "Deleting: ... in the
    // process of being deleted". A route to a connection that is not active shows State blackhole.
    describe("peering: a connection that is not active", () => {
        const base = (state: string, dst = S3_IP) => `${RTB} sends ${dst} to peering connection ${PCX}, which is ${state}: it carries no traffic.`;
        const unknown = (dst = S3_IP, peer = PEER_VPC) => ` EC2 returns a peer's CIDR blocks only for an active connection, so whether ${dst} is in ${peer} is not known.`;
        const blackholeToPcx: Ec2Route = { ...DEFAULT_TO_PCX, State: "blackhole" };
        const pcxCulprit = (reason: string, fix: string, hint: string, rule = `0.0.0.0/0 -> ${PCX} (blackhole)`): Answer => ({
            path: "peering",
            verdict: "routing",
            culprits: [{ kind: "vpc-peering-connection", id: PCX, direction: "outbound", rule, reason, fix, hint, effect: "drops-request", hop: "workload" }],
            notes: [],
            consistentFlowVerdicts: ["routing"],
        });
        const recreate = (other = PEER_VPC) =>
            `create a new one first (aws ec2 create-vpc-peering-connection --vpc-id ${VPC} --peer-vpc-id ${other}), have it accepted, and point the route at it.`;
        const replaceRoute = `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --vpc-peering-connection-id <new-pcx-id>`;
        const newPeeringHint = "aws.ec2.VpcPeeringConnection (and aws.ec2.VpcPeeringConnectionAccepter), then aws.ec2.Route to it";
        const pending = { VpcId: PEER_VPC };
        const withPcx = (pcx: Ec2VpcPeeringConnection, route: Ec2Route = blackholeToPcx, eni: Partial<Ec2NetworkInterface> = {}) => vpc({ routes: [route], eni, more: { vpcPeeringConnections: [pcx] } });

        it("pending-acceptance, the accepter's account and Region not given: its owner must accept it", () => {
            expect(answer(withPcx(peering("pending-acceptance", { requester: { VpcId: VPC }, accepter: pending })), S3_IP)).to.deep.equal(
                pcxCulprit(
                    `${base("pending-acceptance")} The owner of ${PEER_VPC} must accept it.${unknown()}`,
                    `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${PCX}`,
                    "aws.ec2.VpcPeeringConnectionAccepter in the accepter's program (autoAccept: true)",
                ),
            );
        });

        it("pending-acceptance with no accepter in the document: the accepter VPC's owner must accept it", () => {
            expect(answer(withPcx(peering("pending-acceptance", { requester: { VpcId: VPC } })), S3_IP)).to.deep.equal(
                pcxCulprit(
                    `${base("pending-acceptance")} The owner of the accepter VPC must accept it. EC2 returns a peer's CIDR blocks only for an active connection, so whether ${S3_IP} is in the peer VPC is not known.`,
                    `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${PCX}`,
                    "aws.ec2.VpcPeeringConnectionAccepter in the accepter's program (autoAccept: true)",
                ),
            );
        });

        it("initiating-request: on its way, wait", () => {
            expect(answer(withPcx(peering("initiating-request", { requester: { VpcId: VPC }, accepter: pending })), S3_IP)).to.deep.equal(
                pcxCulprit(
                    `${base("initiating-request")} It is on its way to active: wait and check again.${unknown()}`,
                    `aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids ${PCX} --query 'VpcPeeringConnections[0].Status'`,
                    "nothing to change while it is being set up",
                ),
            );
        });

        for (const state of ["rejected", "expired", "deleting"]) {
            it(`${state}: cannot be used again, a new one is needed`, () => {
                expect(answer(withPcx(peering(state, { requester: { VpcId: VPC }, accepter: pending })), S3_IP)).to.deep.equal(
                    pcxCulprit(`${base(state)} It cannot be used again: ${recreate()}${unknown()}`, replaceRoute, newPeeringHint),
                );
            });
        }

        it("no status in the document: not usable, and a new one is needed (the workload's VPC the accepter)", () => {
            expect(answer(withPcx(peering(undefined, { requester: pending, accepter: { VpcId: VPC } })), S3_IP)).to.deep.equal(
                pcxCulprit(`${base("unknown")} It is not usable: ${recreate()}${unknown()}`, replaceRoute, newPeeringHint),
            );
        });

        it("a state EC2 may add later: not usable, and the route still named (a route that is not a blackhole)", () => {
            expect(answer(withPcx(peering("suspended", { requester: { VpcId: VPC }, accepter: pending }), DEFAULT_TO_PCX), S3_IP)).to.deep.equal(
                pcxCulprit(`${base("suspended")} It is not usable: ${recreate()}${unknown()}`, replaceRoute, newPeeringHint, `0.0.0.0/0 -> ${PCX}`),
            );
        });

        // When the document does hold the peer's blocks, an address inside them needs no "not known" sentence.
        it("failed, the peer's blocks in the document and the address inside them: the state is the answer, nothing said about the blocks", () => {
            expect(answer(withPcx(peering("failed", { requester: OWN_SIDE, accepter: ACTIVE_PEER })), "10.20.5.5")).to.deep.equal(
                pcxCulprit(`${base("failed", "10.20.5.5")} It cannot be used again: ${recreate()}`, replaceRoute, newPeeringHint),
            );
        });

        it("deleted, the ENI's VPC unknown: the commands name the requester as the peer and leave the VPC to fill in", () => {
            expect(answer(withPcx(peering("deleted", { requester: { VpcId: PEER_VPC }, accepter: { VpcId: "vpc-0ffff0000eeee1111" } }), blackholeToPcx, { VpcId: undefined }), S3_IP)).to.deep.equal(
                pcxCulprit(
                    `${base("deleted")} It cannot be used again: create a new one first (aws ec2 create-vpc-peering-connection --vpc-id <vpc-id> --peer-vpc-id ${PEER_VPC}), have it accepted, and point the route at it. EC2 returns a peer's CIDR blocks only for an active connection, so whether ${S3_IP} is in the peer VPC is not known.`,
                    replaceRoute,
                    newPeeringHint,
                ),
            );
        });

        // A blackhole route drops the packets whatever its target was: when the connection is not in the
        // snapshot, the route itself is the culprit, with the command that points it at an available NAT
        // gateway of the VPC (one to choose here: removing the only route would leave none).
        it("a blackhole route to a connection not in describe-vpc-peering-connections: the route is the culprit", () => {
            expect(answer(vpc({ routes: [blackholeToPcx] }), S3_IP)).to.deep.equal({
                path: "peering",
                verdict: "routing",
                culprits: [
                    {
                        kind: "route-table",
                        id: RTB,
                        direction: "outbound",
                        rule: `0.0.0.0/0 -> ${PCX} (blackhole)`,
                        reason: `The route ${SUBNET} uses for ${S3_IP} is 0.0.0.0/0 -> ${PCX}, and it is a blackhole: its target no longer exists (a deleted NAT gateway, a detached gateway, a terminated instance), so the packets are dropped.`,
                        fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <available-nat-gateway-id>`,
                        hint: `aws.ec2.Route(..., { routeTableId: "${RTB}", destinationCidrBlock: "0.0.0.0/0", natGatewayId: <a NAT gateway that exists> })`,
                        effect: "drops-request",
                        hop: "workload",
                    },
                ],
                notes: [stopAtPeering(S3_IP), `Peering connection ${PCX} is not in describe-vpc-peering-connections: its state and the peer VPC's CIDR blocks were not checked.`],
                consistentFlowVerdicts: ["routing"],
            });
        });
    });

    // VPC user guide, route tables: "Every route table contains a local route for communication within the
    // VPC"; transit gateway and virtual private gateway routes hand the packets to a component whose own
    // routes the snapshot does not hold, so the check stops and says where.
    describe("the route the subnet uses, by target", () => {
        const stop = (path: string, note: string): Answer => ({ path, verdict: "inconclusive", culprits: [], notes: [note], consistentFlowVerdicts: ["inconclusive"] } as Answer);

        it("local: the destination is inside the VPC, whose own rules are not checked", () => {
            expect(answer(vpc(), "10.0.3.3")).to.deep.equal({
                path: "local",
                verdict: "network-ok",
                culprits: [],
                notes: ["10.0.3.3 is inside the VPC (local route): the destination's own security group and network ACL are not checked."],
                consistentFlowVerdicts: ["network-ok"],
            });
        });

        it("a transit gateway: the check stops there", () => {
            const docs = vpc({ routes: [{ DestinationCidrBlock: "0.0.0.0/0", TransitGatewayId: "tgw-0123456789abcdef0", State: "active" }] });
            expect(answer(docs, S3_IP)).to.deep.equal(
                stop("transit-gateway", `${RTB} sends ${S3_IP} to transit gateway tgw-0123456789abcdef0: the check stops there (its route tables and the far side are not seen).`),
            );
        });

        it("a virtual private gateway: the check stops at the VPN or Direct Connect side", () => {
            const docs = vpc({ routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: "vgw-0123456789abcdef0", State: "active", Origin: "EnableVgwRoutePropagation" }] });
            expect(answer(docs, S3_IP)).to.deep.equal(
                stop("other", `${RTB} sends ${S3_IP} to virtual private gateway vgw-0123456789abcdef0: the check stops there (the VPN or Direct Connect side is not seen).`),
            );
        });

        it("a network interface (an appliance): a target this check does not follow", () => {
            const docs = vpc({ routes: [{ DestinationCidrBlock: "0.0.0.0/0", NetworkInterfaceId: "eni-0fe1dc2ba3f4e5d6c", State: "active" }] });
            expect(answer(docs, S3_IP)).to.deep.equal(stop("other", `${RTB} sends ${S3_IP} to eni-0fe1dc2ba3f4e5d6c: a target this check does not follow.`));
        });

        it("a peering connection not in describe-vpc-peering-connections, route active: the check stops and says what it did not check", () => {
            expect(answer(vpc({ routes: [DEFAULT_TO_PCX] }), S3_IP)).to.deep.equal({
                path: "peering",
                verdict: "inconclusive",
                culprits: [],
                notes: [stopAtPeering(S3_IP), `Peering connection ${PCX} is not in describe-vpc-peering-connections: its state and the peer VPC's CIDR blocks were not checked.`],
                consistentFlowVerdicts: ["inconclusive"],
            });
        });

        // Managed prefix lists user guide: a route whose destination is a prefix list stands for each of
        // its entries. Without the entries the route cannot be compared with the destination, so the
        // route is not decided: the answer says which list is missing and is inconclusive, not "ok".
        it("a prefix-list route whose entries the snapshot lacks: inconclusive, the list named", () => {
            const docs = vpc({ routes: [{ DestinationPrefixListId: "pl-0e1d2c3b4a5f60718", GatewayId: "vpce-0a1b2c3d4e5f60789", State: "active" }] });
            expect(answer(docs, S3_IP)).to.deep.equal({
                path: "none",
                verdict: "inconclusive",
                culprits: [],
                notes: ["Prefix list pl-0e1d2c3b4a5f60718 has no get-managed-prefix-list-entries-pl-0e1d2c3b4a5f60718.json: routes to it were not checked."],
                consistentFlowVerdicts: ["inconclusive"],
            });
        });

        // Route tables: a route whose target is gone (a terminated instance, a deleted interface) shows
        // State blackhole, and "the traffic ... is dropped". The fix points it at an available NAT gateway
        // of the VPC when there is one (IPv4 only: CreateRoute's NatGatewayId is for IPv4 traffic), else
        // removes it when a less specific route then takes the packets, else points it at a NAT gateway
        // (IPv6: an egress-only internet gateway) to choose, since removing it would leave no route at
        // all (found by property-routeFixes.test.ts); the Pulumi hint names the route's destination
        // argument (aws.ec2.Route: "Exactly one of destinationCidrBlock, destinationIpv6CidrBlock, or
        // destinationPrefixListId is required").
        const blackholeCulprit = (rule: string, destination: string, fix: string, hintArg: string, dst = S3_IP, target = "natGatewayId: <a NAT gateway that exists>") => ({
            kind: "route-table",
            id: RTB,
            direction: "outbound",
            rule: `${rule} (blackhole)`,
            reason: `The route ${SUBNET} uses for ${dst} is ${rule}, and it is a blackhole: its target no longer exists (a deleted NAT gateway, a detached gateway, a terminated instance), so the packets are dropped.`,
            fix,
            hint: `aws.ec2.Route(..., { routeTableId: "${RTB}", ${hintArg}: "${destination}", ${target} })`,
            effect: "drops-request",
            hop: "workload",
        });
        const routing = (path: string, culprit: object): Answer => ({ path, verdict: "routing", culprits: [culprit], notes: [], consistentFlowVerdicts: ["routing"] } as Answer);
        const toGoneInstance: Ec2Route = { DestinationCidrBlock: "0.0.0.0/0", InstanceId: "i-0a1b2c3d4e5f60789", NetworkInterfaceId: "eni-0fe1dc2ba3f4e5d6c", State: "blackhole" };

        it("a blackhole route to a terminated instance, an available NAT gateway in the VPC: point the route at it", () => {
            const docs = withEnis(vpc({ routes: [toGoneInstance], more: natIn() }), natEni("ap-northeast-2a"));
            expect(answer(docs, S3_IP)).to.deep.equal(
                routing(
                    "other",
                    blackholeCulprit(`0.0.0.0/0 -> eni-0fe1dc2ba3f4e5d6c`, "0.0.0.0/0", `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${NAT}`, "destinationCidrBlock"),
                ),
            );
        });

        it("a blackhole route to a terminated instance, the VPC's only NAT gateway not available, no other route: point it at a NAT gateway to choose", () => {
            const docs = withEnis(vpc({ routes: [toGoneInstance], more: natIn("pending") }), natEni("ap-northeast-2a"));
            expect(answer(docs, S3_IP)).to.deep.equal(
                routing(
                    "other",
                    blackholeCulprit(`0.0.0.0/0 -> eni-0fe1dc2ba3f4e5d6c`, "0.0.0.0/0", `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <available-nat-gateway-id>`, "destinationCidrBlock"),
                ),
            );
        });

        it("a blackhole route to a terminated instance under a less specific route, no NAT gateway available: remove the route", () => {
            const narrow: Ec2Route = { ...toGoneInstance, DestinationCidrBlock: "52.219.204.0/24" };
            const docs = withEnis(vpc({ routes: [{ DestinationCidrBlock: "0.0.0.0/0", TransitGatewayId: "tgw-0123456789abcdef0", State: "active" }, narrow], more: natIn("pending") }), natEni("ap-northeast-2a"));
            expect(answer(docs, S3_IP)).to.deep.equal(
                routing("other", blackholeCulprit(`52.219.204.0/24 -> eni-0fe1dc2ba3f4e5d6c`, "52.219.204.0/24", `aws ec2 delete-route --route-table-id ${RTB} --destination-cidr-block 52.219.204.0/24`, "destinationCidrBlock")),
            );
        });

        it("a blackhole prefix-list route: the commands name the prefix list", () => {
            // A less specific route stays when it is removed.
            const docs = vpc({
                routes: [{ DestinationCidrBlock: "0.0.0.0/0", TransitGatewayId: "tgw-0123456789abcdef0", State: "active" }, { DestinationPrefixListId: "pl-0e1d2c3b4a5f60718", InstanceId: "i-0a1b2c3d4e5f60789", State: "blackhole" }],
                more: { prefixLists: [{ PrefixListId: "pl-0e1d2c3b4a5f60718", PrefixListName: "partners" }], prefixListEntries: { "pl-0e1d2c3b4a5f60718": [{ Cidr: "52.219.192.0/18" }] } },
            });
            expect(answer(docs, S3_IP)).to.deep.equal(
                routing(
                    "other",
                    blackholeCulprit(
                        "pl-0e1d2c3b4a5f60718 -> i-0a1b2c3d4e5f60789",
                        "pl-0e1d2c3b4a5f60718",
                        `aws ec2 delete-route --route-table-id ${RTB} --destination-prefix-list-id pl-0e1d2c3b4a5f60718`,
                        "destinationPrefixListId",
                    ),
                ),
            );
        });

        it("a blackhole IPv6 route: the commands name the IPv6 destination", () => {
            const docs = vpc({ routes: [{ DestinationIpv6CidrBlock: "::/0", NetworkInterfaceId: "eni-0fe1dc2ba3f4e5d6c", State: "blackhole" }] });
            const dst = "2600:1f18:aaaa:bc00::1";
            expect(answer(docs, dst)).to.deep.equal(
                routing(
                    "other",
                    blackholeCulprit(
                        "::/0 -> eni-0fe1dc2ba3f4e5d6c",
                        "::/0",
                        `aws ec2 replace-route --route-table-id ${RTB} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id <eigw-id>`,
                        "destinationIpv6CidrBlock",
                        dst,
                        "egressOnlyGatewayId: <an egress-only internet gateway>",
                    ),
                ),
            );
        });

        // Egress-only internet gateways user guide: "An egress-only internet gateway is for use with IPv6
        // traffic only"; an instance needs an IPv6 address to use it. Its path is the internet's.
        it("an egress-only internet gateway and an ENI with an IPv6 address: network-ok on the internet path", () => {
            const docs = vpc({ routes: [{ DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-0a1b2c3d4e5f60789", State: "active" }], eni: { Ipv6Addresses: [{ Ipv6Address: "2600:1f18:aaaa:b001::25" }] } });
            expect(answer(docs, "2600:1f18:aaaa:bc00::1")).to.deep.equal({ path: "internet-gateway", verdict: "network-ok", culprits: [], notes: [], consistentFlowVerdicts: ["network-ok"] });
        });
    });

    // The ENI the check is about, and what it could not see: every assumption is said.
    describe("the snapshot: which ENI, and what is missing", () => {
        const query = { dst: AddressSet.parse(S3_IP, "--dst"), port: 443, protocol: 6 };
        it("an ENI named with --eni that the snapshot does not hold: the error lists the ones it holds", () => {
            const docs = withEnis(vpc(), natEni("ap-northeast-2a"));
            expect(() => evaluateConfiguration(docs, "eni-0ffffffffffffffff", query)).to.throw(
                ConfigCheckError,
                `network interface eni-0ffffffffffffffff is not in describe-network-interfaces (it holds: ${ENI}, ${NAT_ENI})`,
            );
            expect(() => evaluateConfiguration({ ...docs, networkInterfaces: [] }, "eni-0ffffffffffffffff", query)).to.throw(
                ConfigCheckError,
                "network interface eni-0ffffffffffffffff is not in describe-network-interfaces (it holds: none)",
            );
        });

        it("no --eni and two interfaces in the snapshot: the user is asked to name one", () => {
            expect(() => evaluateConfiguration(withEnis(vpc(), natEni("ap-northeast-2a")), undefined, query)).to.throw(
                ConfigCheckError,
                "describe-network-interfaces holds 2 network interfaces: name the workload's with --eni",
            );
            expect(() => evaluateConfiguration({ ...vpc(), networkInterfaces: [] }, undefined, query)).to.throw(ConfigCheckError, "describe-network-interfaces holds 0 network interfaces: name the workload's with --eni");
        });

        it("no --eni and one interface: that one is checked", () => {
            expect(evaluateConfiguration(vpc(), undefined, query).eniId).to.equal(ENI);
        });

        it("an ENI without a SubnetId: the error names it", () => {
            expect(() => answer(vpc({ eni: { SubnetId: undefined } }), S3_IP)).to.throw(ConfigCheckError, `network interface ${ENI} has no SubnetId in describe-network-interfaces`);
            expect(() => evaluateConfiguration(vpc({ eni: { NetworkInterfaceId: undefined, SubnetId: undefined } }), undefined, query)).to.throw(
                ConfigCheckError,
                "network interface ? has no SubnetId in describe-network-interfaces",
            );
        });

        it("a security group, the route table and the network ACL missing from the snapshot: each said, the route table's absence inconclusive", () => {
            const base = vpc({ eni: { Groups: [{ GroupId: SG }, { GroupId: "sg-0fedcba9876543210" }] } });
            const r = evaluateConfiguration({ ...base, routeTables: [], networkAcls: [] }, ENI, query);
            expect({ ...r }).to.deep.equal({
                eniId: ENI,
                subnetId: SUBNET,
                vpcId: VPC,
                routeTableId: undefined,
                networkAclId: undefined,
                securityGroupIds: [SG, "sg-0fedcba9876543210"],
                path: "none",
                verdict: "inconclusive",
                culprits: [],
                notes: [
                    "Security groups sg-0fedcba9876543210 are not in describe-security-groups: their rules were not checked.",
                    `No route table for ${SUBNET} (no explicit association and no main table of ${VPC}) in describe-route-tables.`,
                    `No network ACL associated with ${SUBNET} in describe-network-acls: its rules were not checked.`,
                ],
                consistentFlowVerdicts: ["inconclusive"],
            });
            // Two groups missing: both named, in the ENI's order.
            const two = evaluateConfiguration(vpc({ eni: { Groups: [{ GroupId: "sg-0aaaaaaaaaaaaaaaa" }, { GroupId: SG }, { GroupId: "sg-0bbbbbbbbbbbbbbbb" }] } }), ENI, query);
            expect(two.notes).to.deep.equal(["Security groups sg-0aaaaaaaaaaaaaaaa, sg-0bbbbbbbbbbbbbbbb are not in describe-security-groups: their rules were not checked."]);
            const noVpc = evaluateConfiguration({ ...vpc({ eni: { VpcId: undefined } }), routeTables: [] }, ENI, query);
            expect(noVpc.notes).to.deep.equal([`No route table for ${SUBNET} (no explicit association and no main table of its VPC) in describe-route-tables.`]);
        });

        it("everything in the snapshot and open: the ids of what was checked, network-ok, nothing said", () => {
            expect({ ...evaluateConfiguration(vpc({ routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: IGW, State: "active" }], eni: { Association: { PublicIp: "3.38.10.20" } }, more: { internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] }] } }), ENI, query) }).to.deep.equal({
                eniId: ENI,
                subnetId: SUBNET,
                vpcId: VPC,
                routeTableId: RTB,
                networkAclId: ACL,
                securityGroupIds: [SG],
                path: "internet-gateway",
                verdict: "network-ok",
                culprits: [],
                notes: [],
                consistentFlowVerdicts: ["network-ok"],
            });
        });
    });

    /** A subnet with a route to an attached internet gateway and an ENI with public addresses: only the rule under test stops anything. */
    const internet = (v: Vpc = {}) =>
        vpc({
            ...v,
            routes: [
                { DestinationCidrBlock: "0.0.0.0/0", GatewayId: IGW, State: "active" },
                { DestinationIpv6CidrBlock: "::/0", GatewayId: IGW, State: "active" },
            ],
            eni: { Association: { PublicIp: "3.38.10.20" }, Ipv6Addresses: [{ Ipv6Address: "2600:1f18:aaaa:b001::25" }], ...v.eni },
            more: { internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] }], ...v.more },
        });
    const HTTP_ONLY: Ec2IpPermission[] = [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [{ CidrIpv6: "::/0" }] }];
    const blocked = (culprit: object, path = "internet-gateway", verdict = "security-group-or-nacl"): Answer => ({ path, verdict, culprits: [culprit], notes: [], consistentFlowVerdicts: [verdict] } as Answer);

    // Security groups user guide: "Security group rules are always permissive; you can't create rules
    // that deny access", and an outbound packet leaves only if an outbound rule allows it. The fix is the
    // rule a user adds: authorize-security-group-egress (EC2 API reference, IpPermission: "Use -1 to
    // specify all ICMP types" for FromPort/ToPort), or aws.vpc.SecurityGroupEgressRule in Pulumi.
    describe("security groups: no egress rule allows the packets", () => {
        const sgCulprit = (service: string, fix: string, hint: string, ids = SG) => ({
            kind: "security-group",
            id: SG,
            direction: "outbound",
            rule: "(none)",
            reason: `No egress rule of ${ids} allows ${service}: the packets are rejected as they leave ${ENI}.`,
            fix: `aws ec2 authorize-security-group-egress --group-id ${SG} --ip-permissions ${fix}`,
            hint: `new aws.vpc.SecurityGroupEgressRule(..., { securityGroupId: "${SG}", ${hint} })`,
            effect: "drops-request",
            hop: "workload",
        });

        it("TCP to one address: a rule for that port and that address", () => {
            expect(answer(internet({ egress: HTTP_ONLY }), S3_IP)).to.deep.equal(
                blocked(sgCulprit(`tcp 443 to ${S3_IP}`, `IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=${S3_IP}/32}]`, `ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "${S3_IP}/32"`)),
            );
        });

        it("two groups, neither allowing it: both named, the fix on the first", () => {
            const SG2 = "sg-0fedcba9876543210";
            const docs = internet({ egress: HTTP_ONLY, eni: { Groups: [{ GroupId: SG }, { GroupId: SG2 }] } });
            const both = { ...docs, securityGroups: [...docs.securityGroups, { GroupId: SG2, VpcId: VPC, IpPermissionsEgress: [] }] };
            expect(answer(both, S3_IP)).to.deep.equal(
                blocked(
                    sgCulprit(`tcp 443 to ${S3_IP}`, `IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=${S3_IP}/32}]`, `ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "${S3_IP}/32"`, `${SG}, ${SG2}`),
                ),
            );
        });

        it("ICMP: all types and codes (-1), no ports in the Pulumi rule", () => {
            expect(answer(internet({ egress: HTTP_ONLY }), S3_IP, { protocol: 1, port: 0 })).to.deep.equal(
                blocked(sgCulprit(`icmp to ${S3_IP}`, `IpProtocol=icmp,FromPort=-1,ToPort=-1,IpRanges=[{CidrIp=${S3_IP}/32}]`, `ipProtocol: "icmp", cidrIpv4: "${S3_IP}/32"`)),
            );
        });

        it("IPv6: an Ipv6Ranges rule for the /128", () => {
            const dst = "2600:1f18:aaaa:bc00::1";
            expect(answer(internet({ egress: HTTP_ONLY }), dst)).to.deep.equal(
                blocked(sgCulprit(`tcp 443 to ${dst}`, `IpProtocol=tcp,FromPort=443,ToPort=443,Ipv6Ranges=[{CidrIpv6=${dst}/128}]`, `ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "${dst}/128"`)),
            );
        });

        it("S3 with its prefix list in the snapshot: a rule to the prefix list, not to one address", () => {
            const more = { prefixLists: [{ PrefixListId: S3_LIST, PrefixListName: S3_SERVICE }], prefixListEntries: { [S3_LIST]: [{ Cidr: "52.219.192.0/18" }] } };
            expect(answer(internet({ egress: HTTP_ONLY, more }), S3_IP)).to.deep.equal(
                blocked(sgCulprit(`tcp 443 to ${S3_IP}`, `IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId=${S3_LIST}}]`, `ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: "${S3_LIST}"`)),
            );
        });

        it("a --dst of two ranges: one rule for everything (0.0.0.0/0), said once", () => {
            expect(answer(internet({ egress: HTTP_ONLY }), `${S3_IP},52.219.205.7`)).to.deep.equal(
                blocked(sgCulprit(`tcp 443 to ${S3_IP}`, `IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]`, `ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0"`)),
            );
        });

        it("an IPv6 --dst of two ranges: one rule for every IPv6 address (::/0)", () => {
            const dst = "2600:1f18:aaaa:bc00::1";
            expect(answer(internet({ egress: HTTP_ONLY }), `${dst},2600:1f18:aaaa:bc00::2`).culprits[0].fix).to.equal(
                `aws ec2 authorize-security-group-egress --group-id ${SG} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,Ipv6Ranges=[{CidrIpv6=::/0}]`,
            );
        });

        // A rule that names a prefix list holds whatever addresses the list holds: without its entries
        // the check cannot say the packets are refused, nor that they are allowed: inconclusive, and it says
        // which list it lacks. Another rule that allows them decides without the list.
        it("a rule to a prefix list whose entries the snapshot lacks: not called a culprit nor open, the list named", () => {
            const egress: Ec2IpPermission[] = [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: "pl-0e1d2c3b4a5f60718" }] }];
            const note = "Prefix list pl-0e1d2c3b4a5f60718 has no get-managed-prefix-list-entries-pl-0e1d2c3b4a5f60718.json: security group rules that use it were not checked.";
            expect(answer(internet({ egress }), S3_IP)).to.deep.equal({
                path: "internet-gateway",
                verdict: "inconclusive",
                culprits: [],
                notes: [note],
                consistentFlowVerdicts: ["inconclusive"],
            });
            const alsoOpen: Ec2IpPermission[] = [...egress, { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }];
            expect(answer(internet({ egress: alsoOpen }), S3_IP)).to.deep.equal({
                path: "internet-gateway",
                verdict: "network-ok",
                culprits: [],
                notes: [note],
                consistentFlowVerdicts: ["network-ok"],
            });
        });

        it("an ENI with no security group: nothing to check", () => {
            expect(answer(internet({ egress: HTTP_ONLY, eni: { Groups: [] } }), S3_IP)).to.deep.equal({ path: "internet-gateway", verdict: "network-ok", culprits: [], notes: [], consistentFlowVerdicts: ["network-ok"] });
        });
    });

    // VPC user guide, network ACLs: "Network ACLs are stateless, which means that responses to allowed
    // inbound traffic are subject to the rules for outbound traffic (and vice versa)"; "rules are evaluated
    // in order, starting with the lowest numbered rule"; the final * rule denies what no rule matched. The
    // fix is a rule numbered below the one that decides (CreateNetworkAclEntry; IcmpTypeCode "Required if
    // specifying protocol 1 (ICMP) or protocol 58 (ICMPv6) with an IPv6 CIDR block"; the CLI's --protocol
    // takes tcp, udp, icmp, all, or a number).
    describe("network ACL: the requests and the replies", () => {
        const allowAll = (egress: boolean, n = 200): Ec2NetworkAclEntry[] => [
            { RuleNumber: n, Protocol: "-1", RuleAction: "allow", Egress: egress, CidrBlock: "0.0.0.0/0" },
            { RuleNumber: n + 1, Protocol: "-1", RuleAction: "allow", Egress: egress, Ipv6CidrBlock: "::/0" },
            { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: egress, CidrBlock: "0.0.0.0/0" },
        ];
        const aclCulprit = (direction: string, rule: string, reason: string, fix: string, hint: string, effect: string) => ({
            kind: "network-acl",
            id: ACL,
            direction,
            rule,
            reason,
            fix: `aws ec2 create-network-acl-entry --network-acl-id ${ACL} ${fix} --rule-action allow`,
            hint: `new aws.ec2.NetworkAclRule(..., { networkAclId: "${ACL}", ${hint} })`,
            effect,
            hop: "workload",
        });

        it("an outbound deny rule for the port: the requests are dropped by that rule; the fix goes just below it", () => {
            const acl = [{ RuleNumber: 90, Protocol: "6", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0", PortRange: { From: 443, To: 443 } }, ...allowAll(true), ...allowAll(false)];
            expect(answer(internet({ acl }), S3_IP)).to.deep.equal(
                blocked(
                    aclCulprit(
                        "outbound",
                        "90",
                        `Outbound rule 90 deny tcp 443 to 0.0.0.0/0 of ${ACL} drops tcp 443 to ${S3_IP} (the requests).`,
                        `--egress --rule-number 89 --protocol tcp --port-range From=443,To=443 --cidr-block ${S3_IP}/32`,
                        `ruleNumber: 89, egress: true, protocol: "tcp", ruleAction: "allow", cidrBlock: "${S3_IP}/32", fromPort: 443, toPort: 443`,
                        "drops-request",
                    ),
                ),
            );
        });

        it("no outbound rule for the port: the requests meet the final * deny; the fix takes the next free tens number", () => {
            const acl: Ec2NetworkAclEntry[] = [
                { RuleNumber: 100, Protocol: "6", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0", PortRange: { From: 80, To: 80 } },
                { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0" },
                ...allowAll(false),
            ];
            expect(answer(internet({ acl }), S3_IP)).to.deep.equal(
                blocked(
                    aclCulprit(
                        "outbound",
                        "*",
                        `No outbound rule of ${ACL} allows tcp 443 to ${S3_IP} (the requests): they meet the final * deny.`,
                        `--egress --rule-number 110 --protocol tcp --port-range From=443,To=443 --cidr-block ${S3_IP}/32`,
                        `ruleNumber: 110, egress: true, protocol: "tcp", ruleAction: "allow", cidrBlock: "${S3_IP}/32", fromPort: 443, toPort: 443`,
                        "drops-request",
                    ),
                ),
            );
        });

        it("an inbound deny rule for part of the ephemeral ports: the replies on those ports, named", () => {
            const acl = [...allowAll(true), { RuleNumber: 90, Protocol: "6", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0", PortRange: { From: 32768, To: 40000 } }, ...allowAll(false)];
            expect(answer(internet({ acl }), S3_IP)).to.deep.equal(
                blocked(
                    aclCulprit(
                        "inbound",
                        "90",
                        `Inbound rule 90 deny tcp 32768-40000 from 0.0.0.0/0 of ${ACL} drops the replies from ${S3_IP}:443 to ${ENI}'s ephemeral ports 32768-60999 (ports 32768-40000).`,
                        `--ingress --rule-number 89 --protocol tcp --port-range From=32768,To=60999 --cidr-block ${S3_IP}/32`,
                        `ruleNumber: 89, egress: false, protocol: "tcp", ruleAction: "allow", cidrBlock: "${S3_IP}/32", fromPort: 32768, toPort: 60999`,
                        "drops-reply",
                    ),
                    "internet-gateway",
                    "nacl-return-path",
                ),
            );
        });

        it("inbound allowing only part of the ephemeral ports: the rest fall through to * deny, some connections fail", () => {
            const acl: Ec2NetworkAclEntry[] = [
                ...allowAll(true),
                { RuleNumber: 100, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0", PortRange: { From: 1024, To: 50000 } },
                { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0" },
            ];
            expect(answer(internet({ acl }), S3_IP)).to.deep.equal(
                blocked(
                    aclCulprit(
                        "inbound",
                        "*",
                        `No inbound rule of ${ACL} allows the replies from ${S3_IP}:443 to ${ENI}'s ephemeral ports 32768-60999: ports 50001-60999 fall through to the final * deny, so some connections fail and others work.`,
                        `--ingress --rule-number 110 --protocol tcp --port-range From=32768,To=60999 --cidr-block ${S3_IP}/32`,
                        `ruleNumber: 110, egress: false, protocol: "tcp", ruleAction: "allow", cidrBlock: "${S3_IP}/32", fromPort: 32768, toPort: 60999`,
                        "drops-reply",
                    ),
                    "internet-gateway",
                    "nacl-return-path",
                ),
            );
        });

        it("the client's own ephemeral ports (Windows 49152-65535) are the replies' ports", () => {
            const acl: Ec2NetworkAclEntry[] = [
                ...allowAll(true),
                { RuleNumber: 100, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0", PortRange: { From: 32768, To: 60999 } },
                { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0" },
            ];
            const r = answer(internet({ acl }), S3_IP, { clientPorts: [49152, 65535] });
            expect(r.culprits.map((c) => [c.rule, c.reason, c.fix])).to.deep.equal([
                [
                    "*",
                    `No inbound rule of ${ACL} allows the replies from ${S3_IP}:443 to ${ENI}'s ephemeral ports 49152-65535: ports 61000-65535 fall through to the final * deny, so some connections fail and others work.`,
                    `aws ec2 create-network-acl-entry --network-acl-id ${ACL} --ingress --rule-number 110 --protocol tcp --port-range From=49152,To=65535 --cidr-block ${S3_IP}/32 --rule-action allow`,
                ],
            ]);
        });

        it("ICMP denied both ways: no ports, the ICMP type and code in the fix, the replies named without ports", () => {
            const acl: Ec2NetworkAclEntry[] = [
                { RuleNumber: 100, Protocol: "6", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" },
                { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0" },
                { RuleNumber: 100, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" },
                { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0" },
            ];
            expect(answer(internet({ acl }), S3_IP, { protocol: 1, port: 0 })).to.deep.equal({
                path: "internet-gateway",
                verdict: "security-group-or-nacl",
                culprits: [
                    aclCulprit(
                        "outbound",
                        "*",
                        `No outbound rule of ${ACL} allows icmp to ${S3_IP} (the requests): they meet the final * deny.`,
                        `--egress --rule-number 110 --protocol icmp --icmp-type-code Type=-1,Code=-1 --cidr-block ${S3_IP}/32`,
                        `ruleNumber: 110, egress: true, protocol: "icmp", ruleAction: "allow", cidrBlock: "${S3_IP}/32", icmpType: -1, icmpCode: -1`,
                        "drops-request",
                    ),
                    aclCulprit(
                        "inbound",
                        "*",
                        `No inbound rule of ${ACL} allows the replies from ${S3_IP}: they meet the final * deny.`,
                        `--ingress --rule-number 110 --protocol icmp --icmp-type-code Type=-1,Code=-1 --cidr-block ${S3_IP}/32`,
                        `ruleNumber: 110, egress: false, protocol: "icmp", ruleAction: "allow", cidrBlock: "${S3_IP}/32", icmpType: -1, icmpCode: -1`,
                        "drops-reply",
                    ),
                ],
                notes: [],
                consistentFlowVerdicts: ["security-group-or-nacl"],
            });
        });

        it("ICMPv6 to an IPv6 address: the protocol by number, an IPv6 CIDR, the ICMP type and code", () => {
            const dst = "2600:1f18:aaaa:bc00::1";
            const acl: Ec2NetworkAclEntry[] = [{ RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: true, Ipv6CidrBlock: "::/0" }, ...allowAll(false)];
            const r = answer(internet({ acl }), dst, { protocol: 58, port: 0 });
            expect(r.culprits.map((c) => [c.reason, c.fix, c.hint])).to.deep.equal([
                [
                    `No outbound rule of ${ACL} allows icmpv6 to ${dst} (the requests): they meet the final * deny.`,
                    `aws ec2 create-network-acl-entry --network-acl-id ${ACL} --egress --rule-number 10 --protocol 58 --icmp-type-code Type=-1,Code=-1 --ipv6-cidr-block ${dst}/128 --rule-action allow`,
                    `new aws.ec2.NetworkAclRule(..., { networkAclId: "${ACL}", ruleNumber: 10, egress: true, protocol: "58", ruleAction: "allow", ipv6CidrBlock: "${dst}/128", icmpType: -1, icmpCode: -1 })`,
                ],
            ]);
        });

        it("UDP and another protocol number (GRE, 47): udp by name with ports; 47 by number without ports or ICMP fields", () => {
            const acl: Ec2NetworkAclEntry[] = [{ RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0" }, ...allowAll(false)];
            expect(answer(internet({ acl }), S3_IP, { protocol: 17, port: 53 }).culprits.map((c) => [c.reason, c.fix])).to.deep.equal([
                [
                    `No outbound rule of ${ACL} allows udp 53 to ${S3_IP} (the requests): they meet the final * deny.`,
                    `aws ec2 create-network-acl-entry --network-acl-id ${ACL} --egress --rule-number 10 --protocol udp --port-range From=53,To=53 --cidr-block ${S3_IP}/32 --rule-action allow`,
                ],
            ]);
            const gre = answer(internet({ acl }), S3_IP, { protocol: 47, port: 0 }).culprits[0];
            expect([gre.fix, gre.hint]).to.deep.equal([
                `aws ec2 create-network-acl-entry --network-acl-id ${ACL} --egress --rule-number 10 --protocol 47 --cidr-block ${S3_IP}/32 --rule-action allow`,
                `new aws.ec2.NetworkAclRule(..., { networkAclId: "${ACL}", ruleNumber: 10, egress: true, protocol: "47", ruleAction: "allow", cidrBlock: "${S3_IP}/32" })`,
            ]);
        });
    });

    // VPC user guide, "Route priority": "We use the most specific route in your route table that matches
    // the traffic to determine how to route the traffic" (longest prefix match), per address: a route for
    // a /24 inside a --dst /22 governs that /24 only, so the answer is given part by part, and a fixing
    // rule still names the range the user asked about.
    describe("a --dst range whose parts are treated differently", () => {
        const DST = "52.219.204.0/22";
        const INSIDE = "52.219.205.0/24";
        const REST = `${DST} outside ${INSIDE}`;
        const egressDeniedAcl: Ec2NetworkAclEntry[] = [{ RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0" }, ...OPEN_ACL.filter((e) => !e.Egress)];
        const igwAnd = (inside: Ec2Route, acl?: Ec2NetworkAclEntry[]) =>
            vpc({
                routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: IGW, State: "active" }, inside],
                acl,
                eni: { Association: { PublicIp: "3.38.10.20" } },
                more: { internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] }] },
            });

        it("a blackhole route for a /24 inside, the network ACL denying every part: each culprit says which parts it holds for", () => {
            const docs = igwAnd({ DestinationCidrBlock: INSIDE, NetworkInterfaceId: "eni-0fe1dc2ba3f4e5d6c", State: "blackhole" }, egressDeniedAcl);
            expect(answer(docs, DST)).to.deep.equal({
                path: "internet-gateway",
                verdict: "security-group-or-nacl",
                culprits: [
                    {
                        kind: "network-acl",
                        id: ACL,
                        direction: "outbound",
                        rule: "*",
                        reason: `No outbound rule of ${ACL} allows tcp 443 to ${REST} (the requests): they meet the final * deny. It holds for all of ${DST}.`,
                        fix: `aws ec2 create-network-acl-entry --network-acl-id ${ACL} --egress --rule-number 10 --protocol tcp --port-range From=443,To=443 --cidr-block ${DST} --rule-action allow`,
                        hint: `new aws.ec2.NetworkAclRule(..., { networkAclId: "${ACL}", ruleNumber: 10, egress: true, protocol: "tcp", ruleAction: "allow", cidrBlock: "${DST}", fromPort: 443, toPort: 443 })`,
                        effect: "drops-request",
                        hop: "workload",
                    },
                    {
                        kind: "route-table",
                        id: RTB,
                        direction: "outbound",
                        rule: `${INSIDE} -> eni-0fe1dc2ba3f4e5d6c (blackhole)`,
                        reason: `The route ${SUBNET} uses for ${INSIDE} is ${INSIDE} -> eni-0fe1dc2ba3f4e5d6c, and it is a blackhole: its target no longer exists (a deleted NAT gateway, a detached gateway, a terminated instance), so the packets are dropped. It is for ${INSIDE} of ${DST}.`,
                        fix: `aws ec2 delete-route --route-table-id ${RTB} --destination-cidr-block ${INSIDE}`,
                        hint: `aws.ec2.Route(..., { routeTableId: "${RTB}", destinationCidrBlock: "${INSIDE}", natGatewayId: <a NAT gateway that exists> })`,
                        effect: "drops-request",
                        hop: "workload",
                    },
                ],
                notes: [`Parts of ${DST} take different paths: internet-gateway for ${REST}; other for ${INSIDE} of ${DST}.`],
                consistentFlowVerdicts: ["security-group-or-nacl"],
            });
        });

        it("a blackhole route for the /24 only: the route is the culprit for that part alone, the answer's path is that part's", () => {
            const docs = igwAnd({ DestinationCidrBlock: INSIDE, NetworkInterfaceId: "eni-0fe1dc2ba3f4e5d6c", State: "blackhole" });
            const r = answer(docs, DST);
            expect([r.path, r.verdict, r.culprits.map((c) => [c.kind, c.reason.endsWith(` It is for ${INSIDE} of ${DST}.`)]), r.notes]).to.deep.equal([
                "other",
                "routing",
                [["route-table", true]],
                [`Parts of ${DST} take different paths: internet-gateway for ${REST}; other for ${INSIDE} of ${DST}.`],
            ]);
        });

        it("a transit gateway route for the /24, nothing blocked: the part the check cannot follow decides the path (inconclusive)", () => {
            const docs = igwAnd({ DestinationCidrBlock: INSIDE, TransitGatewayId: "tgw-0123456789abcdef0", State: "active" });
            expect(answer(docs, DST)).to.deep.equal({
                path: "transit-gateway",
                verdict: "inconclusive",
                culprits: [],
                notes: [
                    `Parts of ${DST} take different paths: internet-gateway for ${REST}; transit-gateway for ${INSIDE} of ${DST}.`,
                    `${RTB} sends ${INSIDE} to transit gateway tgw-0123456789abcdef0: the check stops there (its route tables and the far side are not seen).`,
                ],
                consistentFlowVerdicts: ["inconclusive"],
            });
        });

        it("a route for the /24 to the same internet gateway: every part answers alike, so the whole range's answer is given", () => {
            const docs = igwAnd({ DestinationCidrBlock: INSIDE, GatewayId: IGW, State: "active" }, egressDeniedAcl);
            const r = answer(docs, DST);
            expect([r.path, r.verdict, r.notes, r.culprits.map((c) => c.reason)]).to.deep.equal([
                "internet-gateway",
                "security-group-or-nacl",
                [],
                [`No outbound rule of ${ACL} allows tcp 443 to ${DST} (the requests): they meet the final * deny.`],
            ]);
        });
    });

    // Several --dst ranges: each is checked; a culprit or a note they share is said once, and the path
    // shown is that of the first range something blocks.
    describe("several --dst ranges", () => {
        it("one inside the VPC, one with no route: the blocked one's path and culprit", () => {
            const r = answer(vpc(), `10.0.3.3,${S3_IP}`);
            expect([r.path, r.verdict, r.culprits.map((c) => [c.kind, c.rule]), r.notes]).to.deep.equal([
                "none",
                "routing",
                [["route-table", "(no route)"]],
                ["10.0.3.3 is inside the VPC (local route): the destination's own security group and network ACL are not checked."],
            ]);
        });

        it("the same unknown prefix list for both: said once", () => {
            const egress: Ec2IpPermission[] = [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: "pl-0e1d2c3b4a5f60718" }] }];
            expect(answer(vpc({ egress }), "10.0.3.3,10.0.4.4").notes).to.deep.equal([
                "Prefix list pl-0e1d2c3b4a5f60718 has no get-managed-prefix-list-entries-pl-0e1d2c3b4a5f60718.json: security group rules that use it were not checked.",
                "10.0.3.3 is inside the VPC (local route): the destination's own security group and network ACL are not checked.",
                "10.0.4.4 is inside the VPC (local route): the destination's own security group and network ACL are not checked.",
            ]);
        });

        it("two network ACL rules deny the two ranges: two culprits, one per rule", () => {
            const acl: Ec2NetworkAclEntry[] = [
                { RuleNumber: 90, Protocol: "6", RuleAction: "deny", Egress: true, CidrBlock: "10.0.3.0/24" },
                { RuleNumber: 95, Protocol: "6", RuleAction: "deny", Egress: true, CidrBlock: "10.0.4.0/24" },
                ...OPEN_ACL,
            ];
            expect(answer(vpc({ acl }), "10.0.3.3,10.0.4.4").culprits.map((c) => [c.kind, c.direction, c.rule])).to.deep.equal([
                ["network-acl", "outbound", "90"],
                ["network-acl", "outbound", "95"],
            ]);
        });
    });

    // Network ACLs apply per subnet, the NAT gateway's too ("Network ACLs ... control traffic in and out
    // of a subnet"): a NAT subnet's ACL that denies the requests leaving for the destination drops them
    // there. The workload's own ENI then sees what routing looks like (packets out, nothing back), so
    // both verdicts are consistent with the flow logs.
    it("the NAT gateway's subnet ACL denies the requests leaving it: security-group-or-nacl at the NAT gateway, routing as seen from the workload", () => {
        const NAT_ACL = "acl-0c0ffee0c0ffee012";
        const base = withEnis(vpc({ routes: [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: NAT, State: "active" }], more: { ...natIn(), internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] }] } }), natEni("ap-northeast-2a"));
        const docs: Ec2Documents = {
            ...base,
            routeTables: [...base.routeTables, { RouteTableId: "rtb-0123abcd4567ef890", VpcId: VPC, Routes: [LOCAL, { DestinationCidrBlock: "0.0.0.0/0", GatewayId: IGW, State: "active" }], Associations: [{ SubnetId: PUBLIC_SUBNET }] }],
            networkAcls: [
                ...base.networkAcls,
                {
                    NetworkAclId: NAT_ACL,
                    VpcId: VPC,
                    Associations: [{ SubnetId: PUBLIC_SUBNET, NetworkAclId: NAT_ACL }],
                    Entries: [{ RuleNumber: 90, Protocol: "6", RuleAction: "deny", Egress: true, CidrBlock: "52.219.0.0/16", PortRange: { From: 443, To: 443 } }, ...OPEN_ACL],
                },
            ],
        };
        const r = answer(docs, S3_IP);
        expect([r.path, r.verdict, r.consistentFlowVerdicts, r.culprits.map((c) => [c.kind, c.id, c.direction, c.rule, c.effect, c.hop])]).to.deep.equal([
            "nat-gateway",
            "security-group-or-nacl",
            ["security-group-or-nacl", "routing"],
            [["network-acl", NAT_ACL, "outbound", "90", "drops-request", "nat-gateway"]],
        ]);
    });
});

/**
 * Culprit fidelity (issue 18): peering connections, internet gateways without an attachment, NAT
 * gateway states. Each case through the evaluator, and through the CLI with the exact command.
 */
import { expect } from "chai";
import { cpSync, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AddressSet } from "../../../analysis/core/ip";
import { ConfigEvaluation, Culprit, evaluateConfiguration } from "../../../analysis/verdict/config/evaluate";
import { Ec2Documents, Ec2VpcPeeringConnectionVpcInfo } from "../../../analysis/verdict/config/ec2Documents";
import { run } from "../../helpers/cliInProcess";
import { fixtureDir, readFixture } from "../../helpers/configFixtures";
import { diagnosisJson } from "../../helpers/jsonContract";

const S3 = "52.219.204.42";
const WORKLOAD_ENI = "eni-0a1b2c3d4e5f60718";
const RTB = "rtb-0aa11bb22cc33dd44";
const PUBLIC_RTB = "rtb-0ee55ff66aa77bb88";
const PCX = "pcx-0a1b2c3d4e5f60789";
const IGW = "igw-0b1c2d3e4f5a6b7c8";
const VPC = "vpc-0a1b2c3d4e5f60789";
const PEER_VPC = "vpc-0c2d4e6f8a0b2c4d6";

function evaluate(documents: Ec2Documents, dst: string, dstIsS3 = dst === S3): ConfigEvaluation {
    return evaluateConfiguration(documents, WORKLOAD_ENI, { dst: AddressSet.parse(dst, "--dst"), port: 443, protocol: 6, dstIsS3 });
}

const full = (c: Culprit) => [c.kind, c.id, c.direction, c.rule, c.reason, c.fix, c.effect, c.hop];

/** The exact command of the issue, against a fixture: `--input examples/s3-timeout.log --src 10.0.1.25 --dst 52.219.204.42 --config-snapshot <dir>`. */
async function cli(dir: string, dst = S3) {
    const r = await run("--input", "examples/s3-timeout.log", "--src", "10.0.1.25", "--dst", dst, "--config-snapshot", dir, "--output", "json");
    return { ...r, out: r.code === 0 ? diagnosisJson(r) : undefined };
}

const EDGE =
    "a peering connection carries only traffic to the peer VPC's own addresses; AWS does not route beyond it, so the peer's internet gateway, NAT device or gateway endpoint cannot be used (VPC peering guide, edge to edge routing).";

describe("configuration check: a route to a VPC peering connection", () => {
    it("S3 through 0.0.0.0/0 -> pcx: routing, the route table is the culprit, the fix is the VPC's own S3 gateway endpoint", async () => {
        const { documents } = await readFixture("engine/peering-default-route");
        const r = evaluate(documents, S3);
        expect([r.path, r.verdict, r.notes, r.culprits.map(full)]).to.deep.equal([
            "peering",
            "routing",
            [],
            [
                [
                    "route-table",
                    RTB,
                    "outbound",
                    `0.0.0.0/0 -> ${PCX}`,
                    `${RTB} sends ${S3} to peering connection ${PCX}, but ${S3} is outside ${PEER_VPC} (10.20.0.0/16, 100.64.0.0/20): ${EDGE} Reach S3 through a gateway endpoint of ${VPC} itself (free); its prefix-list route is more specific than 0.0.0.0/0.`,
                    `aws ec2 create-vpc-endpoint --vpc-id ${VPC} --vpc-endpoint-type Gateway --service-name com.amazonaws.ap-northeast-2.s3 --route-table-ids ${RTB}`,
                    "drops-request",
                    "workload",
                ],
            ],
        ]);
    });

    it("S3 when the VPC already has an S3 gateway endpoint: add the table to it", async () => {
        const { documents } = await readFixture("engine/peering-default-route");
        const withEndpoint = {
            ...documents,
            vpcEndpoints: [{ VpcEndpointId: "vpce-0a1b2c3d4e5f60789", VpcEndpointType: "Gateway", VpcId: VPC, ServiceName: "com.amazonaws.ap-northeast-2.s3", State: "available", RouteTableIds: [] }],
        };
        const [c] = evaluate(withEndpoint, S3).culprits;
        expect([c.kind, c.id, c.fix]).to.deep.equal(["route-table", RTB, `aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0a1b2c3d4e5f60789 --add-route-table-ids ${RTB}`]);
        expect(c.reason).to.equal(
            `${RTB} sends ${S3} to peering connection ${PCX}, but ${S3} is outside ${PEER_VPC} (10.20.0.0/16, 100.64.0.0/20): ${EDGE} Reach S3 through ${VPC}'s own gateway endpoint vpce-0a1b2c3d4e5f60789: add ${RTB} to it.`,
        );
    });

    it("an internet address: replace the route with a NAT gateway of the VPC itself (a new one: it has none)", async () => {
        const { documents } = await readFixture("engine/peering-default-route");
        const [c] = evaluate(documents, "203.0.113.10").culprits;
        expect([c.kind, c.reason, c.fix]).to.deep.equal([
            "route-table",
            `${RTB} sends 203.0.113.10 to peering connection ${PCX}, but 203.0.113.10 is outside ${PEER_VPC} (10.20.0.0/16, 100.64.0.0/20): ${EDGE} Route it through a NAT gateway of ${VPC} itself. ` +
                "Create one in ap-northeast-2a first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>.",
            `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <new-nat-gateway-id>`,
        ]);
    });

    it("an internet address from an ENI with a public IP: replace the route with the VPC's own attached internet gateway", async () => {
        const { documents } = await readFixture("engine/peering-default-route");
        const docs = {
            ...documents,
            networkInterfaces: documents.networkInterfaces.map((n) => ({ ...n, Association: { PublicIp: "3.38.11.25" } })),
            internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] }],
        };
        const [c] = evaluate(docs, "203.0.113.10").culprits;
        expect([c.kind, c.reason, c.fix]).to.deep.equal([
            "route-table",
            `${RTB} sends 203.0.113.10 to peering connection ${PCX}, but 203.0.113.10 is outside ${PEER_VPC} (10.20.0.0/16, 100.64.0.0/20): ${EDGE} ${WORKLOAD_ENI} has a public IPv4 address: route it through ${VPC}'s own internet gateway ${IGW}.`,
            `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id ${IGW}`,
        ]);
    });

    it("an internet address with an available NAT gateway in the workload's zone: route to it", async () => {
        const { documents } = await readFixture("engine/peering-default-route");
        const nat = await readFixture("engine/nat-failed-blackhole");
        const docs = { ...documents, natGateways: nat.documents.natGateways, networkInterfaces: nat.documents.networkInterfaces };
        const [c] = evaluate(docs, "203.0.113.10").culprits;
        expect([c.reason.slice(c.reason.indexOf(EDGE) + EDGE.length), c.fix]).to.deep.equal([
            ` Route it through ${VPC}'s own NAT gateway: Route to nat-0d4e5f6a7b8c9d0e2, available in ap-northeast-2a like ${WORKLOAD_ENI}.`,
            `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-0d4e5f6a7b8c9d0e2`,
        ]);
    });

    it("a destination inside the peer VPC's CIDR blocks (its second block too): the check stops there, as before", async () => {
        const { documents } = await readFixture("engine/peering-default-route");
        for (const dst of ["10.20.3.4", "100.64.1.9"]) {
            const r = evaluate(documents, dst);
            expect([r.path, r.verdict, r.culprits, r.notes]).to.deep.equal([
                "peering",
                "inconclusive",
                [],
                [`${RTB} sends ${dst} to peering connection ${PCX}: the check stops there (the peer VPC's routes, security groups and ACLs are not seen).`],
            ]);
        }
    });

    it("the workload as the accepter: the peer is the requester side", async () => {
        const { documents } = await readFixture("engine/peering-default-route");
        const [pcx] = documents.vpcPeeringConnections;
        const swapped = { ...documents, vpcPeeringConnections: [{ ...pcx, AccepterVpcInfo: pcx.RequesterVpcInfo, RequesterVpcInfo: pcx.AccepterVpcInfo }] };
        expect(evaluate(swapped, "10.20.3.4").verdict).to.equal("inconclusive");
        expect(evaluate(swapped, S3).culprits[0].reason).to.contain(`is outside ${PEER_VPC} (10.20.0.0/16, 100.64.0.0/20)`);
    });

    /** AWS returns CIDR blocks only for an active connection (API reference, VpcPeeringConnection). */
    const withoutCidrs = (i: Ec2VpcPeeringConnectionVpcInfo | undefined) => ({ VpcId: i?.VpcId, OwnerId: i?.OwnerId, Region: i?.Region });
    const unknown = ` EC2 returns a peer's CIDR blocks only for an active connection, so whether 10.20.3.4 is in ${PEER_VPC} is not known.`;
    const recreate =
        ` It cannot be used again: create a new one first (aws ec2 create-vpc-peering-connection --vpc-id ${VPC} --peer-vpc-id ${PEER_VPC}), have it accepted, and point the route at it.` + unknown;
    const states: Array<[string, string, string, string]> = [
        [
            "pending-acceptance",
            "Pending Acceptance by 444455556666",
            ` The owner of ${PEER_VPC} (account 444455556666) must accept it, in ap-northeast-2.` + unknown,
            `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${PCX}`,
        ],
        ["deleted", "Deleted by 111122223333", recreate, `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --vpc-peering-connection-id <new-pcx-id>`],
        ["rejected", "Rejected by 444455556666", recreate, `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --vpc-peering-connection-id <new-pcx-id>`],
        ["expired", "Expired", recreate, `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --vpc-peering-connection-id <new-pcx-id>`],
        ["failed", "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range", recreate, `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --vpc-peering-connection-id <new-pcx-id>`],
        [
            "provisioning",
            "Provisioning",
            " It is on its way to active: wait and check again." + unknown,
            `aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids ${PCX} --query 'VpcPeeringConnections[0].Status'`,
        ],
    ];
    for (const [code, message, tail, fix] of states) {
        it(`a connection that is ${code}: the connection is the culprit, with the fix its state needs`, async () => {
            const { documents } = await readFixture("engine/peering-default-route");
            const [pcx] = documents.vpcPeeringConnections;
            const docs = {
                ...documents,
                vpcPeeringConnections: [{ ...pcx, AccepterVpcInfo: withoutCidrs(pcx.AccepterVpcInfo), Status: { Code: code, Message: message } }],
            };
            const r = evaluate(docs, "10.20.3.4");
            expect([r.verdict, r.culprits.map(full)]).to.deep.equal([
                "routing",
                [
                    [
                        "vpc-peering-connection",
                        PCX,
                        "outbound",
                        `0.0.0.0/0 -> ${PCX}`,
                        `${RTB} sends 10.20.3.4 to peering connection ${PCX}, which is ${code} (${message}): it carries no traffic.${tail}`,
                        fix,
                        "drops-request",
                        "workload",
                    ],
                ],
            ]);
        });
    }

    it("a transit gateway and a virtual private gateway: the check stops there and says why", async () => {
        const { documents } = await readFixture("engine/private-no-route");
        const withRoute = (route: object) => ({
            ...documents,
            routeTables: documents.routeTables.map((t) => (t.RouteTableId === RTB ? { ...t, Routes: [...(t.Routes ?? []), { DestinationCidrBlock: "0.0.0.0/0", State: "active", Origin: "CreateRoute", ...route }] } : t)),
        });
        const tgw = evaluate(withRoute({ TransitGatewayId: "tgw-0a1b2c3d4e5f60789" }), S3);
        const vgw = evaluate(withRoute({ GatewayId: "vgw-0a1b2c3d4e5f60789" }), S3);
        expect([tgw.path, tgw.verdict, tgw.culprits, tgw.notes]).to.deep.equal([
            "transit-gateway",
            "inconclusive",
            [],
            [`${RTB} sends ${S3} to transit gateway tgw-0a1b2c3d4e5f60789: the check stops there (its route tables and the far side are not seen).`],
        ]);
        expect([vgw.path, vgw.verdict, vgw.culprits, vgw.notes]).to.deep.equal([
            "other",
            "inconclusive",
            [],
            [`${RTB} sends ${S3} to virtual private gateway vgw-0a1b2c3d4e5f60789: the check stops there (the VPN or Direct Connect side is not seen).`],
        ]);
    });

    it("CLI: the issue's command against the peering snapshot gives routing with the route table as culprit", async () => {
        const { code, stderr, out } = await cli(fixtureDir("engine/peering-default-route"));
        const c = out.config.culprits[0];
        expect([code, stderr, out.verdict, out.config.path, out.config.verdict, out.config.agreement, out.config.eniBasis, out.config.culprits.length]).to.deep.equal([
            0,
            "",
            "routing",
            "peering",
            "routing",
            "agree",
            "it holds 10.0.1.25",
            1,
        ]);
        expect([c.kind, c.id, c.rule, c.fix]).to.deep.equal([
            "route-table",
            RTB,
            `0.0.0.0/0 -> ${PCX}`,
            `aws ec2 create-vpc-endpoint --vpc-id ${VPC} --vpc-endpoint-type Gateway --service-name com.amazonaws.ap-northeast-2.s3 --route-table-ids ${RTB}`,
        ]);
    });

    it("CLI: a snapshot taken before peering connections were collected still loads; the route stops there with a note", async () => {
        const dir = mkdtempSync(join(tmpdir(), "vpc-flow-peering-"));
        try {
            cpSync(fixtureDir("engine/peering-default-route"), dir, { recursive: true });
            unlinkSync(join(dir, "describe-vpc-peering-connections.json"));
            const { code, stderr, out } = await cli(dir);
            expect([code, stderr, out.config.checked, out.config.path, out.config.verdict, out.config.agreement, out.config.culprits, out.config.notes]).to.deep.equal([
                0,
                "",
                true,
                "peering",
                "inconclusive",
                "not-checked",
                [],
                [
                    `${RTB} sends ${S3} to peering connection ${PCX}: the check stops there (the peer VPC's routes, security groups and ACLs are not seen).`,
                    `Peering connection ${PCX} is not in describe-vpc-peering-connections: its state and the peer VPC's CIDR blocks were not checked.`,
                ],
            ]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("configuration check: an internet gateway without an attachment to the VPC", () => {
    const detachedReason = `Internet gateway ${IGW} is not attached to ${VPC}, so the route to it leads nowhere.`;
    const attach = `aws ec2 attach-internet-gateway --internet-gateway-id ${IGW} --vpc-id ${VPC}`;

    it("a blackhole route to a detached gateway: the gateway is the culprit and the fix attaches it (not delete-route)", async () => {
        const { documents } = await readFixture("engine/igw-detached-blackhole");
        const r = evaluate(documents, S3);
        expect([r.path, r.verdict, r.notes, r.culprits.map(full)]).to.deep.equal([
            "internet-gateway",
            "routing",
            [],
            [["internet-gateway", IGW, "outbound", `route in ${PUBLIC_RTB}`, detachedReason, attach, "drops-request", "workload"]],
        ]);
    });

    it("an attachment that is detaching counts as none", async () => {
        const { documents } = await readFixture("engine/igw-detached-blackhole");
        const detaching = { ...documents, internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "detaching", VpcId: VPC }] }] };
        expect(evaluate(detaching, S3).culprits.map((c) => [c.kind, c.fix])).to.deep.equal([["internet-gateway", attach]]);
    });

    it("a gateway attached to another VPC: attaching would fail, so the route goes to the VPC's own gateway (or a new one)", async () => {
        const { documents } = await readFixture("engine/igw-detached-blackhole");
        const elsewhere = { ...documents, internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: "vpc-0ffffffffffffffff" }] }] };
        const [c] = evaluate(elsewhere, S3).culprits;
        expect([c.kind, c.id, c.reason, c.fix]).to.deep.equal([
            "internet-gateway",
            IGW,
            `Internet gateway ${IGW} is attached to vpc-0ffffffffffffffff, not to ${VPC}, and a gateway attaches to one VPC at a time: the route to it leads nowhere. ` +
                `Create and attach one first: aws ec2 create-internet-gateway, then aws ec2 attach-internet-gateway --internet-gateway-id <new-igw-id> --vpc-id ${VPC}.`,
            `aws ec2 replace-route --route-table-id ${PUBLIC_RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id <new-igw-id>`,
        ]);
        const own = { ...elsewhere, internetGateways: [...elsewhere.internetGateways, { InternetGatewayId: "igw-0c0d0e0f0a0b0c0d0", Attachments: [{ State: "available", VpcId: VPC }] }] };
        expect(evaluate(own, S3).culprits[0].fix).to.equal(`aws ec2 replace-route --route-table-id ${PUBLIC_RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id igw-0c0d0e0f0a0b0c0d0`);
    });

    it("a blackhole route to a gateway that no longer exists: says so; create and attach one, then replace the route", async () => {
        const { documents } = await readFixture("engine/igw-deleted-blackhole");
        const r = evaluate(documents, S3);
        expect([r.verdict, r.culprits.map(full)]).to.deep.equal([
            "routing",
            [
                [
                    "route-table",
                    PUBLIC_RTB,
                    "outbound",
                    `0.0.0.0/0 -> ${IGW} (blackhole)`,
                    `The route subnet-0f9e8d7c6b5a49382 uses for ${S3} is 0.0.0.0/0 -> ${IGW}, and it is a blackhole: internet gateway ${IGW} no longer exists (describe-internet-gateways does not know it). ` +
                        `Create and attach one first: aws ec2 create-internet-gateway, then aws ec2 attach-internet-gateway --internet-gateway-id <new-igw-id> --vpc-id ${VPC}.`,
                    `aws ec2 replace-route --route-table-id ${PUBLIC_RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id <new-igw-id>`,
                    "drops-request",
                    "workload",
                ],
            ],
        ]);
    });

    it("a snapshot without describe-internet-gateways.json cannot tell detached from deleted: the generic blackhole culprit, no claim", async () => {
        const { documents } = await readFixture("engine/igw-deleted-blackhole");
        const [c] = evaluate({ ...documents, unread: ["internetGateways"] }, S3).culprits;
        expect([c.kind, c.rule, c.reason]).to.deep.equal([
            "route-table",
            `0.0.0.0/0 -> ${IGW} (blackhole)`,
            `The route subnet-0f9e8d7c6b5a49382 uses for ${S3} is 0.0.0.0/0 -> ${IGW}, and it is a blackhole: its target no longer exists (a deleted NAT gateway, a detached gateway, a terminated instance), so the packets are dropped.`,
        ]);
    });

    it("CLI: the issue's command against the detached gateway gives the attach command", async () => {
        const { code, stderr, out } = await cli(fixtureDir("engine/igw-detached-blackhole"));
        expect([code, stderr, out.config.verdict, out.config.agreement, out.config.culprits.map(full)]).to.deep.equal([
            0,
            "",
            "routing",
            "agree",
            [["internet-gateway", IGW, "outbound", `route in ${PUBLIC_RTB}`, detachedReason, attach, "drops-request", "workload"]],
        ]);
    });

    it("CLI: the issue's command against the deleted gateway gives replace-route", async () => {
        const { code, out } = await cli(fixtureDir("engine/igw-deleted-blackhole"));
        expect([code, out.config.culprits.map((c: Culprit) => [c.kind, c.fix])]).to.deep.equal([
            0,
            [["route-table", `aws ec2 replace-route --route-table-id ${PUBLIC_RTB} --destination-cidr-block 0.0.0.0/0 --gateway-id <new-igw-id>`]],
        ]);
    });
});

describe("configuration check: NAT gateway states", () => {
    const NAT = "nat-06c018cbd8a1b2c3d";
    const SAME_ZONE = "nat-0d4e5f6a7b8c9d0e2";
    const OTHER_ZONE = "nat-01a2b3c4d5e6f7081";
    const failed = "failed (Gateway.NotAttached: Network vpc-0a1b2c3d4e5f60789 has no Internet gateway attached)";

    it("failed, with an available NAT gateway in the workload's zone: names the state and the failure, routes to that one", async () => {
        const { documents } = await readFixture("engine/nat-failed-blackhole");
        const r = evaluate(documents, S3);
        expect([r.path, r.verdict, r.culprits.map(full)]).to.deep.equal([
            "nat-gateway",
            "routing",
            [
                [
                    "route-table",
                    RTB,
                    "outbound",
                    `0.0.0.0/0 -> ${NAT} (blackhole)`,
                    `The route subnet-0c1d2e3f4a5b6c7d8 uses for ${S3} is 0.0.0.0/0 -> ${NAT}, and it is a blackhole: NAT gateway ${NAT} is ${failed}: it forwards nothing. Route to ${SAME_ZONE}, available in ap-northeast-2a like ${WORKLOAD_ENI}.`,
                    `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${SAME_ZONE}`,
                    "drops-request",
                    "workload",
                ],
            ],
        ]);
    });

    it("failed, with an available NAT gateway only in another zone: create one in the workload's zone, and name the other", async () => {
        const { documents } = await readFixture("engine/nat-failed-blackhole");
        const docs = { ...documents, natGateways: documents.natGateways.filter((n) => n.NatGatewayId !== SAME_ZONE) };
        const [c] = evaluate(docs, S3).culprits;
        expect([c.reason, c.fix]).to.deep.equal([
            `The route subnet-0c1d2e3f4a5b6c7d8 uses for ${S3} is 0.0.0.0/0 -> ${NAT}, and it is a blackhole: NAT gateway ${NAT} is ${failed}: it forwards nothing. ` +
                "Create one in ap-northeast-2a first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>. " +
                `Available in other zones, or zones the documents do not show: ${OTHER_ZONE} (ap-northeast-2c); usable now, at the cost of cross-zone traffic and that zone's failures.`,
            `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <new-nat-gateway-id>`,
        ]);
    });

    it("deleting and deleted (route still active): the NAT gateway is the culprit, named by its state", async () => {
        const { documents } = await readFixture("engine/nat-failed-blackhole");
        for (const state of ["deleting", "deleted"]) {
            const docs = {
                ...documents,
                routeTables: documents.routeTables.map((t) => ({ ...t, Routes: (t.Routes ?? []).map((r) => (r.NatGatewayId === NAT ? { ...r, State: "active" } : r)) })),
                natGateways: documents.natGateways.map((n) => (n.NatGatewayId === NAT ? { ...n, State: state, FailureCode: undefined, FailureMessage: undefined } : n)),
            };
            const [c] = evaluate(docs, S3).culprits;
            expect(full(c)).to.deep.equal([
                "nat-gateway",
                NAT,
                "outbound",
                `0.0.0.0/0 -> ${NAT}`,
                `${RTB} sends ${S3} to NAT gateway ${NAT}, which is ${state}: it forwards nothing. Route to ${SAME_ZONE}, available in ap-northeast-2a like ${WORKLOAD_ENI}.`,
                `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${SAME_ZONE}`,
                "drops-request",
                "workload",
            ]);
        }
    });

    it("a snapshot without describe-nat-gateways.json: the state is not known, and not called deleted", async () => {
        const { documents } = await readFixture("engine/nat-failed-blackhole");
        const [c] = evaluate({ ...documents, natGateways: [], unread: ["natGateways"] }, S3).culprits;
        expect(c.reason).to.equal(
            `The route subnet-0c1d2e3f4a5b6c7d8 uses for ${S3} is 0.0.0.0/0 -> ${NAT}, and it is a blackhole: NAT gateway ${NAT} is not in the snapshot (it has no describe-nat-gateways.json), so its state is not known: it forwards nothing. ` +
                "Create one in ap-northeast-2a first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>.",
        );
    });

    it("pending: wait and check again, no route change", async () => {
        const { documents } = await readFixture("engine/nat-failed-blackhole");
        const docs = { ...documents, natGateways: documents.natGateways.map((n) => (n.NatGatewayId === NAT ? { ...n, State: "pending", FailureCode: undefined, FailureMessage: undefined } : n)) };
        const [c] = evaluate(docs, S3).culprits;
        expect(full(c)).to.deep.equal([
            "nat-gateway",
            NAT,
            "outbound",
            `0.0.0.0/0 -> ${NAT} (blackhole)`,
            `${RTB} sends ${S3} to NAT gateway ${NAT}, which is pending: it forwards nothing until it is available. Wait a few minutes and check again.`,
            `aws ec2 describe-nat-gateways --nat-gateway-ids ${NAT} --query 'NatGateways[0].[State,FailureCode,FailureMessage]'`,
            "drops-request",
            "workload",
        ]);
    });

    it("CLI: the issue's command against the failed NAT gateway names its failure and the same-zone replacement", async () => {
        const { code, stderr, out } = await cli(fixtureDir("engine/nat-failed-blackhole"));
        const [c] = out.config.culprits;
        expect([code, stderr, out.config.verdict, out.config.agreement, out.config.eniBasis, c.kind, c.fix]).to.deep.equal([
            0,
            "",
            "routing",
            "agree",
            "it holds 10.0.1.25",
            "route-table",
            `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${SAME_ZONE}`,
        ]);
        expect(c.reason).to.contain(`NAT gateway ${NAT} is ${failed}`);
    });
});

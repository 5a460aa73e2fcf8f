/**
 * Configuration-check answers (analysis/verdict/config/evaluate.ts) that mutation testing found
 * unpinned: the peering, NAT-subnet and gateway-endpoint checks. Table tests call the evaluator
 * directly on the engine fixtures (tests/fixtures/config/engine/, provenance in its README.md) and
 * assert the whole answer a user reads: path, verdict, every culprit field, notes.
 */
import { expect } from "chai";
import { AddressSet } from "../../../analysis/core/ip";
import { ConfigEvaluation, evaluateConfiguration } from "../../../analysis/verdict/config/evaluate";
import { Ec2Documents } from "../../../analysis/verdict/config/ec2Documents";
import { readFixture } from "../../helpers/configFixtures";

async function check(fixture: string, dst: string): Promise<Omit<ConfigEvaluation, "eniId" | "subnetId" | "vpcId" | "routeTableId" | "networkAclId" | "securityGroupIds">> {
    const { documents } = await readFixture(`engine/${fixture}`);
    const r = evaluateConfiguration(documents, undefined, { dst: AddressSet.parse(dst, "--dst"), port: 443, protocol: 6 });
    return { path: r.path, verdict: r.verdict, culprits: r.culprits, notes: r.notes, consistentFlowVerdicts: r.consistentFlowVerdicts };
}

const peeringStop = (dst: string) => ({
    path: "peering",
    verdict: "inconclusive",
    culprits: [],
    notes: [`rtb-0aa11bb22cc33dd44 sends ${dst} to peering connection pcx-0a1b2c3d4e5f60789: the check stops there (the peer VPC's routes, security groups and ACLs are not seen).`],
    consistentFlowVerdicts: ["inconclusive"],
});

const peeringBeyond = (dst: string) => ({
    path: "peering",
    verdict: "routing",
    culprits: [
        {
            kind: "route-table",
            id: "rtb-0aa11bb22cc33dd44",
            direction: "outbound",
            rule: "0.0.0.0/0 -> pcx-0a1b2c3d4e5f60789",
            reason:
                `rtb-0aa11bb22cc33dd44 sends ${dst} to peering connection pcx-0a1b2c3d4e5f60789, but ${dst} is outside vpc-0c2d4e6f8a0b2c4d6 (10.20.0.0/16, 100.64.0.0/20): a peering connection carries only traffic to the peer VPC's own addresses; AWS does not route beyond it, so the peer's internet gateway, NAT device or gateway endpoint cannot be used (VPC peering guide, edge to edge routing). Route it through a NAT gateway of vpc-0a1b2c3d4e5f60789 itself. Create one in ap-northeast-2a first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>.`,
            fix: "aws ec2 replace-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <new-nat-gateway-id>",
            hint: "awsx.ec2.Vpc natGateways, or aws.ec2.NatGateway in a public subnet and aws.ec2.Route to it",
            effect: "drops-request",
            hop: "workload",
        },
    ],
    notes: [],
    consistentFlowVerdicts: ["routing"],
});

describe("configuration check answers (mutation-tested)", () => {
    // AWS, VPC peering guide, "Unsupported VPC peering configurations" (edge to edge routing through a
    // gateway or a private connection): "If VPC A has an internet gateway, resources in VPC B can't use
    // the internet gateway in VPC A to access the internet." A peering connection reaches only the
    // peer VPC's own CIDR blocks (the primary and every associated secondary block).
    describe("peering: only the peer VPC's own CIDR blocks are reachable", () => {
        const cases: Array<[string, string, "stop" | "beyond"]> = [
            ["an S3 address behind the peer's gateways", "52.219.204.42", "beyond"],
            ["inside the peer's primary block", "10.20.5.5", "stop"],
            ["the first address of the peer's secondary block", "100.64.0.0", "stop"],
            ["the last address of the peer's secondary block", "100.64.15.255", "stop"],
            ["one past the peer's secondary block", "100.64.16.0", "beyond"],
            ["one before the peer's primary block", "10.19.255.255", "beyond"],
        ];
        for (const [what, dst, expected] of cases) {
            it(`${what} (${dst}): ${expected === "stop" ? "the check stops at the peering connection" : "routing, the peering connection does not carry it"}`, async () => {
                expect(await check("peering-default-route", dst)).to.deep.equal(expected === "stop" ? peeringStop(dst) : peeringBeyond(dst));
            });
        }
    });

    // AWS, VPC peering guide, "VPC peering connection lifecycle": a connection carries traffic only once it
    // is active; "pending-acceptance: The VPC peering connection request is awaiting acceptance from the
    // owner of the accepter VPC"; "provisioning: The VPC peering connection request has been accepted, and
    // will soon be in the active state"; deleted and failed connections cannot be used again. For a
    // connection that is not active, EC2 does not return the peer's CIDR blocks.
    describe("peering: a connection that is not active carries no traffic", () => {
        const PCX = "pcx-0a1b2c3d4e5f60789";
        async function withState(code: string | undefined, message?: string): Promise<Awaited<ReturnType<typeof check>>> {
            const { documents } = await readFixture("engine/peering-default-route");
            const vpcPeeringConnections: Ec2Documents["vpcPeeringConnections"] =
                code === undefined
                    ? []
                    : [
                          {
                              VpcPeeringConnectionId: PCX,
                              Status: { Code: code, Message: message },
                              RequesterVpcInfo: { VpcId: "vpc-0a1b2c3d4e5f60789", OwnerId: "111122223333", Region: "ap-northeast-2" },
                              AccepterVpcInfo: { VpcId: "vpc-0c2d4e6f8a0b2c4d6", OwnerId: "444455556666", Region: "ap-northeast-2" },
                          },
                      ];
            const r = evaluateConfiguration({ ...documents, vpcPeeringConnections }, undefined, { dst: AddressSet.parse("10.20.5.5", "--dst"), port: 443, protocol: 6 });
            return { path: r.path, verdict: r.verdict, culprits: r.culprits, notes: r.notes, consistentFlowVerdicts: r.consistentFlowVerdicts };
        }
        const base = (state: string) => `rtb-0aa11bb22cc33dd44 sends 10.20.5.5 to peering connection ${PCX}, which is ${state}: it carries no traffic.`;
        const unknownCidrs = " EC2 returns a peer's CIDR blocks only for an active connection, so whether 10.20.5.5 is in vpc-0c2d4e6f8a0b2c4d6 is not known.";
        const recreate = `create a new one first (aws ec2 create-vpc-peering-connection --vpc-id vpc-0a1b2c3d4e5f60789 --peer-vpc-id vpc-0c2d4e6f8a0b2c4d6), have it accepted, and point the route at it.`;
        const culprit = (reason: string, fix: string, hint: string) => ({
            path: "peering",
            verdict: "routing",
            culprits: [{ kind: "vpc-peering-connection", id: PCX, direction: "outbound", rule: `0.0.0.0/0 -> ${PCX}`, reason, fix, hint, effect: "drops-request", hop: "workload" }],
            notes: [],
            consistentFlowVerdicts: ["routing"],
        });
        const replaceRoute = `aws ec2 replace-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 0.0.0.0/0 --vpc-peering-connection-id <new-pcx-id>`;
        const newPeeringHint = "aws.ec2.VpcPeeringConnection (and aws.ec2.VpcPeeringConnectionAccepter), then aws.ec2.Route to it";

        it("pending-acceptance: the accepter's owner must accept it", async () => {
            expect(await withState("pending-acceptance")).to.deep.equal(
                culprit(
                    `${base("pending-acceptance")} The owner of vpc-0c2d4e6f8a0b2c4d6 (account 444455556666) must accept it, in ap-northeast-2.${unknownCidrs}`,
                    `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${PCX}`,
                    "aws.ec2.VpcPeeringConnectionAccepter in the accepter's program (autoAccept: true)",
                ),
            );
        });

        it("provisioning: on its way to active, wait", async () => {
            expect(await withState("provisioning")).to.deep.equal(
                culprit(
                    `${base("provisioning")} It is on its way to active: wait and check again.${unknownCidrs}`,
                    `aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids ${PCX} --query 'VpcPeeringConnections[0].Status'`,
                    "nothing to change while it is being set up",
                ),
            );
        });

        it("deleted: cannot be used again, a new one is needed", async () => {
            expect(await withState("deleted")).to.deep.equal(culprit(`${base("deleted")} It cannot be used again: ${recreate}${unknownCidrs}`, replaceRoute, newPeeringHint));
        });

        it("failed, with EC2's status message quoted", async () => {
            const message = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range";
            expect(await withState("failed", message)).to.deep.equal(culprit(`${base(`failed (${message})`)} It cannot be used again: ${recreate}${unknownCidrs}`, replaceRoute, newPeeringHint));
        });

        it("not in describe-vpc-peering-connections: the check stops and says what was not checked", async () => {
            expect(await withState(undefined)).to.deep.equal({
                path: "peering",
                verdict: "inconclusive",
                culprits: [],
                notes: [
                    `rtb-0aa11bb22cc33dd44 sends 10.20.5.5 to peering connection ${PCX}: the check stops there (the peer VPC's routes, security groups and ACLs are not seen).`,
                    `Peering connection ${PCX} is not in describe-vpc-peering-connections: its state and the peer VPC's CIDR blocks were not checked.`,
                ],
                consistentFlowVerdicts: ["inconclusive"],
            });
        });
    });

    // AWS, NAT gateways user guide: "Create a public NAT gateway in a public subnet" and "Update the route
    // table of the public subnet to send internet-bound traffic to the internet gateway." And, network ACLs:
    // "Network ACLs are stateless, which means that responses to allowed inbound traffic are subject to the
    // rules for outbound traffic (and vice versa)": the NAT subnet's ACL must let the replies back in on
    // the NAT gateway's ports 1024-65535 ("NAT gateway basics": it uses ports 1024-65535).
    describe("the NAT gateway's own subnet", () => {
        it("without a route to an internet gateway: routing, at the NAT gateway's route table", async () => {
            expect(await check("nat-subnet-without-igw-route", "52.219.204.42")).to.deep.equal({
                path: "nat-gateway",
                verdict: "routing",
                culprits: [
                    {
                        kind: "route-table",
                        id: "rtb-0123abcd4567ef890",
                        direction: "outbound",
                        rule: "(no route)",
                        reason:
                            "NAT gateway nat-0f1e2d3c4b5a69788 sits in subnet-0f9e8d7c6b5a49382, whose route table rtb-0123abcd4567ef890 (the VPC's main table: the subnet has none of its own) does not send 52.219.204.42 to an internet gateway (it has no route for 52.219.204.42): a public NAT gateway needs one to reach the internet.",
                        fix: "aws ec2 create-route --route-table-id rtb-0123abcd4567ef890 --destination-cidr-block 0.0.0.0/0 --gateway-id igw-0b1c2d3e4f5a6b7c8",
                        hint: 'put the NAT gateway in a public subnet (awsx.ec2.Vpc does), or aws.ec2.Route(..., { destinationCidrBlock: "0.0.0.0/0", gatewayId: <igw> })',
                        effect: "drops-request",
                        hop: "nat-gateway",
                    },
                ],
                notes: [],
                consistentFlowVerdicts: ["routing"],
            });
        });

        it("whose network ACL denies the replies on 1024-65535: nacl-return-path, with the rule that lets them in", async () => {
            expect(await check("nat-subnet-acl-denies-replies", "52.219.204.42")).to.deep.equal({
                path: "nat-gateway",
                verdict: "nacl-return-path",
                culprits: [
                    {
                        kind: "network-acl",
                        id: "acl-0c0ffee0c0ffee012",
                        direction: "inbound",
                        rule: "200",
                        reason: "Inbound rule 200 deny tcp 1024-65535 from 0.0.0.0/0 of acl-0c0ffee0c0ffee012 drops the replies from 52.219.204.42:443 to 10.0.0.149 on the NAT gateway's ports 1024-65535.",
                        fix: "aws ec2 create-network-acl-entry --network-acl-id acl-0c0ffee0c0ffee012 --ingress --rule-number 199 --protocol tcp --port-range From=1024,To=65535 --cidr-block 52.219.204.42/32 --rule-action allow",
                        hint: 'new aws.ec2.NetworkAclRule(..., { networkAclId: "acl-0c0ffee0c0ffee012", ruleNumber: 199, egress: false, protocol: "tcp", ruleAction: "allow", cidrBlock: "52.219.204.42/32", fromPort: 1024, toPort: 65535 })',
                        effect: "drops-reply",
                        hop: "nat-gateway",
                    },
                ],
                notes: [],
                consistentFlowVerdicts: ["nacl-return-path", "routing"],
            });
        });
    });

    // AWS, gateway endpoints user guide: "Gateway endpoints support only traffic in the same Region" /
    // "You cannot use a gateway endpoint to access resources in a different Region"; the route's
    // destination is the service's prefix list, which holds the Region's S3 ranges only.
    describe("S3 gateway endpoint", () => {
        it("a bucket address outside the endpoint's prefix list (another Region): routing, at the endpoint", async () => {
            expect(await check("gateway-endpoint-other-region", "54.231.1.10")).to.deep.equal({
                path: "none",
                verdict: "routing",
                culprits: [
                    {
                        kind: "vpc-endpoint",
                        id: "vpce-0a1b2c3d4e5f60789",
                        direction: "outbound",
                        rule: "pl-78a54011 -> vpce-0a1b2c3d4e5f60789",
                        reason:
                            "rtb-0aa11bb22cc33dd44 (subnet-0c1d2e3f4a5b6c7d8's route table) has no route that matches 54.231.1.10: the S3 gateway endpoint vpce-0a1b2c3d4e5f60789 reaches S3 in ap-northeast-2 only (prefix list pl-78a54011), and 54.231.1.10 is not in it, so the bucket is in another region and nothing else routes there.",
                        fix: "aws ec2 create-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-gateway-id>",
                        hint: "use a bucket in ap-northeast-2, or give the subnet a NAT gateway route (awsx.ec2.Vpc natGateways, or aws.ec2.Route to a NAT gateway)",
                        effect: "drops-request",
                        hop: "workload",
                    },
                ],
                notes: [],
                consistentFlowVerdicts: ["routing"],
            });
        });

        it("a bucket address in the prefix list, security group allowing the list: network-ok through the endpoint", async () => {
            expect(await check("sg-egress-s3-prefix-list", "52.219.204.42")).to.deep.equal({ path: "gateway-endpoint", verdict: "network-ok", culprits: [], notes: [], consistentFlowVerdicts: ["network-ok"] });
        });
    });
});

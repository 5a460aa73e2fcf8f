import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { LAB_MOCK, REGION, byName, promiseOf, registeredUnder, requestFor, resetRecordings } from "../helpers/pulumiMocks";
import { FlowLogLab } from "../../components/lab";
import { labUserData } from "../../components/labScenarios";

/** Builds the lab and waits until every child is registered. */
async function deploy(name: string, scenario: string): Promise<FlowLogLab> {
    const lab = new FlowLogLab(name, { scenario });
    await promiseOf(pulumi.all([lab.urn, lab.vpcId, lab.generatorPrivateIp, lab.generatorEniId, lab.diagnoseCommand]));
    return lab;
}

function typesOf(prefix: string): string[] {
    return registeredUnder(prefix)
        .map((r) => `${r.type} ${r.name}`)
        .sort();
}

/** What every scenario has: the VPC, its public and private subnets with their routing, the generator and its group. */
const ALWAYS = (n: string) => [
    `aws:ec2/instance:Instance ${n}-generator`,
    `aws:ec2/internetGateway:InternetGateway ${n}-igw`,
    `aws:ec2/route:Route ${n}-public-default-route`,
    `aws:ec2/routeTable:RouteTable ${n}-private-route-table`,
    `aws:ec2/routeTable:RouteTable ${n}-public-route-table`,
    `aws:ec2/routeTableAssociation:RouteTableAssociation ${n}-private-route-table-association`,
    `aws:ec2/routeTableAssociation:RouteTableAssociation ${n}-public-route-table-association`,
    `aws:ec2/securityGroup:SecurityGroup ${n}-generator-sg`,
    `aws:ec2/subnet:Subnet ${n}-private-subnet`,
    `aws:ec2/subnet:Subnet ${n}-public-subnet`,
    `aws:ec2/vpc:Vpc ${n}-vpc`,
    `vpc-flow-logs:lab:FlowLogLab ${n}`,
];
/** The first zone by name among those offering t3.micro in LAB_MOCK.instanceTypeZones. */
const ZONE = "ap-northeast-2b";
const ENDPOINT = (n: string) => [`aws:ec2/vpcEndpoint:VpcEndpoint ${n}-s3-endpoint`];
const HTTPS_TO_S3 = (n: string) => [`aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule ${n}-generator-sg-https-to-s3`];
const NACL = (n: string) => [
    `aws:ec2/networkAcl:NetworkAcl ${n}-nacl`,
    `aws:ec2/networkAclRule:NetworkAclRule ${n}-nacl-in-ephemeral-deny`,
    `aws:ec2/networkAclRule:NetworkAclRule ${n}-nacl-out-https`,
];

const S3_DST = "3.5.140.0/22,52.219.56.0/22,52.219.204.0/22";

interface Case {
    readonly scenario: string;
    readonly verdict: string;
    readonly resources: (n: string) => string[];
    /** The generator's subnet: the private or the public one. */
    readonly subnetId: (n: string) => string;
    readonly ip: string;
    /** Everything the generator waits for, by logical name. */
    readonly waitsFor: (n: string) => string[];
}

const CASES: Case[] = [
    {
        scenario: "no-route",
        verdict: "routing",
        resources: (n) => [...ALWAYS(n), ...HTTPS_TO_S3(n)],
        subnetId: (n) => `${n}-private-subnet-id`,
        ip: "10.42.0.10",
        waitsFor: (n) => [`${n}-generator-sg`, `${n}-generator-sg-https-to-s3`, `${n}-private-route-table-association`, `${n}-private-subnet`],
    },
    {
        scenario: "public-no-ip",
        verdict: "routing",
        resources: (n) => [...ALWAYS(n), ...HTTPS_TO_S3(n)],
        subnetId: (n) => `${n}-public-subnet-id`,
        ip: "10.42.0.74",
        waitsFor: (n) => [
            `${n}-generator-sg`,
            `${n}-generator-sg-https-to-s3`,
            `${n}-public-default-route`,
            `${n}-public-route-table-association`,
            `${n}-public-subnet`,
        ],
    },
    {
        scenario: "sg-egress-deny",
        verdict: "security-group-or-nacl",
        resources: (n) => [...ALWAYS(n), ...ENDPOINT(n)],
        subnetId: (n) => `${n}-private-subnet-id`,
        ip: "10.42.0.11",
        waitsFor: (n) => [`${n}-generator-sg`, `${n}-private-route-table-association`, `${n}-private-subnet`, `${n}-s3-endpoint`],
    },
    {
        scenario: "nacl-return-deny",
        verdict: "nacl-return-path",
        resources: (n) => [...ALWAYS(n), ...ENDPOINT(n), ...HTTPS_TO_S3(n), ...NACL(n)],
        subnetId: (n) => `${n}-private-subnet-id`,
        ip: "10.42.0.12",
        waitsFor: (n) => [
            `${n}-generator-sg`,
            `${n}-generator-sg-https-to-s3`,
            `${n}-nacl-in-ephemeral-deny`,
            `${n}-nacl-out-https`,
            `${n}-private-route-table-association`,
            `${n}-private-subnet`,
            `${n}-s3-endpoint`,
        ],
    },
    {
        scenario: "healthy",
        verdict: "network-ok",
        resources: (n) => [...ALWAYS(n), ...ENDPOINT(n), ...HTTPS_TO_S3(n)],
        subnetId: (n) => `${n}-private-subnet-id`,
        ip: "10.42.0.13",
        waitsFor: (n) => [
            `${n}-generator-sg`,
            `${n}-generator-sg-https-to-s3`,
            `${n}-private-route-table-association`,
            `${n}-private-subnet`,
            `${n}-s3-endpoint`,
        ],
    },
];

describe("FlowLogLab component", () => {
    beforeEach(resetRecordings);

    for (const c of CASES) {
        describe(`scenario ${c.scenario}`, () => {
            const n = `lab-${c.scenario}`;

            it("creates exactly the resources of the scenario, every one a child of the lab", async () => {
                await deploy(n, c.scenario);
                expect(typesOf(n)).to.deep.equal(c.resources(n).sort());
                for (const r of registeredUnder(n).filter((r) => r.name !== n)) {
                    expect(requestFor(r.name).parent, r.name).to.equal(n);
                }
            });

            it("builds the same network around it, in a zone that offers t3.micro: a public subnet routed to an internet gateway, no NAT, and a private subnet with only the local route", async () => {
                await deploy(n, c.scenario);
                expect(byName(`${n}-vpc`).inputs).to.deep.equal({
                    cidrBlock: "10.42.0.0/24",
                    enableDnsSupport: true,
                    enableDnsHostnames: true,
                    tags: { Name: `${n}-vpc` },
                });
                expect(byName(`${n}-igw`).inputs).to.deep.equal({ vpcId: LAB_MOCK.vpcId, tags: { Name: `${n}-igw` } });
                expect(byName(`${n}-public-subnet`).inputs).to.deep.equal({
                    vpcId: LAB_MOCK.vpcId,
                    cidrBlock: "10.42.0.64/26",
                    availabilityZone: ZONE,
                    mapPublicIpOnLaunch: false,
                    tags: { Name: `${n}-public` },
                });
                expect(byName(`${n}-public-route-table`).inputs).to.deep.equal({ vpcId: LAB_MOCK.vpcId, tags: { Name: `${n}-public` } });
                expect(byName(`${n}-public-default-route`).inputs).to.deep.equal({
                    routeTableId: `${n}-public-route-table-id`,
                    destinationCidrBlock: "0.0.0.0/0",
                    gatewayId: `${n}-igw-id`,
                });
                expect(byName(`${n}-public-route-table-association`).inputs).to.deep.equal({
                    subnetId: `${n}-public-subnet-id`,
                    routeTableId: `${n}-public-route-table-id`,
                });
                expect(byName(`${n}-private-subnet`).inputs).to.deep.equal({
                    vpcId: LAB_MOCK.vpcId,
                    cidrBlock: "10.42.0.0/26",
                    availabilityZone: ZONE,
                    mapPublicIpOnLaunch: false,
                    tags: { Name: `${n}-private` },
                });
                // No `routes`: only the local route, plus the endpoint's when there is one.
                expect(byName(`${n}-private-route-table`).inputs).to.deep.equal({ vpcId: LAB_MOCK.vpcId, tags: { Name: `${n}-private` } });
                expect(byName(`${n}-private-route-table-association`).inputs).to.deep.equal({
                    subnetId: `${n}-private-subnet-id`,
                    routeTableId: `${n}-private-route-table-id`,
                });
            });

            it("gives the generator a security group with no inbound rule, and 443 out to S3 only when the scenario allows it", async () => {
                await deploy(n, c.scenario);
                expect(byName(`${n}-generator-sg`).inputs).to.deep.equal({
                    vpcId: LAB_MOCK.vpcId,
                    description: "vpc-flow-logs lab traffic generator: no inbound rules",
                    tags: { Name: `${n}-generator` },
                });
                const rules = registeredUnder(n).filter((r) => r.type.startsWith("aws:vpc/securityGroup") || r.type === "aws:ec2/securityGroupRule:SecurityGroupRule");
                if (c.scenario === "sg-egress-deny") {
                    expect(rules).to.deep.equal([]);
                } else {
                    expect(rules).to.deep.equal([
                        {
                            type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
                            name: `${n}-generator-sg-https-to-s3`,
                            inputs: {
                                securityGroupId: `${n}-generator-sg-id`,
                                description: "HTTPS to S3 in this region",
                                ipProtocol: "tcp",
                                fromPort: 443,
                                toPort: 443,
                                prefixListId: LAB_MOCK.s3PrefixListId,
                                tags: {},
                            },
                        },
                    ]);
                }
            });

            it("attaches the S3 gateway endpoint to the generator's route table only when the scenario has one", async () => {
                await deploy(n, c.scenario);
                const endpoints = registeredUnder(n).filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
                const expected = c.resources(n).some((r) => r.includes("VpcEndpoint"))
                    ? [
                          {
                              vpcId: LAB_MOCK.vpcId,
                              serviceName: `com.amazonaws.${REGION}.s3`,
                              vpcEndpointType: "Gateway",
                              routeTableIds: [`${n}-private-route-table-id`],
                              tags: { Name: `${n}-s3` },
                          },
                      ]
                    : [];
                expect(endpoints.map((e) => e.inputs)).to.deep.equal(expected);
            });

            it("runs the generator without public IP, key pair or profile, IMDSv2 only, calling S3 in the region", async () => {
                await deploy(n, c.scenario);
                const generator = byName(`${n}-generator`).inputs;
                expect(generator).to.deep.equal({
                    ami: LAB_MOCK.amiId,
                    instanceType: "t3.micro",
                    subnetId: c.subnetId(n),
                    privateIp: c.ip,
                    associatePublicIpAddress: false,
                    vpcSecurityGroupIds: [`${n}-generator-sg-id`],
                    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
                    userData: labUserData(REGION, "amazonaws.com", c.scenario as Parameters<typeof labUserData>[2]),
                    userDataReplaceOnChange: true,
                    tags: { Name: `${n}-generator` },
                });
                expect(generator.userData).to.contain(`url='https://s3.${REGION}.amazonaws.com/'`);
                expect(generator.userData).to.contain(`scenario=${c.scenario} `);
            });

            it("starts the generator after the scenario is complete, frees its fixed IP before replacing it, and keeps its AMI across Amazon Linux releases", async () => {
                await deploy(n, c.scenario);
                const request = requestFor(`${n}-generator`);
                expect(request.dependencies).to.deep.equal(c.waitsFor(n).sort());
                expect(request.deleteBeforeReplace).to.equal(true);
                expect(request.ignoreChanges).to.deep.equal(["ami"]);
            });

            it("exposes the VPC, the generator and the command that should print its verdict", async () => {
                const lab = await deploy(n, c.scenario);
                expect(lab.scenario.expectedVerdict).to.equal(c.verdict);
                const [vpcId, ip, eni, cidrs, command] = await promiseOf(
                    pulumi.all([lab.vpcId, lab.generatorPrivateIp, lab.generatorEniId, lab.s3Cidrs, lab.diagnoseCommand]),
                );
                expect({ vpcId, ip, eni, cidrs, command }).to.deep.equal({
                    vpcId: LAB_MOCK.vpcId,
                    ip: c.ip,
                    eni: `eni-${n}-generator`,
                    cidrs: [...LAB_MOCK.s3Cidrs],
                    command: `npx vpc-flow-diagnose --stack dev --src ${c.ip} --dst ${S3_DST} --port 443 --since 30m --eni eni-${n}-generator --check-config`,
                });
            });
        });
    }

    it("nacl-return-deny: a custom ACL on the generator's subnet lets 443 out and denies the replies' ephemeral ports in", async () => {
        await deploy("nacl", "nacl-return-deny");
        expect(byName("nacl-nacl").inputs).to.deep.equal({
            vpcId: LAB_MOCK.vpcId,
            subnetIds: ["nacl-private-subnet-id"],
            tags: { Name: "nacl-nacl-return-deny" },
        });
        expect(byName("nacl-nacl-out-https").inputs).to.deep.equal({
            networkAclId: "nacl-nacl-id",
            ruleNumber: 100,
            egress: true,
            protocol: "tcp",
            ruleAction: "allow",
            cidrBlock: "0.0.0.0/0",
            fromPort: 443,
            toPort: 443,
        });
        expect(byName("nacl-nacl-in-ephemeral-deny").inputs).to.deep.equal({
            networkAclId: "nacl-nacl-id",
            ruleNumber: 100,
            egress: false,
            protocol: "tcp",
            ruleAction: "deny",
            cidrBlock: "0.0.0.0/0",
            fromPort: 1024,
            toPort: 65535,
        });
    });

    it("tags every taggable child", async () => {
        const lab = new FlowLogLab("tagged", { scenario: "nacl-return-deny", tags: { team: "network" } });
        await promiseOf(pulumi.all([lab.urn, lab.diagnoseCommand]));
        const untagged = registeredUnder("tagged")
            .filter((r) => !["vpc-flow-logs:lab:FlowLogLab", "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/route:Route", "aws:ec2/networkAclRule:NetworkAclRule"].includes(r.type))
            .filter((r) => r.inputs.tags?.team !== "network")
            .map((r) => r.name);
        expect(untagged).to.deep.equal([]);
        expect(byName("tagged-generator").inputs.tags).to.deep.equal({ team: "network", Name: "tagged-generator" });
    });

    it("refuses an unknown scenario before creating anything", () => {
        let thrown: unknown;
        try {
            new FlowLogLab("bad", { scenario: "no-nat" });
        } catch (err) {
            thrown = err;
        }
        expect(pulumi.RunError.isInstance(thrown)).to.equal(true);
        expect((thrown as Error).message).to.equal(
            "Invalid lab 'no-nat'. Allowed: no-route, public-no-ip, sg-egress-deny, nacl-return-deny, healthy.",
        );
        expect(registeredUnder("bad")).to.deep.equal([]);
    });
});

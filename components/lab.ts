import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import {
    AL2023_AMI_PARAMETER,
    GENERATOR_INSTANCE_TYPE,
    LAB_NETWORK,
    LabScenario,
    labDiagnoseCommand,
    labUserData,
    resolveLabScenario,
    s3ServiceName,
} from "./labScenarios";
import { validateOrFail } from "./userErrors";

/** Arguments of {@link FlowLogLab}. */
export interface FlowLogLabArgs {
    /**
     * The failure to build: `no-route`, `public-no-ip`, `sg-egress-deny`, `nacl-return-deny` or
     * `healthy` (components/labScenarios.ts says what each breaks). Required.
     */
    readonly scenario: string;
    /** Tags for every taggable child. Default: none. */
    readonly tags?: Record<string, string>;
}

/**
 * A small VPC that breaks S3 access on purpose, one failure class at a time, with a traffic
 * generator calling S3 every 20 s: deploy it with flow logs on, then check that the diagnosis
 * prints the scenario's verdict. Nothing in it accepts inbound traffic and nothing has a public IP.
 */
export class FlowLogLab extends pulumi.ComponentResource {
    public readonly scenario: LabScenario;
    /** The lab VPC: the flow logs' target. */
    public readonly vpcId: pulumi.Output<string>;
    public readonly generatorPrivateIp: pulumi.Output<string>;
    /** The generator's network interface: its log stream in the flow-log group. */
    public readonly generatorEniId: pulumi.Output<string>;
    /** The region's S3 ranges (managed prefix list com.amazonaws.<region>.s3). */
    public readonly s3Cidrs: pulumi.Output<string[]>;
    /** `npx vpc-flow-diagnose ...` that should print `scenario.expectedVerdict`. */
    public readonly diagnoseCommand: pulumi.Output<string>;

    constructor(name: string, args: FlowLogLabArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super() registers the component, so a bad value leaves nothing behind.
        const scenario = validateOrFail(() => resolveLabScenario(args.scenario));
        super("vpc-flow-logs:lab:FlowLogLab", name, {}, opts);

        const tags = args.tags ?? {};
        const named = (suffix: string) => ({ ...tags, Name: `${name}-${suffix}` });
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const partition = aws.getPartitionOutput({}, { parent: this });
        const s3PrefixList = aws.ec2.getManagedPrefixListOutput({ name: region.apply(s3ServiceName) }, { parent: this });
        const ami = aws.ssm.getParameterOutput({ name: AL2023_AMI_PARAMETER }, { parent: this });

        // One AZ and no NAT gateway: a NAT gateway costs by the hour and would give the private
        // subnet a route, which is what no-route is about lacking. awsx always adds an internet
        // gateway (free) and, for the public subnet, the 0.0.0.0/0 route to it: that subnet is
        // the public-no-ip scenario's home. Same layout in every scenario, so switching scenario
        // never rebuilds the network.
        const vpc = new awsx.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: LAB_NETWORK.vpcCidr,
                numberOfAvailabilityZones: 1,
                natGateways: { strategy: awsx.ec2.NatGatewayStrategy.None },
                subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
                subnetSpecs: [{ type: awsx.ec2.SubnetType.Public, cidrBlocks: [LAB_NETWORK.publicSubnetCidr] }],
                tags,
            },
            { parent: this },
        );

        // The generator's private subnet and its route table are the lab's own resources, not
        // awsx subnets: the S3 endpoint must be attached to exactly this route table, and awsx
        // exposes its route tables only as a list of resource references that would have to be
        // told apart by their tags. Owning them also lets the tests assert the exact routing of
        // every scenario. The table has only the VPC's local route unless an endpoint adds one.
        const privateSubnet = new aws.ec2.Subnet(
            `${name}-private-subnet`,
            { vpcId: vpc.vpcId, cidrBlock: LAB_NETWORK.privateSubnetCidr, mapPublicIpOnLaunch: false, tags: named("private") },
            { parent: this },
        );
        // No inline `routes`: the gateway endpoint adds its prefix-list route to this table, and
        // managing routes inline would make every `pulumi up` try to remove it.
        const routeTable = new aws.ec2.RouteTable(`${name}-private-route-table`, { vpcId: vpc.vpcId, tags: named("private") }, { parent: this });
        const association = new aws.ec2.RouteTableAssociation(
            `${name}-private-route-table-association`,
            { subnetId: privateSubnet.id, routeTableId: routeTable.id },
            { parent: this },
        );
        const scenarioReady: pulumi.Resource[] = [association];

        if (scenario.s3GatewayEndpoint) {
            // Gateway endpoints for S3 cost nothing; the full-access default policy keeps the
            // endpoint out of the question.
            scenarioReady.push(
                new aws.ec2.VpcEndpoint(
                    `${name}-s3-endpoint`,
                    {
                        vpcId: vpc.vpcId,
                        serviceName: region.apply(s3ServiceName),
                        vpcEndpointType: "Gateway",
                        routeTableIds: [routeTable.id],
                        tags: named("s3"),
                    },
                    { parent: this },
                ),
            );
        }

        // No ingress rules, ever. The provider removes the allow-all egress rule AWS adds to a new
        // group, so egress is exactly the rule below, or nothing (sg-egress-deny). DNS to the
        // Amazon resolver is not filtered by security groups or network ACLs, so the generator
        // still resolves S3's name in every scenario and the failure is the TCP connection.
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-generator-sg`,
            { vpcId: vpc.vpcId, description: "vpc-flow-logs lab traffic generator: no inbound rules", tags: named("generator") },
            { parent: this },
        );
        if (scenario.allowHttpsToS3) {
            scenarioReady.push(
                new aws.vpc.SecurityGroupEgressRule(
                    `${name}-generator-sg-https-to-s3`,
                    {
                        securityGroupId: securityGroup.id,
                        description: "HTTPS to S3 in this region",
                        ipProtocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        prefixListId: s3PrefixList.id,
                        tags,
                    },
                    { parent: this },
                ),
            );
        }

        if (scenario.naclDeniesReturn) {
            // Network ACLs are stateless: the request to 443 goes out, S3's answer to the
            // ephemeral port is dropped on the way in. The explicit deny names the failure (a
            // custom ACL's final `*` rule would drop it anyway). ACLs cannot use prefix lists.
            const nacl = new aws.ec2.NetworkAcl(
                `${name}-nacl`,
                { vpcId: vpc.vpcId, subnetIds: [privateSubnet.id], tags: named("nacl-return-deny") },
                { parent: this },
            );
            scenarioReady.push(
                new aws.ec2.NetworkAclRule(
                    `${name}-nacl-out-https`,
                    {
                        networkAclId: nacl.id,
                        ruleNumber: 100,
                        egress: true,
                        protocol: "tcp",
                        ruleAction: "allow",
                        cidrBlock: "0.0.0.0/0",
                        fromPort: 443,
                        toPort: 443,
                    },
                    { parent: this },
                ),
                new aws.ec2.NetworkAclRule(
                    `${name}-nacl-in-ephemeral-deny`,
                    {
                        networkAclId: nacl.id,
                        ruleNumber: 100,
                        egress: false,
                        protocol: "tcp",
                        ruleAction: "deny",
                        cidrBlock: "0.0.0.0/0",
                        fromPort: 1024,
                        toPort: 65535,
                    },
                    { parent: this },
                ),
            );
        }

        const subnetId =
            scenario.subnet === "public"
                ? vpc.publicSubnetIds.apply((ids) => {
                      if (ids.length !== 1) throw new Error(`Expected one public subnet in the lab VPC, found ${ids.length}`);
                      return ids[0];
                  })
                : privateSubnet.id;

        const generator = new aws.ec2.Instance(
            `${name}-generator`,
            {
                // The parameter is public: insecureValue keeps the AMI id readable in previews
                // (`value` is marked secret by the provider).
                ami: ami.insecureValue,
                instanceType: GENERATOR_INSTANCE_TYPE,
                subnetId,
                privateIp: scenario.generatorPrivateIp,
                // Also in the public subnet, whose default would give it one: lacking it is the
                // public-no-ip scenario, and elsewhere the generator must not be reachable.
                associatePublicIpAddress: false,
                vpcSecurityGroupIds: [securityGroup.id],
                // IMDSv2 only; no key pair and no instance profile: nobody logs in, it needs no AWS
                // credentials (S3 answers an anonymous request, which is enough to prove the path).
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
                userData: pulumi
                    .all([region, partition.dnsSuffix])
                    .apply(([r, dnsSuffix]) => labUserData(r, dnsSuffix, scenario.name)),
                // cloud-init runs user data on the first boot only: a new script needs a new instance.
                userDataReplaceOnChange: true,
                tags: named("generator"),
            },
            {
                parent: this,
                // Its first calls already meet the finished scenario, not a half-built one.
                dependsOn: scenarioReady,
                // The fixed private IP cannot be held by the old and the new instance at once.
                deleteBeforeReplace: true,
            },
        );

        this.scenario = scenario;
        this.vpcId = vpc.vpcId;
        this.generatorPrivateIp = generator.privateIp;
        this.generatorEniId = generator.primaryNetworkInterfaceId;
        this.s3Cidrs = s3PrefixList.entries.apply((entries) => entries.map((e) => e.cidr));
        const stack = pulumi.getStack();
        this.diagnoseCommand = pulumi
            .all([this.generatorPrivateIp, this.s3Cidrs, this.generatorEniId])
            .apply(([ip, cidrs, eni]) => labDiagnoseCommand(stack, ip, cidrs, eni));

        this.registerOutputs({
            vpcId: this.vpcId,
            generatorPrivateIp: this.generatorPrivateIp,
            generatorEniId: this.generatorEniId,
            diagnoseCommand: this.diagnoseCommand,
        });
    }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    AL2023_AMI_PARAMETER,
    GENERATOR_INSTANCE_TYPE,
    LAB_NETWORK,
    LabScenario,
    chooseLabAvailabilityZone,
    labDiagnoseCommand,
    labUserData,
    resolveLabScenario,
    s3ServiceName,
} from "./labScenarios";
import { validateOrFail } from "./userErrors";
import { TAG_RULES } from "./awsConstraints";
import { checkTags } from "./preflight";

/** The lab's EC2 resources carry the stack's tags and a `Name` of their own. */
export function checkLabTags(tags: Readonly<Record<string, string>>): void {
    checkTags(tags, [{ rules: TAG_RULES.ec2, extraKeys: ["Name"] }]);
}

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
        const scenario = validateOrFail(() => {
            const resolved = resolveLabScenario(args.scenario);
            checkLabTags(args.tags ?? {});
            return resolved;
        });
        super("vpc-flow-logs:lab:FlowLogLab", name, {}, opts);

        const tags = args.tags ?? {};
        const named = (suffix: string) => ({ ...tags, Name: `${name}-${suffix}` });
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const partition = aws.getPartitionOutput({}, { parent: this });
        const s3Service = pulumi.all([partition.reverseDnsPrefix, region]).apply(([prefix, r]) => s3ServiceName(prefix, r));
        const s3PrefixList = aws.ec2.getManagedPrefixListOutput({ name: s3Service }, { parent: this });
        const ami = aws.ssm.getParameterOutput({ name: AL2023_AMI_PARAMETER }, { parent: this });
        const offerings = aws.ec2.getInstanceTypeOfferingsOutput(
            { locationType: "availability-zone", filters: [{ name: "instance-type", values: [GENERATOR_INSTANCE_TYPE] }] },
            { parent: this },
        );
        const availabilityZone = pulumi
            .all([region, offerings.locations])
            .apply(([r, zones]) => validateOrFail(() => chooseLabAvailabilityZone(r, zones)));

        // The whole network is the lab's own, in one zone that offers the generator's instance
        // type: a public subnet (default route to an internet gateway, which costs nothing) for
        // public-no-ip, and the generator's private subnet with only the local route, which is what
        // no-route is about. No NAT gateway: it costs by the hour and would give the private subnet
        // a way out. Same layout in every scenario, so switching scenario never rebuilds the network.
        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            // The S3 probe resolves s3.<region>.<dnsSuffix> through the Amazon-provided resolver.
            { cidrBlock: LAB_NETWORK.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: named("vpc") },
            { parent: this },
        );
        const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: named("igw") }, { parent: this });
        const publicSubnet = new aws.ec2.Subnet(
            `${name}-public-subnet`,
            {
                vpcId: vpc.id,
                cidrBlock: LAB_NETWORK.publicSubnetCidr,
                availabilityZone,
                // Nothing in the lab gets a public IP: lacking one is the public-no-ip scenario.
                mapPublicIpOnLaunch: false,
                tags: named("public"),
            },
            { parent: this },
        );
        const publicRouteTable = new aws.ec2.RouteTable(`${name}-public-route-table`, { vpcId: vpc.id, tags: named("public") }, { parent: this });
        const defaultRoute = new aws.ec2.Route(
            `${name}-public-default-route`,
            { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id },
            { parent: this },
        );
        const publicAssociation = new aws.ec2.RouteTableAssociation(
            `${name}-public-route-table-association`,
            { subnetId: publicSubnet.id, routeTableId: publicRouteTable.id },
            { parent: this },
        );

        // The S3 endpoint must be attached to exactly the private route table, which has only the
        // VPC's local route unless an endpoint adds one.
        const privateSubnet = new aws.ec2.Subnet(
            `${name}-private-subnet`,
            { vpcId: vpc.id, cidrBlock: LAB_NETWORK.privateSubnetCidr, availabilityZone, mapPublicIpOnLaunch: false, tags: named("private") },
            { parent: this },
        );
        // No inline `routes`: the gateway endpoint adds its prefix-list route to this table, and
        // managing routes inline would make every `pulumi up` try to remove it.
        const routeTable = new aws.ec2.RouteTable(`${name}-private-route-table`, { vpcId: vpc.id, tags: named("private") }, { parent: this });
        const association = new aws.ec2.RouteTableAssociation(
            `${name}-private-route-table-association`,
            { subnetId: privateSubnet.id, routeTableId: routeTable.id },
            { parent: this },
        );
        const scenarioReady: pulumi.Resource[] =
            scenario.subnet === "public" ? [defaultRoute, publicAssociation] : [association];

        if (scenario.s3GatewayEndpoint) {
            // Gateway endpoints for S3 cost nothing; the full-access default policy keeps the
            // endpoint out of the question.
            scenarioReady.push(
                new aws.ec2.VpcEndpoint(
                    `${name}-s3-endpoint`,
                    {
                        vpcId: vpc.id,
                        serviceName: s3Service,
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
            { vpcId: vpc.id, description: "vpc-flow-logs lab traffic generator: no inbound rules", tags: named("generator") },
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
                { vpcId: vpc.id, subnetIds: [privateSubnet.id], tags: named("nacl-return-deny") },
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

        const subnetId = scenario.subnet === "public" ? publicSubnet.id : privateSubnet.id;

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
                // The AMI comes from the "latest" parameter and `ami` forces replacement: without
                // this, every Amazon Linux release would replace the generator at the next
                // `pulumi up`. The README says how to move it to a newer AMI on purpose.
                ignoreChanges: ["ami"],
            },
        );

        this.scenario = scenario;
        this.vpcId = vpc.id;
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

import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, REGION, byName, invokes, promiseOf, registeredUnder, requestFor, resetRecordings } from "./helpers/pulumiMocks";
import { VpcFlowLogs, VpcFlowLogsArgs } from "../components/vpcFlowLogs";

const VPC = "vpc-0123456789abcdef0";
const SUBNET_A = "subnet-0aaaaaaaaaaaaaaaa";
const SUBNET_B = "subnet-0bbbbbbbbbbbbbbbb";
const DEFAULT_FORMAT =
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

/** Builds the component and waits until every child is registered. */
async function deploy(name: string, args: VpcFlowLogsArgs): Promise<VpcFlowLogs> {
    const component = new VpcFlowLogs(name, args);
    await promiseOf(pulumi.all([component.flowLogIds, component.roleArn, component.logGroupArn, component.urn]));
    return component;
}

function typesOf(prefix: string): string[] {
    return registeredUnder(prefix)
        .map((r) => `${r.type} ${r.name}`)
        .sort();
}

describe("VpcFlowLogs component", () => {
    beforeEach(resetRecordings);

    it("creates exactly the role, policy, attachment, log group and one flow log for a VPC", async () => {
        await deploy("fl", { vpcId: VPC });
        expect(typesOf("fl")).to.deep.equal([
            "aws:cloudwatch/logGroup:LogGroup fl-log-group",
            `aws:ec2/flowLog:FlowLog fl-${VPC}`,
            "aws:iam/policy:Policy fl-policy",
            "aws:iam/role:Role fl-role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment fl-policy-attachment",
            "vpc-flow-logs:network:VpcFlowLogs fl",
        ]);
    });

    it("trusts only vpc-flow-logs.amazonaws.com, for flow logs of this account and region", async () => {
        await deploy("trust", { vpcId: VPC });
        expect(JSON.parse(byName("trust-role").inputs.assumeRolePolicy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowVpcFlowLogsToAssumeRole",
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                        ArnLike: { "aws:SourceArn": `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:vpc-flow-log/*` },
                    },
                },
            ],
        });
    });

    it("grants the four delivery actions on the log group's streams only", async () => {
        await deploy("perm", { vpcId: VPC });
        expect(JSON.parse(byName("perm-policy").inputs.policy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DeliverFlowLogsToOneLogGroup",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                    Resource: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/vpc-flow-logs/perm:*`,
                },
            ],
        });
        expect(byName("perm-policy-attachment").inputs).to.deep.equal({
            role: "perm-role",
            policyArn: `arn:aws:iam::${ACCOUNT_ID}:policy/perm-policy`,
        });
    });

    it("passes the exact flow log and log group inputs, with the defaults applied", async () => {
        const component = await deploy("inputs", { vpcId: VPC });
        expect(byName(`inputs-${VPC}`).inputs).to.deep.equal({
            vpcId: VPC,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/vpc-flow-logs/inputs`,
            iamRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/inputs-role`,
            maxAggregationInterval: 60,
            logFormat: DEFAULT_FORMAT,
            tags: {},
        });
        expect(byName("inputs-log-group").inputs).to.deep.equal({ name: "/vpc-flow-logs/inputs", retentionInDays: 7, tags: {} });
        expect(component.logFormat).to.equal(DEFAULT_FORMAT);
        expect(component.trafficType).to.equal("ALL");
        expect(await promiseOf(component.flowLogIds)).to.deep.equal({ [VPC]: `fl-inputs-${VPC}` });
        expect(await promiseOf(component.roleArn)).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/inputs-role`);
        expect(await promiseOf(component.logGroupName)).to.equal("/vpc-flow-logs/inputs");
        expect(await promiseOf(component.region)).to.equal(REGION);
    });

    it("orders every flow log after the policy attachment and parents every child to the component", async () => {
        await deploy("order", { vpcId: VPC, subnetIds: [SUBNET_A] });
        for (const child of ["order-log-group", "order-role", "order-policy", "order-policy-attachment", `order-${VPC}`, `order-${SUBNET_A}`]) {
            expect(requestFor(child).parent, child).to.equal("order");
        }
        for (const flowLog of [`order-${VPC}`, `order-${SUBNET_A}`]) {
            expect(requestFor(flowLog).dependencies, flowLog).to.deep.equal(["order-log-group", "order-policy-attachment", "order-role"]);
        }
        expect(requestFor("order-policy-attachment").dependencies).to.deep.equal(["order-policy", "order-role"]);
    });

    it("replaces a flow log by deleting the old one first, and nothing else that way", async () => {
        await deploy("replace", { vpcId: VPC, subnetIds: [SUBNET_A] });
        const deletedFirst = ["replace", "replace-log-group", "replace-role", "replace-policy", "replace-policy-attachment", `replace-${VPC}`, `replace-${SUBNET_A}`]
            .filter((name) => requestFor(name).deleteBeforeReplace);
        expect(deletedFirst).to.deep.equal([`replace-${VPC}`, `replace-${SUBNET_A}`]);
    });

    it("creates one flow log per target for a VPC plus subnets and ENIs, named after each target", async () => {
        const eni = "eni-0123456789abcdef0";
        const component = await deploy("multi", { vpcId: VPC, subnetIds: [SUBNET_A, SUBNET_B], eniIds: [eni] });
        const flowLogs = registeredUnder("multi").filter((r) => r.type === "aws:ec2/flowLog:FlowLog");
        expect(flowLogs.map((r) => [r.name, r.inputs.vpcId ?? r.inputs.subnetId ?? r.inputs.eniId])).to.deep.equal([
            [`multi-${VPC}`, VPC],
            [`multi-${SUBNET_A}`, SUBNET_A],
            [`multi-${SUBNET_B}`, SUBNET_B],
            [`multi-${eni}`, eni],
        ]);
        expect(registeredUnder("multi")).to.have.length(9);
        expect(await promiseOf(component.flowLogIds)).to.deep.equal({
            [VPC]: `fl-multi-${VPC}`,
            [SUBNET_A]: `fl-multi-${SUBNET_A}`,
            [SUBNET_B]: `fl-multi-${SUBNET_B}`,
            [eni]: `fl-multi-${eni}`,
        });
    });

    it("with an existing role creates no role, policy or attachment and delivers with that role", async () => {
        const existing = "arn:aws:iam::123456789012:role/platform/flow-logs-delivery";
        const component = await deploy("ext", { subnetIds: [SUBNET_A], existingRoleArn: existing });
        expect(typesOf("ext")).to.deep.equal([
            "aws:cloudwatch/logGroup:LogGroup ext-log-group",
            `aws:ec2/flowLog:FlowLog ext-${SUBNET_A}`,
            "vpc-flow-logs:network:VpcFlowLogs ext",
        ]);
        expect(byName(`ext-${SUBNET_A}`).inputs.iamRoleArn).to.equal(existing);
        expect(requestFor(`ext-${SUBNET_A}`).dependencies).to.deep.equal(["ext-log-group"]);
        expect(await promiseOf(component.roleArn)).to.equal(existing);
    });

    it("normalises the console's traffic filter words and applies interval, retention, KMS and tags", async () => {
        const kms = "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const tags = { team: "platform", purpose: "s3-timeout-debugging" };
        const component = await deploy("opts", {
            vpcId: VPC,
            trafficType: "Rejected",
            maxAggregationInterval: 600,
            retentionInDays: 30,
            kmsKeyArn: kms,
            logGroupName: "/custom/flow-logs",
            tags,
        });
        expect(component.trafficType).to.equal("REJECT");
        expect(byName(`opts-${VPC}`).inputs).to.include({ trafficType: "REJECT", maxAggregationInterval: 600 });
        expect(byName("opts-log-group").inputs).to.deep.equal({ name: "/custom/flow-logs", retentionInDays: 30, kmsKeyId: kms, tags });
        for (const taggable of ["opts-log-group", "opts-role", "opts-policy", `opts-${VPC}`]) {
            expect(byName(taggable).inputs.tags, taggable).to.deep.equal(tags);
        }
        expect(byName("opts-policy-attachment").inputs).to.not.have.property("tags");
    });

    it("writes the diagnostic preset as 23 fields in order", async () => {
        const component = await deploy("diag", { vpcId: VPC, logFormat: "diagnostic" });
        const expected =
            DEFAULT_FORMAT +
            " ${vpc-id} ${subnet-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path} ${pkt-dst-aws-service}";
        expect(byName(`diag-${VPC}`).inputs.logFormat).to.equal(expected);
        expect(component.logFormat).to.equal(expected);
        expect(component.logFormatKind).to.equal("diagnostic");
    });

    it("passes a custom format through exactly", async () => {
        const custom = "${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${tcp-flags}";
        const component = await deploy("custom", { vpcId: VPC, logFormat: custom });
        expect(byName(`custom-${VPC}`).inputs.logFormat).to.equal(custom);
        expect(component.logFormatKind).to.equal("custom");
    });

    it("keeps the log group on destroy only when asked", async () => {
        await deploy("keep", { vpcId: VPC, retainLogsOnDestroy: true });
        await deploy("drop", { vpcId: VPC });
        expect(requestFor("keep-log-group").retainOnDelete).to.equal(true);
        expect(requestFor("drop-log-group").retainOnDelete).to.equal(false);
    });

    it("accepts target ids that are outputs of other resources, naming those flow logs by position", async () => {
        const component = await deploy("lab", { vpcId: pulumi.output(VPC), subnetIds: [pulumi.output(SUBNET_A)] });
        expect(registeredUnder("lab").filter((r) => r.type === "aws:ec2/flowLog:FlowLog").map((r) => r.name)).to.deep.equal([
            "lab-vpc-0",
            "lab-subnet-1",
        ]);
        expect(await promiseOf(component.flowLogIds)).to.deep.equal({ [VPC]: "fl-lab-vpc-0", [SUBNET_A]: "fl-lab-subnet-1" });
    });

    it("asks the provider for account, region and partition, and nothing else", async () => {
        await deploy("ctx", { vpcId: VPC });
        expect([...new Set(invokes)].sort()).to.deep.equal([
            "aws:index/getCallerIdentity:getCallerIdentity",
            "aws:index/getPartition:getPartition",
            "aws:index/getRegion:getRegion",
        ]);
    });

    it("rejects a bad value before registering anything, with a one-line error and no stack", () => {
        let thrown: unknown;
        try {
            new VpcFlowLogs("bad", { vpcId: VPC, maxAggregationInterval: 300 });
        } catch (err) {
            thrown = err;
        }
        expect(pulumi.RunError.isInstance(thrown)).to.equal(true);
        expect((thrown as Error).message).to.equal("Invalid maxAggregationInterval 300. Allowed: 60, 600 (seconds).");
        expect(registeredUnder("bad")).to.deep.equal([]);
    });

    it("rejects a component without any target", () => {
        expect(() => new VpcFlowLogs("none", {})).to.throw(
            "No flow log target: set vpcId, or subnetIds or eniIds (a list of 'subnet-...' / 'eni-...' ids). At least one is required.",
        );
        expect(registeredUnder("none")).to.deep.equal([]);
    });
});


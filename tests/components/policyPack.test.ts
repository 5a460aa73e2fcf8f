/**
 * The CrossGuard policy pack (policy-pack/) without the Pulumi CLI: its stack policies are called
 * the way the analyzer calls them, on the resources this program registers under the mocks (every
 * stack the README creates, the S3 destination and the lab among them) and on crafted resources
 * that break one rule each, with the exact violation messages.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { resetRecordings } from "../helpers/pulumiMocks";
import { outputsOf, runProgramWithConfig } from "../helpers/program";
import { loadProject, loadStackConfig, mergeConfig } from "../helpers/pulumiCliRules";
import { STACK_PAGES, readmeRuns } from "../helpers/readmeStacks";
import { policyResource, recordedResources, startRecording, stopRecording, violationsOf } from "../helpers/policyResources";
import { POLICY_PACK_NAME, policies } from "../../policy-pack/policies";
import { vpcFlowLogRequired } from "../../policy-pack/rules/vpcFlowLogRequired";
import { DELIVERY_ACTIONS, FLOW_LOGS_SERVICE_PRINCIPAL, flowLogDeliveryRole } from "../../policy-pack/rules/deliveryRole";
import { flowLogGroupRetention } from "../../policy-pack/rules/logGroupRetention";
import { s3FlowLogDestination } from "../../policy-pack/rules/s3Destination";
import * as programPolicies from "../../components/policies";

const ROOT = path.join(__dirname, "..", "..", "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;
const ALL = policies as StackValidationPolicy[];

/** Every policy's violations, as `policy: message` lines. */
async function everyViolation(resources: PolicyResource[]): Promise<string[]> {
    const lines: string[] = [];
    for (const policy of ALL) for (const v of await violationsOf(policy, resources)) lines.push(`${policy.name}: ${v.message}`);
    return lines;
}

/** Runs the program with a stack's merged config and returns what it registered, as the pack sees it. */
async function registeredBy(config: Record<string, string>, options: { asInPreview?: boolean } = {}): Promise<PolicyResource[]> {
    resetRecordings();
    startRecording();
    try {
        await outputsOf(runProgramWithConfig(config));
    } finally {
        stopRecording();
    }
    return recordedResources(options);
}

function readmeStackConfigs(): { stack: string; line: number; config: Record<string, string> }[] {
    const project = loadProject(read("Pulumi.yaml"));
    const committed = new Map(
        fs
            .readdirSync(ROOT)
            .filter((f) => STACK_FILE.test(f))
            .map((f) => [STACK_FILE.exec(f)![1], loadStackConfig(read(f))] as const),
    );
    return readmeRuns(STACK_PAGES.map(read).join("\n"), project.name, (name) => committed.get(name)).map((run) => ({
        stack: run.stack,
        line: run.line,
        config: mergeConfig(run.stack, project, run.config),
    }));
}

const count = (resources: PolicyResource[], type: string) => resources.filter((r) => r.type === type).length;

/** Links `from.props[prop]` to `to` the way the engine records it: a property dependency. */
function link(from: PolicyResource, prop: string, to: PolicyResource): void {
    from.propertyDependencies[prop] = [...(from.propertyDependencies[prop] ?? []), to];
}

const ACCOUNT = "123456789012";
const LOG_GROUP_ARN = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/vpc-flow-logs/prod`;
const trust = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const GOOD_TRUST = {
    Effect: "Allow",
    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
};
const GOOD_PERMISSIONS = { Effect: "Allow", Action: [...DELIVERY_ACTIONS], Resource: `${LOG_GROUP_ARN}:*` };

/** A CloudWatch Logs flow log with its role, policy and attachment; the parts can be changed. */
function cloudWatchStack(parts: { trust?: object; permissions?: object[]; retentionInDays?: number } = {}) {
    const vpc = policyResource("aws:ec2/vpc:Vpc", "prod-vpc", { cidrBlock: "10.0.0.0/16" });
    const logGroup = policyResource("aws:cloudwatch/logGroup:LogGroup", "prod-log-group", {
        name: "/vpc-flow-logs/prod",
        arn: LOG_GROUP_ARN,
        ...(parts.retentionInDays !== undefined ? { retentionInDays: parts.retentionInDays } : {}),
    });
    const role = policyResource("aws:iam/role:Role", "prod-role", {
        name: "prod-role",
        arn: `arn:aws:iam::${ACCOUNT}:role/prod-role`,
        assumeRolePolicy: trust(parts.trust ?? GOOD_TRUST),
    });
    const policy = policyResource("aws:iam/policy:Policy", "prod-policy", {
        arn: `arn:aws:iam::${ACCOUNT}:policy/prod-policy`,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: parts.permissions ?? [GOOD_PERMISSIONS] }),
    });
    const attachment = policyResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "prod-attachment", { role: "prod-role", policyArn: policy.props.arn });
    link(attachment, "role", role);
    link(attachment, "policyArn", policy);
    const flowLog = policyResource("aws:ec2/flowLog:FlowLog", "prod-flow-log", {
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: LOG_GROUP_ARN,
        iamRoleArn: role.props.arn,
    });
    link(flowLog, "vpcId", vpc);
    link(flowLog, "logDestination", logGroup);
    link(flowLog, "iamRoleArn", role);
    return { vpc, logGroup, role, policy, attachment, flowLog, resources: [vpc, logGroup, role, policy, attachment, flowLog] };
}

/** An S3 destination bucket with its TLS-only policy, public access block and encryption. */
function s3Stack() {
    const vpc = policyResource("aws:ec2/vpc:Vpc", "prod-vpc", {});
    const bucket = policyResource("aws:s3/bucket:Bucket", "prod-bucket", { bucket: "prod-flow-logs", arn: "arn:aws:s3:::prod-flow-logs" });
    const tlsOnly = {
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::prod-flow-logs", "arn:aws:s3:::prod-flow-logs/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
    const bucketPolicy = policyResource("aws:s3/bucketPolicy:BucketPolicy", "prod-bucket-policy", {
        bucket: "prod-flow-logs",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [tlsOnly] }),
    });
    const publicAccess = policyResource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "prod-bucket-public-access", {
        bucket: "prod-flow-logs",
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
    });
    const encryption = policyResource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "prod-bucket-encryption", {
        bucket: "prod-flow-logs",
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    for (const child of [bucketPolicy, publicAccess, encryption]) link(child, "bucket", bucket);
    const flowLog = policyResource("aws:ec2/flowLog:FlowLog", "prod-flow-log", { trafficType: "ALL", logDestinationType: "s3", logDestination: "arn:aws:s3:::prod-flow-logs/prod/" });
    link(flowLog, "vpcId", vpc);
    link(flowLog, "logDestination", bucket);
    return { vpc, bucket, bucketPolicy, publicAccess, encryption, flowLog, tlsOnly, resources: [vpc, bucket, bucketPolicy, publicAccess, encryption, flowLog] };
}

describe("policy pack (policy-pack/): the pack", () => {
    it("holds four stack policies: two mandatory, two advisory, and only the retention one takes config", () => {
        expect(POLICY_PACK_NAME).to.equal("vpc-flow-logs");
        expect(ALL.map((p) => [p.name, p.enforcementLevel, Object.keys(p.configSchema?.properties ?? {})])).to.deep.equal([
            ["vpc-flow-log-required", "mandatory", []],
            ["flow-log-delivery-role", "mandatory", []],
            ["flow-log-group-retention", "advisory", ["minimumRetentionDays"]],
            ["s3-flow-log-destination", "advisory", []],
        ]);
        expect(ALL.every((p) => typeof p.validateStack === "function")).to.equal(true);
    });

    it("checks the delivery role against the same principal and actions the program grants (components/policies.ts)", () => {
        expect(FLOW_LOGS_SERVICE_PRINCIPAL).to.equal(programPolicies.FLOW_LOGS_SERVICE_PRINCIPAL);
        expect([...DELIVERY_ACTIONS]).to.deep.equal([...programPolicies.DELIVERY_ACTIONS]);
    });

    it("PulumiPolicy.yaml names the nodejs runtime and package.json depends on @pulumi/policy, pinned like the project", () => {
        const yaml = require("js-yaml").load(read("policy-pack/PulumiPolicy.yaml"));
        expect(yaml.runtime).to.equal("nodejs");
        const pack = JSON.parse(read("policy-pack/package.json"));
        const root = JSON.parse(read("package.json"));
        expect(pack.dependencies).to.deep.equal({
            "@pulumi/aws": root.dependencies["@pulumi/aws"],
            "@pulumi/policy": root.devDependencies["@pulumi/policy"],
            "@pulumi/pulumi": root.dependencies["@pulumi/pulumi"],
        });
    });
});

describe("policy pack: this program's own stacks pass", () => {
    it("every stack the README and its stack pages create passes every policy, and each policy had something of the stack to check", async function () {
        this.timeout(120_000);
        const seen: { stack: string; checked: string; violations: string[] }[] = [];
        for (const run of readmeStackConfigs()) {
            const resources = await registeredBy(run.config);
            const checked = [
                `vpcs ${count(resources, "aws:ec2/vpc:Vpc")}`,
                `flowLogs ${count(resources, "aws:ec2/flowLog:FlowLog")}`,
                `roles ${count(resources, "aws:iam/role:Role")}`,
                `logGroups ${count(resources, "aws:cloudwatch/logGroup:LogGroup")}`,
                `bucketPolicies ${count(resources, "aws:s3/bucketPolicy:BucketPolicy")}`,
            ].join(", ");
            seen.push({ stack: run.stack, checked, violations: await everyViolation(resources) });
        }
        const cloudwatch = "vpcs 0, flowLogs 1, roles 1, logGroups 1, bucketPolicies 0";
        expect(seen).to.deep.equal([
            { stack: "dev", checked: cloudwatch, violations: [] },
            // Paused (capture false): no flow log, and nothing of the rest is reported.
            { stack: "dev", checked: "vpcs 0, flowLogs 0, roles 1, logGroups 1, bucketPolicies 0", violations: [] },
            { stack: "dev", checked: cloudwatch, violations: [] },
            { stack: "dev", checked: cloudwatch, violations: [] },
            { stack: "dev", checked: cloudwatch, violations: [] },
            { stack: "subnets", checked: "vpcs 0, flowLogs 2, roles 1, logGroups 1, bucketPolicies 0", violations: [] },
            { stack: "task-eni", checked: cloudwatch, violations: [] },
            { stack: "s3", checked: "vpcs 0, flowLogs 1, roles 0, logGroups 0, bucketPolicies 2", violations: [] },
            { stack: "lab", checked: "vpcs 1, flowLogs 1, roles 1, logGroups 1, bucketPolicies 0", violations: [] },
            { stack: "lab", checked: "vpcs 1, flowLogs 1, roles 1, logGroups 1, bucketPolicies 0", violations: [] },
        ]);
    });
});

const readmeStack = (name: string) => readmeStackConfigs().find((run) => run.stack === name)!.config;
const without = (resources: PolicyResource[], name: string) => resources.filter((r) => r.name !== name);

describe("policy pack: each part of the program's stacks is needed (every resource left out in turn)", () => {
    it("the S3 stack: only leaving out the bucket's policy, public access block or encryption is reported", async function () {
        this.timeout(120_000);
        const resources = await registeredBy(readmeStack("s3"));
        const reported: Record<string, string[]> = {};
        for (const resource of resources) {
            const violations = await everyViolation(without(resources, resource.name));
            if (violations.length > 0) reported[resource.name] = violations;
        }
        expect(reported).to.deep.equal({
            "flow-logs-bucket-public-access": [
                "s3-flow-log-destination: Bucket 'flow-logs-bucket' receives flow logs without a public access block: add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets true (Security Hub S3.8).",
            ],
            "flow-logs-bucket-encryption": [
                "s3-flow-log-destination: Bucket 'flow-logs-bucket' receives flow logs without a default encryption configuration: add an aws.s3.BucketServerSideEncryptionConfiguration (SSE-S3 AES256 or SSE-KMS).",
            ],
            "flow-logs-bucket-policy": [
                "s3-flow-log-destination: Bucket 'flow-logs-bucket' receives flow logs and accepts plain HTTP: its bucket policy needs a Deny of s3:* for Principal \"*\" on the bucket and its objects when aws:SecureTransport is false (Security Hub S3.5).",
            ],
        });
    });

    it("the lab: leaving out the flow log, the policy or its attachment is reported", async function () {
        this.timeout(120_000);
        const resources = await registeredBy(readmeStack("lab"));
        const reported: Record<string, string[]> = {};
        for (const resource of resources) {
            const violations = await everyViolation(without(resources, resource.name));
            if (violations.length > 0) reported[resource.name] = violations;
        }
        const notGranted =
            "flow-log-delivery-role: Role 'flow-logs-role' is not granted logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams: flow-log delivery needs logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams on its log group.";
        expect(reported).to.deep.equal({
            "flow-logs-vpc-0": [
                "vpc-flow-log-required: VPC 'lab-vpc' has no flow log: add an aws.ec2.FlowLog with vpcId set to this VPC (or one on each of its subnets) and trafficType ALL.",
            ],
            "flow-logs-policy": [
                `flow-log-delivery-role: Role 'flow-logs-role' has arn:aws:iam::${ACCOUNT}:policy/flow-logs-policy attached, a policy outside this stack: a delivery role's permissions must be a policy of the stack, granting only logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams.`,
                notGranted,
            ],
            "flow-logs-policy-attachment": [notGranted],
        });
    });
});

describe("policy pack: during preview (values computed from other resources' outputs are undefined)", () => {
    it("judges nothing it cannot know: the S3 stack and the lab pass as first previewed", async function () {
        this.timeout(120_000);
        for (const stack of ["s3", "lab", "dev"]) {
            const resources = await registeredBy(readmeStack(stack), { asInPreview: true });
            expect([stack, await everyViolation(resources)]).to.deep.equal([stack, []]);
        }
    });

    it("still finds the lab VPC's flow log through the engine's property dependencies, and its absence", async function () {
        this.timeout(120_000);
        const resources = await registeredBy(readmeStack("lab"), { asInPreview: true });
        const flowLog = resources.find((r) => r.type === "aws:ec2/flowLog:FlowLog")!;
        // The VPC's id is not known before the VPC exists: only the dependency ties them.
        expect([flowLog.props.vpcId, flowLog.propertyDependencies.vpcId.map((r) => r.name)]).to.deep.equal([undefined, ["lab-vpc"]]);
        expect(await violationsOf(vpcFlowLogRequired, without(resources, flowLog.name))).to.deep.equal([
            {
                message:
                    "VPC 'lab-vpc' has no flow log: add an aws.ec2.FlowLog with vpcId set to this VPC (or one on each of its subnets) and trafficType ALL.",
                urn: "urn:pulumi:dev::vpc-flow-logs::vpc-flow-logs:lab:FlowLogLab$aws:ec2/vpc:Vpc::lab-vpc",
            },
        ]);
    });
});

describe("policy pack: crafted resources, one broken rule each", () => {
    it("passes the crafted CloudWatch Logs and S3 stacks as built", async () => {
        expect(await everyViolation(cloudWatchStack({ retentionInDays: 7 }).resources)).to.deep.equal([]);
        expect(await everyViolation(s3Stack().resources)).to.deep.equal([]);
    });

    it("a VPC without a flow log, one logged REJECT only, one with a subnet left out; all subnets logged ALL passes", async () => {
        const bare = policyResource("aws:ec2/vpc:Vpc", "bare-vpc", {}, "urn:bare");
        const rejectOnly = policyResource("aws:ec2/vpc:Vpc", "reject-vpc", { id: "vpc-0123456789abcdef0" });
        // Tied by value: a literal id, as a program that imports an existing VPC would pass it.
        const rejectLog = policyResource("aws:ec2/flowLog:FlowLog", "reject-log", { vpcId: "vpc-0123456789abcdef0", trafficType: "REJECT" });
        const split = policyResource("aws:ec2/vpc:Vpc", "split-vpc", {});
        const [a, b] = ["split-a", "split-b"].map((n) => policyResource("aws:ec2/subnet:Subnet", n, {}));
        link(a, "vpcId", split);
        link(b, "vpcId", split);
        const aLog = policyResource("aws:ec2/flowLog:FlowLog", "split-a-log", { trafficType: "ALL" });
        link(aLog, "subnetId", a);
        const resources = [bare, rejectOnly, rejectLog, split, a, b, aLog];
        expect(await violationsOf(vpcFlowLogRequired, resources)).to.deep.equal([
            {
                message: "VPC 'bare-vpc' has no flow log: add an aws.ec2.FlowLog with vpcId set to this VPC (or one on each of its subnets) and trafficType ALL.",
                urn: "urn:bare",
            },
            {
                message:
                    "VPC 'reject-vpc' is logged with trafficType REJECT only: set trafficType ALL (a diagnosis needs the accepted and the rejected records to tell routing from a security group or network ACL).",
                urn: rejectOnly.urn,
            },
            {
                message:
                    "VPC 'split-vpc' has no flow log, and 1 of its 2 subnets ('split-b') have none either: add an aws.ec2.FlowLog with vpcId set to this VPC (or one on each of its subnets) and trafficType ALL.",
                urn: split.urn,
            },
        ]);
        const bLog = policyResource("aws:ec2/flowLog:FlowLog", "split-b-log", { trafficType: "ALL" });
        link(bLog, "subnetId", b);
        expect((await violationsOf(vpcFlowLogRequired, [split, a, b, aLog, bLog])).map((v) => v.message)).to.deep.equal([]);
        bLog.props.trafficType = "ACCEPT";
        expect((await violationsOf(vpcFlowLogRequired, [split, a, b, aLog, bLog])).map((v) => v.message)).to.deep.equal([
            "VPC 'split-vpc' is logged with trafficType ACCEPT only: set trafficType ALL (a diagnosis needs the accepted and the rejected records to tell routing from a security group or network ACL).",
        ]);
    });

    it("a delivery role trusting another principal too, or without aws:SourceAccount", async () => {
        const shared = cloudWatchStack({ trust: { ...GOOD_TRUST, Principal: { Service: ["vpc-flow-logs.amazonaws.com", "ec2.amazonaws.com"], AWS: "arn:aws:iam::210987654321:root" } } });
        expect((await violationsOf(flowLogDeliveryRole, shared.resources)).map((v) => v.message)).to.deep.equal([
            "Role 'prod-role' trusts ec2.amazonaws.com: a flow-log delivery role must be assumable only by vpc-flow-logs.amazonaws.com.",
            "Role 'prod-role' trusts arn:aws:iam::210987654321:root: a flow-log delivery role must be assumable only by vpc-flow-logs.amazonaws.com.",
        ]);
        const deputy = cloudWatchStack({ trust: { ...GOOD_TRUST, Condition: { ArnLike: { "aws:SourceArn": `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc-flow-log/*` } } } });
        expect(await violationsOf(flowLogDeliveryRole, deputy.resources)).to.deep.equal([
            {
                message:
                    "Role 'prod-role' lets vpc-flow-logs.amazonaws.com assume it without a StringEquals aws:SourceAccount condition: add one with your account id, so no other account's flow log can use the role (confused deputy).",
                urn: deputy.role.urn,
            },
        ]);
        // A role a flow log uses that does not trust the flow-logs service at all.
        const ec2 = cloudWatchStack({ trust: { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" } });
        expect((await violationsOf(flowLogDeliveryRole, ec2.resources)).map((v) => v.message)).to.deep.equal([
            "Role 'prod-role' trusts ec2.amazonaws.com: a flow-log delivery role must be assumable only by vpc-flow-logs.amazonaws.com.",
            "Role 'prod-role' delivers a flow log but its trust policy does not let vpc-flow-logs.amazonaws.com assume it.",
        ]);
    });

    it("reads a deployed role's managedPolicyArns and inline entries: the attached policy once, an empty inline entry as none", async () => {
        const stack = cloudWatchStack({ permissions: [{ ...GOOD_PERMISSIONS, Resource: "*" }] });
        // As the provider reports a deployed role: its attachments' ARNs, and an inline entry without a document.
        stack.role.props.managedPolicyArns = [stack.policy.props.arn];
        stack.role.props.inlinePolicies = [{ name: "", policy: "" }];
        expect((await violationsOf(flowLogDeliveryRole, stack.resources)).map((v) => v.message)).to.deep.equal([
            "Policy 'prod-policy' of role 'prod-role' grants on Resource \"*\": scope it to the log group, arn:<partition>:logs:<region>:<account>:log-group:<name>:*.",
            "Role 'prod-role' is not granted logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams: flow-log delivery needs logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams on its log group.",
        ]);
        // A policy attached from outside the stack (an AWS managed one) cannot be read.
        const managed = cloudWatchStack();
        managed.role.props.managedPolicyArns = ["arn:aws:iam::aws:policy/CloudWatchLogsFullAccess"];
        expect((await violationsOf(flowLogDeliveryRole, managed.resources)).map((v) => v.message)).to.deep.equal([
            "Role 'prod-role' has arn:aws:iam::aws:policy/CloudWatchLogsFullAccess attached, a policy outside this stack: a delivery role's permissions must be a policy of the stack, granting only logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams.",
        ]);
    });

    it("a delivery policy on Resource \"*\", with logs:CreateLogGroup, with logs:*, or short of an action", async () => {
        const messages = async (permissions: object[]) => (await violationsOf(flowLogDeliveryRole, cloudWatchStack({ permissions }).resources)).map((v) => v.message);
        expect(await messages([{ ...GOOD_PERMISSIONS, Resource: "*" }])).to.deep.equal([
            "Policy 'prod-policy' of role 'prod-role' grants on Resource \"*\": scope it to the log group, arn:<partition>:logs:<region>:<account>:log-group:<name>:*.",
            "Role 'prod-role' is not granted logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams: flow-log delivery needs logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams on its log group.",
        ]);
        expect(await messages([{ ...GOOD_PERMISSIONS, Action: ["logs:CreateLogGroup", ...DELIVERY_ACTIONS] }])).to.deep.equal([
            'Policy \'prod-policy\' of role \'prod-role\' grants logs:CreateLogGroup: after a destroy, in-flight delivery would re-create the deleted log group and the next deploy fail with "already exists". Remove it.',
        ]);
        expect(await messages([GOOD_PERMISSIONS, { Effect: "Allow", Action: "logs:*", Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/vpc-flow-logs/*` }])).to.deep.equal([
            `Policy 'prod-policy' of role 'prod-role' grants on 'arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/vpc-flow-logs/*', which is not one log group's ARN: scope it to arn:<partition>:logs:<region>:<account>:log-group:<name>:*.`,
            "Policy 'prod-policy' of role 'prod-role' grants 'logs:*', which flow-log delivery does not need. Allowed: logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams.",
        ]);
        expect(await messages([{ ...GOOD_PERMISSIONS, Action: ["logs:CreateLogStream", "logs:PutLogEvents"] }])).to.deep.equal([
            "Role 'prod-role' is not granted logs:DescribeLogGroups, logs:DescribeLogStreams: flow-log delivery needs logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams on its log group.",
        ]);
    });

    it("a flow-log group without retention, and one below the configured minimum", async () => {
        const unset = cloudWatchStack();
        expect(await violationsOf(flowLogGroupRetention, unset.resources)).to.deep.equal([
            {
                message: "Log group 'prod-log-group' receives flow logs and never expires them (retentionInDays is 0 or not set): set retentionInDays, e.g. 7.",
                urn: unset.logGroup.urn,
            },
        ]);
        expect((await violationsOf(flowLogGroupRetention, cloudWatchStack({ retentionInDays: 0 }).resources)).map((v) => v.message)).to.deep.equal([
            "Log group 'prod-log-group' receives flow logs and never expires them (retentionInDays is 0 or not set): set retentionInDays, e.g. 7.",
        ]);
        const short = cloudWatchStack({ retentionInDays: 3 }).resources;
        expect(await violationsOf(flowLogGroupRetention, short)).to.deep.equal([]);
        expect((await violationsOf(flowLogGroupRetention, short, { minimumRetentionDays: 7 })).map((v) => v.message)).to.deep.equal([
            "Log group 'prod-log-group' keeps flow logs 3 days, fewer than the 7 this policy's minimumRetentionDays asks for.",
        ]);
        expect(await violationsOf(flowLogGroupRetention, cloudWatchStack({ retentionInDays: 7 }).resources, { minimumRetentionDays: 7 })).to.deep.equal([]);
    });

    it("a destination bucket without the TLS-only deny, with a public access setting off, without encryption", async () => {
        const stack = s3Stack();
        const messages = async (resources: PolicyResource[]) => (await violationsOf(s3FlowLogDestination, resources)).map((v) => v.message);
        stack.bucketPolicy.props.policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ ...stack.tlsOnly, Resource: "arn:aws:s3:::prod-flow-logs/*" }] });
        stack.publicAccess.props.restrictPublicBuckets = false;
        expect(await messages(stack.resources.filter((r) => r !== stack.encryption))).to.deep.equal([
            "Bucket 'prod-bucket' receives flow logs and accepts plain HTTP: its bucket policy needs a Deny of s3:* for Principal \"*\" on the bucket and its objects when aws:SecureTransport is false (Security Hub S3.5).",
            "Bucket 'prod-bucket' receives flow logs and its public access block leaves restrictPublicBuckets off: set all four true (Security Hub S3.8).",
            "Bucket 'prod-bucket' receives flow logs without a default encryption configuration: add an aws.s3.BucketServerSideEncryptionConfiguration (SSE-S3 AES256 or SSE-KMS).",
        ]);
        // Each part of the deny matters: principal, action, condition, effect.
        const tlsMessage = (await messages([stack.vpc, stack.bucket, stack.flowLog, stack.publicAccess, stack.encryption]))[0];
        const variants: object[] = [
            { ...stack.tlsOnly, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } },
            { ...stack.tlsOnly, Action: "s3:GetObject" },
            { ...stack.tlsOnly, Condition: { Bool: { "aws:SecureTransport": "true" } } },
            { ...stack.tlsOnly, Effect: "Allow" },
            { ...stack.tlsOnly, Resource: ["arn:aws:s3:::another-bucket", "arn:aws:s3:::another-bucket/*"] },
        ];
        for (const statement of variants) {
            stack.bucketPolicy.props.policy = JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
            stack.publicAccess.props.restrictPublicBuckets = true;
            expect([statement, await messages(stack.resources)]).to.deep.equal([statement, [tlsMessage]]);
        }
        // Written the other accepted ways: {"AWS": "*"}, "*" actions, a boolean false.
        stack.bucketPolicy.props.policy = { Version: "2012-10-17", Statement: { ...stack.tlsOnly, Principal: { AWS: "*" }, Action: ["*"], Condition: { Bool: { "aws:securetransport": false } } } };
        expect(await messages(stack.resources)).to.deep.equal([]);
    });
});

describe("policy pack: the VPC rule over generated stacks (property)", () => {
    const TRAFFIC = ["ALL", "ACCEPT", "REJECT"] as const;
    /** One VPC: its own flow logs' traffic types; per subnet, that subnet's. */
    const vpcShape = fc.record({
        vpcLogs: fc.array(fc.constantFrom(...TRAFFIC), { maxLength: 2 }),
        subnets: fc.array(fc.array(fc.constantFrom(...TRAFFIC), { maxLength: 2 }), { maxLength: 3 }),
        // How flow logs name their target: the engine's dependency, or the literal id.
        byValue: fc.boolean(),
    });

    /** What the issue asks, said directly: ALL on the VPC, or ALL on each of its (one or more) subnets. */
    function expectedKind(shape: { vpcLogs: string[]; subnets: string[][] }): "ok" | "no flow log" | "not ALL" {
        if (shape.vpcLogs.includes("ALL")) return "ok";
        if (shape.subnets.length > 0 && shape.subnets.every((logs) => logs.includes("ALL"))) return "ok";
        const everySubnetLogged = shape.subnets.length > 0 && shape.subnets.every((logs) => logs.length > 0);
        return shape.vpcLogs.length === 0 && !everySubnetLogged ? "no flow log" : "not ALL";
    }

    it("reports exactly the VPCs without an ALL flow log on them or on each of their subnets, in any resource order", async () => {
        await fc.assert(
            fc.asyncProperty(fc.array(vpcShape, { minLength: 1, maxLength: 4 }), fc.nat(), async (shapes, shuffleSeed) => {
                const resources: PolicyResource[] = [];
                shapes.forEach((shape, v) => {
                    const vpc = policyResource("aws:ec2/vpc:Vpc", `vpc-${v}`, shape.byValue ? { id: `vpc-0000000000000000${v}` } : {});
                    resources.push(vpc);
                    const target = (log: PolicyResource, prop: string, to: PolicyResource, id: string) => {
                        if (shape.byValue) log.props[prop] = id;
                        else link(log, prop, to);
                    };
                    shape.vpcLogs.forEach((traffic, i) => {
                        const log = policyResource("aws:ec2/flowLog:FlowLog", `vpc-${v}-log-${i}`, { trafficType: traffic });
                        target(log, "vpcId", vpc, `vpc-0000000000000000${v}`);
                        resources.push(log);
                    });
                    shape.subnets.forEach((logs, s) => {
                        const subnet = policyResource("aws:ec2/subnet:Subnet", `vpc-${v}-subnet-${s}`, shape.byValue ? { id: `subnet-${v}${s}` } : {});
                        target(subnet, "vpcId", vpc, `vpc-0000000000000000${v}`);
                        resources.push(subnet);
                        logs.forEach((traffic, i) => {
                            const log = policyResource("aws:ec2/flowLog:FlowLog", `vpc-${v}-subnet-${s}-log-${i}`, { trafficType: traffic });
                            target(log, "subnetId", subnet, `subnet-${v}${s}`);
                            resources.push(log);
                        });
                    });
                });
                // The analyzer gives no order guarantee: shuffle deterministically.
                const shuffled = resources
                    .map((r, i) => ({ r, key: (i * 2654435761 + shuffleSeed) % 4294967296 }))
                    .sort((a, b) => a.key - b.key)
                    .map((x) => x.r);
                const reported = (await violationsOf(vpcFlowLogRequired, shuffled))
                    .map((v) => [/^VPC '(vpc-\d+)'/.exec(v.message)![1], / has no flow log/.test(v.message) ? "no flow log" : "not ALL"] as const)
                    .sort();
                const expected = shapes
                    .map((shape, v) => [`vpc-${v}`, expectedKind(shape)] as const)
                    .filter(([, kind]) => kind !== "ok")
                    .sort();
                expect(reported).to.deep.equal(expected);
            }),
            { seed: 27, numRuns: 300 },
        );
    });
});

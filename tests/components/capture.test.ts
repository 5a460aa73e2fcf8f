/**
 * `capture` (Pulumi.yaml, default true): false pauses capture by deleting the flow logs alone. The
 * program runs under mocks with capture true, false and true again for every kind of stack, and
 * everything the engine is told about every other resource (URN, parent, dependencies, options,
 * inputs) must be the same: a changed name or input would make `pulumi up` replace the log group or
 * bucket, and lose the records the pause is meant to keep.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { REGION, RegistrationRequest, registrationRequests, registrations, resetRecordings } from "../helpers/pulumiMocks";
import { outputsOf, runProgram } from "../helpers/program";

const VPC = "vpc-0123456789abcdef0";
const SUBNET = "subnet-0aaaaaaaaaaaaaaaa";
const ENI = "eni-0bbbbbbbbbbbbbbbb";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

interface Run {
    readonly resources: (RegistrationRequest & { readonly inputs: Record<string, unknown> })[];
    readonly outputs: Record<string, unknown>;
}

/** One run of the program: every resource as the engine sees it, joined with its inputs, and the outputs. */
async function run(config: Record<string, string>): Promise<Run> {
    resetRecordings();
    // outputsOf waits for every registration, the paused stack's policy attachment included.
    const outputs = await outputsOf(runProgram(config));
    const resources = registrationRequests().map((request) => {
        const registered = registrations.filter((r) => r.name === request.name && r.type === request.type);
        if (registered.length !== 1) throw new Error(`expected one registration of ${request.type} ${request.name}, found ${registered.length}`);
        return { ...request, inputs: registered[0].inputs };
    });
    return { resources, outputs };
}

const withoutFlowLogs = (r: Run) => r.resources.filter((x) => x.type !== FLOW_LOG).sort((a, b) => a.urn.localeCompare(b.urn));
const flowLogNames = (r: Run) => r.resources.filter((x) => x.type === FLOW_LOG).map((x) => x.name);
const sameOutputs = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !["capture", "cleanup", "flowLogIds"].includes(k)));

const STACKS: { readonly kind: string; readonly config: Record<string, string>; readonly flowLogs: string[]}[] = [
    {
        kind: "CloudWatch Logs, a VPC, a subnet and an ENI, tags, a KMS key",
        config: {
            vpcId: VPC,
            subnetIds: JSON.stringify([SUBNET]),
            eniIds: JSON.stringify([ENI]),
            tags: JSON.stringify({ team: "network" }),
            kmsKeyArn: `arn:aws:kms:${REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        },
        flowLogs: [`flow-logs-${VPC}`, `flow-logs-${SUBNET}`, `flow-logs-${ENI}`],
    },
    {
        kind: "CloudWatch Logs with an existing role and no saved queries",
        config: { vpcId: VPC, existingRoleArn: "arn:aws:iam::123456789012:role/flow-logs-delivery", savedQueries: "false", retainLogsOnDestroy: "true" },
        flowLogs: [`flow-logs-${VPC}`],
    },
    { kind: "S3, the stack's own bucket", config: { vpcId: VPC, destination: "s3" }, flowLogs: [`flow-logs-${VPC}`] },
    {
        kind: "S3, an existing bucket with a prefix",
        config: { subnetIds: JSON.stringify([SUBNET]), destination: "s3", existingBucketArn: "arn:aws:s3:::central-flow-logs", s3Prefix: "prod" },
        flowLogs: [`flow-logs-${SUBNET}`],
    },
    { kind: "the lab (no-route)", config: { lab: "no-route" }, flowLogs: ["flow-logs-vpc-0"] },
    { kind: "the lab with S3", config: { lab: "sg-egress-deny", destination: "s3" }, flowLogs: ["flow-logs-vpc-0"] },
];

describe("capture false pauses the flow logs and keeps everything else (index.ts under mocks)", () => {
    beforeEach(resetRecordings);

    for (const stack of STACKS) {
        it(`${stack.kind}: no flow log while paused, every other resource the same, the same flow logs again on resume`, async () => {
            const on = await run(stack.config);
            const paused = await run({ ...stack.config, capture: "false" });
            const resumed = await run({ ...stack.config, capture: "true" });

            expect(flowLogNames(on)).to.deep.equal(stack.flowLogs);
            expect(flowLogNames(paused)).to.deep.equal([]);
            // The log group or bucket, role, policy, Glue table, workgroup, queries and the lab: same URNs, options and inputs.
            expect(withoutFlowLogs(paused)).to.deep.equal(withoutFlowLogs(on));
            expect(paused.resources.length).to.equal(on.resources.length - stack.flowLogs.length);
            // Resuming registers exactly what the first run did, flow logs included.
            expect(resumed.resources).to.deep.equal(on.resources);

            expect([on.outputs.capture, paused.outputs.capture, resumed.outputs.capture]).to.deep.equal(["on", "paused", "on"]);
            expect(paused.outputs.flowLogIds).to.deep.equal({});
            expect(Object.keys(on.outputs.flowLogIds as object)).to.have.length(stack.flowLogs.length);
            expect(sameOutputs(paused.outputs)).to.deep.equal(sameOutputs(on.outputs));
            expect(resumed.outputs).to.deep.equal(on.outputs);
        });
    }

    it("the first stack kind really has a role, a policy, saved queries and a KMS-encrypted group to keep", async () => {
        // Guards the comparison above against comparing two empty lists.
        const paused = await run({ ...STACKS[0].config, capture: "false" });
        expect(withoutFlowLogs(paused).map((r) => r.type).sort()).to.deep.equal([
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:cloudwatch/queryDefinition:QueryDefinition",
            "aws:cloudwatch/queryDefinition:QueryDefinition",
            "aws:cloudwatch/queryDefinition:QueryDefinition",
            "aws:cloudwatch/queryDefinition:QueryDefinition",
            "aws:cloudwatch/queryDefinition:QueryDefinition",
            "aws:iam/policy:Policy",
            "aws:iam/role:Role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "vpc-flow-logs:network:VpcFlowLogs",
        ]);
        expect(paused.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")?.inputs).to.deep.equal({
            name: "/vpc-flow-logs/dev",
            retentionInDays: 7,
            kmsKeyId: STACKS[0].config.kmsKeyArn,
            tags: { team: "network" },
        });
    });

    it("says in cleanup that capture is paused, what stays, what it costs and how to resume (CloudWatch Logs)", async () => {
        const { outputs } = await run({ vpcId: VPC, capture: "false", retentionInDays: "30" });
        expect(outputs.cleanup).to.equal(
            "Run 'pulumi destroy --stack dev' to delete the flow logs, the IAM role and policy, the saved queries, and the log group /vpc-flow-logs/dev with its records (ingest stops at once). " +
                "To keep the records, run 'pulumi config set retainLogsOnDestroy true' and 'pulumi up' first: destroy uses the setting of the last update. " +
                "Capture is paused (capture=false): no flow log, so no new records and no ingest; the log group /vpc-flow-logs/dev with its records, the saved queries and the IAM role and policy stay and cost storage only, " +
                "the records kept for 30 days (retentionInDays), so a pause longer than 30 days leaves none. " +
                "Resume with 'pulumi config set capture true --stack dev && pulumi up --stack dev'.",
        );
    });

    it("names neither saved queries nor a role it did not create, and says when records never expire", async () => {
        const { outputs } = await run({ ...STACKS[1].config, retentionInDays: "0" });
        expect(outputs.cleanup).to.equal(
            "Run 'pulumi destroy --stack dev' to delete the flow logs; the log group /vpc-flow-logs/dev is kept (retainLogsOnDestroy, as of the last update: after changing it, run 'pulumi up' before destroying). " +
                `Delete it later with 'aws logs delete-log-group --log-group-name /vpc-flow-logs/dev --region ${REGION}'. ` +
                "To stop paying for ingest but keep the log group /vpc-flow-logs/dev with its records, pause capture instead: " +
                "'pulumi config set capture false --stack dev && pulumi up --stack dev' deletes the flow logs only, and the records then cost storage only, " +
                "kept until you delete them (retentionInDays 0: never expire); 'pulumi config set capture true --stack dev && pulumi up --stack dev' brings the flow logs back.",
        );
    });

    it("an existing bucket keeps its owner's lifecycle; a lab says its generator still costs by the hour", async () => {
        const bucket = await run({ ...STACKS[3].config, capture: "false" });
        expect(bucket.outputs.cleanup).to.equal(
            "Run 'pulumi destroy --stack dev' to delete the flow logs and the Glue table and database, the Athena workgroup and its results bucket; the records in central-flow-logs are yours and stay. " +
                "Capture is paused (capture=false): no flow log, so no new records and no ingest; the records in central-flow-logs, the Glue table and the Athena workgroup stay and cost storage only, " +
                "the records kept for as long as your bucket's own lifecycle rules keep them. " +
                "Resume with 'pulumi config set capture true --stack dev && pulumi up --stack dev'.",
        );
        const lab = await run({ lab: "no-route", capture: "false" });
        expect(lab.outputs.cleanup).to.match(
            / Resume with 'pulumi config set capture true --stack dev && pulumi up --stack dev'\. The lab's network and its generator instance stay too, and the instance keeps costing by the hour: only destroy removes it\.$/,
        );
        expect(lab.resources.filter((r) => r.type === "aws:ec2/instance:Instance").map((r) => r.name)).to.deep.equal(["lab-generator"]);
        // The command the lab exports still reads the records already there.
        expect(lab.outputs.labDiagnoseCommand).to.equal(
            "npx vpc-flow-diagnose --stack dev --src 10.42.0.10 --dst 3.5.140.0/22,52.219.56.0/22,52.219.204.0/22 --port 443 --since 30m --eni eni-lab-generator --check-config",
        );
    });

    // The CLI refuses it first (Pulumi.yaml declares capture boolean: tests/components/pulumiCliRules.test.ts);
    // the program's own reading refuses it too, with a RunError the CLI prints without a stack trace.
    it("refuses a capture value that is not a boolean, naming it, before creating anything", () => {
        let thrown: unknown;
        try {
            runProgram({ vpcId: VPC, capture: "paused" });
        } catch (err) {
            thrown = err;
        }
        expect(pulumi.RunError.isInstance(thrown)).to.equal(true);
        expect((thrown as Error).message).to.equal("Configuration 'vpc-flow-logs:capture' value 'paused' is not a valid boolean");
        expect(registrations).to.deep.equal([]);
    });
});

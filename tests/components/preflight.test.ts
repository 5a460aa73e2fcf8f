import { expect } from "chai";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { ACCOUNT_ID, REGION, registrations, resetRecordings } from "../helpers/pulumiMocks";
import { outputsOf, runProgram } from "../helpers/program";
import { violationsOf } from "../helpers/awsOracle";
import { userErrorOf } from "../helpers/userErrors";
import { GUIDE_RULES, MODEL_CONSTRAINTS, MODEL_PROVENANCE, PULUMI_STACK_NAME, modelViolation, patternRegExp } from "../../components/awsConstraints";
import { checkArnPlace, checkTags } from "../../components/preflight";
import { TAG_RULES } from "../../components/awsConstraints";
import { glueDatabaseName } from "../../components/s3Delivery";
import { VpcFlowLogs } from "../../components/vpcFlowLogs";

const VPC = "vpc-0123456789abcdef0";
const setStack = (settings as unknown as { _setStack(stack: string): string })._setStack;

/** Lets the mocks record what the program registered once its inputs resolved. */
async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

function refusal(fn: () => unknown): string {
    try {
        fn();
    } catch (err) {
        expect(pulumi.RunError.isInstance(err), String(err)).to.equal(true);
        return (err as Error).message;
    }
    throw new Error("expected a RunError");
}

const manyTags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));

describe("AWS constraints: the vendored data", () => {
    it("says where each model came from", () => {
        expect(MODEL_PROVENANCE.repo).to.equal("https://github.com/boto/botocore");
        expect(MODEL_PROVENANCE.commit).to.match(/^[0-9a-f]{40}$/);
        expect(Object.keys(MODEL_PROVENANCE.files)).to.deep.equal(["iam", "logs", "ec2", "s3", "glue", "athena"]);
    });

    it("holds the issue's tag rule as botocore writes it", () => {
        expect(MODEL_CONSTRAINTS["iam.tagValue"]).to.deep.equal({
            member: "iam:CreateRole.Tags.member.Value",
            shape: "tagValueType",
            type: "string",
            min: 0,
            max: 256,
            pattern: "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
        });
        expect(MODEL_CONSTRAINTS["iam.roleTags"].max).to.equal(50);
    });

    it("translates Java patterns: whole-value match, Unicode classes, surrogate pairs as code points", () => {
        const tagValue = patternRegExp(MODEL_CONSTRAINTS["iam.tagValue"].pattern);
        expect(["net ops", "équipe", "日本", "a:b/c=d+e-f@g_h.i", ""].map((v) => tagValue.test(v))).to.deep.equal([true, true, true, true, true]);
        expect(["net&ops", "a,b", "tab\there", "😀"].map((v) => tagValue.test(v))).to.deep.equal([false, false, false, false]);
        const glue = patternRegExp(MODEL_CONSTRAINTS["glue.databaseName"].pattern);
        expect(["vpc_flow_logs_dev", "😀", "a\u0001"].map((v) => glue.test(v))).to.deep.equal([true, true, false]);
        // Anchored: Athena's {1,128} holds for the whole name, not a part of it.
        expect(patternRegExp(MODEL_CONSTRAINTS["athena.workGroupName"].pattern).test("x".repeat(129))).to.equal(false);
    });

    it("words each kind of model rule", () => {
        expect(modelViolation("athena.workGroupName", "team a")).to.equal(
            "characters matching [a-zA-Z0-9._-]{1,128} (athena:CreateWorkGroup.Name, shape WorkGroupName)",
        );
        expect(modelViolation("iam.roleDescription", "x".repeat(1001))).to.equal("0-1000 characters (iam:CreateRole.Description, shape roleDescriptionType)");
        expect(modelViolation("ec2.flowLogTrafficType", "All")).to.equal("one of ACCEPT, REJECT, ALL (ec2:CreateFlowLogs.TrafficType, shape TrafficType)");
        expect(modelViolation("athena.bytesScannedCutoffPerQuery", 9_999_999)).to.equal(
            "at least 10000000 (athena:CreateWorkGroup.Configuration.BytesScannedCutoffPerQuery, shape BytesScannedCutoffValue)",
        );
        expect(modelViolation("logs.logGroupName", "/vpc-flow-logs/dev")).to.equal(undefined);
    });
});

describe("preflight: the issue's examples, refused at preview or given distinct names", () => {
    beforeEach(resetRecordings);
    afterEach(() => setStack("dev"));

    it("refuses a tag value with '&' before registering anything", async () => {
        expect(refusal(() => runProgram({ vpcId: VPC, tags: JSON.stringify({ team: "net&ops" }) }))).to.equal(
            "Invalid tags value for 'team': 'net&ops' on the CloudWatch Logs log group. Allowed: characters matching ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$ (logs:CreateLogGroup.tags.value, shape TagValue).",
        );
        await settle();
        expect(registrations).to.deep.equal([]);
    });

    it("refuses 51 tags", async () => {
        expect(refusal(() => runProgram({ vpcId: VPC, tags: JSON.stringify(manyTags(51)) }))).to.equal(
            "Invalid tags: 51 tags on the CloudWatch Logs log group. Allowed: at most 50 per resource (logs:CreateLogGroup.tags max 50).",
        );
        await settle();
        expect(registrations).to.deep.equal([]);
    });

    it("counts the Name tag the lab adds: 50 tags are one too many for its EC2 resources", async () => {
        expect(refusal(() => runProgram({ lab: "healthy", tags: JSON.stringify(manyTags(50)) }))).to.equal(
            `Invalid tags: 51 tags on the EC2 (50 set and 'Name' added by the program). Allowed: at most 50 per resource (${GUIDE_RULES.ec2TagLimits.source}).`,
        );
        await settle();
        expect(registrations).to.deep.equal([]);
    });

    it("gives stacks team-a and team_a (destination s3) two Glue databases, and keeps team_a's name of before", async () => {
        const databaseOf = async (stack: string) => {
            resetRecordings();
            setStack(stack);
            const outputs = await outputsOf(runProgram({ vpcId: VPC, destination: "s3" }));
            return [outputs.athenaDatabase, outputs.athenaWorkgroup];
        };
        expect(await databaseOf("team-a")).to.deep.equal(["vpc_flow_logs_team_a_96c2886c", "vpc-flow-logs-team-a"]);
        expect(await databaseOf("team_a")).to.deep.equal(["vpc_flow_logs_team_a", "vpc-flow-logs-team_a"]);
        expect(await databaseOf("Team_A")).to.deep.equal(["vpc_flow_logs_team_a_e61a5482", "vpc-flow-logs-Team_A"]);
    });
});

describe("preflight: one message per rule", () => {
    beforeEach(resetRecordings);

    it("IAM tag keys that differ only in case (a role is created)", () => {
        expect(refusal(() => runProgram({ vpcId: VPC, tags: JSON.stringify({ Team: "a", team: "b" }) }))).to.equal(
            `Invalid tags: 'Team' and 'team' differ only in case. Allowed: one of them (${GUIDE_RULES.iamTagKeysIgnoreCase.rule}, ${GUIDE_RULES.iamTagKeysIgnoreCase.source}).`,
        );
    });

    it("accepts them when no IAM resource gets the tags (an existing role)", async () => {
        const outputs = await outputsOf(
            runProgram({ vpcId: VPC, existingRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/delivery`, tags: JSON.stringify({ Team: "a", team: "b" }) }),
        );
        expect(outputs.roleArn).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/delivery`);
    });

    it("a tag key outside IAM's and Logs' characters", () => {
        expect(refusal(() => runProgram({ vpcId: VPC, tags: JSON.stringify({ "cost,center": "1" }) }))).to.equal(
            "Invalid tags key 'cost,center' for the CloudWatch Logs log group. Allowed: characters matching ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$ (logs:CreateLogGroup.tags.key, shape TagKey).",
        );
    });

    it("a tag value on an S3 stack, where the S3 model is silent and the tagging guide's characters apply", () => {
        expect(refusal(() => runProgram({ vpcId: VPC, destination: "s3", tags: JSON.stringify({ team: "net&ops" }) }))).to.equal(
            `Invalid tags value for 'team': 'net&ops' on the S3 bucket. Allowed: 0-256 characters: ${GUIDE_RULES.portableTagCharacters.rule} (${GUIDE_RULES.portableTagCharacters.source}).`,
        );
    });

    it("a tag key on EC2 alone (model silent), through checkTags", () => {
        expect(userErrorOf(() => checkTags({ "a&b": "" }, [{ rules: TAG_RULES.ec2 }]))).to.equal(
            `Invalid tags key 'a&b' for the EC2. Allowed: 1-128 characters: ${GUIDE_RULES.portableTagCharacters.rule} (${GUIDE_RULES.portableTagCharacters.source}).`,
        );
    });

    it("a Glue database name that is not lowercase, and an Athena workgroup name outside its pattern (component arguments)", () => {
        const s3 = { vpcId: VPC, destination: "s3" };
        expect(refusal(() => new VpcFlowLogs("fl-upper", { ...s3, athenaDatabaseName: "Flow_Logs" }))).to.equal(
            `Invalid athenaDatabaseName 'Flow_Logs'. Allowed: lowercase letters, digits and '_' (${GUIDE_RULES.glueNamesLowercase.source}).`,
        );
        expect(refusal(() => new VpcFlowLogs("fl-wg", { ...s3, athenaWorkgroupName: "flow logs" }))).to.equal(
            "Invalid athenaWorkgroupName 'flow logs'. Allowed: characters matching [a-zA-Z0-9._-]{1,128} (athena:CreateWorkGroup.Name, shape WorkGroupName).",
        );
        expect(refusal(() => new VpcFlowLogs("fl-glue-long", { ...s3, athenaDatabaseName: "x".repeat(256) }))).to.equal(
            `Invalid athenaDatabaseName '${"x".repeat(256)}'. Allowed: 1-255 characters (glue:CreateDatabase.DatabaseInput.Name, shape NameString).`,
        );
    });

    it("a KMS key, role or bucket ARN against the provider's partition and region", () => {
        const place = { region: REGION, partition: "aws", accountId: ACCOUNT_ID };
        expect(userErrorOf(() => checkArnPlace("kmsKeyArn", "arn:aws:kms:us-east-1:123456789012:key/k1", place, GUIDE_RULES.logsKmsKeyRegion))).to.equal(
            `Invalid kmsKeyArn 'arn:aws:kms:us-east-1:123456789012:key/k1': it is in us-east-1, this stack deploys to ${REGION} (account ${ACCOUNT_ID}). Allowed: a key in ${REGION}; the KMS key that encrypts a log group is in the log group's region (${GUIDE_RULES.logsKmsKeyRegion.source}).`,
        );
        expect(userErrorOf(() => checkArnPlace("existingRoleArn", "arn:aws-cn:iam::123456789012:role/r", place))).to.equal(
            `Invalid existingRoleArn 'arn:aws-cn:iam::123456789012:role/r': it is in partition aws-cn, this stack deploys to partition aws (${REGION}, account ${ACCOUNT_ID}). Allowed: an ARN of partition aws (${GUIDE_RULES.arnPartition.source}).`,
        );
        // A key of another account in the stack's region is allowed (its key policy decides).
        expect(checkArnPlace("kmsKeyArn", `arn:aws:kms:${REGION}:210987654321:key/k1`, place, GUIDE_RULES.s3KmsKeyRegion)).to.equal(`arn:aws:kms:${REGION}:210987654321:key/k1`);
    });

    it("a KMS key in another region never reaches the log group: the program stops with the message once the provider's region is known", async () => {
        let thrown: unknown;
        try {
            await runProgram({ vpcId: VPC, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k1" });
        } catch (err) {
            thrown = err;
        }
        expect(pulumi.RunError.isInstance(thrown), String(thrown)).to.equal(true);
        expect((thrown as Error).message).to.equal(
            `Invalid kmsKeyArn 'arn:aws:kms:us-east-1:123456789012:key/k1': it is in us-east-1, this stack deploys to ${REGION} (account ${ACCOUNT_ID}). Allowed: a key in ${REGION}; the KMS key that encrypts a log group is in the log group's region (${GUIDE_RULES.logsKmsKeyRegion.source}).`,
        );
        await settle();
        // Refused before anything is registered: no resource is left waiting for the refused value.
        expect(registrations).to.deep.equal([]);
    });

    it("a KMS key of another region on an S3 stack, and an existing bucket or role of another partition, are refused before anything is registered", async () => {
        const refusedAsync = async (config: Record<string, string>) => {
            resetRecordings();
            try {
                await runProgram({ vpcId: VPC, ...config });
            } catch (err) {
                expect(pulumi.RunError.isInstance(err), String(err)).to.equal(true);
                await settle();
                expect(registrations).to.deep.equal([]);
                return (err as Error).message;
            }
            throw new Error("expected a RunError");
        };
        expect(await refusedAsync({ destination: "s3", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k1" })).to.equal(
            `Invalid kmsKeyArn 'arn:aws:kms:eu-west-1:123456789012:key/k1': it is in eu-west-1, this stack deploys to ${REGION} (account ${ACCOUNT_ID}). Allowed: a key in ${REGION}; ${GUIDE_RULES.s3KmsKeyRegion.rule} (${GUIDE_RULES.s3KmsKeyRegion.source}).`,
        );
        expect(await refusedAsync({ destination: "s3", existingBucketArn: "arn:aws-cn:s3:::central-flow-logs" })).to.equal(
            `Invalid existingBucketArn 'arn:aws-cn:s3:::central-flow-logs': it is in partition aws-cn, this stack deploys to partition aws (${REGION}, account ${ACCOUNT_ID}). Allowed: an ARN of partition aws (${GUIDE_RULES.arnPartition.source}).`,
        );
        expect(await refusedAsync({ existingRoleArn: "arn:aws-us-gov:iam::123456789012:role/delivery" })).to.equal(
            `Invalid existingRoleArn 'arn:aws-us-gov:iam::123456789012:role/delivery': it is in partition aws-us-gov, this stack deploys to partition aws (${REGION}, account ${ACCOUNT_ID}). Allowed: an ARN of partition aws (${GUIDE_RULES.arnPartition.source}).`,
        );
    });
});

describe("preflight: a component given the provider's place", () => {
    beforeEach(resetRecordings);

    it("refuses a KMS key of another region before it registers anything", async () => {
        const place = { region: REGION, partition: "aws", accountId: ACCOUNT_ID };
        expect(refusal(() => new VpcFlowLogs("fl-place", { vpcId: VPC, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k1", providerPlace: place }))).to.equal(
            `Invalid kmsKeyArn 'arn:aws:kms:us-east-1:123456789012:key/k1': it is in us-east-1, this stack deploys to ${REGION} (account ${ACCOUNT_ID}). Allowed: a key in ${REGION}; the KMS key that encrypts a log group is in the log group's region (${GUIDE_RULES.logsKmsKeyRegion.source}).`,
        );
        await settle();
        expect(registrations).to.deep.equal([]);
    });
});

/** Pulumi's stack names (sdk/go/common/tokens/stack_name.go): 1-100 of A-Z a-z 0-9 _ . - */
const STACK_CHARS = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"];
const stackName = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...STACK_CHARS), minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...STACK_CHARS), minLength: 90, maxLength: 100 }) },
);

/** Characters tags may and may not hold, and a few the models treat specially. */
const TAG_CHARS = [..."abcXYZ019 _.:/=+-@é日&,;!*#\t", "😀", "\u00a0"];
const tagText = (max: number) =>
    fc.oneof(
        { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...TAG_CHARS), maxLength: 8 }) },
        { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom("a", "é", "😀"), minLength: max - 2, maxLength: max + 2 }) },
        { weight: 1, arbitrary: fc.constantFrom("aws:team", "AWS:x", "Name", "team", "Team") },
    );
const tags = fc.oneof(
    { weight: 5, arbitrary: fc.dictionary(tagText(128), tagText(256), { maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.integer({ min: 48, max: 52 }).map((n) => manyTags(n)) },
);

const stackConfig = fc.record({
    destination: fc.constantFrom("cloudwatch", "s3"),
    lab: fc.constantFrom(undefined, undefined, undefined, "healthy"),
    existingRoleArn: fc.constantFrom(undefined, undefined, `arn:aws:iam::${ACCOUNT_ID}:role/delivery`),
    kmsKeyArn: fc.constantFrom(undefined, `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/k1`),
    savedQueries: fc.constantFrom(undefined, "false"),
    // A value the flow logs refuse, with or without the lab that would otherwise be registered first.
    logGroupName: fc.constantFrom(undefined, undefined, undefined, "/team/flow logs"),
    tags,
});

describe("preflight: property over stack names, config and tags", () => {
    afterEach(() => setStack("dev"));

    it("every value the program sends satisfies the vendored constraints, or the stack is refused before anything is registered", async function () {
        this.timeout(60_000);
        let refused = 0;
        let accepted = 0;
        await fc.assert(
            fc.asyncProperty(stackName, stackConfig, async (stack, c) => {
                resetRecordings();
                setStack(stack);
                const config: Record<string, string> = { tags: JSON.stringify(c.tags) };
                if (c.lab !== undefined) config.lab = c.lab;
                else config.vpcId = VPC;
                if (c.destination === "s3") config.destination = "s3";
                else if (c.existingRoleArn !== undefined) config.existingRoleArn = c.existingRoleArn;
                if (c.kmsKeyArn !== undefined) config.kmsKeyArn = c.kmsKeyArn;
                if (c.savedQueries !== undefined) config.savedQueries = c.savedQueries;
                if (c.logGroupName !== undefined) config.logGroupName = c.logGroupName;
                let program: Promise<Record<string, any>>;
                try {
                    program = runProgram(config);
                } catch (err) {
                    expect(pulumi.RunError.isInstance(err), String(err)).to.equal(true);
                    await settle();
                    expect(registrations.map((r) => r.name), (err as Error).message).to.deep.equal([]);
                    refused++;
                    return;
                }
                await outputsOf(program);
                await settle();
                expect(registrations.flatMap(violationsOf)).to.deep.equal([]);
                accepted++;
            }),
            { seed: 26, numRuns: 60 },
        );
        // Both sides of the property were exercised.
        expect(refused).to.be.greaterThan(10);
        expect(accepted).to.be.greaterThan(10);
    });

    it("names derived from the stack name are unique per account and region, and within AWS's constraints, for every stack name Pulumi allows", () => {
        fc.assert(
            fc.property(stackName, stackName, (a, b) => {
                expect(PULUMI_STACK_NAME.test(a)).to.equal(true);
                for (const s of [a, b]) {
                    expect([modelViolation("glue.databaseName", glueDatabaseName(s)), /^[a-z0-9_]+$/.test(glueDatabaseName(s))]).to.deep.equal([undefined, true]);
                    expect(modelViolation("athena.workGroupName", `vpc-flow-logs-${s}`)).to.equal(undefined);
                    expect(modelViolation("logs.logGroupName", `/vpc-flow-logs/${s}`)).to.equal(undefined);
                }
                if (a !== b) expect(glueDatabaseName(a)).to.not.equal(glueDatabaseName(b));
            }),
            // Folding collisions on purpose: pairs of the same letters in other cases and separators.
            { seed: 26, numRuns: 3000, examples: [["team-a", "team_a"], ["Team_A", "team_a"], ["a.b", "a-b"]] },
        );
    });
});

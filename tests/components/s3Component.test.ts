/**
 * VpcFlowLogs with `destination: s3` under Pulumi mocks: every resource and its exact inputs, and
 * the program's outputs for an S3 stack.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, REGION, byName, promiseOf, registeredUnder, requestFor, resetRecordings } from "../helpers/pulumiMocks";
import { outputsOf, runProgram } from "../helpers/program";
import { VpcFlowLogs, VpcFlowLogsArgs } from "../../components/vpcFlowLogs";
import { DIAGNOSTIC_FORMAT } from "../../analysis/core/logFormat";
import { glueTableInput } from "../../analysis/queries/glueTable";
import { projectedLocation } from "../helpers/partitionProjection";

const VPC = "vpc-0123456789abcdef0";
const KMS = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

async function deploy(name: string, args: VpcFlowLogsArgs): Promise<VpcFlowLogs> {
    const component = new VpcFlowLogs(name, { vpcId: VPC, destination: "s3", ...args });
    const s3 = component.s3!;
    await promiseOf(pulumi.all([component.flowLogIds, s3.recordsLocation, s3.athenaTable, s3.athenaWorkgroup, s3.athenaResultsLocation, component.urn]));
    return component;
}

const typesOf = (prefix: string) =>
    registeredUnder(prefix)
        .map((r) => `${r.type} ${r.name}`)
        .sort();

const location = (bucket: string, prefix = "") =>
    `s3://${bucket}/${prefix}AWSLogs/aws-account-id=${ACCOUNT_ID}/aws-service=vpcflowlogs/aws-region=${REGION}/`;

describe("VpcFlowLogs component with destination s3", () => {
    beforeEach(resetRecordings);

    it("creates the bucket and its settings, Athena, and a flow log with no IAM role or log group", async () => {
        await deploy("s3", {});
        expect(typesOf("s3")).to.deep.equal([
            "aws:athena/workgroup:Workgroup s3-athena-workgroup",
            `aws:ec2/flowLog:FlowLog s3-${VPC}`,
            "aws:glue/catalogDatabase:CatalogDatabase s3-athena-database",
            "aws:glue/catalogTable:CatalogTable s3-athena-table",
            "aws:s3/bucket:Bucket s3-athena-results",
            "aws:s3/bucket:Bucket s3-bucket",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration s3-athena-results-lifecycle",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration s3-bucket-lifecycle",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls s3-athena-results-ownership",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls s3-bucket-ownership",
            "aws:s3/bucketPolicy:BucketPolicy s3-athena-results-policy",
            "aws:s3/bucketPolicy:BucketPolicy s3-bucket-policy",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock s3-athena-results-public-access",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock s3-bucket-public-access",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration s3-athena-results-encryption",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration s3-bucket-encryption",
            "vpc-flow-logs:network:VpcFlowLogs s3",
        ]);
    });

    it("writes Parquet with Hive-compatible, per-hour partitions to the bucket, once its policy is in place", async () => {
        await deploy("fl", {});
        expect(byName(`fl-${VPC}`).inputs).to.deep.equal({
            vpcId: VPC,
            trafficType: "ALL",
            logDestinationType: "s3",
            logDestination: "arn:aws:s3:::fl-bucket-1a2b3c4",
            destinationOptions: { fileFormat: "parquet", hiveCompatiblePartitions: true, perHourPartition: true },
            maxAggregationInterval: 60,
            logFormat: DIAGNOSTIC_FORMAT.formatString.split(" ").slice(0, 14).join(" "),
            tags: {},
        });
        expect(requestFor(`fl-${VPC}`).dependencies).to.deep.equal(["fl-bucket", "fl-bucket-policy"]);
        expect(requestFor(`fl-${VPC}`).deleteBeforeReplace).to.equal(true);
    });

    it("attaches exactly AWS's delivery policy, after ownership and the public access block", async () => {
        await deploy("pol", { s3Prefix: "flow-logs/prod" });
        const policy = byName("pol-bucket-policy").inputs;
        const condition = { StringEquals: { "aws:SourceAccount": ACCOUNT_ID }, ArnLike: { "aws:SourceArn": `arn:aws:logs:${REGION}:${ACCOUNT_ID}:*` } };
        expect(policy.bucket).to.equal("pol-bucket-id");
        expect(JSON.parse(policy.policy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AWSLogDeliveryWrite",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: `arn:aws:s3:::pol-bucket-1a2b3c4/flow-logs/prod/AWSLogs/aws-account-id=${ACCOUNT_ID}/*`,
                    Condition: condition,
                },
                {
                    Sid: "AWSLogDeliveryAclCheck",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                    Resource: "arn:aws:s3:::pol-bucket-1a2b3c4",
                    Condition: condition,
                },
                {
                    Sid: "DenyPlainHttp",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::pol-bucket-1a2b3c4", "arn:aws:s3:::pol-bucket-1a2b3c4/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
        expect(requestFor("pol-bucket-policy").dependencies).to.deep.equal(["pol-bucket", "pol-bucket-ownership", "pol-bucket-public-access"]);
        expect(byName(`pol-${VPC}`).inputs.logDestination).to.equal("arn:aws:s3:::pol-bucket-1a2b3c4/flow-logs/prod/");
    });

    it("blocks all public access, enforces bucket ownership, encrypts, and expires records after retentionInDays", async () => {
        await deploy("sec", { retentionInDays: 30, tags: { team: "network" } });
        expect(byName("sec-bucket").inputs).to.deep.equal({ tags: { team: "network" } });
        expect(byName("sec-bucket-public-access").inputs).to.deep.equal({
            bucket: "sec-bucket-id",
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        expect(byName("sec-bucket-ownership").inputs).to.deep.equal({ bucket: "sec-bucket-id", rule: { objectOwnership: "BucketOwnerEnforced" } });
        expect(byName("sec-bucket-encryption").inputs).to.deep.equal({ bucket: "sec-bucket-id", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
        expect(byName("sec-bucket-lifecycle").inputs).to.deep.equal({
            bucket: "sec-bucket-id",
            rules: [{ id: "expire-flow-logs", status: "Enabled", filter: { prefix: "AWSLogs/" }, expiration: { days: 30 } }],
        });
        expect(byName("sec-athena-results").inputs).to.deep.equal({ forceDestroy: true, tags: { team: "network" } });
        expect(byName("sec-athena-results-lifecycle").inputs.rules).to.deep.equal([
            { id: "expire-athena-results", status: "Enabled", filter: { prefix: "athena-results/" }, expiration: { days: 7 } },
        ]);
    });

    it("denies plain HTTP on the Athena results bucket too, with a policy set after its public access block", async () => {
        await deploy("res", {});
        const policy = byName("res-athena-results-policy").inputs;
        expect(policy.bucket).to.equal("res-athena-results-id");
        expect(JSON.parse(policy.policy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyPlainHttp",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::res-athena-results-1a2b3c4", "arn:aws:s3:::res-athena-results-1a2b3c4/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
        expect(requestFor("res-athena-results-policy").dependencies).to.deep.equal([
            "res-athena-results",
            "res-athena-results-ownership",
            "res-athena-results-public-access",
        ]);
        // Scratch like its bucket: deleted with the stack.
        expect(requestFor("res-athena-results-policy").retainOnDelete).to.equal(false);
    });

    it("uses the KMS key for SSE-KMS, plain text when asked, and no lifecycle rule for retention 0", async () => {
        await deploy("kms", { kmsKeyArn: KMS, fileFormat: "plain-text", retentionInDays: 0 });
        expect(byName("kms-bucket-encryption").inputs.rules).to.deep.equal([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS }, bucketKeyEnabled: true },
        ]);
        expect(registeredUnder("kms-bucket-lifecycle")).to.have.length(0);
        expect(byName(`kms-${VPC}`).inputs.destinationOptions).to.deep.equal({ fileFormat: "plain-text", hiveCompatiblePartitions: true, perHourPartition: true });
        expect(byName("kms-athena-workgroup").inputs.configuration.resultConfiguration.encryptionConfiguration).to.deep.equal({ encryptionOption: "SSE_KMS", kmsKeyArn: KMS });
        expect(byName("kms-athena-table").inputs.storageDescriptor.serDeInfo.serializationLibrary).to.equal("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
    });

    it("keeps the bucket and its settings on destroy with retainLogsOnDestroy, never force-emptying it", async () => {
        await deploy("keep", { retainLogsOnDestroy: true });
        await deploy("drop", {});
        for (const part of ["bucket", "bucket-lifecycle"]) {
            expect([part, requestFor(`keep-${part}`).retainOnDelete, requestFor(`drop-${part}`).retainOnDelete]).to.deep.equal([part, true, false]);
        }
        // The bucket's protection goes with the bucket, never before it: a destroy that fails on a
        // bucket still holding records must not leave it without its public access block.
        for (const part of ["bucket-ownership", "bucket-public-access", "bucket-encryption", "bucket-policy"]) {
            expect([part, requestFor(`keep-${part}`).retainOnDelete, requestFor(`drop-${part}`).retainOnDelete]).to.deep.equal([part, true, true]);
        }
        expect(byName("drop-bucket").inputs.forceDestroy).to.equal(undefined);
        expect(requestFor("keep-athena-results").retainOnDelete).to.equal(false);
    });

    it("builds the Glue table over the records' location with partition projection, and a workgroup with the cutoff", async () => {
        const component = await deploy("ath", { logFormat: "diagnostic", athenaBytesScannedCutoffMb: 250, athenaDatabaseName: "vpc_flow_logs_dev", athenaWorkgroupName: "vpc-flow-logs-dev" });
        const expected = glueTableInput(DIAGNOSTIC_FORMAT, "parquet", location("ath-bucket-1a2b3c4"));
        expect(byName("ath-athena-database").inputs).to.deep.equal({ name: "vpc_flow_logs_dev", description: "VPC flow logs delivered to S3 (vpc-flow-logs)" });
        expect(byName("ath-athena-table").inputs).to.deep.equal({ name: "flow_logs", databaseName: "vpc_flow_logs_dev", ...expected });
        // The folder AWS writes the records of 2026-11-26 14:xx UTC to, in the bucket the component made, is the one the table reads.
        expect(projectedLocation(byName("ath-athena-table").inputs.parameters, { year: "2026", month: "11", day: "26", hour: "14" })).to.equal(
            location("ath-bucket-1a2b3c4") + "year=2026/month=11/day=26/hour=14/",
        );
        expect(byName("ath-athena-workgroup").inputs).to.deep.equal({
            name: "vpc-flow-logs-dev",
            description: "Queries over VPC flow logs (vpc-flow-logs); each query stops at the bytes-scanned cutoff",
            configuration: {
                bytesScannedCutoffPerQuery: 250000000,
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                resultConfiguration: { outputLocation: "s3://ath-athena-results-1a2b3c4/athena-results/", encryptionConfiguration: { encryptionOption: "SSE_S3" } },
            },
            forceDestroy: true,
            tags: {},
        });
        expect(await promiseOf(component.s3!.recordsLocation)).to.equal(location("ath-bucket-1a2b3c4"));
    });

    it("delivers into an existing bucket without touching it, and outputs the policy its owner must add", async () => {
        const component = await deploy("ext", { existingBucketArn: "arn:aws:s3:::central-flow-logs", s3Prefix: "prod" });
        expect(typesOf("ext").filter((t) => t.includes("ext-bucket"))).to.deep.equal([]);
        expect(byName(`ext-${VPC}`).inputs.logDestination).to.equal("arn:aws:s3:::central-flow-logs/prod/");
        expect(requestFor(`ext-${VPC}`).dependencies).to.deep.equal([]);
        const policy = JSON.parse(await promiseOf(component.s3!.requiredBucketPolicy!));
        expect(policy.Statement[0].Resource).to.equal(`arn:aws:s3:::central-flow-logs/prod/AWSLogs/aws-account-id=${ACCOUNT_ID}/*`);
        expect(await promiseOf(component.s3!.recordsLocation)).to.equal(location("central-flow-logs", "prod/"));
    });

    it("exports the S3 stack's outputs and none of CloudWatch's", async () => {
        const outputs = await outputsOf(runProgram({ vpcId: VPC, destination: "s3" }));
        expect(Object.keys(outputs).sort()).to.deep.equal(
            [
                "destination", "flowLogIds", "logFormat", "logFormatKind", "trafficType", "maxAggregationInterval", "region", "capture",
                "bucketName", "bucketArn", "recordsLocation", "athenaDatabase", "athenaTable", "athenaWorkgroup", "athenaResultsLocation",
                "athenaQuery", "athenaConsoleUrl", "cleanup",
            ].sort(),
        );
        expect([outputs.destination, outputs.bucketName, outputs.athenaDatabase, outputs.athenaTable, outputs.athenaWorkgroup, outputs.athenaConsoleUrl]).to.deep.equal([
            "s3",
            "flow-logs-bucket-1a2b3c4",
            "vpc_flow_logs_dev",
            "flow_logs",
            "vpc-flow-logs-dev",
            `https://${REGION}.console.aws.amazon.com/athena/home?region=${REGION}#/query-editor`,
        ]);
        expect(outputs.athenaQuery).to.equal(
            [
                `SELECT from_unixtime("start") AS start_time, interface_id, srcaddr, srcport, dstaddr, dstport, action, packets, bytes, log_status`,
                `FROM "vpc_flow_logs_dev"."flow_logs"`,
                "WHERE year = date_format(current_date, '%Y') AND month = date_format(current_date, '%m') AND day = date_format(current_date, '%d')",
                "  AND protocol = 6 AND ((dstport = 443) OR (srcport = 443))",
                `ORDER BY "start" DESC`,
                "LIMIT 1000",
            ].join("\n"),
        );
        expect(outputs.cleanup).to.equal(
            "Run 'pulumi destroy --stack dev' to delete the flow logs, the Glue table and database, the Athena workgroup and its results bucket, and the bucket flow-logs-bucket-1a2b3c4. " +
                "A bucket that still holds records is never emptied for you: the delete then fails (BucketNotEmpty) until you run 'aws s3 rm s3://flow-logs-bucket-1a2b3c4 --recursive', " +
                "or keep it with 'pulumi config set retainLogsOnDestroy true' and 'pulumi up' before destroying. " +
                "To stop paying for ingest but keep the bucket flow-logs-bucket-1a2b3c4 with its records, the Glue table and the Athena workgroup, pause capture instead: " +
                "'pulumi config set capture false --stack dev && pulumi up --stack dev' deletes the flow logs only, and the records then cost storage only, " +
                "kept for 7 days (retentionInDays), so a pause longer than 7 days leaves none; 'pulumi config set capture true --stack dev && pulumi up --stack dev' brings the flow logs back.",
        );
        expect(outputs.capture).to.equal("on");
        expect(registeredUnder("flow-logs").filter((r) => r.type.startsWith("aws:cloudwatch") || r.type.startsWith("aws:iam"))).to.deep.equal([]);
    });
});

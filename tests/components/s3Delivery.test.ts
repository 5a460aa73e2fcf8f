/**
 * The S3 delivery's pure parts: the bucket policy, object layout, lifecycle and settings.
 * Expected values follow the AWS VPC user guide, "Publish flow logs to Amazon S3" (flow-logs-s3.html:
 * "Log file S3 bucket structure" and "Amazon S3 bucket permissions for flow logs"; also
 * awsdocs/amazon-vpc-user-guide doc_source/flow-logs-s3.md at 06e98d972c597b2d5a9064ac4925559c0bd12745),
 * except the s3:x-amz-acl condition, left out on purpose (see s3Delivery.ts).
 */
import { expect } from "chai";
import {
    dayKeyPrefix,
    flowLogDestinationArn,
    flowLogsBucketPolicy,
    flowLogsLifecycleRules,
    glueDatabaseName,
    recordsLocation,
    resolveDestination,
    tlsOnlyBucketPolicy,
    tlsOnlyStatement,
} from "../../components/s3Delivery";
import { resolveFlowLogSettings } from "../../components/flowLogSettings";
import { userErrorOf } from "../helpers/userErrors";

const LAYOUT = { bucketName: "central-flow-logs", accountId: "123456789012", region: "ap-northeast-2", partition: "aws" };

describe("S3 delivery (pure)", () => {
    it("writes the bucket policy AWS documents for Hive-compatible prefixes, with no s3:x-amz-acl condition", () => {
        const condition = {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:logs:ap-northeast-2:123456789012:*" },
        };
        expect(flowLogsBucketPolicy({ ...LAYOUT, prefix: "flow-logs/prod" })).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AWSLogDeliveryWrite",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: "arn:aws:s3:::central-flow-logs/flow-logs/prod/AWSLogs/aws-account-id=123456789012/*",
                    Condition: condition,
                },
                {
                    Sid: "AWSLogDeliveryAclCheck",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                    Resource: "arn:aws:s3:::central-flow-logs",
                    Condition: condition,
                },
                {
                    Sid: "DenyPlainHttp",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::central-flow-logs", "arn:aws:s3:::central-flow-logs/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
        expect(JSON.stringify(flowLogsBucketPolicy(LAYOUT))).not.to.contain("x-amz-acl");
    });

    it("denies plain HTTP on the bucket and its objects for everyone (Security Hub S3.5), on the results bucket too", () => {
        const deny = {
            Sid: "DenyPlainHttp",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws-us-gov:s3:::query-results", "arn:aws-us-gov:s3:::query-results/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        };
        expect(tlsOnlyStatement("arn:aws-us-gov:s3:::query-results")).to.deep.equal(deny);
        expect(tlsOnlyBucketPolicy("arn:aws-us-gov:s3:::query-results")).to.deep.equal({ Version: "2012-10-17", Statement: [deny] });
    });

    it("scopes the write to AWSLogs/ at the bucket's root without a prefix, in the bucket's partition", () => {
        const policy = flowLogsBucketPolicy({ ...LAYOUT, partition: "aws-cn", region: "cn-north-1" });
        expect(policy.Statement.map((s) => [s.Resource, s.Condition?.ArnLike])).to.deep.equal([
            ["arn:aws-cn:s3:::central-flow-logs/AWSLogs/aws-account-id=123456789012/*", { "aws:SourceArn": "arn:aws-cn:logs:cn-north-1:123456789012:*" }],
            ["arn:aws-cn:s3:::central-flow-logs", { "aws:SourceArn": "arn:aws-cn:logs:cn-north-1:123456789012:*" }],
            [["arn:aws-cn:s3:::central-flow-logs", "arn:aws-cn:s3:::central-flow-logs/*"], undefined],
        ]);
    });

    it("lays records out as AWS's Hive-compatible, per-hour structure", () => {
        expect(flowLogDestinationArn({ ...LAYOUT, prefix: "flow-logs/prod" })).to.equal("arn:aws:s3:::central-flow-logs/flow-logs/prod/");
        expect(flowLogDestinationArn(LAYOUT)).to.equal("arn:aws:s3:::central-flow-logs");
        expect(recordsLocation({ ...LAYOUT, prefix: "flow-logs/prod" })).to.equal(
            "s3://central-flow-logs/flow-logs/prod/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-2/",
        );
        // 2026-03-05T07:30:00Z: zero-padded month and day, as the folders are named.
        expect(dayKeyPrefix(LAYOUT, Date.parse("2026-03-05T07:30:00Z") / 1000)).to.equal(
            "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-2/year=2026/month=03/day=05/",
        );
    });

    it("expires the delivered files after retentionInDays, and nothing for 0", () => {
        expect(flowLogsLifecycleRules(7)).to.deep.equal([{ id: "expire-flow-logs", status: "Enabled", filter: { prefix: "AWSLogs/" }, expiration: { days: 7 } }]);
        expect(flowLogsLifecycleRules(400, "flow-logs")).to.deep.equal([
            { id: "expire-flow-logs", status: "Enabled", filter: { prefix: "flow-logs/AWSLogs/" }, expiration: { days: 400 } },
        ]);
        expect(flowLogsLifecycleRules(0)).to.deep.equal([]);
    });

    it("names the Glue database after the stack in Athena's characters", () => {
        expect(glueDatabaseName("dev")).to.equal("vpc_flow_logs_dev");
        expect(glueDatabaseName("Team-A.prod")).to.equal("vpc_flow_logs_team_a_prod_6e425b39");
    });

    it("resolves the destination with its defaults", () => {
        expect(resolveDestination({})).to.deep.equal({ destination: "cloudwatch" });
        expect(resolveDestination({ destination: "S3" })).to.deep.equal({ destination: "s3", fileFormat: "parquet", scanCutoffMb: 1000 });
        expect(
            resolveDestination({ destination: "s3", fileFormat: "plain-text", existingBucketArn: "arn:aws:s3:::central-flow-logs", s3Prefix: "a/b", athenaBytesScannedCutoffMb: 10 }),
        ).to.deep.equal({
            destination: "s3",
            fileFormat: "plain-text",
            existingBucket: { arn: "arn:aws:s3:::central-flow-logs", bucketName: "central-flow-logs" },
            prefix: "a/b",
            scanCutoffMb: 10,
        });
    });

    it("lets S3 records expire after any number of days, and keeps CloudWatch's list for log groups", () => {
        expect(resolveFlowLogSettings({ destination: "s3", retentionInDays: 10 }).retentionInDays).to.equal(10);
        expect(userErrorOf(() => resolveFlowLogSettings({ destination: "s3", retentionInDays: -1 }))).to.equal(
            "Invalid retentionInDays -1 for destination s3. Allowed: 0 (never expire) or a whole number of days up to 36500.",
        );
    });

    const refusals: [string, Parameters<typeof resolveDestination>[0], string][] = [
        ["an unknown destination", { destination: "firehose" }, "Invalid destination 'firehose'. Allowed: cloudwatch, s3."],
        ["an unknown file format", { destination: "s3", fileFormat: "csv" }, "Invalid fileFormat 'csv'. Allowed: parquet, plain-text."],
        [
            "a cutoff below Athena's 10 MB",
            { destination: "s3", athenaBytesScannedCutoffMb: 5 },
            "Invalid athenaBytesScannedCutoffMb 5. Allowed: a whole number of megabytes from 10 (Athena's minimum) up, e.g. 1000 for 1 GB.",
        ],
        [
            "a bucket ARN with a folder",
            { destination: "s3", existingBucketArn: "arn:aws:s3:::central-flow-logs/prod" },
            "Invalid existingBucketArn 'arn:aws:s3:::central-flow-logs/prod'. Allowed: a bucket ARN, 'arn:<partition>:s3:::<bucket name>' (3-63 lowercase letters, digits, '.', '-'), e.g. 'arn:aws:s3:::central-flow-logs'. Put the folder in s3Prefix instead of the ARN.",
        ],
        [
            "a bucket name with capitals",
            { destination: "s3", existingBucketArn: "arn:aws:s3:::Central" },
            "Invalid existingBucketArn 'arn:aws:s3:::Central'. Allowed: a bucket ARN, 'arn:<partition>:s3:::<bucket name>' (3-63 lowercase letters, digits, '.', '-'), e.g. 'arn:aws:s3:::central-flow-logs'.",
        ],
        [
            "a prefix with a trailing slash",
            { destination: "s3", s3Prefix: "flow-logs/" },
            "Invalid s3Prefix 'flow-logs/'. Allowed: folder names of letters, digits and ! _ . * ' ( ) -, separated by single '/', without a leading or trailing '/', e.g. 'flow-logs/prod'.",
        ],
        ["a prefix with the reserved AWSLogs folder", { destination: "s3", s3Prefix: "x/AWSLogs" }, "Invalid s3Prefix 'x/AWSLogs': 'AWSLogs' is reserved by AWS for the delivered files and cannot be a folder of the prefix."],
        [
            "a bucket with CloudWatch Logs",
            { existingBucketArn: "arn:aws:s3:::central-flow-logs" },
            "existingBucketArn 'arn:aws:s3:::central-flow-logs' applies to destination s3; this stack delivers to CloudWatch Logs. Set destination to s3, or remove existingBucketArn.",
        ],
        [
            "a delivery role with S3",
            { destination: "s3", existingRoleArn: "arn:aws:iam::123456789012:role/x" },
            "existingRoleArn 'arn:aws:iam::123456789012:role/x' applies to destination cloudwatch: delivery to S3 needs no IAM role (the bucket policy grants delivery.logs.amazonaws.com). Remove existingRoleArn.",
        ],
    ];
    for (const [what, input, message] of refusals) {
        it(`refuses ${what}`, () => expect(userErrorOf(() => resolveDestination(input))).to.equal(message));
    }
});

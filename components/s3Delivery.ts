/**
 * Flow-log delivery to S3: the settings, the object layout and the bucket policy, as pure
 * functions of plain strings so the exact documents and paths are tested without Pulumi.
 *
 * Sources (AWS VPC user guide, "Publish flow logs to Amazon S3",
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html; also
 * awsdocs/amazon-vpc-user-guide doc_source/flow-logs-s3.md at 06e98d972c597b2d5a9064ac4925559c0bd12745):
 * - "Log file S3 bucket structure": with Hive-compatible prefixes and hourly partitions the files go to
 *   `bucket-and-optional-prefix/AWSLogs/aws-account-id=account_id/aws-service=vpcflowlogs/aws-region=region/year=year/month=month/day=day/hour=hour/`.
 * - "Amazon S3 bucket permissions for flow logs": the AWSLogDeliveryWrite and AWSLogDeliveryAclCheck
 *   statements for `delivery.logs.amazonaws.com`, with `aws:SourceAccount` and `aws:SourceArn`
 *   (`arn:aws:logs:region:account_id:*`) against the confused deputy; for Hive-compatible prefixes
 *   the write resource is `arn:aws:s3:::bucket_name/optional_folder/AWSLogs/aws-account-id=account_id/*`.
 * - A subfolder may not be named `AWSLogs` (a reserved term).
 *
 * TLS only: Security Hub control S3.5 ("S3 general purpose buckets should require requests to use
 * SSL", AWS Config rule s3-bucket-ssl-requests-only) passes when the bucket policy denies every
 * request with `aws:SecureTransport` false. docs/security-baseline.md lists the controls checked.
 */
import { UserInputError, quote } from "../analysis/core/errors";
import { PolicyDocument, PolicyStatement } from "./policies";
import { foldedStackName } from "./preflight";

export const DESTINATIONS = ["cloudwatch", "s3"] as const;
export type Destination = (typeof DESTINATIONS)[number];

/** `FileFormat` of CreateFlowLogs' DestinationOptions. */
export const FILE_FORMATS = ["parquet", "plain-text"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const LOG_DELIVERY_SERVICE_PRINCIPAL = "delivery.logs.amazonaws.com";

/** Athena refuses a per-query cutoff below 10 MB (WorkGroupConfiguration.BytesScannedCutoffPerQuery). */
export const MIN_SCAN_CUTOFF_MB = 10;
export const S3_DEFAULTS = {
    destination: "cloudwatch" as Destination,
    fileFormat: "parquet" as FileFormat,
    /** 1 GB per query: a day of a busy VPC's Parquet records, $0.005 at $5/TB. */
    athenaBytesScannedCutoffMb: 1000,
};

export function normalizeDestination(value: string): Destination {
    const found = DESTINATIONS.find((d) => d === value.trim().toLowerCase());
    if (!found) throw new UserInputError(`Invalid destination ${quote(value)}. Allowed: cloudwatch, s3.`);
    return found;
}

export function normalizeFileFormat(value: string): FileFormat {
    const found = FILE_FORMATS.find((f) => f === value.trim().toLowerCase());
    if (!found) throw new UserInputError(`Invalid fileFormat ${quote(value)}. Allowed: parquet, plain-text.`);
    return found;
}

export function validateScanCutoffMb(value: number): number {
    if (!Number.isInteger(value) || value < MIN_SCAN_CUTOFF_MB || value > 1e9) {
        throw new UserInputError(
            `Invalid athenaBytesScannedCutoffMb ${quote(value)}. Allowed: a whole number of megabytes from ${MIN_SCAN_CUTOFF_MB} (Athena's minimum) up, e.g. 1000 for 1 GB.`,
        );
    }
    return value;
}

/** S3 retention is any number of days; 0 keeps the objects. */
export function validateS3Retention(value: number): number {
    if (!Number.isInteger(value) || value < 0 || value > 36500) {
        throw new UserInputError(`Invalid retentionInDays ${quote(value)} for destination s3. Allowed: 0 (never expire) or a whole number of days up to 36500.`);
    }
    return value;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const BUCKET_ARN = /^arn:(aws|aws-cn|aws-us-gov):s3:::([^/]+)$/;

/** `arn:<partition>:s3:::<bucket>`, without a path: the prefix is a setting of its own. */
export function validateBucketArn(value: string): { arn: string; bucketName: string } {
    const m = BUCKET_ARN.exec(value);
    if (!m || !BUCKET_NAME.test(m[2]) || m[2].includes("..")) {
        const hint = /^arn:[^:]+:s3:::[^/]+\/.+/.test(value) ? " Put the folder in s3Prefix instead of the ARN." : "";
        throw new UserInputError(
            `Invalid existingBucketArn ${quote(value)}. Allowed: a bucket ARN, 'arn:<partition>:s3:::<bucket name>' (3-63 lowercase letters, digits, '.', '-'), e.g. 'arn:aws:s3:::central-flow-logs'.${hint}`,
        );
    }
    return { arn: value, bucketName: m[2] };
}

const PREFIX_SEGMENT = /^[A-Za-z0-9!_.*'()-]+$/;

/** Folder levels of safe characters, no leading, trailing or doubled `/`, and no `AWSLogs` level. */
export function validatePrefix(value: string): string {
    const segments = value.split("/");
    if (value.length > 512 || !segments.every((s) => PREFIX_SEGMENT.test(s))) {
        throw new UserInputError(
            `Invalid s3Prefix ${quote(value)}. Allowed: folder names of letters, digits and ! _ . * ' ( ) -, separated by single '/', without a leading or trailing '/', e.g. 'flow-logs/prod'.`,
        );
    }
    if (segments.includes("AWSLogs")) {
        throw new UserInputError(`Invalid s3Prefix ${quote(value)}: 'AWSLogs' is reserved by AWS for the delivered files and cannot be a folder of the prefix.`);
    }
    return value;
}

export interface S3Layout {
    readonly bucketName: string;
    readonly prefix?: string;
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
}

const prefixPart = (prefix?: string) => (prefix ? `${prefix}/` : "");

export function bucketArnOf(partition: string, bucketName: string): string {
    return `arn:${partition}:s3:::${bucketName}`;
}

/** The flow log's LogDestination: the bucket ARN, with the folder and a trailing '/' when there is one. */
export function flowLogDestinationArn(layout: Pick<S3Layout, "bucketName" | "prefix" | "partition">): string {
    const arn = bucketArnOf(layout.partition, layout.bucketName);
    return layout.prefix ? `${arn}/${layout.prefix}/` : arn;
}

/** Where this account's and region's records are, the Athena table's LOCATION: `.../aws-region=<region>/`. */
export function recordsKeyPrefix(layout: Omit<S3Layout, "partition">): string {
    return `${prefixPart(layout.prefix)}AWSLogs/aws-account-id=${layout.accountId}/aws-service=vpcflowlogs/aws-region=${layout.region}/`;
}

export function recordsLocation(layout: Omit<S3Layout, "partition">): string {
    return `s3://${layout.bucketName}/${recordsKeyPrefix(layout)}`;
}

/** The key prefix of one UTC day's objects, with Hive-compatible partitions (`year=2026/month=11/day=26/`). */
export function dayKeyPrefix(layout: Omit<S3Layout, "partition">, epochSeconds: number): string {
    const d = new Date(epochSeconds * 1000);
    const two = (n: number) => String(n).padStart(2, "0");
    return `${recordsKeyPrefix(layout)}year=${d.getUTCFullYear()}/month=${two(d.getUTCMonth() + 1)}/day=${two(d.getUTCDate())}/`;
}

/**
 * The bucket policy AWS documents for flow-log delivery, for Hive-compatible prefixes, without the
 * `s3:x-amz-acl: bucket-owner-full-control` condition of older versions of the page: the buckets this
 * project makes have ACLs disabled (BucketOwnerEnforced), so the bucket owns every object anyway,
 * and a condition on an ACL header the delivery service may stop sending would refuse the writes.
 */
export function flowLogsBucketPolicy(layout: S3Layout): PolicyDocument {
    const bucketArn = bucketArnOf(layout.partition, layout.bucketName);
    const condition = {
        StringEquals: { "aws:SourceAccount": layout.accountId },
        ArnLike: { "aws:SourceArn": `arn:${layout.partition}:logs:${layout.region}:${layout.accountId}:*` },
    };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AWSLogDeliveryWrite",
                Effect: "Allow",
                Principal: { Service: LOG_DELIVERY_SERVICE_PRINCIPAL },
                Action: "s3:PutObject",
                Resource: `${bucketArn}/${prefixPart(layout.prefix)}AWSLogs/aws-account-id=${layout.accountId}/*`,
                Condition: condition,
            },
            {
                Sid: "AWSLogDeliveryAclCheck",
                Effect: "Allow",
                Principal: { Service: LOG_DELIVERY_SERVICE_PRINCIPAL },
                Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                Resource: bucketArn,
                Condition: condition,
            },
            tlsOnlyStatement(bucketArn),
        ],
    };
}

/**
 * Refuses every request made over plain HTTP, by anyone, on the bucket and its objects (Security
 * Hub S3.5). An explicit Deny wins over every Allow, the delivery service's included; the service
 * writes over HTTPS, so delivery is unaffected. A Deny is never a "public" policy, so the bucket's
 * public access block (BlockPublicPolicy) accepts it.
 */
export function tlsOnlyStatement(bucketArn: string): PolicyStatement {
    return {
        Sid: "DenyPlainHttp",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** The policy of a bucket nobody but the account's principals use (the Athena results): TLS only. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return { Version: "2012-10-17", Statement: [tlsOnlyStatement(bucketArn)] };
}

/** The lifecycle rules of the flow-log bucket: expire the delivered files after `days`; none for 0. */
export function flowLogsLifecycleRules(days: number, prefix?: string) {
    if (days === 0) return [];
    return [{ id: "expire-flow-logs", status: "Enabled", filter: { prefix: `${prefixPart(prefix)}AWSLogs/` }, expiration: { days } }];
}

/** Athena's query results are scratch files: kept a week, then expired. */
export const ATHENA_RESULTS_DAYS = 7;
export const ATHENA_RESULTS_PREFIX = "athena-results/";

export function athenaResultsLifecycleRules() {
    return [{ id: "expire-athena-results", status: "Enabled", filter: { prefix: ATHENA_RESULTS_PREFIX }, expiration: { days: ATHENA_RESULTS_DAYS } }];
}

/**
 * Glue database names: lowercase letters, digits and '_' (Athena reads them so), at most 255, one
 * per account and region. A name that lowercasing or folding changed gets a suffix of its own
 * (preflight.ts foldedStackName), so `team-a` and `team_a` get two databases.
 */
export function glueDatabaseName(stackOrName: string): string {
    return `vpc_flow_logs_${foldedStackName(stackOrName, (s) => s.toLowerCase().replace(/[^a-z0-9_]/g, "_"))}`.slice(0, 255);
}

export interface DestinationInput {
    readonly destination?: string;
    readonly fileFormat?: string;
    readonly existingBucketArn?: string;
    readonly s3Prefix?: string;
    readonly athenaBytesScannedCutoffMb?: number;
    readonly existingRoleArn?: string;
    readonly existingLogGroupName?: string;
}

export type DestinationSettings =
    | { readonly destination: "cloudwatch" }
    | {
          readonly destination: "s3";
          readonly fileFormat: FileFormat;
          /** The user's bucket; absent when the stack creates one. */
          readonly existingBucket?: { readonly arn: string; readonly bucketName: string };
          readonly prefix?: string;
          readonly scanCutoffMb: number;
      };

/**
 * Where the records go, with every default applied. Settings that only mean something for S3 are
 * refused with CloudWatch Logs when they can only have been set on purpose (they have no declared
 * default); `fileFormat` and the cutoff have one, so they are simply unused there.
 */
export function resolveDestination(input: DestinationInput): DestinationSettings {
    const destination = normalizeDestination(input.destination ?? S3_DEFAULTS.destination);
    if (destination === "cloudwatch") {
        for (const [key, value] of [["existingBucketArn", input.existingBucketArn], ["s3Prefix", input.s3Prefix]] as const) {
            if (value !== undefined) {
                throw new UserInputError(`${key} ${quote(value)} applies to destination s3; this stack delivers to CloudWatch Logs. Set destination to s3, or remove ${key}.`);
            }
        }
        return { destination };
    }
    if (input.existingLogGroupName !== undefined) {
        throw new UserInputError(
            `existingLogGroupName ${quote(input.existingLogGroupName)} applies to destination cloudwatch; this stack delivers to S3. Remove existingLogGroupName, or set destination to cloudwatch.`,
        );
    }
    if (input.existingRoleArn !== undefined) {
        throw new UserInputError(
            `existingRoleArn ${quote(input.existingRoleArn)} applies to destination cloudwatch: delivery to S3 needs no IAM role (the bucket policy grants ${LOG_DELIVERY_SERVICE_PRINCIPAL}). Remove existingRoleArn.`,
        );
    }
    return {
        destination,
        fileFormat: normalizeFileFormat(input.fileFormat ?? S3_DEFAULTS.fileFormat),
        ...(input.existingBucketArn !== undefined ? { existingBucket: validateBucketArn(input.existingBucketArn) } : {}),
        ...(input.s3Prefix !== undefined ? { prefix: validatePrefix(input.s3Prefix) } : {}),
        scanCutoffMb: validateScanCutoffMb(input.athenaBytesScannedCutoffMb ?? S3_DEFAULTS.athenaBytesScannedCutoffMb),
    };
}

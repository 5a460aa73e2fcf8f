/**
 * The Pulumi resources behind `destination: s3`: the flow-log bucket (or the user's), its policy,
 * and Athena ready to query it (a Glue database and table with partition projection, a workgroup
 * with a results bucket and a per-query scan cutoff). The documents and names come from the pure
 * modules s3Delivery.ts and analysis/queries/glueTable.ts; this file only wires them to resources.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { glueTableInput } from "../analysis/queries/glueTable";
import { LogFormat } from "../analysis/core/logFormat";
import {
    ATHENA_RESULTS_PREFIX,
    DestinationSettings,
    athenaResultsLifecycleRules,
    bucketArnOf,
    flowLogDestinationArn,
    flowLogsBucketPolicy,
    flowLogsLifecycleRules,
    recordsLocation,
    tlsOnlyBucketPolicy,
} from "./s3Delivery";

type S3Settings = Extract<DestinationSettings, { destination: "s3" }>;

export interface S3DeliveryInputs {
    readonly settings: S3Settings;
    readonly format: LogFormat;
    readonly retentionInDays: number;
    readonly retainLogsOnDestroy: boolean;
    /** Checked against the provider's region (preflight.ts) before a resource uses it. */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** The user's bucket's ARN, checked against the provider's partition; absent when the stack creates the bucket. */
    readonly existingBucketArn?: pulumi.Input<string>;
    readonly tags: Record<string, string>;
    readonly athenaDatabaseName: string;
    readonly athenaWorkgroupName: string;
    readonly account: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
}

export interface S3Delivery {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    /** The flow logs' LogDestination. */
    readonly destinationArn: pulumi.Output<string>;
    /** `s3://<bucket>/<prefix/>AWSLogs/aws-account-id=.../aws-region=<region>/`: the Athena table's location. */
    readonly recordsLocation: pulumi.Output<string>;
    /** The policy the user's bucket needs (existingBucketArn); undefined when the stack owns the bucket and attaches it. */
    readonly requiredBucketPolicy?: pulumi.Output<string>;
    /** What the flow logs must wait for: the bucket policy, else AWS attaches (and overwrites with) its own. */
    readonly deliveryReady: pulumi.Resource[];
    readonly athenaDatabase: pulumi.Output<string>;
    readonly athenaTable: pulumi.Output<string>;
    readonly athenaWorkgroup: pulumi.Output<string>;
    readonly athenaResultsLocation: pulumi.Output<string>;
}

export const ATHENA_TABLE_NAME = "flow_logs";

export function createS3Delivery(name: string, inputs: S3DeliveryInputs, parent: pulumi.Resource): S3Delivery {
    const { settings, tags } = inputs;
    const prefix = settings.prefix;
    let bucketName: pulumi.Output<string>;
    let deliveryReady: pulumi.Resource[] = [];
    let requiredBucketPolicy: pulumi.Output<string> | undefined;

    const policyFor = (bucket: pulumi.Input<string>) =>
        pulumi
            .all([bucket, inputs.account, inputs.region, inputs.partition])
            .apply(([b, accountId, region, partition]) => JSON.stringify(flowLogsBucketPolicy({ bucketName: b, prefix, accountId, region, partition })));

    if (settings.existingBucket !== undefined) {
        // Not ours to change: its policy, lifecycle and encryption stay the owner's. The policy it
        // needs is an output, for the owner to add (AWS would otherwise overwrite the bucket's policy
        // with its own when the stack's principal owns the bucket and may put policies).
        const existing = settings.existingBucket;
        bucketName = pulumi.output(inputs.existingBucketArn ?? existing.arn).apply(() => existing.bucketName);
        requiredBucketPolicy = policyFor(settings.existingBucket.bucketName);
    } else {
        const keep = { parent, retainOnDelete: inputs.retainLogsOnDestroy };
        // No forceDestroy: a bucket that still holds records is never emptied by a destroy. Its
        // protection (ownership, public access block, encryption, policy) is never deleted on its
        // own, either: Pulumi deletes a bucket's dependents first, so a destroy that then fails on
        // a non-empty bucket would leave the records unprotected. They go with the bucket.
        const guard = { parent, retainOnDelete: true };
        const bucket = new aws.s3.Bucket(`${name}-bucket`, { tags }, keep);
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-bucket-ownership`,
            { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            guard,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-bucket-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            guard,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-bucket-encryption`,
            { bucket: bucket.id, rules: [encryptionRule(inputs.kmsKeyArn)] },
            guard,
        );
        const lifecycleRules = flowLogsLifecycleRules(inputs.retentionInDays, prefix);
        if (lifecycleRules.length > 0) {
            new aws.s3.BucketLifecycleConfiguration(`${name}-bucket-lifecycle`, { bucket: bucket.id, rules: lifecycleRules }, keep);
        }
        const policy = new aws.s3.BucketPolicy(
            `${name}-bucket-policy`,
            { bucket: bucket.id, policy: policyFor(bucket.bucket) },
            { ...guard, dependsOn: [publicAccess, ownership] },
        );
        bucketName = bucket.bucket;
        deliveryReady = [policy];
    }

    const location = pulumi.all([bucketName, inputs.account, inputs.region]).apply(([b, accountId, region]) => recordsLocation({ bucketName: b, prefix, accountId, region }));

    // Query results are scratch: their own bucket, emptied and deleted with the stack.
    const resultsBucket = new aws.s3.Bucket(`${name}-athena-results`, { forceDestroy: true, tags }, { parent });
    const resultsOwnership = new aws.s3.BucketOwnershipControls(
        `${name}-athena-results-ownership`,
        { bucket: resultsBucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        { parent },
    );
    const resultsPublicAccess = new aws.s3.BucketPublicAccessBlock(
        `${name}-athena-results-public-access`,
        { bucket: resultsBucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        { parent },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-athena-results-encryption`, { bucket: resultsBucket.id, rules: [encryptionRule(inputs.kmsKeyArn)] }, { parent });
    // TLS only (Security Hub S3.5). After the public access block and ownership, as for the
    // flow-log bucket: S3 answers concurrent changes to one bucket's policy and public access block
    // with OperationAborted ("A conflicting conditional operation is currently in progress",
    // hashicorp/terraform-provider-aws issue 7628).
    new aws.s3.BucketPolicy(
        `${name}-athena-results-policy`,
        { bucket: resultsBucket.id, policy: pulumi.all([inputs.partition, resultsBucket.bucket]).apply(([p, b]) => JSON.stringify(tlsOnlyBucketPolicy(bucketArnOf(p, b)))) },
        { parent, dependsOn: [resultsPublicAccess, resultsOwnership] },
    );
    new aws.s3.BucketLifecycleConfiguration(`${name}-athena-results-lifecycle`, { bucket: resultsBucket.id, rules: athenaResultsLifecycleRules() }, { parent });
    const resultsLocation = pulumi.interpolate`s3://${resultsBucket.bucket}/${ATHENA_RESULTS_PREFIX}`;

    const database = new aws.glue.CatalogDatabase(
        `${name}-athena-database`,
        { name: inputs.athenaDatabaseName, description: "VPC flow logs delivered to S3 (vpc-flow-logs)" },
        { parent },
    );
    const table = new aws.glue.CatalogTable(
        `${name}-athena-table`,
        location.apply((loc) => {
            const t = glueTableInput(inputs.format, settings.fileFormat, loc);
            return {
                name: ATHENA_TABLE_NAME,
                databaseName: inputs.athenaDatabaseName,
                tableType: t.tableType,
                parameters: t.parameters,
                partitionKeys: t.partitionKeys,
                storageDescriptor: {
                    location: t.storageDescriptor.location,
                    inputFormat: t.storageDescriptor.inputFormat,
                    outputFormat: t.storageDescriptor.outputFormat,
                    serDeInfo: t.storageDescriptor.serDeInfo,
                    columns: t.storageDescriptor.columns,
                },
            };
        }),
        { parent, dependsOn: [database] },
    );
    const workgroup = new aws.athena.Workgroup(
        `${name}-athena-workgroup`,
        {
            name: inputs.athenaWorkgroupName,
            description: "Queries over VPC flow logs (vpc-flow-logs); each query stops at the bytes-scanned cutoff",
            configuration: {
                bytesScannedCutoffPerQuery: settings.scanCutoffMb * 1_000_000,
                // Queries in the workgroup cannot choose another result location or lift the cutoff.
                enforceWorkgroupConfiguration: true,
                // The provider's default, said explicitly: Security Hub Athena.4 (AWS Config rule
                // athena-workgroup-logging-enabled) fails a workgroup that does not publish metrics.
                publishCloudwatchMetricsEnabled: true,
                engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                resultConfiguration: {
                    outputLocation: resultsLocation,
                    encryptionConfiguration:
                        inputs.kmsKeyArn === undefined ? { encryptionOption: "SSE_S3" } : { encryptionOption: "SSE_KMS", kmsKeyArn: inputs.kmsKeyArn },
                },
            },
            // Deleting the stack deletes the workgroup with its query history.
            forceDestroy: true,
            tags,
        },
        { parent },
    );

    return {
        bucketName,
        bucketArn: pulumi.all([inputs.partition, bucketName]).apply(([p, b]) => bucketArnOf(p, b)),
        destinationArn: pulumi.all([inputs.partition, bucketName]).apply(([p, b]) => flowLogDestinationArn({ partition: p, bucketName: b, prefix })),
        recordsLocation: location,
        requiredBucketPolicy,
        deliveryReady,
        athenaDatabase: database.name,
        athenaTable: table.name,
        athenaWorkgroup: workgroup.name,
        athenaResultsLocation: resultsLocation,
    };
}

/** SSE-KMS with the stack's key (and an S3 Bucket Key, fewer KMS calls), else SSE-S3. */
function encryptionRule(kmsKeyArn?: pulumi.Input<string>) {
    return kmsKeyArn === undefined
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true };
}

/**
 * Advisory: a bucket that receives flow logs refuses plain HTTP (a TLS-only Deny in its policy,
 * AWS Security Hub S3.5), blocks public access with all four settings (S3.8) and has a default
 * encryption configuration. Buckets outside the stack (a flow log into an existing bucket) are not
 * the stack's to check.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { Statement, conditionValues, listOf, principalsOf, statementsOf } from "./iamDocuments";
import { TYPES, named, ofType, refersTo } from "./stackGraph";

export const S3_FLOW_LOG_DESTINATION = "s3-flow-log-destination";

const PUBLIC_ACCESS_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

function receives(flowLog: PolicyResource, bucket: PolicyResource): boolean {
    if (refersTo(flowLog, "logDestination", bucket)) return true;
    const destination = flowLog.props.logDestination;
    const arn = bucket.props.arn;
    return typeof destination === "string" && typeof arn === "string" && arn !== "" && (destination === arn || destination.startsWith(`${arn}/`));
}

/**
 * Denies every principal every S3 action on the bucket and its objects when the request is not
 * TLS. `bucketName` is undefined when not known yet (auto-named, in preview): then any bucket ARN
 * with its `/*` counts.
 */
export function deniesPlainHttp(statement: Statement, bucketName: string | undefined): boolean {
    if (statement.Effect !== "Deny") return false;
    const principals = principalsOf(statement.Principal);
    if (!(principals.includes("*") && (typeof statement.Principal === "string" || principals.every((p) => p === "*")))) return false;
    if (!listOf(statement.Action).some((a) => a === "s3:*" || a === "*")) return false;
    if (!conditionValues(statement.Condition, "Bool", "aws:SecureTransport").some((v) => v.toLowerCase() === "false")) return false;
    const resources = listOf(statement.Resource);
    if (resources.includes("*")) return true;
    return resources.some(
        (r) => /^arn:aws[a-z-]*:s3:::[^/]+$/.test(r) && (bucketName === undefined || r.endsWith(`:::${bucketName}`)) && resources.includes(`${r}/*`),
    );
}

type Found = "yes" | "no" | "unknown";

function tlsOnly(bucket: PolicyResource, resources: readonly PolicyResource[]): Found {
    const bucketName = typeof bucket.props.bucket === "string" && bucket.props.bucket !== "" ? bucket.props.bucket : undefined;
    const policyDocuments = ofType(resources, TYPES.bucketPolicy)
        .filter((p) => refersTo(p, "bucket", bucket))
        .map((p) => p.props.policy);
    // A bucket's own (legacy) `policy` counts too; undefined there means unset as often as unknown.
    const documents = [bucket.props.policy, ...policyDocuments];
    const denies = (document: unknown) => {
        const statements = statementsOf(document);
        return Array.isArray(statements) && statements.some((s) => deniesPlainHttp(s, bucketName));
    };
    if (documents.some(denies)) return "yes";
    // A BucketPolicy's document not known yet (computed from outputs, in preview): not judged.
    return policyDocuments.some((d) => d === undefined) ? "unknown" : "no";
}

function encrypted(bucket: PolicyResource, resources: readonly PolicyResource[]): boolean {
    const inline = bucket.props.serverSideEncryptionConfiguration;
    const hasDefault = (rules: unknown) => listOfRules(rules).some((r) => typeof (r.applyServerSideEncryptionByDefault as { sseAlgorithm?: unknown } | undefined)?.sseAlgorithm === "string");
    if (inline !== undefined && inline !== null && (hasDefault((inline as { rule?: unknown }).rule) || hasDefault((inline as { rules?: unknown }).rules))) return true;
    return ofType(resources, ...TYPES.encryption).some((e) => refersTo(e, "bucket", bucket) && (e.props.rules === undefined || hasDefault(e.props.rules)));
}

function listOfRules(value: unknown): Record<string, unknown>[] {
    const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    return list.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null);
}

export function validateS3Destinations(args: StackValidationArgs, reportViolation: ReportViolation): void {
    const flowLogs = ofType(args.resources, TYPES.flowLog);
    for (const bucket of ofType(args.resources, ...TYPES.buckets).filter((b) => flowLogs.some((f) => receives(f, b)))) {
        if (tlsOnly(bucket, args.resources) === "no") {
            reportViolation(
                `Bucket ${named(bucket)} receives flow logs and accepts plain HTTP: its bucket policy needs a Deny of s3:* for Principal "*" on the bucket and its objects when aws:SecureTransport is false (Security Hub S3.5).`,
                bucket.urn,
            );
        }
        const blocks = ofType(args.resources, TYPES.publicAccessBlock).filter((b) => refersTo(b, "bucket", bucket));
        if (blocks.length === 0) {
            reportViolation(
                `Bucket ${named(bucket)} receives flow logs without a public access block: add an aws.s3.BucketPublicAccessBlock with ${PUBLIC_ACCESS_SETTINGS.join(", ")} true (Security Hub S3.8).`,
                bucket.urn,
            );
        } else {
            // A setting not known yet (undefined in preview) is not reported as off.
            const off = PUBLIC_ACCESS_SETTINGS.filter((s) => blocks.every((b) => b.props[s] === false));
            if (off.length > 0) {
                reportViolation(`Bucket ${named(bucket)} receives flow logs and its public access block leaves ${off.join(", ")} off: set all four true (Security Hub S3.8).`, bucket.urn);
            }
        }
        if (!encrypted(bucket, args.resources)) {
            reportViolation(
                `Bucket ${named(bucket)} receives flow logs without a default encryption configuration: add an aws.s3.BucketServerSideEncryptionConfiguration (SSE-S3 AES256 or SSE-KMS).`,
                bucket.urn,
            );
        }
    }
}

export const s3FlowLogDestination: StackValidationPolicy = {
    name: S3_FLOW_LOG_DESTINATION,
    description: "Buckets that receive flow logs deny plain HTTP, block public access and have default encryption.",
    enforcementLevel: "advisory",
    validateStack: validateS3Destinations,
};

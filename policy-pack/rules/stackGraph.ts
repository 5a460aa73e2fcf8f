/**
 * How the pack finds what refers to what in a stack: which flow log targets which VPC, which
 * attachment gives which policy to which role, which bucket policy belongs to which bucket.
 *
 * A property refers to another resource when the engine recorded that resource among the
 * property's dependencies (known in preview too, even when the value itself is not yet), or when
 * the value equals one of the resource's identifying outputs (an id, a name, an ARN: known once
 * deployed, or when the program passed the literal).
 */
import type { PolicyResource } from "@pulumi/policy";

/** Type tokens of the resources the policies read (pulumi-aws). */
export const TYPES = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    flowLog: "aws:ec2/flowLog:FlowLog",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
} as const;

export function ofType(resources: readonly PolicyResource[], ...types: readonly string[]): PolicyResource[] {
    return resources.filter((r) => types.includes(r.type));
}

/** The outputs that identify a resource when another one names it by value. */
const IDENTIFYING_PROPS = ["id", "arn", "name", "bucket"] as const;

/** Whether `resource.props[prop]` comes from `target` (see the file comment). */
export function refersTo(resource: PolicyResource, prop: string, target: PolicyResource): boolean {
    if ((resource.propertyDependencies[prop] ?? []).some((d) => d.urn === target.urn)) return true;
    return valueNames(resource.props[prop], target);
}

/** Whether a plain value names `target` by one of its identifying outputs. */
export function valueNames(value: unknown, target: PolicyResource): boolean {
    if (typeof value !== "string" || value === "") return false;
    return IDENTIFYING_PROPS.some((key) => {
        const own = target.props[key];
        return typeof own === "string" && own !== "" && value === own;
    });
}

/** `'name'`, how a violation names a resource. */
export const named = (r: PolicyResource) => `'${r.name}'`;

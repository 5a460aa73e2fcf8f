/**
 * What AWS accepts for each value this program sends, as data: the service models' constraints
 * (awsModelConstraints.ts, generated from botocore by scripts/extractAwsConstraints.ts) and, where
 * a model is silent, the rules of the user guides, each with its source. Pure: the preflight
 * (preflight.ts) and the tests read the same data.
 */
import { MODEL_CONSTRAINTS } from "./awsModelConstraints";

export { MODEL_CONSTRAINTS, MODEL_PROVENANCE } from "./awsModelConstraints";

export type ConstraintId = keyof typeof MODEL_CONSTRAINTS;

interface ModelConstraint {
    readonly member: string;
    readonly shape: string;
    readonly type: string;
    readonly min?: number;
    readonly max?: number;
    readonly pattern?: string;
    readonly enum?: readonly string[];
}

export function constraintOf(id: ConstraintId): ModelConstraint {
    return MODEL_CONSTRAINTS[id] as ModelConstraint;
}

/**
 * A botocore pattern as a JavaScript RegExp. The models' patterns are Java regular expressions
 * that the service matches against the whole value (`String.matches`), so the translation anchors
 * them; the `u` flag gives `\p{L}` and friends their Java meaning, and makes a surrogate pair
 * written as two `\uXXXX` escapes (Glue's `\uD800\uDC00-\uDBFF\uDFFF`) one code point, as in Java.
 */
export function patternRegExp(javaPattern: string): RegExp {
    return new RegExp(`^(?:${javaPattern})$`, "u");
}

/**
 * Lengths are counted in UTF-16 code units, as Java's String.length() does: for a character
 * outside the Basic Multilingual Plane that is 2, never less than a service that counts code
 * points would, so a value within our limit is within theirs.
 */
export function modelViolation(id: ConstraintId, value: string | number): string | undefined {
    const c = constraintOf(id);
    const where = `${c.member}, shape ${c.shape}`;
    if (typeof value === "number") {
        if (c.min !== undefined && value < c.min) return `at least ${c.min} (${where})`;
        if (c.max !== undefined && value > c.max) return `at most ${c.max} (${where})`;
        return undefined;
    }
    if (c.enum !== undefined && !c.enum.includes(value)) return `one of ${c.enum.join(", ")} (${where})`;
    const min = c.min ?? 0;
    if (value.length < min || (c.max !== undefined && value.length > c.max)) {
        return `${c.max !== undefined ? `${min}-${c.max}` : `at least ${min}`} characters (${where})`;
    }
    if (c.pattern !== undefined && !patternRegExp(c.pattern).test(value)) return `characters matching ${c.pattern} (${where})`;
    return undefined;
}

/** A rule from a user guide, for what the service model does not say. */
export interface GuideRule {
    readonly rule: string;
    readonly source: string;
}

export const GUIDE_RULES = {
    /** EC2's and S3's models type tag keys and values as plain strings; the guides give the limits. */
    tagLimits: {
        rule: "a resource has at most 50 user tags; a key is 1-128 characters, a value 0-256; keys starting with 'aws:' (any case) are reserved",
        source: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions",
    },
    ec2TagLimits: {
        rule: "at most 50 tags per EC2 resource, keys 1-128 and values 0-256 characters, 'aws:' reserved",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions",
    },
    s3BucketTagLimits: {
        rule: "at most 50 tags per bucket",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/CostAllocTagging.html",
    },
    athenaTagLimits: {
        rule: "at most 50 tags per workgroup",
        source: "https://docs.aws.amazon.com/athena/latest/ug/tags.html",
    },
    /**
     * The characters every service accepts in tags ("Although AWS services differ, in general...").
     * The same tags go to every resource of a stack, so those with a silent model get this rule,
     * the same set as IAM's and CloudWatch Logs' patterns.
     */
    portableTagCharacters: {
        rule: "letters, digits, spaces and _ . : / = + - @",
        source: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions",
    },
    iamTagKeysIgnoreCase: {
        rule: "IAM role and policy tag keys are not case sensitive: 'Team' and 'team' are the same key",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#case-sensitivity",
    },
    glueNamesLowercase: {
        rule: "Glue database and table names are lowercase letters, digits and '_' for Athena, unique per account and region",
        source: "https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html",
    },
    /**
     * KMS keys are regional and the key policy names the log group's regional principal
     * (`logs.<region>.amazonaws.com`); neither page was found to say "same Region" in one sentence
     * here, so these two rules rest on that reading, and both refuse only a key of another region.
     */
    logsKmsKeyRegion: {
        rule: "the KMS key that encrypts a log group is in the log group's region",
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    },
    s3KmsKeyRegion: {
        rule: "the KMS key of a bucket's SSE-KMS default encryption is in the bucket's region",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
    },
    arnPartition: {
        rule: "an ARN names its partition (aws, aws-cn, aws-us-gov); a resource of one partition cannot use another's",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html",
    },
    s3BucketNames: {
        rule: "bucket names are 3-63 lowercase letters, digits, '.' and '-'",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    },
    /** Not AWS: the names Pulumi allows for a stack, from which this program derives AWS names. */
    pulumiStackName: {
        rule: "1-100 characters of A-Z a-z 0-9 _ . -",
        source: "https://github.com/pulumi/pulumi/blob/78757ef6cea0c427a9bc8a025137a7f811a37501/sdk/go/common/tokens/stack_name.go",
    },
} as const satisfies Record<string, GuideRule>;

export const PULUMI_STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
export const PORTABLE_TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
export const PORTABLE_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
export const MAX_TAGS_PER_RESOURCE = 50;

/** The tag constraints of one service: the model's where it has them, the guides' otherwise. */
export interface TagRules {
    readonly service: string;
    readonly key?: ConstraintId;
    readonly value?: ConstraintId;
    /** Where the model gives the list's or map's max. */
    readonly list?: ConstraintId;
    readonly guide?: GuideRule;
    /** IAM only. */
    readonly keysIgnoreCase?: boolean;
}

export const TAG_RULES = {
    iamRole: { service: "IAM role", key: "iam.tagKey", value: "iam.tagValue", list: "iam.roleTags", keysIgnoreCase: true },
    iamPolicy: { service: "IAM policy", key: "iam.tagKey", value: "iam.tagValue", list: "iam.policyTags", keysIgnoreCase: true },
    logGroup: { service: "CloudWatch Logs log group", key: "logs.tagKey", value: "logs.tagValue", list: "logs.tags" },
    ec2: { service: "EC2", guide: GUIDE_RULES.ec2TagLimits },
    s3Bucket: { service: "S3 bucket", key: "s3.tagKey", value: "s3.tagValue", guide: GUIDE_RULES.s3BucketTagLimits },
    athenaWorkgroup: { service: "Athena workgroup", key: "athena.tagKey", value: "athena.tagValue", guide: GUIDE_RULES.athenaTagLimits },
} as const satisfies Record<string, TagRules>;

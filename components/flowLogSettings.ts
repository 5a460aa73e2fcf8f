/**
 * Validation and defaults for the flow-log settings, shared by the stack config (index.ts) and the
 * VpcFlowLogs component. Pure: it sees plain values only, and every failure is a UserInputError
 * whose message names the setting, the bad value and what is allowed, raised before any resource
 * is registered.
 */
import { LOG_GROUP_NAME, LOG_GROUP_NAME_RULE } from "../analysis/core/awsNames";
import { UserInputError, quote } from "../analysis/core/errors";
import { LogFormat, resolveLogFormat, toFormatString } from "../analysis/core/logFormat";
import { validateS3Retention } from "./s3Delivery";

import { TRAFFIC_TYPES_ALLOWED, TrafficType, trafficTypeOf } from "../analysis/core/trafficType";

export { TRAFFIC_TYPES, TrafficType } from "../analysis/core/trafficType";

/** AWS accepts 60 or 600 seconds for VPC, subnet and ENI flow logs. */
export const AGGREGATION_INTERVALS = [60, 600] as const;

/** Values PutRetentionPolicy accepts, plus 0 for "never expire" (the provider's convention). */
export const RETENTION_DAYS: readonly number[] = [
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export const DEFAULTS = {
    trafficType: "ALL" as TrafficType,
    // 60 s rather than AWS's 600 s: evidence shows up sooner while troubleshooting.
    maxAggregationInterval: 60,
    logFormat: "default",
    // A week keeps the evidence of a troubleshooting session without paying to store it for long.
    retentionInDays: 7,
    retainLogsOnDestroy: false,
};

/**
 * Fields without which no conversation can be told apart or judged; a custom format must keep them,
 * or the stack's query and the diagnosis would find nothing.
 */
export const DIAGNOSIS_FIELDS: readonly string[] = ["srcaddr", "dstaddr", "srcport", "dstport", "protocol", "action"];

export function resolveDiagnosableFormat(value: string): LogFormat {
    const format = resolveLogFormat(value, "logFormat");
    const missing = DIAGNOSIS_FIELDS.filter((f) => !format.fields.includes(f));
    if (missing.length > 0) {
        throw new UserInputError(
            `Invalid logFormat ${quote(value)}: it lacks ${toFormatString(missing)}, which the diagnosis needs. ` +
                `Add them, or use 'default', 'diagnostic' or 'ecs'.`,
        );
    }
    return format;
}

export function normalizeTrafficType(value: string): TrafficType {
    const normalized = trafficTypeOf(value);
    if (!normalized) throw new UserInputError(`Invalid trafficType ${quote(value)}. Allowed: ${TRAFFIC_TYPES_ALLOWED}.`);
    return normalized;
}

export function validateAggregationInterval(value: number): number {
    if (!(AGGREGATION_INTERVALS as readonly number[]).includes(value)) {
        throw new UserInputError(`Invalid maxAggregationInterval ${quote(value)}. Allowed: 60, 600 (seconds).`);
    }
    return value;
}

export function validateRetention(value: number): number {
    if (!RETENTION_DAYS.includes(value)) {
        throw new UserInputError(
            `Invalid retentionInDays ${quote(value)}. Allowed: ${RETENTION_DAYS.join(", ")} (0 = never expire).`,
        );
    }
    return value;
}

/** The resources a flow log can watch here, with AWS's id prefixes. */
export type TargetKind = "vpc" | "subnet" | "eni";
const ID_PREFIX: Readonly<Record<TargetKind, string>> = { vpc: "vpc", subnet: "subnet", eni: "eni" };

/** `vpc-0a1b2c3d` (8 hex digits, older ids) or `vpc-0a1b2c3d4e5f67890` (17 hex digits). */
export function validateResourceId(kind: TargetKind, value: string, key: string): string {
    const prefix = ID_PREFIX[kind];
    if (!new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`).test(value)) {
        throw new UserInputError(
            `Invalid ${key} ${quote(value)}. Allowed: '${prefix}-' followed by 8 or 17 lowercase hex digits, e.g. '${prefix}-0123456789abcdef0'.`,
        );
    }
    return value;
}

const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;

export function validateRoleArn(value: string): string {
    if (!ROLE_ARN.test(value)) {
        throw new UserInputError(
            `Invalid existingRoleArn ${quote(value)}. Allowed: an IAM role ARN, 'arn:<partition>:iam::<12-digit account>:role/<name>', e.g. 'arn:aws:iam::123456789012:role/flow-logs-delivery'.`,
        );
    }
    return value;
}

const KMS_KEY_ARN = /^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

export function validateKmsKeyArn(value: string): string {
    if (!KMS_KEY_ARN.test(value)) {
        throw new UserInputError(
            `Invalid kmsKeyArn ${quote(value)}. Allowed: a KMS key ARN, 'arn:<partition>:kms:<region>:<account>:key/<key id>' (an alias is not accepted by CloudWatch Logs).`,
        );
    }
    return value;
}

/** CloudWatch Logs: 1-512 characters of a-z, A-Z, 0-9, '_', '-', '/', '.', '#'. */
export function validateLogGroupName(value: string, key = "logGroupName"): string {
    if (!LOG_GROUP_NAME.test(value)) {
        throw new UserInputError(
            `Invalid ${key} ${quote(value)}. Allowed: ${LOG_GROUP_NAME_RULE}.`,
        );
    }
    return value;
}

export function validateTags(value: Record<string, unknown>): Record<string, string> {
    for (const [k, v] of Object.entries(value)) {
        if (k.length < 1 || k.length > 128 || k.toLowerCase().startsWith("aws:")) {
            throw new UserInputError(
                `Invalid tags key ${quote(k)}. Allowed: 1-128 characters, not starting with 'aws:'.`,
            );
        }
        if (typeof v !== "string" || v.length > 256) {
            throw new UserInputError(`Invalid tags value for ${quote(k)}: ${quote(v)}. Allowed: a string of 0-256 characters.`);
        }
    }
    return { ...(value as Record<string, string>) };
}

/** What the component builds from, with every default applied. */
export interface FlowLogSettings {
    readonly trafficType: TrafficType;
    readonly maxAggregationInterval: number;
    readonly logFormat: LogFormat;
    readonly retentionInDays: number;
    readonly retainLogsOnDestroy: boolean;
    readonly kmsKeyArn?: string;
    readonly existingRoleArn?: string;
    readonly tags: Record<string, string>;
}

export interface FlowLogSettingsInput {
    readonly trafficType?: string;
    readonly maxAggregationInterval?: number;
    readonly logFormat?: string;
    readonly retentionInDays?: number;
    readonly retainLogsOnDestroy?: boolean;
    readonly kmsKeyArn?: string;
    readonly existingRoleArn?: string;
    readonly tags?: Record<string, unknown>;
    /** S3 objects may expire after any number of days; CloudWatch Logs takes only its own list. */
    readonly destination?: "cloudwatch" | "s3";
}

export function resolveFlowLogSettings(input: FlowLogSettingsInput): FlowLogSettings {
    return {
        trafficType: normalizeTrafficType(input.trafficType ?? DEFAULTS.trafficType),
        maxAggregationInterval: validateAggregationInterval(input.maxAggregationInterval ?? DEFAULTS.maxAggregationInterval),
        logFormat: resolveDiagnosableFormat(input.logFormat ?? DEFAULTS.logFormat),
        retentionInDays: (input.destination === "s3" ? validateS3Retention : validateRetention)(input.retentionInDays ?? DEFAULTS.retentionInDays),
        retainLogsOnDestroy: input.retainLogsOnDestroy ?? DEFAULTS.retainLogsOnDestroy,
        kmsKeyArn: input.kmsKeyArn === undefined ? undefined : validateKmsKeyArn(input.kmsKeyArn),
        existingRoleArn: input.existingRoleArn === undefined ? undefined : validateRoleArn(input.existingRoleArn),
        tags: validateTags(input.tags ?? {}),
    };
}

/** Stands for a target id that is an output of another resource: not known until deployment. */
export const PENDING_ID: unique symbol = Symbol("id known after deployment");
export type TargetId = string | typeof PENDING_ID;

export interface FlowLogTargets {
    readonly vpcId?: TargetId;
    readonly subnetIds: readonly TargetId[];
    readonly eniIds: readonly TargetId[];
}

/**
 * Checks the flow-log targets: at least one, each plain id well formed, none listed twice. Pending
 * ids come from other resources in the same program and are trusted.
 */
export function validateTargets(targets: FlowLogTargets): void {
    if (targets.vpcId === undefined && targets.subnetIds.length === 0 && targets.eniIds.length === 0) {
        throw new UserInputError(
            "No flow log target: set vpcId, or subnetIds or eniIds (a list of 'subnet-...' / 'eni-...' ids). At least one is required.",
        );
    }
    if (typeof targets.vpcId === "string") validateResourceId("vpc", targets.vpcId, "vpcId");
    const seen = new Set<string>();
    const check = (kind: TargetKind, key: string, ids: readonly TargetId[]) => {
        for (const id of ids) {
            if (typeof id !== "string") continue;
            validateResourceId(kind, id, key);
            if (seen.has(id)) throw new UserInputError(`Invalid ${key}: ${quote(id)} is listed twice. Each target may appear once.`);
            seen.add(id);
        }
    };
    check("subnet", "subnetIds", targets.subnetIds);
    check("eni", "eniIds", targets.eniIds);
}

/**
 * A list of ids from stack config (`pulumi config set --path 'subnetIds[0]' subnet-...`). Absent
 * means none; anything but a list of strings is refused with the way to set it.
 */
export function readIdList(key: "subnetIds" | "eniIds", value: unknown): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        const example = key === "subnetIds" ? "subnet-0123456789abcdef0" : "eni-0123456789abcdef0";
        throw new UserInputError(
            `Invalid ${key} ${quote(value)}. Allowed: a list of ids, set with 'pulumi config set --path "${key}[0]" ${example}'.`,
        );
    }
    return value as string[];
}

/** Tags from stack config: an object of string values (`pulumi config set --path tags.team network`). */
export function readTags(value: unknown): Record<string, string> {
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) {
        throw new UserInputError(
            `Invalid tags ${quote(value)}. Allowed: a map of strings, set with 'pulumi config set --path tags.team network'.`,
        );
    }
    return validateTags(value as Record<string, unknown>);
}

/**
 * The flow-log record format: every field AWS can write, the presets this project offers, and the
 * parsing and validation of a custom `${field} ...` format string.
 *
 * Field list and versions: "Flow log records", AWS VPC user guide
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html).
 */
import { UserInputError, quote } from "./errors";

export interface FlowLogFieldSpec {
    /** The name AWS uses in format strings, without `${}`: `srcaddr`, `log-status`. */
    readonly name: string;
    /** The flow-log version that introduced the field. */
    readonly version: number;
    /**
     * The identifier this project uses in Logs Insights queries and results. For the 14 default
     * fields it is the name Logs Insights discovers by itself (`srcAddr`, `logStatus`, ...), so a
     * default-format query and a `parse @message` query produce the same columns.
     */
    readonly insightsName: string;
}

function field(name: string, version: number, insightsName?: string): FlowLogFieldSpec {
    return { name, version, insightsName: insightsName ?? camelCase(name) };
}

function camelCase(name: string): string {
    return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export const FLOW_LOG_FIELDS: readonly FlowLogFieldSpec[] = [
    // Version 2: the default format, in this order. Insights discovers these names by itself
    // (CloudWatch Logs user guide, "Supported logs and discovered fields").
    field("version", 2),
    field("account-id", 2),
    field("interface-id", 2),
    field("srcaddr", 2, "srcAddr"),
    field("dstaddr", 2, "dstAddr"),
    field("srcport", 2, "srcPort"),
    field("dstport", 2, "dstPort"),
    field("protocol", 2),
    field("packets", 2),
    field("bytes", 2),
    field("start", 2, "startTime"),
    field("end", 2, "endTime"),
    field("action", 2),
    field("log-status", 2),
    // Version 3
    field("vpc-id", 3),
    field("subnet-id", 3),
    field("instance-id", 3),
    field("tcp-flags", 3),
    field("type", 3),
    field("pkt-srcaddr", 3, "pktSrcAddr"),
    field("pkt-dstaddr", 3, "pktDstAddr"),
    // Version 4
    field("region", 4),
    field("az-id", 4),
    field("sublocation-type", 4),
    field("sublocation-id", 4),
    // Version 5
    field("pkt-src-aws-service", 5),
    field("pkt-dst-aws-service", 5),
    field("flow-direction", 5),
    field("traffic-path", 5),
    // Version 7: ECS fields. Creating a flow log with them needs ecs:ListClusters and friends.
    field("ecs-cluster-arn", 7),
    field("ecs-cluster-name", 7),
    field("ecs-container-instance-arn", 7),
    field("ecs-container-instance-id", 7),
    field("ecs-container-id", 7),
    field("ecs-second-container-id", 7),
    field("ecs-service-name", 7),
    field("ecs-task-definition-arn", 7),
    field("ecs-task-arn", 7),
    field("ecs-task-id", 7),
    // Version 8: why a packet was rejected; `BPA` is VPC Block Public Access.
    field("reject-reason", 8),
];

export type FlowLogFieldName = string;

const FIELDS_BY_NAME: ReadonlyMap<string, FlowLogFieldSpec> = new Map(FLOW_LOG_FIELDS.map((f) => [f.name, f]));

export function fieldSpec(name: string): FlowLogFieldSpec | undefined {
    return FIELDS_BY_NAME.get(name);
}

/** The AWS default (version 2) format: 14 fields, in AWS's order. */
export const DEFAULT_FIELDS: readonly string[] = FLOW_LOG_FIELDS.filter((f) => f.version === 2).map((f) => f.name);

/**
 * The `diagnostic` preset: the default fields, then the ones that sharpen a routing-vs-rejection
 * diagnosis: which subnet and VPC, TCP flags (SYN-only means nothing answered), the packet's
 * original addresses (NAT gateway legs), direction, and the gateway the packets took.
 */
export const DIAGNOSTIC_EXTRA_FIELDS: readonly string[] = [
    "vpc-id",
    "subnet-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "flow-direction",
    "traffic-path",
    "pkt-dst-aws-service",
];
export const DIAGNOSTIC_FIELDS: readonly string[] = [...DEFAULT_FIELDS, ...DIAGNOSTIC_EXTRA_FIELDS];

/**
 * The `ecs` preset: `diagnostic` plus the version 7 ECS fields that name the task and its service,
 * so a record can be tied to the task that sent it. AWS fills them only when the principal that
 * creates the flow log may call ecs:ListClusters, ListServices, ListTasks, ListContainerInstances
 * and ListTaskDefinitions, and only for traffic of a RUNNING task (an image pull happens before).
 */
export const ECS_EXTRA_FIELDS: readonly string[] = ["ecs-cluster-name", "ecs-service-name", "ecs-task-id", "ecs-task-arn"];
export const ECS_FIELDS: readonly string[] = [...DIAGNOSTIC_FIELDS, ...ECS_EXTRA_FIELDS];

export const LOG_FORMAT_PRESETS = ["default", "diagnostic", "ecs"] as const;
export type LogFormatPreset = (typeof LOG_FORMAT_PRESETS)[number];

export interface LogFormat {
    /** `default`, `diagnostic` and `ecs` are presets; anything else is `custom`. */
    readonly kind: LogFormatPreset | "custom";
    /** Field names in record order. */
    readonly fields: readonly string[];
    /** The exact format string, `${version} ${account-id} ...`, as AWS stores it. */
    readonly formatString: string;
}

/**
 * Builds `${a} ${b}` from field names. Written with concatenation on purpose: in a TypeScript
 * template literal, `${srcaddr}` would be interpolated.
 */
export function toFormatString(fields: readonly string[]): string {
    return fields.map((f) => "$" + "{" + f + "}").join(" ");
}

export const DEFAULT_FORMAT: LogFormat = { kind: "default", fields: DEFAULT_FIELDS, formatString: toFormatString(DEFAULT_FIELDS) };
export const DIAGNOSTIC_FORMAT: LogFormat = {
    kind: "diagnostic",
    fields: DIAGNOSTIC_FIELDS,
    formatString: toFormatString(DIAGNOSTIC_FIELDS),
};
export const ECS_FORMAT: LogFormat = { kind: "ecs", fields: ECS_FIELDS, formatString: toFormatString(ECS_FIELDS) };

const PRESET_FORMATS: readonly LogFormat[] = [DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, ECS_FORMAT];

/** A preset with exactly these fields, in this order, or undefined. */
function presetWithFormatString(formatString: string): LogFormat | undefined {
    return PRESET_FORMATS.find((f) => f.formatString === formatString);
}

const TOKEN = /^\$\{([a-z0-9-]+)\}$/;

/**
 * Resolves `default`, `diagnostic`, `ecs` (any case) or a custom `${field} ...` string to a LogFormat.
 * `key` names the setting in error messages (`logFormat`, `--format`).
 *
 * A custom string that equals a preset's fields is reported as that preset: AWS treats the default
 * one the same, and Logs Insights discovers its fields.
 */
/**
 * A preset name or a custom `${field} ...` format. `keepUnknown` lets field names this project does
 * not know yet through, as opaque text (records written by a newer flow log: AWS keeps adding
 * fields); a stack's own format keeps them out, since AWS would refuse a misspelt field anyway.
 */
export function resolveLogFormat(value: string, key: string, keepUnknown = false): LogFormat {
    const preset = value.trim().toLowerCase();
    if (preset === "default") return DEFAULT_FORMAT;
    if (preset === "diagnostic") return DIAGNOSTIC_FORMAT;
    if (preset === "ecs") return ECS_FORMAT;
    if (!value.includes("$" + "{")) {
        throw new UserInputError(
            `Invalid ${key} ${quote(value)}. Allowed: default, diagnostic, ecs, or a custom format of $` +
                `{field} tokens separated by single spaces, e.g. '${toFormatString(["srcaddr", "dstaddr", "action"])}'.`,
        );
    }
    const fields = parseFormatFields(value, key, keepUnknown);
    const formatString = toFormatString(fields);
    return presetWithFormatString(formatString) ?? { kind: "custom", fields, formatString };
}

function parseFormatFields(value: string, key: string, keepUnknown: boolean): string[] {
    if (value !== value.trim()) {
        throw new UserInputError(
            `Invalid ${key} ${quote(value)}: it has a leading or trailing space. Allowed: $` +
                `{field} tokens separated by single spaces, with nothing before the first or after the last.`,
        );
    }
    if (/\s{2,}|[\t\n\r]/.test(value)) {
        throw new UserInputError(
            `Invalid ${key} ${quote(value)}: fields must be separated by exactly one space.`,
        );
    }
    const fields: string[] = [];
    for (const token of value.split(" ")) {
        const match = TOKEN.exec(token);
        if (!match) {
            throw new UserInputError(
                `Invalid ${key} ${quote(value)}: ${quote(token)} is not a $` + `{field} token. Each field is written as $` +
                    `{name}, e.g. $` + `{srcaddr}.`,
            );
        }
        const name = match[1];
        if (!FIELDS_BY_NAME.has(name) && !(keepUnknown && FIELD_NAME_SHAPE.test(name))) {
            throw new UserInputError(
                `Invalid ${key} ${quote(value)}: unknown field ${quote(name)}. Allowed fields: ${FLOW_LOG_FIELDS.map((f) => f.name).join(", ")}.`,
            );
        }
        if (fields.includes(name)) {
            throw new UserInputError(`Invalid ${key} ${quote(value)}: field ${quote(name)} appears twice.`);
        }
        fields.push(name);
    }
    return fields;
}

/** A token that has the shape of a flow-log field name: AWS keeps adding fields (next-hop, tags). */
const FIELD_NAME_SHAPE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Reads a header line of field names, as in the files flow logs write to S3
 * (`version account-id interface-id ...`). Returns undefined when the line is not a header.
 *
 * Names this project does not know yet are kept (their values are read as opaque text), as long
 * as most of the line is made of known names: that tells a header from a line of words.
 */
export function formatFromHeader(line: string): LogFormat | undefined {
    const names = line.trim().split(/\s+/);
    if (names.length === 0 || !names.every((n) => FIELD_NAME_SHAPE.test(n))) return undefined;
    if (new Set(names).size !== names.length) return undefined;
    const known = names.filter((n) => FIELDS_BY_NAME.has(n)).length;
    if (known < 2 || known * 2 < names.length) return undefined;
    const formatString = toFormatString(names);
    return presetWithFormatString(formatString) ?? { kind: "custom", fields: names, formatString };
}

/** Field names of a format that this project does not know: their values are kept as opaque text. */
export function unknownFields(format: LogFormat): string[] {
    return format.fields.filter((f) => !FIELDS_BY_NAME.has(f));
}

/** The warning for field names a format has that this project does not know, or undefined. */
export function unknownFieldsWarning(names: readonly string[], where: string): string | undefined {
    if (names.length === 0) return undefined;
    const one = names.length === 1;
    return `${where} has ${one ? "a field" : "fields"} this tool does not know yet (${names.join(", ")}): ${one ? "its values are" : "their values are"} kept as opaque text.`;
}

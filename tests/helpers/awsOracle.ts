/**
 * The tests' own reading of what AWS accepts for each input the program registers: a map from the
 * Pulumi resource type and input to the vendored constraints (components/awsConstraints.ts), wired
 * independently of the program's preflight so that a check the program forgets shows up here.
 * Every `tags` input is checked, whatever the resource type.
 */
import {
    ConstraintId,
    MAX_TAGS_PER_RESOURCE,
    PORTABLE_TAG_KEY,
    PORTABLE_TAG_VALUE,
    constraintOf,
    modelViolation,
} from "../../components/awsConstraints";
import { Registration } from "./pulumiMocks";

/** Model ids of the tags of a resource type: list, key, value; absent: the guides' rules only. */
const TAGS: Readonly<Record<string, { list?: ConstraintId; key?: ConstraintId; value?: ConstraintId; keysIgnoreCase?: boolean }>> = {
    "aws:iam/role:Role": { list: "iam.roleTags", key: "iam.tagKey", value: "iam.tagValue", keysIgnoreCase: true },
    "aws:iam/policy:Policy": { list: "iam.policyTags", key: "iam.tagKey", value: "iam.tagValue", keysIgnoreCase: true },
    "aws:cloudwatch/logGroup:LogGroup": { list: "logs.tags", key: "logs.tagKey", value: "logs.tagValue" },
    "aws:s3/bucket:Bucket": { key: "s3.tagKey", value: "s3.tagValue" },
    "aws:athena/workgroup:Workgroup": { key: "athena.tagKey", value: "athena.tagValue" },
};

/** Input path (dotted) -> constraint, per resource type. */
const FIELDS: Readonly<Record<string, readonly [string, ConstraintId][]>> = {
    "aws:iam/role:Role": [
        ["description", "iam.roleDescription"],
        ["assumeRolePolicy", "iam.assumeRolePolicyDocument"],
    ],
    "aws:iam/policy:Policy": [
        ["description", "iam.policyDescription"],
        ["policy", "iam.policyDocument"],
    ],
    "aws:cloudwatch/logGroup:LogGroup": [
        ["name", "logs.logGroupName"],
        ["kmsKeyId", "logs.kmsKeyId"],
    ],
    "aws:cloudwatch/queryDefinition:QueryDefinition": [
        ["name", "logs.queryDefinitionName"],
        ["queryString", "logs.queryDefinitionString"],
    ],
    "aws:ec2/flowLog:FlowLog": [
        ["trafficType", "ec2.flowLogTrafficType"],
        ["logDestinationType", "ec2.flowLogDestinationType"],
        ["destinationOptions.fileFormat", "ec2.flowLogFileFormat"],
    ],
    "aws:glue/catalogDatabase:CatalogDatabase": [
        ["name", "glue.databaseName"],
        ["description", "glue.databaseDescription"],
    ],
    "aws:glue/catalogTable:CatalogTable": [
        ["name", "glue.tableName"],
        ["databaseName", "glue.databaseName"],
        ["storageDescriptor.location", "glue.tableLocation"],
    ],
    "aws:athena/workgroup:Workgroup": [
        ["name", "athena.workGroupName"],
        ["description", "athena.workGroupDescription"],
        ["configuration.bytesScannedCutoffPerQuery", "athena.bytesScannedCutoffPerQuery"],
    ],
};

/** Glue names are lowercase for Athena (the guide; the model allows any Unicode). */
const GLUE_NAME_FIELDS: Readonly<Record<string, readonly string[]>> = {
    "aws:glue/catalogDatabase:CatalogDatabase": ["name"],
    "aws:glue/catalogTable:CatalogTable": ["name", "databaseName"],
};

const at = (inputs: Record<string, any>, path: string): unknown => path.split(".").reduce<any>((v, k) => (v == null ? undefined : v[k]), inputs);

/** What AWS would refuse in one registration, as `type name: reason` lines; empty when nothing. */
export function violationsOf(r: Registration): string[] {
    const found: string[] = [];
    const say = (what: string) => found.push(`${r.type} ${r.name}: ${what}`);
    for (const [path, id] of FIELDS[r.type] ?? []) {
        const value = at(r.inputs, path);
        if (value === undefined) continue;
        if (typeof value !== "string" && typeof value !== "number") {
            say(`${path} is ${typeof value}`);
            continue;
        }
        const v = modelViolation(id, value);
        if (v !== undefined) say(`${path} ${JSON.stringify(value)}: ${v}`);
    }
    for (const path of GLUE_NAME_FIELDS[r.type] ?? []) {
        const value = at(r.inputs, path);
        if (typeof value === "string" && !/^[a-z0-9_]+$/.test(value)) say(`${path} ${JSON.stringify(value)}: not lowercase letters, digits and '_'`);
    }
    const tags = r.inputs.tags as Record<string, string> | undefined;
    if (tags !== undefined && Object.keys(tags).length > 0) {
        const rules = TAGS[r.type] ?? {};
        const max = (rules.list !== undefined ? constraintOf(rules.list).max : undefined) ?? MAX_TAGS_PER_RESOURCE;
        if (Object.keys(tags).length > max) say(`${Object.keys(tags).length} tags, max ${max}`);
        const lower = new Set<string>();
        for (const [key, value] of Object.entries(tags)) {
            if (/^aws:/i.test(key)) say(`tag key ${JSON.stringify(key)} is reserved`);
            const kv = rules.key !== undefined ? modelViolation(rules.key, key) : undefined;
            if (kv !== undefined || !PORTABLE_TAG_KEY.test(key)) say(`tag key ${JSON.stringify(key)}: ${kv ?? "not portable"}`);
            const vv = rules.value !== undefined ? modelViolation(rules.value, value) : undefined;
            if (vv !== undefined || !PORTABLE_TAG_VALUE.test(value)) say(`tag value ${JSON.stringify(value)}: ${vv ?? "not portable"}`);
            if (rules.keysIgnoreCase === true) {
                if (lower.has(key.toLowerCase())) say(`tag key ${JSON.stringify(key)} repeats another in IAM's case-insensitive keys`);
                lower.add(key.toLowerCase());
            }
        }
    }
    return found;
}

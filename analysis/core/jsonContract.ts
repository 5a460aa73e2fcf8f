/**
 * The JSON documents the CLI writes, as a contract scripts can rely on: each carries the
 * `schemaVersion` of its JSON Schema in docs/schema/ (draft 2020-12). The versions follow semver:
 * a removed or retyped field, or a new value of an enum, is a major change; a new optional field
 * a minor one; a clearer description a patch. Every change is named in CHANGELOG.md.
 */

/** `vpc-flow-diagnose --output json` (files and live): docs/schema/diagnosis.schema.json. */
export const DIAGNOSIS_SCHEMA_VERSION = "1.0.0";

/** `vpc-flow-diagnose status --output json` (CloudWatch Logs and S3): docs/schema/status.schema.json. */
export const STATUS_SCHEMA_VERSION = "1.0.0";

/** The document with its schema's version first, where a reader looks before anything else. */
export function versioned<T extends object>(schemaVersion: string, document: T): { schemaVersion: string } & T {
    return { schemaVersion, ...document };
}

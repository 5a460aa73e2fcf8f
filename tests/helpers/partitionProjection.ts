/**
 * What Athena makes of a table's partition projection, for integer partition columns, so a test
 * can check the table reads the folders AWS writes instead of comparing the parameters' text.
 *
 * Source: Amazon Athena user guide, "Supported types for partition projection", integer type
 * (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html, read
 * 2026-12-02): `projection.<column>.type` is `integer` (case insensitive, white space around it
 * allowed); `projection.<column>.range` is required, two comma-separated values, both inclusive
 * (leading zeros and white space allowed); `projection.<column>.interval` is optional, a positive
 * integer, default 1; `projection.<column>.digits` is optional, the number of digits of the value
 * as written (range 1,3 with digits 2 gives 01, 02, 03; default: no padding). "Setting up partition
 * projection": `projection.enabled` turns it on, and `storage.location.template` gives the folder
 * of a partition with a `${column}` placeholder for each partition column.
 */

interface IntegerProjection {
    readonly min: number;
    readonly max: number;
    readonly interval: number;
    readonly digits: number | undefined;
}

const INTEGER = /^\s*-?\d+\s*$/;

/** The column's integer projection, or why Athena would refuse it. */
function integerProjection(parameters: Readonly<Record<string, string>>, column: string): IntegerProjection | string {
    const type = parameters[`projection.${column}.type`];
    if (type === undefined) return `${column}: no projection.${column}.type`;
    if (type.trim().toLowerCase() !== "integer") return `${column}: type '${type}' is not integer`;
    const range = (parameters[`projection.${column}.range`] ?? "").split(",");
    if (range.length !== 2 || !range.every((v) => INTEGER.test(v))) return `${column}: range '${parameters[`projection.${column}.range`]}' is not two integers`;
    const [min, max] = range.map(Number);
    if (min > max) return `${column}: range ${min},${max} is empty`;
    const positive = (name: string): number | undefined | string => {
        const value = parameters[`projection.${column}.${name}`];
        if (value === undefined) return undefined;
        return /^\s*\d+\s*$/.test(value) && Number(value) > 0 ? Number(value) : `${column}: ${name} '${value}' is not a positive integer`;
    };
    const interval = positive("interval");
    const digits = positive("digits");
    if (typeof interval === "string") return interval;
    if (typeof digits === "string") return digits;
    return { min, max, interval: interval ?? 1, digits };
}

/** Why Athena would not project these partition keys from the parameters; empty when it would. */
export function projectionProblems(parameters: Readonly<Record<string, string>>, partitionKeys: readonly string[]): string[] {
    const problems: string[] = [];
    if (parameters["projection.enabled"]?.trim().toLowerCase() !== "true") problems.push("projection.enabled is not true");
    for (const key of partitionKeys) {
        const projection = integerProjection(parameters, key);
        if (typeof projection === "string") problems.push(projection);
    }
    const template = parameters["storage.location.template"];
    if (template === undefined) return [...problems, "no storage.location.template"];
    const placeholders = [...template.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
    for (const key of partitionKeys) if (!placeholders.includes(key)) problems.push(`the template has no \${${key}}`);
    for (const name of placeholders) if (!partitionKeys.includes(name)) problems.push(`the template's \${${name}} is not a partition key`);
    return problems;
}

/** Every value Athena projects for the column, as written in the folder names. */
export function projectedValues(parameters: Readonly<Record<string, string>>, column: string): string[] {
    const projection = integerProjection(parameters, column);
    if (typeof projection === "string") throw new Error(projection);
    const values: string[] = [];
    for (let v = projection.min; v <= projection.max; v += projection.interval) values.push(String(v).padStart(projection.digits ?? 0, "0"));
    return values;
}

/**
 * The folder Athena reads for the partition with these values (as the folder names write them),
 * or undefined when a value is not one the projection gives (Athena then never reads that folder).
 */
export function projectedLocation(parameters: Readonly<Record<string, string>>, values: Readonly<Record<string, string>>): string | undefined {
    for (const [column, value] of Object.entries(values)) {
        if (!projectedValues(parameters, column).includes(value)) return undefined;
    }
    return parameters["storage.location.template"].replace(/\$\{([^}]*)\}/g, (_, name: string) => values[name] ?? `\${${name}}`);
}

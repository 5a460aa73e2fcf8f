/**
 * The checks the Pulumi CLI makes on `Pulumi.yaml` and a stack's config before it starts the
 * program: the mocks (`pulumi.runtime.setAllConfig`) skip all of them, so a project can pass every
 * mocked test and still be refused by `pulumi up`. Ported from pulumi/pulumi, function by function:
 *
 * - the project JSON schema the CLI embeds (`sdk/go/common/workspace/project.json`, vendored in
 *   tests/fixtures/pulumi-cli/ with its commit), applied as `ValidateProject` does;
 * - `RewriteShorthandConfigValues` and `(*Project).Validate` (`sdk/go/common/workspace/project.go`):
 *   `default` xor `value`, arrays need `items`, a typed default must have its type, and a key of
 *   another namespace (`aws:region`) carries only a `value`;
 * - `mergeConfig` (`pkg/workspace/config.go`): a project key declared without `default` or `value`
 *   is required for every stack ("Stack 'dev' is missing configuration value ..."), a stack value
 *   of a typed key is checked by `ValidateConfigValue`, and declared defaults are added to the
 *   config the program receives.
 *
 * The messages are the CLI's, word for word, so a test failure reads like `pulumi up` would.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import * as yaml from "js-yaml";

const SCHEMA_FILE = path.join(__dirname, "..", "..", "..", "tests", "fixtures", "pulumi-cli", "project.json");

/** One entry under `config:` in Pulumi.yaml after the CLI's shorthand rewrite. */
export interface ConfigDeclaration {
    readonly type?: string;
    readonly items?: ItemsType;
    readonly description?: string;
    readonly default?: unknown;
    readonly value?: unknown;
    readonly secret?: boolean;
}
export interface ItemsType {
    readonly type: string;
    readonly items?: ItemsType;
}

export interface Project {
    readonly name: string;
    readonly config: Record<string, ConfigDeclaration>;
}

/**
 * A stack config value as the CLI holds it (`config.Value`): a YAML scalar is kept as its text,
 * a list or map as JSON with `object` set.
 */
export interface StackValue {
    readonly text: string;
    readonly object: boolean;
}
export type StackConfig = Map<string, StackValue>;

/** Schema violations of a parsed Pulumi.yaml, as `instancePath: message` lines; empty when valid. */
export function projectSchemaErrors(raw: unknown): string[] {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")));
    if (validate(raw)) return [];
    return (validate.errors ?? []).map((e) => `#${e.instancePath}: ${e.message}`);
}

/** Parses Pulumi.yaml text into a project, applying the schema, the shorthand rewrite and Validate. */
export function loadProject(text: string): Project {
    const raw = yaml.load(text) as Record<string, unknown>;
    if (typeof raw?.name !== "string" || raw.name === "") throw new Error("project is missing a non-empty string 'name' attribute");
    const schemaErrors = projectSchemaErrors(raw);
    if (schemaErrors.length > 0) throw new Error(schemaErrors.join("\n"));
    const project: Project = { name: raw.name, config: rewriteShorthandConfigValues(raw.name, raw.config ?? {}) };
    validateProject(project);
    return project;
}

function configKeyIsNamespacedByProject(projectName: string, key: string): boolean {
    return !key.includes(":") || key.startsWith(projectName + ":");
}

/** `RewriteShorthandConfigValues`: `key: 5` is a default for a project key, a value for any other. */
function rewriteShorthandConfigValues(projectName: string, config: object): Record<string, ConfigDeclaration> {
    const result: Record<string, ConfigDeclaration> = {};
    for (const [key, value] of Object.entries(config)) {
        const shorthand = value === null || typeof value !== "object" || Array.isArray(value);
        if (!shorthand) result[key] = value as ConfigDeclaration;
        else if (configKeyIsNamespacedByProject(projectName, key)) result[key] = { default: value };
        else result[key] = { value };
    }
    return result;
}

/** `(*Project).Validate`. */
export function validateProject(project: Project): void {
    for (const [key, decl] of Object.entries(project.config)) {
        if (decl.default !== undefined && decl.value !== undefined) {
            throw new Error(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
        }
        if (configKeyIsNamespacedByProject(project.name, key)) {
            if (decl.type === "array" && decl.items === undefined) {
                throw new Error(
                    `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
                );
            }
            if (decl.type !== undefined && decl.default !== undefined && !validateConfigValue(decl.type, decl.items, decl.default)) {
                throw new Error(
                    `The default value specified for configuration key '${key}' is not of the expected type '${inferFullTypeName(decl.type, decl.items)}'`,
                );
            }
        } else {
            if (decl.type !== undefined) {
                throw new Error(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
            }
            if (decl.default !== undefined) {
                throw new Error(
                    `Configuration key '${key}' is not namespaced by the project and should not define a default value. ` +
                        "Did you mean to use the 'value' attribute instead of 'default'?",
                );
            }
            if (decl.value === undefined) throw new Error(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
        }
    }
}

function inferFullTypeName(typeName: string, items: ItemsType | undefined): string {
    return items !== undefined ? `array<${inferFullTypeName(items.type, items.items)}>` : typeName;
}

/** `ValidateConfigValue`: strings that parse as integers and the literal strings true/false pass too. */
function validateConfigValue(typeName: string, items: ItemsType | undefined, value: unknown): boolean {
    switch (typeName) {
        case "string":
            return typeof value === "string";
        case "integer":
            if (typeof value === "number") return Number.isInteger(value);
            // Go's strconv.Atoi: an optional sign and decimal digits.
            return typeof value === "string" && /^[+-]?\d+$/.test(value);
        case "boolean":
            return value === "true" || value === "false" || typeof value === "boolean";
        case "object":
            return value !== null && typeof value === "object" && !Array.isArray(value);
        default:
            if (!Array.isArray(value) || items === undefined) return false;
            return value.every((item) => validateConfigValue(items.type, items.items, item));
    }
}

/** A scalar as go-yaml decodes it into a string (its text), anything else as JSON. */
export function toStackValue(value: unknown): StackValue {
    if (value !== null && typeof value === "object") return { text: JSON.stringify(value), object: true };
    return { text: String(value), object: false };
}

/** The `config:` of a Pulumi.<stack>.yaml file. */
export function loadStackConfig(text: string): StackConfig {
    const raw = (yaml.load(text) ?? {}) as { config?: Record<string, unknown> };
    return new Map(Object.entries(raw.config ?? {}).map(([key, value]) => [key, toStackValue(value)]));
}

/** `parseConfigKey`: a key without a namespace belongs to the project. */
function namespaced(projectName: string, key: string): string {
    return key.includes(":") ? key : `${projectName}:${key}`;
}

/**
 * `mergeConfig` with validation on: throws the CLI's error, or returns the config the program
 * receives (`pulumi.Config` reads these strings; lists and maps are JSON).
 */
export function mergeConfig(stackName: string, project: Project, stack: StackConfig): Record<string, string> {
    const merged = new Map<string, StackValue>([...stack].map(([key, value]) => [namespaced(project.name, key), value]));
    const missing: string[] = [];
    for (const declared of Object.keys(project.config).sort()) {
        const decl = project.config[declared];
        const key = namespaced(project.name, declared);
        const stackValue = merged.get(key);
        const hasDefault = decl.default !== undefined;
        const hasValue = decl.value !== undefined;
        if (stackValue === undefined && !hasValue && !hasDefault && key.startsWith(project.name + ":")) {
            missing.push(declared);
            continue;
        }
        if (stackValue === undefined && (hasValue || hasDefault)) {
            merged.set(key, toStackValue(hasDefault ? decl.default : decl.value));
            continue;
        }
        if (stackValue !== undefined && decl.type !== undefined) {
            const content = stackValue.object ? JSON.parse(stackValue.text) : stackValue.text;
            if (!validateConfigValue(decl.type, decl.items, content)) {
                throw new Error(
                    `Stack '${stackName}' with configuration key '${declared}' must be of type '${inferFullTypeName(decl.type, decl.items)}'`,
                );
            }
        }
    }
    if (missing.length > 0) {
        throw new Error(`Stack '${stackName}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${formatMissingKeys(missing)}`);
    }
    return Object.fromEntries([...merged].map(([key, value]) => [key, value.text]));
}

/** `formatMissingKeys`: 'a', 'b' and 'c'. */
function formatMissingKeys(keys: string[]): string {
    if (keys.length === 1) return `'${keys[0]}'`;
    const sorted = [...keys].sort();
    return sorted.map((k, i) => (i === sorted.length - 1 ? `and '${k}'` : i === sorted.length - 2 ? `'${k}' ` : `'${k}', `)).join("");
}

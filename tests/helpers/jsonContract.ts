/**
 * The JSON contract, checked wherever a test reads the CLI's JSON: the document validates against
 * its schema in docs/schema/ (draft 2020-12, so a field cannot appear, vanish or change type
 * without the schema changing), and, given the run's stderr, its `warnings` are exactly the
 * warnings printed there, in the same order.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv2020, { ValidateFunction } from "ajv/dist/2020";
import { expect } from "chai";

export const SCHEMA_DIR = path.join(__dirname, "..", "..", "..", "docs", "schema");

export type SchemaName = "diagnosis" | "status";

const compiled = new Map<SchemaName, ValidateFunction>();

export function schemaOf(name: SchemaName): { $defs?: unknown; properties?: Record<string, { const?: string }>; oneOf?: Array<{ properties: Record<string, { const?: string }> }> } {
    return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, `${name}.schema.json`), "utf8"));
}

/** The schema's validator; strict, so a schema with a typo or an unknown keyword fails to compile. */
export function validatorOf(name: SchemaName): ValidateFunction {
    let validate = compiled.get(name);
    if (validate === undefined) {
        validate = new Ajv2020({ allErrors: true, strict: true }).compile(schemaOf(name));
        compiled.set(name, validate);
    }
    return validate;
}

/** The schema's complaints about a document, one line each (none: it validates). */
export function schemaErrors(name: SchemaName, document: unknown): string[] {
    const validate = validatorOf(name);
    if (validate(document)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

/** The warnings a run printed on stderr, without their `warning: ` prefix. */
export function stderrWarnings(stderr: string): string[] {
    return stderr
        .split("\n")
        .filter((line) => line.startsWith("warning: "))
        .map((line) => line.slice("warning: ".length));
}

type Output = string | { readonly stdout: string; readonly stderr: string };

function parseChecked(name: SchemaName, output: Output): any {
    const text = typeof output === "string" ? output : output.stdout;
    const document = JSON.parse(text);
    expect(schemaErrors(name, document), `${name} JSON against docs/schema/${name}.schema.json`).to.deep.equal([]);
    if (typeof output !== "string" && name === "diagnosis") {
        expect(document.warnings, "the JSON's warnings are the ones printed on stderr").to.deep.equal(stderrWarnings(output.stderr));
    }
    return document;
}

/** `--output json` of a diagnosis; pass the whole run to also compare its warnings with stderr. */
export function diagnosisJson(output: Output): any {
    return parseChecked("diagnosis", output);
}

/** `status --output json`. */
export function statusJson(output: Output): any {
    return parseChecked("status", output);
}

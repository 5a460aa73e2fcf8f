/**
 * IAM policy documents as the policies read them: a JSON string or an object, statements as a
 * list, single values as lists. Pure functions.
 */

export interface Statement {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Principal?: unknown;
    readonly NotPrincipal?: unknown;
    readonly Action?: unknown;
    readonly NotAction?: unknown;
    readonly Resource?: unknown;
    readonly NotResource?: unknown;
    readonly Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The statements of a document; `undefined` when the document is not known (a value computed from
 * outputs, during preview); "invalid" when it is not a policy document.
 */
export function statementsOf(document: unknown): Statement[] | undefined | "invalid" {
    if (document === undefined || document === null) return undefined;
    let parsed: unknown = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            return "invalid";
        }
    }
    if (typeof parsed !== "object" || parsed === null) return "invalid";
    const statement = (parsed as { Statement?: unknown }).Statement;
    if (statement === undefined) return "invalid";
    return (Array.isArray(statement) ? statement : [statement]) as Statement[];
}

/** A value or a list of values, as a list of strings (other values as their JSON). */
export function listOf(value: unknown): string[] {
    if (value === undefined || value === null) return [];
    const values = Array.isArray(value) ? value : [value];
    return values.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

/**
 * Every principal a statement names: `*` for `"Principal": "*"`, else each value of each kind
 * (Service, AWS, Federated, CanonicalUser).
 */
export function principalsOf(principal: unknown): string[] {
    if (principal === undefined || principal === null) return [];
    if (typeof principal === "string") return [principal];
    if (typeof principal !== "object") return [JSON.stringify(principal)];
    return Object.values(principal as Record<string, unknown>).flatMap(listOf);
}

/** A condition's values for a key, whatever the key's case (IAM condition keys are case-insensitive). */
export function conditionValues(condition: Statement["Condition"], operator: string, key: string): string[] {
    const block = condition?.[operator];
    if (block === undefined || typeof block !== "object") return [];
    const found = Object.entries(block).find(([k]) => k.toLowerCase() === key.toLowerCase());
    return found === undefined ? [] : listOf(found[1]);
}

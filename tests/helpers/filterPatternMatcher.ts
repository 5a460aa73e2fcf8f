/**
 * A matcher for CloudWatch Logs space-delimited filter patterns, written for the tests from the
 * CloudWatch Logs user guide ("Filter and Pattern Syntax": space-delimited log events, OR pattern
 * matching) and held to the guide's worked examples (tests/fixtures/cloudwatch-filter-patterns).
 * It stands in for CloudWatch when checking the patterns the stack generates; it is not used by the
 * program.
 *
 * What it implements, each from the guide:
 * - an event's fields are separated by spaces; the characters between `[` `]` or two `"` are one
 *   field (the brackets and quotes are not part of the value);
 * - a pattern is `[f1, f2, ...]`; each element is a name, a name with conditions, nothing (an
 *   unnamed field), or `...` (any number of fields). Without `...` the event must have exactly as
 *   many fields as the pattern ([w1=ERROR, w2] does not match "ERROR WARN message");
 * - conditions: `=`, `!=` on strings with `*` wildcards; `=`, `!=`, `<`, `>`, `<=`, `>=` on numbers;
 *   `&&` and `||` (&& binds tighter), and a condition may name another field of the pattern;
 * - extracted values: `$name` for named fields, `$<position>` for the others.
 * One assumption the guide does not state: runs of spaces separate like one space.
 */

type Op = "=" | "!=" | "<" | ">" | "<=" | ">=";
interface Comparison {
    readonly field: string;
    readonly op: Op;
    readonly value: string;
    readonly quoted: boolean;
}
/** OR of ANDs of comparisons. */
type Condition = Comparison[][];
type Element = { readonly kind: "ellipsis" } | { readonly kind: "field"; readonly name?: string; readonly condition?: Condition };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The fields of a space-delimited event. */
export function eventFields(event: string): string[] {
    const fields: string[] = [];
    let i = 0;
    while (i < event.length) {
        if (event[i] === " ") {
            i++;
            continue;
        }
        const close = event[i] === "[" ? "]" : event[i] === '"' ? '"' : undefined;
        if (close !== undefined) {
            const end = event.indexOf(close, i + 1);
            if (end >= 0) {
                fields.push(event.slice(i + 1, end));
                i = end + 1;
                continue;
            }
        }
        let end = event.indexOf(" ", i);
        if (end < 0) end = event.length;
        fields.push(event.slice(i, end));
        i = end;
    }
    return fields;
}

/** Splits on `sep` outside double quotes. */
function splitTop(text: string, sep: string): string[] {
    const parts: string[] = [];
    let quoted = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
        if (text[i] === '"') quoted = !quoted;
        else if (!quoted && text.startsWith(sep, i)) {
            parts.push(text.slice(start, i));
            start = i + sep.length;
            i += sep.length - 1;
        }
    }
    parts.push(text.slice(start));
    return parts;
}

function parseComparison(text: string): Comparison {
    const t = text.trim();
    const name = NAME.exec(t);
    if (name === null) throw new Error(`filter pattern: no field name in ${JSON.stringify(t)}`);
    const rest = t.slice(name[0].length).trim();
    const op = (["<=", ">=", "!=", "=", "<", ">"] as Op[]).find((o) => rest.startsWith(o));
    if (op === undefined) throw new Error(`filter pattern: no operator in ${JSON.stringify(t)}`);
    const raw = rest.slice(op.length).trim();
    const quoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"');
    const value = quoted ? raw.slice(1, -1) : raw;
    if (value === "" || (!quoted && /\s/.test(value))) throw new Error(`filter pattern: bad value in ${JSON.stringify(t)}`);
    if (["<", ">", "<=", ">="].includes(op) && (quoted || !NUMBER.test(value))) {
        throw new Error(`filter pattern: ${op} needs a number in ${JSON.stringify(t)}`);
    }
    return { field: name[0], op, value, quoted };
}

export function parsePattern(pattern: string): Element[] {
    const t = pattern.trim();
    if (!t.startsWith("[") || !t.endsWith("]")) throw new Error(`not a space-delimited filter pattern: ${pattern}`);
    return splitTop(t.slice(1, -1), ",").map((part): Element => {
        const p = part.trim();
        if (p === "...") return { kind: "ellipsis" };
        if (p === "") return { kind: "field" };
        const name = NAME.exec(p);
        if (name === null) throw new Error(`filter pattern: bad element ${JSON.stringify(p)}`);
        if (p.slice(name[0].length).trim() === "") return { kind: "field", name: name[0] };
        const condition = splitTop(p, "||").map((alt) => splitTop(alt, "&&").map(parseComparison));
        return { kind: "field", name: name[0], condition };
    });
}

function glob(value: string, pattern: string): boolean {
    const re = new RegExp("^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
    return re.test(value);
}

function compare(c: Comparison, value: string | undefined): boolean {
    if (value === undefined) return false;
    if (!c.quoted && NUMBER.test(c.value)) {
        if (!NUMBER.test(value)) return false;
        const [a, b] = [Number(value), Number(c.value)];
        switch (c.op) {
            case "=": return a === b;
            case "!=": return a !== b;
            case "<": return a < b;
            case ">": return a > b;
            case "<=": return a <= b;
            case ">=": return a >= b;
        }
    }
    const equal = glob(value, c.value);
    return c.op === "=" ? equal : !equal;
}

/** Every way of laying the event's fields on the pattern's elements: field positions per element. */
function* layouts(elements: readonly Element[], count: number, from = 0, at = 0): Generator<number[]> {
    if (from === elements.length) {
        if (at === count) yield [];
        return;
    }
    const e = elements[from];
    if (e.kind === "ellipsis") {
        for (let take = 0; at + take <= count; take++) for (const rest of layouts(elements, count, from + 1, at + take)) yield [-1, ...rest];
        return;
    }
    if (at >= count) return;
    for (const rest of layouts(elements, count, from + 1, at + 1)) yield [at, ...rest];
}

/** The extracted values when the pattern matches the event, else undefined. */
export function matchEvent(pattern: string, event: string): Record<string, string> | undefined {
    const elements = parsePattern(pattern);
    const fields = eventFields(event);
    for (const positions of layouts(elements, fields.length)) {
        const named: Record<string, string> = {};
        elements.forEach((e, i) => {
            if (e.kind === "field" && e.name !== undefined) named[e.name] = fields[positions[i]];
        });
        const ok = elements.every((e) => e.kind === "ellipsis" || e.condition === undefined || e.condition.some((all) => all.every((c) => compare(c, named[c.field]))));
        if (!ok) continue;
        const extracted: Record<string, string> = {};
        fields.forEach((value, position) => {
            const i = positions.indexOf(position);
            const e = i >= 0 ? elements[i] : undefined;
            extracted[e !== undefined && e.kind === "field" && e.name !== undefined ? `$${e.name}` : `$${position + 1}`] = value;
        });
        return extracted;
    }
    return undefined;
}

export function matches(pattern: string, event: string): boolean {
    return matchEvent(pattern, event) !== undefined;
}

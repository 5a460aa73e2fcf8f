/**
 * A small Logs Insights engine for tests: it runs the commands this project's diagnosis queries
 * use (`filterIndex`, `parse @message "* *" as ...`, `filter`, `fields <expr> as name`, `stats
 * count(*)/sum/min/max as name by ..., bin(1m)`, `limit`) over in-memory log events, so a test can
 * compare what a query string selects, not what we meant it to. Semantics as documented in the
 * CloudWatch Logs user guide ("CloudWatch Logs Insights language query syntax"): `isIpInSubnet`,
 * `least`, `abs`, `=` on strings and numbers, `in [...]`, `and`/`or`. A null operand makes a
 * comparison false and arithmetic null; `stats` skips non-numbers in sum/min/max.
 */
import { parseIpRange } from "../../analysis/core/ip";

export interface LogEvent {
    readonly "@timestamp": number;
    readonly "@message": string;
    readonly "@logStream": string;
}

type Value = string | number | boolean | undefined;
type Fields = Record<string, Value>;

interface Token {
    readonly kind: "id" | "num" | "str" | "op";
    readonly text: string;
}

function tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        if (/\s/.test(c)) {
            i++;
        } else if (c === '"') {
            let j = i + 1;
            let value = "";
            while (text[j] !== '"') {
                if (j >= text.length) throw new Error(`unterminated string in ${text}`);
                if (text[j] === "\\") j++;
                value += text[j++];
            }
            tokens.push({ kind: "str", text: value });
            i = j + 1;
        } else if (/[0-9]/.test(c)) {
            const m = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i)) as RegExpExecArray;
            tokens.push({ kind: "num", text: m[0] });
            i += m[0].length;
        } else if (/[A-Za-z_@]/.test(c)) {
            const m = /^[A-Za-z_@][A-Za-z0-9_@]*/.exec(text.slice(i)) as RegExpExecArray;
            tokens.push({ kind: "id", text: m[0] });
            i += m[0].length;
        } else if ("()[],=-+*".includes(c)) {
            tokens.push({ kind: "op", text: c });
            i++;
        } else {
            throw new Error(`unexpected '${c}' in ${text}`);
        }
    }
    return tokens;
}

type Expr = (f: Fields) => Value;

/** Recursive descent over the tokens of one expression (or a comma list of them). */
class ExprParser {
    private pos = 0;
    constructor(private readonly tokens: Token[]) {}

    get done(): boolean {
        return this.pos >= this.tokens.length;
    }
    peek(): Token | undefined {
        return this.tokens[this.pos];
    }
    take(text?: string): Token {
        const t = this.tokens[this.pos++];
        if (t === undefined || (text !== undefined && t.text !== text)) throw new Error(`expected ${text ?? "a token"}, got ${t?.text}`);
        return t;
    }
    private isWord(word: string): boolean {
        const t = this.peek();
        return t !== undefined && t.kind === "id" && t.text === word;
    }

    expr(): Expr {
        let left = this.and();
        while (this.isWord("or")) {
            this.take();
            const [a, b] = [left, this.and()];
            left = (f) => a(f) === true || b(f) === true;
        }
        return left;
    }
    private and(): Expr {
        let left = this.cmp();
        while (this.isWord("and")) {
            this.take();
            const [a, b] = [left, this.cmp()];
            left = (f) => a(f) === true && b(f) === true;
        }
        return left;
    }
    private cmp(): Expr {
        const left = this.add();
        if (this.peek()?.text === "=") {
            this.take();
            const right = this.add();
            return (f) => {
                const [a, b] = [left(f), right(f)];
                if (a === undefined || b === undefined) return false;
                if (typeof a === "number" || typeof b === "number") return Number(a) === Number(b);
                return a === b;
            };
        }
        if (this.isWord("in")) {
            this.take();
            this.take("[");
            const items: Expr[] = [this.add()];
            while (this.peek()?.text === ",") {
                this.take();
                items.push(this.add());
            }
            this.take("]");
            return (f) => items.some((item) => item(f) === left(f));
        }
        return left;
    }
    private add(): Expr {
        let left = this.primary();
        while (this.peek()?.text === "-" || this.peek()?.text === "+") {
            const op = this.take().text;
            const [a, b] = [left, this.primary()];
            left = (f) => arithmetic(a(f), b(f), (x, y) => (op === "-" ? x - y : x + y));
        }
        return left;
    }
    private primary(): Expr {
        const t = this.take();
        if (t.kind === "num") return () => Number(t.text);
        if (t.kind === "str") return () => t.text;
        if (t.text === "(") {
            const inner = this.expr();
            this.take(")");
            return inner;
        }
        if (t.kind !== "id") throw new Error(`unexpected ${t.text}`);
        if (this.peek()?.text !== "(") return (f) => f[t.text];
        this.take("(");
        const args: Expr[] = [];
        if (this.peek()?.text === "*") {
            this.take();
        } else if (this.peek()?.text !== ")") {
            args.push(this.expr());
            while (this.peek()?.text === ",") {
                this.take();
                args.push(this.expr());
            }
        }
        this.take(")");
        switch (t.text) {
            case "isIpInSubnet":
                return (f) => inSubnet(args[0](f), args[1](f));
            case "abs":
                return (f) => arithmetic(args[0](f), 0, (x) => Math.abs(x));
            case "least":
                return (f) => arithmetic(args[0](f), args[1](f), (x, y) => Math.min(x, y));
            default:
                throw new Error(`function ${t.text} is not in this evaluator`);
        }
    }
}

function arithmetic(a: Value, b: Value, op: (x: number, y: number) => number): Value {
    const [x, y] = [Number(a), Number(b)];
    if (a === undefined || b === undefined || typeof a === "boolean" || !Number.isFinite(x) || !Number.isFinite(y)) return undefined;
    return op(x, y);
}

function inSubnet(address: Value, cidr: Value): boolean {
    if (typeof address !== "string" || typeof cidr !== "string") return false;
    let a, c;
    try {
        a = parseIpRange(address, "address");
        c = parseIpRange(cidr, "cidr");
    } catch {
        return false;
    }
    return a.version === c.version && BigInt(a.first) >= BigInt(c.first) && BigInt(a.last) <= BigInt(c.last);
}

const minuteText = (ms: number) => new Date(Math.floor(ms / 60000) * 60000).toISOString().replace("T", " ").replace("Z", "");

/** The rows a query gives over the events, as GetQueryResults returns them. */
export function evaluateInsightsQuery(query: string, events: readonly LogEvent[]): { field: string; value: string }[][] {
    let rows: Fields[] = events.map((e) => ({ ...e }));
    let result: { field: string; value: string }[][] | undefined;
    let limit = 10000;
    for (const command of query.split("\n| ")) {
        const [verb] = command.split(" ", 1);
        const rest = command.slice(verb.length + 1);
        if (verb === "parse") {
            const m = /^@message "([* ]+)" as (.+)$/.exec(rest);
            if (!m) throw new Error(`parse form not supported: ${command}`);
            const names = m[2].split(", ");
            rows = rows.map((r) => {
                const parts = String(r["@message"]).split(" ");
                const parsed: Fields = { ...r };
                names.forEach((n, i) => (parsed[n] = parts[i]));
                return parsed;
            });
        } else if (verb === "filter" || verb === "filterIndex") {
            const parser = new ExprParser(tokenize(rest));
            const predicate = parser.expr();
            if (!parser.done) throw new Error(`trailing tokens in ${command}`);
            rows = rows.filter((r) => predicate(r) === true);
        } else if (verb === "fields") {
            const parser = new ExprParser(tokenize(rest));
            const columns: [string, Expr][] = [];
            for (;;) {
                const e = parser.expr();
                parser.take("as");
                columns.push([parser.take().text, e]);
                if (parser.done) break;
                parser.take(",");
            }
            rows = rows.map((r) => {
                const out: Fields = { ...r };
                for (const [name, e] of columns) out[name] = e(r);
                return out;
            });
        } else if (verb === "stats") {
            const [aggText, byText] = rest.split(" by ");
            const aggs = aggText.split(", ").map((a) => {
                const m = /^(count|sum|min|max)\((\*|\w+)\) as (\w+)$/.exec(a);
                if (!m) throw new Error(`aggregate not supported: ${a}`);
                return { fn: m[1], field: m[2], name: m[3] };
            });
            const keys = byText.split(", ");
            const groups = new Map<string, Fields[]>();
            const keyValue = (r: Fields, k: string): Value => (k === "bin(1m)" ? minuteText(Number(r["@timestamp"])) : r[k]);
            for (const r of rows) {
                const key = JSON.stringify(keys.map((k) => keyValue(r, k) ?? null));
                groups.set(key, [...(groups.get(key) ?? []), r]);
            }
            result = [...groups.values()].map((members) => {
                const cells: { field: string; value: string }[] = [];
                for (const a of aggs) {
                    const numbers = members.map((m) => Number(m[a.field])).filter((n, i) => members[i][a.field] !== undefined && Number.isFinite(n));
                    const value =
                        a.fn === "count" ? members.length : numbers.length === 0 ? undefined : a.fn === "sum" ? numbers.reduce((x, y) => x + y, 0) : a.fn === "min" ? Math.min(...numbers) : Math.max(...numbers);
                    if (value !== undefined) cells.push({ field: a.name, value: String(value) });
                }
                for (const k of keys) {
                    const v = keyValue(members[0], k);
                    if (v !== undefined) cells.push({ field: k, value: String(v) });
                }
                return cells;
            });
        } else if (verb === "limit") {
            limit = Number(rest);
        } else {
            throw new Error(`command not supported: ${command}`);
        }
    }
    if (result === undefined) throw new Error("only stats queries are supported");
    return result.slice(0, limit);
}

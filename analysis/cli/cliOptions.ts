/**
 * Flag parsing shared by the CLI's commands: node:util parseArgs with its errors turned into
 * messages that say what to do, and the checks for values several commands take.
 */
import { ParseArgsConfig, parseArgs } from "node:util";
import { UserInputError, quote } from "../core/errors";
import { PROTOCOL_NUMBERS } from "../core/records";

export const PROGRAM = "vpc-flow-diagnose";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/**
 * What a flag given more than once means. Every option declares it, so no flag can fall back on
 * node:util parseArgs' silent "the last one wins":
 * - `once`: one value; a second is refused (exit 2, naming the flag and the values).
 * - `union`: the values are a set, in the order first given, duplicates dropped. A comma-list flag
 *   (`list: ","`) reads as one comma list of every entry (`--dst a --dst b,c` is `--dst a,b,c`);
 *   a `multiple` flag as an array; a switch is simply on.
 */
export type RepeatPolicy = "once" | "union";

/** A flag of a command's option table: node:util parseArgs' fields plus what repeating it means. */
export type OptionSpec =
    | { readonly type: "string"; readonly repeat: "once"; readonly short?: string; readonly default?: string }
    | { readonly type: "string"; readonly repeat: "union"; readonly list: "," }
    | { readonly type: "string"; readonly repeat: "union"; readonly multiple: true }
    | { readonly type: "boolean"; readonly repeat: RepeatPolicy; readonly short?: string };

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/**
 * node:util parseArgs with its errors turned into UserInputErrors that say what to do, and each
 * flag's repeats resolved by its table's `repeat` policy. Every flag is parsed as `multiple` so that
 * a repeat is seen at all. Exported so further subcommands parse their flags the same way.
 */
export function parseOptions(argv: string[], options: OptionTable): ParsedValues {
    const config: NonNullable<ParseArgsConfig["options"]> = {};
    for (const [name, spec] of Object.entries(options)) {
        config[name] = { type: spec.type, multiple: true, ...("short" in spec && spec.short !== undefined ? { short: spec.short } : {}) };
    }
    let raw: Record<string, Array<string | boolean> | undefined>;
    try {
        raw = parseArgs({ args: argv, options: config, strict: true, allowPositionals: false }).values as typeof raw;
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const message = (err as Error).message;
        const named = /'(-[^' ]+)/.exec(message)?.[1];
        const help = `Run '${PROGRAM} --help' for the options.`;
        if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UserInputError(`Unknown option ${quote(named ?? message)}. ${help}`);
        if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
            throw new UserInputError(`Option ${named ?? ""} needs a value, e.g. ${named ?? "--src"} <value>. ${help}`.replace("  ", " "));
        }
        if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
            const arg = /'([^']*)'/.exec(message)?.[1];
            throw new UserInputError(`Unexpected argument ${quote(arg ?? message)}: every value follows its option, e.g. --input <file>. ${help}`);
        }
        throw err;
    }
    const values: ParsedValues = {};
    for (const [name, spec] of Object.entries(options)) {
        const given = raw[name];
        if (given !== undefined && given.length > 0) values[name] = resolveRepeats(name, spec, given);
        else if ("default" in spec && spec.default !== undefined) values[name] = spec.default;
    }
    return values;
}

/** One flag's values, as given in order, reduced by its policy. Pure. */
export function resolveRepeats(name: string, spec: OptionSpec, given: ReadonlyArray<string | boolean>): string | boolean | string[] {
    if (spec.type === "boolean") {
        if (spec.repeat === "once" && given.length > 1) throw new UserInputError(`--${name} was given ${times(given.length)}; give it once.`);
        return true;
    }
    const texts = given.map(String);
    if (spec.repeat === "once") {
        if (texts.length > 1) throw new UserInputError(`--${name} was given ${times(texts.length)} (${listed(texts.map((t) => quote(t)))}); give it once.`);
        return texts[0];
    }
    if ("multiple" in spec) return [...new Set(texts)];
    // A comma-list flag given once is passed on as typed, so its messages quote it as typed.
    if (texts.length === 1) return texts[0];
    return [...new Set(texts.flatMap((t) => t.split(spec.list).map((entry) => entry.trim())))].join(spec.list);
}

function times(n: number): string {
    return n === 2 ? "twice" : `${n} times`;
}

function listed(items: readonly string[]): string {
    return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** The flags of a table that may be repeated and add up (switches aside: repeating one changes nothing). */
export function unionFlags(options: OptionTable): string[] {
    return Object.entries(options)
        .filter(([, spec]) => spec.type === "string" && spec.repeat === "union")
        .map(([name]) => `--${name}`);
}

/** The help's paragraph on repeated flags, made from the table so a new flag is described as it behaves. */
export function repeatHelp(options: OptionTable): string {
    const union = unionFlags(options);
    const list = Object.entries(options).find(([, spec]) => "list" in spec)?.[0];
    const text =
        union.length === 0
            ? "Repeated flags: a flag that takes a value is refused when given twice (exit 2); a switch given twice is simply on."
            : `Repeated flags: ${listed(union)} add up, as sets` +
              (list !== undefined ? ` (--${list} a --${list} b,c is --${list} a,b,c; a value given twice counts once)` : " (a value given twice counts once)") +
              ". Any other flag that takes a value is refused when given twice (exit 2); a switch given twice is simply on.";
    return wrap(text, 100);
}

function wrap(text: string, width: number): string {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(" ")) {
        if (line !== "" && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
        } else {
            line = line === "" ? word : `${line} ${word}`;
        }
    }
    return [...lines, line].join("\n") + "\n";
}

export function required(values: ParsedValues, name: string, what: string): string {
    const value = values[name];
    if (typeof value !== "string" || value.trim() === "") {
        throw new UserInputError(`Missing --${name}: ${what}.`);
    }
    return value;
}

export function parsePort(value: string): number {
    if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
        throw new UserInputError(`Invalid --port ${quote(value)}. Allowed: an integer from 0 to 65535, e.g. 443.`);
    }
    return Number(value);
}

export function parseProtocol(value: string): number {
    const named = PROTOCOL_NUMBERS[value.toLowerCase()];
    if (named !== undefined) return named;
    if (/^\d{1,3}$/.test(value) && Number(value) <= 255) return Number(value);
    throw new UserInputError(
        `Invalid --protocol ${quote(value)}. Allowed: ${Object.keys(PROTOCOL_NUMBERS).join(", ")}, or a protocol number from 0 to 255.`,
    );
}

export function oneOf<T extends string>(value: string, flag: string, allowed: readonly T[], normalize: (v: string) => string): T {
    const normalized = normalize(value);
    const match = allowed.find((a) => a === normalized);
    if (match === undefined) throw new UserInputError(`Invalid ${flag} ${quote(value)}. Allowed: ${allowed.join(", ")}.`);
    return match;
}

/**
 * Flag parsing shared by the CLI's commands: node:util parseArgs with its errors turned into
 * messages that say what to do, and the checks for values several commands take.
 */
import { ParseArgsConfig, parseArgs } from "node:util";
import { UserInputError, quote } from "./errors";
import { PROTOCOL_NUMBERS } from "./records";

export const PROGRAM = "vpc-flow-diagnose";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/**
 * node:util parseArgs with its errors turned into UserInputErrors that say what to do.
 * Exported so further subcommands parse their flags the same way.
 */
export function parseOptions(argv: string[], options: ParseArgsConfig["options"]): ParsedValues {
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as ParsedValues;
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

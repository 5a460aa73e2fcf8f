/**
 * `vpc-flow-diagnose`: argument parsing, exit codes and wiring. Everything it calls is pure except
 * inputFiles.ts; `main` takes argv and writers so tests run it in-process.
 *
 * Exit codes: 0 a diagnosis was made (whatever the verdict), 2 bad usage or unreadable input,
 * 1 anything else (a bug or an outage: the stack is printed).
 */
import { ParseArgsConfig, parseArgs } from "node:util";
import { UserInputError, quote } from "./errors";
import { AddressSet } from "./ip";
import { LogFormat, resolveLogFormat } from "./logFormat";
import { Conversation, ConversationQuery } from "./conversation";
import { TRAFFIC_TYPES, TrafficType, diagnose } from "./classify";
import { OUTPUT_FORMATS, OutputFormat, render } from "./render";
import { PROTOCOL_NUMBERS } from "./records";
import { readInput } from "./inputFiles";
import { parseTime } from "./timeWindow";

export interface CliIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    /** The clock relative times (`--start 30m`) count back from; injectable for tests. */
    readonly now?: () => Date;
}

export const PROGRAM = "vpc-flow-diagnose";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The `diagnose` options, in node:util parseArgs form; extend this table to add flags. */
export const DIAGNOSE_OPTIONS = {
    input: { type: "string", multiple: true },
    src: { type: "string" },
    dst: { type: "string" },
    port: { type: "string", default: "443" },
    protocol: { type: "string", default: "tcp" },
    format: { type: "string" },
    "traffic-type": { type: "string", default: "ALL" },
    start: { type: "string" },
    end: { type: "string" },
    output: { type: "string", default: "text" },
    help: { type: "boolean", short: "h" },
} as const;

export const DIAGNOSE_HELP = `Usage: ${PROGRAM} --input <file> --src <ip|cidr> --dst <ip|cidr>[,...] [options]

Diagnoses why a workload cannot reach a destination (by default S3 on TCP 443) from VPC flow-log
records: rejected by a security group or network ACL, or accepted and never answered (routing).

Input:
  --input <file>          Flow-log records: raw lines (optionally .gz; an S3-style header line sets
                          the format), or the JSON of 'aws logs get-query-results' or
                          'aws logs filter-log-events'. The kind is detected. Repeat for several files.
  --format <format>       Field order of headerless raw lines and @message rows: default, diagnostic,
                          or a custom '\${version} \${srcaddr} ...' string. Default: default.
  --traffic-type <type>   What the flow log captures: ALL, ACCEPT or REJECT. Default: ALL.

Conversation:
  --src <ip|cidr>         The workload (e.g. the ECS task's IP). A comma list is allowed.
  --dst <ip|cidr>[,...]   The destination (e.g. 52.219.204.42, or 52.219.204.0/22).
  --port <n>              Destination port. Default: 443.
  --protocol <p>          tcp, udp, icmp, icmpv6 or a protocol number. Default: tcp.
  --start <time>          Ignore records before this: ISO 8601 (2026-11-26T14:00:00Z) or relative (30m, 2h, 1d).
  --end <time>            Ignore records after this. Same forms as --start.

Output:
  --output <format>       text, json or markdown. Default: text. Warnings go to stderr.
  -h, --help              Show this help.

Verdicts: security-group-or-nacl, nacl-return-path, routing, network-ok, mixed, no-traffic, inconclusive.
Exit codes: 0 a diagnosis was made (any verdict), 2 bad usage or unreadable input, 1 other failures.

Example:
  ${PROGRAM} --input examples/s3-timeout.log --src 10.0.1.25 --dst 52.219.204.42
`;

export interface DiagnoseArgs {
    readonly inputs: readonly string[];
    readonly query: ConversationQuery;
    readonly format: LogFormat;
    readonly formatChosen: boolean;
    readonly trafficType: TrafficType;
    readonly output: OutputFormat;
}

type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Subcommands by name; `diagnose` is also what runs when the first argument is an option. */
export const COMMANDS: Record<string, Command> = {
    diagnose: runDiagnose,
};
const DEFAULT_COMMAND = "diagnose";

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
    try {
        const args = [...argv];
        let command = DEFAULT_COMMAND;
        if (args.length > 0 && !args[0].startsWith("-")) {
            command = args.shift() as string;
            if (!Object.prototype.hasOwnProperty.call(COMMANDS, command)) {
                throw new UserInputError(
                    `Unknown command ${quote(command)}. Commands: ${Object.keys(COMMANDS).join(", ")} (the default). Run '${PROGRAM} --help' for the options.`,
                );
            }
        }
        return await COMMANDS[command](args, io);
    } catch (err) {
        if (err instanceof UserInputError) {
            io.stderr(err.message + "\n");
            return EXIT_USAGE;
        }
        io.stderr(`${PROGRAM}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        return EXIT_FAILURE;
    }
}

async function runDiagnose(argv: string[], io: CliIo): Promise<number> {
    const values = parseOptions(argv, DIAGNOSE_OPTIONS);
    if (values.help) {
        io.stdout(DIAGNOSE_HELP);
        return EXIT_OK;
    }
    const args = toDiagnoseArgs(values, (io.now ?? (() => new Date()))());
    const warnings: string[] = [];
    const warn = (message: string) => {
        warnings.push(message);
        io.stderr(`warning: ${message}\n`);
    };
    const conversation = new Conversation(args.query);
    for (const path of args.inputs) {
        await readInput({
            path,
            conversation,
            src: args.query.src,
            dst: args.query.dst,
            format: args.format,
            formatChosen: args.formatChosen,
            warn,
        });
    }
    const diagnosis = diagnose(conversation.evidence(), { trafficType: args.trafficType, warnings });
    io.stdout(render(diagnosis, args.output));
    return EXIT_OK;
}

type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

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

/** Validates the parsed flags; every problem is a UserInputError naming the flag and what is allowed. */
export function toDiagnoseArgs(values: ParsedValues, now: Date): DiagnoseArgs {
    const inputs = (values.input as string[] | undefined) ?? [];
    if (inputs.length === 0) throw new UserInputError(`Missing --input: the file of flow-log records to diagnose. Run '${PROGRAM} --help' for the options.`);
    const srcText = required(values, "src", "the workload's IP or CIDR, e.g. --src 10.0.1.25");
    const dstText = required(values, "dst", "the destination's IP or CIDR, e.g. --dst 52.219.204.42");
    const src = AddressSet.parse(srcText, "--src");
    const dst = AddressSet.parse(dstText, "--dst");
    const port = parsePort(values.port as string);
    const protocol = parseProtocol(values.protocol as string);
    const formatText = values.format as string | undefined;
    const format = resolveLogFormat(formatText ?? "default", "--format");
    const trafficType = oneOf(values["traffic-type"] as string, "--traffic-type", TRAFFIC_TYPES, (v) => v.toUpperCase());
    const output = oneOf(values.output as string, "--output", OUTPUT_FORMATS, (v) => v.toLowerCase());
    const start = values.start === undefined ? undefined : parseTime(values.start as string, "--start", now);
    const end = values.end === undefined ? undefined : parseTime(values.end as string, "--end", now);
    if (start !== undefined && end !== undefined && start > end) {
        throw new UserInputError(`--start ${quote(values.start)} is after --end ${quote(values.end)}: the window would be empty.`);
    }
    return {
        inputs,
        query: { src, dst, port, protocol, window: start === undefined && end === undefined ? undefined : { start, end } },
        format,
        formatChosen: formatText !== undefined,
        trafficType,
        output,
    };
}

function required(values: ParsedValues, name: string, what: string): string {
    const value = values[name];
    if (typeof value !== "string" || value.trim() === "") {
        throw new UserInputError(`Missing --${name}: ${what}.`);
    }
    return value;
}

function parsePort(value: string): number {
    if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
        throw new UserInputError(`Invalid --port ${quote(value)}. Allowed: an integer from 0 to 65535, e.g. 443.`);
    }
    return Number(value);
}

function parseProtocol(value: string): number {
    const named = PROTOCOL_NUMBERS[value.toLowerCase()];
    if (named !== undefined) return named;
    if (/^\d{1,3}$/.test(value) && Number(value) <= 255) return Number(value);
    throw new UserInputError(
        `Invalid --protocol ${quote(value)}. Allowed: ${Object.keys(PROTOCOL_NUMBERS).join(", ")}, or a protocol number from 0 to 255.`,
    );
}

function oneOf<T extends string>(value: string, flag: string, allowed: readonly T[], normalize: (v: string) => string): T {
    const normalized = normalize(value);
    const match = allowed.find((a) => a === normalized);
    if (match === undefined) throw new UserInputError(`Invalid ${flag} ${quote(value)}. Allowed: ${allowed.join(", ")}.`);
    return match;
}

/**
 * `vpc-flow-diagnose`: the commands, their options and help, and exit codes; `main` takes argv and
 * writers so tests run it in-process. A diagnosis itself runs in diagnoseCommand.ts.
 *
 * Exit codes: 0 a diagnosis was made (whatever the verdict), 2 bad usage or unreadable input,
 * 1 anything else (a bug or an outage: the stack is printed).
 */
import * as fs from "fs";
import * as path from "path";
import { UserInputError, quote } from "../core/errors";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, OptionTable, PROGRAM, parseOptions, repeatHelp } from "./cliOptions";
import type { CliIo } from "./cliIo";
import { LIVE_OPTIONS, SNAPSHOT_OPTIONS, STATUS_HELP, STATUS_OPTIONS } from "./liveOptions";
import { CONFIG_HELP, CONFIG_OPTIONS } from "./configFlags";

export type { CliIo } from "./cliIo";

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, PROGRAM } from "./cliOptions";

/**
 * The `diagnose` options, in node:util parseArgs form plus what repeating each means (`repeat`, see
 * cliOptions.ts); extend this table to add flags. --port is `once`: a diagnosis is of one
 * conversation, to one destination port, and the evidence, advice and configuration check are too.
 */
export const DIAGNOSE_OPTIONS = {
    input: { type: "string", multiple: true, repeat: "union" },
    src: { type: "string", repeat: "union", list: "," },
    dst: { type: "string", repeat: "union", list: "," },
    // No default here: with --ecs-task, a port named in the task's stop reason applies unless this is given.
    port: { type: "string", repeat: "once" },
    protocol: { type: "string", default: "tcp", repeat: "once" },
    format: { type: "string", repeat: "once" },
    // No default here: in live mode the stack's own filter applies unless this is given.
    "traffic-type": { type: "string", repeat: "once" },
    start: { type: "string", repeat: "once" },
    end: { type: "string", repeat: "once" },
    output: { type: "string", default: "text", repeat: "once" },
    "ip-ranges": { type: "string", repeat: "once" },
    help: { type: "boolean", short: "h", repeat: "union" },
    version: { type: "boolean", repeat: "union" },
    ...LIVE_OPTIONS,
    ...CONFIG_OPTIONS,
} as const satisfies OptionTable;

export const DIAGNOSE_HELP = `Usage: ${PROGRAM} --input <file> --src <ip|cidr> --dst <ip|cidr>[,...] [options]
       ${PROGRAM} --stack <name> --src <ip|cidr> --dst <ip|cidr>[,...] --since 30m [options]
       ${PROGRAM} --stack <name> --ecs-task <task arn|id> [--cluster <name>] [options]

Diagnoses why a workload cannot reach a destination (by default S3 on TCP 443) from VPC flow-log
records: rejected by a security group or network ACL, or accepted and never answered (routing).

Input:
  --input <file>          Flow-log records: raw lines (optionally .gz; an S3-style header line sets
                          the format), a Parquet file from S3, or the JSON of 'aws logs
                          get-query-results' or 'aws logs filter-log-events'. The kind is detected.
                          Repeat for several files (a file named twice is read once).
  --format <format>       Field order of headerless raw lines and @message rows: default, diagnostic,
                          ecs, or a custom '\${version} \${srcaddr} ...' string. Default: default
                          (live: the stack's).
  --traffic-type <type>   What the flow log captures: ALL, ACCEPT or REJECT (or All, Accepted,
                          Rejected). Default: ALL (live: the stack's).

Conversation:
  --src <ip|cidr>         The workload (e.g. the ECS task's IP). A comma list is allowed; repeated,
                          the addresses add up.
  --dst <ip|cidr>[,...]   The destination (e.g. 52.219.204.42, or 52.219.204.0/22), or s3 / s3:<region>
                          for every S3 range of the region (live: the managed prefix list
                          com.amazonaws.<region>.s3; with --input: needs --ip-ranges). Repeated, the
                          addresses add up. A flow never changes address family: an IPv6 --dst with
                          an IPv4 --src (or the reverse) is refused; in a mixed list the entries of
                          the other family are left out with a warning (S3's own ranges, silently).
  --ip-ranges <file>      AWS's ip-ranges.json, downloaded, for --dst s3 (instead of the prefix list).
  --port <n>              Destination port, one: a diagnosis is of one conversation, so a second
                          --port is refused. Default: 443.
  --protocol <p>          tcp, udp, icmp, icmpv6 or a protocol number. Default: tcp.
  --start <time>          Ignore records before this: ISO 8601 (2026-11-26T14:00:00Z) or relative (30m, 2h, 1d).
  --end <time>            Ignore records after this. Same forms as --start.

Live, from CloudWatch Logs Insights (instead of --input):
  --stack <name>          Read the log group, region, format and filter from the stack's outputs
                          ('pulumi stack output --json', run in this folder).
  --outputs-file <file>   The same outputs, saved earlier with 'pulumi stack output --json > file'.
  --log-group <name>      Or name the log group; with --region, --format and --traffic-type.
  --region <region>       AWS region (default: the stack's, then AWS_REGION).
  --since <duration>      The window: the last 30m, 2h, ... (or --start/--end). Required; over 24 h
                          needs --allow-wide-window.
  --timeout <seconds>     Longest wait for the query. Default: 300.
  --ecs-task <arn|id>     Start from an ECS task (instead of --src): its IP, ENI and times come from
                          DescribeTasks; --dst from its stop reason ('dial tcp A.B.C.D:PORT'), else s3.
  --cluster <name|arn>    The task's cluster (default: the one in the task ARN, else 'default').
  Progress and the query's cost go to stderr. Ctrl-C stops the query.

Live, from flow logs in S3 through Athena (a stack with destination s3 does this by itself):
  --athena-table <db.table>  The Glue table over the flow logs (the stack's athenaDatabase.athenaTable);
                          with --workgroup, --region, --format and --traffic-type.
  --workgroup <name>      The Athena workgroup to run in: its result location and scan cutoff apply.

${CONFIG_HELP}
Output:
  --output <format>       text, json, markdown or html. Default: text. Warnings go to stderr.
  -h, --help              Show this help.
  --version               Print the version (package.json's) and exit.

${repeatHelp(DIAGNOSE_OPTIONS)}
Verdicts: security-group-or-nacl, nacl-return-path, routing, network-ok, mixed, no-traffic, inconclusive.
Exit codes: 0 a diagnosis was made (any verdict), 2 bad usage or unreadable input, 1 other failures.

Commands:
  ${PROGRAM} status --stack <name>   Is the flow log delivering? (see '${PROGRAM} status --help')
  ${PROGRAM} snapshot --eni <id> --out <dir>   Save the ENI's EC2 configuration for --config-snapshot.

Examples:
  ${PROGRAM} --input examples/s3-timeout.log --src 10.0.1.25 --dst 52.219.204.42
  ${PROGRAM} --stack dev --src 10.0.1.25 --dst 52.219.204.0/22 --since 30m
  ${PROGRAM} --stack dev --ecs-task 0123456789abcdef0123456789abcdef --cluster web
`;


type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Subcommands by name; `diagnose` is also what runs when the first argument is an option. */
export const COMMANDS: Record<string, Command> = {
    diagnose: runDiagnose,
    status: async (argv, io) => (await import("./liveCommands")).runStatus(argv, io, STATUS_HELP),
    snapshot: async (argv, io) => (await import("./snapshotCommand")).runSnapshot(argv, io),
};
const DEFAULT_COMMAND = "diagnose";

/** Each command's option table, for the tests that walk every flag (and kept beside COMMANDS). */
export const COMMAND_OPTIONS: Readonly<Record<keyof typeof COMMANDS, OptionTable>> = {
    diagnose: DIAGNOSE_OPTIONS,
    status: STATUS_OPTIONS,
    snapshot: SNAPSHOT_OPTIONS,
};

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
    try {
        const args = [...argv];
        let command = DEFAULT_COMMAND;
        if (args.length > 0 && !args[0].startsWith("-")) {
            command = args.shift() as string;
            if (!Object.prototype.hasOwnProperty.call(COMMANDS, command)) {
                throw new UserInputError(
                    `Unknown command ${quote(command)}. Commands: ${Object.keys(COMMANDS).map((c) => (c === DEFAULT_COMMAND ? `${c} (the default)` : c)).join(", ")}. Run '${PROGRAM} --help' for the options.`,
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
    if (values.version) {
        io.stdout(`${packageVersion()}\n`);
        return EXIT_OK;
    }
    return (await import("./diagnoseCommand")).diagnoseCommand(values, io);
}

/**
 * The version in package.json, the one place it is kept (CHANGELOG.md names it per release). Found
 * by walking up from this file, which runs from analysis/ under ts-node and dist/analysis/ compiled.
 */
export function packageVersion(from: string = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
            if (pkg.name === "vpc-flow-logs" && typeof pkg.version === "string") return pkg.version;
        }
        if (path.dirname(dir) === dir) throw new Error(`package.json of vpc-flow-logs not found above ${from}`);
    }
}

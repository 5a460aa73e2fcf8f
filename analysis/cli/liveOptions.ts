/**
 * The live commands' options and the status help: plain tables the CLI reads on every run, even
 * for --help, so this module imports nothing but the option helpers.
 */
import { OptionTable, PROGRAM, ParsedValues, repeatHelp } from "./cliOptions";

export const LIVE_SOURCE_OPTIONS = {
    stack: { type: "string", repeat: "once" },
    "outputs-file": { type: "string", repeat: "once" },
    "log-group": { type: "string", repeat: "once" },
    region: { type: "string", repeat: "once" },
} as const satisfies OptionTable;

export const LIVE_OPTIONS = {
    ...LIVE_SOURCE_OPTIONS,
    since: { type: "string", repeat: "once" },
    timeout: { type: "string", repeat: "once" },
    "allow-wide-window": { type: "boolean", repeat: "union" },
    "ecs-task": { type: "string", repeat: "once" },
    cluster: { type: "string", repeat: "once" },
    eni: { type: "string", repeat: "once" },
    // Flow logs in S3, queried through Athena without a stack: the table and its workgroup.
    "athena-table": { type: "string", repeat: "once" },
    workgroup: { type: "string", repeat: "once" },
} as const satisfies OptionTable;

const SOURCE_FLAGS = ["stack", "outputs-file", "log-group", "athena-table"] as const;
const LIVE_ONLY_FLAGS = ["region", "since", "timeout", "allow-wide-window", "ecs-task", "cluster", "eni", "workgroup"] as const;

/** Which live-source and live-only flags were given, as `--name`. */
export function liveFlagsGiven(values: ParsedValues): { source: string[]; liveOnly: string[] } {
    const given = (names: readonly string[]) => names.filter((n) => values[n] !== undefined).map((n) => `--${n}`);
    return { source: given(SOURCE_FLAGS), liveOnly: given(LIVE_ONLY_FLAGS) };
}

export const STATUS_OPTIONS = {
    ...LIVE_SOURCE_OPTIONS,
    output: { type: "string", default: "text", repeat: "once" },
    help: { type: "boolean", short: "h", repeat: "union" },
} as const satisfies OptionTable;

export const STATUS_HELP = `Usage: ${PROGRAM} status --stack <name> | --outputs-file <file> | --log-group <name> --region <region>

Is the flow log delivering? Shows each flow log's state and delivery status (with AWS's own error,
e.g. "Access error"), the log group's stored bytes, its log streams (one per network interface) and
the newest event, and what to check when nothing arrives. For a stack that delivers to S3: the
newest object under the records' prefix and its age instead of the log group. For a stack with
alarms (alarms: true, --stack or --outputs-file): each alarm's state from CloudWatch
(cloudwatch:DescribeAlarms) and, for one in ALARM, the diagnose command for the window it covered.

  --stack <name>          Read the log group, region and flow log ids from the stack's outputs.
  --outputs-file <file>   The same outputs, saved with 'pulumi stack output --json > file'.
  --log-group <name>      Or name the log group (flow logs are found by their destination).
  --region <region>       AWS region (default: the stack's, then AWS_REGION).
  --output <format>       text or json. Default: text.

${repeatHelp(STATUS_OPTIONS)}`;

/** The `snapshot` options (its help is with the command, beside the IAM actions it lists). */
export const SNAPSHOT_OPTIONS = {
    eni: { type: "string", repeat: "once" },
    out: { type: "string", repeat: "once" },
    region: { type: "string", repeat: "once" },
    help: { type: "boolean", short: "h", repeat: "union" },
} as const satisfies OptionTable;

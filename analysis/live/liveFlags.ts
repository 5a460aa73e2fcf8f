/**
 * The live commands' flags and help, kept apart from the code that talks to AWS: the CLI reads
 * these on every run, and loads the AWS SDK only when a live command actually runs.
 */
import { UserInputError } from "../errors";
import { PROGRAM, ParsedValues, oneOf, parsePort, parseProtocol, required } from "../cliOptions";
import { OUTPUT_FORMATS, OutputFormat } from "../render";
import { S3Destination, parseS3Destination } from "../s3Ranges";
import { TaskRef, parseCluster, parseEniId, parseTaskRef } from "../ecs/ecsTask";

export const LIVE_SOURCE_OPTIONS = {
    stack: { type: "string" },
    "outputs-file": { type: "string" },
    "log-group": { type: "string" },
    region: { type: "string" },
} as const;

export const LIVE_OPTIONS = {
    ...LIVE_SOURCE_OPTIONS,
    since: { type: "string" },
    timeout: { type: "string" },
    "allow-wide-window": { type: "boolean" },
    "ecs-task": { type: "string" },
    cluster: { type: "string" },
    eni: { type: "string" },
    // Flow logs in S3, queried through Athena without a stack: the table and its workgroup.
    "athena-table": { type: "string" },
    workgroup: { type: "string" },
} as const;

const SOURCE_FLAGS = ["stack", "outputs-file", "log-group", "athena-table"] as const;
const LIVE_ONLY_FLAGS = ["region", "since", "timeout", "allow-wide-window", "ecs-task", "cluster", "eni", "workgroup"] as const;

/** Which live-source and live-only flags were given, as `--name`. */
export function liveFlagsGiven(values: ParsedValues): { source: string[]; liveOnly: string[] } {
    const given = (names: readonly string[]) => names.filter((n) => values[n] !== undefined).map((n) => `--${n}`);
    return { source: given(SOURCE_FLAGS), liveOnly: given(LIVE_ONLY_FLAGS) };
}

export const STATUS_OPTIONS = {
    ...LIVE_SOURCE_OPTIONS,
    output: { type: "string", default: "text" },
    help: { type: "boolean", short: "h" },
} as const;

export const STATUS_HELP = `Usage: ${PROGRAM} status --stack <name> | --outputs-file <file> | --log-group <name> --region <region>

Is the flow log delivering? Shows each flow log's state and delivery status (with AWS's own error,
e.g. "Access error"), the log group's stored bytes, its log streams (one per network interface) and
the newest event, and what to check when nothing arrives. For a stack that delivers to S3: the
newest object under the records' prefix and its age instead of the log group.

  --stack <name>          Read the log group, region and flow log ids from the stack's outputs.
  --outputs-file <file>   The same outputs, saved with 'pulumi stack output --json > file'.
  --log-group <name>      Or name the log group (flow logs are found by their destination).
  --region <region>       AWS region (default: the stack's, then AWS_REGION).
  --output <format>       text or json. Default: text.
`;


/** What a live diagnosis was asked, before anything is looked up in AWS. */
export interface LiveConversationFlags {
    readonly task?: TaskRef;
    readonly cluster?: string;
    readonly eni?: string;
    /** The workload's addresses as given; absent with --ecs-task (the task's IP is used). */
    readonly src?: string;
    /** `s3`/`s3:<region>`, an address list, or absent (with --ecs-task: from the task's reasons, else S3). */
    readonly dst?: S3Destination | { readonly addresses: string };
    /** Absent when --port was not given: a port from the task's reason, else 443, applies. */
    readonly port?: number;
    readonly protocol: number;
    readonly output: OutputFormat;
    readonly ipRanges?: string;
    /** True when --since, --start or --end set the window (they win over the task's times). */
    readonly windowGiven: boolean;
}

/**
 * Checks the live conversation flags. --ecs-task and --src are refused together: the task's own
 * address is the point of --ecs-task, and for a task without one (bridge or host network mode) the
 * error says to use --src instead.
 */
export function parseLiveConversationFlags(values: ParsedValues): LiveConversationFlags {
    const taskText = values["ecs-task"] as string | undefined;
    const task = taskText === undefined ? undefined : parseTaskRef(taskText);
    if (task !== undefined && values.src !== undefined) {
        throw new UserInputError(
            "Give --ecs-task or --src, not both: --ecs-task reads the task's own IP from ECS. For another address, drop --ecs-task and pass --src with --start/--end.",
        );
    }
    if (task !== undefined && values.eni !== undefined) {
        throw new UserInputError("Give --ecs-task or --eni, not both: --ecs-task reads the task's own ENI from ECS.");
    }
    if (values.cluster !== undefined && task === undefined) {
        throw new UserInputError("--cluster applies to --ecs-task: it names the cluster the task ran in.");
    }
    const cluster = values.cluster === undefined ? undefined : parseCluster(values.cluster as string);
    const src = task === undefined ? required(values, "src", "the workload's IP or CIDR, e.g. --src 10.0.1.25, or --ecs-task <task id>") : undefined;
    const dstText = values.dst as string | undefined;
    if (task === undefined && dstText === undefined) {
        required(values, "dst", "the destination's IP or CIDR, e.g. --dst 52.219.204.42, or --dst s3 for every S3 range of the region");
    }
    const s3 = parseS3Destination(dstText);
    return {
        task,
        cluster,
        eni: values.eni === undefined ? undefined : parseEniId(values.eni as string),
        src,
        dst: s3 ?? (dstText === undefined ? undefined : { addresses: dstText }),
        port: values.port === undefined ? undefined : parsePort(values.port as string),
        protocol: parseProtocol(values.protocol as string),
        output: oneOf(values.output as string, "--output", OUTPUT_FORMATS, (v) => v.toLowerCase()),
        ipRanges: values["ip-ranges"] as string | undefined,
        windowGiven: values.since !== undefined || values.start !== undefined || values.end !== undefined,
    };
}

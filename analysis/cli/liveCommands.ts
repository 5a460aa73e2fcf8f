/**
 * The CLI's live side: `vpc-flow-diagnose --stack dev ...` (a diagnosis from Logs Insights or
 * Athena) and `vpc-flow-diagnose status` (is anything arriving?). Flags in, exit code out: the flags
 * become a typed request here, the use cases (app/) do the work, and AWS clients and the `pulumi`
 * runner are injectable so tests use mocks.
 */
import { LOG_GROUP_NAME, LOG_GROUP_NAME_RULE } from "../core/awsNames";
import { UserInputError, quote } from "../core/errors";
import { EXIT_FAILURE, EXIT_OK, ParsedValues, oneOf, parseOptions, required } from "./cliOptions";
import { LiveConversationFlags } from "./liveFlags";
import { STATUS_OPTIONS, liveFlagsGiven } from "./liveOptions";
import { configCheckRequest } from "./configFlags";
import { render, renderJson } from "../render/render";
import { renderHtml } from "../render/htmlReport";
import { pathModel } from "../verdict/pathModel";
import { resolveLiveWindow } from "../core/timeWindow";
import { STATUS_SCHEMA_VERSION, versioned } from "../core/jsonContract";
import { renderTaskSections } from "../verdict/ecs/ecsReport";
import { explainAwsError } from "../aws/awsErrors";
import { collectStatus, renderStatus } from "../aws/flowLogStatus";
import { AthenaSource, CommandRunner, isAthenaSource } from "../aws/stackSource";
import { AwsClientMakers, awsClient } from "../aws/clients";
import { parseAthenaTable } from "../queries/athenaQuery";
import { INSIGHTS_USD_PER_GB, resolveLiveTarget, resolveQuerySettings } from "../app/liveDiagnosis";
import { LiveDiagnoseRequest, SourceRequest, loadSource } from "../app/liveRequest";
import { LiveAwsError, LiveReport, diagnoseLiveRequest, isPlainLiveFailure } from "../app/liveDiagnoseCase";

/** What the live commands need from the world; every field has a real default. */
export interface LiveIo extends AwsClientMakers {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    readonly now?: () => Date;
    readonly env?: NodeJS.ProcessEnv;
    /** Where `pulumi stack output` runs: the project folder. */
    readonly cwd?: string;
    /** Aborted on Ctrl-C: the running query is stopped. */
    readonly signal?: AbortSignal;
    readonly runCommand?: CommandRunner;
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Exactly one of --stack, --outputs-file, --log-group, --athena-table says where the records are. */
function parseSourceFlags(values: ParsedValues): SourceRequest {
    const given = liveFlagsGiven(values).source;
    if (given.length !== 1) {
        throw new UserInputError(
            given.length === 0
                ? "Say where the records are: --stack <name>, --outputs-file <file>, --log-group <name> or --athena-table <db.table>."
                : `Give one of ${given.join(", ")}, not several.`,
        );
    }
    if (values.workgroup !== undefined && values["athena-table"] === undefined) {
        throw new UserInputError("--workgroup applies to --athena-table (a stack that delivers to S3 names its own workgroup).");
    }
    if (values["athena-table"] !== undefined) {
        const table = parseAthenaTable(values["athena-table"] as string);
        const workgroup = required(values, "workgroup", "the Athena workgroup to run the query in, e.g. --workgroup vpc-flow-logs-dev (the stack's athenaWorkgroup output)");
        if (!/^[A-Za-z0-9._-]{1,128}$/.test(workgroup)) {
            throw new UserInputError(`Invalid --workgroup ${quote(workgroup)}. Allowed: 1-128 letters, digits, '.', '_' and '-'.`);
        }
        return { kind: "athena-table", source: { destination: "s3", ...table, workgroup } satisfies AthenaSource };
    }
    if (values.stack !== undefined) return { kind: "stack", stack: values.stack as string };
    if (values["outputs-file"] !== undefined) return { kind: "outputs-file", path: values["outputs-file"] as string };
    const logGroupName = values["log-group"] as string;
    if (!LOG_GROUP_NAME.test(logGroupName)) {
        throw new UserInputError(`Invalid --log-group ${quote(logGroupName)}. Allowed: ${LOG_GROUP_NAME_RULE}.`);
    }
    return { kind: "log-group", logGroupName };
}

const DEFAULT_TIMEOUT_SECONDS = 300;

function parseTimeoutMs(value: unknown): number {
    if (value === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
    const text = String(value);
    if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > 3600) {
        throw new UserInputError(`Invalid --timeout ${quote(text)}. Allowed: seconds from 1 to 3600.`);
    }
    return Number(text) * 1000;
}

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

/** The flags of a live diagnosis as its typed request, checked in the order the messages have always come. */
function liveDiagnoseRequest(values: ParsedValues, flags: LiveConversationFlags, now: Date): LiveDiagnoseRequest {
    const windowFlags = {
        since: values.since as string | undefined,
        start: values.start as string | undefined,
        end: values.end as string | undefined,
        allowWideWindow: values["allow-wide-window"] === true,
    };
    // Without a task, the window must come from the flags; checked before anything is looked up.
    const window = flags.windowGiven || flags.task === undefined ? resolveLiveWindow(windowFlags, now) : undefined;
    const s3Wanted = flags.dst === undefined ? flags.task !== undefined : !("addresses" in flags.dst);
    if (flags.ipRanges !== undefined && !s3Wanted) {
        throw new UserInputError("--ip-ranges applies to --dst s3 or s3:<region> (or --ecs-task without --dst): it is where the S3 ranges come from.");
    }
    const timeoutMs = parseTimeoutMs(values.timeout);
    const { output: _output, ...conversation } = flags;
    return {
        source: parseSourceFlags(values),
        conversation,
        ...(window !== undefined ? { window } : {}),
        timeoutMs,
        overrides: { region: values.region as string | undefined, format: values.format as string | undefined, trafficType: values["traffic-type"] as string | undefined },
        config: configCheckRequest(values),
    };
}

/** The live diagnosis command: its request, the use case, then the report as text, the cost on stderr and the exit code. */
export async function runLiveDiagnose(values: ParsedValues, flags: LiveConversationFlags, io: LiveIo, now: Date): Promise<number> {
    const request = liveDiagnoseRequest(values, flags, now);
    const warn = (message: string) => io.stderr(`warning: ${message}\n`);
    let report: LiveReport;
    try {
        report = await diagnoseLiveRequest(request, {
            ...io,
            now,
            warn,
            onInsightsProgress: (p, seconds) => io.stderr(`query ${p.status}: ${p.recordsScanned} records scanned (${megabytes(p.bytesScanned)} MB), ${seconds} s\n`),
            onAthenaProgress: (p, seconds) => io.stderr(`query ${p.state}: ${megabytes(p.bytesScanned)} MB scanned, ${seconds} s\n`),
        });
    } catch (err) {
        if (isPlainLiveFailure(err)) {
            io.stderr(err.message + "\n");
            return EXIT_FAILURE;
        }
        if (err instanceof LiveAwsError) {
            io.stderr(explainAwsError(err.cause, err.context) + "\n");
            return EXIT_FAILURE;
        }
        throw err;
    }
    const output = flags.output;
    io.stdout(
        output === "json"
            ? renderJson(report)
            : output === "html"
              ? renderHtml(report, pathModel(report), { heading: report.ecsTask ? "ECS task and inputs" : "Inputs", text: renderTaskSections(report.ecsTask, report.sources, "text") })
              : render(report, output) + renderTaskSections(report.ecsTask, report.sources, output),
    );
    io.stderr(await costLine(report.query));
    return EXIT_OK;
}

/** What the query scanned and about what it cost, at the list price. */
async function costLine(q: LiveReport["query"]): Promise<string> {
    if ("service" in q) {
        const { ATHENA_USD_PER_TB } = await import("../app/athenaDiagnosis");
        return (
            `Scanned ${megabytes(q.bytesScanned)} MB of ${q.table} (workgroup ${q.workgroup}) in ${q.region}, ${q.window.start} to ${q.window.end}; ` +
            `query cost about $${q.costUsd.toFixed(4)} at $${ATHENA_USD_PER_TB}/TB scanned (10 MB minimum per query).\n`
        );
    }
    const skipped = q.bytesSkipped !== undefined ? `, about ${megabytes(q.bytesSkipped)} MB skipped by the field index` : "";
    const streams = q.logStreams ? ` (log streams ${q.logStreams.join(", ")})` : "";
    const split = q.queries !== undefined ? ` in ${q.queries} queries (split to fit StartQuery's length limit; each scans the window)` : "";
    return (
        `Scanned ${q.recordsScanned} records (${megabytes(q.bytesScanned)} MB) of ${q.logGroupName}${streams} in ${q.region}, ${q.window.start} to ${q.window.end}${skipped}${split}; ` +
        `${q.queries !== undefined ? "total " : ""}query cost about $${q.costUsd.toFixed(4)} at $${INSIGHTS_USD_PER_GB}/GB scanned.\n`
    );
}

export async function runStatus(argv: string[], io: LiveIo, help: string): Promise<number> {
    const values = parseOptions(argv, STATUS_OPTIONS);
    if (values.help) {
        io.stdout(help);
        return EXIT_OK;
    }
    const output = oneOf(values.output as string, "--output", ["text", "json"] as const, (v) => v.toLowerCase());
    const source = await loadSource(parseSourceFlags(values), io);
    if (isAthenaSource(source)) return runS3Status(source, values.region as string | undefined, output, io);
    const target = resolveLiveTarget(source, { region: values.region as string | undefined }, io.env ?? process.env);
    const logs = await awsClient(io, "logsClient", target.region);
    const ec2 = await awsClient(io, "ec2Client", target.region);
    try {
        const report = await collectStatus(ec2, logs, { ...source, region: target.region }, (io.now ?? (() => new Date()))());
        // A stack with alarms names them in its outputs: their states follow delivery's (docs/alarms.md).
        const alarmNames = "alarmNames" in source ? (source.alarmNames ?? []) : [];
        if (alarmNames.length === 0) {
            io.stdout(output === "json" ? JSON.stringify(versioned(STATUS_SCHEMA_VERSION, report), null, 2) + "\n" : renderStatus(report));
            return EXIT_OK;
        }
        const { collectAlarms, renderAlarms } = await import("../aws/alarmStatus");
        const cloudWatch = await awsClient(io, "cloudWatchClient", target.region);
        // Printed for pasting into a shell: a value with other characters is single-quoted.
        const shellWord = (v: string) => (/^[A-Za-z0-9_./:=@-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`);
        const sourceFlag = values.stack !== undefined ? `--stack ${shellWord(values.stack as string)}` : `--outputs-file ${shellWord(values["outputs-file"] as string)}`;
        const contributorInsightRule = "contributorInsightRule" in source ? source.contributorInsightRule : undefined;
        const alarms = await collectAlarms(cloudWatch, alarmNames, { sourceFlag, region: target.region, contributorInsightRule });
        for (const warning of alarms.warnings) io.stderr(`warning: ${warning}\n`);
        io.stdout(output === "json" ? JSON.stringify(versioned(STATUS_SCHEMA_VERSION, { ...report, ...alarms }), null, 2) + "\n" : renderStatus(report) + renderAlarms(alarms));
        return EXIT_OK;
    } catch (err) {
        io.stderr(explainAwsError(err, { logGroupName: target.logGroupName, region: target.region }) + "\n");
        return EXIT_FAILURE;
    }
}

/** `status` for a stack that delivers to S3: the flow logs, and the newest object under the records' prefix. */
async function runS3Status(source: AthenaSource, regionFlag: string | undefined, output: "text" | "json", io: LiveIo): Promise<number> {
    if (source.recordsLocation === undefined) {
        throw new UserInputError("status for flow logs in S3 reads the bucket and prefix from the stack: use --stack or --outputs-file (not --athena-table).");
    }
    const { region } = resolveQuerySettings(source, { region: regionFlag }, io.env ?? process.env);
    const ec2 = await awsClient(io, "ec2Client", region);
    const s3 = await awsClient(io, "s3Client", region);
    const { collectS3Status, renderS3Status } = await import("../aws/s3Status");
    try {
        const report = await collectS3Status(ec2, s3, { ...source, region }, (io.now ?? (() => new Date()))());
        io.stdout(output === "json" ? JSON.stringify(versioned(STATUS_SCHEMA_VERSION, report), null, 2) + "\n" : renderS3Status(report));
        return EXIT_OK;
    } catch (err) {
        io.stderr(explainAwsError(err, { bucketName: source.bucketName, region, action: "ec2:DescribeFlowLogs or s3:ListBucket" }) + "\n");
        return EXIT_FAILURE;
    }
}

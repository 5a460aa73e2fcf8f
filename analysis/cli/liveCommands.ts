/**
 * The CLI's live side: `vpc-flow-diagnose --stack dev ...` (a diagnosis from Logs Insights) and
 * `vpc-flow-diagnose status` (is anything arriving?). Flags in, exit code out; AWS clients and the
 * `pulumi` runner are injectable so tests use mocks, and the real clients honour the standard
 * AWS_ENDPOINT_URL variables by themselves.
 */
import { LOG_GROUP_NAME, LOG_GROUP_NAME_RULE } from "../core/awsNames";
import { UserInputError, quote } from "../core/errors";
import { EXIT_FAILURE, EXIT_OK, ParsedValues, oneOf, parseOptions, required } from "./cliOptions";
import { LiveConversationFlags } from "./liveFlags";
import { STATUS_OPTIONS, liveFlagsGiven } from "./liveOptions";
import { AddressSet } from "../core/ip";
import { matchAddressFamilies } from "../core/addressFamilies";
import { render, renderJson } from "../render/render";
import { TimeWindow, resolveLiveWindow } from "../core/timeWindow";
import { ResolvedRanges, S3Destination } from "../core/s3Ranges";
import { readIpRangesFile } from "../evidence/ipRangesFile";
import { EcsTaskFacts, requireTaskEni, taskNextSteps, taskReasons, taskWindow } from "../verdict/ecs/ecsTask";
import { ReasonFacts, parseTaskReasons } from "../verdict/ecs/taskReason";
import { InputSources, Sourced, ecsTaskReport, linkRecordsToTask, renderTaskSections } from "../verdict/ecs/ecsReport";
import { DEFAULT_CLUSTER, EcsLookupError, describeEcsTask } from "../aws/ecsTasks";
import { PrefixListError, s3PrefixListRanges } from "../aws/s3PrefixList";
import { explainAwsError } from "../aws/awsErrors";
import { checkConfiguration } from "../app/configStep";
import { configCheckRequest } from "./configFlags";
import { collectStatus, renderStatus } from "../aws/flowLogStatus";
import { LogsClient, QueryError } from "../aws/insightsQueryRunner";
import { unknownFields, unknownFieldsWarning } from "../core/logFormat";
import { carriesAwsServices } from "../evidence/rawLines";
import { INSIGHTS_USD_PER_GB, LiveTarget, diagnoseLive, resolveLiveTarget, resolveQuerySettings } from "../app/liveDiagnosis";
import { AthenaSource, CommandRunner, StackSource, isAthenaSource, readOutputsFile, readStackOutputs, runCommand } from "../aws/stackSource";
import { AwsClientMakers, awsClient } from "../aws/clients";
import { parseAthenaTable } from "../queries/athenaQuery";

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
async function readSource(values: ParsedValues, io: LiveIo): Promise<StackSource> {
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
        return { destination: "s3", ...table, workgroup } satisfies AthenaSource;
    }
    if (values.stack !== undefined) return readStackOutputs(values.stack as string, io.cwd ?? process.cwd(), io.runCommand ?? runCommand);
    if (values["outputs-file"] !== undefined) return readOutputsFile(values["outputs-file"] as string);
    const logGroupName = values["log-group"] as string;
    if (!LOG_GROUP_NAME.test(logGroupName)) {
        throw new UserInputError(`Invalid --log-group ${quote(logGroupName)}. Allowed: ${LOG_GROUP_NAME_RULE}.`);
    }
    return { logGroupName };
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

export async function runLiveDiagnose(values: ParsedValues, flags: LiveConversationFlags, io: LiveIo, now: Date): Promise<number> {
    const windowFlags = {
        since: values.since as string | undefined,
        start: values.start as string | undefined,
        end: values.end as string | undefined,
        allowWideWindow: values["allow-wide-window"] === true,
    };
    // Without a task, the window must come from the flags; checked before anything is looked up.
    const flagWindow = flags.windowGiven || flags.task === undefined ? resolveLiveWindow(windowFlags, now) : undefined;
    const s3Wanted = flags.dst === undefined ? flags.task !== undefined : !("addresses" in flags.dst);
    if (flags.ipRanges !== undefined && !s3Wanted) {
        throw new UserInputError("--ip-ranges applies to --dst s3 or s3:<region> (or --ecs-task without --dst): it is where the S3 ranges come from.");
    }
    const timeoutMs = parseTimeoutMs(values.timeout);
    const source = await readSource(values, io);
    const env = io.env ?? process.env;
    // A task ARN names its region; it applies when neither --region nor the stack says otherwise.
    const region = (values.region as string | undefined) ?? (source.region === undefined ? flags.task?.region : undefined);
    const overrides = { region, format: values.format as string | undefined, trafficType: values["traffic-type"] as string | undefined };
    // A stack that delivers to S3 (or --athena-table) is queried through Athena, any other through Logs Insights.
    const athenaSource = isAthenaSource(source) ? source : undefined;
    const target = isAthenaSource(source) ? undefined : resolveLiveTarget(source, overrides, env);
    const settings = target ?? resolveQuerySettings(source, overrides, env);
    const warn = (message: string) => io.stderr(`warning: ${message}\n`);
    const formatWarning = unknownFieldsWarning(unknownFields(settings.format), values.format !== undefined ? "--format" : "The stack's logFormat");
    if (formatWarning !== undefined) warn(formatWarning);
    const logs = target === undefined ? undefined : await awsClient(io, "logsClient", settings.region);
    let action: string | undefined;
    let queryString: string | undefined;
    const started = Date.now();
    try {
        let task: EcsTaskFacts | undefined;
        let reasons: ReasonFacts = { dialTargets: [], services: [] };
        if (flags.task !== undefined) {
            const ecsRegion = (values.region as string | undefined) ?? flags.task.region ?? settings.region;
            if (ecsRegion !== settings.region) {
                warn(
                    `The task is in ${ecsRegion} and the ${athenaSource ? "flow logs' Athena table" : "log group"} in ${settings.region}: a flow log only records its own region's interfaces.`,
                );
            }
            const cluster = flags.cluster ?? flags.task.cluster ?? DEFAULT_CLUSTER;
            const ecs = await awsClient(io, "ecsClient", ecsRegion);
            action = "ecs:DescribeTasks";
            task = await describeEcsTask(ecs, flags.task, cluster, ecsRegion);
            action = undefined;
            requireTaskEni(task, cluster);
            reasons = parseTaskReasons(taskReasons(task));
        }
        const taskTimes = task !== undefined && flagWindow === undefined ? taskWindow(task, now) : undefined;
        const window = taskTimes?.window ?? (flagWindow as TimeWindow);
        if (task !== undefined && window.end - window.start <= 0) {
            throw new UserInputError(`Task ${task.taskId}'s window is empty (${iso(window.start)} to ${iso(window.end)}): give one with --since or --start/--end.`);
        }

        const src: Sourced<string[]> = task
            ? { value: [task.privateIp as string], from: `the task's private IP on ${task.eniId} (${task.subnetId ?? "subnet unknown"}), from ECS DescribeTasks` }
            : { value: AddressSet.parse(flags.src as string, "--src").toStrings(), from: "--src" };

        let dst: Sourced<string[]>;
        let dstIsS3 = false;
        let port: Sourced<number> | undefined = flags.port === undefined ? undefined : { value: flags.port, from: "--port" };
        if (flags.dst !== undefined && "addresses" in flags.dst) {
            dst = { value: AddressSet.parse(flags.dst.addresses, "--dst").toStrings(), from: "--dst" };
        } else if (flags.dst === undefined && reasons.dialTargets.length > 0) {
            const from = `the task's stop reason: ${reasons.dialTargets.map((t) => `dial tcp ${t.address}:${t.port}`).join(", ")}`;
            dst = { value: reasons.dialTargets.map((t) => t.address), from };
            port ??= { value: reasons.dialTargets[0].port, from };
            if (new Set(reasons.dialTargets.map((t) => t.port)).size > 1) warn(`The task's reasons name several ports; port ${port.value} is used (--port chooses another).`);
        } else {
            const s3Region = (flags.dst as S3Destination | undefined)?.region ?? settings.region;
            let ranges: ResolvedRanges;
            if (flags.ipRanges !== undefined) {
                ranges = await readIpRangesFile(flags.ipRanges, s3Region);
            } else {
                const ec2 = await awsClient(io, "ec2Client", s3Region);
                action = "ec2:DescribeManagedPrefixLists and ec2:GetManagedPrefixListEntries";
                ranges = await s3PrefixListRanges(ec2, s3Region);
                action = undefined;
            }
            const why = flags.dst === undefined ? "no address in the task's reasons, so every S3 range of the region: " : "";
            dst = { value: ranges.cidrs, from: why + ranges.from };
            dstIsS3 = true;
        }
        port ??= { value: 443, from: "default" };

        // Kept to the address families both sides have (a flow never changes family): refused when none.
        const families = matchAddressFamilies(
            { addresses: AddressSet.parse(src.value.join(","), "--src"), described: describeSide(src, "--src") },
            { addresses: AddressSet.parse(dst.value.join(","), "--dst"), described: describeSide(dst, "--dst"), expanded: dstIsS3 },
        );
        for (const message of families.warnings) warn(message);
        dst = { ...dst, value: families.dst.toStrings() };
        const conversation = {
            src: families.src,
            dst: families.dst,
            port: port.value,
            protocol: flags.protocol,
            dstIsS3,
            matchS3Service: dstIsS3 && carriesAwsServices(settings.format),
        };
        const eniId = flags.eni ?? task?.eniId;
        const sources: InputSources = {
            src: { ...src, value: families.src.toStrings() },
            dst,
            port,
            window: { value: { start: iso(window.start), end: iso(window.end) }, from: taskTimes?.from ?? "--since/--start/--end" },
            ...(eniId !== undefined ? { eni: { value: eniId, from: flags.eni !== undefined ? "--eni" : "the task's ENI, from ECS DescribeTasks" } } : {}),
        };

        const onQuery = (q: string) => (queryString = q);
        // Loaded only for S3 stacks, with the Athena client behind it.
        const athenaModule = athenaSource !== undefined ? await import("../app/athenaDiagnosis") : undefined;
        // What either query runner needs besides its client and its progress line.
        const running = { now, timeoutMs, signal: io.signal, sleep: io.sleep, warn, onQuery };
        const { diagnosis, rows, nextStepsWith } =
            athenaSource !== undefined && athenaModule !== undefined
                ? await athenaModule.diagnoseAthena(
                      { ...settings, database: athenaSource.database, table: athenaSource.table, workgroup: athenaSource.workgroup },
                      conversation,
                      window,
                      {
                          athena: await awsClient(io, "athenaClient", settings.region),
                          ...running,
                          onProgress: (p) => io.stderr(`query ${p.state}: ${megabytes(p.bytesScanned)} MB scanned, ${Math.round((Date.now() - started) / 1000)} s\n`),
                      },
                      { eniId },
                  )
                : await diagnoseLive(
                      target as LiveTarget,
                      conversation,
                      window,
                      {
                          logs: logs as LogsClient,
                          ...running,
                          onProgress: (p) =>
                              io.stderr(`query ${p.status}: ${p.recordsScanned} records scanned (${megabytes(p.bytesScanned)} MB), ${Math.round((Date.now() - started) / 1000)} s\n`),
                      },
                      { eniId },
                  );
        const link = task && settings.format.fields.includes("ecs-task-id") ? linkRecordsToTask(rows, task.taskId) : undefined;
        const ecsTask = task ? ecsTaskReport(task, reasons, link) : undefined;
        // The interface to check is the one named or the task's; otherwise the records' own.
        const configRequest = configCheckRequest(values);
        const checked = await checkConfiguration(configRequest && { ...configRequest, eni: eniId }, diagnosis, conversation, io, now, settings.region);
        const config = checked?.report;
        // The next steps again, now with the ids the check found instead of their placeholders.
        const flowLogSteps = checked?.known ? nextStepsWith(checked.known) : diagnosis.nextSteps;
        const full = {
            ...diagnosis,
            warnings: [...families.warnings, ...diagnosis.warnings, ...(checked?.warnings ?? [])],
            nextSteps: task ? [...taskNextSteps(reasons, settings.region), ...flowLogSteps] : flowLogSteps,
            ...(config ? { config } : {}),
            ...(ecsTask ? { ecsTask } : {}),
            sources,
        };
        const output = flags.output;
        io.stdout(output === "json" ? renderJson(full as typeof diagnosis) : render(full, output) + renderTaskSections(ecsTask, sources, output));
        const q = diagnosis.query;
        if ("service" in q) {
            io.stderr(
                `Scanned ${megabytes(q.bytesScanned)} MB of ${q.table} (workgroup ${q.workgroup}) in ${q.region}, ${q.window.start} to ${q.window.end}; ` +
                    `query cost about $${q.costUsd.toFixed(4)} at $${athenaModule?.ATHENA_USD_PER_TB}/TB scanned (10 MB minimum per query).\n`,
            );
        } else {
            const skipped = q.bytesSkipped !== undefined ? `, about ${megabytes(q.bytesSkipped)} MB skipped by the field index` : "";
            const streams = q.logStreams ? ` (log streams ${q.logStreams.join(", ")})` : "";
            const split = q.queries !== undefined ? ` in ${q.queries} queries (split to fit StartQuery's length limit; each scans the window)` : "";
            io.stderr(
                `Scanned ${q.recordsScanned} records (${megabytes(q.bytesScanned)} MB) of ${q.logGroupName}${streams} in ${q.region}, ${q.window.start} to ${q.window.end}${skipped}${split}; ` +
                    `${q.queries !== undefined ? "total " : ""}query cost about $${q.costUsd.toFixed(4)} at $${INSIGHTS_USD_PER_GB}/GB scanned.\n`,
            );
        }
        return EXIT_OK;
    } catch (err) {
        if (err instanceof UserInputError) throw err;
        if (err instanceof QueryError || err instanceof EcsLookupError || err instanceof PrefixListError || (err instanceof Error && err.name === "AthenaQueryError")) {
            io.stderr(err.message + "\n");
            return EXIT_FAILURE;
        }
        io.stderr(
            explainAwsError(err, {
                logGroupName: target?.logGroupName,
                athenaTable: athenaSource && `${athenaSource.database}.${athenaSource.table}`,
                workgroup: athenaSource?.workgroup,
                region: settings.region,
                query: queryString,
                action,
            }) + "\n",
        );
        return EXIT_FAILURE;
    }
}

/** A side of the conversation for messages: the flag and its value, or the values and where they came from. */
function describeSide(side: Sourced<string[]>, flag: string): string {
    if (side.from === flag) return `${flag} ${side.value.join(",")}`;
    const shown = side.value.length > 3 ? `${side.value.slice(0, 3).join(",")} and ${side.value.length - 3} more` : side.value.join(",");
    return `${shown} (${side.from})`;
}

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace(".000Z", "Z");

export async function runStatus(argv: string[], io: LiveIo, help: string): Promise<number> {
    const values = parseOptions(argv, STATUS_OPTIONS);
    if (values.help) {
        io.stdout(help);
        return EXIT_OK;
    }
    const output = oneOf(values.output as string, "--output", ["text", "json"] as const, (v) => v.toLowerCase());
    const source = await readSource(values, io);
    if (isAthenaSource(source)) return runS3Status(source, values, output, io);
    const target = resolveLiveTarget(source, { region: values.region as string | undefined }, io.env ?? process.env);
    const logs = await awsClient(io, "logsClient", target.region);
    const ec2 = await awsClient(io, "ec2Client", target.region);
    try {
        const report = await collectStatus(ec2, logs, { ...source, region: target.region }, (io.now ?? (() => new Date()))());
        io.stdout(output === "json" ? JSON.stringify(report, null, 2) + "\n" : renderStatus(report));
        return EXIT_OK;
    } catch (err) {
        io.stderr(explainAwsError(err, { logGroupName: target.logGroupName, region: target.region }) + "\n");
        return EXIT_FAILURE;
    }
}

/** `status` for a stack that delivers to S3: the flow logs, and the newest object under the records' prefix. */
async function runS3Status(source: AthenaSource, values: ParsedValues, output: "text" | "json", io: LiveIo): Promise<number> {
    if (source.recordsLocation === undefined) {
        throw new UserInputError("status for flow logs in S3 reads the bucket and prefix from the stack: use --stack or --outputs-file (not --athena-table).");
    }
    const { region } = resolveQuerySettings(source, { region: values.region as string | undefined }, io.env ?? process.env);
    const ec2 = await awsClient(io, "ec2Client", region);
    const s3 = await awsClient(io, "s3Client", region);
    const { collectS3Status, renderS3Status } = await import("../aws/s3Status");
    try {
        const report = await collectS3Status(ec2, s3, { ...source, region }, (io.now ?? (() => new Date()))());
        io.stdout(output === "json" ? JSON.stringify(report, null, 2) + "\n" : renderS3Status(report));
        return EXIT_OK;
    } catch (err) {
        io.stderr(explainAwsError(err, { bucketName: source.bucketName, region, action: "ec2:DescribeFlowLogs or s3:ListBucket" }) + "\n");
        return EXIT_FAILURE;
    }
}

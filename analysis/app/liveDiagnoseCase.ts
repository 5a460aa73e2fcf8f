/**
 * The live diagnosis as a use case: a typed request and the world's dependencies in, a report out.
 * It reads the stack, looks up the ECS task, settles the conversation's destination (the task's
 * reasons, the S3 ranges), runs the query (Logs Insights or Athena), checks the configuration when
 * asked, and assembles the report. No flags and no rendering: cli/liveCommands.ts turns flags into
 * the request and the report into text, cost lines and an exit code.
 */
import { UserInputError } from "../core/errors";
import { AddressSet } from "../core/ip";
import { matchAddressFamilies } from "../core/addressFamilies";
import { hostBitsWarnings } from "../core/hostBits";
import { epochToIso as iso } from "../core/isoTime";
import { TimeWindow } from "../core/timeWindow";
import { ResolvedRanges, S3Destination } from "../core/s3Ranges";
import { unknownFields, unknownFieldsWarning } from "../core/logFormat";
import { readIpRangesFile } from "../evidence/ipRangesFile";
import { carriesAwsServices } from "../evidence/rawLines";
import { EcsTaskFacts, requireTaskEni, taskNextSteps, taskReasons, taskWindow } from "../verdict/ecs/ecsTask";
import { ReasonFacts, parseTaskReasons } from "../verdict/ecs/taskReason";
import { EcsTaskReport, InputSources, Sourced, ecsTaskReport, linkRecordsToTask } from "../verdict/ecs/ecsReport";
import { Diagnosis } from "../verdict/classify";
import type { ConfigReport } from "../verdict/config/report";
import { AwsClientMakers, awsClient } from "../aws/clients";
import { DEFAULT_CLUSTER, EcsLookupError, describeEcsTask } from "../aws/ecsTasks";
import { PrefixListError, s3PrefixListRanges } from "../aws/s3PrefixList";
import { QueryError, QueryProgress } from "../aws/insightsQueryRunner";
import type { AthenaProgress } from "../aws/athenaQueryRunner";
import type { AwsErrorContext } from "../aws/awsErrors";
import { capturePaused, isAthenaSource } from "../aws/stackSource";
import { ConfigIo, checkConfiguration } from "./configStep";
import { LiveTarget, QuerySummary, diagnoseLive, resolveLiveTarget, resolveQuerySettings } from "./liveDiagnosis";
import type { AthenaQuerySummary } from "./athenaDiagnosis";
import { LiveDiagnoseRequest, SourceDependencies, loadSource } from "./liveRequest";

export interface LiveDiagnoseDependencies extends AwsClientMakers, SourceDependencies, ConfigIo {
    readonly now: Date;
    /** Every warning, once, as it arises (the caller prints it). */
    readonly warn: (message: string) => void;
    /** Progress of the running query, and the seconds since the use case started. */
    readonly onInsightsProgress?: (progress: QueryProgress, elapsedSeconds: number) => void;
    readonly onAthenaProgress?: (progress: AthenaProgress, elapsedSeconds: number) => void;
    /** Aborted on Ctrl-C: the running query is stopped. */
    readonly signal?: AbortSignal;
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The diagnosis with what the live run adds: the query, the configuration, the ECS task, where each value came from. */
export type LiveReport = Diagnosis & {
    readonly query: QuerySummary | AthenaQuerySummary;
    readonly config?: ConfigReport;
    readonly ecsTask?: EcsTaskReport;
    readonly sources: InputSources;
};

/**
 * An AWS call failed (or something unforeseen broke) after the source was settled; `context` is
 * what the message needs: the log group or table, the region, the query sent, the action running.
 */
export class LiveAwsError extends Error {
    constructor(
        readonly cause: unknown,
        readonly context: AwsErrorContext,
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "LiveAwsError";
    }
}

/** Failures whose message already says all: the command prints it as it is. */
export function isPlainLiveFailure(err: unknown): err is Error {
    return err instanceof QueryError || err instanceof EcsLookupError || err instanceof PrefixListError || (err instanceof Error && err.name === "AthenaQueryError");
}

export async function diagnoseLiveRequest(request: LiveDiagnoseRequest, deps: LiveDiagnoseDependencies): Promise<LiveReport> {
    const { now } = deps;
    // Every warning said is in the report's `warnings` too, in the order said: the scope's, the
    // query runners' (a capped result) and the diagnosis's own all come through here.
    const warned: string[] = [];
    const say = deps.warn;
    const warn = (message: string) => {
        warned.push(message);
        say(message);
    };
    deps = { ...deps, warn };
    const asked = request.conversation;
    const source = await loadSource(request.source, deps);
    const env = deps.env ?? process.env;
    // A task ARN names its region; it applies when neither --region nor the stack says otherwise.
    const region = request.overrides.region ?? (source.region === undefined ? asked.task?.region : undefined);
    const overrides = { ...request.overrides, region };
    // A stack that delivers to S3 (or --athena-table) is queried through Athena, any other through Logs Insights.
    const athenaSource = isAthenaSource(source) ? source : undefined;
    const target = isAthenaSource(source) ? undefined : resolveLiveTarget(source, overrides, env);
    const settings = target ?? resolveQuerySettings(source, overrides, env);
    const formatWarning = unknownFieldsWarning(unknownFields(settings.format), request.overrides.format !== undefined ? "--format" : "The stack's logFormat");
    if (formatWarning !== undefined) warn(formatWarning);
    const logs = target === undefined ? undefined : await awsClient(deps, "logsClient", settings.region);
    const context: ErrorContext = {
        logGroupName: target?.logGroupName,
        athenaTable: athenaSource && `${athenaSource.database}.${athenaSource.table}`,
        workgroup: athenaSource?.workgroup,
        region: settings.region,
        query: undefined,
        action: undefined,
    };
    const started = Date.now();
    const elapsedSeconds = () => Math.round((Date.now() - started) / 1000);
    try {
        const { task, reasons } = await lookUpTask(request, settings.region, athenaSource !== undefined, deps, context);
        const taskTimes = task !== undefined && request.window === undefined ? taskWindow(task, now) : undefined;
        const window = taskTimes?.window ?? (request.window as TimeWindow);
        if (task !== undefined && window.end - window.start <= 0) {
            throw new UserInputError(`Task ${task.taskId}'s window is empty (${iso(window.start)} to ${iso(window.end)}): give one with --since or --start/--end.`);
        }

        const { src, dst: settled, port, dstIsS3 } = await settleEnds(asked, task, reasons, settings.region, deps, context);
        // Kept to the address families both sides have (a flow never changes family): refused when none.
        const families = matchAddressFamilies(
            { addresses: AddressSet.parse(src.value.join(","), "--src"), described: describeSide(src, "--src") },
            { addresses: AddressSet.parse(settled.value.join(","), "--dst"), described: describeSide(settled, "--dst"), expanded: dstIsS3 },
        );
        for (const message of families.warnings) warn(message);
        // Only what the user typed: addresses found from the task or S3's ranges have no host bits.
        if (src.from === "--src") for (const message of hostBitsWarnings(families.src, "--src")) warn(message);
        if (settled.from === "--dst") for (const message of hostBitsWarnings(families.dst, "--dst")) warn(message);
        const dst = { ...settled, value: families.dst.toStrings() };
        const conversation = {
            src: families.src,
            dst: families.dst,
            port: port.value,
            protocol: asked.protocol,
            dstIsS3,
            matchS3Service: dstIsS3 && carriesAwsServices(settings.format),
        };
        const eniId = asked.eni ?? task?.eniId;
        const sources: InputSources = {
            src: { ...src, value: families.src.toStrings() },
            dst,
            port,
            window: { value: { start: iso(window.start), end: iso(window.end) }, from: taskTimes?.from ?? "--since/--start/--end" },
            ...(eniId !== undefined ? { eni: { value: eniId, from: asked.eni !== undefined ? "--eni" : "the task's ENI, from ECS DescribeTasks" } } : {}),
        };

        // A paused stack's records stop where capture was paused: said when the window reaches past them.
        if (capturePaused(source)) {
            const paused = await import("../aws/pausedCapture");
            context.action = athenaSource ? "s3:ListBucket" : "logs:FilterLogEvents";
            const stop = athenaSource
                ? await paused.s3RecordsStop(await awsClient(deps, "s3Client", settings.region), athenaSource.recordsLocation, settings.region, now)
                : await paused.cloudWatchRecordsStop(logs!, (target as LiveTarget).logGroupName, settings.region, now);
            context.action = undefined;
            const message = paused.pausedCaptureWarning(window, stop);
            if (message !== undefined) warn(message);
        }

        const onQuery = (q: string) => (context.query = q);
        // What either query runner needs besides its client and its progress line.
        const running = { now, timeoutMs: request.timeoutMs, signal: deps.signal, sleep: deps.sleep, warn, onQuery };
        const { diagnosis, rows, nextStepsWith } =
            athenaSource !== undefined
                ? // Loaded only for S3 stacks, with the Athena client behind it.
                  await (await import("./athenaDiagnosis")).diagnoseAthena(
                      { ...settings, database: athenaSource.database, table: athenaSource.table, workgroup: athenaSource.workgroup },
                      conversation,
                      window,
                      { athena: await awsClient(deps, "athenaClient", settings.region), ...running, onProgress: (p) => deps.onAthenaProgress?.(p, elapsedSeconds()) },
                      { eniId },
                  )
                : await diagnoseLive(
                      target as LiveTarget,
                      conversation,
                      window,
                      { logs: logs!, ...running, onProgress: (p) => deps.onInsightsProgress?.(p, elapsedSeconds()) },
                      { eniId },
                  );
        const link = task && settings.format.fields.includes("ecs-task-id") ? linkRecordsToTask(rows, task.taskId) : undefined;
        const ecsTask = task ? ecsTaskReport(task, reasons, link) : undefined;
        // The interface to check is the one named or the task's; otherwise the records' own.
        const checked = await checkConfiguration(request.config && { ...request.config, eni: eniId }, diagnosis, conversation, deps, now, settings.region);
        const config = checked?.report;
        // The next steps again, now with the ids the check found instead of their placeholders.
        const flowLogSteps = checked?.known ? nextStepsWith(checked.known) : diagnosis.nextSteps;
        return {
            ...diagnosis,
            // The configuration check says its own on stderr, after everything above.
            warnings: [...warned, ...(checked?.warnings ?? [])],
            nextSteps: task ? [...taskNextSteps(reasons, settings.region), ...flowLogSteps] : flowLogSteps,
            ...(config ? { config } : {}),
            ...(ecsTask ? { ecsTask } : {}),
            sources,
        };
    } catch (err) {
        if (err instanceof UserInputError || isPlainLiveFailure(err)) throw err;
        throw new LiveAwsError(err, { ...context });
    }
}

/** What an AWS error's message needs; `action` and `query` follow the run. */
type ErrorContext = { -readonly [K in keyof AwsErrorContext]: AwsErrorContext[K] };

/** The ECS task of --ecs-task and what its stop reasons say, or nothing without one. */
async function lookUpTask(
    request: LiveDiagnoseRequest,
    logsRegion: string,
    athena: boolean,
    deps: LiveDiagnoseDependencies,
    context: ErrorContext,
): Promise<{ task?: EcsTaskFacts; reasons: ReasonFacts }> {
    const asked = request.conversation;
    if (asked.task === undefined) return { reasons: { dialTargets: [], services: [] } };
    const ecsRegion = request.overrides.region ?? asked.task.region ?? logsRegion;
    if (ecsRegion !== logsRegion) {
        deps.warn(`The task is in ${ecsRegion} and the ${athena ? "flow logs' Athena table" : "log group"} in ${logsRegion}: a flow log only records its own region's interfaces.`);
    }
    const cluster = asked.cluster ?? asked.task.cluster ?? DEFAULT_CLUSTER;
    const ecs = await awsClient(deps, "ecsClient", ecsRegion);
    context.action = "ecs:DescribeTasks";
    const task = await describeEcsTask(ecs, asked.task, cluster, ecsRegion);
    context.action = undefined;
    requireTaskEni(task, cluster);
    return { task, reasons: parseTaskReasons(taskReasons(task)) };
}

/**
 * The conversation's two ends and port, each with where it came from: the flags, the task's own
 * address, the addresses its stop reasons dialled, or every S3 range of the region.
 */
async function settleEnds(
    asked: LiveDiagnoseRequest["conversation"],
    task: EcsTaskFacts | undefined,
    reasons: ReasonFacts,
    region: string,
    deps: LiveDiagnoseDependencies,
    context: ErrorContext,
): Promise<{ src: Sourced<string[]>; dst: Sourced<string[]>; port: Sourced<number>; dstIsS3: boolean }> {
    const src: Sourced<string[]> = task
        ? { value: [task.privateIp as string], from: `the task's private IP on ${task.eniId} (${task.subnetId ?? "subnet unknown"}), from ECS DescribeTasks` }
        : { value: AddressSet.parse(asked.src as string, "--src").toStrings(), from: "--src" };

    let dst: Sourced<string[]>;
    let dstIsS3 = false;
    let port: Sourced<number> | undefined = asked.port === undefined ? undefined : { value: asked.port, from: "--port" };
    if (asked.dst !== undefined && "addresses" in asked.dst) {
        dst = { value: AddressSet.parse(asked.dst.addresses, "--dst").toStrings(), from: "--dst" };
    } else if (asked.dst === undefined && reasons.dialTargets.length > 0) {
        const from = `the task's stop reason: ${reasons.dialTargets.map((t) => `dial tcp ${t.address}:${t.port}`).join(", ")}`;
        dst = { value: reasons.dialTargets.map((t) => t.address), from };
        port ??= { value: reasons.dialTargets[0].port, from };
        if (new Set(reasons.dialTargets.map((t) => t.port)).size > 1) deps.warn(`The task's reasons name several ports; port ${port.value} is used (--port chooses another).`);
    } else {
        const s3Region = (asked.dst as S3Destination | undefined)?.region ?? region;
        let ranges: ResolvedRanges;
        if (asked.ipRanges !== undefined) {
            ranges = await readIpRangesFile(asked.ipRanges, s3Region);
        } else {
            const ec2 = await awsClient(deps, "ec2Client", s3Region);
            context.action = "ec2:DescribeManagedPrefixLists and ec2:GetManagedPrefixListEntries";
            ranges = await s3PrefixListRanges(ec2, s3Region);
            context.action = undefined;
        }
        const why = asked.dst === undefined ? "no address in the task's reasons, so every S3 range of the region: " : "";
        dst = { value: ranges.cidrs, from: why + ranges.from };
        dstIsS3 = true;
    }
    port ??= { value: 443, from: "default" };
    return { src, dst, port, dstIsS3 };
}

/** A side of the conversation for messages: the flag and its value, or the values and where they came from. */
function describeSide(side: Sourced<string[]>, flag: string): string {
    if (side.from === flag) return `${flag} ${side.value.join(",")}`;
    const shown = side.value.length > 3 ? `${side.value.slice(0, 3).join(",")} and ${side.value.length - 3} more` : side.value.join(",");
    return `${shown} (${side.from})`;
}

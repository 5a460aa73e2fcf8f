/**
 * A diagnosis straight from CloudWatch Logs: find the log group (from the stack or flags), check
 * it holds evidence for the window, run the server-side diagnosis query, and feed its rows to the
 * same engine that reads files. Missing return traffic inside the last minutes of the window is
 * not taken as proof of a routing problem: those records may not be delivered yet.
 */
import { chooseRegion } from "../core/region";
import { UserInputError, quote } from "../core/errors";
import { Diagnosis, NextStep, diagnose, serviceText } from "../verdict/classify";
import type { KnownIds } from "../verdict/advice";
import { TRAFFIC_TYPES_ALLOWED, TrafficType, trafficTypeOf } from "../core/trafficType";
import { Conversation, ConversationQuery } from "../evidence/conversation";
import { ConversationSelector, INSIGHTS_ROW_CAP, StreamScope, buildDiagnosisQuery, scopeToLogStreams, toRecordColumns } from "../queries/insightsQuery";
import { QueryBuilder, mergeSplitRows, planDiagnosisQueries } from "../queries/insightsQueryPlan";
import { INSIGHTS_QUERY_MAX_LENGTH } from "../queries/queryLimits";
import { feedInsightsResults } from "../evidence/insightsRows";
import { LogFormat, resolveLogFormat } from "../core/logFormat";
import { RawLineScanner } from "../evidence/rawLines";
import { TimeWindow, undeliveredFrom } from "../core/timeWindow";
import { LogsClient, QueryProgress, QueryResult, runInsightsQuery } from "../aws/insightsQueryRunner";
import { FlowLogSource } from "../aws/stackSource";
import { LogGroupFacts, findLogGroup, hasLogStreams, logStreamNames } from "../aws/logGroups";
import { epochToIso as iso } from "../core/isoTime";

/** Logs Insights list price per GB scanned (us-east-1); the README says to check your region's. */
export const INSIGHTS_USD_PER_GB = 0.005;

export interface LiveTarget {
    readonly logGroupName: string;
    readonly region: string;
    readonly format: LogFormat;
    readonly trafficType: TrafficType;
}

export interface LiveOverrides {
    readonly region?: string;
    readonly format?: string;
    readonly trafficType?: string;
}

/**
 * Settles where and what to query: flags given by hand win over the stack's outputs; the region
 * falls back to AWS_REGION / AWS_DEFAULT_REGION, as the AWS CLI does.
 */
export function resolveLiveTarget(source: FlowLogSource, overrides: LiveOverrides, env: NodeJS.ProcessEnv): LiveTarget {
    return { logGroupName: source.logGroupName, ...resolveQuerySettings(source, overrides, env) };
}

/** Region, format and filter of a live query, whichever service runs it. */
export function resolveQuerySettings(
    source: Pick<FlowLogSource, "region" | "logFormat" | "trafficType">,
    overrides: LiveOverrides,
    env: NodeJS.ProcessEnv,
): Omit<LiveTarget, "logGroupName"> {
    const region = chooseRegion(
        [
            { region: overrides.region, origin: "--region" },
            { region: source.region, origin: "region (stack output)" },
        ],
        env,
        "No AWS region: pass --region, set AWS_REGION, or use --stack so the stack's region is used.",
    );
    const format = resolveLogFormat(overrides.format ?? source.logFormat ?? "default", overrides.format !== undefined ? "--format" : "logFormat (stack output)", true);
    const trafficText = overrides.trafficType ?? source.trafficType ?? "ALL";
    const trafficType = trafficTypeOf(trafficText);
    if (!trafficType) throw new UserInputError(`Invalid --traffic-type ${quote(trafficText)}. Allowed: ${TRAFFIC_TYPES_ALLOWED}.`);
    return { region, format, trafficType };
}

export interface QuerySummary {
    readonly queryId: string;
    readonly logGroupName: string;
    readonly region: string;
    readonly window: { readonly start: string; readonly end: string };
    readonly recordsScanned: number;
    readonly recordsMatched: number;
    readonly bytesScanned: number;
    readonly costUsd: number;
    readonly rows: number;
    readonly capHit: boolean;
    /** The query sent; the first of them when it was split (then all are in queryStrings). */
    readonly queryString: string;
    /** Present when the query was split to fit StartQuery's length limit: how many ran, their ids and texts. Records and bytes above are their totals. */
    readonly queries?: number;
    readonly queryIds?: string[];
    readonly queryStrings?: string[];
    /** Present when the query read only some log streams (one ENI's). */
    readonly logStreams?: string[];
    /** Reported by Logs Insights when a field index let it skip data. */
    readonly bytesSkipped?: number;
    readonly recordsSkipped?: number;
}

export interface LiveRun extends StepsWithKnownIds {
    readonly diagnosis: Diagnosis & { readonly query: QuerySummary };
    /** The query's rows, with the engine's column names, for readers beyond the engine (ECS fields). */
    readonly rows: ReturnType<typeof toRecordColumns>;
}

/**
 * The next steps of a live diagnosis again, once the configuration check has found the workload's
 * ids (it runs after the diagnosis, which it needs). They follow the final verdict, routing
 * withheld for the undelivered tail included.
 */
export interface StepsWithKnownIds {
    readonly nextStepsWith: (known: KnownIds) => NextStep[];
}

export interface LiveDependencies {
    readonly logs: LogsClient;
    readonly now: Date;
    readonly warn: (message: string) => void;
    readonly onProgress?: (progress: QueryProgress) => void;
    readonly signal?: AbortSignal;
    readonly timeoutMs: number;
    /** Injected in tests so nothing waits for real. */
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    /** Told the exact query string before it runs, so an error can show the query AWS refused. */
    readonly onQuery?: (queryString: string) => void;
}

/** Limits the query to one interface's log streams (the ECS task's ENI, or --eni). */
export interface LiveScope {
    readonly eniId?: string;
}


export function queryCostUsd(bytesScanned: number): number {
    return Math.round((bytesScanned / 1e9) * INSIGHTS_USD_PER_GB * 1e6) / 1e6;
}

export function liveQueryString(target: LiveTarget, conversation: Pick<ConversationQuery, "src" | "dst" | "port" | "protocol" | "dstIsS3" | "matchS3Service">): string {
    return buildDiagnosisQuery(target.format, liveSelector(conversation));
}

function liveSelector(conversation: Pick<ConversationQuery, "src" | "dst" | "port" | "protocol" | "matchS3Service">): ConversationSelector {
    return {
        src: conversation.src.toStrings(),
        dst: conversation.dst.toStrings(),
        port: conversation.port,
        protocol: conversation.protocol,
        s3Service: conversation.matchS3Service,
    };
}

export async function diagnoseLive(
    target: LiveTarget,
    conversation: Pick<ConversationQuery, "src" | "dst" | "port" | "protocol" | "dstIsS3" | "matchS3Service">,
    window: TimeWindow,
    deps: LiveDependencies,
    scope: LiveScope = {},
): Promise<LiveRun> {
    const group = await checkEvidenceExists(target, window, deps);
    const streams = scope.eniId === undefined ? undefined : await eniStreamScope(target, scope.eniId, group, deps);

    const build: QueryBuilder = (sel, split) => {
        const query = buildDiagnosisQuery(target.format, sel, INSIGHTS_ROW_CAP, { portColumns: split });
        return streams ? scopeToLogStreams(query, streams) : query;
    };
    const plan = planDiagnosisQueries(build, liveSelector(conversation));
    const splitNote =
        plan.queries.length > 1
            ? `The query would be ${plan.fullLength} characters, over StartQuery's limit of ${INSIGHTS_QUERY_MAX_LENGTH} even with its CIDRs merged ` +
              `(${plan.terms?.before} address terms to ${plan.terms?.after}): it runs as ${plan.queries.length} queries, one after another, each over the whole window, ` +
              `so about ${plan.queries.length} times the bytes scanned and the cost of one query.`
            : undefined;
    if (splitNote !== undefined) deps.warn(splitNote);
    // One at a time: Logs Insights caps the queries running at once per account, and the runner
    // already waits when it is reached.
    const started = Date.now();
    const results: QueryResult[] = [];
    for (const queryString of plan.queries) {
        deps.onQuery?.(queryString);
        results.push(
            await runInsightsQuery(
                deps.logs,
                { logGroupName: target.logGroupName, startTime: window.start, endTime: window.end, queryString, limit: INSIGHTS_ROW_CAP },
                { timeoutMs: results.length === 0 ? deps.timeoutMs : Math.max(deps.timeoutMs - (Date.now() - started), 1), signal: deps.signal, onProgress: deps.onProgress, sleep: deps.sleep, now: () => Date.now() },
            ),
        );
    }
    const capped = results.filter((r) => r.capHit);
    for (const result of capped) {
        deps.warn(
            `The query returned ${result.rows.length} rows, Logs Insights' cap: some evidence is missing. Narrow the window (--since, --start/--end) or the addresses (--src, --dst).`,
        );
    }

    const rows = toRecordColumns(results.length === 1 ? results[0].rows : mergeSplitRows(results.map((r) => r.rows)));
    const { diagnosis: found, nextStepsWith } = diagnoseQueryRowsWithSteps(rows, conversation, window, target, deps, "flow logs reach CloudWatch Logs 5-10 minutes late");
    // Said with the diagnosis as well: the cost it multiplies is the user's.
    const diagnosis = splitNote !== undefined ? { ...found, warnings: [...found.warnings, splitNote] } : found;

    const total = (pick: (r: QueryResult) => number | undefined) =>
        results.some((r) => pick(r) !== undefined) ? results.reduce((n, r) => n + (pick(r) ?? 0), 0) : undefined;
    const bytesScanned = total((r) => r.statistics.bytesScanned) ?? 0;
    const bytesSkipped = total((r) => r.statistics.estimatedBytesSkipped);
    const recordsSkipped = total((r) => r.statistics.estimatedRecordsSkipped);
    const query: QuerySummary = {
        queryId: results[0].queryId,
        logGroupName: target.logGroupName,
        region: target.region,
        window: { start: iso(window.start), end: iso(window.end) },
        recordsScanned: total((r) => r.statistics.recordsScanned) ?? 0,
        recordsMatched: total((r) => r.statistics.recordsMatched) ?? 0,
        bytesScanned,
        costUsd: queryCostUsd(bytesScanned),
        rows: rows.length,
        capHit: capped.length > 0,
        queryString: plan.queries[0],
        ...(results.length > 1 ? { queries: results.length, queryIds: results.map((r) => r.queryId), queryStrings: [...plan.queries] } : {}),
        ...(streams ? { logStreams: [...streams.logStreams] } : {}),
        ...(bytesSkipped !== undefined ? { bytesSkipped } : {}),
        ...(recordsSkipped !== undefined ? { recordsSkipped } : {}),
    };
    return { diagnosis: { ...diagnosis, query }, rows, nextStepsWith };
}

/**
 * The verdict from the rows of a live query (Logs Insights or Athena), which already kept only the
 * conversation's protocol and port. Routing means "no reply", so it is withheld while the only
 * outbound evidence sits in the window's undelivered tail. Every warning also goes to `deps.warn`.
 */
export function diagnoseQueryRows(
    rows: ReturnType<typeof toRecordColumns>,
    conversation: Pick<ConversationQuery, "src" | "dst" | "port" | "protocol" | "dstIsS3" | "matchS3Service">,
    window: TimeWindow,
    target: { readonly format: LogFormat; readonly trafficType: TrafficType },
    deps: { readonly now: Date; readonly warn: (message: string) => void },
    deliveryLag: string,
): Diagnosis {
    return diagnoseQueryRowsWithSteps(rows, conversation, window, target, deps, deliveryLag).diagnosis;
}

/** diagnoseQueryRows, and the way to its next steps with the ids a configuration check finds later. */
export function diagnoseQueryRowsWithSteps(
    rows: ReturnType<typeof toRecordColumns>,
    conversation: Pick<ConversationQuery, "src" | "dst" | "port" | "protocol" | "dstIsS3" | "matchS3Service">,
    window: TimeWindow,
    target: { readonly format: LogFormat; readonly trafficType: TrafficType },
    deps: { readonly now: Date; readonly warn: (message: string) => void },
    deliveryLag: string,
): StepsWithKnownIds & { readonly diagnosis: Diagnosis } {
    const warnings: string[] = [];
    const warn = (message: string) => {
        warnings.push(message);
        deps.warn(message);
    };
    const settledUntil = undeliveredFrom(window, deps.now);
    if (settledUntil !== undefined) {
        warn(
            `The window's last ${Math.round((window.end - settledUntil) / 60)} min (from ${iso(settledUntil)}) may not be delivered yet: ` +
                `${deliveryLag}, so replies in that stretch may still be missing.`,
        );
    }
    const evidenceOf = (query: ConversationQuery) => {
        // The query kept only the conversation's protocol and port; its rows do not repeat them.
        const acc = new Conversation({ ...query, filteredOnProtocolAndPort: true });
        feedInsightsResults(rows, acc, new RawLineScanner(acc, query.src, query.dst, target.format));
        return acc.evidence();
    };
    const evidence = evidenceOf({ ...conversation, window: { start: window.start, end: window.end } });
    const flowLogsAlone = diagnose(evidence, { trafficType: target.trafficType, warnings });
    let withheldUntil: number | undefined;
    if (flowLogsAlone.verdict === "routing" && settledUntil !== undefined) {
        const settled = diagnose(evidenceOf({ ...conversation, window: { start: window.start, end: settledUntil } }), { trafficType: target.trafficType, warnings });
        if (settled.verdict !== "routing") withheldUntil = settledUntil;
    }
    // The final verdict, decided once above; known ids change only the words of the next steps.
    const final = (d: Diagnosis) => (withheldUntil === undefined ? d : notYetRouting(d, withheldUntil));
    const diagnosis = final(flowLogsAlone);
    // Warnings about the evidence itself (a traffic type the records contradict) arise only in the
    // diagnosis; they reach stderr like the others.
    for (const message of diagnosis.warnings.slice(warnings.length)) deps.warn(message);
    return { diagnosis, nextStepsWith: (known) => final(diagnose(evidence, { trafficType: target.trafficType, warnings, known })).nextSteps };
}

/** The outbound packets all fall in the undelivered tail: their replies may simply not be in yet. */
export function notYetRouting(d: Diagnosis, settledUntil: number): Diagnosis {
    const rerunAt = iso(settledUntil + 10 * 60 + 60);
    return {
        ...d,
        verdict: "inconclusive",
        summary:
            `Packets from ${d.conversation.src.join(",")} to ${serviceText(d.conversation.dst, d.conversation.port, d.conversation.protocol)} were accepted on the way out and no reply is logged yet, ` +
            `but they were sent after ${iso(settledUntil)}, within the delivery lag: the replies may not be delivered yet.`,
        confidence: "low",
        confidenceReason: "missing return traffic inside the last 10 minutes of the window is not evidence: flow logs are delivered 5-10 minutes late",
        nextSteps: [{ step: `Run the same command again after ${rerunAt}, or with --end ${iso(settledUntil)} for only delivered records.`, commands: [] }, ...d.nextSteps],
    };
}

/**
 * Before paying for a query: the group exists (else a clear not-found), it has streams, and the
 * window does not start before the group did.
 */
async function checkEvidenceExists(target: LiveTarget, window: TimeWindow, deps: LiveDependencies): Promise<LogGroupFacts> {
    const group = await findLogGroup(deps.logs, target.logGroupName);
    if (!group) {
        throw Object.assign(new Error(`Log group ${target.logGroupName} not found`), { name: "ResourceNotFoundException" });
    }
    if (group.creationTime !== undefined && window.start * 1000 < group.creationTime) {
        deps.warn(
            `The window starts at ${iso(window.start)}, before the log group was created (${iso(Math.floor(group.creationTime / 1000))}): nothing before then was logged.`,
        );
    }
    if (!(await hasLogStreams(deps.logs, target.logGroupName))) {
        deps.warn(
            `Log group ${target.logGroupName} has no log streams: the flow log has delivered nothing yet. 'vpc-flow-diagnose status' shows its delivery status.`,
        );
    }
    return group;
}

/**
 * The ENI's streams, by name prefix: a flow log names them `<eni-id>-<traffic type>`, and two flow
 * logs with different filters on one ENI write two streams. When the ENI has none, the whole group
 * is queried (with a warning): nothing was delivered for it, and other ENIs (a NAT gateway's) may
 * still show the conversation.
 */
async function eniStreamScope(target: LiveTarget, eniId: string, group: LogGroupFacts, deps: LiveDependencies): Promise<StreamScope | undefined> {
    const names = (await logStreamNames(deps.logs, target.logGroupName, eniId)).filter((n) => n.startsWith(eniId + "-"));
    if (names.length === 0) {
        deps.warn(
            `Log group ${target.logGroupName} has no log stream for ${eniId}: no flow log covers that interface, or nothing was delivered for it yet. ` +
                "The whole log group is queried instead (all its interfaces are scanned, and paid for).",
        );
        return undefined;
    }
    // Field indexes, @logStream among the defaults, exist for the Standard log class only.
    const indexed = group.logGroupClass === undefined || group.logGroupClass === "STANDARD";
    if (!indexed) {
        deps.warn(`Log group ${target.logGroupName} is in the ${group.logGroupClass} log class, which has no field indexes: the query filters on ${eniId}'s streams but scans the whole group.`);
    }
    return { logStreams: names, indexed };
}

/**
 * `vpc-flow-diagnose status`: is anything arriving? Each flow log's state and delivery status with
 * AWS's own error text, the log group's size, streams (one per ENI), the newest record read from the
 * group itself, and what to check when nothing arrives (the VPC guide's "no logs" troubleshooting).
 *
 * A stream's `lastEventTimestamp` "updates on an eventual consistency basis. It typically updates in
 * less than an hour from ingestion" (CloudWatch Logs API reference, LogStream): it is shown, never
 * judged. Whether records stopped is judged only from a record read with FilterLogEvents.
 */
import { DescribeFlowLogsCommand, EC2Client, Filter, FlowLog } from "@aws-sdk/client-ec2";
import { CloudWatchLogsClient, DescribeLogGroupsCommand, DescribeLogStreamsCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CaptureState, FlowLogSource } from "./stackSource";
import { explainCallerAwsError, isAccessDenied } from "./awsErrors";

export type Ec2Client = Pick<EC2Client, "send">;
export type CwlClient = Pick<CloudWatchLogsClient, "send">;

export interface FlowLogState {
    readonly flowLogId: string;
    readonly resourceId: string;
    readonly flowLogStatus: string;
    readonly deliverLogsStatus: string;
    readonly deliverLogsErrorMessage?: string;
    readonly trafficType: string;
    readonly createdAt?: string;
    /** Seconds (60 or 600); a record's time is its start, so it arrives at least this long after. */
    readonly maxAggregationInterval?: number;
}

/** What reading the log group's newest record found: FilterLogEvents, newest first, since `since`. */
export type NewestRecord =
    | {
          readonly outcome: "read";
          readonly since: string;
          /** The record's time (its start, for flow logs), when it reached CloudWatch Logs, and its stream. */
          readonly timestamp: string;
          readonly ingestionTime?: string;
          readonly logStreamName?: string;
          readonly ageMinutes: number;
          readonly pagesRead: number;
      }
    /** The whole window was searched (no nextToken) and holds no record. */
    | { readonly outcome: "none"; readonly since: string; readonly pagesRead: number }
    /** MAX_RECORD_PAGES pages came back empty with a nextToken still: nothing is known. */
    | { readonly outcome: "unknown"; readonly since: string; readonly pagesRead: number }
    | { readonly outcome: "denied"; readonly reason: string };

export interface StatusReport {
    readonly logGroupName: string;
    readonly region: string;
    readonly flowLogs: FlowLogState[];
    readonly logGroupExists: boolean;
    readonly storedBytes?: number;
    readonly retentionInDays?: number;
    /** Streams seen, capped at STREAM_SAMPLE. */
    readonly logStreams: number;
    readonly moreStreams: boolean;
    /** The streams' lastEventTimestamp: eventually consistent, so shown and not judged. */
    readonly streamMetadataNewestEvent?: string;
    /** Read when the group has streams. */
    readonly newestRecord?: NewestRecord;
    /** The stack's `capture` output (`on` when it has none). */
    readonly capture: CaptureState;
    /** With capture paused: that no record is expected, where the records stop, how to resume. */
    readonly captureNote?: string;
    readonly findings: string[];
}

/** DescribeLogStreams returns at most 50 per call; the newest 50 are enough to judge delivery. */
export const STREAM_SAMPLE = 50;
/** Delivery's allowance: "about 5-10 minutes, best effort" (VPC guide), with room for a late batch. */
export const STALE_MS = 15 * 60 * 1000;
/** How far back the newest record is looked for, and the pages of one FilterLogEvents walk. */
export const RECORD_LOOKBACK_HOURS = 24;
/** FilterLogEvents may answer empty pages with a nextToken; a bounded walk, then "not known". */
export const MAX_RECORD_PAGES = 10;
/** AWS's default maximum aggregation interval, for a flow log that does not say its own. */
const DEFAULT_AGGREGATION_SECONDS = 600;

export async function collectStatus(
    ec2: Ec2Client,
    logs: CwlClient,
    source: FlowLogSource & { readonly region: string },
    now: Date,
): Promise<StatusReport> {
    const ids = source.flowLogIds ? Object.values(source.flowLogIds) : [];
    const filters: Filter[] = ids.length > 0 ? [{ Name: "flow-log-id", Values: ids }] : [{ Name: "log-group-name", Values: [source.logGroupName] }];
    const flowLogsResponse = await ec2.send(new DescribeFlowLogsCommand({ Filter: filters }));
    const flowLogs: FlowLogState[] = (flowLogsResponse.FlowLogs ?? []).map(toFlowLogState);

    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: source.logGroupName, limit: 50 }));
    const group = (groups.logGroups ?? []).find((g) => g.logGroupName === source.logGroupName);
    let logStreams = 0;
    let newestEventMs: number | undefined;
    let newestRecord: NewestRecord | undefined;
    if (group) {
        const streams = await logs.send(
            new DescribeLogStreamsCommand({ logGroupName: source.logGroupName, orderBy: "LastEventTime", descending: true, limit: STREAM_SAMPLE }),
        );
        logStreams = streams.logStreams?.length ?? 0;
        newestEventMs = streams.logStreams?.map((s) => s.lastEventTimestamp ?? 0).reduce((a, b) => Math.max(a, b), 0) || undefined;
        if (logStreams > 0) newestRecord = await readNewestRecord(logs, source.logGroupName, source.region, now);
    }

    const report = {
        logGroupName: source.logGroupName,
        region: source.region,
        flowLogs,
        logGroupExists: group !== undefined,
        storedBytes: group?.storedBytes,
        retentionInDays: group?.retentionInDays,
        logStreams,
        moreStreams: logStreams >= STREAM_SAMPLE,
        streamMetadataNewestEvent: newestEventMs ? new Date(newestEventMs).toISOString() : undefined,
        newestRecord,
        capture: source.capture ?? "on",
    };
    const captureNote = report.capture === "paused" ? pausedCaptureNote(report) : undefined;
    return { ...report, ...(captureNote !== undefined ? { captureNote } : {}), findings: statusFindings(report, now) };
}

/** How to turn capture back on; the stack's own config key (Pulumi.yaml `capture`). */
export const RESUME_COMMAND = "pulumi config set capture true && pulumi up";

/**
 * A paused stack has no flow log by design: say so, and where its records stop (the newest one read,
 * since the outputs do not say when capture was paused).
 */
function pausedCaptureNote(r: Omit<StatusReport, "findings" | "captureNote">): string {
    const record = r.newestRecord;
    const stop = !r.logGroupExists
        ? ""
        : r.logStreams === 0
          ? "; it holds no record (no log streams), so nothing was captured before the pause"
          : record?.outcome === "read"
            ? `; the records stop at the newest, which starts at ${record.timestamp} (${record.ageMinutes} min ago)`
            : record?.outcome === "none"
              ? `; none arrived since ${record.since}, so the records stop before then`
              : "";
    return (
        `Capture is paused by the stack (capture=false): it has no flow log, so no record arrives and none is expected. ` +
        `The records already in ${r.logGroupName} stay readable (diagnose still queries them) until its retention expires them${stop}. ` +
        `Resume with '${RESUME_COMMAND}'.`
    );
}

export function toFlowLogState(f: FlowLog): FlowLogState {
    return {
        flowLogId: f.FlowLogId ?? "?",
        resourceId: f.ResourceId ?? "?",
        flowLogStatus: f.FlowLogStatus ?? "?",
        deliverLogsStatus: f.DeliverLogsStatus ?? "?",
        deliverLogsErrorMessage: f.DeliverLogsErrorMessage,
        trafficType: f.TrafficType ?? "?",
        createdAt: f.CreationTime?.toISOString(),
        ...(f.MaxAggregationInterval !== undefined ? { maxAggregationInterval: f.MaxAggregationInterval } : {}),
    };
}

/**
 * The log group's newest record: FilterLogEvents with `startFromHead: false` returns the latest
 * events first (API reference; needs a startTime on or after 2024-01-01), `limit: 1` one of them.
 * A page may be empty while a nextToken says more remains, so the walk follows at most
 * MAX_RECORD_PAGES pages and then says it does not know. A denied call is reported, not fatal:
 * the rest of status still stands.
 */
export async function readNewestRecord(logs: CwlClient, logGroupName: string, region: string, now: Date): Promise<NewestRecord> {
    const startTime = now.getTime() - RECORD_LOOKBACK_HOURS * 3600 * 1000;
    const since = new Date(startTime).toISOString();
    let nextToken: string | undefined;
    for (let page = 1; page <= MAX_RECORD_PAGES; page++) {
        let answer;
        try {
            answer = await logs.send(new FilterLogEventsCommand({ logGroupName, startTime, startFromHead: false, limit: 1, ...(nextToken ? { nextToken } : {}) }));
        } catch (err) {
            if (!isAccessDenied(err)) throw err;
            const needs = { who: "Reading the newest record", actions: ["logs:FilterLogEvents"] };
            return { outcome: "denied", reason: (explainCallerAwsError(err, { region, action: "logs:FilterLogEvents", needs }) as string).replace(/\n/g, " ") };
        }
        const event = (answer.events ?? []).find((e) => e.timestamp !== undefined);
        if (event) {
            const timestamp = event.timestamp as number;
            return {
                outcome: "read",
                since,
                timestamp: new Date(timestamp).toISOString(),
                ...(event.ingestionTime !== undefined ? { ingestionTime: new Date(event.ingestionTime).toISOString() } : {}),
                ...(event.logStreamName !== undefined ? { logStreamName: event.logStreamName } : {}),
                ageMinutes: Math.floor((now.getTime() - timestamp) / 60000),
                pagesRead: page,
            };
        }
        nextToken = answer.nextToken;
        if (!nextToken) return { outcome: "none", since, pagesRead: page };
    }
    return { outcome: "unknown", since, pagesRead: MAX_RECORD_PAGES };
}

/**
 * How old the newest record may be while delivery is on time: a flow-log record's time is its
 * start, it closes at most one aggregation interval later, and delivery then takes STALE_MS at most.
 */
export function recordAllowanceMs(flowLogs: readonly FlowLogState[]): number {
    const intervals = flowLogs.map((f) => f.maxAggregationInterval ?? DEFAULT_AGGREGATION_SECONDS);
    const longest = intervals.length > 0 ? Math.max(...intervals) : DEFAULT_AGGREGATION_SECONDS;
    return longest * 1000 + STALE_MS;
}

/** What to do next, from the facts alone; empty when delivery looks healthy. */
export function statusFindings(r: Omit<StatusReport, "findings" | "captureNote">, now: Date): string[] {
    const findings: string[] = [];
    if (!r.logGroupExists) {
        findings.push(`Log group ${r.logGroupName} does not exist in ${r.region}: deploy the stack ('pulumi up') or check --region.`);
    }
    // Paused: no flow log, no new record and no stream are the expected state, not findings.
    if (r.capture === "paused") {
        if (r.flowLogs.length > 0) findings.push(foreignFlowLogsFinding(r.flowLogs, r.logGroupName));
        return findings;
    }
    if (r.flowLogs.length === 0) {
        findings.push(`No flow log delivers to ${r.logGroupName} in ${r.region}: run 'pulumi up', or check --region.`);
    }
    for (const f of r.flowLogs) {
        if (f.deliverLogsStatus === "FAILED") {
            const access = /access/i.test(f.deliverLogsErrorMessage ?? "");
            findings.push(
                `Flow log ${f.flowLogId} (${f.resourceId}) cannot deliver: ${f.deliverLogsErrorMessage ?? "no reason given"}.` +
                    (access
                        ? " Check that the delivery policy is attached to the role, covers '<logGroupArn>:*', and that the role trusts vpc-flow-logs.amazonaws.com; with a KMS key, that the key policy allows logs.<region>.amazonaws.com."
                        : " See the flow log in the VPC console for details."),
            );
        }
        if (f.flowLogStatus !== "ACTIVE") findings.push(`Flow log ${f.flowLogId} is ${f.flowLogStatus}, not ACTIVE.`);
    }
    if (r.logGroupExists && r.logStreams === 0) {
        const newest = r.flowLogs.map((f) => (f.createdAt ? Date.parse(f.createdAt) : 0)).reduce((a, b) => Math.max(a, b), 0);
        const minutes = newest ? Math.floor((now.getTime() - newest) / 60000) : undefined;
        findings.push(
            "No log streams yet: one appears per network interface once it has traffic and records are delivered. " +
                (minutes !== undefined && minutes < 10
                    ? `The newest flow log was created ${minutes} min ago; delivery takes 5-10 minutes.`
                    : "Is there traffic on the logged interfaces? Is this the stack's region?"),
        );
    } else if (r.newestRecord !== undefined) {
        const finding = newestRecordFinding(r, r.newestRecord, now);
        if (finding !== undefined) findings.push(finding);
    }
    return findings;
}

/** Flow logs found on the group of a paused stack were made by something else, and still cost ingest. */
export function foreignFlowLogsFinding(flowLogs: readonly FlowLogState[], destination: string): string {
    const names = flowLogs.map((f) => `${f.flowLogId} (${f.resourceId})`).join(", ");
    return (
        `${names} ${flowLogs.length === 1 ? "delivers" : "deliver"} to ${destination} although the stack's capture is paused: not this stack's flow log${flowLogs.length === 1 ? "" : "s"}, ` +
        "so its records keep arriving and costing ingest. Delete it in the VPC console if it is not wanted."
    );
}

/** What the newest record read says about delivery; undefined when it is recent enough. */
function newestRecordFinding(r: Omit<StatusReport, "findings" | "captureNote">, record: NewestRecord, now: Date): string | undefined {
    const metadata =
        r.streamMetadataNewestEvent === undefined
            ? ""
            : ` The streams' metadata gives ${r.streamMetadataNewestEvent} as the newest event, a value CloudWatch Logs updates eventually (typically within an hour), so it is not used to judge.`;
    switch (record.outcome) {
        case "read": {
            const allowance = recordAllowanceMs(r.flowLogs);
            if (now.getTime() - Date.parse(record.timestamp) <= allowance) return undefined;
            return (
                `No traffic recorded lately: the newest record in ${r.logGroupName} (read with FilterLogEvents) starts at ${record.timestamp}, ${record.ageMinutes} min ago` +
                `${record.logStreamName ? `, in ${record.logStreamName}` : ""}; records arrive within about ${allowance / 60000} min (aggregation interval plus delivery). ${deliveryClause(r.flowLogs)}`
            );
        }
        case "none":
            return `No traffic recorded lately: FilterLogEvents found no record in ${r.logGroupName} since ${record.since} (${RECORD_LOOKBACK_HOURS} hours). ${deliveryClause(r.flowLogs)}${metadata}`;
        case "unknown":
            return (
                `Not known whether traffic was recorded lately: FilterLogEvents returned ${record.pagesRead} empty pages for the last ${RECORD_LOOKBACK_HOURS} hours with more to read.${metadata} ` +
                `Look for any record since then: aws logs filter-log-events --log-group-name ${r.logGroupName} --start-time ${Date.parse(record.since)} --max-items 1 --region ${r.region}`
            );
        case "denied":
            return `Records not read: ${record.reason} Without it status cannot tell whether records still arrive.${metadata}`;
    }
}

/** What the flow logs themselves report, for a log group without recent records. */
function deliveryClause(flowLogs: readonly FlowLogState[]): string {
    const names = (fs: readonly FlowLogState[]) => fs.map((f) => f.flowLogId).join(", ");
    const failed = flowLogs.filter((f) => f.deliverLogsStatus === "FAILED");
    const inactive = flowLogs.filter((f) => f.flowLogStatus !== "ACTIVE");
    if (flowLogs.length === 0) return "No flow log delivers to it (see above).";
    if (failed.length > 0) return `Delivery stopped: ${names(failed)} report${failed.length === 1 ? "s" : ""} delivery FAILED (see above).`;
    if (inactive.length > 0) return `${names(inactive)} ${inactive.length === 1 ? "is" : "are"} not ACTIVE (see above).`;
    const filters = [...new Set(flowLogs.map((f) => f.trafficType))].join(", ");
    return (
        `Every flow log is ACTIVE and reports delivery SUCCESS, so the logged interfaces had no traffic that the filter (${filters}) records, ` +
        "or delivery is late (it is best effort): make some traffic and run status again in 10 minutes."
    );
}

function newestRecordText(record: NewestRecord): string {
    switch (record.outcome) {
        case "read":
            return (
                `${record.timestamp}, ${record.ageMinutes} min ago${record.logStreamName ? `, in ${record.logStreamName}` : ""}` +
                `${record.ingestionTime ? ` (ingested ${record.ingestionTime})` : ""}, read with FilterLogEvents`
            );
        case "none":
            return `none since ${record.since} (FilterLogEvents searched ${RECORD_LOOKBACK_HOURS} hours)`;
        case "unknown":
            return `not found in ${record.pagesRead} pages since ${record.since} (FilterLogEvents had more to read)`;
        case "denied":
            return "not read (logs:FilterLogEvents was denied)";
    }
}

export function renderStatus(r: StatusReport): string {
    const lines = [`Flow logs delivering to ${r.logGroupName} (${r.region})`, ""];
    if (r.flowLogs.length === 0) lines.push(r.capture === "paused" ? PAUSED_LINE : "  no flow logs found");
    for (const f of r.flowLogs) {
        const error = f.deliverLogsErrorMessage ? ` (${f.deliverLogsErrorMessage})` : "";
        lines.push(`  ${f.flowLogId}  ${f.resourceId}  ${f.flowLogStatus}  delivery ${f.deliverLogsStatus}${error}  filter ${f.trafficType}`);
    }
    lines.push("");
    if (r.logGroupExists) {
        lines.push(
            `Log group: ${r.storedBytes ?? 0} bytes stored, retention ${r.retentionInDays ?? "never expires"}${r.retentionInDays ? " days" : ""}, ` +
                `${r.logStreams}${r.moreStreams ? "+" : ""} log streams (ENIs)`,
        );
        if (r.newestRecord !== undefined) lines.push(`Newest record: ${newestRecordText(r.newestRecord)}`);
        if (r.logStreams > 0) lines.push(`Stream metadata: newest event ${r.streamMetadataNewestEvent ?? "none"} (eventually consistent, not used to judge)`);
    } else {
        lines.push("Log group: not found");
    }
    lines.push("");
    lines.push(...statusEnding(r));
    return lines.join("\n") + "\n";
}

/** The flow-log list of a paused stack with none: the state, not a fault. */
export const PAUSED_LINE = "  none: capture is paused by the stack (capture=false)";

/** The closing lines of either status: the paused note, then what to check (or that all is well). */
export function statusEnding(r: { readonly captureNote?: string; readonly findings: readonly string[] }): string[] {
    const lines = r.captureNote !== undefined ? [r.captureNote] : [];
    if (r.findings.length > 0) return [...lines, ...(lines.length > 0 ? [""] : []), "What to check:", ...r.findings.map((f) => `  - ${f}`)];
    return lines.length > 0 ? lines : ["Delivery looks healthy."];
}

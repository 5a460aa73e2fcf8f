/**
 * Runs one Logs Insights query to the end: StartQuery, then GetQueryResults polled with backoff
 * until Complete (the SDK has no waiter for queries). Bounded in time, cancellable (StopQuery is
 * called on the way out), and patient with the per-account limit on concurrent queries.
 */
import {
    CloudWatchLogsClient,
    GetQueryResultsCommand,
    QueryStatistics,
    ResultField,
    StartQueryCommand,
    StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { insightsQueryTooLong } from "../queries/queryLimits";
import { PollOptions, queryPolling } from "./polling";

/** Only the call this module makes; a real client or aws-sdk-client-mock's both fit. */
export type LogsClient = Pick<CloudWatchLogsClient, "send">;

export interface QueryRequest {
    readonly logGroupName: string;
    /** Epoch seconds, as StartQuery takes them. */
    readonly startTime: number;
    readonly endTime: number;
    readonly queryString: string;
    readonly limit: number;
}

export interface QueryProgress {
    readonly status: string;
    readonly recordsScanned: number;
    readonly bytesScanned: number;
    readonly elapsedMs: number;
}

export interface QueryResult {
    readonly queryId: string;
    readonly rows: ResultField[][];
    readonly statistics: Required<Pick<QueryStatistics, "recordsMatched" | "recordsScanned" | "bytesScanned">> &
        Pick<QueryStatistics, "estimatedBytesSkipped" | "estimatedRecordsSkipped">;
    /** True when the query returned as many rows as it was allowed: there may be more. */
    readonly capHit: boolean;
}

/** `timeoutMs` counts from StartQuery on. */
export interface RunnerOptions extends PollOptions {
    readonly onProgress?: (progress: QueryProgress) => void;
}

/** Why a query did not give a usable answer; `kind` lets the CLI pick the message. */
export class QueryError extends Error {
    constructor(
        readonly kind: "Failed" | "Cancelled" | "Timeout" | "Unknown" | "TimedOutWaiting" | "Interrupted" | "TooManyQueries" | "TooLong",
        message: string,
    ) {
        super(message);
        this.name = "QueryError";
    }
}

/** Errors that mean the query is no longer running: Logs Insights ended it, or the timeout stopped it. */
const SETTLED: readonly QueryError["kind"][] = ["Failed", "Cancelled", "Timeout", "TimedOutWaiting"];

/** Errors worth retrying after a pause: too many concurrent queries, throttling, a passing outage. */
const RETRYABLE = new Set(["LimitExceededException", "ThrottlingException", "TooManyRequestsException", "ServiceUnavailableException"]);


export async function runInsightsQuery(client: LogsClient, request: QueryRequest, options: RunnerOptions): Promise<QueryResult> {
    const { now, started, sendWithRetry, poll } = queryPolling(options, {
        retryable: RETRYABLE,
        interrupted: () => new QueryError("Interrupted", "Interrupted: the query was stopped."),
        gaveUp: (name, attempts) =>
            new QueryError(
                "TooManyQueries",
                name === "LimitExceededException"
                    ? `Logs Insights refused the query ${attempts} times: too many queries are running in this account. Wait for them to finish (or stop them in the console) and try again.`
                    : `Logs Insights is throttling requests (${name}), ${attempts} attempts made. Try again in a minute.`,
            ),
    });

    // Every Insights query passes here, so none reaches StartQuery over its length limit.
    const tooLong = insightsQueryTooLong(request.queryString);
    if (tooLong !== undefined) throw new QueryError("TooLong", tooLong);
    const start = await sendWithRetry(() =>
        client.send(
            new StartQueryCommand({
                logGroupName: request.logGroupName,
                startTime: request.startTime,
                endTime: request.endTime,
                queryString: request.queryString,
                limit: request.limit,
            }),
        ),
    );
    const queryId = start.queryId;
    if (!queryId) throw new QueryError("Unknown", "StartQuery returned no query id.");

    const stop = async () => {
        try {
            await client.send(new StopQueryCommand({ queryId }));
        } catch {
            // The query may have finished meanwhile; nothing is left to stop then.
        }
    };

    return poll<QueryResult>({
        check: async () => {
            const response = await sendWithRetry(() => client.send(new GetQueryResultsCommand({ queryId })));
            const statistics = {
                recordsMatched: response.statistics?.recordsMatched ?? 0,
                recordsScanned: response.statistics?.recordsScanned ?? 0,
                bytesScanned: response.statistics?.bytesScanned ?? 0,
            };
            const status = response.status ?? "Unknown";
            options.onProgress?.({ status, recordsScanned: statistics.recordsScanned, bytesScanned: statistics.bytesScanned, elapsedMs: now() - started });
            switch (status) {
                case "Complete": {
                    const rows = response.results ?? [];
                    // Reported only when the query used a field index (API reference, QueryStatistics).
                    const skipped = {
                        ...(response.statistics?.estimatedBytesSkipped !== undefined ? { estimatedBytesSkipped: response.statistics.estimatedBytesSkipped } : {}),
                        ...(response.statistics?.estimatedRecordsSkipped !== undefined ? { estimatedRecordsSkipped: response.statistics.estimatedRecordsSkipped } : {}),
                    };
                    return { queryId, rows, statistics: { ...statistics, ...skipped }, capHit: rows.length >= request.limit };
                }
                case "Scheduled":
                case "Running":
                    return undefined;
                case "Failed":
                    throw new QueryError("Failed", `The Logs Insights query failed (query id ${queryId}). Check the query and the log group, then try again.`);
                case "Cancelled":
                    throw new QueryError("Cancelled", `The Logs Insights query was cancelled by someone else (query id ${queryId}).`);
                case "Timeout":
                    throw new QueryError(
                        "Timeout",
                        `Logs Insights gave up on the query after its 60-minute limit (query id ${queryId}). Narrow the time window or the addresses.`,
                    );
                default:
                    throw new QueryError("Unknown", `Logs Insights reported status '${status}' for query ${queryId}; its result cannot be trusted.`);
            }
        },
        stop,
        timedOut: () =>
            new QueryError(
                "TimedOutWaiting",
                `The query did not complete within ${Math.round(options.timeoutMs / 1000)} s and was stopped (query id ${queryId}). Narrow the window, or allow longer with --timeout.`,
            ),
        // Anything but an end Logs Insights reported (or the timeout, which stopped it already)
        // leaves the query running and scanning at the user's cost.
        settled: (err) => err instanceof QueryError && SETTLED.includes(err.kind),
    });
}

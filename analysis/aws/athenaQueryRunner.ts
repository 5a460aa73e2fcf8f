/**
 * Runs one Athena query to the end: StartQueryExecution in the workgroup (its result location and
 * bytes-scanned cutoff apply), GetQueryExecution polled with backoff until SUCCEEDED, then every page
 * of GetQueryResults. Bounded in time, cancellable (StopQueryExecution on the way out), patient with
 * throttling. States and fields: Athena API reference, QueryExecutionStatus (QUEUED, RUNNING,
 * SUCCEEDED, FAILED, CANCELLED; StateChangeReason, AthenaError) and GetQueryResults (the first row
 * of a SELECT's first page holds the column names).
 */
import {
    AthenaClient,
    GetQueryExecutionCommand,
    GetQueryResultsCommand,
    StartQueryExecutionCommand,
    StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { athenaQueryTooLong } from "../queries/queryLimits";
import { PollOptions, queryPolling } from "./polling";

export type AthenaApi = Pick<AthenaClient, "send">;

export interface AthenaQueryRequest {
    readonly queryString: string;
    readonly workGroup: string;
    readonly database: string;
    /** Rows the query may return at most (its LIMIT): as many rows means there may be more. */
    readonly limit: number;
}

export interface AthenaProgress {
    readonly state: string;
    readonly bytesScanned: number;
    readonly elapsedMs: number;
}

export interface AthenaQueryResult {
    readonly queryExecutionId: string;
    readonly columns: string[];
    readonly rows: (string | undefined)[][];
    readonly bytesScanned: number;
    readonly capHit: boolean;
}

export interface AthenaRunnerOptions extends PollOptions {
    readonly onProgress?: (progress: AthenaProgress) => void;
}

export type AthenaErrorKind = "Failed" | "Cancelled" | "CutoffExceeded" | "AccessDenied" | "TimedOutWaiting" | "Interrupted" | "Throttled" | "TooLong" | "Unknown";

/** Errors that mean the query is no longer running: Athena ended it, or the timeout stopped it. */
const SETTLED: readonly AthenaErrorKind[] = ["Failed", "Cancelled", "CutoffExceeded", "AccessDenied", "TimedOutWaiting"];

/** Why a query gave no usable answer; the message says what to do. */
export class AthenaQueryError extends Error {
    constructor(
        readonly kind: AthenaErrorKind,
        message: string,
    ) {
        super(message);
        this.name = "AthenaQueryError";
    }
}

/** What the person running the diagnosis needs for an Athena query, named when one is missing. */
export const ATHENA_QUERY_ACTIONS = [
    "athena:StartQueryExecution",
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:StopQueryExecution",
    "glue:GetDatabase",
    "glue:GetTable",
    "s3:GetObject and s3:ListBucket on the flow-log bucket",
    "s3:GetBucketLocation, s3:GetObject and s3:PutObject on the workgroup's result location",
    // The stack encrypts both buckets and the query results with kmsKeyArn when it is set.
    "kms:Decrypt and kms:GenerateDataKey on the stack's KMS key, when it has one (kmsKeyArn)",
];

const RETRYABLE = new Set(["TooManyRequestsException", "ThrottlingException", "ServiceUnavailableException", "InternalServerException"]);
/** Athena cancels a query that reaches the workgroup's BytesScannedCutoffPerQuery with this reason. */
const CUTOFF_REASON = /bytes scanned limit was exceeded|bytesscannedcutoffperquery/i;
const ACCESS_REASON = /access denied|permission denied|not authorized|AccessDenied/i;
const PAGE_SIZE = 1000;

export async function runAthenaQuery(client: AthenaApi, request: AthenaQueryRequest, options: AthenaRunnerOptions): Promise<AthenaQueryResult> {
    const { now, started, sendWithRetry, poll } = queryPolling(options, {
        retryable: RETRYABLE,
        interrupted: () => new AthenaQueryError("Interrupted", "Interrupted: the Athena query was stopped."),
        gaveUp: (name, attempts) =>
            new AthenaQueryError(
                "Throttled",
                `Athena kept refusing the request (${name}), ${attempts} attempts made: too many queries at once in this account, or a passing outage. Try again in a minute.`,
            ),
    });

    // Every Athena query passes here, so none reaches StartQueryExecution over its length limit.
    const tooLong = athenaQueryTooLong(request.queryString);
    if (tooLong !== undefined) throw new AthenaQueryError("TooLong", tooLong);
    const start = await sendWithRetry(() =>
        client.send(
            new StartQueryExecutionCommand({
                QueryString: request.queryString,
                WorkGroup: request.workGroup,
                QueryExecutionContext: { Database: request.database },
            }),
        ),
    );
    const id = start.QueryExecutionId;
    if (!id) throw new AthenaQueryError("Unknown", "StartQueryExecution returned no query execution id.");
    const stop = async () => {
        try {
            await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
        } catch {
            // Finished meanwhile: nothing left to stop.
        }
    };

    let bytesScanned = 0;
    await poll<true>({
        check: async () => {
            const response = await sendWithRetry(() => client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })));
            const execution = response.QueryExecution;
            const state = execution?.Status?.State ?? "UNKNOWN";
            bytesScanned = execution?.Statistics?.DataScannedInBytes ?? bytesScanned;
            options.onProgress?.({ state, bytesScanned, elapsedMs: now() - started });
            if (state === "SUCCEEDED") return true;
            if (state !== "QUEUED" && state !== "RUNNING") {
                throw failure(state, id, execution?.Status?.StateChangeReason, execution?.Status?.AthenaError?.ErrorMessage, bytesScanned, request.workGroup);
            }
            return undefined;
        },
        stop,
        timedOut: () =>
            new AthenaQueryError(
                "TimedOutWaiting",
                `The Athena query did not finish within ${Math.round(options.timeoutMs / 1000)} s and was stopped (query execution ${id}). Narrow the window, or allow longer with --timeout.`,
            ),
        // Anything but an end Athena reported (or the timeout, which stopped it already) leaves the
        // query running and scanning at the user's cost.
        settled: (err) => err instanceof AthenaQueryError && SETTLED.includes(err.kind),
    });

    let columns: string[] = [];
    const rows: (string | undefined)[][] = [];
    let nextToken: string | undefined;
    let firstPage = true;
    do {
        const token = nextToken;
        const page = await sendWithRetry(() => client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: PAGE_SIZE, NextToken: token })));
        if (firstPage) columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Label ?? c.Name ?? "");
        const pageRows = (page.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue));
        // A SELECT's first page starts with a row of the column names.
        const isHeader = firstPage && pageRows.length > 0 && columns.length > 0 && pageRows[0].every((v, i) => v === columns[i]);
        rows.push(...(isHeader ? pageRows.slice(1) : pageRows));
        nextToken = page.NextToken;
        firstPage = false;
    } while (nextToken);
    return { queryExecutionId: id, columns, rows, bytesScanned, capHit: rows.length >= request.limit };
}

function failure(state: string, id: string, reason: string | undefined, errorMessage: string | undefined, bytesScanned: number, workGroup: string): AthenaQueryError {
    const why = reason ?? errorMessage ?? "no reason given";
    if (state === "CANCELLED" && CUTOFF_REASON.test(why)) {
        return new AthenaQueryError(
            "CutoffExceeded",
            `Athena stopped the query at the workgroup's bytes-scanned cutoff (${why}; ${(bytesScanned / 1e6).toFixed(1)} MB scanned, query execution ${id}). ` +
                `Narrow the window (--since, --start/--end) or the addresses, or raise the cutoff: 'pulumi config set athenaBytesScannedCutoffMb <MB>' and 'pulumi up' (workgroup ${workGroup}).`,
        );
    }
    if (state === "CANCELLED") {
        return new AthenaQueryError("Cancelled", `The Athena query was cancelled by someone else (query execution ${id}): ${why}`);
    }
    if (state === "FAILED" && ACCESS_REASON.test(why)) {
        return new AthenaQueryError(
            "AccessDenied",
            `The Athena query failed for lack of access (query execution ${id}): ${why}\nThe query needs: ${ATHENA_QUERY_ACTIONS.join("; ")}.`,
        );
    }
    if (state === "FAILED") {
        return new AthenaQueryError("Failed", `The Athena query failed (query execution ${id}): ${why}`);
    }
    return new AthenaQueryError("Unknown", `Athena reported state '${state}' for query execution ${id}; its result cannot be trusted.`);
}

/**
 * A diagnosis straight from flow logs in S3, through Athena: one aggregated query over the window's
 * partitions (analysis/queries/athenaQuery.ts), its rows fed to the same engine as Logs Insights rows
 * and files. As with CloudWatch Logs, missing replies in the last minutes of the window are not
 * taken as proof of a routing problem: S3 receives a file every 5 minutes, records up to 10 minutes
 * after their traffic.
 */
import { AthenaTableRef, ATHENA_ROW_LIMIT, athenaRowsToFields, buildAthenaDiagnosisQuery } from "../queries/athenaQuery";
import { Diagnosis, TrafficType } from "../verdict/classify";
import { ConversationQuery } from "../evidence/conversation";
import { LogFormat } from "../core/logFormat";
import { TimeWindow } from "../core/timeWindow";
import { AthenaApi, AthenaProgress, runAthenaQuery } from "../aws/athenaQueryRunner";
import { StepsWithKnownIds, diagnoseQueryRowsWithSteps } from "./liveDiagnosis";
import { epochToIso as iso } from "../core/isoTime";

/** Athena's list price per TB scanned (us-east-1), and its minimum billed per query. */
export const ATHENA_USD_PER_TB = 5;
export const ATHENA_MIN_BILLED_BYTES = 10_000_000;

export function athenaQueryCostUsd(bytesScanned: number): number {
    if (bytesScanned <= 0) return 0;
    return Math.round((Math.max(bytesScanned, ATHENA_MIN_BILLED_BYTES) / 1e12) * ATHENA_USD_PER_TB * 1e6) / 1e6;
}

export interface AthenaTarget extends AthenaTableRef {
    readonly workgroup: string;
    readonly region: string;
    readonly format: LogFormat;
    readonly trafficType: TrafficType;
}

export interface AthenaQuerySummary {
    readonly service: "athena";
    readonly queryExecutionId: string;
    readonly table: string;
    readonly workgroup: string;
    readonly region: string;
    readonly window: { readonly start: string; readonly end: string };
    readonly bytesScanned: number;
    readonly costUsd: number;
    readonly rows: number;
    readonly capHit: boolean;
    readonly queryString: string;
}

export interface AthenaDependencies {
    readonly athena: AthenaApi;
    readonly now: Date;
    readonly warn: (message: string) => void;
    readonly onProgress?: (progress: AthenaProgress) => void;
    readonly signal?: AbortSignal;
    readonly timeoutMs: number;
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    readonly onQuery?: (queryString: string) => void;
}


export async function diagnoseAthena(
    target: AthenaTarget,
    conversation: Pick<ConversationQuery, "src" | "dst" | "port" | "protocol" | "dstIsS3" | "matchS3Service">,
    window: TimeWindow,
    deps: AthenaDependencies,
    scope: { readonly eniId?: string } = {},
): Promise<StepsWithKnownIds & { diagnosis: Diagnosis & { readonly query: AthenaQuerySummary }; rows: ReturnType<typeof athenaRowsToFields> }> {
    const queryString = buildAthenaDiagnosisQuery(
        target.format,
        target,
        {
            src: conversation.src.toStrings(),
            dst: conversation.dst.toStrings(),
            port: conversation.port,
            protocol: conversation.protocol,
            s3Service: conversation.matchS3Service,
        },
        window,
        { interfaceId: scope.eniId },
    );
    if (scope.eniId !== undefined && !target.format.fields.includes("interface-id")) {
        deps.warn(`The format has no interface-id, so the query cannot keep to ${scope.eniId}: every interface's records are read.`);
    }
    deps.onQuery?.(queryString);
    const result = await runAthenaQuery(
        deps.athena,
        { queryString, workGroup: target.workgroup, database: target.database, limit: ATHENA_ROW_LIMIT },
        { timeoutMs: deps.timeoutMs, signal: deps.signal, onProgress: deps.onProgress, sleep: deps.sleep },
    );
    if (result.capHit) {
        deps.warn(
            `The query returned ${result.rows.length} rows, its limit: some evidence is missing. Narrow the window (--since, --start/--end) or the addresses (--src, --dst).`,
        );
    }
    const rows = athenaRowsToFields(result.columns, result.rows);
    const { diagnosis, nextStepsWith } = diagnoseQueryRowsWithSteps(rows, conversation, window, target, deps, "flow logs reach S3 in files every 5 minutes, up to 10 minutes late");
    const query: AthenaQuerySummary = {
        service: "athena",
        queryExecutionId: result.queryExecutionId,
        table: `${target.database}.${target.table}`,
        workgroup: target.workgroup,
        region: target.region,
        window: { start: iso(window.start), end: iso(window.end) },
        bytesScanned: result.bytesScanned,
        costUsd: athenaQueryCostUsd(result.bytesScanned),
        rows: result.rows.length,
        capHit: result.capHit,
        queryString,
    };
    return { diagnosis: { ...diagnosis, query }, rows, nextStepsWith };
}

/**
 * What reading one input file takes and gives back. In a file of its own because every reader
 * (inputFiles.ts for raw lines and JSON, parquetInput.ts for Parquet) uses it, and inputFiles.ts
 * dispatches to parquetInput.ts: with the types there, the two imported each other.
 */
import type { Conversation } from "./conversation";
import type { AddressSet } from "../core/ip";
import type { LogFormat } from "../core/logFormat";
import type { PlainScanPlan, RawScanSettings } from "./rawFile/plainFile";

export type InputKind = "raw-lines" | "insights-results" | "filter-log-events" | "parquet";

export interface InputSummary {
    path: string;
    kind: InputKind;
    gzip: boolean;
    /** Non-blank lines (raw) or rows/events (JSON). */
    lines: number;
    /** Lines or rows that were well-formed records, whether or not they belong to the conversation. */
    records: number;
    /** For a plain file of raw lines: threads and ranges it was read with. */
    scan?: PlainScanPlan;
}

/** How a Parquet file was read: tests and `npm run bench` check the path they meant to measure. */
export interface ParquetScanPlan {
    threads: number;
    /** Row groups with rows. */
    rowGroups: number;
    /** Row groups read by the general reader (every value of every row) rather than the row-group scan. */
    generalReader: number;
}

/** How Parquet files are read; the defaults suit the CLI (threads: RawScanSettings.threads, VPC_FLOW_DIAGNOSE_THREADS). */
export interface ParquetScanSettings {
    /** Only the general reader: the reference the row-group scan is held to. */
    readonly generalReader?: boolean;
    /** Read on several threads only files of at least this many bytes (default 4 MiB). */
    readonly minSplitBytes?: number;
    /** Told how the file was read (the summary itself stays as it was). */
    readonly onPlan?: (plan: ParquetScanPlan) => void;
}

export interface ReadInputOptions {
    readonly path: string;
    readonly conversation: Conversation;
    readonly src: AddressSet;
    readonly dst: AddressSet;
    /** For headerless raw lines and `@message` rows. */
    readonly format: LogFormat;
    readonly formatChosen: boolean;
    readonly warn: (message: string) => void;
    /** The flag that named the file, for messages. */
    readonly flag?: string;
    /** How raw lines are read (threads, or the line-by-line parser only); the defaults suit the CLI. */
    readonly rawScan?: RawScanSettings;
    /** How Parquet files are read. */
    readonly parquetScan?: ParquetScanSettings;
}

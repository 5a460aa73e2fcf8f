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
}

/**
 * Parquet flow-log files, as flow logs delivered to S3 with `fileFormat` `parquet` write them
 * (`..._vpcflowlogs_<region>_<flow log id>_<time>_<hash>.log.parquet`), read straight from disk.
 *
 * What AWS documents about them (VPC user guide, "Flow log records" field table and "Flow log
 * files"; Athena user guide, "Create tables for flow logs in Apache Parquet format"):
 * - one column per field of the flow log's format, named after the field with `-` written `_`
 *   (`account_id`, `log_status`, `pkt_srcaddr`), in the format's order;
 * - types: `version`, `srcport`, `dstport`, `protocol`, `tcp-flags`, `traffic-path` INT_32;
 *   `packets`, `bytes`, `start`, `end` INT_64; everything else STRING;
 * - the data is Gzip-compressed inside the file (a Parquet codec, not a .gz around it).
 *
 * Columns are matched by name, in any order; a null value is read as `-` (the field does not
 * apply), as is a `-` string. Each row becomes the record line it stands for and goes through the
 * raw-line scanner, so a Parquet file gives the same statistics, malformed-record rules and
 * duplicate handling as the text file with the same records.
 *
 * Speed and memory: the footer is read first, then the row groups, only the known columns, by the
 * row-group scan (parquet/rowGroupScan.ts: addresses first, as bytes; a row about other addresses is
 * counted, not built), on worker threads for a file of 4 MiB or more, one row group in flight per
 * thread. A row group that scan does not read goes to the general reader (hyparquet's parquetRead).
 * hyparquet is loaded on the first Parquet file, so the CLI starts without it.
 */
import { promises as fs } from "node:fs";
import { brotliDecompressSync, unzipSync } from "node:zlib";
import type { AsyncBuffer, Compressors, FileMetaData, RowGroup, SchemaTree } from "hyparquet";
import { UserInputError, quote } from "../core/errors";
import { Conversation } from "./conversation";
import { LogFormat, toFormatString } from "../core/logFormat";
import { RECORD_FIELDS } from "../core/records";
import { RawLineScanner } from "./rawLines";
import type { InputSummary, ParquetScanPlan, ReadInputOptions } from "./inputSummary";
import { threadCount } from "./rawFile/plainFile";
import { AddressRole, ChunkPlace, ColumnPlan, ScanSetup, loadParquetPrimitives } from "./parquet/rowGroupScan";
import { scanRowGroups } from "./parquet/rowGroupThreads";

/** Every Parquet file starts and ends with these 4 bytes. */
const MAGIC = Buffer.from("PAR1", "latin1");
/** Magic, footer length, magic: no Parquet file is smaller. */
const MIN_PARQUET_BYTES = 12;
/** A value with whitespace would split into several fields of a record line: never a flow-log value. */
const WHITESPACE = /\s/;

/**
 * Node's zlib does what the reader leaves to its callers. Parquet's GZIP codec is RFC 1952 gzip,
 * which AWS uses for flow logs; `unzip` also takes the zlib streams some older writers produced.
 * Snappy is built into the reader.
 */
const COMPRESSORS: Compressors = {
    GZIP: (input) => unzipSync(input),
    BROTLI: (input) => brotliDecompressSync(input),
};
const READABLE_CODECS = "uncompressed, Snappy, Gzip or Brotli";

/** Below this, starting worker threads costs more than they save. */
const DEFAULT_MIN_SPLIT_BYTES = 4 << 20;

/** Unknown columns already reported for a conversation: S3 delivers many files of one format. */
const warnedColumns = new WeakMap<Conversation, Set<string>>();

/** True when the file starts with Parquet's magic bytes, whatever its name. */
export async function startsLikeParquet(path: string): Promise<boolean> {
    let handle: fs.FileHandle | undefined;
    try {
        handle = await fs.open(path, "r");
        const head = Buffer.alloc(MAGIC.length);
        const { bytesRead } = await handle.read(head, 0, head.length, 0);
        return bytesRead === MAGIC.length && head.equals(MAGIC);
    } catch {
        // The caller has checked the file can be read; let its own read report anything else.
        return false;
    } finally {
        await handle?.close();
    }
}

/** The record fields the columns stand for, and the columns that stand for none. */
export interface ParquetColumns {
    /** Column names to read, in the order of `fields`. */
    readonly names: string[];
    /** AWS field names (`log-status`), one per column in `names`. */
    readonly fields: string[];
    /** Columns that are not a flow-log field this tool knows (or name one a second time). */
    readonly unknown: string[];
}

/** Matches columns to flow-log fields by name: `log_status`, `log-status` and `LOG_STATUS` are all `log-status`. */
export function mapParquetColumns(columnNames: readonly string[]): ParquetColumns {
    const names: string[] = [];
    const fields: string[] = [];
    const unknown: string[] = [];
    for (const column of columnNames) {
        const field = column.toLowerCase().replace(/_/g, "-");
        if (RECORD_FIELDS.has(field) && !fields.includes(field)) {
            names.push(column);
            fields.push(field);
        } else {
            unknown.push(column);
        }
    }
    return { names, fields, unknown };
}

/**
 * The text a Parquet value stands for in a record line, or undefined when no flow-log field can
 * hold it (a boolean, a date, bytes, an empty string, text with spaces).
 */
export function parquetValueText(value: unknown): string | undefined {
    if (value === null || value === undefined) return "-";
    if (typeof value === "string") return value === "" || WHITESPACE.test(value) ? undefined : value;
    if (typeof value === "number" || typeof value === "bigint") return String(value);
    return undefined;
}

/** Reads one Parquet file into the conversation, one row group at a time. */
export async function readParquetInput(options: ReadInputOptions): Promise<InputSummary> {
    const { path, conversation } = options;
    const flag = options.flag ?? "--input";
    const cannotRead = (reason: string) => new UserInputError(`Cannot read ${flag} ${quote(path)} as Parquet: ${reason}.`);

    let handle: fs.FileHandle;
    try {
        handle = await fs.open(path, "r");
    } catch (err) {
        throw cannotRead((err as Error).message);
    }
    try {
        const { size } = await handle.stat();
        const tail = Buffer.alloc(MAGIC.length);
        if (size >= MIN_PARQUET_BYTES) await handle.read(tail, 0, tail.length, size - MAGIC.length);
        if (size < MIN_PARQUET_BYTES || !tail.equals(MAGIC)) {
            throw cannotRead(`it starts like a Parquet file but does not end like one (no 'PAR1' at the end): it is truncated or damaged; download it again`);
        }
        const file = fileBuffer(handle, size);
        const hyparquet = await import("hyparquet");
        let metadata: FileMetaData;
        try {
            metadata = await hyparquet.parquetMetadataAsync(file);
        } catch (err) {
            throw cannotRead(readerReason(err));
        }

        const topLevel = hyparquet.parquetSchema(metadata).children;
        // Nested columns (structs, lists) are not flow-log fields: leave them with the unknown ones.
        const flat = topLevel.filter((c) => c.children.length === 0).map((c) => c.element.name);
        const nested = topLevel.filter((c) => c.children.length > 0).map((c) => c.element.name);
        const columns = mapParquetColumns(flat);
        columns.unknown.push(...nested);
        const has = (...fields: string[]) => fields.some((f) => columns.fields.includes(f));
        if (!has("srcaddr", "pkt-srcaddr") || !has("dstaddr", "pkt-dstaddr")) {
            throw new UserInputError(
                `${flag} ${quote(path)} is a Parquet file without srcaddr/pkt_srcaddr or dstaddr/pkt_dstaddr columns ` +
                    `(it has ${topLevel.map((c) => c.element.name).join(", ") || "none"}): it is not a flow log, or one without addresses.`,
            );
        }
        warnUnknown(columns.unknown, options);

        const format: LogFormat = { kind: "custom", fields: columns.fields, formatString: toFormatString(columns.fields) };
        const scanner = new RawLineScanner(conversation, options.src, options.dst, format, { warn: options.warn, source: path });
        let rows = 0;
        /** Row groups with rows, where their rows start in the file's row numbering. */
        const groups: { index: number; start: number; rows: number }[] = [];
        let groupStart = 0;
        metadata.row_groups.forEach((group, index) => {
            const groupRows = Number(group.num_rows);
            if (groupRows > 0) groups.push({ index, start: groupStart, rows: groupRows });
            groupStart += groupRows;
        });
        // The general reader: every value of every row, each row read as the line it stands for.
        const readGeneral = async (group: { start: number; rows: number }) => {
            let data: unknown[][] = [];
            try {
                await hyparquet.parquetRead({
                    file,
                    metadata,
                    columns: columns.names,
                    rowStart: group.start,
                    rowEnd: group.start + group.rows,
                    compressors: COMPRESSORS,
                    onComplete: (groupData: unknown[][]) => (data = groupData),
                });
            } catch (err) {
                throw cannotRead(readerReason(err));
            }
            for (const row of data) feedRow(row, ++rows, columns, scanner, options);
        };
        const plans = options.parquetScan?.generalReader ? undefined : columnPlans(topLevel, columns);
        const plan: ParquetScanPlan = { threads: 1, rowGroups: groups.length, generalReader: groups.length };
        if (plans === undefined) {
            for (const group of groups) await readGeneral(group);
        } else {
            const jobs = groups.map((g) => ({ index: g.index, rows: g.rows, chunks: chunkPlaces(metadata.row_groups[g.index], columns.names) }));
            const setup: ScanSetup = { columns: plans, src: options.src, dst: options.dst, looseMatch: scanner.looseMatch, reader: await loadParquetPrimitives() };
            const minSplit = options.parquetScan?.minSplitBytes ?? DEFAULT_MIN_SPLIT_BYTES;
            plan.threads = size < minSplit ? 1 : Math.min(threadCount(options.rawScan ?? {}), jobs.length);
            plan.generalReader = 0;
            await scanRowGroups(handle.fd, jobs, setup, plan.threads, async (result) => {
                if ("unreadable" in result) {
                    plan.generalReader++;
                    await readGeneral(groups[jobs.findIndex((j) => j.index === result.index)]);
                    return;
                }
                let next = 0;
                for (let k = 0; k < result.rowsToRead.length; k++) {
                    const row = result.rowsToRead[k];
                    scanner.countUnrelated(row - next);
                    feedRow(result.values[k], rows + row + 1, columns, scanner, options);
                    next = row + 1;
                }
                scanner.countUnrelated(result.rows - next);
                rows += result.rows;
            });
        }
        scanner.flush();

        if (rows === 0) throw new UserInputError(`${flag} ${quote(path)} is a Parquet file without rows: there is nothing to diagnose.`);
        const records = scanner.stats.recordLines;
        if (records === 0) {
            throw new UserInputError(
                `${flag} ${quote(path)} has ${rows} Parquet ${rows === 1 ? "row" : "rows"} and none is a flow-log record ` +
                    `(columns ${columns.names.join(", ")}): check that it is a VPC flow log file.`,
            );
        }
        options.parquetScan?.onPlan?.(plan);
        return { path, kind: "parquet", gzip: false, lines: rows, records };
    } finally {
        await handle.close();
    }
}

/**
 * How each column is read by the row-group scan (parquet/rowGroupScan.ts), or undefined when a
 * column has a type it leaves to the general reader (a date, a timestamp, an unsigned or a
 * binary column, a list).
 */
export function columnPlans(topLevel: readonly SchemaTree[], columns: ParquetColumns): ColumnPlan[] | undefined {
    const plans: ColumnPlan[] = [];
    const firstOf = (...fields: string[]) => fields.find((f) => columns.fields.includes(f));
    const sourceFirst = firstOf("srcaddr", "pkt-srcaddr");
    const destinationFirst = firstOf("dstaddr", "pkt-dstaddr");
    for (let i = 0; i < columns.names.length; i++) {
        const element = topLevel.find((c) => c.element.name === columns.names[i])?.element;
        if (element === undefined || element.repetition_type === "REPEATED") return undefined;
        const field = columns.fields[i];
        const { type, converted_type: converted, logical_type: logical } = element;
        const signed = logical === undefined || (logical.type === "INTEGER" && logical.isSigned);
        let kind: ColumnPlan["kind"];
        if (type === "INT32" && signed && (converted === undefined || converted === "INT_8" || converted === "INT_16" || converted === "INT_32")) kind = "int32";
        else if (type === "INT64" && signed && (converted === undefined || converted === "INT_64")) kind = "int64";
        else if (type === "BYTE_ARRAY" && (converted === undefined || converted === "UTF8") && (logical === undefined || logical.type === "STRING")) kind = "string";
        else return undefined;
        let role = AddressRole.None;
        if (field === "srcaddr" || field === "pkt-srcaddr") role = field === sourceFirst ? AddressRole.SourceFirst : AddressRole.SourceOther;
        if (field === "dstaddr" || field === "pkt-dstaddr") role = field === destinationFirst ? AddressRole.DestinationFirst : AddressRole.DestinationOther;
        if (role !== AddressRole.None && kind !== "string") return undefined;
        plans.push({ kind, optional: element.repetition_type !== "REQUIRED", role });
    }
    return plans;
}

/** Where each named column's chunk of the row group is; a missing one reads as empty (the general reader then says what is wrong). */
function chunkPlaces(group: RowGroup, names: readonly string[]): ChunkPlace[] {
    return names.map((name) => {
        const chunk = group.columns.find((c) => c.meta_data !== undefined && c.meta_data.path_in_schema.join(".") === name);
        const meta = chunk?.meta_data;
        if (meta === undefined || chunk?.file_path) return { offset: 0, length: 0, codec: "missing" };
        // Some writers leave dictionary_page_offset at 0 for a chunk without a dictionary.
        const offset = Number(meta.dictionary_page_offset || meta.data_page_offset);
        return { offset, length: Number(meta.total_compressed_size), codec: meta.codec };
    });
}

function feedRow(row: readonly unknown[], rowNumber: number, columns: ParquetColumns, scanner: RawLineScanner, options: ReadInputOptions): void {
    const texts: string[] = new Array(row.length);
    for (let i = 0; i < row.length; i++) {
        const text = parquetValueText(row[i]);
        if (text === undefined) {
            const related = row.some((v) => typeof v === "string" && (options.src.contains(v) || options.dst.contains(v)));
            // The other columns are read as the record's fields; the one no field can hold is unknown.
            const tokens = row.map((v) => parquetValueText(v) ?? "?");
            options.conversation.addMalformed(1, `row ${rowNumber}: ${columns.names[i]} is ${describe(row[i])}`, related, {
                tokens,
                fields: columns.fields,
                location: `${options.path} row ${rowNumber}`,
            });
            return;
        }
        texts[i] = text;
    }
    scanner.scanText(texts.join(" "), `row ${rowNumber}`);
}

function describe(value: unknown): string {
    if (typeof value === "string") return quote(value);
    if (value instanceof Date) return `a date (${value.toISOString()})`;
    if (value instanceof Uint8Array) return `${value.length} bytes`;
    return `${typeof value} ${String(value)}`;
}

function warnUnknown(unknown: readonly string[], options: ReadInputOptions): void {
    let warned = warnedColumns.get(options.conversation);
    if (warned === undefined) warnedColumns.set(options.conversation, (warned = new Set()));
    const fresh = unknown.filter((c) => !warned.has(c));
    if (fresh.length === 0) return;
    for (const c of fresh) warned.add(c);
    options.warn(
        `The Parquet input has ${fresh.length === 1 ? "a column" : "columns"} this tool does not know (${fresh.join(", ")}): ${fresh.length === 1 ? "it is" : "they are"} not read.`,
    );
}

/** Reads byte ranges on demand: the reader asks for the footer, then for one row group's column chunks. */
function fileBuffer(handle: fs.FileHandle, size: number): AsyncBuffer {
    return {
        byteLength: size,
        async slice(start: number, end: number = size): Promise<ArrayBuffer> {
            const bytes = new Uint8Array(Math.max(0, Math.min(end, size) - start));
            let filled = 0;
            while (filled < bytes.length) {
                const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, start + filled);
                if (bytesRead === 0) throw new Error("the file ended early (was it changed while it was read?)");
                filled += bytesRead;
            }
            return bytes.buffer;
        },
    };
}

/** The reader's own words, with a plainer one for a codec it cannot decompress. */
function readerReason(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    const codec = /unsupported compression codec: (\S+)/.exec(message);
    if (codec) return `its data is compressed with ${codec[1]}; this tool reads ${READABLE_CODECS} Parquet (flow logs use Gzip)`;
    return `it is damaged (${message.replace(/\.$/, "")})`;
}

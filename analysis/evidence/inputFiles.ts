/**
 * Reads an input file into the conversation: Parquet files (by their magic bytes) go to
 * parquetInput.ts; raw lines (optionally gzip-compressed, detected by its magic bytes rather than
 * its name) go through the fused scan (rawFile/), a plain file on several threads when it is
 * large, a gzip stream as gunzip hands it over; JSON printed by
 * `aws logs get-query-results` or `aws logs filter-log-events` is parsed whole (Insights caps
 * results at 10,000 rows, so these stay small).
 */
import { createReadStream, promises as fs } from "node:fs";
import { ZlibOptions, createGunzip } from "node:zlib";
import { pipeline } from "node:stream";
import { Readable } from "node:stream";
import { UserInputError, quote } from "../core/errors";
import { LineSplitter, RawLineScanner } from "./rawLines";
import { InsightsRow, feedInsightsResults } from "./insightsRows";
import { readParquetInput, startsLikeParquet } from "./parquetInput";
import { FusedStreamScan } from "./rawFile/fusedScan";
import { lineScanUnavailable } from "./rawFile/lineScanKernel";
import { PlainScanPlan, RawScanSettings, readPlainRawLines } from "./rawFile/plainFile";
import type { InputKind, InputSummary, ReadInputOptions } from "./inputSummary";

export type { InputKind, InputSummary, ReadInputOptions } from "./inputSummary";

const CHUNK_BYTES = 1 << 20;
/**
 * gunzip's options. zlib streams are Transform streams and take its options too: with room for a
 * few chunks, gunzip inflates the next chunks on its own thread while this one scans the last.
 * With the default (16 KiB, less than a chunk) it waited for each chunk to be read first: gunzip
 * and scan of the benchmark's .gz took about 6% longer.
 */
export const GUNZIP_OPTIONS: ZlibOptions & { readonly readableHighWaterMark: number } = { chunkSize: CHUNK_BYTES, readableHighWaterMark: 4 * CHUNK_BYTES };
/** JSON is parsed whole; beyond this it is not the output of one Insights query or a sane filter-log-events run. */
const MAX_JSON_BYTES = 512 * 1024 * 1024;
const INSIGHTS_ROW_CAP = 10000;

export async function readInput(options: ReadInputOptions): Promise<InputSummary> {
    const { path } = options;
    const flag = options.flag ?? "--input";
    const gzip = await probe(path, flag);
    if (!gzip && (await startsLikeParquet(path))) return readParquetInput(options);
    const scanner = new RawLineScanner(options.conversation, options.src, options.dst, options.format, {
        formatChosen: options.formatChosen,
        warn: options.warn,
        source: path,
    });
    const requested = options.rawScan ?? {};
    // Said once the input turns out to be raw lines: JSON never needs the scanner.
    const unavailable = requested.fullParser ? undefined : lineScanUnavailable(requested.lineScanWasm);
    const rawScan: RawScanSettings = { ...requested, fullParser: requested.fullParser || unavailable !== undefined };
    if (!gzip && !rawScan.fullParser) {
        let plan: PlainScanPlan | undefined;
        try {
            plan = await readPlainRawLines({ path, scanner, conversation: options.conversation, src: options.src, dst: options.dst, settings: rawScan });
        } catch (err) {
            throw readError(err, path, flag);
        }
        if (plan) return { ...rawLinesSummary(scanner, path, flag, false), scan: plan };
    }
    const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
    let source: Readable = file;
    if (gzip) {
        const gunzip = createGunzip(GUNZIP_OPTIONS);
        // pipeline destroys both streams on error; the iteration below then throws it.
        pipeline(file, gunzip, () => undefined);
        source = gunzip;
    }

    const splitter = rawScan.fullParser
        ? new LineSplitter(
              (buf, start, end) => scanner.scan(buf, start, end),
              (sample) => scanner.overlong(sample),
          )
        : new FusedStreamScan(scanner, options.src, options.dst, rawScan.lineScanWasm);
    let kind: InputKind | undefined;
    const jsonChunks: Buffer[] = [];
    let jsonBytes = 0;
    try {
        for await (const chunk of source as AsyncIterable<Buffer>) {
            if (kind === undefined) {
                if (gzip && chunk.subarray(0, 4).toString("latin1") === "PAR1") {
                    throw new UserInputError(`${flag} ${quote(path)} is a Parquet file inside gzip: decompress it (gunzip) and pass the Parquet file.`);
                }
                const first = firstNonBlank(chunk);
                if (first === -1) {
                    // Blank so far; a raw scan ignores blank lines, so nothing is lost by scanning it.
                    splitter.push(chunk);
                    continue;
                }
                kind = first === 0x7b || first === 0x5b ? "insights-results" : "raw-lines";
                if (kind === "raw-lines" && unavailable !== undefined) {
                    options.warn(`The fast raw-line scanner cannot run: ${unavailable}. Reading line by line instead: slower, the same result.`);
                }
            }
            if (kind === "raw-lines") {
                splitter.push(chunk);
                // The iterator hands out chunks gunzip already made without going back to the event
                // loop, and gunzip's next step waits for its callback there: let it run between chunks.
                if (gzip) await new Promise<void>((resolve) => setImmediate(resolve));
            } else {
                jsonBytes += chunk.length;
                if (jsonBytes > MAX_JSON_BYTES) {
                    throw new UserInputError(
                        `${flag} ${quote(path)} is JSON larger than ${MAX_JSON_BYTES / 1024 / 1024} MiB. Export raw lines instead (filter-log-events --output text, or the S3 files).`,
                    );
                }
                jsonChunks.push(chunk);
            }
        }
    } catch (err) {
        throw readError(err, path, flag);
    }

    if (kind === undefined) {
        throw new UserInputError(`${flag} ${quote(path)} is empty${gzip ? " (after decompression)" : ""}: there is nothing to diagnose.`);
    }
    if (kind === "raw-lines") {
        splitter.end();
        return rawLinesSummary(scanner, path, flag, gzip);
    }
    return feedJson(Buffer.concat(jsonChunks).toString("utf8"), scanner, options, gzip, flag);
}

function rawLinesSummary(scanner: RawLineScanner, path: string, flag: string, gzip: boolean): InputSummary {
    scanner.flush();
    const { lines, recordLines, headers } = scanner.stats;
    if (recordLines === 0 && lines > headers) {
        throw new UserInputError(
            `${flag} ${quote(path)} has no flow-log records: none of its ${lines} ${lines === 1 ? "line matches" : "lines match"} the format ` +
                `'${scanner.format.formatString}' (${scanner.format.fields.length} fields separated by spaces). ` +
                `If the flow log uses a custom format, pass it with --format; if this is JSON from the AWS CLI, check the file is complete.`,
        );
    }
    return { path, kind: "raw-lines", gzip, lines, records: recordLines };
}

function feedJson(text: string, scanner: RawLineScanner, options: ReadInputOptions, gzip: boolean, flag: string): InputSummary {
    const { path, conversation } = options;
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (err) {
        throw new UserInputError(`${flag} ${quote(path)} starts like JSON but does not parse: ${(err as Error).message}.`);
    }
    const object = typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
    const results = object ? object.results : Array.isArray(data) && (data.length === 0 || Array.isArray(data[0])) ? data : undefined;
    const events = object ? object.events : Array.isArray(data) && !Array.isArray(data[0]) ? data : undefined;

    if (Array.isArray(results)) {
        if (object && typeof object.status === "string" && object.status !== "Complete") {
            options.warn(`The query's status is ${object.status}, not Complete: its results may be partial.`);
        }
        if (results.length >= INSIGHTS_ROW_CAP) {
            options.warn(
                `${results.length} rows: Logs Insights returns at most ${INSIGHTS_ROW_CAP} rows per query, so some records may be missing. Narrow the query or aggregate with stats.`,
            );
        }
        const rows = results.map((row) => (Array.isArray(row) ? (row as InsightsRow) : []));
        const stats = feedInsightsResults(rows, conversation, scanner);
        const malformed = stats.malformed + scanner.stats.lines - scanner.stats.recordLines - scanner.stats.headers;
        if (stats.rows > 0 && malformed === stats.rows) {
            throw new UserInputError(
                `${flag} ${quote(path)} has ${stats.rows} Logs Insights ${stats.rows === 1 ? "row" : "rows"} and none is a flow-log record: ` +
                    `rows need srcAddr/dstAddr (or a records count for aggregates), or an @message in the format '${scanner.format.formatString}' (see --format).`,
            );
        }
        return { path, kind: "insights-results", gzip, lines: stats.rows, records: stats.rows - malformed };
    }
    if (Array.isArray(events)) {
        events.forEach((event: unknown, i) => {
            const message = typeof event === "object" && event !== null ? (event as { message?: unknown }).message : undefined;
            if (typeof message === "string") scanner.scanText(message, `event ${i + 1}`);
            else conversation.addMalformed(1, "an event without a message", false, { location: `${path} event ${i + 1}` });
        });
        scanner.flush();
        const { recordLines } = scanner.stats;
        if (events.length > 0 && recordLines === 0) {
            throw new UserInputError(
                `${flag} ${quote(path)} has ${events.length} log ${events.length === 1 ? "event" : "events"} and none is a flow-log record in the format '${scanner.format.formatString}'. If the flow log uses a custom format, pass it with --format.`,
            );
        }
        return { path, kind: "filter-log-events", gzip, lines: events.length, records: recordLines };
    }
    throw new UserInputError(
        `${flag} ${quote(path)} is JSON but neither the output of 'aws logs get-query-results' (an object with "results") nor of 'aws logs filter-log-events' (an object with "events").`,
    );
}

function firstNonBlank(chunk: Buffer): number {
    for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c;
    }
    return -1;
}

/** Checks the file can be read and tells whether it is gzip-compressed (magic bytes 1f 8b). */
async function probe(path: string, flag: string): Promise<boolean> {
    let handle: fs.FileHandle | undefined;
    try {
        const stat = await fs.stat(path);
        if (stat.isDirectory()) throw new UserInputError(`Cannot read ${flag} ${quote(path)}: it is a directory. Pass a file.`);
        if (stat.size === 0) throw new UserInputError(`${flag} ${quote(path)} is empty: there is nothing to diagnose.`);
        handle = await fs.open(path, "r");
        const magic = Buffer.alloc(2);
        const { bytesRead } = await handle.read(magic, 0, 2, 0);
        return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    } catch (err) {
        throw readError(err, path, flag);
    } finally {
        await handle?.close();
    }
}

function readError(err: unknown, path: string, flag: string): Error {
    if (err instanceof UserInputError) return err;
    const code = (err as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = {
        ENOENT: "no such file",
        EACCES: "permission denied",
        EISDIR: "it is a directory",
        Z_DATA_ERROR: "it looks gzip-compressed but is corrupt",
        Z_BUF_ERROR: "it looks gzip-compressed but is truncated",
    };
    const reason = code !== undefined ? reasons[code] : undefined;
    if (reason) return new UserInputError(`Cannot read ${flag} ${quote(path)}: ${reason}.`);
    return err instanceof Error ? err : new Error(String(err));
}

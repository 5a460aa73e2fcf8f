/**
 * A plain (not compressed) file of raw lines, read with the fused scan: on one thread, or, for a
 * large file on a machine with two cores or more, split into line-aligned ranges that worker
 * threads scan while the main thread scans too. The main thread gives the real parser every line
 * the fast path kept, range after range in file order, so samples, first reject candidates,
 * warnings and every count come out as a single in-order pass would make them.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { UserInputError, quote } from "../../core/errors";
import { AddressSet } from "../../core/ip";
import { LogFormat, formatFromHeader } from "../../core/logFormat";
import { RawLineScanner, ScanSink, hasAddressFields } from "../rawLines";
import { BlockScanner, DirectSink, directScan, readRange } from "./fusedScan";
import { LineScanKernel } from "./lineScanKernel";
import { CollectOptions, DEFAULT_KEPT_BUDGET, EntryKind, RangeJob, RangeResult, collectRange } from "./rangeCollect";
import type { RangeWorkerInput, RangeWorkerMessage } from "./rangeWorker";
import { deserializeError } from "./workerErrors";

/** Thread count for reading plain files; 1 forces the single-thread scan. */
export const THREADS_ENV = "VPC_FLOW_DIAGNOSE_THREADS";
const MAX_THREADS = 64;
/** Below this, starting a worker costs more than it saves. */
const DEFAULT_MIN_SPLIT_BYTES = 64 << 20;
const MIN_RANGE_BYTES = 4 << 20;
/** Ranges per thread: small enough that a thread slowed by other work does not hold the others up. */
const RANGES_PER_THREAD = 16;
/** The first bytes looked at to tell raw lines from JSON and to find a header. */
const HEAD_BYTES = 64 * 1024;

/** How raw lines are read; the defaults suit the CLI, tests and `npm run bench` pick paths with them. */
export interface RawScanSettings {
    /** Only the line-by-line parser (LineSplitter and RawLineScanner.scan): the reference the fused scan is held to. */
    readonly fullParser?: boolean;
    /**
     * The assembled scan loop (default: lineScanKernel.ts LINE_SCAN_WASM). When it cannot be loaded,
     * the line-by-line parser reads raw lines instead, with a warning; tests name a missing or
     * damaged file to see that.
     */
    readonly lineScanWasm?: string;
    /** Threads for a plain file (1: one thread). Default: VPC_FLOW_DIAGNOSE_THREADS, else os.availableParallelism(), at most 8. */
    readonly threads?: number;
    /** Split only files of at least this many bytes. */
    readonly minSplitBytes?: number;
    /** Range size of a split file. Default: 4 ranges per thread, at least 8 MiB each. */
    readonly rangeBytes?: number;
    /** Kept bytes per out-of-order range before it leaves the rest to the main thread. */
    readonly keptBudget?: number;
    /**
     * Read every range after the first out of order, even when the main thread could read it in
     * order: tests use it to reach the rescans whatever the threads' timing.
     */
    readonly collectAll?: boolean;
}

/** The thread count the settings and the environment ask for; a bad VPC_FLOW_DIAGNOSE_THREADS is a user error. */
export function threadCount(settings: RawScanSettings): number {
    if (settings.threads !== undefined) return settings.threads;
    const text = process.env[THREADS_ENV];
    if (text !== undefined && text !== "") {
        if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > MAX_THREADS) {
            throw new UserInputError(`${THREADS_ENV}=${quote(text)} is not a thread count. Allowed: a whole number from 1 (one thread) to ${MAX_THREADS}.`);
        }
        return Number(text);
    }
    return Math.min(availableParallelism(), 8);
}

export interface PlainFileInput {
    readonly path: string;
    readonly scanner: RawLineScanner;
    readonly conversation: ScanSink;
    readonly src: AddressSet;
    readonly dst: AddressSet;
    readonly settings: RawScanSettings;
}

/** How a plain file was read: tests and `npm run bench` check the path they meant to measure. */
export interface PlainScanPlan {
    threads: number;
    ranges: number;
    /** Ranges that assumed the wrong format and were rescanned up to their first header (or whole). */
    rescanned: number;
    /** Ranges whose kept lines outgrew the budget, finished by the main thread. */
    finishedByMain: number;
}

/**
 * Reads a plain file of raw lines into the scanner. Returns undefined, having read nothing, when
 * the file is not one: JSON, a FIFO, or a first 64 KiB without a non-blank byte (the stream path
 * then reads it the usual way).
 */
export async function readPlainRawLines(input: PlainFileInput): Promise<PlainScanPlan | undefined> {
    const threads = threadCount(input.settings);
    const fd = openSync(input.path, "r");
    try {
        const stat = fstatSync(fd);
        if (!stat.isFile()) return undefined;
        const head = Buffer.alloc(Math.min(HEAD_BYTES, stat.size));
        const headBytes = readSync(fd, head, 0, head.length, 0);
        const first = firstNonBlank(head, headBytes);
        if (first === -1 || first === 0x7b || first === 0x5b) return undefined;

        const main = new DirectScan(fd, input);
        const minSplit = input.settings.minSplitBytes ?? DEFAULT_MIN_SPLIT_BYTES;
        if (threads < 2 || stat.size < minSplit) {
            main.scan({ start: 0, limit: Infinity });
            return main.plan;
        }
        const rangeBytes = input.settings.rangeBytes ?? Math.max(MIN_RANGE_BYTES, Math.ceil(stat.size / (threads * RANGES_PER_THREAD)));
        const jobs: RangeJob[] = [];
        for (let start = 0; start < stat.size; start += rangeBytes) jobs.push({ start, limit: Math.min(start + rangeBytes, stat.size) });
        main.plan.threads = Math.min(threads, jobs.length);
        main.plan.ranges = jobs.length;
        await scanSplit(fd, jobs, main.plan.threads, assumedFormat(head, headBytes, input.scanner.format), main, input);
        return main.plan;
    } finally {
        closeSync(fd);
    }
}

/**
 * The format every range but the first assumes: the file's own header when it starts with one
 * (an S3 object; concatenated objects of one flow log share it), else the format in effect.
 */
function assumedFormat(head: Buffer, length: number, current: LogFormat): LogFormat {
    let start = 0;
    while (start < length && isBlank(head[start])) start++;
    const newline = head.indexOf(0x0a, start);
    const header = formatFromHeader(head.toString("utf8", start, newline === -1 || newline > length ? length : newline));
    return header !== undefined && hasAddressFields(header) ? header : current;
}

function isBlank(c: number): boolean {
    return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function firstNonBlank(buf: Buffer, length: number): number {
    for (let i = 0; i < length; i++) if (!isBlank(buf[i])) return buf[i];
    return -1;
}

/** The main thread's scan in file order, straight into the real parser. */
class DirectScan {
    readonly plan: PlainScanPlan = { threads: 1, ranges: 1, rescanned: 0, finishedByMain: 0 };
    private readonly sink: DirectSink;
    private readonly block: BlockScanner;

    constructor(
        private readonly fd: number,
        private readonly input: PlainFileInput,
    ) {
        const { fused, sink } = directScan(input.scanner, input.src, input.dst, new LineScanKernel(input.settings.lineScanWasm));
        this.sink = sink;
        this.block = new BlockScanner(fused);
    }

    scan(job: RangeJob): void {
        readRange(this.fd, this.block, job.start, job.limit);
        this.sink.countUnrelated();
    }

    /** Hands a range scanned out of order to the real parser, rescanning what assumed the wrong format. */
    apply(job: RangeJob, result: RangeResult, assumed: LogFormat): void {
        const { scanner } = this.input;
        let from = 0;
        // Unrelated lines of the range counted so far: each entry gets those before it first, so line numbers hold.
        let counted = 0;
        if (scanner.format.formatString !== assumed.formatString) {
            this.plan.rescanned++;
            if (result.firstHeader === -1) {
                this.scan(job);
                return;
            }
            // From its first header on, the range read its lines in the right format.
            this.scan({ start: job.start, limit: result.headerLineEnd });
            from = result.firstHeader + 1;
            counted = result.unrelatedBeforeHeader;
        }
        const bytes = Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength);
        for (let i = from; i < result.ends.length; i++) {
            const start = i === 0 ? 0 : result.ends[i - 1];
            scanner.countUnrelated(result.unrelatedBefore[i] - counted);
            counted = result.unrelatedBefore[i];
            if (result.kinds[i] === EntryKind.Line) scanner.scan(bytes, start, result.ends[i]);
            else scanner.overlong(bytes.toString("utf8", start, result.ends[i]));
        }
        scanner.countUnrelated(result.unrelated - counted);
        if (result.stoppedAt !== -1) this.plan.finishedByMain++;
        if (result.stoppedAt !== -1) this.scan({ start: result.stoppedAt, limit: job.limit });
    }
}

/**
 * Worker threads and the main thread take ranges from a shared counter. The main thread scans a
 * range straight into the parser when every range before it is applied, else collects it like a
 * worker; results are applied strictly in range order.
 */
async function scanSplit(fd: number, jobs: RangeJob[], threads: number, assumed: LogFormat, main: DirectScan, input: PlainFileInput): Promise<void> {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const results: (RangeResult | undefined)[] = new Array(jobs.length);
    // The same for the main thread's out-of-order ranges and the workers'.
    const collectOptions: CollectOptions = {
        budget: input.settings.keptBudget ?? DEFAULT_KEPT_BUDGET,
        awsService: input.conversation.awsService,
        lineScanWasm: input.settings.lineScanWasm,
    };
    let next = 0;
    const applyReady = () => {
        for (let result = results[next]; result !== undefined; result = results[next]) {
            results[next] = undefined;
            main.apply(jobs[next], result, assumed);
            next++;
        }
    };
    // The first range is the main thread's: it scans while the workers start.
    Atomics.store(counter, 0, 1);
    const workerData: RangeWorkerInput = {
        fd,
        jobs,
        counter: counter.buffer as SharedArrayBuffer,
        format: assumed,
        src: input.src.ranges,
        dst: input.dst.ranges,
        ...collectOptions,
    };
    const workers: Worker[] = [];
    const finished: Promise<void>[] = [];
    for (let w = 1; w < threads; w++) {
        const worker = new Worker(join(__dirname, "rangeWorker.js"), { workerData });
        workers.push(worker);
        finished.push(
            new Promise<void>((resolve, reject) => {
                worker.on("message", (message: RangeWorkerMessage) => {
                    if ("error" in message) return reject(deserializeError(message.error));
                    if ("done" in message) return resolve();
                    results[message.index] = message.result;
                    try {
                        applyReady();
                    } catch (err) {
                        reject(err);
                    }
                });
                worker.on("error", reject);
                worker.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`A scan worker thread stopped with exit code ${code}.`))));
            }),
        );
    }
    const allFinished = Promise.all(finished);
    // Handled below; until then a failing worker must not count as an unhandled rejection.
    allFinished.catch(() => undefined);
    try {
        main.scan(jobs[0]);
        next = 1;
        // Collecting the other ranges, the main thread keeps letting worker results in.
        const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));
        for (let index = Atomics.add(counter, 0, 1); index < jobs.length; index = Atomics.add(counter, 0, 1)) {
            if (index === next && !input.settings.collectAll) {
                main.scan(jobs[index]);
                next++;
            } else {
                results[index] = collectRange(fd, jobs[index], assumed, input.src, input.dst, collectOptions);
            }
            applyReady();
            await yieldToEvents();
        }
        await allFinished;
    } finally {
        await Promise.all(workers.map((w) => w.terminate()));
    }
    applyReady();
    if (next !== jobs.length) throw new Error(`Split scan ended with range ${next} of ${jobs.length} not applied.`);
}

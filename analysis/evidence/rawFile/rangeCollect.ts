/**
 * One range of a split file, scanned out of order (in a worker, or on the main thread ahead of
 * the ranges before it): unrelated lines are only counted, and every other line is kept as bytes,
 * in order, for the main thread to give to the real parser once the ranges before it are in.
 *
 * The format at the range's start is not known yet, so the range assumes one. A shadow parser
 * (a RawLineScanner that builds nothing lasting) reads the kept lines as the real one will, so the
 * format follows header lines exactly. From the first header line on, what the range found does not
 * depend on the assumption; the main thread rescans the part before it when the assumption was wrong.
 */
import { AddressSet } from "../../core/ip";
import { LogFormat } from "../../core/logFormat";
import { RawLineScanner, ScanSink } from "../rawLines";
import { BlockScanner, FusedLineScan, FusedScanSink, readRange } from "./fusedScan";
import { LineScanKernel } from "./lineScanKernel";

/** Lines whose first byte is in `[start, limit)`. */
export interface RangeJob {
    readonly start: number;
    readonly limit: number;
}

export const enum EntryKind {
    /** A line for the full parser. */
    Line = 0,
    /** The sample of an over-long line. */
    Overlong = 1,
}

/** What a range found, in a form postMessage can carry. */
export interface RangeResult {
    /** Kept lines and samples back to back; entry i ends at ends[i]. */
    bytes: Uint8Array;
    ends: number[];
    kinds: EntryKind[];
    /** Lines proved unrelated before entry i in the range: the main thread numbers the lines with them. */
    unrelatedBefore: number[];
    /** Entry index of the first line that held a header, or -1. */
    firstHeader: number;
    /** Input offset just past the first header line (the next line's start). */
    headerLineEnd: number;
    /** Lines proved unrelated: all of them, and those before the first header. */
    unrelated: number;
    unrelatedBeforeHeader: number;
    /** When the kept bytes outgrew their budget: the offset of the first line not read. Else -1. */
    stoppedAt: number;
}

/** Kept bytes per range before the range stops and leaves the rest to the main thread. */
export const DEFAULT_KEPT_BUDGET = 4 << 20;

/** Builds nothing: the shadow parser only has to follow the format. */
const NOWHERE: ScanSink = {
    addRecord: () => "unrelated",
    addMalformed: () => undefined,
    addUnrelated: () => undefined,
};

class RangeCollector implements FusedScanSink {
    private bytes = Buffer.allocUnsafe(1 << 16);
    private used = 0;
    readonly ends: number[] = [];
    readonly kinds: EntryKind[] = [];
    readonly unrelatedBefore: number[] = [];
    firstHeader = -1;
    headerLineEnd = -1;
    unrelatedBeforeHeader = 0;
    stoppedAt = -1;
    fused!: FusedLineScan;

    constructor(
        private readonly shadow: RawLineScanner,
        private readonly budget: number,
    ) {}

    slowLine(buf: Buffer, start: number, end: number, offset: number): void {
        this.keep(buf, start, end, EntryKind.Line);
        const headers = this.shadow.stats.headers;
        this.shadow.scan(buf, start, end);
        const lineEnd = offset + (end - start) + 1;
        if (this.firstHeader === -1 && this.shadow.stats.headers !== headers) {
            this.firstHeader = this.ends.length - 1;
            this.headerLineEnd = lineEnd;
            this.unrelatedBeforeHeader = this.fused.unrelated;
        }
        if (this.used > this.budget) {
            this.stoppedAt = lineEnd;
            this.fused.stopRequested = true;
        }
    }

    overlong(sample: string): void {
        const bytes = Buffer.from(sample, "utf8");
        this.keep(bytes, 0, bytes.length, EntryKind.Overlong);
    }

    private keep(buf: Buffer, start: number, end: number, kind: EntryKind): void {
        const length = end - start;
        if (this.used + length > this.bytes.length) {
            const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + length));
            this.bytes.copy(grown, 0, 0, this.used);
            this.bytes = grown;
        }
        buf.copy(this.bytes, this.used, start, end);
        this.used += length;
        this.ends.push(this.used);
        this.kinds.push(kind);
        this.unrelatedBefore.push(this.fused.unrelated);
    }

    result(): RangeResult {
        return {
            bytes: Uint8Array.prototype.slice.call(this.bytes, 0, this.used),
            ends: this.ends,
            kinds: this.kinds,
            unrelatedBefore: this.unrelatedBefore,
            firstHeader: this.firstHeader,
            headerLineEnd: this.headerLineEnd,
            unrelated: this.fused.unrelated,
            unrelatedBeforeHeader: this.unrelatedBeforeHeader,
            stoppedAt: this.stoppedAt,
        };
    }
}

/** One per thread, for range after range: an instance has 256 KiB of memory of its own. */
let kernel: { readonly path: string | undefined; readonly kernel: LineScanKernel } | undefined;

export interface CollectOptions {
    /** Kept bytes before the range stops and leaves the rest to the main thread (DEFAULT_KEPT_BUDGET). */
    readonly budget?: number;
    /** The conversation's `--dst s3`: the shadow parser then keeps lines of one address too. */
    readonly awsService?: "S3";
    /** The scan loop's file (RawScanSettings.lineScanWasm). */
    readonly lineScanWasm?: string;
}

/** Scans a range of the file on the assumption that `format` is in effect at its start. */
export function collectRange(fd: number, job: RangeJob, format: LogFormat, src: AddressSet, dst: AddressSet, options: CollectOptions = {}): RangeResult {
    const { awsService } = options;
    // The shadow parser keeps what the real one would: with --dst s3, lines of one address too.
    const shadow = new RawLineScanner(awsService ? { ...NOWHERE, awsService } : NOWHERE, src, dst, format, { formatOnly: true });
    const collector = new RangeCollector(shadow, options.budget ?? DEFAULT_KEPT_BUDGET);
    if (kernel === undefined || kernel.path !== options.lineScanWasm) kernel = { path: options.lineScanWasm, kernel: new LineScanKernel(options.lineScanWasm) };
    const fused = new FusedLineScan(shadow, src, dst, collector, kernel.kernel);
    collector.fused = fused;
    readRange(fd, new BlockScanner(fused), job.start, job.limit);
    return collector.result();
}

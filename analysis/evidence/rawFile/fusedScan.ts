/**
 * The fused scan of raw flow-log lines: one pass over a reused buffer finds the newlines and the
 * field separators together, parses only the address fields the conversation test needs (srcaddr,
 * dstaddr, pkt-srcaddr, pkt-dstaddr, wherever the format puts them) as numbers, and builds nothing
 * for a line it can prove to be a well-formed record about other addresses. The loop itself is
 * WebAssembly (lineScan.wat, through LineScanKernel); this module feeds it and handles what it leaves.
 *
 * Every other line goes to the full parser (RawLineScanner.scan) as it is, so the statistics are
 * exactly those of the full parser. "Proved" means, for the line as scan() would see it: no byte
 * below 0x20 except a final CR (so no tabs, which may join messages, and no EVENTS line), no
 * leading or trailing space, exactly the format's number of non-empty fields separated by single
 * spaces, every address field a dotted quad (a `-` only in a pkt-* field that has srcaddr/dstaddr
 * beside it), at most MAX_LINE_BYTES long, and one side (source or destination fields) naming no
 * address of the conversation. scan() counts exactly those lines as unrelated records; anything in
 * doubt (IPv6, `-`, runs of spaces, headers) is its to judge.
 */
import { readSync } from "node:fs";
import { AddressSet } from "../../core/ip";
import { LogFormat } from "../../core/logFormat";
import { MAX_LINE_BYTES, OVERLONG_SAMPLE_BYTES, RawLineScanner } from "../rawLines";
import { BLOCK_BYTES, LineScanKernel, StopReason } from "./lineScanKernel";

const NEWLINE = 10;

/** What a field is to the conversation test; lineScan.wat reads these numbers. */
const enum Role {
    None = 0,
    /** The first source field of the format (srcaddr, or pkt-srcaddr without srcaddr): `-` needs the full parser. */
    SourceFirst = 1,
    /** pkt-srcaddr beside srcaddr: `-` means "does not apply". */
    SourceOther = 2,
    DestinationFirst = 3,
    DestinationOther = 4,
}

/** Where the lines the fast path cannot decide go, with their offset in the input. */
export interface FusedScanSink {
    /** `buf[start, end)` is the line without its newline. */
    slowLine(buf: Buffer, start: number, end: number, offset: number): void;
    overlong(sample: string, offset: number): void;
}

export class FusedLineScan {
    /** Lines proved unrelated so far; the owner hands them to RawLineScanner.countUnrelated. */
    unrelated = 0;
    /** Set when a line starting at or past the limit was reached, or the sink asked to stop. */
    reachedLimit = false;
    /** The sink may set this to end the scan after the current line. */
    stopRequested = false;
    private format: LogFormat | undefined;

    /**
     * `scanner` is the parser whose format the scan follows: header lines change it. A kernel may
     * be reused by one scan after another (never by two at once): this scan sets its tables.
     */
    constructor(
        private readonly scanner: RawLineScanner,
        src: AddressSet,
        dst: AddressSet,
        private readonly sink: FusedScanSink,
        private readonly kernel = new LineScanKernel(),
    ) {
        // IPv4 ranges of both sides: a hit on either makes a field "maybe related".
        const v4 = [...src.ranges, ...dst.ranges].filter((r) => r.version === 4);
        this.kernel.setRanges(
            v4.map((r) => r.first as number),
            v4.map((r) => r.last as number),
        );
    }

    /** The buffer every line handed to scanLines must be in (the kernel scans its own memory). */
    get buffer(): Buffer {
        return this.kernel.buffer;
    }

    private followFormat(): void {
        const format = this.scanner.format;
        if (format === this.format) return;
        const roles = new Uint8Array(format.fields.length);
        const mark = (names: string[], firstRole: Role, otherRole: Role) => {
            const positions = names.map((n) => format.fields.indexOf(n)).filter((i) => i >= 0);
            positions.forEach((p, k) => (roles[p] = k === 0 ? firstRole : otherRole));
        };
        mark(["srcaddr", "pkt-srcaddr"], Role.SourceFirst, Role.SourceOther);
        mark(["dstaddr", "pkt-dstaddr"], Role.DestinationFirst, Role.DestinationOther);
        this.format = format;
        // The scanner's looseMatch: a line is then unrelated only without any address hit.
        this.kernel.configure(roles, this.scanner.looseMatch);
    }

    /**
     * Scans the complete lines of `buffer[pos, end)`; `base` is the input offset of `buffer[0]`, and
     * lines that start at or after `limit` belong to someone else. Returns where it stopped: the
     * start of an incomplete line, of the first line past the limit, or `end`.
     */
    scanLines(pos: number, end: number, base: number, limit: number): number {
        const kernel = this.kernel;
        const buf = kernel.buffer;
        this.followFormat();
        for (;;) {
            const lineStart = kernel.scan(pos, end, limit - base);
            const reason = kernel.stopReason;
            pos = lineStart;
            if (reason === StopReason.Limit) this.reachedLimit = true;
            if (reason !== StopReason.SlowLine) break;
            const newline = buf.indexOf(NEWLINE, lineStart);
            // indexOf looks past `end` into bytes of an earlier fill: those do not count.
            if (newline === -1 || newline >= end) break;
            pos = newline + 1;
            // Counted before the line is handed on: a sink may look at the count of the lines before it.
            this.unrelated += kernel.takeUnrelated();
            if (newline - lineStart > MAX_LINE_BYTES) {
                this.overlong(buf, lineStart, base);
            } else {
                this.sink.slowLine(buf, lineStart, newline, base + lineStart);
                // A header line changes the format from the next line on.
                this.followFormat();
            }
            if (this.stopRequested) {
                this.reachedLimit = true;
                break;
            }
        }
        this.unrelated += kernel.takeUnrelated();
        return pos;
    }

    /** Reports the line starting at `buf[start]` as too long to be a record. */
    overlong(buf: Buffer, start: number, base: number): void {
        this.sink.overlong(buf.toString("utf8", start, start + OVERLONG_SAMPLE_BYTES), base + start);
    }
}

/**
 * Feeds a FusedLineScan from one reused buffer: bytes are written after the unfinished line the
 * last block left (moved to the front), so a line is never copied twice and no line becomes a
 * string unless the full parser needs it. A line longer than MAX_LINE_BYTES is reported once and
 * skipped, as LineSplitter does.
 */
export class BlockScanner {
    /** The scan's buffer, with one spare byte: the last line of an input without a final newline gets one. */
    readonly buf: Buffer;
    /** Bytes of an unfinished line at the front of `buf`. */
    filled = 0;
    /** Input offset of `buf[0]`. */
    base = 0;
    private limit = Infinity;
    private discarding = false;

    constructor(private readonly scan: FusedLineScan) {
        this.buf = scan.buffer;
    }

    /**
     * Starts at input offset `start`. With `alignToLine`, the bytes up to and including the first
     * newline at or after `start - 1` belong to the line before (another range's) and are skipped.
     */
    reset(start: number, limit: number, alignToLine: boolean): void {
        this.filled = 0;
        this.base = alignToLine ? start - 1 : start;
        this.discarding = alignToLine;
        this.limit = limit;
        this.scan.reachedLimit = false;
        this.scan.stopRequested = false;
    }

    /** Room after the unfinished line. */
    get space(): number {
        return BLOCK_BYTES - this.filled;
    }

    /** `n` new bytes were written at `buf[filled]`. Returns true once every line of the range is read. */
    advance(n: number): boolean {
        const buf = this.buf;
        const end = this.filled + n;
        let pos = 0;
        if (this.discarding) {
            const newline = buf.indexOf(NEWLINE);
            if (newline === -1 || newline >= end) {
                this.base += end;
                this.filled = 0;
                return false;
            }
            pos = newline + 1;
            this.discarding = false;
        }
        pos = this.scan.scanLines(pos, end, this.base, this.limit);
        if (this.scan.reachedLimit) return true;
        if (end - pos > MAX_LINE_BYTES) {
            this.scan.overlong(buf, pos, this.base);
            this.discarding = true;
            this.base += end;
            this.filled = 0;
            return false;
        }
        buf.copyWithin(0, pos, end);
        this.base += pos;
        this.filled = end - pos;
        return false;
    }

    /** Copies a chunk of a stream in (gunzip output), scanning as the buffer fills. */
    push(chunk: Buffer): void {
        let from = 0;
        while (from < chunk.length) {
            const n = Math.min(this.space, chunk.length - from);
            chunk.copy(this.buf, this.filled, from, from + n);
            from += n;
            this.advance(n);
        }
    }

    /** The input ended: scans its last line if it had no newline. */
    finish(): void {
        if (this.discarding || this.filled === 0 || this.base >= this.limit) return;
        this.buf[this.filled] = NEWLINE;
        this.scan.scanLines(0, this.filled + 1, this.base, this.limit);
    }
}

/**
 * The sink of a scan in input order: the full parser itself. The lines proved unrelated before a
 * line are counted before it, so the parser knows the line's number (for an unreadable one).
 */
export class DirectSink implements FusedScanSink {
    fused!: FusedLineScan;

    constructor(private readonly scanner: RawLineScanner) {}

    slowLine(buf: Buffer, start: number, end: number): void {
        this.countUnrelated();
        this.scanner.scan(buf, start, end);
    }

    overlong(sample: string): void {
        this.countUnrelated();
        this.scanner.overlong(sample);
    }

    /** Hands the lines proved unrelated so far to the parser. */
    countUnrelated(): void {
        this.scanner.countUnrelated(this.fused.unrelated);
        this.fused.unrelated = 0;
    }
}

/** A fused scan straight into the full parser, in input order. */
export function directScan(scanner: RawLineScanner, src: AddressSet, dst: AddressSet, kernel: LineScanKernel): { fused: FusedLineScan; sink: DirectSink } {
    const sink = new DirectSink(scanner);
    const fused = new FusedLineScan(scanner, src, dst, sink, kernel);
    sink.fused = fused;
    return { fused, sink };
}

/**
 * Reads the lines of a file that start in `[start, limit)` (a line belongs to the range that holds
 * its first byte) into `block`'s scan. Synchronous: the thread has nothing else to do meanwhile.
 */
export function readRange(fd: number, block: BlockScanner, start: number, limit: number): void {
    block.reset(start, limit, start > 0);
    for (;;) {
        const n = readSync(fd, block.buf, block.filled, block.space, block.base + block.filled);
        if (n === 0) {
            block.finish();
            return;
        }
        if (block.advance(n)) return;
    }
}

/** The fused scan of a stream (gunzip's output) in input order, with LineSplitter's push/end. */
export class FusedStreamScan {
    private readonly sink: DirectSink;
    private readonly block: BlockScanner;

    constructor(scanner: RawLineScanner, src: AddressSet, dst: AddressSet, lineScanWasm?: string) {
        const { fused, sink } = directScan(scanner, src, dst, new LineScanKernel(lineScanWasm));
        this.sink = sink;
        this.block = new BlockScanner(fused);
        this.block.reset(0, Infinity, false);
    }

    push(chunk: Buffer): void {
        this.block.push(chunk);
    }

    end(): void {
        this.block.finish();
        this.sink.countUnrelated();
    }
}

/**
 * Raw flow-log lines (`2 123456789012 eni-0a1b... 10.0.1.25 52.219.204.42 ...`) in any field order,
 * as files, S3 objects and `filter-log-events` messages hold them.
 *
 * Most lines in a real log belong to other conversations, so the scanner works on bytes: it splits a
 * line into field offsets and tests the address fields as numbers, and only builds a record (strings,
 * objects) for lines that may belong to the conversation or that carry a NODATA/SKIPDATA status.
 *
 * What counts as malformed: a line with a different number of fields than the format, or whose
 * address fields are neither an address nor `-`; and, for a line that may belong to the
 * conversation or carries a status, any field whose value its field does not allow. A line that is
 * clearly about other addresses is not examined further, which is what keeps the scan fast.
 *
 * Shapes besides plain records, all handled off the hot path (a line that does not split into the
 * format's fields): `aws logs filter-log-events --output text` lines (`EVENTS<TAB>id<TAB>ingestion
 * <TAB>stream<TAB>message<TAB>timestamp`), messages joined by tabs (`--query 'events[].message'
 * --output text`), and header lines in the middle of a file (concatenated S3 objects).
 */
import { UserInputError } from "../core/errors";
import { AddressSet, NOT_IPV4, parseIpv4Bytes } from "../core/ip";
import { LogFormat, formatFromHeader, unknownFields, unknownFieldsWarning } from "../core/logFormat";
import { Conversation } from "./conversation";
import { RECORD_FIELDS, RecordField, buildRecord, isInvalid, opaqueField } from "../core/records";

const SPACE = 32;
const TAB = 9;
const CR = 13;
const NEWLINE = 10;
const DASH = 45;
const COLON = 58;
/** `E`, the first byte of the `EVENTS` lines of filter-log-events' text output. */
const UPPER_E = 69;
const EVENTS_PREFIX = Buffer.from("EVENTS\t");
/** Other lines of filter-log-events' text output, which carry no record. */
const CLI_TEXT_NOISE = /^(SEARCHEDLOGSTREAMS|NEXTTOKEN)\t/;

const enum AddressTest {
    /** The address belongs to neither side: the line is not about this conversation. */
    Unrelated,
    /** In one of the sets, `-`, or IPv6: build the record and decide there. */
    Maybe,
    /** Not an address at all: the line is malformed, or a header. */
    Invalid,
}

export interface ScanStats {
    /** Non-blank lines seen, headers included. */
    lines: number;
    /** Lines that had the shape of a record (related or not). */
    recordLines: number;
    headers: number;
    /** Lines the fast split could not handle alone (runs of spaces, wrong field counts): a performance signal. */
    slowSplits: number;
    /** `EVENTS` lines of filter-log-events' text output (their messages are counted as lines too). */
    eventsLines: number;
}

export interface RawLineScannerOptions {
    /** True when the user chose the format (`--format`); a header that disagrees then gets a warning. */
    readonly formatChosen?: boolean;
    readonly warn?: (message: string) => void;
    /**
     * Only follow the format (header lines), building no record: a split scan's shadow parser,
     * whose records nobody reads. Counts and format changes are those of a full scan.
     */
    readonly formatOnly?: boolean;
    /** The input's name (its path), for the locations of unreadable lines: `flows.log:43`. */
    readonly source?: string;
}

/** What the scanner feeds: the conversation, or a stand-in that only lets the scanner follow the format. */
export type ScanSink = Pick<Conversation, "addRecord" | "addMalformed" | "addUnrelated"> & Partial<Pick<Conversation, "awsService">>;

/** The format names the AWS service on both ends (pkt-dst-aws-service and pkt-src-aws-service). */
export function carriesAwsServices(format: LogFormat): boolean {
    return format.fields.includes("pkt-dst-aws-service") && format.fields.includes("pkt-src-aws-service");
}

export class RawLineScanner {
    private readonly conversation: ScanSink;
    private readonly src: AddressSet;
    private readonly dst: AddressSet;
    private readonly options: RawLineScannerOptions;
    private currentFormat!: LogFormat;
    private fields!: RecordField[];
    private fieldCount = 0;
    private starts!: Int32Array;
    private ends!: Int32Array;
    /** Field positions that hold a source address (srcaddr, pkt-srcaddr), and destination ones. */
    private srcFields!: number[];
    private dstFields!: number[];
    private wordsOf: Buffer | undefined;
    private words: Int32Array<ArrayBufferLike> = new Int32Array(0);
    private pendingUnrelated = 0;
    private loose = false;
    private warnedFormatOverride = false;
    private readonly warnedUnknown = new Set<string>();
    /** Lines of the input so far, blank and unrelated ones included: the number of the line being read. */
    private lineNumber = 0;
    /** Where the line being read is, for an unreadable line; undefined when the input has no lines (JSON messages without a place). */
    private location: string | undefined;
    readonly stats: ScanStats = { lines: 0, recordLines: 0, headers: 0, slowSplits: 0, eventsLines: 0 };

    constructor(conversation: ScanSink, src: AddressSet, dst: AddressSet, format: LogFormat, options: RawLineScannerOptions = {}) {
        this.conversation = conversation;
        this.src = src;
        this.dst = dst;
        this.options = options;
        this.useFormat(format);
    }

    get format(): LogFormat {
        return this.currentFormat;
    }

    private useFormat(format: LogFormat): void {
        if (!hasAddressFields(format)) {
            throw new UserInputError(
                `The flow-log format '${format.formatString}' has no srcaddr/pkt-srcaddr or no dstaddr/pkt-dstaddr field: ` +
                    `without addresses no record can be tied to the conversation. Use a format with srcaddr and dstaddr (default or diagnostic).`,
            );
        }
        // Fields this project does not know yet (AWS keeps adding them) are kept as opaque text.
        const fields = format.fields.map((name) => RECORD_FIELDS.get(name) ?? opaqueField(name));
        const positions = (...names: string[]) => names.map((n) => format.fields.indexOf(n)).filter((i) => i >= 0);
        const srcFields = positions("srcaddr", "pkt-srcaddr");
        const dstFields = positions("dstaddr", "pkt-dstaddr");
        this.currentFormat = format;
        this.fields = fields;
        this.fieldCount = fields.length;
        this.starts = new Int32Array(fields.length);
        this.ends = new Int32Array(fields.length);
        this.srcFields = srcFields;
        this.dstFields = dstFields;
        this.loose = this.conversation.awsService !== undefined && carriesAwsServices(format);
    }

    /**
     * True while a record may belong to the conversation by its AWS service alone (`--dst s3` and a
     * format with pkt-*-aws-service): a line is then unrelated only when it names no address of the
     * conversation at all.
     */
    get looseMatch(): boolean {
        return this.loose;
    }

    /** Scans the next line of the input, in `buf[start, end)` without its newline. */
    scan(buf: Buffer, start: number, end: number): void {
        this.lineNumber++;
        this.location = this.lineLocation();
        this.scanLine(buf, start, end);
    }

    /**
     * A line of the input too long to be a record (LineSplitter, the fused scan): only its sample
     * is kept, and it is counted as a line all the same, so the numbers of the lines after it hold.
     */
    overlong(sample: string): void {
        this.lineNumber++;
        this.conversation.addMalformed(1, sample, false, { reading: { fit: "unrelated", reason: "too-long" }, location: this.lineLocation() });
    }

    /** `flows.log:43`, or `line 43` for an input without a name. */
    private lineLocation(): string {
        return this.options.source === undefined ? `line ${this.lineNumber}` : `${this.options.source}:${this.lineNumber}`;
    }

    private scanLine(buf: Buffer, start: number, end: number): void {
        while (end > start && (buf[end - 1] === CR || buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
        while (start < end && (buf[start] === SPACE || buf[start] === TAB)) start++;
        if (start === end) return;
        if (buf[start] === UPPER_E && this.scanEventsLine(buf, start, end)) return;
        this.stats.lines++;

        if (!this.splitFast(buf, start, end)) {
            this.stats.slowSplits++;
            if (!this.split(buf, start, end)) {
                this.notARecordLine(buf, start, end);
                return;
            }
        }
        const srcTest = this.testAddresses(buf, this.srcFields);
        const dstTest = srcTest === AddressTest.Invalid ? AddressTest.Invalid : this.testAddresses(buf, this.dstFields);
        if (srcTest === AddressTest.Invalid || dstTest === AddressTest.Invalid) {
            this.notARecordLine(buf, start, end);
            return;
        }
        this.stats.recordLines++;
        const unrelated = this.loose
            ? srcTest === AddressTest.Unrelated && dstTest === AddressTest.Unrelated
            : srcTest === AddressTest.Unrelated || dstTest === AddressTest.Unrelated;
        if (unrelated) {
            this.pendingUnrelated++;
            return;
        }
        if (this.options.formatOnly) return;
        this.buildAndAdd(buf, start, end);
    }

    /**
     * The fast split: finds the spaces four bytes at a time and records every field's offsets.
     * False means "look closer" (split), not "malformed": a run of spaces, for one, is left to split.
     */
    private splitFast(buf: Buffer, start: number, end: number): boolean {
        if (buf !== this.wordsOf) {
            this.wordsOf = buf;
            this.words = new Int32Array(buf.buffer, 0, buf.buffer.byteLength >> 2);
        }
        const words = this.words;
        const offset = buf.byteOffset;
        const last = this.fieldCount - 1;
        const starts = this.starts;
        const ends = this.ends;
        let count = 0;
        let fieldStart = start;
        let i = start;
        while (i < end && ((offset + i) & 3) !== 0) {
            if (buf[i] === SPACE) {
                if (count === last || i === fieldStart) return false;
                starts[count] = fieldStart;
                ends[count++] = i;
                fieldStart = i + 1;
            }
            i++;
        }
        const lastWord = (offset + end) >> 2;
        for (let w = (offset + i) >> 2; w < lastWord; w++) {
            // A zero byte in x is a space in the word. The expression sets the high bit of every
            // non-zero byte without carries between bytes, so the clear high bits mark the spaces.
            const x = words[w] ^ 0x20202020;
            let spaces = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
            while (spaces !== 0) {
                // Little-endian: the lowest marked byte comes first in memory.
                const at = (w << 2) - offset + ((31 - Math.clz32(spaces & -spaces)) >> 3);
                if (count === last || at === fieldStart) return false;
                starts[count] = fieldStart;
                ends[count++] = at;
                fieldStart = at + 1;
                spaces &= spaces - 1;
            }
        }
        i = Math.max(i, (lastWord << 2) - offset);
        while (i < end) {
            if (buf[i] === SPACE) {
                if (count === last || i === fieldStart) return false;
                starts[count] = fieldStart;
                ends[count++] = i;
                fieldStart = i + 1;
            }
            i++;
        }
        if (count !== last || fieldStart >= end) return false;
        starts[count] = fieldStart;
        ends[count] = end;
        return true;
    }

    /** Splits the whole line into field offsets, tolerating runs of spaces. True when the field count is the format's. */
    private split(buf: Buffer, start: number, end: number): boolean {
        const n = this.fieldCount;
        const starts = this.starts;
        const ends = this.ends;
        let count = 0;
        let fieldStart = start;
        for (let i = start; i < end; i++) {
            if (buf[i] !== SPACE) continue;
            if (count === n - 1) return false;
            starts[count] = fieldStart;
            ends[count] = i;
            count++;
            while (i + 1 < end && buf[i + 1] === SPACE) i++;
            fieldStart = i + 1;
        }
        if (count !== n - 1) return false;
        starts[count] = fieldStart;
        ends[count] = end;
        return true;
    }

    /**
     * An `EVENTS` line of `aws logs filter-log-events --output text`: the CLI prints the event's keys
     * in alphabetical order (eventId, ingestionTime, logStreamName, message, timestamp), so the
     * message is the fifth column. Returns false for any other line.
     */
    private scanEventsLine(buf: Buffer, start: number, end: number): boolean {
        if (end - start < EVENTS_PREFIX.length || buf.compare(EVENTS_PREFIX, 0, EVENTS_PREFIX.length, start, start + EVENTS_PREFIX.length) !== 0) {
            return false;
        }
        const columns = buf.toString("utf8", start, end).split("\t");
        this.stats.eventsLines++;
        if (columns.length !== 6) {
            this.stats.lines++;
            this.notARecord(buf.toString("utf8", start, end));
            return true;
        }
        this.scanPart(columns[4]);
        return true;
    }

    /**
     * Scans one message given as text (a Logs Insights `@message`, a filter-log-events message, a
     * Parquet row); `where` places it in the input (`event 3`, `row 12`) for an unreadable one.
     */
    scanText(line: string, where?: string): void {
        this.location = where === undefined ? undefined : this.options.source === undefined ? where : `${this.options.source} ${where}`;
        this.scanPart(line);
    }

    /** A message within the line or message being read (an EVENTS line's, one of tab-joined messages). */
    private scanPart(line: string): void {
        const buf = Buffer.from(line, "utf8");
        this.scanLine(buf, 0, buf.length);
    }

    /**
     * Counts lines that a faster scan proved to be well-formed records about other addresses, as
     * `scan` would have counted them.
     */
    countUnrelated(count: number): void {
        this.lineNumber += count;
        this.stats.lines += count;
        this.stats.recordLines += count;
        this.pendingUnrelated += count;
    }

    /** Hands the count of lines skipped as unrelated to the conversation; call when the input ends. */
    flush(): void {
        this.conversation.addUnrelated(this.pendingUnrelated);
        this.pendingUnrelated = 0;
    }

    private testAddresses(buf: Buffer, positions: number[]): AddressTest {
        let result = AddressTest.Unrelated;
        for (const p of positions) {
            const start = this.starts[p];
            const end = this.ends[p];
            const v4 = parseIpv4Bytes(buf, start, end);
            if (v4 !== NOT_IPV4) {
                if (this.src.containsIpv4(v4) || this.dst.containsIpv4(v4)) result = AddressTest.Maybe;
                continue;
            }
            if (end - start === 1 && buf[start] === DASH) {
                // No address: a NODATA/SKIPDATA record, or pkt-* that does not apply.
                if (p === positions[0]) result = AddressTest.Maybe;
                continue;
            }
            if (hasByte(buf, start, end, COLON)) {
                result = AddressTest.Maybe;
                continue;
            }
            return AddressTest.Invalid;
        }
        return result;
    }

    private buildAndAdd(buf: Buffer, start: number, end: number): void {
        const texts: string[] = new Array(this.fieldCount);
        for (let i = 0; i < this.fieldCount; i++) texts[i] = buf.toString("utf8", this.starts[i], this.ends[i]);
        const record = buildRecord(this.fields, texts);
        if (isInvalid(record)) {
            this.stats.recordLines--;
            const text = buf.toString("utf8", start, end);
            this.conversation.addMalformed(1, text, this.mentionsConversation(text), { tokens: texts, fields: this.currentFormat.fields, location: this.location });
            return;
        }
        this.conversation.addRecord(record);
    }

    private notARecordLine(buf: Buffer, start: number, end: number): void {
        const text = buf.toString("utf8", start, end);
        if (CLI_TEXT_NOISE.test(text)) {
            this.stats.lines--;
            return;
        }
        if (text.includes("\t")) {
            // Messages joined by tabs: 'filter-log-events --query events[].message --output text'.
            this.stats.lines--;
            for (const part of text.split("\t")) this.scanPart(part);
            return;
        }
        this.notARecord(text);
    }

    private notARecord(text: string): void {
        const header = formatFromHeader(text);
        if (header === undefined) {
            const tokens = text.trim().split(/\s+/);
            this.conversation.addMalformed(1, text, this.mentionsConversation(text), { tokens, fields: this.currentFormat.fields, location: this.location });
            return;
        }
        if (!hasAddressFields(header)) {
            // A truncated or unusable header: the records that follow keep the current format.
            this.conversation.addMalformed(1, `a header line without srcaddr and dstaddr: ${text}`, false, {
                reading: { fit: "unrelated", reason: "broken-header" },
                location: this.location,
            });
            return;
        }
        this.stats.headers++;
        if (header.formatString === this.currentFormat.formatString) return;
        if (this.options.formatChosen && !this.warnedFormatOverride && this.options.warn) {
            this.warnedFormatOverride = true;
            this.options.warn(`The input's header line sets the format to '${header.formatString}'; it overrides --format.`);
        }
        const unknown = unknownFields(header).filter((f) => !this.warnedUnknown.has(f));
        const warning = unknownFieldsWarning(unknown, "The input's header");
        if (warning !== undefined && this.options.warn) {
            for (const f of unknown) this.warnedUnknown.add(f);
            this.options.warn(warning);
        }
        this.useFormat(header);
    }

    /** True when a line that could not be read names an address of the conversation (slow path only). */
    private mentionsConversation(text: string): boolean {
        for (const token of text.split(/[\s,;"']+/)) {
            if (token.length < 3) continue;
            if (this.src.contains(token) || this.dst.contains(token)) return true;
        }
        return false;
    }
}

export function hasAddressFields(format: LogFormat): boolean {
    const has = (...names: string[]) => names.some((n) => format.fields.includes(n));
    return has("srcaddr", "pkt-srcaddr") && has("dstaddr", "pkt-dstaddr");
}

function hasByte(buf: Buffer, start: number, end: number, byte: number): boolean {
    for (let i = start; i < end; i++) if (buf[i] === byte) return true;
    return false;
}

/** Lines longer than this are not flow-log records (a binary file, a file without newlines). */
export const MAX_LINE_BYTES = 64 * 1024;
/** How much of an over-long line is shown as its malformed sample. */
export const OVERLONG_SAMPLE_BYTES = 200;

/**
 * Cuts a stream of chunks into lines without copying them, except for a line that spans two chunks.
 * A "line" longer than `maxLineBytes` (a binary file, a file without newlines) is dropped and
 * reported once, so memory stays bounded whatever the input.
 */
export class LineSplitter {
    private carry: Buffer[] = [];
    private carryBytes = 0;
    private discarding = false;

    constructor(
        private readonly onLine: (buf: Buffer, start: number, end: number) => void,
        private readonly onOverlong: (sample: string) => void,
        private readonly maxLineBytes = MAX_LINE_BYTES,
    ) {}

    push(chunk: Buffer): void {
        let pos = 0;
        if (this.carryBytes > 0 || this.discarding) {
            const newline = chunk.indexOf(NEWLINE);
            if (newline === -1) {
                this.keep(chunk);
                return;
            }
            this.keep(chunk.subarray(0, newline));
            this.endLine();
            pos = newline + 1;
        }
        const onLine = this.onLine;
        for (;;) {
            const newline = chunk.indexOf(NEWLINE, pos);
            if (newline === -1) break;
            // The same limit whether or not the line happens to span two chunks.
            if (newline - pos > this.maxLineBytes) this.onOverlong(chunk.toString("utf8", pos, Math.min(newline, pos + OVERLONG_SAMPLE_BYTES)));
            else onLine(chunk, pos, newline);
            pos = newline + 1;
        }
        if (pos < chunk.length) this.keep(chunk.subarray(pos));
    }

    end(): void {
        if (this.carryBytes > 0 || this.discarding) this.endLine();
    }

    private keep(part: Buffer): void {
        if (this.discarding) return;
        if (this.carryBytes + part.length > this.maxLineBytes) {
            const sample = Buffer.concat([...this.carry, part]).toString("utf8", 0, OVERLONG_SAMPLE_BYTES);
            this.carry = [];
            this.carryBytes = 0;
            this.discarding = true;
            this.onOverlong(sample);
            return;
        }
        // Copied: the stream may hand out views of a buffer it reuses.
        this.carry.push(Buffer.from(part));
        this.carryBytes += part.length;
    }

    private endLine(): void {
        if (!this.discarding) {
            const line = this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry);
            this.onLine(line, 0, line.length);
        }
        this.carry = [];
        this.carryBytes = 0;
        this.discarding = false;
    }
}

/**
 * One row group of a flow-log Parquet file, read the way a columnar engine reads it for one
 * conversation: the address columns first, as bytes (a dictionary page is tested once per entry and
 * its rows by index), then the other columns only as far as the rows that may belong to the
 * conversation need them. A row is left out (counted, not built) exactly when the text line it
 * stands for would be counted as an unrelated record by the raw-line scanner (rawLines.ts): every
 * value a non-empty token of visible ASCII, every address field a dotted quad or `-`/null where `-`
 * does not make the record "maybe related", and one side naming no address of the conversation.
 * Every other row comes back with the values the general reader (hyparquet's parquetRead) would
 * give, for parquetInput.ts to read the way it reads any row.
 *
 * What this reads: flat columns of INT32, INT64 (no unsigned, date or time annotation) and
 * BYTE_ARRAY strings; PLAIN and dictionary encodings; data pages v1 and v2; the codecs
 * uncompressed, Snappy, Gzip and Brotli. Anything else in a row group (another encoding, a level
 * encoding other than RLE, damage) ends this reading with a reason, and the caller reads that row
 * group with the general reader, whose answer (or error) is then the one given.
 *
 * Pure apart from reading the file: it runs on the main thread and in worker threads alike.
 */
import { readSync } from "node:fs";
import { brotliDecompressSync, unzipSync } from "node:zlib";
import { AddressSet, NOT_IPV4, parseIpv4Bytes } from "../../core/ip";
import { HybridRuns } from "./hybrid";

/** What a column is to the conversation test (the same roles as the fused text scan's). */
export const enum AddressRole {
    None = 0,
    /** srcaddr, or pkt-srcaddr without srcaddr: `-` or null makes the record "maybe related". */
    SourceFirst = 1,
    /** pkt-srcaddr beside srcaddr: `-` means "does not apply". */
    SourceOther = 2,
    DestinationFirst = 3,
    DestinationOther = 4,
}

export type ColumnKind = "int32" | "int64" | "string";

/** One column to read, in the order of the record's fields. */
export interface ColumnPlan {
    readonly kind: ColumnKind;
    /** OPTIONAL (definition levels of one bit) or REQUIRED. */
    readonly optional: boolean;
    readonly role: AddressRole;
}

/** Where one column chunk of the row group is in the file. */
export interface ChunkPlace {
    readonly offset: number;
    readonly length: number;
    readonly codec: string;
}

export interface GroupJob {
    /** Index of the row group in the file. */
    readonly index: number;
    readonly rows: number;
    /** One per ColumnPlan. */
    readonly chunks: readonly ChunkPlace[];
}

/** What a row group gave: the rows that need reading, with their values, in row order. */
export type GroupResult =
    | {
          readonly index: number;
          readonly rows: number;
          /** Row numbers within the group (from 0), ascending. */
          readonly rowsToRead: number[];
          /** The values of each of those rows, one per column: string, number, bigint or null. */
          readonly values: unknown[][];
      }
    | { readonly index: number; readonly rows: number; readonly unreadable: string };

/** The settings shared by every row group of a file. */
export interface ScanSetup {
    readonly columns: readonly ColumnPlan[];
    readonly src: AddressSet;
    readonly dst: AddressSet;
    /** RawLineScanner.looseMatch: a row is then unrelated only when neither side names an address of the conversation. */
    readonly looseMatch: boolean;
    /** hyparquet's page-header reader and Snappy, handed in: hyparquet is an ES module loaded on demand. */
    readonly reader: ParquetPrimitives;
}

export interface ParquetPrimitives {
    parquetHeader(reader: { view: DataView; offset: number }): PageHeader;
    snappyUncompress(input: Uint8Array, output: Uint8Array): void;
}

/** The fields of hyparquet's PageHeader this module reads. */
export interface PageHeader {
    type: string;
    uncompressed_page_size: number;
    compressed_page_size: number;
    data_page_header?: { num_values: number; encoding: string; definition_level_encoding: string };
    dictionary_page_header?: { num_values: number; encoding: string };
    data_page_header_v2?: {
        num_values: number;
        num_nulls: number;
        num_rows: number;
        encoding: string;
        definition_levels_byte_length: number;
        repetition_levels_byte_length: number;
        is_compressed?: boolean;
    };
}

/** Raised inside this module when the row group needs the general reader. */
class Unreadable extends Error {}

const DASH = 45;

/** Per address value: how it bears on the conversation test. */
const enum AddressValue {
    /** A dotted quad of neither side. */
    Outside = 0,
    /** A dotted quad in the source or destination set. */
    Inside = 1,
    /** `-` or null. */
    Dash = 2,
    /** Anything else (IPv6, not an address, not a plain token): the row needs the full reading. */
    Other = 3,
}

/** Row flags of the address test. */
const SOURCE_MAYBE = 1;
const DESTINATION_MAYBE = 2;
const READ_ROW = 4;

const utf8 = new TextDecoder();

/**
 * Reads one row group; never throws for the row group's content: any failure (damage, something
 * this reader leaves to the general one) comes back as `unreadable`, and the general reader then
 * reads the row group or words the error for the user.
 */
export function scanRowGroup(fd: number, job: GroupJob, setup: ScanSetup): GroupResult {
    try {
        return scanOrThrow(fd, job, setup);
    } catch (err) {
        return { index: job.index, rows: job.rows, unreadable: err instanceof Error ? err.message : String(err) };
    }
}

function scanOrThrow(fd: number, job: GroupJob, setup: ScanSetup): GroupResult {
    const { columns } = setup;
    const rows = job.rows;
    const chunks = columns.map((plan, c) => new ColumnChunk(readChunk(fd, job.chunks[c]), job.chunks[c].codec, plan, rows, setup.reader));
    const flags = new Uint8Array(rows);
    const codes = new Uint8Array(rows);
    // Address columns: every row's value is tested.
    columns.forEach((plan, c) => {
        if (plan.role === AddressRole.None) return;
        chunks[c].addressCodes(codes, setup.src, setup.dst);
        const first = plan.role === AddressRole.SourceFirst || plan.role === AddressRole.DestinationFirst;
        const maybe = plan.role === AddressRole.SourceFirst || plan.role === AddressRole.SourceOther ? SOURCE_MAYBE : DESTINATION_MAYBE;
        for (let r = 0; r < rows; r++) {
            const code = codes[r];
            if (code === AddressValue.Inside || (code === AddressValue.Dash && first)) flags[r] |= maybe;
            else if (code === AddressValue.Other) flags[r] |= READ_ROW;
        }
    });
    // Other string columns: a value that is not a plain token makes the row's line something else.
    columns.forEach((plan, c) => {
        if (plan.role === AddressRole.None && plan.kind === "string") chunks[c].markUnplainTokens(flags, READ_ROW);
    });
    const rowsToRead: number[] = [];
    for (let r = 0; r < rows; r++) {
        const f = flags[r];
        const related = setup.looseMatch ? (f & (SOURCE_MAYBE | DESTINATION_MAYBE)) !== 0 : (f & SOURCE_MAYBE) !== 0 && (f & DESTINATION_MAYBE) !== 0;
        if (related || (f & READ_ROW) !== 0) rowsToRead.push(r);
    }
    const values = rowsToRead.map(() => new Array<unknown>(columns.length));
    chunks.forEach((chunk, c) => {
        for (let k = 0; k < rowsToRead.length; k++) values[k][c] = chunk.value(rowsToRead[k]);
    });
    return { index: job.index, rows, rowsToRead, values };
}

function readChunk(fd: number, place: ChunkPlace): Uint8Array {
    const bytes = new Uint8Array(place.length);
    let filled = 0;
    while (filled < bytes.length) {
        const n = readSync(fd, bytes, filled, bytes.length - filled, place.offset + filled);
        if (n === 0) throw new Unreadable("the file ended inside a column chunk");
        filled += n;
    }
    return bytes;
}

/** Values of one page (or a dictionary): read on demand. */
interface ValueStore {
    readonly count: number;
    /** Start of value i in `bytes` (strings: past the 4-byte length). */
    valueAt(i: number): number | bigint | string;
}

class PlainInts implements ValueStore {
    private readonly view: DataView;
    constructor(
        bytes: Uint8Array,
        private readonly start: number,
        readonly count: number,
        private readonly kind: "int32" | "int64",
    ) {
        const width = kind === "int32" ? 4 : 8;
        if (start + count * width > bytes.length) throw new Unreadable("a page is shorter than its values");
        this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    valueAt(i: number): number | bigint {
        return this.kind === "int32" ? this.view.getInt32(this.start + i * 4, true) : this.view.getBigInt64(this.start + i * 8, true);
    }
}

class PlainStrings implements ValueStore {
    readonly starts: Int32Array;
    readonly ends: Int32Array;
    constructor(
        readonly bytes: Uint8Array,
        start: number,
        readonly count: number,
    ) {
        this.starts = new Int32Array(count);
        this.ends = new Int32Array(count);
        let p = start;
        const end = bytes.length;
        for (let i = 0; i < count; i++) {
            if (p + 4 > end) throw new Unreadable("a page is shorter than its values");
            const length = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
            p += 4;
            if (length < 0 || p + length > end) throw new Unreadable("a page is shorter than its values");
            this.starts[i] = p;
            p += length;
            this.ends[i] = p;
        }
    }
    valueAt(i: number): string {
        return utf8.decode(this.bytes.subarray(this.starts[i], this.ends[i]));
    }
    /** The address test of value i (see AddressValue). */
    addressCode(i: number, src: AddressSet, dst: AddressSet): AddressValue {
        const bytes = this.bytes;
        const start = this.starts[i];
        const end = this.ends[i];
        const v4 = parseIpv4Bytes(bytes, start, end);
        if (v4 !== NOT_IPV4) return src.containsIpv4(v4) || dst.containsIpv4(v4) ? AddressValue.Inside : AddressValue.Outside;
        if (end - start === 1 && bytes[start] === DASH) return AddressValue.Dash;
        return AddressValue.Other;
    }
    /** True when value i is a non-empty run of visible ASCII: the token a record line holds as it is. */
    plainToken(i: number): boolean {
        const bytes = this.bytes;
        const end = this.ends[i];
        let p = this.starts[i];
        if (p === end) return false;
        for (; p < end; p++) {
            const b = bytes[p];
            if (b <= 0x20 || b >= 0x7f) return false;
        }
        return true;
    }
}

/** A data page: its rows, where each row's value is (or null), and the values. */
interface DataPage {
    readonly firstRow: number;
    readonly rows: number;
    /** Definition levels; undefined when no row is null. */
    readonly levels: HybridRuns | undefined;
    /** Dictionary indices, one per value, for a dictionary-encoded page. */
    readonly indices: HybridRuns | undefined;
    /** The page's own values (PLAIN). */
    readonly values: ValueStore | undefined;
    /** Row to value index (-1: null), made when every row is looked at. */
    valueIndexes?: Int32Array;
}

/** Row (within the page) to value index, -1 for null; undefined when no row is null. */
function valueIndexes(page: DataPage): Int32Array | undefined {
    if (page.levels === undefined) return undefined;
    if (page.valueIndexes !== undefined) return page.valueIndexes;
    page.valueIndexes = page.levels.valueIndexes();
    return page.valueIndexes;
}

function valueIndexOf(page: DataPage, row: number): number {
    if (page.levels === undefined) return row;
    if (page.valueIndexes !== undefined) return page.valueIndexes[row];
    return page.levels.valueIndex(row);
}

function dictionaryIndex(page: DataPage, value: number, size: number): number {
    const index = page.indices!.get(value);
    if (index < 0 || index >= size) throw new Unreadable("a dictionary index past the dictionary");
    return index;
}

/** A page not decoded yet: integer columns are decoded only where a row needs a value. */
interface PageRef {
    readonly firstRow: number;
    readonly rows: number;
    readonly header: PageHeader;
    readonly start: number;
    decoded?: DataPage;
}

class ColumnChunk {
    private readonly pages: PageRef[] = [];
    private dictionary: ValueStore | undefined;
    /** Dictionary entries tested once: address codes, or plain-token flags. */
    private dictionaryCodes: Uint8Array | undefined;
    private dictionaryStrings: (string | undefined)[] | undefined;
    private lastPage = 0;

    constructor(
        private readonly bytes: Uint8Array,
        private readonly codec: string,
        private readonly plan: ColumnPlan,
        rows: number,
        private readonly primitives: ParquetPrimitives,
    ) {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const reader = { view, offset: 0 };
        let row = 0;
        while (row < rows) {
            if (reader.offset >= bytes.length) throw new Unreadable("a column chunk ends before its rows");
            const header = primitives.parquetHeader(reader);
            const start = reader.offset;
            reader.offset += header.compressed_page_size;
            if (reader.offset > bytes.length) throw new Unreadable("a page runs past its column chunk");
            if (header.type === "DICTIONARY_PAGE") {
                const dict = header.dictionary_page_header;
                if (dict === undefined || this.dictionary !== undefined) throw new Unreadable("a second or empty dictionary page");
                const page = this.decompress(bytes.subarray(start, start + header.compressed_page_size), header.uncompressed_page_size);
                this.dictionary = this.plainValues(page, 0, dict.num_values);
            } else if (header.type === "DATA_PAGE" || header.type === "DATA_PAGE_V2") {
                const count = header.type === "DATA_PAGE" ? header.data_page_header?.num_values : header.data_page_header_v2?.num_rows;
                if (count === undefined || count <= 0) throw new Unreadable("a data page without rows");
                this.pages.push({ firstRow: row, rows: count, header, start });
                row += count;
            } else {
                throw new Unreadable(`a ${header.type} page`);
            }
        }
        if (row !== rows) throw new Unreadable("a column chunk with more values than its row group has rows");
    }

    /** Writes the address test of every row into `codes`. */
    addressCodes(codes: Uint8Array, src: AddressSet, dst: AddressSet): void {
        for (const ref of this.pages) {
            const page = this.decode(ref);
            const dictCodes = page.indices !== undefined ? this.addressDictionary(src, dst) : undefined;
            const indices = page.indices?.all();
            const plain = page.values as PlainStrings | undefined;
            const valueIndex = valueIndexes(page);
            for (let r = 0; r < page.rows; r++) {
                const v = valueIndex === undefined ? r : valueIndex[r];
                let code: AddressValue;
                if (v < 0) code = AddressValue.Dash;
                else if (dictCodes !== undefined) {
                    code = dictCodes[indices![v]];
                    if (code === undefined) throw new Unreadable("a dictionary index past the dictionary");
                } else code = plain!.addressCode(v, src, dst);
                codes[ref.firstRow + r] = code;
            }
        }
    }

    private addressDictionary(src: AddressSet, dst: AddressSet): Uint8Array {
        if (this.dictionaryCodes === undefined) {
            const dict = this.dictionary as PlainStrings;
            this.dictionaryCodes = new Uint8Array(dict.count);
            for (let i = 0; i < dict.count; i++) this.dictionaryCodes[i] = dict.addressCode(i, src, dst);
        }
        return this.dictionaryCodes;
    }

    /** Sets `flag` on rows whose value is not a plain token (nulls are: they read as `-`). */
    markUnplainTokens(flags: Uint8Array, flag: number): void {
        let dictOk: Uint8Array | undefined;
        let dictAllOk = true;
        if (this.dictionary !== undefined) {
            const dict = this.dictionary as PlainStrings;
            dictOk = new Uint8Array(dict.count);
            for (let i = 0; i < dict.count; i++) {
                dictOk[i] = dict.plainToken(i) ? 1 : 0;
                if (dictOk[i] === 0) dictAllOk = false;
            }
        }
        for (const ref of this.pages) {
            // A page of dictionary indices into plain tokens only: no row needs looking at.
            if (dictAllOk && dictOk !== undefined && isDictionaryEncoding(pageEncoding(ref.header))) continue;
            const page = this.decode(ref);
            const plain = page.values as PlainStrings | undefined;
            const indices = page.indices?.all();
            const valueIndex = valueIndexes(page);
            for (let r = 0; r < page.rows; r++) {
                const v = valueIndex === undefined ? r : valueIndex[r];
                if (v < 0) continue;
                const ok = indices !== undefined ? dictOk![indices[v]] === 1 : plain!.plainToken(v);
                if (!ok) flags[ref.firstRow + r] |= flag;
            }
        }
    }

    /** The value of row `row` of the group, as the general reader gives it (null for a null). */
    value(row: number): unknown {
        let p = this.lastPage;
        if (row < this.pages[p].firstRow) p = 0;
        while (row >= this.pages[p].firstRow + this.pages[p].rows) p++;
        this.lastPage = p;
        const ref = this.pages[p];
        const page = this.decode(ref);
        const v = valueIndexOf(page, row - ref.firstRow);
        if (v < 0) return null;
        if (page.indices === undefined) return page.values!.valueAt(v);
        const index = dictionaryIndex(page, v, this.dictionary!.count);
        if (this.plan.kind !== "string") return this.dictionary!.valueAt(index);
        // Dictionary strings are made once, as the general reader makes them.
        this.dictionaryStrings ??= new Array(this.dictionary!.count);
        return (this.dictionaryStrings[index] ??= this.dictionary!.valueAt(index) as string);
    }

    private decode(ref: PageRef): DataPage {
        if (ref.decoded !== undefined) return ref.decoded;
        const compressed = this.bytes.subarray(ref.start, ref.start + ref.header.compressed_page_size);
        const decoded = ref.header.type === "DATA_PAGE" ? this.decodeV1(ref, compressed) : this.decodeV2(ref, compressed);
        ref.decoded = decoded;
        return decoded;
    }

    private decodeV1(ref: PageRef, compressed: Uint8Array): DataPage {
        const daph = ref.header.data_page_header!;
        const page = this.decompress(compressed, ref.header.uncompressed_page_size);
        let pos = 0;
        let levels: HybridRuns | undefined;
        let count = ref.rows;
        if (this.plan.optional) {
            if (daph.definition_level_encoding !== "RLE") throw new Unreadable(`definition levels in ${daph.definition_level_encoding}`);
            if (pos + 4 > page.length) throw new Unreadable("a page is shorter than its levels");
            const length = (page[0] | (page[1] << 8) | (page[2] << 16) | (page[3] << 24)) >>> 0;
            pos = 4 + length;
            if (pos > page.length) throw new Unreadable("a page is shorter than its levels");
            ({ levels, count } = definitionLevels(page, 4, pos, ref.rows));
        }
        return this.pageValues(ref, page, pos, count, levels, daph.encoding);
    }

    private decodeV2(ref: PageRef, compressed: Uint8Array): DataPage {
        const daph = ref.header.data_page_header_v2!;
        const repLength = daph.repetition_levels_byte_length;
        const defLength = daph.definition_levels_byte_length;
        if (repLength !== 0) throw new Unreadable("repetition levels in a flat column");
        if (daph.num_values !== ref.rows) throw new Unreadable("a flat column's page with values other than rows");
        let levels: HybridRuns | undefined;
        let count = ref.rows;
        if (this.plan.optional) ({ levels, count } = definitionLevels(compressed, 0, defLength, ref.rows));
        else if (defLength !== 0) throw new Unreadable("definition levels in a required column");
        if (count !== daph.num_values - daph.num_nulls) throw new Unreadable("a page whose null count disagrees with its levels");
        const body = compressed.subarray(defLength);
        const uncompressedSize = ref.header.uncompressed_page_size - defLength;
        const page = daph.is_compressed === false || uncompressedSize === 0 ? body : this.decompress(body, uncompressedSize);
        return this.pageValues(ref, page, 0, count, levels, daph.encoding);
    }

    private pageValues(ref: PageRef, page: Uint8Array, pos: number, count: number, levels: HybridRuns | undefined, encoding: string): DataPage {
        if (encoding === "PLAIN") return { firstRow: ref.firstRow, rows: ref.rows, levels, indices: undefined, values: this.plainValues(page, pos, count) };
        if (!isDictionaryEncoding(encoding)) throw new Unreadable(`values in ${encoding}`);
        if (this.dictionary === undefined) throw new Unreadable("dictionary indices without a dictionary page");
        if (count > 0 && pos >= page.length) throw new Unreadable("a page is shorter than its values");
        const indices = new HybridRuns(page, pos + 1, page.length, count > 0 ? page[pos] : 0, count);
        return { firstRow: ref.firstRow, rows: ref.rows, levels, indices, values: undefined };
    }

    private plainValues(page: Uint8Array, pos: number, count: number): ValueStore {
        return this.plan.kind === "string" ? new PlainStrings(page, pos, count) : new PlainInts(page, pos, count, this.plan.kind);
    }

    private decompress(input: Uint8Array, size: number): Uint8Array {
        let output: Uint8Array;
        switch (this.codec) {
            case "UNCOMPRESSED":
                output = input;
                break;
            case "SNAPPY":
                output = new Uint8Array(size);
                this.primitives.snappyUncompress(input, output);
                break;
            case "GZIP":
                // One output chunk one byte larger than the page: no chunks to join afterwards, and
                // zlib, finding its output buffer not full, does not allocate a second one of the
                // same size (it does when the page fills it exactly: twice the memory per page).
                output = unzipSync(input, { chunkSize: Math.max(size + 1, 64) });
                break;
            case "BROTLI":
                output = brotliDecompressSync(input);
                break;
            default:
                throw new Unreadable(`the codec ${this.codec}`);
        }
        if (output.length !== size) throw new Unreadable("a page whose size disagrees with its header");
        return output;
    }
}

function pageEncoding(header: PageHeader): string {
    return (header.type === "DATA_PAGE" ? header.data_page_header?.encoding : header.data_page_header_v2?.encoding) ?? "";
}

function isDictionaryEncoding(encoding: string): boolean {
    return encoding === "PLAIN_DICTIONARY" || encoding === "RLE_DICTIONARY";
}

/** Definition levels of one bit (a flat OPTIONAL column); `levels` is undefined when no row is null. */
function definitionLevels(bytes: Uint8Array, start: number, end: number, rows: number): { levels: HybridRuns | undefined; count: number } {
    const levels = new HybridRuns(bytes, start, end, 1, rows);
    const count = levels.totalOnes();
    return { levels: count === rows ? undefined : levels, count };
}

/** hyparquet's page-header reader (not in its index, but exported by its package) and its Snappy. */
export async function loadParquetPrimitives(): Promise<ParquetPrimitives> {
    const hyparquet = await import("hyparquet");
    // A module path in a variable: hyparquet ships no declaration beside src/column.js.
    const columnModule: string = "hyparquet/src/column.js";
    const { parquetHeader } = (await import(columnModule)) as Pick<ParquetPrimitives, "parquetHeader">;
    return { parquetHeader, snappyUncompress: hyparquet.snappyUncompress };
}

/**
 * Parquet's RLE / bit-packing hybrid encoding (definition levels and dictionary indices): runs of
 * one repeated value and runs of bit-packed groups of eight values, each behind a varint header.
 * Only the run headers are read up front, so one value can be looked up without decoding the
 * page: a column whose values only a few rows need costs a pass over the headers, not one per value.
 */

/** Raised for encoded data that does not hold together; the caller leaves the row group to the general reader. */
export class HybridDamage extends Error {}

export class HybridRuns {
    /** Value index each run starts at; a sentinel run start `count` ends the list. */
    private readonly starts: number[] = [];
    /** For a repeated run: its value; for a bit-packed run: -1 - (its first byte). */
    private readonly runs: number[] = [];
    /** For width 1 (levels): ones before each run. */
    private onesBefore: number[] | undefined;
    private decoded: Int32Array | undefined;
    private lastRun = 0;
    readonly mask: number;

    constructor(
        private readonly bytes: Uint8Array,
        pos: number,
        end: number,
        readonly width: number,
        readonly count: number,
    ) {
        if (width > 32) throw new HybridDamage("a bit width above 32");
        this.mask = width === 32 ? -1 : (1 << width) - 1;
        const byteWidth = (width + 7) >> 3;
        let seen = 0;
        while (seen < count) {
            if (pos >= end) throw new HybridDamage("levels or indices end early");
            let header = 0;
            let shift = 0;
            let b: number;
            do {
                if (pos >= end || shift > 28) throw new HybridDamage("a damaged run header");
                b = bytes[pos++];
                header += (b & 0x7f) * 2 ** shift;
                shift += 7;
            } while (b & 0x80);
            this.starts.push(seen);
            if (header % 2 === 1) {
                const values = Math.floor(header / 2) * 8;
                this.runs.push(-1 - pos);
                pos += (values * width) / 8;
                seen += values;
            } else {
                const run = Math.floor(header / 2);
                if (run === 0) throw new HybridDamage("an empty run");
                let value = 0;
                for (let k = 0; k < byteWidth; k++) value += bytes[pos + k] * 2 ** (8 * k);
                this.runs.push(value | 0);
                pos += byteWidth;
                seen += run;
            }
        }
        // A last bit-packed group may be padded past the data; its bytes must still be there.
        if (pos > end + 8) throw new HybridDamage("levels or indices run past their page");
        this.starts.push(count);
    }

    /** Value `i`. */
    get(i: number): number {
        const r = this.runOf(i);
        const run = this.runs[r];
        if (run >= 0) return run;
        return this.packed(-1 - run, i - this.starts[r]);
    }

    private runOf(i: number): number {
        const starts = this.starts;
        let r = this.lastRun;
        if (i < starts[r] || i >= starts[r + 1]) {
            let lo = 0;
            let hi = starts.length - 2;
            while (lo < hi) {
                const mid = (lo + hi + 1) >> 1;
                if (starts[mid] <= i) lo = mid;
                else hi = mid - 1;
            }
            r = lo;
        }
        this.lastRun = r;
        return r;
    }

    private packed(byteStart: number, k: number): number {
        const width = this.width;
        const bit = k * width;
        const at = byteStart + (bit >> 3);
        const offset = bit & 7;
        const bytes = this.bytes;
        if (offset + width <= 32) {
            const word = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
            return (word >>> offset) & this.mask;
        }
        let value = 0;
        for (let b = 0; b * 8 < offset + width; b++) value += (bytes[at + b] ?? 0) * 2 ** (8 * b);
        return Math.floor(value / 2 ** offset) % 2 ** width | 0;
    }

    /** Every value, decoded once. */
    all(): Int32Array {
        if (this.decoded !== undefined) return this.decoded;
        const out = new Int32Array(this.count);
        const { bytes, width, mask } = this;
        for (let r = 0; r + 1 < this.starts.length; r++) {
            const from = this.starts[r];
            const to = Math.min(this.starts[r + 1], this.count);
            const run = this.runs[r];
            if (run >= 0) {
                out.fill(run, from, to);
            } else if (width <= 24) {
                // A bit buffer: whole bytes go in, `width` bits come out.
                let p = -1 - run;
                let buffer = 0;
                let bits = 0;
                for (let i = from; i < to; i++) {
                    while (bits < width) {
                        buffer |= bytes[p++] << bits;
                        bits += 8;
                    }
                    out[i] = buffer & mask;
                    buffer >>>= width;
                    bits -= width;
                }
            } else {
                for (let i = from; i < to; i++) out[i] = this.packed(-1 - run, i - from);
            }
        }
        this.decoded = out;
        return out;
    }

    /**
     * For definition levels of a flat OPTIONAL column (width 1): the index among the non-null values
     * of row `row`'s value, or -1 when the row is null.
     */
    valueIndex(row: number): number {
        const ones = this.ones();
        const r = this.runOf(row);
        const run = this.runs[r];
        const into = row - this.starts[r];
        if (run >= 0) return run === 0 ? -1 : ones[r] + into;
        if (this.packed(-1 - run, into) === 0) return -1;
        let before = 0;
        for (let k = 0; k < into; k++) before += this.packed(-1 - run, k);
        return ones[r] + before;
    }

    /** For definition levels (width 1): row to value index, -1 for a null row. */
    valueIndexes(): Int32Array {
        const ones = this.ones();
        const out = new Int32Array(this.count);
        for (let r = 0; r + 1 < this.starts.length; r++) {
            const from = this.starts[r];
            const to = Math.min(this.starts[r + 1], this.count);
            const run = this.runs[r];
            let v = ones[r];
            if (run === 0) out.fill(-1, from, to);
            else if (run > 0) for (let i = from; i < to; i++) out[i] = v++;
            else {
                const p = -1 - run;
                for (let i = from; i < to; i++) {
                    const k = i - from;
                    out[i] = (this.bytes[p + (k >> 3)] >> (k & 7)) & 1 ? v++ : -1;
                }
            }
        }
        return out;
    }

    /** Ones in all the values (levels: the non-null values). */
    totalOnes(): number {
        return this.ones()[this.starts.length - 1];
    }

    private ones(): number[] {
        if (this.onesBefore !== undefined) return this.onesBefore;
        if (this.width !== 1) throw new HybridDamage("definition levels wider than one bit in a flat column");
        const ones = [0];
        for (let r = 0; r + 1 < this.starts.length; r++) {
            const from = this.starts[r];
            const to = Math.min(this.starts[r + 1], this.count);
            const run = this.runs[r];
            let n = 0;
            if (run > 1) throw new HybridDamage("a definition level above 1 in a flat column");
            if (run >= 0) n = run * (to - from);
            else n = countOnes(this.bytes, -1 - run, to - from);
            ones.push(ones[r] + n);
        }
        this.onesBefore = ones;
        return ones;
    }
}

/** Set bits among the first `n` bits of `bytes` from `start` (least significant bit first). */
function countOnes(bytes: Uint8Array, start: number, n: number): number {
    let count = 0;
    const whole = n >> 3;
    for (let i = 0; i < whole; i++) count += BITS_SET[bytes[start + i]];
    const rest = n & 7;
    if (rest > 0) count += BITS_SET[bytes[start + whole] & ((1 << rest) - 1)];
    return count;
}

const BITS_SET = Uint8Array.from({ length: 256 }, (_v, b) => {
    let n = 0;
    for (let x = b; x !== 0; x >>= 1) n += x & 1;
    return n;
});

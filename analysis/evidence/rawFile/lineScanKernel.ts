/**
 * The fused scan's hot loop, lineScan.wat (WebAssembly, 16 bytes at a time), with the tables it
 * reads: the role of each field and the conversation's IPv4 ranges. Each instance has its own
 * fixed memory, which holds the block buffer too, so bytes are read from the file straight into
 * the memory the loop scans, and the full parser reads its lines from the same buffer.
 *
 * The JavaScript loop this replaced ran at about 2.2 ns a byte (a branch on every byte, and a
 * mispredicted one at every field's end); this one at about 0.6 ns. `npm run bench` measures it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Bytes read at a time; the buffer lives in the kernel's memory and is reused. */
export const BLOCK_BYTES = 1 << 17;

// The memory layout of lineScan.wat.
const ROLES_AT = 0;
const MAX_FIELDS = 256;
const RANGES_AT = 1024;
const MAX_RANGES = (65536 - RANGES_AT) / 8;
const BUFFER_AT = 65536;
/** Wasm addresses are signed 32-bit numbers in the loop: a limit past every buffer, and one before. */
const FAR_LIMIT = 1 << 30;

/** Why scan() returned. */
export const enum StopReason {
    /** The data ran out: `pos` is the start of an incomplete line, or `end`. */
    End = 0,
    /** The line at `pos` needs the full parser. */
    SlowLine = 1,
    /** The line at `pos` starts at or past the limit. */
    Limit = 2,
}

interface LineScanExports {
    memory: WebAssembly.Memory;
    configure(lastField: number, lastRoleField: number, loose: number, rangeCount: number, enabled: number): void;
    scan(pos: number, end: number, limit: number): number;
    unrelated: WebAssembly.Global;
    stopReason: WebAssembly.Global;
}

/** Where `npm run build` puts the assembled loop: beside this module. */
export const LINE_SCAN_WASM = join(__dirname, "lineScan.wasm");

/** Compiled once per thread and file, on first use: `--help` and live queries never load it. */
const compiled = new Map<string, WebAssembly.Module>();

function lineScanModule(path: string): WebAssembly.Module {
    let module = compiled.get(path);
    if (module === undefined) {
        let bytes: Buffer;
        try {
            bytes = readFileSync(path);
        } catch {
            throw new Error(`${path} is missing: build the project with 'npm run build' (it assembles lineScan.wat)`);
        }
        try {
            module = new WebAssembly.Module(bytes);
        } catch (err) {
            // A Node.js without WebAssembly SIMD, or a damaged file.
            throw new Error(`${path} does not compile here: ${err instanceof Error ? err.message : String(err)}`);
        }
        compiled.set(path, module);
    }
    return module;
}

/**
 * Why the loop cannot run on this Node.js, or undefined when it can (it is then compiled). The
 * caller reads line by line instead: slower, the same result.
 */
export function lineScanUnavailable(path = LINE_SCAN_WASM): string | undefined {
    try {
        lineScanModule(path);
        return undefined;
    } catch (err) {
        return (err as Error).message;
    }
}

export class LineScanKernel {
    /** The block buffer: BLOCK_BYTES bytes, and one for the newline an input's last line may lack. */
    readonly buffer: Buffer;
    private readonly exports: LineScanExports;
    private readonly memory: Buffer;
    private rangeCount = 0;
    private rangesFit = true;

    constructor(path = LINE_SCAN_WASM) {
        this.exports = new WebAssembly.Instance(lineScanModule(path)).exports as unknown as LineScanExports;
        this.memory = Buffer.from(this.exports.memory.buffer);
        // The loop's 16-byte loads may read up to 15 bytes past the buffer's end.
        if (this.memory.length < BUFFER_AT + BLOCK_BYTES + 1 + 15) throw new Error(`lineScan.wat has ${this.memory.length} bytes of memory: too few for a ${BLOCK_BYTES}-byte block.`);
        this.buffer = this.memory.subarray(BUFFER_AT, BUFFER_AT + BLOCK_BYTES + 1);
    }

    /** The IPv4 ranges of both sides of the conversation, as inclusive unsigned numbers. */
    setRanges(first: readonly number[], last: readonly number[]): void {
        this.rangesFit = first.length <= MAX_RANGES;
        this.rangeCount = this.rangesFit ? first.length : 0;
        for (let r = 0; r < this.rangeCount; r++) {
            this.memory.writeUInt32LE(first[r], RANGES_AT + r * 8);
            this.memory.writeUInt32LE(last[r], RANGES_AT + r * 8 + 4);
        }
    }

    /**
     * The format's field roles (0: none; see fusedScan.ts Role) and the scanner's loose matching.
     * A format or an address list too large for the tables sends every line to the full parser.
     */
    configure(roles: Uint8Array, loose: boolean): void {
        const fits = roles.length <= MAX_FIELDS && this.rangesFit;
        let lastRoleField = -1;
        if (fits) {
            this.memory.set(roles, ROLES_AT);
            for (let f = 0; f < roles.length; f++) if (roles[f] !== 0) lastRoleField = f;
        }
        this.exports.configure(roles.length - 1, lastRoleField, loose ? 1 : 0, this.rangeCount, fits ? 1 : 0);
    }

    /**
     * Scans the complete lines of `buffer[pos, end)`, counting those it proves unrelated, until the
     * data runs out, a line needs the full parser, or a line starts at or past `limit` (a buffer
     * position; any number). Returns the position it stopped at; `stopReason` says why.
     */
    scan(pos: number, end: number, limit: number): number {
        const clamped = limit >= FAR_LIMIT ? FAR_LIMIT : limit < 0 ? -1 : limit;
        return this.exports.scan(BUFFER_AT + pos, BUFFER_AT + end, BUFFER_AT + clamped) - BUFFER_AT;
    }

    get stopReason(): StopReason {
        return this.exports.stopReason.value as StopReason;
    }

    /** The lines proved unrelated since the last call. */
    takeUnrelated(): number {
        const count = this.exports.unrelated.value;
        this.exports.unrelated.value = 0;
        return count;
    }
}

/**
 * The Parquet row-group scan (analysis/parquet/) against its two references: the text file of the
 * same records (the JSON must be identical) and the general reader (hyparquet's parquetRead of
 * every row, which the scan replaces and falls back to). Files come from two real writers:
 * hyparquet-writer (data pages v2, chosen encodings and page sizes, `-` as text or null) and DuckDB
 * (data pages v1, its own dictionary choices, 2,048-row vectors per row group).
 */
import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../analysis/cli/cli";
import type { ParquetScanPlan, ParquetScanSettings } from "../../analysis/evidence/inputSummary";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, ECS_FORMAT, LogFormat } from "../../analysis/core/logFormat";
import { HybridRuns } from "../../analysis/evidence/parquet/hybrid";
import type { RawScanSettings } from "../../analysis/evidence/rawFile/plainFile";
import { FlowRecord } from "../../analysis/core/records";
import { OTHER_ENI, S3, T0, TASK, TASK_ENI, toLine } from "../helpers/analysisRecords";
import { NOW } from "../helpers/cliInProcess";
import { linesToParquetWithDuckDb } from "../helpers/duckdbParquet";
import { ParquetWriteChoices, linesToParquet } from "../helpers/parquetFiles";

const dir = mkdtempSync(join(tmpdir(), "vpc-flow-rowgroups-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNumber = 0;
function file(ext: string, content: string | Buffer): string {
    const path = join(dir, `f${++fileNumber}.${ext}`);
    writeFileSync(path, content);
    return path;
}

interface Io {
    readonly parquetScan?: ParquetScanSettings;
    readonly rawScan?: RawScanSettings;
}

const CONVERSATION = ["--src", TASK, "--dst", S3];

async function diagnose(path: string, io: Io = {}, conversation = CONVERSATION): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(["--input", path, ...conversation, "--output", "json"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: () => NOW, ...io });
    return { code, stdout, stderr };
}

/** The run's output with the file's name in it made the same for every input. */
async function diagnoseNamed(path: string, io: Io = {}, conversation?: string[]): Promise<string> {
    const r = await diagnose(path, io, conversation);
    return JSON.stringify({ ...r, stdout: r.stdout.split(path).join("<input>"), stderr: r.stderr.split(path).join("<input>") });
}

function planOf(settings: ParquetScanSettings = {}): { settings: ParquetScanSettings; plans: ParquetScanPlan[] } {
    const plans: ParquetScanPlan[] = [];
    return { settings: { ...settings, onPlan: (p) => plans.push(p) }, plans };
}

describe("Parquet RLE / bit-packing hybrid runs", () => {
    // Parquet's format spec, "Run Length Encoding / Bit-Packing Hybrid": header varint, LSB 1 = bit-packed groups of 8.
    it("reads a repeated run and a bit-packed run, by value and all at once", () => {
        // Run of 5 x 3 (header 5<<1 = 10, value in one byte), then one bit-packed group (header 1<<1|1 = 3) of 0..7 in 3 bits.
        const packed = [0, 1, 2, 3, 4, 5, 6, 7].reduce((acc, v, i) => acc + v * 2 ** (3 * i), 0);
        const bytes = Uint8Array.from([10, 3, 3, packed & 0xff, (packed >> 8) & 0xff, (packed >> 16) & 0xff]);
        const runs = new HybridRuns(bytes, 0, bytes.length, 3, 13);
        expect(Array.from(runs.all())).to.deep.equal([3, 3, 3, 3, 3, 0, 1, 2, 3, 4, 5, 6, 7]);
        expect([runs.get(12), runs.get(0), runs.get(7), runs.get(4)]).to.deep.equal([7, 3, 2, 3]);
    });

    it("maps definition levels to value indexes, -1 for a null", () => {
        // Levels 1 1 0 1 | 0 0 1 1 bit-packed (one group), then a run of 3 ones.
        const bits = [1, 1, 0, 1, 0, 0, 1, 1].reduce((acc, v, i) => acc | (v << i), 0);
        const bytes = Uint8Array.from([3, bits, 6, 1]);
        const runs = new HybridRuns(bytes, 0, bytes.length, 1, 11);
        expect(Array.from(runs.valueIndexes())).to.deep.equal([0, 1, -1, 2, -1, -1, 3, 4, 5, 6, 7]);
        expect([runs.valueIndex(2), runs.valueIndex(7), runs.valueIndex(10), runs.totalOnes()]).to.deep.equal([-1, 4, 7, 8]);
    });

    it("says a run header that ends early is damaged", () => {
        expect(() => new HybridRuns(Uint8Array.from([0x80]), 0, 1, 1, 4)).to.throw("a damaged run header");
        expect(() => new HybridRuns(Uint8Array.from([4, 1]), 0, 2, 1, 4)).to.throw("levels or indices end early");
    });
});

/** Addresses a record may hold: both ends of the conversation, neighbours, IPv6, and `-` (absent). */
const ADDRESSES = [TASK, S3, "10.0.1.26", "52.219.204.43", "10.0.2.14", "2600:1f18:0:1::25", undefined];

const recordArb: fc.Arbitrary<FlowRecord> = fc.oneof(
    { weight: 6, arbitrary: fc.record({
        srcAddr: fc.constantFrom(...ADDRESSES.slice(0, 6)),
        dstAddr: fc.constantFrom(...ADDRESSES.slice(0, 6)),
        pktSrcAddr: fc.constantFrom(...ADDRESSES),
        pktDstAddr: fc.constantFrom(...ADDRESSES),
        srcPort: fc.constantFrom(443, 43310, 43311, 5432),
        dstPort: fc.constantFrom(443, 43310, 80),
        protocol: fc.constantFrom(6, 6, 17),
        packets: fc.integer({ min: 1, max: 40 }),
        bytes: fc.integer({ min: 40, max: 90000 }),
        minute: fc.integer({ min: 0, max: 20 }),
        action: fc.constantFrom("ACCEPT" as const, "REJECT" as const),
        interfaceId: fc.constantFrom(TASK_ENI, OTHER_ENI),
        tcpFlags: fc.constantFrom(2, 18, 19, 3),
        flowDirection: fc.constantFrom("ingress", "egress"),
        pktDstAwsService: fc.constantFrom("S3", undefined),
        trafficPath: fc.constantFrom(1, 8, undefined),
    }).map(({ minute, ...r }): FlowRecord => ({
        version: 5, accountId: "123456789012", vpcId: "vpc-0abc1234def567890", subnetId: "subnet-0abc1234def567890", type: "IPv4",
        ...r, startTime: T0 + minute * 60 + 3, endTime: T0 + minute * 60 + 58, logStatus: "OK",
    })) },
    { weight: 1, arbitrary: fc.record({ status: fc.constantFrom("NODATA" as const, "SKIPDATA" as const), minute: fc.integer({ min: 0, max: 20 }), interfaceId: fc.constantFrom(TASK_ENI, OTHER_ENI) })
        .map(({ status, minute, interfaceId }): FlowRecord => ({ version: 5, accountId: "123456789012", interfaceId, startTime: T0 + minute * 60, endTime: T0 + minute * 60 + 60, logStatus: status })) },
);

/** Every column order AWS writes: the three presets, in their own order. */
const FORMATS: readonly LogFormat[] = [DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, ECS_FORMAT];

const writerArb: fc.Arbitrary<ParquetWriteChoices> = fc.record({
    codec: fc.constantFrom("GZIP" as const, "SNAPPY" as const, "UNCOMPRESSED" as const),
    rowGroupSize: fc.integer({ min: 1, max: 60 }),
    pageSize: fc.constantFrom(64, 512, 1 << 20),
    nullStrings: fc.boolean(),
    plainAddresses: fc.boolean(),
}).map(({ plainAddresses, ...choices }) => ({
    ...choices,
    // Addresses as the writer likes them (a dictionary when it halves the size) or always PLAIN.
    encodings: plainAddresses ? { srcaddr: "PLAIN" as const, dstaddr: "PLAIN" as const, "pkt-srcaddr": "PLAIN" as const, "pkt-dstaddr": "PLAIN" as const } : undefined,
}));

describe("Parquet row-group scan: the same JSON as the text file and as the general reader", () => {
    it("property: generated records in the default, diagnostic and ecs column orders, any row groups, pages, encodings, codecs and nulls", async () => {
        await fc.assert(
            fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 120 }), fc.constantFrom(...FORMATS), writerArb, async (records, format, writer) => {
                const lines = records.map((r) => toLine(r, format));
                const text = file("log", lines.join("\n") + "\n");
                const parquet = file("parquet", linesToParquet(lines, format.fields, writer));
                const fromText = await diagnoseNamed(text, {}, [...CONVERSATION, "--format", format.kind]);
                const scan = planOf();
                expect(await diagnoseNamed(parquet, { parquetScan: scan.settings })).to.equal(fromText);
                expect(scan.plans[0].generalReader).to.equal(0);
                expect(await diagnoseNamed(parquet, { parquetScan: { generalReader: true } })).to.equal(fromText);
            }),
            { seed: 2020, numRuns: 60 },
        );
    });

    it("property: rows no record line can be (spaces, empty strings, bad addresses, IPv6) read as the general reader reads them, on one thread or two", async () => {
        // Tokens the lines carry, written into the Parquet file as the odd values they stand for.
        const odd = { SPACED: "eni 0a1b", EMPTY: "", NBSP: "ACCEPT\u00a0", UMLAUT: "äccept" };
        const oddArb = fc.record({
            record: recordArb,
            field: fc.constantFrom("srcaddr", "dstaddr", "action", "interface-id", "pkt-srcaddr", "account-id"),
            value: fc.constantFrom("SPACED", "EMPTY", "NBSP", "UMLAUT", "10.0.1.025", "fe80::1", "-", TASK, S3),
        });
        await fc.assert(
            fc.asyncProperty(fc.array(fc.oneof(recordArb.map((record) => ({ record, field: "", value: "" })), oddArb), { minLength: 1, maxLength: 80 }), fc.constantFrom(...FORMATS), writerArb, async (rows, format, writer) => {
                const lines = rows.map(({ record, field, value }) => {
                    const tokens = toLine(record, format).split(" ");
                    const at = format.fields.indexOf(field);
                    if (at >= 0) tokens[at] = value;
                    return tokens.join(" ");
                });
                const parquet = file("parquet", linesToParquet(lines, format.fields, { ...writer, stringValues: odd }));
                const general = await diagnoseNamed(parquet, { parquetScan: { generalReader: true } });
                expect(await diagnoseNamed(parquet)).to.equal(general);
                const split = planOf({ minSplitBytes: 0 });
                expect(await diagnoseNamed(parquet, { parquetScan: split.settings, rawScan: { threads: 2 } })).to.equal(general);
                // A file with no record at all is refused (exit 2) before its plan is told.
                const rowGroups = Math.ceil(rows.length / writer.rowGroupSize!);
                const refused = JSON.parse(general).code === 2;
                expect(split.plans).to.deep.equal(refused ? [] : [{ threads: Math.min(2, rowGroups), rowGroups, generalReader: 0 }]);
            }),
            { seed: 2021, numRuns: 40 },
        );
    });
});

/** Deterministic records: the conversation's, other conversations', NODATA/SKIPDATA and IPv6 ones. */
function busyLines(format: LogFormat, count: number): string[] {
    let state = 7;
    const next = (n: number) => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state % n;
    };
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
        const pick = next(100);
        const minute = Math.floor((i * 20) / count);
        const base: FlowRecord = { version: 5, accountId: "123456789012", interfaceId: next(2) ? TASK_ENI : OTHER_ENI, protocol: 6, packets: 1 + next(30), bytes: 60 + next(9000), startTime: T0 + minute * 60 + 1, endTime: T0 + minute * 60 + 59, logStatus: "OK", action: next(10) ? "ACCEPT" : "REJECT", tcpFlags: 2, type: "IPv4", flowDirection: "egress", vpcId: "vpc-0abc1234def567890" };
        let r: FlowRecord;
        if (pick < 3) r = { ...base, srcAddr: TASK, dstAddr: S3, srcPort: 43000 + next(100), dstPort: 443, pktDstAwsService: "S3" };
        else if (pick < 5) r = { ...base, srcAddr: S3, dstAddr: TASK, srcPort: 443, dstPort: 43000 + next(100), flowDirection: "ingress" };
        else if (pick < 7) r = { version: 5, accountId: "123456789012", interfaceId: TASK_ENI, startTime: T0 + minute * 60, endTime: T0 + minute * 60 + 60, logStatus: pick === 5 ? "NODATA" : "SKIPDATA" };
        else if (pick < 9) r = { ...base, srcAddr: "2600:1f18:0:1::25", dstAddr: "2600:1f18:0:1::26", srcPort: 1000 + next(9000), dstPort: 443 };
        else if (pick < 30) r = { ...base, srcAddr: TASK, dstAddr: `10.0.${next(8)}.${1 + next(250)}`, srcPort: 40000 + next(20000), dstPort: 5432 };
        else r = { ...base, srcAddr: `10.0.${next(16)}.${1 + next(250)}`, dstAddr: `${3 + next(50)}.${next(256)}.${next(256)}.${next(256)}`, srcPort: 1024 + next(60000), dstPort: 443 };
        lines.push(toLine(r, format));
    }
    return lines;
}

describe("Parquet files as DuckDB writes them: several row groups, dictionary and plain pages, nulls", () => {
    for (const [format, codec] of [[DEFAULT_FORMAT, "GZIP"], [DIAGNOSTIC_FORMAT, "SNAPPY"], [ECS_FORMAT, "GZIP"]] as const) {
        it(`${format.kind} format, ${codec}: the text file's JSON, on one thread and split over two, no row group left to the general reader`, async () => {
            const lines = busyLines(format, 5000);
            const text = file("log", lines.join("\n") + "\n");
            const parquet = file("parquet", await linesToParquetWithDuckDb(lines, format.fields, { codec }));
            const fromText = await diagnoseNamed(text, {}, [...CONVERSATION, "--format", format.kind]);
            expect(JSON.parse(JSON.parse(fromText).stdout).input.records).to.equal(5000);
            const one = planOf();
            expect(await diagnoseNamed(parquet, { parquetScan: one.settings })).to.equal(fromText);
            const split = planOf({ minSplitBytes: 0 });
            expect(await diagnoseNamed(parquet, { parquetScan: split.settings, rawScan: { threads: 2 } })).to.equal(fromText);
            expect([one.plans, split.plans]).to.deep.equal([[{ threads: 1, rowGroups: 3, generalReader: 0 }], [{ threads: 2, rowGroups: 3, generalReader: 0 }]]);
        });
    }

    it("a column the scan does not read (DELTA_BINARY_PACKED ports) sends every row group to the general reader, with the same JSON", async () => {
        const lines = busyLines(DEFAULT_FORMAT, 300);
        const text = file("log", lines.join("\n") + "\n");
        const parquet = file("parquet", linesToParquet(lines, DEFAULT_FORMAT.fields, { rowGroupSize: 100, encodings: { srcport: "DELTA_BINARY_PACKED" } }));
        const scan = planOf();
        expect(await diagnoseNamed(parquet, { parquetScan: scan.settings })).to.equal(await diagnoseNamed(text));
        expect(scan.plans).to.deep.equal([{ threads: 1, rowGroups: 3, generalReader: 3 }]);
    });
});

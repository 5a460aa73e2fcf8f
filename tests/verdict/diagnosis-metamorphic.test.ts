/**
 * Metamorphic properties of the diagnosis, through the real CLI (in-process): for generated sets of
 * flow-log records of one conversation (the task 10.0.1.25 and S3 52.219.204.42:443), changes that
 * carry no information about that conversation never change the answer:
 * - the same records as a text file, a gzip file, a Parquet file, the JSON of
 *   `aws logs get-query-results` or of `aws logs filter-log-events`;
 * - the same records split over several `--input` files, each of any of those kinds;
 * - records added that belong to other conversations (other addresses, ports, protocol or interface),
 *   and the records in any order.
 *
 * "The answer" is the whole JSON output (verdict, confidence, counts, packets, bytes, late rejects,
 * per-interface tallies, evidence, next steps, skipped, timeline, warnings) with one exception:
 * `input.records` counts every well-formed record read, the other conversations' too, so with
 * unrelated records added it must grow by exactly their number. The output names no input file or
 * kind, so nothing else may differ.
 *
 * Records follow AWS's default format (version 2, 14 fields: "Flow log records", VPC user guide; see
 * /shared/docs/reference.md): the task's requests (ephemeral source port 32768-60999, accepted or
 * rejected), S3's answers to some of them (accepted or rejected), exact duplicates (two flow logs
 * writing to the same stream while one replaces the other) and NODATA/SKIPDATA records of the ENI.
 */
import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DEFAULT_FORMAT } from "../../analysis/core/logFormat";
import { run } from "../helpers/cliInProcess";
import { linesToParquet } from "../helpers/parquetFiles";
import { diagnosisJson } from "../helpers/jsonContract";

const TASK = "10.0.1.25";
const S3 = "52.219.204.42";
const TASK_ENI = "eni-0a1b2c3d4e5f60718";
const OTHER_ENI = "eni-07e6d5c4b3a291807";
const ACCOUNT = "123456789012";
/** 2026-11-26T14:02:00Z, half an hour before the in-process CLI's "now". */
const T0 = 1795701720;

interface FlowRecord {
    readonly eni: string;
    readonly src: string;
    readonly dst: string;
    readonly srcPort: number;
    readonly dstPort: number;
    readonly protocol: number;
    readonly packets: number;
    readonly bytes: number;
    readonly start: number;
    readonly end: number;
    readonly action: "ACCEPT" | "REJECT";
}
/** A NODATA or SKIPDATA record: only the interface and the times are filled, the rest is `-`. */
interface StatusRecord {
    readonly eni: string;
    readonly start: number;
    readonly end: number;
    readonly status: "NODATA" | "SKIPDATA";
}
type Rec = FlowRecord | StatusRecord;
const isStatus = (r: Rec): r is StatusRecord => "status" in r;

/** version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status */
function line(r: Rec): string {
    if (isStatus(r)) return `2 ${ACCOUNT} ${r.eni} - - - - - - - ${r.start} ${r.end} - ${r.status}`;
    return `2 ${ACCOUNT} ${r.eni} ${r.src} ${r.dst} ${r.srcPort} ${r.dstPort} ${r.protocol} ${r.packets} ${r.bytes} ${r.start} ${r.end} ${r.action} OK`;
}

// ---------------------------------------------------------------- generators

const timeArb = fc.record({ start: fc.integer({ min: T0, max: T0 + 1800 }), length: fc.integer({ min: 1, max: 59 }) }).map(({ start, length }) => ({ start, end: start + length }));
const ephemeralArb = fc.integer({ min: 32768, max: 60999 });
const actionArb = fc.constantFrom<"ACCEPT" | "REJECT">("ACCEPT", "REJECT");

type Pattern = "unanswered" | "rejected" | "replies-rejected" | "answered" | "any";
const PATTERNS: readonly Pattern[] = ["unanswered", "rejected", "replies-rejected", "answered"];

/**
 * One connection attempt: the task's request, and maybe S3's answer on the same ports a moment
 * later. The pattern fixes the actions and whether an answer comes (`any` draws them).
 */
const exchangeArb = (pattern: Pattern): fc.Arbitrary<FlowRecord[]> =>
    fc
        .record({
            time: timeArb,
            port: ephemeralArb,
            packets: fc.integer({ min: 1, max: 40 }),
            packetBytes: fc.integer({ min: 40, max: 1500 }),
            action: pattern === "any" ? actionArb : fc.constant(pattern === "rejected" ? "REJECT" : "ACCEPT"),
            answer:
                pattern === "unanswered" || pattern === "rejected"
                    ? fc.constant(undefined)
                    : fc.record({
                          packets: fc.integer({ min: 1, max: 60 }),
                          packetBytes: fc.integer({ min: 40, max: 1500 }),
                          action: pattern === "any" ? actionArb : fc.constant(pattern === "answered" ? "ACCEPT" : "REJECT"),
                          delay: fc.integer({ min: 0, max: 2 }),
                      }),
            answered: pattern === "any" ? fc.boolean() : fc.constant(true),
        })
        .map(({ time, port, packets, packetBytes, action, answer, answered }) => {
            const request: FlowRecord = { eni: TASK_ENI, src: TASK, dst: S3, srcPort: port, dstPort: 443, protocol: 6, packets, bytes: packets * packetBytes, start: time.start, end: time.end, action: action as FlowRecord["action"] };
            if (!answer || !answered) return [request];
            const start = time.start + answer.delay;
            return [
                request,
                { eni: TASK_ENI, src: S3, dst: TASK, srcPort: 443, dstPort: port, protocol: 6, packets: answer.packets, bytes: answer.packets * answer.packetBytes, start, end: Math.max(start + 1, time.end), action: answer.action as FlowRecord["action"] },
            ];
        });

const statusArb: fc.Arbitrary<StatusRecord> = fc
    .record({ minute: fc.integer({ min: 0, max: 29 }), status: fc.constantFrom<"NODATA" | "SKIPDATA">("NODATA", "SKIPDATA") })
    .map(({ minute, status }) => ({ eni: TASK_ENI, start: T0 + minute * 60, end: T0 + minute * 60 + 60, status }));

/**
 * The conversation's records: exchanges of one pattern (so every verdict comes up), a few of any
 * pattern, a few exact duplicates, a few NODATA/SKIPDATA records.
 */
const conversationArb: fc.Arbitrary<Rec[]> = fc
    .constantFrom(...PATTERNS)
    .chain((pattern) =>
        fc.record({
            exchanges: fc.array(exchangeArb(pattern), { minLength: 1, maxLength: 10 }),
            others: fc.array(exchangeArb("any"), { maxLength: 3 }),
            statuses: fc.array(statusArb, { maxLength: 2 }),
            duplicates: fc.array(fc.nat(), { maxLength: 3 }),
        }),
    )
    .map(({ exchanges, others, statuses, duplicates }) => {
        const flows = [...exchanges, ...others].flat();
        return [...flows, ...duplicates.map((i) => flows[i % flows.length]), ...statuses];
    });

/** Records of other conversations: the task with another host, S3 on another port or protocol, another S3 address, another interface. */
const unrelatedArb: fc.Arbitrary<FlowRecord> = fc
    .record({
        kind: fc.constantFrom("health-check", "s3-port-80", "s3-udp", "other-s3-address", "other-eni"),
        time: timeArb,
        port: ephemeralArb,
        packets: fc.integer({ min: 1, max: 30 }),
        action: actionArb,
        reply: fc.boolean(),
    })
    .map(({ kind, time, port, packets, action, reply }) => {
        const base = { eni: TASK_ENI, protocol: 6, packets, bytes: packets * 60, start: time.start, end: time.end, action };
        const [src, dst, srcPort, dstPort, extra] = ((): [string, string, number, number, Partial<FlowRecord>] => {
            switch (kind) {
                case "health-check":
                    return ["10.0.0.141", TASK, port, 8080, {}];
                case "s3-port-80":
                    return [TASK, S3, port, 80, {}];
                case "s3-udp":
                    return [TASK, S3, port, 443, { protocol: 17 }];
                case "other-s3-address":
                    return [TASK, "52.219.204.43", port, 443, {}];
                default:
                    return ["10.0.2.14", "10.0.3.50", port, 5432, { eni: OTHER_ENI }];
            }
        })();
        const record = { ...base, src, dst, srcPort, dstPort, ...extra };
        return reply ? { ...record, src: record.dst, dst: record.src, srcPort: record.dstPort, dstPort: record.srcPort } : record;
    });

// ---------------------------------------------------------------- the input kinds

const KINDS = ["text", "gzip", "parquet", "insights", "filter-log-events"] as const;
type Kind = (typeof KINDS)[number];

const timestampText = (epoch: number) => new Date(epoch * 1000).toISOString().replace("T", " ").replace("Z", "");

/**
 * A GetQueryResults row. `fields @timestamp, @message` gives the line; a query that lists the
 * fields Insights discovers in the default format gives them one by one (status records only as
 * `@message`: their fields are `-`).
 */
function insightsRow(r: Rec, asMessage: boolean): Array<{ field: string; value: string }> {
    const head = [{ field: "@timestamp", value: timestampText(r.start) }];
    if (asMessage || isStatus(r)) return [...head, { field: "@message", value: line(r) }];
    const values: Array<[string, string | number]> = [
        ["version", 2],
        ["accountId", ACCOUNT],
        ["interfaceId", r.eni],
        ["srcAddr", r.src],
        ["dstAddr", r.dst],
        ["srcPort", r.srcPort],
        ["dstPort", r.dstPort],
        ["protocol", r.protocol],
        ["packets", r.packets],
        ["bytes", r.bytes],
        ["startTime", r.start],
        ["endTime", r.end],
        ["action", r.action],
        ["logStatus", "OK"],
    ];
    return [...head, ...values.map(([field, value]) => ({ field, value: String(value) }))];
}

let fileNumber = 0;
/** Writes the records as one input file of the given kind and returns its path. */
function writeInput(dir: string, records: readonly Rec[], kind: Kind, seed: number): string {
    const lines = records.map(line);
    const file = join(dir, `input-${fileNumber++}`);
    switch (kind) {
        case "text":
            writeFileSync(file, lines.join("\n") + "\n");
            break;
        case "gzip":
            writeFileSync(file, gzipSync(lines.join("\n") + "\n"));
            break;
        case "parquet":
            writeFileSync(file, linesToParquet(lines, DEFAULT_FORMAT.fields));
            break;
        case "insights":
            writeFileSync(
                file,
                JSON.stringify({
                    results: records.map((r, i) => insightsRow(r, ((seed >> i % 16) & 1) === 1)),
                    statistics: { recordsMatched: records.length, recordsScanned: records.length, bytesScanned: lines.join("\n").length },
                    status: "Complete",
                }),
            );
            break;
        case "filter-log-events":
            writeFileSync(
                file,
                JSON.stringify({
                    events: records.map((r, i) => ({ logStreamName: `${r.eni}-all`, timestamp: r.start * 1000, message: line(r), ingestionTime: r.end * 1000 + 300000, eventId: String(37000000000000 + i) })),
                    searchedLogStreams: [],
                }),
            );
            break;
    }
    return file;
}

async function diagnose(files: readonly string[]): Promise<any> {
    const r = await run(...files.flatMap((f) => ["--input", f]), "--src", TASK, "--dst", S3, "--output", "json");
    expect(r.code, r.stderr).to.equal(0);
    return diagnosisJson(r);
}

/** Where two JSON answers differ, one `path: expected -> actual` line each, so a failure reads at a glance. */
function differences(expected: unknown, actual: unknown, path = "$"): string[] {
    if (typeof expected === "object" && expected !== null && typeof actual === "object" && actual !== null && Array.isArray(expected) === Array.isArray(actual)) {
        const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
        return keys.flatMap((k) => differences((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${path}.${k}`));
    }
    return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [`${path}: ${JSON.stringify(expected)} -> ${JSON.stringify(actual)}`];
}

/** Splits `records` into `parts` consecutive pieces, none empty, at the given cut points. */
function split<T>(records: readonly T[], cuts: readonly number[]): T[][] {
    const points = [...new Set(cuts.map((c) => 1 + (c % Math.max(1, records.length - 1))))].filter((p) => p < records.length).sort((a, b) => a - b);
    const pieces: T[][] = [];
    let from = 0;
    for (const p of [...points, records.length]) {
        pieces.push(records.slice(from, p));
        from = p;
    }
    return pieces;
}

// ---------------------------------------------------------------- the properties

/** Fixed seeds and few runs: each run diagnoses several files. */
const SETTINGS = { numRuns: 20 };

describe("metamorphic properties of the diagnosis, through the CLI (fast-check)", () => {
    let dir: string;
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "vpc-flow-metamorphic-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("the same records as text, gzip, Parquet, get-query-results or filter-log-events JSON: the same answer", async () => {
        await fc.assert(
            fc.asyncProperty(conversationArb, fc.nat(), async (records, seed) => {
                const expected = await diagnose([writeInput(dir, records, "text", seed)]);
                for (const kind of KINDS.slice(1)) {
                    const actual = await diagnose([writeInput(dir, records, kind, seed)]);
                    expect(differences(expected, actual), `as ${kind}`).to.deep.equal([]);
                }
            }),
            { ...SETTINGS, seed: 0x18a1 },
        );
    });

    it("split over several --input files of any kinds: the same answer", async () => {
        await fc.assert(
            fc.asyncProperty(conversationArb, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.array(fc.constantFrom(...KINDS), { minLength: 4, maxLength: 4 }), fc.nat(), async (records, cuts, kinds, seed) => {
                const expected = await diagnose([writeInput(dir, records, "text", seed)]);
                const pieces = split(records, cuts);
                const files = pieces.map((piece, i) => writeInput(dir, piece, kinds[i], seed));
                const actual = await diagnose(files);
                expect(differences(expected, actual), `as ${pieces.map((p, i) => `${p.length} records in ${kinds[i]}`).join(", ")}`).to.deep.equal([]);
            }),
            { ...SETTINGS, seed: 0x18a2 },
        );
    });

    it("other conversations' records added, and every record in any order: the same answer, input.records grown by exactly as many", async () => {
        await fc.assert(
            fc.asyncProperty(
                conversationArb.chain((records) => fc.tuple(fc.constant(records), fc.array(unrelatedArb, { minLength: 1, maxLength: 10 }).chain((unrelated) => fc.tuple(fc.constant(unrelated), fc.shuffledSubarray([...records, ...unrelated], { minLength: records.length + unrelated.length }))))),
                fc.constantFrom(...KINDS),
                fc.nat(),
                async ([records, [unrelated, mixed]], kind, seed) => {
                    const expected = await diagnose([writeInput(dir, records, "text", seed)]);
                    const actual = await diagnose([writeInput(dir, mixed, kind, seed)]);
                    // The one count that includes other conversations' records (see the header comment).
                    expect(actual.input.records, "input.records").to.equal(expected.input.records + unrelated.length);
                    expect(differences(expected, { ...actual, input: { ...actual.input, records: expected.input.records } }), `as ${kind}`).to.deep.equal([]);
                },
            ),
            { ...SETTINGS, seed: 0x18a3 },
        );
    });

    it("the generated record sets reach every verdict (so the properties are not vacuous)", async () => {
        const verdicts = new Set<string>();
        for (const records of fc.sample(conversationArb, { seed: 0x18a1, numRuns: SETTINGS.numRuns })) {
            verdicts.add((await diagnose([writeInput(dir, records, "text", 0)])).verdict);
        }
        expect([...verdicts].sort()).to.deep.equal(["mixed", "nacl-return-path", "network-ok", "routing", "security-group-or-nacl"]);
    });
});

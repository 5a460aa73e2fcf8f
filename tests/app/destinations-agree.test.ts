/**
 * The same flow-log records give the same verdict whichever way they reach the engine: as a text
 * file, as the rows of the Logs Insights diagnosis query (CloudWatch Logs destination) and as the
 * rows of the Athena diagnosis query (S3 destination). The query rows are made here the way the two
 * services would aggregate the records (count, sums, earliest start, latest end per interface,
 * addresses, action, log status and minute), and answered through stand-in clients. The records
 * follow AWS's default format and its documented examples ("Flow log record examples", VPC user
 * guide). The Parquet file is written from the same lines by a real writer (tests/helpers/parquetFiles.ts).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../analysis/cli/cli";
import { AddressSet } from "../../analysis/core/ip";
import { DEFAULT_FORMAT } from "../../analysis/core/logFormat";
import { diagnoseLive } from "../../analysis/app/liveDiagnosis";
import { diagnoseAthena } from "../../analysis/app/athenaDiagnosis";
import { LogsClient } from "../../analysis/aws/insightsQueryRunner";
import { AthenaApi } from "../../analysis/aws/athenaQueryRunner";
import { linesToParquet } from "../helpers/parquetFiles";
import { diagnosisJson } from "../helpers/jsonContract";
import { linesToParquetWithDuckDb } from "../helpers/duckdbParquet";

const ENI = "eni-0a1b2c3d4e5f60718";
const T0 = Date.parse("2026-11-26T14:02:00Z") / 1000;
const WINDOW = { start: T0 - 120, end: T0 + 1800 };
const NOW = new Date((T0 + 7200) * 1000);

interface Rec {
    src: string;
    dst: string;
    srcPort: number;
    dstPort: number;
    packets: number;
    bytes: number;
    start: number;
    action: "ACCEPT" | "REJECT";
}
const out = (i: number, action: Rec["action"], packets = 3): Rec => ({ src: "10.0.1.25", dst: "52.219.204.42", srcPort: 40000 + i, dstPort: 443, packets, bytes: packets * 60, start: T0 + i * 60, action });
const back = (i: number, action: Rec["action"]): Rec => ({ src: "52.219.204.42", dst: "10.0.1.25", srcPort: 443, dstPort: 40000 + i, packets: 3, bytes: 4000, start: T0 + i * 60 + 1, action });

const line = (r: Rec) => `2 123456789012 ${ENI} ${r.src} ${r.dst} ${r.srcPort} ${r.dstPort} 6 ${r.packets} ${r.bytes} ${r.start} ${r.start + 55} ${r.action} OK`;
/** Another conversation, which the services' filter leaves out and the file reader must. */
const UNRELATED = `2 123456789012 ${ENI} 10.0.1.25 10.0.9.9 40999 5432 6 5 500 ${T0} ${T0 + 55} ACCEPT OK`;

function groups(records: Rec[]) {
    const map = new Map<string, { r: Rec; records: number; packets: number; bytes: number; start: number; end: number; minute: number }>();
    for (const r of records) {
        const minute = r.start - (r.start % 60);
        const key = [r.src, r.dst, r.action, minute].join(" ");
        const g = map.get(key) ?? { r, records: 0, packets: 0, bytes: 0, start: r.start, end: r.start + 55, minute };
        g.records++;
        g.packets += r.packets;
        g.bytes += r.bytes;
        g.start = Math.min(g.start, r.start);
        g.end = Math.max(g.end, r.start + 55);
        map.set(key, g);
    }
    return [...map.values()];
}
const minuteText = (epoch: number) => new Date(epoch * 1000).toISOString().slice(0, 16).replace("T", " ");

function insightsRows(records: Rec[]) {
    return groups(records).map((g) => [
        { field: "records", value: String(g.records) },
        { field: "packetsTotal", value: String(g.packets) },
        { field: "bytesTotal", value: String(g.bytes) },
        { field: "firstStart", value: String(g.start) },
        { field: "lastEnd", value: String(g.end) },
        { field: "interfaceId", value: ENI },
        { field: "srcAddr", value: g.r.src },
        { field: "dstAddr", value: g.r.dst },
        { field: "action", value: g.r.action },
        { field: "logStatus", value: "OK" },
        { field: "bin(1m)", value: `${minuteText(g.minute)}:00.000` },
    ]);
}

const ATHENA_COLUMNS = ["records", "packets_total", "bytes_total", "first_start", "last_end", "interface_id", "srcaddr", "dstaddr", "action", "log_status", "minute"];
function athenaRows(records: Rec[]) {
    return groups(records).map((g) =>
        [String(g.records), String(g.packets), String(g.bytes), String(g.start), String(g.end), ENI, g.r.src, g.r.dst, g.r.action, "OK", `${minuteText(g.minute)}:00`].map((v) => ({ VarCharValue: v })),
    );
}

const logsClient = (records: Rec[]): LogsClient =>
    ({
        send: async (command: { constructor: { name: string } }) => {
            switch (command.constructor.name) {
                case "DescribeLogGroupsCommand":
                    return { logGroups: [{ logGroupName: "/vpc-flow-logs/dev", creationTime: 0 }] };
                case "DescribeLogStreamsCommand":
                    return { logStreams: [{ logStreamName: `${ENI}-all` }] };
                case "StartQueryCommand":
                    return { queryId: "q-1" };
                default:
                    return { status: "Complete", statistics: { recordsScanned: 10, bytesScanned: 1000, recordsMatched: 5 }, results: insightsRows(records) };
            }
        },
    }) as unknown as LogsClient;

const athenaClient = (records: Rec[]): AthenaApi =>
    ({
        send: async (command: { constructor: { name: string } }) => {
            switch (command.constructor.name) {
                case "StartQueryExecutionCommand":
                    return { QueryExecutionId: "qe-1" };
                case "GetQueryExecutionCommand":
                    return { QueryExecution: { Status: { State: "SUCCEEDED" }, Statistics: { DataScannedInBytes: 1000 } } };
                default:
                    return {
                        ResultSet: {
                            ResultSetMetadata: { ColumnInfo: ATHENA_COLUMNS.map((c) => ({ Name: c, Label: c })) },
                            Rows: [{ Data: ATHENA_COLUMNS.map((c) => ({ VarCharValue: c })) }, ...athenaRows(records).map((Data) => ({ Data }))],
                        },
                    };
            }
        },
    }) as unknown as AthenaApi;

const conversation = { src: AddressSet.parse("10.0.1.25", "--src"), dst: AddressSet.parse("52.219.204.42", "--dst"), port: 443, protocol: 6 };
const deps = { now: NOW, warn: () => undefined, timeoutMs: 10000, sleep: async () => undefined };
const essentials = (d: { verdict: string; confidence: string; counts: unknown; packets: unknown; bytes: unknown; firstSeen: unknown; lastSeen: unknown }) => ({
    verdict: d.verdict,
    confidence: d.confidence,
    counts: d.counts,
    packets: d.packets,
    bytes: d.bytes,
    firstSeen: d.firstSeen,
    lastSeen: d.lastSeen,
});

/** Other conversations in the window, and NODATA records of another interface: what a busy file holds besides. */
const OTHER_TRAFFIC = Array.from({ length: 5000 }, (_v, i) =>
    i % 97 === 0
        ? `2 123456789012 eni-07e6d5c4b3a291807 - - - - - - - ${T0 + (i % 1500)} ${T0 + (i % 1500) + 60} - NODATA`
        : `2 123456789012 ${ENI} 10.0.${i % 8}.${1 + (i % 250)} ${3 + (i % 50)}.${i % 256}.${(i * 7) % 256}.${(i * 13) % 256} ${1024 + i} 443 6 ${1 + (i % 40)} ${60 + i} ${T0 + (i % 1500)} ${T0 + (i % 1500) + 55} ACCEPT OK`,
);

const SCENARIOS: [string, Rec[], string][] = [
    ["accepted out, nothing back", [0, 1, 2, 3].map((i) => out(i, "ACCEPT")), "routing"],
    ["rejected on the way out", [0, 1, 2].map((i) => out(i, "REJECT")), "security-group-or-nacl"],
    ["replies rejected", [0, 1, 2].flatMap((i) => [out(i, "ACCEPT"), back(i, "REJECT")]), "nacl-return-path"],
    ["answered", [0, 1].flatMap((i) => [out(i, "ACCEPT", 12), back(i, "ACCEPT")]), "network-ok"],
];

async function diagnoseFile(file: string) {
    let stdout = "";
    const code = await main(["--input", file, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--start", new Date(WINDOW.start * 1000).toISOString(), "--end", new Date(WINDOW.end * 1000).toISOString(), "--output", "json"], {
        stdout: (t) => (stdout += t),
        stderr: () => undefined,
        now: () => NOW,
    });
    expect(code).to.equal(0);
    return essentials(diagnosisJson(stdout));
}

describe("the same records through a text file, a Parquet file, Logs Insights rows and Athena rows", () => {
    for (const [what, records, verdict] of SCENARIOS) {
        it(`${what}: ${verdict} every way`, async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agree-"));
            try {
                const file = path.join(dir, "records.log");
                const lines = [UNRELATED, ...records.map(line)];
                fs.writeFileSync(file, lines.join("\n") + "\n");
                const parquet = path.join(dir, "records.log.parquet");
                fs.writeFileSync(parquet, linesToParquet(lines, DEFAULT_FORMAT.fields));
                const fromFile = await diagnoseFile(file);
                expect(await diagnoseFile(parquet)).to.deep.equal(fromFile);
                // Files of several row groups, as DuckDB writes them (pages v1, dictionaries where they
                // pay, null for '-') and as hyparquet-writer does with small pages, PLAIN addresses
                // and '-' strings written as null: the records spread over them among other traffic.
                const busy = [...OTHER_TRAFFIC.slice(0, 2500), ...lines, ...OTHER_TRAFFIC.slice(2500)];
                const duckdb = path.join(dir, "busy-duckdb.parquet");
                fs.writeFileSync(duckdb, await linesToParquetWithDuckDb(busy, DEFAULT_FORMAT.fields, { codec: "GZIP" }));
                const written = path.join(dir, "busy-writer.parquet");
                const plain = { srcaddr: "PLAIN", dstaddr: "PLAIN" } as const;
                fs.writeFileSync(written, linesToParquet(busy, DEFAULT_FORMAT.fields, { rowGroupSize: 997, pageSize: 4096, nullStrings: true, encodings: plain, codec: "SNAPPY" }));
                expect(await diagnoseFile(duckdb)).to.deep.equal(fromFile);
                expect(await diagnoseFile(written)).to.deep.equal(fromFile);

                const insights = await diagnoseLive({ logGroupName: "/vpc-flow-logs/dev", region: "ap-northeast-2", format: DEFAULT_FORMAT, trafficType: "ALL" }, conversation, WINDOW, {
                    ...deps,
                    logs: logsClient(records),
                });
                const athena = await diagnoseAthena(
                    { database: "vpc_flow_logs_dev", table: "flow_logs", workgroup: "vpc-flow-logs-dev", region: "ap-northeast-2", format: DEFAULT_FORMAT, trafficType: "ALL" },
                    conversation,
                    WINDOW,
                    { ...deps, athena: athenaClient(records) },
                );
                expect(fromFile.verdict).to.equal(verdict);
                expect(essentials(insights.diagnosis)).to.deep.equal(fromFile);
                expect(essentials(athena.diagnosis)).to.deep.equal(fromFile);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    }
});

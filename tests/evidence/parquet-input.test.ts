import { expect } from "chai";
import { run, runJson } from "../helpers/cliInProcess";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Conversation } from "../../analysis/evidence/conversation";
import { readInput } from "../../analysis/evidence/inputFiles";
import { AddressSet } from "../../analysis/core/ip";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, LogFormat } from "../../analysis/core/logFormat";
import { mapParquetColumns, parquetValueText } from "../../analysis/evidence/parquetInput";
import { FlowRecord } from "../../analysis/core/records";
import { NAT_ENI, NAT_IP, OTHER_ENI, S3, TASK, TASK_ENI, inbound, noise, outbound, statusRecord, toLine } from "../helpers/analysisRecords";
import { linesToParquet } from "../helpers/parquetFiles";
import { diagnosisJson } from "../helpers/jsonContract";

const ROOT = join(__dirname, "..", "..", "..");
const FIXTURES = join(ROOT, "tests", "fixtures", "parquet");
const CONVERSATION = ["--src", TASK, "--dst", S3];


const dir = mkdtempSync(join(tmpdir(), "vpc-flow-parquet-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
}

/** The diagnostic format with its columns in another order than AWS's default one. */
const SHUFFLED = [
    "log-status", "action", "dstport", "pkt-dst-aws-service", "srcaddr", "bytes", "end", "interface-id", "tcp-flags", "pkt-dstaddr", "dstaddr",
    "version", "srcport", "subnet-id", "protocol", "packets", "flow-direction", "start", "vpc-id", "account-id", "type", "pkt-srcaddr", "traffic-path",
];

/** A NAT gateway's ENI logging the task's packets (AWS's NAT example), with pkt-* fields. */
function natLeg(i: number): FlowRecord {
    const start = 1795701720 + i * 60 + 6;
    return {
        version: 5, accountId: "123456789012", interfaceId: NAT_ENI, srcAddr: TASK, dstAddr: NAT_IP, srcPort: 43310 + i, dstPort: 443, protocol: 6,
        packets: 3, bytes: 180, startTime: start, endTime: start + 54, action: "ACCEPT", logStatus: "OK", vpcId: "vpc-0abc1234def567890",
        subnetId: "subnet-0abc1234def567890", tcpFlags: 2, type: "IPv4", pktSrcAddr: TASK, pktDstAddr: S3, flowDirection: "ingress", pktDstAwsService: "S3",
    };
}

describe("Parquet input: what AWS writes", () => {
    it("reads the DuckDB-written, Gzip-compressed fixture (INT_32/INT_64 columns, nulls and '-') like its text twin", async () => {
        const parquet = join(FIXTURES, "routing-diagnostic.parquet");
        const text = join(FIXTURES, "routing-diagnostic.log");
        const parquetRun = await run("--input", parquet, ...CONVERSATION, "--output", "json");
        const textRun = await run("--input", text, ...CONVERSATION, "--output", "json");
        // Row 8 (line 9 of the twin) is an outbound record whose action 'ALLOW' cannot be read: it
        // could be a REJECT, which would make the verdict mixed, so the confidence is lowered.
        const setAside = (where: string) =>
            `Set aside 1 unreadable line or row: 1 could be a record of the conversation that would change the verdict (${where}). The verdict rests on the readable records, with lower confidence.`;
        expect([parquetRun.code, parquetRun.stderr, textRun.code, textRun.stderr]).to.deep.equal([
            0,
            `warning: ${setAside(`${parquet} row 8`)}\n`,
            0,
            `warning: ${setAside(`${text}:9`)}\n`,
        ]);
        const fromParquet = diagnosisJson(parquetRun);
        const fromText = diagnosisJson(textRun);
        const placeless = (d: any) => JSON.parse(JSON.stringify(d).split(`${parquet} row 8`).join("<place>").split(`${text}:9`).join("<place>"));
        expect(placeless(fromParquet)).to.deep.equal(placeless(fromText));
        expect([fromParquet.verdict, fromParquet.confidence, fromParquet.counts, fromParquet.skipped, fromParquet.input]).to.deep.equal([
            "routing",
            "medium",
            { outbound: { accept: 3, reject: 0 }, inbound: { accept: 0, reject: 0 } },
            { malformed: 1, nodata: 1, skipdata: 1 },
            { records: 8, matched: 3, outsideWindow: 0, duplicates: 1 },
        ]);
        expect(fromParquet.interfaces.map((e: any) => [e.interfaceId, e.side, e.sideBasis])).to.deep.equal([[TASK_ENI, "source", "from flow-direction"]]);
    });

    it("says what it read: kind parquet, 9 rows, 8 records", async () => {
        const conversation = new Conversation({ src: AddressSet.parse(TASK, "--src"), dst: AddressSet.parse(S3, "--dst"), port: 443, protocol: 6 });
        const summary = await readInput({
            path: join(FIXTURES, "routing-diagnostic.parquet"),
            conversation,
            src: AddressSet.parse(TASK, "--src"),
            dst: AddressSet.parse(S3, "--dst"),
            format: DEFAULT_FORMAT,
            formatChosen: false,
            warn: () => expect.fail("no warning expected"),
        });
        expect(summary).to.deep.equal({ path: join(FIXTURES, "routing-diagnostic.parquet"), kind: "parquet", gzip: false, lines: 9, records: 8 });
        expect(conversation.evidence().malformedSamples).to.deep.equal([
            "eni-0a1b2c3d4e5f60718 10.0.1.25 52.219.204.42 43313 443 6 ALLOW OK 1795701905 1795701960 2 120 5 123456789012 2 10.0.1.25 52.219.204.42 egress 8 S3",
        ]);
    });
});

describe("Parquet input: the same records give the same diagnosis as text", () => {
    const scenarios: Array<{ name: string; records: FlowRecord[]; verdict: string; extra?: string[]; warning?: string }> = [
        { name: "routing, with NODATA and other conversations", records: [...noise(0), statusRecord("NODATA", 1, OTHER_ENI), ...[0, 1, 2].map((i) => outbound("ACCEPT", i))], verdict: "routing" },
        { name: "security group", records: [...noise(1), ...[0, 1].map((i) => outbound("REJECT", i)), statusRecord("SKIPDATA", 0)], verdict: "security-group-or-nacl" },
        { name: "network ACL return path", records: [0, 1].flatMap((i) => [outbound("ACCEPT", i), inbound("REJECT", i)]), verdict: "nacl-return-path" },
        { name: "a NAT gateway's legs (pkt-srcaddr, pkt-dstaddr) and duplicates", records: [natLeg(0), natLeg(1), natLeg(1), outbound("ACCEPT", 0), inbound("ACCEPT", 0)], verdict: "network-ok" },
        {
            name: "--start/--end and --traffic-type",
            records: [0, 1, 5].map((i) => outbound("ACCEPT", i)),
            verdict: "inconclusive",
            extra: ["--start", "2026-11-26T14:02:00Z", "--end", "2026-11-26T14:04:00Z", "--traffic-type", "REJECT"],
            warning: "warning: The input has 2 ACCEPT records although --traffic-type is REJECT: the flow log probably captures ALL; diagnose again with --traffic-type ALL.\n",
        },
    ];
    for (const s of scenarios) {
        it(`${s.name}: ${s.verdict}, exact JSON equality, columns in another order, two rows per row group`, async () => {
            const format: LogFormat = DIAGNOSTIC_FORMAT;
            const lines = s.records.map((r) => toLine(r, format));
            const text = file(`${s.verdict}.log`, [format.fields.join(" "), ...lines].join("\n") + "\n");
            // No .parquet in the name: the magic bytes say what it is.
            const parquet = file(`${s.verdict}.bin`, linesToParquet(lines, format.fields, { columnOrder: SHUFFLED, rowGroupSize: 2 }));
            const fromText = await run("--input", text, ...CONVERSATION, ...(s.extra ?? []), "--output", "json");
            const fromParquet = await run("--input", parquet, ...CONVERSATION, ...(s.extra ?? []), "--output", "json");
            expect([fromParquet.code, diagnosisJson(fromParquet).verdict, fromParquet.stderr]).to.deep.equal([0, s.verdict, s.warning ?? ""]);
            expect(diagnosisJson(fromParquet)).to.deep.equal(diagnosisJson(fromText));
            expect(fromParquet.stderr).to.equal(fromText.stderr);
        });
    }

    it("writes several row groups for those tests (the reader goes through each one)", async () => {
        const hyparquet = await import("hyparquet");
        const bytes = linesToParquet([0, 1, 2, 3, 4].map((i) => toLine(outbound("ACCEPT", i))), DEFAULT_FORMAT.fields, { rowGroupSize: 2 });
        const metadata = hyparquet.parquetMetadata(new Uint8Array(bytes));
        expect(metadata.row_groups.map((g) => Number(g.num_rows))).to.deep.equal([2, 2, 1]);
        const d = await runJson("--input", file("five.parquet", bytes), ...CONVERSATION);
        expect([d.verdict, d.counts.outbound.accept, d.input.records]).to.deep.equal(["routing", 5, 5]);
    });

    it("reads Snappy and uncompressed files, and null strings as '-'", async () => {
        const lines = [statusRecord("NODATA", 0, OTHER_ENI), outbound("REJECT", 0), outbound("REJECT", 1)].map((r) => toLine(r, DIAGNOSTIC_FORMAT));
        for (const codec of ["SNAPPY", "UNCOMPRESSED"] as const) {
            const path = file(`${codec}.parquet`, linesToParquet(lines, DIAGNOSTIC_FORMAT.fields, { codec, nullStrings: true }));
            const d = await runJson("--input", path, ...CONVERSATION);
            expect([d.verdict, d.counts.outbound.reject, d.skipped, d.input]).to.deep.equal([
                "security-group-or-nacl",
                2,
                { malformed: 0, nodata: 1, skipdata: 0 },
                { records: 3, matched: 2, outsideWindow: 0, duplicates: 0 },
            ]);
        }
    });

    it("reads a Parquet file and a text file together, counting a record in both once", async () => {
        const lines = [outbound("ACCEPT", 0), outbound("ACCEPT", 1)].map((r) => toLine(r));
        const parquet = file("both.parquet", linesToParquet(lines, DEFAULT_FORMAT.fields));
        const text = file("both.log", lines.join("\n") + "\n");
        const d = await runJson("--input", parquet, "--input", text, ...CONVERSATION);
        expect([d.verdict, d.counts.outbound.accept, d.input]).to.deep.equal(["routing", 2, { records: 4, matched: 2, outsideWindow: 0, duplicates: 2 }]);
    });
});

describe("Parquet input: columns and values", () => {
    it("maps AWS's column names to fields, in any case, and leaves the rest", () => {
        expect(mapParquetColumns(["LOG_STATUS", "pkt_srcaddr", "srcaddr", "next_hop_type", "log-status", "end"])).to.deep.equal({
            names: ["LOG_STATUS", "pkt_srcaddr", "srcaddr", "end"],
            fields: ["log-status", "pkt-srcaddr", "srcaddr", "end"],
            unknown: ["next_hop_type", "log-status"],
        });
    });

    it("turns values into record text: null is '-', numbers and int64 as digits, nothing else", () => {
        expect([null, undefined, "-", "eni-0a1b", 443, 1795701725n, 6.5, "", "a b", true, new Date(0), new Uint8Array(2)].map(parquetValueText)).to.deep.equal([
            "-", "-", "-", "eni-0a1b", "443", "1795701725", "6.5", undefined, undefined, undefined, undefined, undefined,
        ]);
    });

    it("warns once about columns it does not know, and still diagnoses", async () => {
        const lines = [outbound("ACCEPT", 0)].map((r) => toLine(r));
        const extra = [{ name: "next_hop_type", type: "STRING" as const, data: ["IGW"] }];
        const a = file("unknown-a.parquet", linesToParquet(lines, DEFAULT_FORMAT.fields, { extraColumns: extra }));
        const b = file("unknown-b.parquet", linesToParquet([toLine(outbound("ACCEPT", 1))], DEFAULT_FORMAT.fields, { extraColumns: extra }));
        const r = await run("--input", a, "--input", b, ...CONVERSATION, "--output", "json");
        expect([r.code, r.stderr, diagnosisJson(r).counts.outbound.accept]).to.deep.equal([
            0,
            "warning: The Parquet input has a column this tool does not know (next_hop_type): it is not read.\n",
            2,
        ]);
    });

    it("counts a row whose value no field can hold as malformed, with the column named", async () => {
        const lines = [outbound("ACCEPT", 0), outbound("ACCEPT", 1)].map((r) => toLine(r));
        const fields = DEFAULT_FORMAT.fields.filter((f) => f !== "action");
        const withoutAction = lines.map((l) => l.split(" ").filter((_t, i) => DEFAULT_FORMAT.fields[i] !== "action").join(" "));
        const path = file("boolean-action.parquet", linesToParquet(withoutAction, fields, { extraColumns: [{ name: "action", type: "BOOLEAN", data: [true, null] }] }));
        const r = await run("--input", path, ...CONVERSATION, "--output", "json");
        // Set aside and said; the verdict is already inconclusive, so there is nothing to lower.
        expect([r.code, r.stderr]).to.deep.equal([0, `warning: Set aside 1 unreadable line or row: 1 could be a record of the conversation that would change the verdict (${path} row 1).\n`]);
        const d = diagnosisJson(r);
        // The second row's null action is '-': a record without an action, which the verdict says.
        expect([d.verdict, d.skipped.malformed, d.input.records, d.input.matched]).to.deep.equal(["inconclusive", 1, 1, 1]);
        const conversation = new Conversation({ src: AddressSet.parse(TASK, "--src"), dst: AddressSet.parse(S3, "--dst"), port: 443, protocol: 6 });
        await readInput({ path, conversation, src: AddressSet.parse(TASK, "--src"), dst: AddressSet.parse(S3, "--dst"), format: DEFAULT_FORMAT, formatChosen: false, warn: () => undefined });
        expect([conversation.evidence().malformedSamples, conversation.evidence().malformedRelated]).to.deep.equal([["row 1: action is boolean true"], 1]);
    });
});

describe("Parquet input: files it cannot read", () => {
    const good = () => linesToParquet([toLine(outbound("ACCEPT", 0))], DEFAULT_FORMAT.fields);

    it("a truncated file: exit 2, naming the file", async () => {
        const bytes = good();
        const path = file("truncated.log.parquet", bytes.subarray(0, bytes.length - 50));
        expect(await run("--input", path, ...CONVERSATION)).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `Cannot read --input '${path}' as Parquet: it starts like a Parquet file but does not end like one (no 'PAR1' at the end): it is truncated or damaged; download it again.\n`,
        });
    });

    it("a damaged footer: exit 2 with the reader's reason", async () => {
        const bytes = Buffer.from(good());
        // The footer length (4 bytes before the final PAR1) pointing past the start of the file.
        bytes.writeUInt32LE(bytes.length, bytes.length - 8);
        const path = file("damaged.parquet", bytes);
        expect(await run("--input", path, ...CONVERSATION)).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `Cannot read --input '${path}' as Parquet: it is damaged (parquet metadata length ${bytes.length} exceeds available buffer ${bytes.length - 8}).\n`,
        });
    });

    it("damaged column data: exit 2 with the reader's reason", async () => {
        const bytes = Buffer.from(good());
        // Column chunks start right after the leading PAR1; overwrite the first page header.
        bytes.fill(0xff, 4, 40);
        const path = file("damaged-data.parquet", bytes);
        expect(await run("--input", path, ...CONVERSATION)).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `Cannot read --input '${path}' as Parquet: it is damaged (thrift unhandled type: 15).\n`,
        });
    });

    it("a codec it does not read: exit 2 saying which ones it reads", async () => {
        const { parquetWriteBuffer } = await import("hyparquet-writer");
        const bytes = Buffer.from(
            parquetWriteBuffer({
                columnData: [
                    { name: "srcaddr", type: "STRING", data: [TASK] },
                    { name: "dstaddr", type: "STRING", data: [S3] },
                ],
                codec: "ZSTD",
                compressors: { ZSTD: (input: Uint8Array) => input },
            }),
        );
        const path = file("zstd.parquet", bytes);
        expect(await run("--input", path, ...CONVERSATION)).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `Cannot read --input '${path}' as Parquet: its data is compressed with ZSTD; this tool reads uncompressed, Snappy, Gzip or Brotli Parquet (flow logs use Gzip).\n`,
        });
    });

    it("a Parquet file without address columns, and one whose rows are no records: exit 2", async () => {
        const { parquetWriteBuffer } = await import("hyparquet-writer");
        const noAddresses = file("no-addresses.parquet", Buffer.from(parquetWriteBuffer({ columnData: [{ name: "name", type: "STRING", data: ["a"] }, { name: "srcaddr", type: "STRING", data: [TASK] }] })));
        expect(await run("--input", noAddresses, ...CONVERSATION)).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `--input '${noAddresses}' is a Parquet file without srcaddr/pkt_srcaddr or dstaddr/pkt_dstaddr columns (it has name, srcaddr): it is not a flow log, or one without addresses.\n`,
        });
        const noRecords = file(
            "no-records.parquet",
            Buffer.from(parquetWriteBuffer({ columnData: [{ name: "srcaddr", type: "STRING", data: ["host-a", "host-b"] }, { name: "dstaddr", type: "STRING", data: [S3, S3] }] })),
        );
        expect(await run("--input", noRecords, ...CONVERSATION)).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `--input '${noRecords}' has 2 Parquet rows and none is a flow-log record (columns srcaddr, dstaddr): check that it is a VPC flow log file.\n`,
        });
        const empty = file("empty.parquet", Buffer.from(parquetWriteBuffer({ columnData: [{ name: "srcaddr", type: "STRING", data: [] }, { name: "dstaddr", type: "STRING", data: [] }] })));
        expect(await run("--input", empty, ...CONVERSATION)).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `--input '${empty}' is a Parquet file without rows: there is nothing to diagnose.\n`,
        });
    });

    it("a Parquet file inside gzip: exit 2 saying to decompress it", async () => {
        const path = file("flows.parquet.gz", gzipSync(good()));
        expect(await run("--input", path, ...CONVERSATION)).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `--input '${path}' is a Parquet file inside gzip: decompress it (gunzip) and pass the Parquet file.\n`,
        });
    });

    it("a text file named .parquet is still read as text", async () => {
        const path = file("not-really.parquet", toLine(outbound("REJECT", 0)) + "\n");
        const d = await runJson("--input", path, ...CONVERSATION);
        expect([d.verdict, d.counts.outbound.reject]).to.deep.equal(["security-group-or-nacl", 1]);
    });
});

describe("vpc-flow-diagnose start-up without the Parquet reader", () => {
    it("loads no Parquet module until a Parquet file is read", () => {
        const script = [
            "const before = new Set(Object.keys(require.cache));",
            `require(${JSON.stringify(require.resolve("../../analysis/cli/cli"))});`,
            "const parquetModules = () => Object.keys(require.cache).filter((k) => !before.has(k) && k.includes('hyparquet'));",
            "const atStartUp = parquetModules();",
            // The control: once loaded, the ES module does show in require.cache, so the check can fail.
            "require('hyparquet');",
            "process.stdout.write(JSON.stringify([atStartUp, parquetModules().length > 0]));",
        ].join("\n");
        const out = execFileSync(process.execPath, ["-e", script], { encoding: "utf8", cwd: ROOT });
        expect(JSON.parse(out)).to.deep.equal([[], true]);
    });
});

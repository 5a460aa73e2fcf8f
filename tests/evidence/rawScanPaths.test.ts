import { expect } from "chai";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGunzip, gzipSync } from "node:zlib";
import { main } from "../../analysis/cli/cli";
import { Conversation, ConversationEvidence } from "../../analysis/evidence/conversation";
import { UserInputError } from "../../analysis/core/errors";
import { GUNZIP_OPTIONS, InputSummary, readInput } from "../../analysis/evidence/inputFiles";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, resolveLogFormat } from "../../analysis/core/logFormat";
import { RawScanSettings, threadCount } from "../../analysis/evidence/rawFile/plainFile";
import { LINE_SCAN_WASM } from "../../analysis/evidence/rawFile/lineScanKernel";
import { RawLineScanner } from "../../analysis/evidence/rawLines";
import { deserializeError, serializeError } from "../../analysis/evidence/rawFile/workerErrors";
import { NAT_ENI, S3, TASK, query } from "../helpers/analysisRecords";
import { DIAGNOSTIC_LOOKALIKE, ExpectedCounts, edgeCaseFlowLog } from "../helpers/edgeCaseFlowLog";
import { diagnosisJson } from "../helpers/jsonContract";

const dir = mkdtempSync(join(tmpdir(), "vpc-flow-scan-paths-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const FULL_PARSER: RawScanSettings = { fullParser: true };
const ONE_THREAD: RawScanSettings = { threads: 1 };
/**
 * Tiny ranges, so the cuts fall on headers, CRLFs, blank and over-long lines alike. With
 * collectAll, every range after the first is read out of order whichever thread gets it, so the
 * rescans and main-thread finishes happen whatever the timing.
 */
const SPLITS: readonly RawScanSettings[] = [
    { threads: 2, minSplitBytes: 0, rangeBytes: 211 },
    { threads: 2, minSplitBytes: 0, rangeBytes: 1009, collectAll: true },
    { threads: 3, minSplitBytes: 0, rangeBytes: 4093 },
    // Ranges that keep more than 256 bytes of lines stop there and leave the rest to the main thread.
    { threads: 2, minSplitBytes: 0, rangeBytes: 2039, keptBudget: 256, collectAll: true },
];

interface PathResult {
    evidence: ConversationEvidence;
    summary: InputSummary;
    warnings: string[];
}

async function readWith(path: string, rawScan: RawScanSettings, formatText = "default"): Promise<PathResult> {
    const q = query();
    const conversation = new Conversation(q);
    const warnings: string[] = [];
    const summary = await readInput({
        path,
        conversation,
        src: q.src,
        dst: q.dst,
        format: resolveLogFormat(formatText, "--format"),
        formatChosen: formatText !== "default",
        warn: (m) => warnings.push(m),
        rawScan,
    });
    return { evidence: conversation.evidence(), summary, warnings };
}

async function cliJson(path: string, rawScan: RawScanSettings, ...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(["--input", path, "--src", TASK, "--dst", S3, "--output", "json", ...extra], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        rawScan,
    });
    return { code, stdout, stderr };
}

function countsOf(e: ConversationEvidence): ExpectedCounts {
    return {
        records: e.input.records,
        matched: e.input.matched,
        duplicates: e.input.duplicates,
        malformed: e.skipped.malformed,
        nodata: e.skipped.nodata,
        skipdata: e.skipped.skipdata,
    };
}

/** Everything but how the file was read. */
function comparable(r: PathResult): unknown {
    const { scan: _scan, ...summary } = r.summary;
    // Unreadable lines are placed by file name and line number: a .gz twin has them at the same lines.
    const unreadable = r.evidence.unreadable.map((g) => ({ ...g, locations: g.locations.map((l) => l.replace(r.summary.path, "<input>")) }));
    return { evidence: { ...r.evidence, unreadable }, summary, warnings: r.warnings };
}

const FILES = [
    { name: "sections", options: { seed: 7, sections: 40, linesPerSection: 12 } },
    { name: "many-rejects", options: { seed: 11, sections: 16, linesPerSection: 200, rejectShare: 0.5 } },
    { name: "long-sections", options: { seed: 23, sections: 6, linesPerSection: 120 } },
    // Every range assumes the look-alike of the first header; half the sections are the diagnostic format.
    {
        name: "look-alike-formats",
        options: { seed: 31, sections: 24, linesPerSection: 30, startFormat: DIAGNOSTIC_LOOKALIKE, formats: [DIAGNOSTIC_FORMAT, DIAGNOSTIC_LOOKALIKE] },
    },
];

describe("raw files: the fused scan, the split scan and the full parser agree", () => {
    for (const { name, options } of FILES) {
        const { text, expected } = edgeCaseFlowLog(options);
        const path = join(dir, `${name}.log`);
        writeFileSync(path, text);

        it(`${name}: the full parser finds exactly what the generator wrote`, async () => {
            const reference = await readWith(path, FULL_PARSER);
            expect(countsOf(reference.evidence)).to.deep.equal(expected);
            expect(reference.summary.scan).to.equal(undefined);
        });

        it(`${name}: one thread and every split give the full parser's evidence, samples and warnings`, async () => {
            const reference = comparable(await readWith(path, FULL_PARSER));
            const single = await readWith(path, ONE_THREAD);
            expect(single.summary.scan).to.deep.equal({ threads: 1, ranges: 1, rescanned: 0, finishedByMain: 0 });
            expect(comparable(single)).to.deep.equal(reference);
            for (const settings of SPLITS) {
                const split = await readWith(path, settings);
                expect(split.summary.scan?.threads, JSON.stringify(settings)).to.equal(settings.threads);
                expect(split.summary.scan?.ranges, JSON.stringify(settings)).to.equal(Math.ceil(text.length / (settings.rangeBytes as number)));
                expect(comparable(split), JSON.stringify(settings)).to.deep.equal(reference);
            }
        });

        it(`${name}: the CLI's JSON and warnings are the same on every path, with --format given too`, async () => {
            for (const extra of [[], ["--format", "default"]]) {
                const reference = await cliJson(path, FULL_PARSER, ...extra);
                expect(reference.code).to.equal(0);
                for (const settings of [ONE_THREAD, ...SPLITS]) {
                    expect(await cliJson(path, settings, ...extra), JSON.stringify({ settings, extra })).to.deep.equal(reference);
                }
            }
        });
    }

    it("rescans ranges that assumed the wrong format, and finishes ranges that kept too much on the main thread", async () => {
        const ranges = await readWith(join(dir, "look-alike-formats.log"), SPLITS[1]);
        expect(ranges.summary.scan?.rescanned).to.be.greaterThan(0);
        // The NAT legs only the right format ties to the conversation (through pkt-srcaddr).
        const nat = ranges.evidence.interfaces.find((i) => i.interfaceId === NAT_ENI);
        expect([nat?.side, nat?.tally.outbound.accept.records]).to.deep.equal(["intermediate", 13]);
        const budget = await readWith(join(dir, "sections.log"), SPLITS[3]);
        expect(budget.summary.scan?.finishedByMain).to.be.greaterThan(0);
    });

    it("keeps the first 1000 small REJECTs in file order and flags the overflow, on every path", async () => {
        const path = join(dir, "many-rejects.log");
        const reference = await readWith(path, FULL_PARSER);
        expect(reference.evidence.rejectCandidates).to.have.length(1000);
        expect(reference.evidence.rejectCandidatesOverflow).to.equal(true);
        const split = await readWith(path, SPLITS[0]);
        expect(split.evidence.rejectCandidates).to.deep.equal(reference.evidence.rejectCandidates);
        expect(split.evidence.rejectCandidatesOverflow).to.equal(true);
    });

    it("reads the same file gzip-compressed through the fused stream scan", async () => {
        const { text } = edgeCaseFlowLog(FILES[0].options);
        const gz = join(dir, "sections.log.gz");
        writeFileSync(gz, gzipSync(text));
        const reference = comparable(await readWith(join(dir, "sections.log"), FULL_PARSER));
        const compressed = await readWith(gz, {});
        expect(compressed.summary.gzip).to.equal(true);
        expect(compressed.summary.scan).to.equal(undefined);
        expect({ ...(comparable(compressed) as object), summary: undefined }).to.deep.equal({ ...(reference as object), summary: undefined });
    });

    it("every path loads the scan loop it is given: one thread, a split and a .gz", async () => {
        const copy = join(dir, "lineScan-copy.wasm");
        copyFileSync(LINE_SCAN_WASM, copy);
        const path = join(dir, "sections.log");
        writeFileSync(`${path}.gz`, gzipSync(edgeCaseFlowLog(FILES[0].options).text));
        for (const [file, settings] of [[path, ONE_THREAD], [path, SPLITS[1]], [`${path}.gz`, {}]] as const) {
            const given = await readWith(file, { ...settings, lineScanWasm: copy });
            expect(comparable(given)).to.deep.equal(comparable(await readWith(file, settings)));
            expect(given.summary.scan).to.deep.equal((await readWith(file, settings)).summary.scan);
        }
    });

    it("the split's shadow parser follows header lines exactly, building no record", () => {
        const calls: string[] = [];
        const sink = { addRecord: () => (calls.push("addRecord"), "unrelated" as const), addMalformed: () => calls.push("addMalformed"), addUnrelated: () => calls.push("addUnrelated") };
        const q = query();
        const shadow = new RawLineScanner(sink, q.src, q.dst, DEFAULT_FORMAT, { formatOnly: true });
        const lines = [
            `2 123456789012 eni-0a1b2c3d4e5f60718 ${TASK} ${S3} 43310 443 6 1 40 1795701725 1795701780 REJECT OK`,
            DIAGNOSTIC_FORMAT.fields.join(" "),
            `not a record`,
        ];
        for (const line of lines) shadow.scan(Buffer.from(line), 0, line.length);
        expect([shadow.format.formatString, shadow.stats.headers, shadow.stats.lines, calls]).to.deep.equal([DIAGNOSTIC_FORMAT.formatString, 1, 3, ["addMalformed"]]);
    });

    it("reads line by line, with one warning, when the scan loop is missing or does not compile", async () => {
        const path = join(dir, "sections.log");
        const reference = await readWith(path, FULL_PARSER);
        const missing = join(dir, "missing.wasm");
        const damaged = join(dir, "damaged.wasm");
        writeFileSync(damaged, "not wasm");
        for (const [wasm, reason] of [
            [missing, `${missing} is missing: build the project with 'npm run build' (it assembles lineScan.wat)`],
            [damaged, `${damaged} does not compile here: WebAssembly.Module(): expected magic word 00 61 73 6d, found 6e 6f 74 20 @+0`],
        ]) {
            for (const file of [path, `${path}.gz`]) {
                if (file.endsWith(".gz")) writeFileSync(file, gzipSync(edgeCaseFlowLog(FILES[0].options).text));
                const fallback = await readWith(file, { lineScanWasm: wasm });
                expect(fallback.warnings[0]).to.equal(`The fast raw-line scanner cannot run: ${reason}. Reading line by line instead: slower, the same result.`);
                expect(fallback.summary.scan).to.equal(undefined);
                const same = comparable({ ...fallback, warnings: fallback.warnings.slice(1) }) as object;
                // A .gz names another file, so its summary differs by the name and the gzip flag only.
                if (file === path) expect(same).to.deep.equal(comparable(reference));
                else expect({ ...same, summary: undefined }).to.deep.equal({ ...(comparable(reference) as object), summary: undefined });
            }
        }
        // JSON never needs the scanner: no warning then.
        const events = join(dir, "events.json");
        writeFileSync(events, JSON.stringify({ events: [{ message: edgeCaseFlowLog(FILES[0].options).text.split("\n")[0] }] }));
        expect((await readWith(events, { lineScanWasm: missing })).warnings).to.deep.equal((await readWith(events, {})).warnings);
        // The CLI: the warning on stderr and in the JSON's warnings, and otherwise the same JSON.
        const cli = await cliJson(path, { lineScanWasm: missing });
        const plain = await cliJson(path, {});
        const warning = `The fast raw-line scanner cannot run: ${missing} is missing: build the project with 'npm run build' (it assembles lineScan.wat). Reading line by line instead: slower, the same result.`;
        expect(cli.stderr).to.equal(`warning: ${warning}\n` + plain.stderr);
        const json = diagnosisJson(cli) as { warnings: string[] };
        expect(json.warnings).to.deep.equal([warning, ...(diagnosisJson(plain) as { warnings: string[] }).warnings]);
        expect([cli.code, { ...json, warnings: [] }]).to.deep.equal([plain.code, { ...diagnosisJson(plain), warnings: [] }]);
    });

    it("gunzip keeps up to four 1 MiB chunks ready, so it inflates while the scan reads (zlib streams take Transform options)", () => {
        const gunzip = createGunzip(GUNZIP_OPTIONS);
        expect([gunzip.readableHighWaterMark, GUNZIP_OPTIONS.chunkSize]).to.deep.equal([4 << 20, 1 << 20]);
        gunzip.destroy();
    });

    it("CRLF-only, headerless and newline-less files read the same on every path", async () => {
        const lines = [
            `2 123456789012 eni-0a1b2c3d4e5f60718 ${TASK} ${S3} 43310 443 6 1 40 1795701725 1795701780 REJECT OK`,
            `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.3.4 ${S3} 43311 443 6 3 180 1795701725 1795701780 ACCEPT OK`,
        ];
        for (const [name, text] of [
            ["crlf", lines.join("\r\n") + "\r\n"],
            ["no-final-newline", lines.join("\n")],
            ["final-cr", lines.join("\n") + "\r"],
        ]) {
            const path = join(dir, `${name}.log`);
            writeFileSync(path, text);
            const reference = comparable(await readWith(path, FULL_PARSER));
            expect((reference as { evidence: ConversationEvidence }).evidence.input).to.deep.equal({ records: 2, matched: 1, outsideWindow: 0, duplicates: 0 });
            for (const settings of [ONE_THREAD, { threads: 2, minSplitBytes: 0, rangeBytes: 7 }]) {
                expect(comparable(await readWith(path, settings)), `${name} ${JSON.stringify(settings)}`).to.deep.equal(reference);
            }
        }
    });
});

describe("raw files: threads and worker errors", () => {
    const saved = process.env.VPC_FLOW_DIAGNOSE_THREADS;
    afterEach(() => {
        if (saved === undefined) delete process.env.VPC_FLOW_DIAGNOSE_THREADS;
        else process.env.VPC_FLOW_DIAGNOSE_THREADS = saved;
    });

    it("takes the thread count from VPC_FLOW_DIAGNOSE_THREADS and refuses a bad one in one line", () => {
        process.env.VPC_FLOW_DIAGNOSE_THREADS = "1";
        expect(threadCount({})).to.equal(1);
        process.env.VPC_FLOW_DIAGNOSE_THREADS = "3";
        expect(threadCount({})).to.equal(3);
        expect(threadCount({ threads: 2 })).to.equal(2);
        for (const bad of ["0", "two", "65", "-1"]) {
            process.env.VPC_FLOW_DIAGNOSE_THREADS = bad;
            expect(() => threadCount({}), bad).to.throw(
                UserInputError,
                `VPC_FLOW_DIAGNOSE_THREADS='${bad}' is not a thread count. Allowed: a whole number from 1 (one thread) to 64.`,
            );
        }
    });

    it("the CLI exits 2 on a bad VPC_FLOW_DIAGNOSE_THREADS", async () => {
        const path = join(dir, "threads.log");
        writeFileSync(path, `2 123456789012 eni-0a1b2c3d4e5f60718 ${TASK} ${S3} 43310 443 6 1 40 1795701725 1795701780 REJECT OK\n`);
        process.env.VPC_FLOW_DIAGNOSE_THREADS = "many";
        let stderr = "";
        const code = await main(["--input", path, "--src", TASK, "--dst", S3], { stdout: () => undefined, stderr: (t) => (stderr += t) });
        expect(code).to.equal(2);
        expect(stderr).to.equal("VPC_FLOW_DIAGNOSE_THREADS='many' is not a thread count. Allowed: a whole number from 1 (one thread) to 64.\n");
    });

    it("a worker's errors reach the main thread as the same errors", () => {
        const user = deserializeError(serializeError(new UserInputError("Cannot read --input 'x': permission denied.")));
        expect(user).to.be.instanceOf(UserInputError);
        expect(user.message).to.equal("Cannot read --input 'x': permission denied.");
        const io = deserializeError(serializeError(Object.assign(new Error("EACCES: permission denied, read"), { code: "EACCES" })));
        expect((io as NodeJS.ErrnoException).code).to.equal("EACCES");
        expect(io.message).to.equal("EACCES: permission denied, read");
    });

    it("the default format reads a file whose first line is a header as that header's format in every range", async () => {
        const { text } = edgeCaseFlowLog({ seed: 5, sections: 8, linesPerSection: 20 });
        const path = join(dir, "header-first.log");
        writeFileSync(path, DEFAULT_FORMAT.fields.join(" ") + "\n" + text);
        const reference = comparable(await readWith(path, FULL_PARSER));
        expect(comparable(await readWith(path, SPLITS[1]))).to.deep.equal(reference);
    });
});

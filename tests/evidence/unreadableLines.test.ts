/**
 * Lines that cannot be fully read (issue 18, item 7): what is read of them, when they lower the
 * verdict, what the output says, and that every way of reading a file says the same.
 */
import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { main } from "../../analysis/cli/cli";
import { AddressSet } from "../../analysis/core/ip";
import { DEFAULT_FIELDS } from "../../analysis/core/logFormat";
import { RawScanSettings } from "../../analysis/evidence/rawFile/plainFile";
import { LineQuery, UnreadableReading, countVerdict, couldChangeVerdict, readUnreadableLine } from "../../analysis/evidence/unreadableLines";
import { run } from "../helpers/cliInProcess";
import { diagnosisJson } from "../helpers/jsonContract";

const ROOT = join(__dirname, "..", "..", "..");
const EXAMPLE = readFileSync(join(ROOT, "examples", "s3-timeout.log"), "utf8");
/** The example has 42 lines: an appended line is line 43 on. */
const EXAMPLE_LINES = 42;
const CONVERSATION = ["--src", "10.0.1.25", "--dst", "52.219.204.42"];
const ENI = "eni-0a1b2c3d4e5f60718";
const OUT = `2 123456789012 ${ENI} 10.0.1.25 52.219.204.42 43310 443 6`;
const BACK = `2 123456789012 ${ENI} 52.219.204.42 10.0.1.25 443 43310 6`;

const dir = mkdtempSync(join(tmpdir(), "vpc-flow-unreadable-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function exampleWith(name: string, lines: readonly string[]): string {
    const path = join(dir, name);
    writeFileSync(path, EXAMPLE + lines.join("\n") + "\n");
    return path;
}

const QUERY: LineQuery = {
    src: AddressSet.parse("10.0.1.25", "--src"),
    dst: AddressSet.parse("52.219.204.42", "--dst"),
    protocol: 6,
    port: 443,
    portsApply: true,
};
const read = (line: string): UnreadableReading => readUnreadableLine(line.split(" "), DEFAULT_FIELDS, QUERY);

describe("unreadable lines: what can be read of them", () => {
    const cases: Array<[string, string, UnreadableReading]> = [
        ["a reply cut after the protocol", `${BACK}`, { fit: "possible", directions: ["inbound"], actions: ["ACCEPT", "REJECT"] }],
        ["a reply with packets 'x'", `${BACK} x 180 1795701727 1795701785 ACCEPT OK`, { fit: "possible", directions: ["inbound"], actions: ["ACCEPT"] }],
        ["an attempt with bytes '18x'", `${OUT} 3 18x 1795701727 1795701785 ACCEPT OK`, { fit: "possible", directions: ["outbound"], actions: ["ACCEPT"] }],
        ["an attempt with action 'ALLOW'", `${OUT} 3 180 1795701727 1795701785 ALLOW OK`, { fit: "possible", directions: ["outbound"], actions: ["ACCEPT", "REJECT"] }],
        ["only the addresses", `2 123456789012 ${ENI} 10.0.1.25 52.219.204.42`, { fit: "possible", directions: ["outbound"], actions: ["ACCEPT", "REJECT"] }],
        ["the workload and an unreadable destination", `2 123456789012 ${ENI} 10.0.1.25 52.219.204.x 43310 443 6 3 180`, { fit: "possible", directions: ["outbound"], actions: ["ACCEPT", "REJECT"] }],
        ["the workload and another address", `2 123456789012 ${ENI} 10.0.1.25 10.0.0.141 8080 51022 6 x`, { fit: "unrelated", reason: "other-addresses" }],
        ["other addresses only", `2 123456789012 ${ENI} 10.9.9.9 10.8.8.8 1 2 6 1 1 2`, { fit: "unrelated", reason: "other-addresses" }],
        ["a reply from another port", `2 123456789012 ${ENI} 52.219.204.42 10.0.1.25 8443 43310 6 x`, { fit: "unrelated", reason: "other-port" }],
        ["UDP", `2 123456789012 ${ENI} 10.0.1.25 52.219.204.42 43310 443 17 x`, { fit: "unrelated", reason: "other-protocol" }],
        ["words", "garbage here", { fit: "unrelated", reason: "no-conversation-address" }],
        // An extra token shifts the fields: only that it names the conversation can be read.
        ["15 tokens", `${OUT} 3 180 1795701727 1795701785 ACCEPT OK extra`, { fit: "possible", directions: ["outbound", "inbound"], actions: ["ACCEPT", "REJECT"] }],
    ];
    for (const [name, line, reading] of cases) {
        it(`${name}: ${JSON.stringify(reading)}`, () => expect(read(line)).to.deep.equal(reading));
    }
});

describe("unreadable lines with --dst s3 and pkt-*-aws-service fields: an address outside the ranges that AWS marks as S3", () => {
    const fields = [...DEFAULT_FIELDS, "pkt-srcaddr", "pkt-dstaddr", "pkt-src-aws-service", "pkt-dst-aws-service"];
    const s3Query: LineQuery = { ...QUERY, matchS3Service: true };
    const line = (service: string, action = "x") => `2 123456789012 ${ENI} 10.0.1.25 3.5.140.2 43310 443 6 3 180 1795701727 1795701785 ${action} OK 10.0.1.25 3.5.140.2 - ${service}`.split(" ");
    it("S3, or a field that cannot be read, may be the conversation; another service or '-' is not", () => {
        expect([
            readUnreadableLine(line("S3"), fields, s3Query),
            readUnreadableLine(line("S3").slice(0, 10), fields, s3Query),
            readUnreadableLine(line("EC2"), fields, s3Query),
            readUnreadableLine(line("-"), fields, s3Query),
            readUnreadableLine(line("S3"), fields, QUERY),
        ]).to.deep.equal([
            { fit: "possible", directions: ["outbound"], actions: ["ACCEPT", "REJECT"] },
            { fit: "possible", directions: ["outbound"], actions: ["ACCEPT", "REJECT"] },
            { fit: "unrelated", reason: "other-addresses" },
            { fit: "unrelated", reason: "other-addresses" },
            { fit: "unrelated", reason: "other-addresses" },
        ]);
    });
});

describe("unreadable lines: the rule (could one record it could be change the verdict?)", () => {
    const routing = { outAcc: 12, outRej: 0, inAcc: 0, inRej: 0 };
    const possible = (directions: Array<"outbound" | "inbound">, actions: Array<"ACCEPT" | "REJECT">): UnreadableReading => ({ fit: "possible", directions, actions });

    it("countVerdict follows classify's order", () => {
        const verdicts = [
            [{ outAcc: 1, outRej: 1, inAcc: 1, inRej: 1 }, "mixed"],
            [{ outAcc: 0, outRej: 1, inAcc: 1, inRej: 0 }, "security-group-or-nacl"],
            [{ outAcc: 1, outRej: 0, inAcc: 1, inRej: 1 }, "network-ok"],
            [{ outAcc: 1, outRej: 0, inAcc: 0, inRej: 1 }, "nacl-return-path"],
            [routing, "routing"],
            [{ outAcc: 0, outRej: 0, inAcc: 2, inRej: 0 }, "network-ok"],
            [{ outAcc: 0, outRej: 0, inAcc: 0, inRej: 2 }, "nacl-return-path"],
            [{ outAcc: 0, outRej: 0, inAcc: 0, inRej: 0 }, "no-traffic"],
        ] as const;
        expect(verdicts.map(([c]) => countVerdict(c))).to.deep.equal(verdicts.map(([, v]) => v));
    });

    it("under routing: a reply of either action, or an outbound REJECT, changes it; an accepted attempt repeats it", () => {
        expect([
            couldChangeVerdict(possible(["inbound"], ["ACCEPT", "REJECT"]), routing, "ALL"),
            couldChangeVerdict(possible(["inbound"], ["REJECT"]), routing, "ALL"),
            couldChangeVerdict(possible(["outbound"], ["ACCEPT", "REJECT"]), routing, "ALL"),
            couldChangeVerdict(possible(["outbound"], ["ACCEPT"]), routing, "ALL"),
            couldChangeVerdict({ fit: "unrelated", reason: "other-addresses" }, routing, "ALL"),
        ]).to.deep.equal([true, true, true, false, false]);
    });

    it("only actions the flow log captures: with ACCEPT only, an attempt of unread action is an accepted one", () => {
        expect([
            couldChangeVerdict(possible(["outbound"], ["ACCEPT", "REJECT"]), routing, "ACCEPT"),
            couldChangeVerdict(possible(["inbound"], ["ACCEPT", "REJECT"]), routing, "ACCEPT"),
            couldChangeVerdict(possible(["outbound"], ["ACCEPT"]), routing, "REJECT"),
        ]).to.deep.equal([false, true, false]);
    });

    it("under mixed nothing one record adds changes it; under no-traffic anything of the conversation does", () => {
        const any = possible(["outbound", "inbound"], ["ACCEPT", "REJECT"]);
        expect([couldChangeVerdict(any, { outAcc: 2, outRej: 2, inAcc: 0, inRej: 0 }, "ALL"), couldChangeVerdict(any, { outAcc: 0, outRej: 0, inAcc: 0, inRej: 0 }, "ALL")]).to.deep.equal([false, true]);
    });
});

interface Outcome {
    code: number;
    verdict: string;
    confidence: string;
    setAside: unknown;
    stderr: string;
}

async function diagnoseExample(name: string, lines: readonly string[], ...extra: string[]): Promise<{ path: string; outcome: Outcome; json: any }> {
    const path = exampleWith(name, lines);
    const r = await run("--input", path, ...CONVERSATION, "--output", "json", ...extra);
    const json = diagnosisJson(r);
    return { path, json, outcome: { code: r.code, verdict: json.verdict, confidence: json.confidence, setAside: json.setAside, stderr: r.stderr } };
}

describe("unreadable lines in the s3-timeout example (routing, high): each kind", () => {
    const kinds: Array<{ name: string; line: string; reason: string; confidence: string; words: string }> = [
        { name: "a reply with too few fields", line: BACK, reason: "could-change-verdict", confidence: "medium", words: "could be a record of the conversation that would change the verdict" },
        { name: "a reply with packets 'x'", line: `${BACK} x 180 1795701727 1795701785 ACCEPT OK`, reason: "could-change-verdict", confidence: "medium", words: "could be a record of the conversation that would change the verdict" },
        { name: "a reply with start 'soon'", line: `${BACK} 4 5200 soon 1795701785 ACCEPT OK`, reason: "could-change-verdict", confidence: "medium", words: "could be a record of the conversation that would change the verdict" },
        { name: "a reply with action 'MAYBE'", line: `${BACK} 4 5200 1795701727 1795701785 MAYBE OK`, reason: "could-change-verdict", confidence: "medium", words: "could be a record of the conversation that would change the verdict" },
        { name: "an attempt with bytes '18x'", line: `${OUT} 3 18x 1795701727 1795701785 ACCEPT OK`, reason: "repeats-known", confidence: "high", words: "could only repeat what the readable records show" },
        { name: "an attempt with end '-5'", line: `${OUT} 3 180 1795701727 -5 ACCEPT OK`, reason: "repeats-known", confidence: "high", words: "could only repeat what the readable records show" },
        { name: "an attempt cut after the addresses", line: `2 123456789012 ${ENI} 10.0.1.25 52.219.204.42`, reason: "could-change-verdict", confidence: "medium", words: "could be a record of the conversation that would change the verdict" },
        { name: "other addresses, packets 'x'", line: `2 123456789012 ${ENI} 10.9.9.9 10.8.8.8 1 2 6 x 1 2 3 ACCEPT`, reason: "other-addresses", confidence: "high", words: "names addresses of another conversation" },
        { name: "a reply from port 8443, packets 'x'", line: `2 123456789012 ${ENI} 52.219.204.42 10.0.1.25 8443 43310 6 x`, reason: "other-port", confidence: "high", words: "is of another port" },
        { name: "words", line: "not a flow log line", reason: "no-conversation-address", confidence: "high", words: "names no address of the conversation" },
    ];
    for (const kind of kinds) {
        it(`${kind.name}: ${kind.reason}, routing ${kind.confidence}`, async () => {
            const { path, outcome, json } = await diagnoseExample(`${kind.reason}-${kinds.indexOf(kind)}.log`, [kind.line]);
            const lowers = kind.reason === "could-change-verdict";
            const warning = `Set aside 1 unreadable line or row: 1 ${kind.words} (${path}:43).${lowers ? " The verdict rests on the readable records, with lower confidence." : " None of them could change the verdict."}`;
            expect(outcome).to.deep.equal({
                code: 0,
                verdict: "routing",
                confidence: kind.confidence,
                setAside: { total: 1, reasons: [{ reason: kind.reason, count: 1, locations: [`${path}:43`] }] },
                stderr: `warning: ${warning}\n`,
            });
            expect([json.warnings, json.evidence.at(-1), json.skipped.malformed, json.counts]).to.deep.equal([
                [warning],
                warning,
                1,
                { outbound: { accept: 12, reject: 0 }, inbound: { accept: 0, reject: 0 } },
            ]);
            expect(json.confidenceReason).to.equal(
                lowers
                    ? "12 outbound records accepted and no reply logged in either action; 1 unreadable line or row could be a record of the conversation that would change the verdict."
                    : "12 outbound records accepted and no reply logged in either action.",
            );
        });
    }

    it("all of them at once: counted by reason, in file order, in the text output too", async () => {
        const lines = kinds.map((k) => k.line);
        const { path, outcome } = await diagnoseExample("all-kinds.log", lines);
        const at = (...n: number[]) => n.map((i) => `${path}:${EXAMPLE_LINES + 1 + i}`);
        const warning =
            `Set aside 10 unreadable lines or rows: 5 could be records of the conversation that would change the verdict (${at(0, 1, 2, 3, 6).join(", ")}); ` +
            `2 could only repeat what the readable records show (${at(4, 5).join(", ")}); 1 names addresses of another conversation (${at(7)}); 1 is of another port (${at(8)}); ` +
            `1 names no address of the conversation (${at(9)}). The verdict rests on the readable records, with lower confidence.`;
        expect(outcome).to.deep.equal({
            code: 0,
            verdict: "routing",
            confidence: "medium",
            setAside: {
                total: 10,
                reasons: [
                    { reason: "could-change-verdict", count: 5, locations: at(0, 1, 2, 3, 6) },
                    { reason: "repeats-known", count: 2, locations: at(4, 5) },
                    { reason: "other-addresses", count: 1, locations: at(7) },
                    { reason: "other-port", count: 1, locations: at(8) },
                    { reason: "no-conversation-address", count: 1, locations: at(9) },
                ],
            },
            stderr: `warning: ${warning}\n`,
        });
        const text = await run("--input", path, ...CONVERSATION);
        expect(text.stdout.split("\n")).to.include(`  - ${warning}`);
        const markdown = await run("--input", path, ...CONVERSATION, "--output", "markdown");
        expect(markdown.stdout.split("\n")).to.include(`- ${warning}`);
    });

    it("with --traffic-type ACCEPT, an attempt of unread action can only be an accepted one", async () => {
        const { path, outcome } = await diagnoseExample("accept-only.log", [`2 123456789012 ${ENI} 10.0.1.25 52.219.204.42`], "--traffic-type", "ACCEPT");
        expect([outcome.verdict, outcome.confidence, outcome.setAside]).to.deep.equal([
            "routing",
            "medium",
            { total: 1, reasons: [{ reason: "repeats-known", count: 1, locations: [`${path}:43`] }] },
        ]);
    });

    it("as many replies that could change it as readable records: no verdict; five places shown, then '...'", async () => {
        const lines = Array.from({ length: 12 }, (_v, i) => `${BACK} ${i}x`);
        const { path, outcome, json } = await diagnoseExample("many.log", lines);
        const at = [43, 44, 45, 46, 47].map((n) => `${path}:${n}`);
        expect([outcome.verdict, outcome.confidence, outcome.setAside]).to.deep.equal([
            "inconclusive",
            "low",
            { total: 12, reasons: [{ reason: "could-change-verdict", count: 12, locations: at }] },
        ]);
        expect(json.summary).to.equal(
            `12 lines or rows that mention the conversation's addresses could not be read (e.g. '${BACK} 0x'), against 12 readable records: no verdict from evidence that was mostly skipped.`,
        );
        expect(outcome.stderr).to.equal(
            `warning: Set aside 12 unreadable lines or rows: 12 could be records of the conversation that would change the verdict (${at.join(", ")}, ...). No verdict: they are as many as the readable records.\n`,
        );
    });

    it("a clean file says nothing and has no setAside", async () => {
        const { outcome, json } = await diagnoseExample("clean.log", []);
        expect([outcome.stderr, outcome.setAside, json.warnings, outcome.confidence]).to.deep.equal(["", undefined, [], "high"]);
    });
});

/** The CLI's JSON and stderr through a given way of reading, with the file's name taken out. */
async function cliThrough(path: string, rawScan: RawScanSettings): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(["--input", path, ...CONVERSATION, "--output", "json"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), rawScan });
    const placeless = (t: string) => t.split(path).join("<input>");
    return { code, stdout: placeless(stdout), stderr: placeless(stderr) };
}

describe("unreadable lines: text, .gz, one thread, split threads and the full parser say the same", () => {
    // Noise the fast scan proves unrelated between the broken lines, a blank line, a CRLF and an
    // over-long line before them, so the line numbers count every kind of line.
    const noise = (i: number) => `2 123456789012 eni-07e6d5c4b3a291807 10.0.2.${i % 200} 10.0.3.50 38812 5432 6 22 4410 1795701731 1795701790 ACCEPT OK`;
    const broken = [
        `${BACK} x 180 1795701727 1795701785 ACCEPT OK`,
        `${OUT} 3 18x 1795701727 1795701785 ACCEPT OK`,
        `2 123456789012 ${ENI} 10.9.9.9 10.8.8.8 1 2 6 x 1 2 3 ACCEPT`,
        "not a flow log line",
        BACK,
    ];
    const lines: string[] = EXAMPLE.trimEnd().split("\n");
    lines.push("", `${noise(0)}\r`, "x".repeat(70 * 1024));
    const expectedAt: number[] = [];
    for (let k = 0; k < 20; k++) {
        for (let i = 0; i < 25; i++) lines.push(noise(k * 25 + i));
        lines.push(broken[k % broken.length]);
        expectedAt.push(lines.length);
    }
    const text = lines.join("\n") + "\n";
    const path = join(dir, "paths.log");
    writeFileSync(path, text);
    const gz = join(dir, "paths.log.gz");
    writeFileSync(gz, gzipSync(text));

    it("the full parser places every broken line at its line number", async () => {
        const r = await cliThrough(path, { fullParser: true });
        const d = diagnosisJson(r);
        const at = (k: number) => `<input>:${expectedAt[k]}`;
        expect([r.code, d.verdict, d.confidence, d.setAside]).to.deep.equal([
            0,
            "routing",
            "medium",
            {
                total: 21,
                reasons: [
                    { reason: "could-change-verdict", count: 8, locations: [0, 4, 5, 9, 10].map(at) },
                    { reason: "repeats-known", count: 4, locations: [1, 6, 11, 16].map(at) },
                    { reason: "other-addresses", count: 4, locations: [2, 7, 12, 17].map(at) },
                    { reason: "no-conversation-address", count: 4, locations: [3, 8, 13, 18].map(at) },
                    { reason: "too-long", count: 1, locations: ["<input>:45"] },
                ],
            },
        ]);
    });

    it("every other way gives the same JSON and warnings", async () => {
        const reference = await cliThrough(path, { fullParser: true });
        const ways: RawScanSettings[] = [
            { threads: 1 },
            { threads: 2, minSplitBytes: 0, rangeBytes: 211 },
            { threads: 2, minSplitBytes: 0, rangeBytes: 1009, collectAll: true },
            { threads: 3, minSplitBytes: 0, rangeBytes: 4093 },
            { threads: 2, minSplitBytes: 0, rangeBytes: 2039, keptBudget: 256, collectAll: true },
        ];
        for (const rawScan of ways) expect(await cliThrough(path, rawScan), JSON.stringify(rawScan)).to.deep.equal(reference);
        expect(await cliThrough(gz, {})).to.deep.equal(reference);
        expect(await cliThrough(gz, { fullParser: true })).to.deep.equal(reference);
    });
});

describe("unreadable lines: a property", () => {
    // Lines of other conversations whose fields cannot all be read, put anywhere in the example.
    const otherAddress = fc.tuple(fc.constantFrom("10.9.9", "198.51.100", "10.0.2"), fc.integer({ min: 1, max: 254 })).map(([net, host]) => `${net}.${host}`);
    const junk = fc.constantFrom("x", "ALLOW", "-1", "1.5", "abc", "-", "443", "6", "17", "ACCEPT", "REJECT", "OK", ENI, "123456789012");
    const brokenLine = fc
        .record({
            src: otherAddress,
            dst: fc.oneof(otherAddress, fc.constant("10.0.1.25"), fc.constant("52.219.204.42")),
            swap: fc.boolean(),
            // At most the format's 14 fields: a longer line's fields cannot be placed, only its addresses matched.
            tail: fc.array(junk, { minLength: 0, maxLength: 9 }),
            cut: fc.integer({ min: 1, max: 20 }),
        })
        .map(({ src, dst, swap, tail, cut }) => ["2", "123456789012", ENI, swap ? dst : src, swap ? src : dst, ...tail].slice(0, Math.max(cut, 5)).join(" "));
    const baseLines = EXAMPLE.trimEnd().split("\n");

    it("inserting lines whose readable addresses are another conversation's never changes the verdict or the statistics", async () => {
        const clean = await run("--input", exampleWith("property-clean.log", []), ...CONVERSATION, "--output", "json");
        const reference = diagnosisJson(clean);
        const stable = (d: any) => ({
            verdict: d.verdict,
            summary: d.summary,
            confidence: d.confidence,
            confidenceReason: d.confidenceReason,
            counts: d.counts,
            packets: d.packets,
            bytes: d.bytes,
            interfaces: d.interfaces,
            timeline: d.timeline,
            matched: d.input.matched,
            nextSteps: d.nextSteps,
        });
        let n = 0;
        await fc.assert(
            fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: baseLines.length }), brokenLine), { minLength: 1, maxLength: 8 }), async (insertions) => {
                const lines = [...baseLines];
                for (const [at, line] of [...insertions].sort((a, b) => b[0] - a[0])) lines.splice(at, 0, line);
                const path = join(dir, `property-${n++}.log`);
                writeFileSync(path, lines.join("\n") + "\n");
                const r = await run("--input", path, ...CONVERSATION, "--output", "json");
                const d = diagnosisJson(r);
                expect(stable(d)).to.deep.equal(stable(reference));
                // Each inserted line is either set aside or a record of another conversation.
                expect(d.skipped.malformed + d.input.records - reference.input.records).to.equal(insertions.length);
                expect(d.setAside?.reasons.some((x: any) => x.reason === "could-change-verdict" || x.reason === "repeats-known") ?? false).to.equal(false);
            }),
            { seed: 18_07, numRuns: 60 },
        );
    });
});

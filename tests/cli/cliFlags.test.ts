/**
 * Repeated flags, walked over every command's whole option table (issue 18): a flag given twice
 * either adds up (its values a set, seen in the parsed result) or is refused with exit 2 naming the
 * flag; never the last one silently. The tables are imported, not listed here, so a new flag or a
 * new command is walked too.
 */
import { expect } from "chai";
import * as path from "path";
import * as fc from "fast-check";
import { COMMANDS, COMMAND_OPTIONS, DIAGNOSE_OPTIONS, main } from "../../analysis/cli/cli";
import { OptionSpec, OptionTable, ParsedValues, parseOptions, repeatHelp, resolveRepeats, unionFlags } from "../../analysis/cli/cliOptions";
import { run } from "../helpers/cliInProcess";
import { userErrorOf } from "../helpers/userErrors";
import { diagnosisJson } from "../helpers/jsonContract";

const EXAMPLE = path.join(__dirname, "..", "..", "..", "examples", "s3-timeout.log");

async function runCommand(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
    return { code, stdout, stderr };
}

/** How a flag is written on the command line: its long name, or its short one when it has one. */
function spellings(name: string, spec: OptionSpec): string[] {
    return "short" in spec && spec.short !== undefined ? [`--${name}`, `-${spec.short}`] : [`--${name}`];
}

/** Two distinct values for a flag that takes one; parsing comes before any value is checked. */
const values = (name: string) => [`first-${name}`, `second-${name}`];

const tables = Object.entries(COMMAND_OPTIONS) as [string, OptionTable][];

describe("repeated flags: every flag of every command", () => {
    it("every command has its option table, and every flag declares what a repeat means", () => {
        expect(Object.keys(COMMAND_OPTIONS)).to.deep.equal(Object.keys(COMMANDS));
        for (const [command, table] of tables) {
            expect(Object.keys(table).length, command).to.be.greaterThan(0);
            for (const [name, spec] of Object.entries(table)) {
                expect(["once", "union"], `${command} --${name}`).to.include(spec.repeat);
            }
        }
    });

    for (const [command, table] of tables) {
        for (const [name, spec] of Object.entries(table)) {
            it(`${command} --${name} (${spec.type}, ${spec.repeat}) given twice: ${spec.repeat === "union" ? "adds up" : "exit 2 naming it"}`, async () => {
                for (const flag of spellings(name, spec)) {
                    const [a, b] = values(name);
                    const argv = spec.type === "boolean" ? [flag, flag] : [flag, a, flag, b];
                    if (spec.repeat === "once") {
                        const r = await runCommand([command, ...argv]);
                        const expected = spec.type === "boolean" ? `--${name} was given twice; give it once.\n` : `--${name} was given twice ('${a}' and '${b}'); give it once.\n`;
                        expect([r.code, r.stderr, r.stdout], flag).to.deep.equal([2, expected, ""]);
                        continue;
                    }
                    const parsed = parseOptions(argv, table);
                    if (spec.type === "boolean") expect(parsed[name], flag).to.equal(true);
                    else if ("multiple" in spec) expect(parsed[name], flag).to.deep.equal([a, b]);
                    else expect(parsed[name], flag).to.equal(`${a}${spec.list}${b}`);
                }
            });
        }
    }

    it("a flag given once is its value, and an absent one its default, as before", () => {
        for (const [command, table] of tables) {
            for (const [name, spec] of Object.entries(table)) {
                const argv = spec.type === "boolean" ? [`--${name}`] : [`--${name}`, "only"];
                const expected = spec.type === "boolean" ? true : "multiple" in spec ? ["only"] : "only";
                expect(parseOptions(argv, table)[name], `${command} --${name}`).to.deep.equal(expected);
                const absent = "default" in spec ? spec.default : undefined;
                expect(parseOptions([], table)[name], `${command} --${name} absent`).to.equal(absent);
            }
        }
    });

    it("the --name=value form and a third value are counted too", () => {
        expect(userErrorOf(() => parseOptions(["--port=443", "--port", "80", "--port=8080"], DIAGNOSE_OPTIONS))).to.equal(
            "--port was given 3 times ('443', '80' and '8080'); give it once.",
        );
        expect(userErrorOf(() => parseOptions(["--region", "eu-west-1", "--region", "us-east-1"], DIAGNOSE_OPTIONS))).to.equal(
            "--region was given twice ('eu-west-1' and 'us-east-1'); give it once.",
        );
        // The same value twice is still two: the rule is simple to state, and nothing is guessed.
        expect(userErrorOf(() => parseOptions(["--output", "json", "--output=json"], DIAGNOSE_OPTIONS))).to.equal(
            "--output was given twice ('json' and 'json'); give it once.",
        );
        expect(parseOptions(["--dst=52.219.204.42", "--dst", "10.9.9.9,52.219.204.42", "--dst", " 3.5.140.1 "], DIAGNOSE_OPTIONS).dst).to.equal(
            "52.219.204.42,10.9.9.9,3.5.140.1",
        );
    });

    it("a comma-list flag given once passes on as typed (its messages quote it as typed)", () => {
        expect(resolveRepeats("dst", DIAGNOSE_OPTIONS.dst, ["52.219.204.42, 10.9.9.9,52.219.204.42"])).to.equal("52.219.204.42, 10.9.9.9,52.219.204.42");
    });

    it("each command's help says which flags add up, made from its table", async () => {
        for (const [command, table] of tables) {
            const r = await runCommand([command, "--help"]);
            expect(r.code, command).to.equal(0);
            expect(r.stdout, command).to.include(repeatHelp(table));
        }
        expect(unionFlags(DIAGNOSE_OPTIONS)).to.deep.equal(["--input", "--src", "--dst"]);
        expect(repeatHelp(DIAGNOSE_OPTIONS)).to.equal(
            "Repeated flags: --input, --src and --dst add up, as sets (--src a --src b,c is --src a,b,c; a value\n" +
                "given twice counts once). Any other flag that takes a value is refused when given twice (exit 2); a\n" +
                "switch given twice is simply on.\n",
        );
        expect(repeatHelp(COMMAND_OPTIONS.status)).to.equal(
            "Repeated flags: a flag that takes a value is refused when given twice (exit 2); a switch given twice\nis simply on.\n",
        );
    });
});

describe("repeated flags: the union flags, property-based", () => {
    const table = DIAGNOSE_OPTIONS;
    const union = Object.entries(table).filter(([, spec]) => spec.type === "string" && spec.repeat === "union");
    const once = Object.entries(table).filter(([, spec]) => spec.type === "string" && spec.repeat === "once");
    // A small pool, so that duplicates (within a comma list and across repeats) are common.
    const pool = ["10.0.1.25", "10.0.1.26", "52.219.204.42", "2600:1f18::1", "a.log", "b.log"];

    /** Each union flag's occurrences (for a comma-list flag, each a list of entries), a few once-flags, and an order. */
    const argvs = fc.record({
        occurrences: fc.tuple(...union.map(() => fc.array(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }))),
        onceGiven: fc.subarray(once.map(([name]) => name)),
        order: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
    });

    it("the result is the set union of every value given, whatever the order and the duplicates", () => {
        fc.assert(
            fc.property(argvs, ({ occurrences, onceGiven, order }) => {
                const groups: string[][] = [];
                union.forEach(([name, spec], i) => {
                    for (const entries of occurrences[i]) {
                        if ("list" in spec) groups.push([`--${name}`, entries.join(spec.list)]);
                        else for (const entry of entries) groups.push([`--${name}`, entry]);
                    }
                });
                for (const name of onceGiven) groups.push([`--${name}`, `value-of-${name}`]);
                // Shuffle the flags (each with its value) by the generated keys.
                const shuffled = groups.map((g, i) => ({ g, key: order[i % order.length] * 64 + i })).sort((x, y) => x.key - y.key);
                const parsed: ParsedValues = parseOptions(
                    shuffled.flatMap((s) => s.g),
                    table,
                );
                union.forEach(([name, spec], i) => {
                    const given = new Set(occurrences[i].flat());
                    const got = "list" in spec ? (parsed[name] as string).split(spec.list) : (parsed[name] as string[]);
                    const timesGiven = "list" in spec ? occurrences[i].length : occurrences[i].flat().length;
                    // Given more than once: every value exactly once. Given once: as typed (duplicates and all).
                    if (timesGiven > 1) expect(got.length, name).to.equal(new Set(got).size);
                    expect(new Set(got), name).to.deep.equal(given);
                });
                for (const name of onceGiven) expect(parsed[name]).to.equal(`value-of-${name}`);
            }),
            { seed: 18, numRuns: 300 },
        );
    });
});

describe("repeated flags end to end (the issue's commands)", () => {
    it("--dst 52.219.204.42 --dst 10.9.9.9 diagnoses both: routing for the S3 address, as with one comma list", async () => {
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--dst", "10.9.9.9", "--output", "json");
        expect([r.code, r.stderr]).to.deep.equal([0, ""]);
        const out = diagnosisJson(r);
        expect([out.verdict, out.confidence, out.conversation.dst, out.counts.outbound.accept, out.counts.inbound.accept]).to.deep.equal([
            "routing",
            "high",
            ["52.219.204.42", "10.9.9.9"],
            12,
            0,
        ]);
        const commaList = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42,10.9.9.9", "--output", "json");
        expect(commaList.stdout).to.equal(r.stdout);
        // The other order is the same set: the same verdict and counts.
        const reversed = diagnosisJson(await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "10.9.9.9", "--dst", "52.219.204.42", "--output", "json"));
        expect([reversed.verdict, reversed.conversation.dst, reversed.counts]).to.deep.equal(["routing", ["10.9.9.9", "52.219.204.42"], out.counts]);
    });

    it("the issue's command in text, as a user runs it", async () => {
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--dst", "10.9.9.9");
        expect(r.code).to.equal(0);
        expect(r.stdout.split("\n")[0]).to.equal("Verdict: routing (confidence: high)");
    });

    it("--src repeated adds up: the workload's second address is searched too", async () => {
        const one = diagnosisJson(await run("--input", EXAMPLE, "--src", "10.0.9.9", "--dst", "52.219.204.42", "--output", "json"));
        const both = diagnosisJson(await run("--input", EXAMPLE, "--src", "10.0.9.9", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--output", "json"));
        expect([one.verdict, both.verdict, both.conversation.src, both.counts.outbound.accept]).to.deep.equal(["no-traffic", "routing", ["10.0.9.9", "10.0.1.25"], 12]);
    });

    it("--input named twice is one file: its records are read once", async () => {
        const once = diagnosisJson(await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--output", "json"));
        const twice = diagnosisJson(await run("--input", EXAMPLE, "--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--output", "json"));
        expect(twice.input).to.deep.equal(once.input);
        expect(twice.input.duplicates).to.equal(0);
    });

    it("--port twice is refused: a diagnosis is of one destination port", async () => {
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--port", "443", "--port", "80");
        expect([r.code, r.stdout, r.stderr]).to.deep.equal([2, "", "--port was given twice ('443' and '80'); give it once.\n"]);
    });

    it("--dst s3 with another --dst value is refused: s3 stands for a whole region's ranges", async () => {
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "s3:ap-northeast-2", "--dst", "10.9.9.9");
        expect([r.code, r.stdout, r.stderr]).to.deep.equal([
            2,
            "",
            "Invalid --dst 's3:ap-northeast-2,10.9.9.9': s3 and s3:<region> stand for every S3 range of one region and are given alone, not with other --dst values.\n",
        ]);
    });

    it("status and snapshot refuse their flags twice too", async () => {
        const status = await runCommand(["status", "--log-group", "/a", "--log-group", "/b", "--region", "eu-west-1"]);
        expect([status.code, status.stderr]).to.deep.equal([2, "--log-group was given twice ('/a' and '/b'); give it once.\n"]);
        const snapshot = await runCommand(["snapshot", "--eni", "eni-0a1b2c3d4e5f60718", "--out", "x", "--region", "eu-west-1", "--region", "us-east-1"]);
        expect([snapshot.code, snapshot.stderr]).to.deep.equal([2, "--region was given twice ('eu-west-1' and 'us-east-1'); give it once.\n"]);
    });
});

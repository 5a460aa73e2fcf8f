/**
 * `npm run bench [-- <size>] [--node <path> ...] [--parquet-only]`: generates a default-format
 * flow-log file (default 350MB, about 3 million records; pass e.g. 1GB), its gzip copy and the same
 * records as Parquet in AWS's flow-log schema, Gzip codec, written by DuckDB (bench/duckdbFlows.ts),
 * then runs, one after the other: mawk, the CLI on one thread (VPC_FLOW_DIAGNOSE_THREADS=1), the CLI
 * split over the machine's threads, `zcat | mawk`, the CLI on the .gz, DuckDB (@duckdb/node-api,
 * 2 threads) on the text file and on the Parquet file, and the CLI on the Parquet file (split and on
 * one thread); it prints records/second, the ratio to the awk or DuckDB run of the same kind and peak
 * RSS for each, and the CLI's `--help` start-up time beside that of `node -e 0`. awk and DuckDB
 * answer the same question (both directions of 10.0.1.25 <-> 52.219.204.42:443/tcp by action, plus
 * NODATA/SKIPDATA), and the counts are compared so a fast but wrong CLI cannot pass.
 * `--parquet-only` runs DuckDB and the CLI on the Parquet file only. Files are kept under bench/out/.
 *
 * The CLI runs on the Node.js running the benchmark, or on each `--node` given (e.g. the official
 * Node.js 22 and 24 binaries, which start faster than Node.js 20).
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
/** The DuckDB runner (bench/duckdbFlows.ts), run as a process of its own like every tool here. */
const DUCKDB = join(__dirname, "duckdbFlows.js");
const OUT_DIR = join(ROOT, "bench", "out");
const SRC = "10.0.1.25";
const DST = "52.219.204.42";

function parseSize(text: string): number {
    const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(text.trim());
    if (!m) throw new Error(`Invalid size '${text}'. Use e.g. 350MB or 1GB.`);
    const unit = (m[2] ?? "B").toUpperCase();
    const factor = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 }[unit] as number;
    return Math.round(Number(m[1]) * factor);
}

/** A small deterministic generator, so every run of a size produces the same file. */
function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 4294967296;
    };
}

function generate(path: string, targetBytes: number): number {
    const next = random(42);
    const pick = (n: number) => Math.floor(next() * n);
    const enis = Array.from({ length: 64 }, (_v, i) => `eni-0${(0x1a2b3c4d5e6f7080n + BigInt(i) * 7919n).toString(16)}`);
    const taskEni = enis[0];
    const start0 = 1795701600;
    const tmp = path + ".partial";
    const fd = openSync(tmp, "w");
    let written = 0;
    let records = 0;
    let block: string[] = [];
    let blockBytes = 0;
    while (written + blockBytes < targetBytes) {
        const start = start0 + Math.floor(records / 2000);
        const end = start + 60;
        const r = next();
        let line: string;
        if (r < 0.001) {
            line = `2 123456789012 ${taskEni} ${SRC} ${DST} ${32768 + pick(28000)} 443 6 3 180 ${start} ${end} ACCEPT OK`;
        } else if (r < 0.0015) {
            line = `2 123456789012 ${taskEni} ${DST} ${SRC} 443 ${32768 + pick(28000)} 6 2 120 ${start} ${end} ${r < 0.00125 ? "ACCEPT" : "REJECT"} OK`;
        } else if (r < 0.002) {
            line = `2 123456789012 ${enis[pick(64)]} - - - - - - - ${start} ${end} - ${r < 0.0019 ? "NODATA" : "SKIPDATA"}`;
        } else if (r < 0.1) {
            // The task talking to other destinations: passes the source test, fails the destination test.
            line = `2 123456789012 ${taskEni} ${SRC} 10.0.${pick(8)}.${pick(250) + 1} ${32768 + pick(28000)} ${[443, 5432, 6379][pick(3)]} 6 ${1 + pick(40)} ${60 + pick(90000)} ${start} ${end} ACCEPT OK`;
        } else {
            const inside = next() < 0.6;
            const a = `10.0.${pick(16)}.${pick(250) + 1}`;
            const b = inside ? `10.0.${pick(16)}.${pick(250) + 1}` : `${3 + pick(50)}.${pick(256)}.${pick(256)}.${pick(256)}`;
            const [src, dst] = next() < 0.5 ? [a, b] : [b, a];
            const action = next() < 0.03 ? "REJECT" : "ACCEPT";
            line = `2 123456789012 ${enis[pick(64)]} ${src} ${dst} ${1024 + pick(64000)} ${[443, 80, 22, 53, 8080][pick(5)]} ${[6, 6, 6, 17][pick(4)]} ${1 + pick(200)} ${40 + pick(250000)} ${start} ${end} ${action} OK`;
        }
        block.push(line);
        blockBytes += line.length + 1;
        records++;
        if (blockBytes >= 4 << 20) {
            written += writeSync(fd, block.join("\n") + "\n");
            block = [];
            blockBytes = 0;
        }
    }
    if (block.length > 0) written += writeSync(fd, block.join("\n") + "\n");
    closeSync(fd);
    renameSync(tmp, path);
    return records;
}

function countLines(path: string): number {
    const result = spawnSync("wc", ["-l", path], { encoding: "utf8" });
    return Number(result.stdout.trim().split(/\s+/)[0]);
}

interface Run {
    seconds: number;
    peakRssMb: number | undefined;
    stdout: string;
}

const HAS_GNU_TIME = existsSync("/usr/bin/time");
/** Runs of each command; the fastest counts, peak RSS is the largest seen. */
const ROUNDS = 3;

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
    const argv = HAS_GNU_TIME ? ["-v", command, ...args] : args;
    const started = process.hrtime.bigint();
    const result = spawnSync(HAS_GNU_TIME ? "/usr/bin/time" : command, argv, {
        encoding: "utf8",
        maxBuffer: 64 << 20,
        env: { ...process.env, LC_ALL: "C", ...env },
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr}`);
    let peakRssMb: number | undefined;
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr ?? "");
    if (rss) peakRssMb = Number(rss[1]) / 1024;
    return { seconds, peakRssMb, stdout: result.stdout };
}

const AWK_PROGRAM = [
    `$4=="${SRC}" && $5=="${DST}" && $7=="443" && $8=="6" { if ($13=="ACCEPT") oa++; else orj++ }`,
    `$4=="${DST}" && $5=="${SRC}" && $6=="443" && $8=="6" { if ($13=="ACCEPT") ia++; else irj++ }`,
    `$14=="NODATA" { nd++ }`,
    `$14=="SKIPDATA" { sd++ }`,
    `END { printf "%d %d %d %d %d %d\\n", oa, orj, ia, irj, nd, sd }`,
].join("\n");

/** mawk when installed (the fast awk the targets are set against), else whatever awk there is, said plainly. */
function findAwk(): { command: string; name: string } {
    if (spawnSync("mawk", ["-W", "version"], { stdio: "ignore" }).status === 0) return { command: "mawk", name: "mawk" };
    console.log("NOTE: mawk is not installed (apt-get install -y mawk); comparing with 'awk' instead, so the ratios are not the targets' ratios.");
    return { command: "awk", name: "awk (not mawk)" };
}

function cliCounts(stdout: string): { counts: string; verdict: string } {
    const d = JSON.parse(stdout) as {
        verdict: string;
        counts: { outbound: { accept: number; reject: number }; inbound: { accept: number; reject: number } };
        skipped: { nodata: number; skipdata: number };
    };
    const counts = [d.counts.outbound.accept, d.counts.outbound.reject, d.counts.inbound.accept, d.counts.inbound.reject, d.skipped.nodata, d.skipped.skipdata].join(" ");
    return { counts, verdict: d.verdict };
}

/** The fastest of a few runs: start-up is short enough that one run is mostly noise. */
function startSeconds(command: string, args: string[]): number {
    let best = Infinity;
    for (let i = 0; i < 9; i++) {
        // Without /usr/bin/time in front, whose own start would count.
        const started = process.hrtime.bigint();
        const result = spawnSync(command, args, { stdio: "ignore" });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}).`);
        best = Math.min(best, seconds);
    }
    return best;
}

/** `[size] [--node <path> ...] [--parquet-only]`; a bad argument ends the run with a one-line message. */
function parseArgs(argv: string[]): { sizeArg: string; nodes: string[]; parquetOnly: boolean } {
    let sizeArg = "350MB";
    const nodes: string[] = [];
    let parquetOnly = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--parquet-only") {
            parquetOnly = true;
        } else if (argv[i] === "--node") {
            const path = argv[++i];
            if (path === undefined || !existsSync(path)) throw new Error(`--node needs the path of a node binary; got '${path ?? ""}'.`);
            nodes.push(path);
        } else {
            sizeArg = argv[i];
        }
    }
    return { sizeArg, nodes: nodes.length > 0 ? nodes : [process.execPath], parquetOnly };
}

function nodeVersion(node: string): string {
    return spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
}

type Commands = Record<string, () => Run>;

/** Each command runs ROUNDS times, the rounds interleaved; the fastest run counts, peak RSS is the largest seen. */
function bestOf(commands: Commands): Record<string, Run> {
    const best: Record<string, Run> = {};
    for (let round = 0; round < ROUNDS; round++) {
        for (const [name, run] of Object.entries(commands)) {
            const r = run();
            const kept = best[name];
            const peakRssMb = Math.max(r.peakRssMb ?? 0, kept?.peakRssMb ?? 0) || undefined;
            best[name] = { ...(kept === undefined || r.seconds < kept.seconds ? r : kept), peakRssMb };
        }
    }
    return best;
}

function main(): void {
    const { sizeArg, nodes, parquetOnly } = parseArgs(process.argv.slice(2));
    const size = parseSize(sizeArg);
    mkdirSync(OUT_DIR, { recursive: true });
    const path = join(OUT_DIR, `flows-${sizeArg.toUpperCase()}.log`);
    let records: number;
    if (existsSync(path)) {
        records = countLines(path);
        console.log(`Reusing ${path}`);
    } else {
        console.log(`Generating ${path} (${sizeArg})...`);
        records = generate(path, size);
    }
    const gzPath = path + ".gz";
    if (!existsSync(gzPath) && !parquetOnly) {
        console.log(`Compressing ${gzPath}...`);
        const result = spawnSync("sh", ["-c", `gzip -c "${path}" > "${gzPath}.partial" && mv "${gzPath}.partial" "${gzPath}"`], { stdio: "inherit" });
        if (result.status !== 0) throw new Error("gzip failed");
    }
    const parquetPath = path.replace(/\.log$/, ".gzip.parquet");
    if (!existsSync(parquetPath)) {
        console.log(`Writing ${parquetPath} with DuckDB...`);
        const result = spawnSync(process.execPath, [DUCKDB, "write", path, parquetPath + ".partial", "GZIP"], { stdio: "inherit" });
        if (result.status !== 0) throw new Error("DuckDB could not write the Parquet file");
        renameSync(parquetPath + ".partial", parquetPath);
    }
    const bytes = statSync(path).size;
    const threads = availableParallelism();
    const versions = nodes.map(nodeVersion);
    console.log(
        `${records.toLocaleString("en-US")} records, ${(bytes / 1e6).toFixed(0)} MB (${parquetOnly ? "" : `${(statSync(gzPath).size / 1e6).toFixed(0)} MB gzip, `}` +
            `${(statSync(parquetPath).size / 1e6).toFixed(0)} MB Parquet); os.availableParallelism() ${threads}; node ${versions.join(", ")}`,
    );
    // Warm the page cache so no tool pays for the first read from disk.
    spawnSync("cat", parquetOnly ? [parquetPath] : [path, gzPath, parquetPath], { stdio: "ignore" });

    const awk = findAwk();
    const cliArgs = (input: string) => [join(ROOT, "bin", "vpc-flow-diagnose.js"), "--input", input, "--src", SRC, "--dst", DST, "--output", "json"];
    // A run slowed by something else on the machine then slows no tool more than the others.
    const duckdb = (input: string) => () => timed(process.execPath, [DUCKDB, "query", input, SRC, DST, "2"]);
    const commands: Commands = parquetOnly
        ? { duckdbParquet: duckdb(parquetPath) }
        : {
              awkRun: () => timed(awk.command, [AWK_PROGRAM, path]),
              zcatAwk: () => timed("sh", ["-c", `zcat "${gzPath}" | ${awk.command} '${AWK_PROGRAM.replace(/'/g, "'\\''")}'`]),
              duckdbText: duckdb(path),
              duckdbParquet: duckdb(parquetPath),
          };
    nodes.forEach((node, n) => {
        if (!parquetOnly) {
            commands[`single${n}`] = () => timed(node, cliArgs(path), { VPC_FLOW_DIAGNOSE_THREADS: "1" });
            commands[`split${n}`] = () => timed(node, cliArgs(path), { VPC_FLOW_DIAGNOSE_THREADS: "" });
            commands[`gz${n}`] = () => timed(node, cliArgs(gzPath), { VPC_FLOW_DIAGNOSE_THREADS: "" });
        }
        commands[`parquet${n}`] = () => timed(node, cliArgs(parquetPath), { VPC_FLOW_DIAGNOSE_THREADS: "" });
        commands[`parquetSingle${n}`] = () => timed(node, cliArgs(parquetPath), { VPC_FLOW_DIAGNOSE_THREADS: "1" });
    });
    const best = bestOf(commands);
    const { awkRun, zcatAwk, duckdbText, duckdbParquet } = best;

    const row = (name: string, run: Run, baseline: Run | undefined) =>
        `${name.padEnd(56)} ${run.seconds.toFixed(2).padStart(6)} s ${(records / run.seconds / 1e6).toFixed(2).padStart(6)} M rec/s ` +
        `${baseline ? (baseline.seconds / run.seconds).toFixed(2).padStart(5) + "x" : "     -"}  ` +
        `peak RSS ${run.peakRssMb === undefined ? "n/a" : run.peakRssMb.toFixed(0).padStart(4) + " MB"}`;
    console.log("");
    console.log(`${"run".padEnd(56)} ${"time".padStart(8)} ${"records/s".padStart(12)}  ratio  (best of ${ROUNDS} interleaved runs; ratio: the awk or DuckDB run of its kind / this run)`);
    // Every tool's counts against the first one's: awk's, or DuckDB's on Parquet alone.
    const expected = (awkRun ?? duckdbParquet).stdout.trim();
    let agree = true;
    const checks: string[] = [];
    const tool = (name: string, run: Run) => {
        const counts = run.stdout.trim();
        checks.push(`  counts (out acc/rej, in acc/rej, NODATA, SKIPDATA) ${name}: ${counts} | expected ${expected} -> ${counts === expected ? "agree" : "DIFFER"}`);
        agree &&= counts === expected;
    };
    if (!parquetOnly) {
        console.log(row(`${awk.name}, plain file`, awkRun, undefined));
        console.log(row(`zcat | ${awk.name}, .gz`, zcatAwk, undefined));
        console.log(row("DuckDB (2 threads), plain file", duckdbText, awkRun));
        tool(`zcat | ${awk.name}`, zcatAwk);
        tool("DuckDB, plain file", duckdbText);
    }
    console.log(row("DuckDB (2 threads), Parquet (Gzip)", duckdbParquet, undefined));
    tool("DuckDB, Parquet", duckdbParquet);
    nodes.forEach((node, n) => {
        const on = nodes.length > 1 ? ` (node ${versions[n]})` : "";
        const runs: [string, Run][] = [];
        if (!parquetOnly) {
            const single = best[`single${n}`];
            const split = best[`split${n}`];
            const gz = best[`gz${n}`];
            console.log(row(`vpc-flow-diagnose, 1 thread${on}`, single, awkRun));
            console.log(row(`vpc-flow-diagnose, split (${Math.min(threads, 8)} threads)${on}`, split, awkRun));
            console.log(row(`vpc-flow-diagnose, .gz${on}`, gz, zcatAwk));
            const help = startSeconds(node, [join(ROOT, "bin", "vpc-flow-diagnose.js"), "--help"]);
            const bare = startSeconds(node, ["-e", "0"]);
            checks.push(`node ${versions[n]}: split vs 1 thread ${(single.seconds / split.seconds).toFixed(2)}x; vpc-flow-diagnose --help ${help.toFixed(3)} s, node -e 0 ${bare.toFixed(3)} s (best of 9)`);
            runs.push(["1 thread", single], ["split", split], [".gz", gz]);
        }
        const parquet = best[`parquet${n}`];
        const parquetSingle = best[`parquetSingle${n}`];
        console.log(row(`vpc-flow-diagnose, Parquet, split (${Math.min(threads, 8)} threads)${on}`, parquet, duckdbParquet));
        console.log(row(`vpc-flow-diagnose, Parquet, 1 thread${on}`, parquetSingle, duckdbParquet));
        runs.push(["Parquet split", parquet], ["Parquet 1 thread", parquetSingle]);
        for (const [name, run] of runs) {
            const { counts, verdict } = cliCounts(run.stdout);
            checks.push(`  counts (out acc/rej, in acc/rej, NODATA, SKIPDATA) ${name}: ${counts} | expected ${expected} -> ${counts === expected ? "agree" : "DIFFER"}; verdict ${verdict}`);
            agree &&= counts === expected;
        }
    });
    for (const line of checks) console.log(line);
    if (!agree) process.exitCode = 1;
}

try {
    main();
} catch (err) {
    // A bad size or --node, or a tool that failed: one line, no stack.
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 2;
}

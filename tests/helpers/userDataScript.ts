/**
 * Reads a user-data shell script for what it does on the instance (the files it writes, the
 * commands it runs, the systemd unit it installs) and runs the loop it installs with fake `curl`
 * and `sleep`, so tests assert hosts, ports, timeouts and log lines instead of the script's text.
 */
import { spawnSync } from "child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

export interface WrittenFile {
    readonly body: string;
    /** Written as it stands: the here-document's word is quoted, so the shell expands nothing in it (bash manual, Here Documents). */
    readonly literal: boolean;
}

export interface UserDataScript {
    /** The interpreter line (`#!...`): cloud-init runs user data that starts with `#!` as a script. */
    readonly interpreter: string;
    /** Files written with `cat > PATH <<WORD` ... `WORD`, by path. */
    readonly files: Readonly<Record<string, WrittenFile>>;
    /** Every other command, in order, without comments and blank lines. */
    readonly commands: readonly string[];
}

export function readUserData(script: string): UserDataScript {
    const lines = script.split("\n");
    const files: Record<string, WrittenFile> = {};
    const commands: string[] = [];
    for (let i = 1; i < lines.length; i++) {
        const line = lines[i].trim();
        const heredoc = /^cat\s*>\s*(\S+)\s*<<\s*(['"]?)(\w+)\2$/.exec(line);
        if (heredoc !== null) {
            const end = lines.indexOf(heredoc[3], i + 1);
            if (end < 0) throw new Error(`here-document ${heredoc[3]} is never closed`);
            files[heredoc[1]] = { body: lines.slice(i + 1, end).join("\n") + "\n", literal: heredoc[2] !== "" };
            i = end;
        } else if (line !== "" && !line.startsWith("#")) {
            commands.push(line);
        }
    }
    return { interpreter: lines[0], files, commands };
}

/** A systemd unit file's settings: section -> key -> values in order (a key may be given more than once). */
export function readUnitFile(text: string): Record<string, Record<string, string[]>> {
    const sections: Record<string, Record<string, string[]>> = {};
    let section: Record<string, string[]> | undefined;
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
        const header = /^\[(.+)\]$/.exec(line);
        if (header !== null) {
            section = sections[header[1]] ??= {};
            continue;
        }
        const eq = line.indexOf("=");
        if (section === undefined || eq < 0) throw new Error(`not a unit file setting: ${line}`);
        (section[line.slice(0, eq).trim()] ??= []).push(line.slice(eq + 1).trim());
    }
    return sections;
}

export interface ProbeRun {
    /** The arguments of each `curl` call. */
    readonly curlCalls: string[][];
    /** The argument of each `sleep` call. */
    readonly sleeps: string[];
    /** What the probe wrote on stdout. */
    readonly stdout: string;
}

/**
 * Runs a probe script until its first `sleep`, with `curl` and `sleep` replaced: the fake curl
 * exits with `curlExit` and, when that is 0, prints `httpCode` (what `--write-out '%{http_code}'`
 * prints); the fake sleep records its argument and ends the probe.
 */
export function runProbeOnce(probe: string, curlExit: number, httpCode = "200"): ProbeRun {
    const dir = mkdtempSync(join(tmpdir(), "vpc-flow-probe-"));
    try {
        const log = join(dir, "calls.log");
        const fake = (name: string, body: string) => {
            writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
            chmodSync(join(dir, name), 0o755);
        };
        // One call per line, its arguments separated by a unit separator (none occurs in them).
        const record = (name: string) => [`line=${name}`, `for arg in "$@"; do line+=$'\\x1f'"$arg"; done`, `echo "$line" >> '${log}'`].join("\n");
        fake("curl", [record("curl"), `if [ ${curlExit} -eq 0 ]; then printf '%s' '${httpCode}'; fi`, `exit ${curlExit}`].join("\n"));
        fake("sleep", [record("sleep"), `kill -TERM "$PPID"`].join("\n"));
        writeFileSync(join(dir, "probe"), probe);
        const run = spawnSync("bash", [join(dir, "probe")], { encoding: "utf8", env: { PATH: `${dir}:/usr/bin:/bin`, LANG: "C" }, timeout: 10_000 });
        if (run.signal !== "SIGTERM") throw new Error(`the probe did not reach its sleep (status ${run.status}, signal ${run.signal}): ${run.stderr}`);
        const calls = readFileSync(log, "utf8").trimEnd().split("\n").map((line) => line.split("\x1f"));
        return {
            curlCalls: calls.filter((c) => c[0] === "curl").map((c) => c.slice(1)),
            sleeps: calls.filter((c) => c[0] === "sleep").map((c) => c[1]),
            stdout: run.stdout,
        };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

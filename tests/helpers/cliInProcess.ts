/** Runs `vpc-flow-diagnose` in-process at a fixed "now", collecting what it writes. */
import { expect } from "chai";
import { main } from "../../analysis/cli/cli";
import { diagnosisJson } from "./jsonContract";

export const NOW = new Date("2026-11-26T14:30:00Z");

export interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

export async function run(...argv: string[]): Promise<Run> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: () => NOW });
    return { code, stdout, stderr };
}

/** The JSON output of a run that must succeed without a word on stderr. */
export async function runJson(...argv: string[]): Promise<any> {
    const r = await run(...argv, "--output", "json");
    expect(r.stderr, "stderr").to.equal("");
    expect(r.code).to.equal(0);
    return diagnosisJson(r);
}

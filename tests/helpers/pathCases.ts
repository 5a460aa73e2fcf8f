/**
 * Diagnoses of every verdict kind and every configuration-check path in the fixtures, as the CLI
 * writes them (`--output json`), for the path model, the Mermaid and the report-page tests.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../analysis/cli/cli";
import { FlowRecord } from "../../analysis/core/records";
import { Diagnosis } from "../../analysis/verdict/classify";
import { ConfigReport } from "../../analysis/verdict/config/report";
import { S3, TASK, inbound, outbound, toLine } from "./analysisRecords";
import { fixtureDir } from "./configFixtures";

export const ROOT = join(__dirname, "..", "..", "..");
export const OTHER_REGION_S3 = "54.231.1.10";
export type Shape = "routing" | "security-group-or-nacl" | "nacl-return-path" | "network-ok" | "mixed" | "no-traffic";
export type Reported = Diagnosis & { config?: ConfigReport };

const dir = mkdtempSync(join(tmpdir(), "vpc-flow-path-"));

/** Records of one verdict kind as the workload's ENI logs them. */
export function records(shape: Shape, dst = S3): string {
    const out: FlowRecord[] = [];
    for (let i = 0; i < 6; i++) {
        const addresses = { srcAddr: TASK, dstAddr: dst };
        const back = { srcAddr: dst, dstAddr: TASK };
        if (shape === "no-traffic") out.push(outbound("ACCEPT", i, { srcAddr: "10.0.9.9", dstAddr: "10.0.9.8" }));
        else if (shape === "security-group-or-nacl" || (shape === "mixed" && i % 2 === 0)) out.push(outbound("REJECT", i, addresses));
        else out.push(outbound("ACCEPT", i, addresses));
        if (shape === "nacl-return-path") out.push(inbound("REJECT", i, back));
        if (shape === "network-ok" || shape === "mixed") out.push(inbound("ACCEPT", i, back));
    }
    const path = join(dir, `${shape}-${dst}.log`);
    writeFileSync(path, out.map((r) => toLine(r)).join("\n") + "\n");
    return path;
}

export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: () => new Date("2026-11-26T14:30:00Z"), env: {} });
    return { code, stdout, stderr };
}

/** The diagnosis (with `config` when a fixture is given) the CLI prints as JSON. */
export async function reported(shape: Shape, fixture?: string, dst = S3): Promise<Reported> {
    const r = await cli("--input", records(shape, dst), "--src", TASK, "--dst", dst, ...(fixture ? ["--config-snapshot", fixtureDir(fixture)] : []), "--output", "json");
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
}

/** Fixture, records shape, destination: every configuration path and verdict in tests/fixtures/config. */
export const CONFIG_CASES: ReadonlyArray<readonly [string, Shape, string]> = [
    ["engine/private-no-route", "routing", S3],
    ["engine/public-no-public-ip", "routing", S3],
    ["engine/blackhole-deleted-nat", "routing", S3],
    ["engine/nat-subnet-without-igw-route", "routing", S3],
    ["engine/nat-subnet-acl-denies-replies", "routing", S3],
    ["engine/gateway-endpoint-other-region", "routing", OTHER_REGION_S3],
    ["engine/sg-egress-vpc-cidr-only", "security-group-or-nacl", S3],
    ["engine/sg-egress-s3-prefix-list", "network-ok", S3],
    ["engine/nacl-inbound-49152-65535", "nacl-return-path", S3],
    ["engine/endpoint-custom-policy", "network-ok", S3],
    ["engine/nat-failed-blackhole", "routing", S3],
    ["engine/igw-deleted-blackhole", "routing", S3],
    ["engine/peering-default-route", "routing", S3],
];

export const RECORD_SHAPES: readonly Shape[] = ["routing", "security-group-or-nacl", "nacl-return-path", "network-ok", "mixed", "no-traffic"];

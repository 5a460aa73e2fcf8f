/**
 * The import rule of the code: one direction through the folders of analysis/,
 *
 *   cli -> render -> app -> aws -> verdict -> {evidence, queries} -> core
 *
 * (a file imports files of its own folder or of a folder to its right; evidence and queries do not
 * import each other), the Pulumi program (components/, index.ts) imports only analysis/core and
 * analysis/queries, only analysis/aws/ imports the AWS SDK, and no import circle anywhere. Read from
 * the sources with the TypeScript parser, so a new file or folder is checked without being listed.
 *
 * ALLOWED names the imports that break the rule today, each with the reason; an entry that no longer
 * occurs fails too, so the list only shrinks.
 */
import { expect } from "chai";
import * as path from "node:path";
import { ImportEdge, importCircles, importEdges, listSources } from "./helpers/importGraph";

const ROOT = path.join(__dirname, "..", "..");

/** Left imports right; one entry may hold folders that do not import each other. */
const LAYERS: readonly (readonly string[])[] = [["cli"], ["render"], ["app"], ["aws"], ["verdict"], ["evidence", "queries"], ["core"]];
const RANK = new Map(LAYERS.flatMap((folders, rank) => folders.map((folder) => [folder, rank] as const)));
/** What the Pulumi program may import from analysis/. */
const PROGRAM_MAY_IMPORT = ["core", "queries"];

/** Imports against the rule, each with its reason; none today (a new entry needs a reason that holds). */
const ALLOWED: readonly { readonly edge: string; readonly reason: string }[] = [];

function folderOf(file: string): string | undefined {
    const parts = file.split("/");
    return parts[0] === "analysis" && parts.length > 2 ? parts[1] : undefined;
}

/** Why an import breaks the rule, or undefined when it keeps it. */
export function ruleBreak({ from, to }: ImportEdge): string | undefined {
    const isPackage = !to.endsWith(".ts");
    if (from.startsWith("analysis/")) {
        const own = folderOf(from);
        if (own === undefined || !RANK.has(own)) return "a file of analysis/ outside the concern folders";
        if (isPackage) return to.startsWith("@aws-sdk/") && own !== "aws" ? "the AWS SDK outside analysis/aws/" : undefined;
        const theirs = folderOf(to);
        if (theirs === undefined || !RANK.has(theirs)) return "an import out of the concern folders";
        if (theirs === own) return undefined;
        return RANK.get(own)! < RANK.get(theirs)! ? undefined : `${own}/ may not import ${theirs}/`;
    }
    // The Pulumi program: components/ and index.ts.
    if (isPackage) return to.startsWith("@aws-sdk/") ? "the AWS SDK outside analysis/aws/" : undefined;
    if (!to.startsWith("analysis/")) return undefined;
    const theirs = folderOf(to);
    return theirs !== undefined && PROGRAM_MAY_IMPORT.includes(theirs) ? undefined : "the Pulumi program imports only analysis/core and analysis/queries";
}

describe("import rule: cli -> render -> app -> aws -> verdict -> {evidence, queries} -> core", () => {
    const files = listSources(ROOT, ["analysis", "components"], ["index.ts"]);
    const edges = importEdges(ROOT, files);
    const breaks = edges.flatMap((edge) => {
        const why = ruleBreak(edge);
        return why === undefined ? [] : [{ edge: `${edge.from} -> ${edge.to}`, why }];
    });

    it("reads every source file of the layers and the program, and their imports", () => {
        const folders = new Set(files.map((f) => folderOf(f) ?? f.split("/")[0]));
        expect([...folders].sort()).to.deep.equal(["app", "aws", "cli", "components", "core", "evidence", "index.ts", "queries", "render", "verdict"]);
        // One import of each kind the parser must see: import, import type, export-from, import().
        const found = new Set(edges.map((e) => `${e.from} -> ${e.to}`));
        const expected = [
            "analysis/cli/cli.ts -> analysis/core/errors.ts",
            "analysis/app/liveDiagnosis.ts -> analysis/verdict/advice.ts",
            "analysis/aws/ec2ConfigCollector.ts -> analysis/aws/awsErrors.ts",
            "analysis/aws/clients.ts -> @aws-sdk/client-ec2",
            "components/savedQueries.ts -> analysis/queries/insightsQuery.ts",
        ];
        expect(expected.filter((e) => !found.has(e))).to.deep.equal([]);
    });

    it("has no import against the rule except the listed ones", () => {
        const allowed = new Set(ALLOWED.map((a) => a.edge));
        expect(breaks.filter((b) => !allowed.has(b.edge))).to.deep.equal([]);
    });

    it("lists no allowed import that no longer occurs", () => {
        const occurring = new Set(breaks.map((b) => b.edge));
        expect(ALLOWED.filter((a) => !occurring.has(a.edge)).map((a) => a.edge)).to.deep.equal([]);
    });

    it("has no import circle", () => {
        expect(importCircles(edges).map((cycle) => cycle.join(" -> "))).to.deep.equal([]);
    });
});

describe("import rule checker", () => {
    const edge = (from: string, to: string): ImportEdge => ({ from, to });

    it("lets a folder import its own files and the folders to its right, and nothing to its left", () => {
        expect(ruleBreak(edge("analysis/cli/cli.ts", "analysis/cli/cliOptions.ts"))).to.equal(undefined);
        expect(ruleBreak(edge("analysis/verdict/config/report.ts", "analysis/verdict/classify.ts"))).to.equal(undefined);
        expect(ruleBreak(edge("analysis/render/render.ts", "analysis/core/ip.ts"))).to.equal(undefined);
        expect(ruleBreak(edge("analysis/core/ip.ts", "analysis/cli/cli.ts"))).to.equal("core/ may not import cli/");
        expect(ruleBreak(edge("analysis/aws/ecsTasks.ts", "analysis/app/liveDiagnosis.ts"))).to.equal("aws/ may not import app/");
        expect(ruleBreak(edge("analysis/queries/insightsQueryPlan.ts", "analysis/evidence/insightsRows.ts"))).to.equal("queries/ may not import evidence/");
        expect(ruleBreak(edge("analysis/evidence/rawLines.ts", "analysis/queries/insightsQuery.ts"))).to.equal("evidence/ may not import queries/");
        expect(ruleBreak(edge("analysis/loose.ts", "analysis/core/ip.ts"))).to.equal("a file of analysis/ outside the concern folders");
    });

    it("keeps the AWS SDK in analysis/aws/ and the Pulumi program on core and queries", () => {
        expect(ruleBreak(edge("analysis/aws/s3Status.ts", "@aws-sdk/client-s3"))).to.equal(undefined);
        expect(ruleBreak(edge("analysis/app/liveDiagnosis.ts", "@aws-sdk/client-cloudwatch-logs"))).to.equal("the AWS SDK outside analysis/aws/");
        expect(ruleBreak(edge("components/lab.ts", "@aws-sdk/client-ec2"))).to.equal("the AWS SDK outside analysis/aws/");
        expect(ruleBreak(edge("analysis/core/ip.ts", "node:fs"))).to.equal(undefined);
        expect(ruleBreak(edge("components/savedQueries.ts", "analysis/queries/insightsQuery.ts"))).to.equal(undefined);
        expect(ruleBreak(edge("index.ts", "components/lab.ts"))).to.equal(undefined);
        expect(ruleBreak(edge("components/lab.ts", "analysis/verdict/classify.ts"))).to.equal("the Pulumi program imports only analysis/core and analysis/queries");
    });

    it("finds a circle and names its path back to the start", () => {
        const circles = importCircles([edge("a.ts", "b.ts"), edge("b.ts", "c.ts"), edge("c.ts", "a.ts"), edge("c.ts", "d.ts"), edge("d.ts", "d.ts")]);
        expect(circles.map((c) => c.join(" -> ")).sort()).to.deep.equal(["a.ts -> b.ts -> c.ts -> a.ts", "d.ts -> d.ts"]);
        expect(importCircles([edge("a.ts", "b.ts"), edge("b.ts", "c.ts"), edge("a.ts", "c.ts")])).to.deep.equal([]);
    });
});

/**
 * Diagnosis to text (for people at a terminal), JSON (for scripts) and Markdown (for a ticket).
 */
import { Diagnosis, InterfaceSummary, TimelineEntry, serviceText } from "../verdict/classify";
import { ConfigReport, configurationLines } from "../verdict/config/report";
import { DIAGNOSIS_SCHEMA_VERSION, versioned } from "../core/jsonContract";
import { pathModel } from "../verdict/pathModel";
import { mermaidSection } from "./pathMermaid";
import { renderHtml } from "./htmlReport";

/** A diagnosis, and the configuration check when one was asked for (`config` in the JSON). */
type Rendered = Diagnosis & { readonly config?: ConfigReport };

export const OUTPUT_FORMATS = ["text", "json", "markdown", "html"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `trafficPaths`: the outbound records' traffic-path values and counts, for the path drawn without a configuration check. */
export function render(diagnosis: Rendered, output: OutputFormat, trafficPaths?: Readonly<Record<string, number>>): string {
    switch (output) {
        case "json":
            return renderJson(diagnosis);
        case "markdown":
            return renderMarkdown(diagnosis, trafficPaths);
        case "html":
            return renderHtml(diagnosis, pathModel(diagnosis, trafficPaths));
        case "text":
            return renderText(diagnosis);
    }
}

/** The JSON contract: docs/schema/diagnosis.schema.json, its version first. */
export function renderJson(diagnosis: Rendered): string {
    return JSON.stringify(versioned(DIAGNOSIS_SCHEMA_VERSION, diagnosis), null, 2) + "\n";
}

const ROWS: ReadonlyArray<readonly ["outbound" | "inbound", "accept" | "reject", string]> = [
    ["outbound", "accept", "ACCEPT"],
    ["outbound", "reject", "REJECT"],
    ["inbound", "accept", "ACCEPT"],
    ["inbound", "reject", "REJECT"],
];

function conversationLine(d: Diagnosis): string {
    const c = d.conversation;
    return `${c.src.join(",")} -> ${serviceText(c.dst, c.port, c.protocol)} (flow log traffic type ${c.trafficType})`;
}

function seenLine(d: Diagnosis): string {
    if (d.firstSeen === null) return d.input.matched > 0 ? "the records carry no times" : "no matching record";
    return `first seen ${d.firstSeen}, last seen ${d.lastSeen}`;
}

const SIDE_WORDS: Record<InterfaceSummary["side"], string> = {
    source: "the source's",
    destination: "the destination's",
    unknown: "end unknown",
    intermediate: "intermediate",
};

function interfaceLine(i: InterfaceSummary): string {
    const where = [...i.subnetIds, ...i.vpcIds];
    const side = i.hop === "nat-gateway" ? "NAT gateway" : SIDE_WORDS[i.side];
    const status = [i.nodata > 0 ? `${i.nodata} NODATA` : "", i.skipdata > 0 ? `${i.skipdata} SKIPDATA` : ""].filter((s) => s);
    const noAction = i.noAction.outbound + i.noAction.inbound;
    const counts =
        noAction > 0 && i.counts.outbound.accept + i.counts.outbound.reject + i.counts.inbound.accept + i.counts.inbound.reject === 0
            ? `outbound ${i.noAction.outbound}, inbound ${i.noAction.inbound} (no action field)`
            : `outbound ${i.counts.outbound.accept} accepted / ${i.counts.outbound.reject} rejected, ` +
              `inbound ${i.counts.inbound.accept} accepted / ${i.counts.inbound.reject} rejected`;
    return `${i.interfaceId} (${side}${where.length > 0 ? ", " + where.join(", ") : ""}): ${counts}` + (status.length > 0 ? `; ${status.join(", ")}` : "");
}

function skippedLine(d: Diagnosis): string {
    const s = d.skipped;
    return `${s.malformed} malformed, ${s.nodata} NODATA, ${s.skipdata} SKIPDATA`;
}

function table(d: Diagnosis): string[][] {
    return ROWS.map(([dir, action, label]) => [
        dir,
        label,
        String(d.counts[dir][action]),
        String(d.packets[dir][action]),
        String(d.bytes[dir][action]),
    ]);
}

export function renderText(d: Rendered): string {
    const out: string[] = [];
    out.push(`Verdict: ${d.verdict} (confidence: ${d.confidence})`);
    out.push(d.summary);
    out.push("");
    out.push(`Evidence: ${conversationLine(d)}, ${seenLine(d)}`);
    const header = ["direction", "action", "records", "packets", "bytes"];
    const rows = [header, ...table(d)];
    const widths = header.map((_h, col) => Math.max(...rows.map((r) => r[col].length)));
    for (const r of rows) {
        out.push("  " + r.map((cell, col) => (col < 2 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join("  "));
    }
    for (const i of d.interfaces) out.push(`  ENI ${interfaceLine(i)}`);
    for (const note of d.evidence) out.push(`  - ${note}`);
    out.push(`  Skipped: ${skippedLine(d)}`);
    out.push(`  Confidence ${d.confidence}: ${d.confidenceReason}`);
    const chart = timelineChart(d.timeline);
    if (chart.length > 0) {
        out.push("");
        out.push(...chart);
    }
    if (d.config) out.push("", ...configurationLines(d.config, false));
    out.push("");
    out.push("Next steps:");
    d.nextSteps.forEach((s, n) => {
        out.push(`  ${n + 1}. ${s.step}`);
        for (const command of s.commands) out.push(`     $ ${command}`);
    });
    return out.join("\n") + "\n";
}

export function renderMarkdown(d: Rendered, trafficPaths?: Readonly<Record<string, number>>): string {
    const out: string[] = [];
    out.push(`### VPC flow diagnosis: \`${d.verdict}\` (confidence: ${d.confidence})`);
    out.push("");
    out.push(`> ${d.summary}`);
    out.push("");
    out.push(`**Conversation:** \`${conversationLine(d)}\`, ${seenLine(d)}.`);
    out.push("");
    out.push("| direction | action | records | packets | bytes |");
    out.push("|---|---|---:|---:|---:|");
    for (const r of table(d)) out.push(`| ${r.join(" | ")} |`);
    out.push("");
    if (d.interfaces.length > 0) {
        out.push("**Interfaces**");
        out.push("");
        for (const i of d.interfaces) out.push(`- ${interfaceLine(i)}`);
        out.push("");
    }
    out.push("**Evidence**");
    out.push("");
    for (const note of d.evidence) out.push(`- ${note}`);
    out.push(`- Skipped: ${skippedLine(d)}.`);
    out.push("");
    out.push(`**Confidence: ${d.confidence}.** ${d.confidenceReason}`);
    out.push("");
    out.push(...mermaidSection(pathModel(d, trafficPaths)));
    const chart = timelineChart(d.timeline);
    if (chart.length > 0) {
        out.push("```");
        out.push(...chart);
        out.push("```");
        out.push("");
    }
    if (d.config) out.push(...configurationLines(d.config, true), "");
    out.push("**Next steps**");
    out.push("");
    d.nextSteps.forEach((s, n) => {
        out.push(`${n + 1}. ${s.step}`);
        for (const command of s.commands) out.push(`   \`${command}\``);
    });
    return out.join("\n") + "\n";
}

const BARS = "▁▂▃▄▅▆▇█";
const MAX_COLUMNS = 60;

/**
 * A one-line chart per outcome: one column per minute (or per few minutes when the window is long),
 * bar height relative to the busiest column of both lines, `.` for no packets.
 */
export function timelineChart(timeline: readonly TimelineEntry[]): string[] {
    if (timeline.length === 0) return [];
    const first = Date.parse(timeline[0].minute) / 60000;
    const last = Date.parse(timeline[timeline.length - 1].minute) / 60000;
    const minutes = last - first + 1;
    const perColumn = Math.ceil(minutes / MAX_COLUMNS);
    const columns = Math.ceil(minutes / perColumn);
    const accepted = new Array<number>(columns).fill(0);
    const rejected = new Array<number>(columns).fill(0);
    for (const entry of timeline) {
        const col = Math.floor((Date.parse(entry.minute) / 60000 - first) / perColumn);
        accepted[col] += entry.packets.outbound.accept + entry.packets.inbound.accept;
        rejected[col] += entry.packets.outbound.reject + entry.packets.inbound.reject;
    }
    const max = Math.max(...accepted, ...rejected, 1);
    const bar = (v: number) => (v === 0 ? "." : BARS[Math.min(BARS.length - 1, Math.floor(((v - 1) / max) * BARS.length))]);
    // Dates only when the evidence spans days: otherwise the times alone are unambiguous.
    const sameDay = timeline[0].minute.slice(0, 10) === timeline[timeline.length - 1].minute.slice(0, 10);
    const at = (iso: string) => (sameDay ? iso.slice(11, 16) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`);
    const start = at(timeline[0].minute);
    const end = at(timeline[timeline.length - 1].minute);
    const unit = perColumn === 1 ? "1 minute" : `${perColumn} minutes`;
    return [
        `Timeline (packets, ${start} to ${end} UTC, one column = ${unit}, peak ${max}):`,
        `  accepted ${accepted.map(bar).join("")}`,
        `  rejected ${rejected.map(bar).join("")}`,
    ];
}

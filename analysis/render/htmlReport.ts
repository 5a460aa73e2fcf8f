/**
 * The diagnosis as one self-contained HTML page to attach to a ticket: the verdict banner, the
 * evidence table, the path as inline SVG (the blocking hop red, its fix with a copy button), the
 * timeline as an inline SVG chart, the configuration check, the query and its cost, the warnings.
 *
 * Nothing leaves the page: no external file, font or script, and a Content-Security-Policy that
 * forbids every request (the one inline script, the copy button, is allowed by its hash). Every
 * picture has a text alternative (the SVG's title and description, and the same facts as a list or
 * table beside it); colours meet WCAG AA contrast in light and dark mode; print drops the buttons.
 */
import { createHash } from "node:crypto";
import { Diagnosis, TimelineEntry, serviceText } from "../verdict/classify";
import { ConfigReport } from "../verdict/config/report";
import { HopState, PathHop, PathModel } from "../verdict/pathModel";

type Reported = Diagnosis & { readonly config?: ConfigReport };

export function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const STATE_WORDS: Readonly<Record<HopState, string>> = {
    allows: "allows",
    blocks: "blocks",
    "may-deny": "may deny",
    "not-checked": "not checked",
};

/** The copy buttons: the only script, allowed by its hash in the policy. */
const SCRIPT = `document.querySelectorAll("button[data-copy]").forEach(function (b) {
  b.addEventListener("click", function () {
    var text = document.getElementById(b.getAttribute("data-copy")).textContent;
    var done = function () { b.textContent = "Copied"; };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, function () { b.textContent = "Select and copy"; });
  });
});`;

export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash("sha256").update(SCRIPT).digest("base64")}'; img-src data:; base-uri 'none'; form-action 'none'`;

const STYLE = `
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #ffffff; --muted: #4d4d4d; --line: #b0b0b0;
  --ok-fg: #1b5e20; --ok-bg: #e6f4ea; --bad-fg: #8e1111; --bad-bg: #fde2e1; --bad-line: #c62828;
  --warn-fg: #6b3f00; --warn-bg: #fff4e0; --na-fg: #333333; --na-bg: #f2f2f2; --code-bg: #f5f5f5;
  --accept: #2e7d32; --reject: #c62828; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8e8; --bg: #121212; --muted: #bdbdbd; --line: #6b6b6b;
    --ok-fg: #a5d6a7; --ok-bg: #17301a; --bad-fg: #ffb4ab; --bad-bg: #3d1210; --bad-line: #ff6f60;
    --warn-fg: #ffd08a; --warn-bg: #3a2a0c; --na-fg: #d0d0d0; --na-bg: #262626; --code-bg: #1e1e1e;
    --accept: #81c784; --reject: #ff8a80; }
}
body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; border-bottom: 1px solid var(--line); }
.banner { padding: .8rem 1rem; border-radius: 6px; border-left: 6px solid; }
.banner.bad { background: var(--bad-bg); color: var(--bad-fg); border-color: var(--bad-line); }
.banner.ok { background: var(--ok-bg); color: var(--ok-fg); border-color: var(--accept); }
.banner.unsure { background: var(--warn-bg); color: var(--warn-fg); border-color: currentColor; }
.banner p { margin: .2rem 0; color: var(--fg); }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, monospace; background: var(--code-bg); } pre { padding: .5rem; white-space: pre-wrap; word-break: break-all; margin: .3rem 0; }
.fix { display: flex; gap: .5rem; align-items: flex-start; } .fix pre { flex: 1; }
button { font: inherit; padding: .2rem .7rem; cursor: pointer; }
svg { max-width: 100%; height: auto; } svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
.hop rect { stroke-width: 2; } .hop.allows rect { fill: var(--ok-bg); stroke: var(--accept); }
.hop.blocks rect { fill: var(--bad-bg); stroke: var(--bad-line); stroke-width: 4; } .hop.blocks text { fill: var(--bad-fg); font-weight: 600; }
.hop.may-deny rect { fill: var(--warn-bg); stroke: var(--warn-fg); } .hop.not-checked rect { fill: var(--na-bg); stroke: var(--line); stroke-dasharray: 6 4; }
.edge { stroke: var(--muted); stroke-width: 1.5; fill: none; } .edge.reply { stroke-dasharray: 5 4; }
.bar.accept { fill: var(--accept); } .bar.reject { fill: var(--reject); } .axis { stroke: var(--line); }
.state { font-weight: 600; } .state.blocks { color: var(--bad-fg); } .state.allows { color: var(--ok-fg); }
ul.hops li.culprit { font-weight: 600; }
@media print {
  :root { --fg: #000; --bg: #fff; --muted: #333; }
  body { max-width: none; font-size: 11pt; } button { display: none; } details { display: block; }
  details > summary { list-style: none; } h2 { break-after: avoid; } svg, table, .fix { break-inside: avoid; }
}
`;

function bannerClass(d: Diagnosis): string {
    if (d.verdict === "network-ok") return "ok";
    if (d.verdict === "security-group-or-nacl" || d.verdict === "nacl-return-path" || d.verdict === "routing") return "bad";
    return "unsure";
}

const BOX_W = 170;
const BOX_H = 92;
const GAP = 34;
const CHARS_PER_LINE = 25;

/** Words into lines of at most CHARS_PER_LINE (a longer word, an id, stays whole). */
function wrap(text: string, maxLines: number): string[] {
    const lines: string[] = [];
    for (const word of text.split(/\s+/).filter((w) => w)) {
        const lastLine = lines[lines.length - 1];
        if (lastLine !== undefined && lastLine.length + 1 + word.length <= CHARS_PER_LINE) lines[lines.length - 1] = `${lastLine} ${word}`;
        else lines.push(word);
    }
    if (lines.length > maxLines) return [...lines.slice(0, maxLines - 1), `${lines[maxLines - 1].slice(0, CHARS_PER_LINE - 1)}…`];
    return lines;
}

function hopBox(hop: PathHop, x: number, y: number, culprit: boolean): string {
    const lines = [...wrap(hop.label, 2), ...wrap(hop.detail, 2), STATE_WORDS[hop.state].toUpperCase()];
    const text = lines
        .map((line, n) => `<text x="${x + 8}" y="${y + 18 + n * 15}">${escapeHtml(line)}</text>`)
        .join("");
    return (
        `<g class="hop ${hop.state}${culprit ? " culprit" : ""}" data-hop="${escapeHtml(hop.key)}" data-state="${hop.state}">` +
        `<title>${escapeHtml(`${hop.label}${hop.detail ? ` (${hop.detail})` : ""}: ${STATE_WORDS[hop.state]}. ${hop.basis}`)}</title>` +
        `<rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="6"/>${text}</g>`
    );
}

/** The path as an SVG: the request leg left to right, the reply leg under it, back to the start. */
export function pathSvg(path: PathModel): string {
    const request = path.hops.filter((h) => h.leg === "request");
    const reply = path.hops.filter((h) => h.leg === "reply");
    const width = request.length * (BOX_W + GAP) - GAP + 20;
    const height = BOX_H * 2 + 70;
    const parts: string[] = [];
    const x = (n: number) => 10 + n * (BOX_W + GAP);
    parts.push(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>`);
    request.forEach((hop, n) => {
        if (n > 0) parts.push(`<line class="edge" x1="${x(n) - GAP}" y1="${10 + BOX_H / 2}" x2="${x(n) - 3}" y2="${10 + BOX_H / 2}" marker-end="url(#arrow)"/>`);
        parts.push(hopBox(hop, x(n), 10, hop.key === path.culprit));
    });
    const replyY = 10 + BOX_H + 50;
    const lastX = x(request.length - 1) + BOX_W / 2;
    const firstX = x(0) + BOX_W / 2;
    reply.forEach((hop, n) => {
        const rx = lastX - BOX_W / 2 - (n + 1) * (BOX_W + GAP) ;
        const from = n === 0 ? `M${lastX},${10 + BOX_H} L${lastX},${replyY + BOX_H / 2} L${rx + BOX_W + 3},${replyY + BOX_H / 2}` : `M${rx + BOX_W + GAP},${replyY + BOX_H / 2} L${rx + BOX_W + 3},${replyY + BOX_H / 2}`;
        parts.push(`<path class="edge reply" d="${from}" marker-end="url(#arrow)"/>`);
        parts.push(hopBox(hop, rx, replyY, hop.key === path.culprit));
        if (n === reply.length - 1) parts.push(`<path class="edge reply" d="M${rx},${replyY + BOX_H / 2} L${firstX},${replyY + BOX_H / 2} L${firstX},${10 + BOX_H + 3}" marker-end="url(#arrow)"/>`);
    });
    parts.push(`<text x="${lastX - 60}" y="${10 + BOX_H + 30}">replies</text>`);
    const description = path.hops.map((h) => `${h.label}${h.detail ? ` (${h.detail})` : ""}: ${STATE_WORDS[h.state]}`).join("; ");
    return (
        `<svg id="path-svg" role="img" aria-labelledby="path-title path-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" style="color: var(--muted)" xmlns="http://www.w3.org/2000/svg">` +
        `<title id="path-title">The path of the conversation. ${escapeHtml(path.summary)}</title><desc id="path-desc">${escapeHtml(description)}</desc>${parts.join("")}</svg>`
    );
}

interface Column {
    minute: string;
    outbound: { accept: number; reject: number };
    inbound: { accept: number; reject: number };
}

/** One column per minute from the first to the last minute of the timeline, empty minutes included. */
export function timelineColumns(timeline: readonly TimelineEntry[]): Column[] {
    if (timeline.length === 0) return [];
    const first = Date.parse(timeline[0].minute);
    const last = Date.parse(timeline[timeline.length - 1].minute);
    const byMinute = new Map(timeline.map((e) => [Date.parse(e.minute), e]));
    const columns: Column[] = [];
    for (let t = first; t <= last; t += 60000) {
        const e = byMinute.get(t);
        columns.push({
            minute: new Date(t).toISOString().replace(".000Z", "Z"),
            outbound: { accept: e?.packets.outbound.accept ?? 0, reject: e?.packets.outbound.reject ?? 0 },
            inbound: { accept: e?.packets.inbound.accept ?? 0, reject: e?.packets.inbound.reject ?? 0 },
        });
    }
    return columns;
}

/** Accepted and rejected packets per minute, outbound above and inbound below, on one scale. */
export function timelineSvg(columns: readonly Column[]): string {
    const barW = Math.max(2, Math.min(24, Math.floor(900 / Math.max(columns.length, 1))));
    const panelH = 90;
    const left = 70;
    // At least 600 wide, so a short window still has room for its labels.
    const width = Math.max(600, left + columns.length * barW + 20);
    const height = panelH * 2 + 75;
    const max = Math.max(1, ...columns.flatMap((c) => [c.outbound.accept + c.outbound.reject, c.inbound.accept + c.inbound.reject]));
    const parts: string[] = [];
    (["outbound", "inbound"] as const).forEach((dir, p) => {
        const base = 25 + p * (panelH + 20) + panelH;
        parts.push(`<text x="4" y="${base - panelH / 2}">${dir}</text><line class="axis" x1="${left}" y1="${base}" x2="${width - 10}" y2="${base}"/>`);
        parts.push(`<g class="panel" data-direction="${dir}">`);
        columns.forEach((c, n) => {
            const v = c[dir];
            const acceptH = (v.accept / max) * panelH;
            const rejectH = (v.reject / max) * panelH;
            const bx = left + n * barW;
            parts.push(
                `<g class="minute" data-minute="${c.minute}"><title>${c.minute.slice(11, 16)} UTC ${dir}: ${v.accept} accepted, ${v.reject} rejected packets</title>` +
                    `<rect class="bar accept" x="${bx}" y="${base - acceptH}" width="${barW - 1}" height="${acceptH}"/>` +
                    `<rect class="bar reject" x="${bx}" y="${base - acceptH - rejectH}" width="${barW - 1}" height="${rejectH}"/></g>`,
            );
        });
        parts.push(`</g>`);
    });
    const axisY = height - 8;
    if (columns.length > 0) {
        parts.push(`<text x="${left}" y="${axisY}">${columns[0].minute.slice(11, 16)}</text>`);
        parts.push(`<text x="${left + columns.length * barW - 36}" y="${axisY}">${columns[columns.length - 1].minute.slice(11, 16)} UTC</text>`);
    }
    parts.push(`<text x="${left}" y="14">peak ${max} packets per minute; accepted green, rejected red</text>`);
    return (
        `<svg id="timeline-svg" role="img" aria-labelledby="timeline-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
        `<title id="timeline-title">Packets per minute, accepted (green) and rejected (red), outbound and inbound, ${columns.length} minutes from ${columns[0]?.minute ?? "-"}; the table below holds the numbers.</title>${parts.join("")}</svg>`
    );
}

function evidenceTable(d: Diagnosis): string {
    const rows = (["outbound", "inbound"] as const).flatMap((dir) =>
        (["accept", "reject"] as const).map(
            (a) => `<tr><th scope="row">${dir} ${a === "accept" ? "ACCEPT" : "REJECT"}</th><td class="n">${d.counts[dir][a]}</td><td class="n">${d.packets[dir][a]}</td><td class="n">${d.bytes[dir][a]}</td></tr>`,
        ),
    );
    return `<table id="evidence"><caption>Records of the conversation at its ends</caption><thead><tr><th scope="col">direction, action</th><th scope="col">records</th><th scope="col">packets</th><th scope="col">bytes</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function list(items: readonly string[], id: string): string {
    return `<ul id="${id}">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
}

function fixBlock(id: string, command: string): string {
    return `<div class="fix"><pre><code id="${id}">${escapeHtml(command)}</code></pre><button type="button" data-copy="${id}" aria-label="Copy the command">Copy</button></div>`;
}

function pathSection(path: PathModel): string {
    const from = path.source === "configuration" ? "As the configuration check saw it." : "As the records show it: the hops they cannot see are marked not checked.";
    const items = path.hops.map((h) => {
        const culprit = h.key === path.culprit;
        const fixes = h.culprits.map((c, n) => `<p>${escapeHtml(`${c.kind} ${c.id} (${c.direction}, rule ${c.rule}): ${c.reason}`)}</p>${fixBlock(`fix-${h.key}-${n + 1}`, c.fix)}`).join("");
        return (
            `<li data-hop="${escapeHtml(h.key)}"${culprit ? ` class="culprit"` : ""}>${escapeHtml(h.label)}${h.detail ? ` <code>${escapeHtml(h.detail)}</code>` : ""}` +
            ` (${h.leg}): <span class="state ${h.state}">${STATE_WORDS[h.state]}</span>. ${escapeHtml(h.basis)}${fixes}</li>`
        );
    });
    return `<h2 id="path-heading">Path</h2><p id="path-summary">${escapeHtml(path.summary)} ${from}</p>${pathSvg(path)}<ol class="hops" id="hops">${items.join("")}</ol>`;
}

function timelineSection(d: Diagnosis): string {
    const columns = timelineColumns(d.timeline);
    if (columns.length === 0) return `<h2>Timeline</h2><p>The records carry no times.</p>`;
    const rows = columns
        .map((c) => `<tr><th scope="row">${c.minute.slice(11, 16)}</th><td class="n">${c.outbound.accept}</td><td class="n">${c.outbound.reject}</td><td class="n">${c.inbound.accept}</td><td class="n">${c.inbound.reject}</td></tr>`)
        .join("");
    return (
        `<h2>Timeline</h2>${timelineSvg(columns)}<details><summary>The numbers (packets per minute, UTC)</summary>` +
        `<table><thead><tr><th scope="col">minute</th><th scope="col">out accepted</th><th scope="col">out rejected</th><th scope="col">in accepted</th><th scope="col">in rejected</th></tr></thead><tbody>${rows}</tbody></table></details>`
    );
}

function configSection(r: ConfigReport | undefined): string {
    if (r === undefined) return `<h2>Configuration</h2><p id="config">Not checked: add <code>--config-snapshot &lt;dir&gt;</code> or <code>--check-config</code> to see which rule or route stops the packets.</p>`;
    const where = [r.source, r.eniId, r.checkedAt].filter((s): s is string => s !== null).join(", ");
    if (!r.checked) return `<h2>Configuration</h2><p id="config">Not checked (${escapeHtml(where)}): ${escapeHtml(r.agreementReason)}</p>`;
    const rows = r.culprits
        .map(
            (c, n) =>
                `<tr><td>${escapeHtml(c.kind)}</td><td><code>${escapeHtml(c.id)}</code></td><td>${c.direction}</td><td>${escapeHtml(c.rule)}</td><td>${escapeHtml(c.reason)}</td><td>${fixBlock(`config-fix-${n + 1}`, c.fix)}</td></tr>`,
        )
        .join("");
    const table =
        r.culprits.length === 0
            ? `<p>No component on this path blocks the conversation.</p>`
            : `<table><thead><tr><th scope="col">component</th><th scope="col">id</th><th scope="col">direction</th><th scope="col">rule</th><th scope="col">why</th><th scope="col">fix</th></tr></thead><tbody>${rows}</tbody></table>`;
    return (
        `<h2>Configuration</h2><div id="config"><p>${escapeHtml(where)}: path <code>${escapeHtml(r.path ?? "none")}</code>, configuration verdict <code>${escapeHtml(r.verdict ?? "?")}</code>.</p>` +
        `<p>Agreement with the flow logs: <strong>${r.agreement}</strong>. ${escapeHtml(r.agreementReason)}</p>${table}${r.notes.length > 0 ? list(r.notes, "config-notes") : ""}</div>`
    );
}

/** The live query, when there was one: what was run and what it cost. */
function querySection(d: Reported): string {
    const q = (d as { query?: { queryString?: unknown; costUsd?: unknown; bytesScanned?: unknown } }).query;
    if (q === undefined || typeof q.queryString !== "string") return `<h2>Query</h2><p id="query">Records read from files: no query was run, no cost.</p>`;
    const cost = typeof q.costUsd === "number" ? `about $${q.costUsd.toFixed(4)}` : "not reported";
    const scanned = typeof q.bytesScanned === "number" ? `, ${q.bytesScanned} bytes scanned` : "";
    return `<h2>Query</h2><div id="query"><p>Cost: ${cost}${scanned}.</p><pre><code>${escapeHtml(q.queryString)}</code></pre></div>`;
}

/** `appendix`: further sections already written as text (the live command's ECS task and inputs). */
export function renderHtml(d: Reported, path: PathModel, appendix?: { readonly heading: string; readonly text: string }): string {
    const c = d.conversation;
    const title = `VPC flow diagnosis: ${d.verdict}`;
    const seen = d.firstSeen === null ? "no record carries a time" : `first seen ${d.firstSeen}, last seen ${d.lastSeen}`;
    const steps = d.nextSteps
        .map((s, n) => `<li>${escapeHtml(s.step)}${s.commands.map((cmd, k) => fixBlock(`step-${n + 1}-${k + 1}`, cmd)).join("")}</li>`)
        .join("");
    const body = [
        `<header class="banner ${bannerClass(d)}" id="banner" role="banner"><h1>${escapeHtml(title)}</h1><p>Confidence: <strong>${d.confidence}</strong>. ${escapeHtml(d.confidenceReason)}</p><p id="summary">${escapeHtml(d.summary)}</p></header>`,
        `<main>`,
        `<p id="conversation">Conversation: <code>${escapeHtml(`${c.src.join(",")} -> ${serviceText(c.dst, c.port, c.protocol)}`)}</code> (flow log traffic type ${c.trafficType}), ${escapeHtml(seen)}.</p>`,
        `<h2>Evidence</h2>${evidenceTable(d)}`,
        d.interfaces.length > 0
            ? `<table id="interfaces"><caption>Interfaces that logged it</caption><thead><tr><th scope="col">interface</th><th scope="col">side</th><th scope="col">subnet, VPC</th><th scope="col">out accepted / rejected</th><th scope="col">in accepted / rejected</th></tr></thead><tbody>${d.interfaces
                  .map(
                      (i) =>
                          `<tr><th scope="row"><code>${escapeHtml(i.interfaceId)}</code></th><td>${i.hop === "nat-gateway" ? "NAT gateway" : i.side}</td><td>${escapeHtml([...i.subnetIds, ...i.vpcIds].join(", "))}</td><td class="n">${i.counts.outbound.accept} / ${i.counts.outbound.reject}</td><td class="n">${i.counts.inbound.accept} / ${i.counts.inbound.reject}</td></tr>`,
                  )
                  .join("")}</tbody></table>`
            : "",
        list(d.evidence, "evidence-notes"),
        pathSection(path),
        timelineSection(d),
        configSection(d.config),
        `<h2>Next steps</h2><ol id="next-steps">${steps}</ol>`,
        querySection(d),
        appendix ? `<h2>${escapeHtml(appendix.heading)}</h2><pre id="appendix">${escapeHtml(appendix.text.trim())}</pre>` : "",
        `<h2>Warnings</h2>${d.warnings.length > 0 ? list(d.warnings, "warnings") : `<p id="warnings">None.</p>`}`,
        `</main>`,
    ];
    return [
        "<!doctype html>",
        `<html lang="en"><head><meta charset="utf-8">`,
        `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
        `<meta name="viewport" content="width=device-width, initial-scale=1">`,
        `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
        `<body>${body.join("\n")}<script>${SCRIPT}</script></body></html>`,
        "",
    ].join("\n");
}

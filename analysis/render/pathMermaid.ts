/**
 * The path model as a Mermaid flowchart, for the Markdown output: GitHub, GitLab and most wikis
 * draw a ```mermaid block in issues and pages. The blocking hop is red, with its fix beside it;
 * hops nobody checked are dashed grey. Labels go through Mermaid's entity codes (`#quot;`), so no
 * id, rule or command can break the diagram.
 */
import { HopState, PathHop, PathModel } from "../verdict/pathModel";

const STATE_WORDS: Readonly<Record<HopState, string>> = {
    allows: "allows",
    blocks: "BLOCKS",
    "may-deny": "may deny",
    "not-checked": "not checked",
};

/** Mermaid's entity codes for the characters that end or open something in a quoted label. */
export function mermaidText(text: string): string {
    return text.replace(/[#"<>&]/g, (ch) => `#${ch.charCodeAt(0)};`);
}

function nodeId(hop: PathHop): string {
    return `h_${hop.key.replace(/-/g, "_")}`;
}

function nodeLabel(hop: PathHop): string {
    const lines = [hop.label, hop.detail, STATE_WORDS[hop.state]];
    for (const c of hop.culprits) lines.push(`${c.id}: ${c.rule}`);
    return lines
        .filter((line) => line !== "")
        .map(mermaidText)
        .join("<br/>");
}

/** The flowchart text (without the ``` fence). */
export function mermaidFlowchart(path: PathModel): string {
    const out = ["flowchart LR"];
    for (const hop of path.hops) out.push(`    ${nodeId(hop)}["${nodeLabel(hop)}"]`);
    const request = path.hops.filter((h) => h.leg === "request");
    const reply = path.hops.filter((h) => h.leg === "reply");
    for (let n = 1; n < request.length; n++) out.push(`    ${nodeId(request[n - 1])} --> ${nodeId(request[n])}`);
    // The replies come back from the destination through the reply hops to the first hop.
    const last = request[request.length - 1];
    const back = [last, ...reply, request[0]];
    for (let n = 1; n < back.length; n++) out.push(`    ${nodeId(back[n - 1])} ${n === 1 ? "-. reply .->" : "-.->"} ${nodeId(back[n])}`);
    const culprit = path.hops.find((h) => h.key === path.culprit);
    if (culprit) {
        culprit.culprits.forEach((c, n) => {
            out.push(`    fix_${n + 1}["${mermaidText(`fix: ${c.fix}`)}"]`);
            out.push(`    ${nodeId(culprit)} --- fix_${n + 1}`);
            out.push(`    class fix_${n + 1} fix`);
        });
    }
    out.push("    classDef blocks fill:#fde2e1,stroke:#c62828,stroke-width:3px,color:#5f1212");
    out.push("    classDef allows fill:#e6f4ea,stroke:#2e7d32,color:#1b3d20");
    out.push("    classDef maydeny fill:#fff4e0,stroke:#b26a00,color:#4a2c00");
    out.push("    classDef notchecked fill:#f2f2f2,stroke:#777,stroke-dasharray:5 5,color:#333");
    out.push("    classDef fix fill:#fff,stroke:#c62828,color:#5f1212");
    for (const state of ["allows", "blocks", "may-deny", "not-checked"] as const) {
        const ids = path.hops.filter((h) => h.state === state).map(nodeId);
        if (ids.length > 0) out.push(`    class ${ids.join(",")} ${state.replace("-", "")}`);
    }
    return out.join("\n");
}

/** The Markdown section: a heading, the sentence, the fenced diagram. */
export function mermaidSection(path: PathModel): string[] {
    const from = path.source === "configuration" ? "as the configuration check saw it" : "as the records show it; hops they cannot see are marked not checked";
    return [`**Path** (${from}): ${path.summary}`, "", "```mermaid", mermaidFlowchart(path), "```", ""];
}

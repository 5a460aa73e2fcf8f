/**
 * The configuration check beside the flow-log verdict: do they tell the same story? The records
 * say what happened; the configuration says what is set now and which component does it. When the
 * two disagree, that is news (a rule changed since, another ENI, the destination's side), so it is
 * said, never smoothed over. The verdict line of the output stays the flow logs'.
 */
import { Verdict } from "../classify";
import { ConfigEvaluation, ConfigPath, ConfigVerdict, Culprit } from "./evaluate";

export type Agreement = "agree" | "disagree" | "not-checked";

export interface ConfigReport {
    readonly checked: boolean;
    readonly path: ConfigPath | null;
    readonly verdict: ConfigVerdict | null;
    readonly agreement: Agreement;
    readonly culprits: readonly Culprit[];
    /** When the documents were read from AWS: now for a live check, the snapshot's time for a snapshot (null if unknown). */
    readonly checkedAt: string | null;
    readonly source: "live" | "snapshot";
    readonly eniId: string | null;
    /** Why that interface was evaluated: it holds --src, the records name it, --eni, or it stands in for the workload. */
    readonly eniBasis: string | null;
    /** Why the agreement is what it is (or why nothing was checked). */
    readonly agreementReason: string;
    readonly notes: readonly string[];
}

const COMPARABLE: readonly Verdict[] = ["security-group-or-nacl", "nacl-return-path", "routing", "network-ok"];

export function compareWithFlowLogs(flow: Verdict, config: ConfigEvaluation): { agreement: Agreement; reason: string } {
    if (!COMPARABLE.includes(flow)) {
        return { agreement: "not-checked", reason: `The flow logs give no verdict to compare with (${flow}).` };
    }
    if (config.verdict === "inconclusive") {
        return { agreement: "not-checked", reason: "The configuration check could not follow the whole path (see the notes), so it neither confirms nor contradicts the flow logs." };
    }
    const blocking = config.culprits.filter((c) => c.effect !== "may-deny");
    if ((config.consistentFlowVerdicts as readonly string[]).includes(flow)) {
        if (blocking.length === 0) return { agreement: "agree", reason: "The configuration allows the conversation, as the records show." };
        const first = blocking[0];
        const beyond = flow === "routing" && config.verdict !== "routing" ? ` From the workload's ENI a failure on the NAT gateway's subnet looks like routing: the packets leave and nothing comes back.` : "";
        return { agreement: "agree", reason: `The configuration shows the same failure: ${first.kind} ${first.id} (${first.direction}).${beyond}` };
    }
    if (blocking.length === 0) {
        const rejected = flow === "security-group-or-nacl" || flow === "nacl-return-path";
        return {
            agreement: "disagree",
            reason: rejected
                ? "The records show rejected packets, but every security group and network ACL rule on this path allows them now: a rule changed since the records, the records come from another ENI, or the rejection happened on the destination's side."
                : "The records show packets leaving unanswered, but the routes, gateways and rules on this path allow the conversation: the destination may not answer (or drop it on its side), or the configuration changed since the records.",
        };
    }
    if (flow === "network-ok") {
        return {
            agreement: "disagree",
            reason: `The records show replies, but the configuration blocks the conversation (${blocking[0].kind} ${blocking[0].id}): it changed after the records were written, or the records come from another ENI or path.`,
        };
    }
    return {
        agreement: "disagree",
        reason: `The records say ${flow}, the configuration ${config.verdict} (${blocking[0].kind} ${blocking[0].id}): trust the records for what happened, and the culprit for what is set now; a change between the two would explain it.`,
    };
}

export function checkedReport(
    evaluation: ConfigEvaluation,
    flow: Verdict,
    source: ConfigReport["source"],
    checkedAt: string | null,
    extraNotes: readonly string[],
    eniBasis: string,
): ConfigReport {
    const { agreement, reason } = compareWithFlowLogs(flow, evaluation);
    return {
        checked: true,
        path: evaluation.path,
        verdict: evaluation.verdict,
        agreement,
        culprits: evaluation.culprits,
        checkedAt,
        source,
        eniId: evaluation.eniId,
        eniBasis,
        agreementReason: reason,
        notes: [...extraNotes, ...evaluation.notes],
    };
}

export function notCheckedReport(reason: string, source: ConfigReport["source"], eniId: string | null, checkedAt: string | null = null): ConfigReport {
    return { checked: false, path: null, verdict: null, agreement: "not-checked", culprits: [], checkedAt, source, eniId, eniBasis: null, agreementReason: reason, notes: [] };
}

/** The Configuration section of the text and Markdown outputs. */
export function configurationLines(r: ConfigReport, markdown: boolean): string[] {
    const out: string[] = [];
    const code = (s: string) => (markdown ? `\`${s}\`` : s);
    const where = `${r.source}${r.eniId ? `, ${r.eniId}` : ""}${r.checkedAt ? `, ${r.checkedAt}` : ""}`;
    if (!r.checked) {
        out.push(markdown ? `**Configuration** (${where}): not checked. ${r.agreementReason}` : `Configuration (${where}): not checked. ${r.agreementReason}`);
        return out;
    }
    const head = `path ${code(r.path ?? "none")}, configuration verdict ${code(r.verdict ?? "?")}`;
    out.push(markdown ? `**Configuration** (${where}): ${head}.` : `Configuration (${where}): ${head}`);
    if (markdown) out.push("");
    if (r.eniBasis !== null) out.push(`${markdown ? "" : "  "}Evaluated ${r.eniId}: ${r.eniBasis}.`);
    if (markdown && r.eniBasis !== null) out.push("");
    out.push(`${markdown ? "" : "  "}Agreement with the flow logs: ${r.agreement}. ${r.agreementReason}`);
    if (markdown) out.push("");
    r.culprits.forEach((c, n) => {
        const label = `${c.kind} ${c.id} (${c.direction}, ${c.rule === "(none)" || c.rule === "(no route)" ? c.rule.slice(1, -1) : `rule ${c.rule}`}${c.hop === "nat-gateway" ? ", NAT gateway's subnet" : ""}${c.effect === "may-deny" ? ", may deny" : ""})`;
        if (markdown) {
            out.push(`${n + 1}. **${label}**: ${c.reason}`);
            out.push(`   \`${c.fix}\``);
            if (c.hint) out.push(`   Pulumi: ${c.hint}`);
        } else {
            out.push(`  ${n + 1}. ${label}: ${c.reason}`);
            out.push(`     $ ${c.fix}`);
            if (c.hint) out.push(`     Pulumi: ${c.hint}`);
        }
    });
    if (r.culprits.length === 0) out.push(`${markdown ? "- " : "  "}No component on this path blocks the conversation.`);
    if (markdown && r.notes.length > 0) out.push("");
    for (const note of r.notes) out.push(`${markdown ? "- Note: " : "  Note: "}${note}`);
    return out;
}

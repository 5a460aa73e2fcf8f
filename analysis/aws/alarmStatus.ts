/**
 * `vpc-flow-diagnose status` for a stack with alarms (`alarms: true`, docs/alarms.md): each alarm the
 * stack's outputs name, its state from CloudWatch (DescribeAlarms), and, for one in ALARM, the
 * diagnose command for the window its evaluation covered: the state changed at
 * StateUpdatedTimestamp after Period x EvaluationPeriods seconds of breaching data.
 * DescribeAlarms: CloudWatch API reference (MetricAlarm: AlarmName, StateValue OK | ALARM |
 * INSUFFICIENT_DATA, StateReason, StateUpdatedTimestamp, Period, EvaluationPeriods, MetricName).
 */
import { DescribeAlarmsCommand, MetricAlarm } from "@aws-sdk/client-cloudwatch";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { explainCallerAwsError, isAccessDenied } from "./awsErrors";

export type CloudWatchApi = Pick<CloudWatchClient, "send">;

export interface AlarmState {
    readonly alarmName: string;
    /** OK, ALARM, INSUFFICIENT_DATA, or NOT_FOUND when DescribeAlarms does not know the name. */
    readonly state: string;
    readonly reason?: string;
    readonly since?: string;
    readonly periodSeconds?: number;
    readonly evaluationPeriods?: number;
    /** For an alarm in ALARM: the window its evaluation covered, and what to run for it. */
    readonly window?: { readonly start: string; readonly end: string };
    readonly diagnoseCommand?: string;
    readonly contributorsCommand?: string;
}

export interface AlarmsReport {
    readonly alarms: AlarmState[];
    readonly warnings: string[];
}

/** Where the diagnose command reads the stack from, as status was told: `--stack dev` or `--outputs-file out.json`. */
export interface AlarmContext {
    readonly sourceFlag: string;
    readonly region: string;
    readonly contributorInsightRule?: string;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** The watched port, from the metric name the stack gives it (components/alarms.ts: RejectedTcp<port>, UnansweredSyn<port>). */
function portOf(alarm: MetricAlarm): number | undefined {
    const m = /^(?:RejectedTcp|UnansweredSyn)(\d{1,5})$/.exec(alarm.MetricName ?? "");
    return m === null ? undefined : Number(m[1]);
}

/** What to run for an alarm in ALARM; pure. */
export function alarmNextSteps(alarm: MetricAlarm, context: AlarmContext): Pick<AlarmState, "window" | "diagnoseCommand" | "contributorsCommand"> {
    const updated = alarm.StateUpdatedTimestamp?.getTime();
    if (updated === undefined || alarm.Period === undefined || alarm.EvaluationPeriods === undefined) return {};
    const window = { start: iso(updated - alarm.Period * alarm.EvaluationPeriods * 1000), end: iso(updated) };
    const port = portOf(alarm);
    const destination = port === 443 ? "--dst s3" : "--dst <destination IP>";
    const portFlag = port === undefined ? "--port <port>" : `--port ${port}`;
    const diagnoseCommand = `vpc-flow-diagnose ${context.sourceFlag} --src <workload IP> ${destination} ${portFlag} --start ${window.start} --end ${window.end}`;
    const contributorsCommand =
        context.contributorInsightRule === undefined
            ? undefined
            : `aws cloudwatch get-insight-rule-report --rule-name ${context.contributorInsightRule} --start-time ${window.start} --end-time ${window.end} --period 60 --max-contributor-count 10 --region ${context.region}`;
    return { window, diagnoseCommand, ...(contributorsCommand !== undefined ? { contributorsCommand } : {}) };
}

/** Each named alarm's state, in the order given. A denied DescribeAlarms is a warning, not a failure of status. */
export async function collectAlarms(cloudWatch: CloudWatchApi, alarmNames: readonly string[], context: AlarmContext): Promise<AlarmsReport> {
    let found: MetricAlarm[];
    try {
        // At most 100 names per call (AlarmNames); a stack names two.
        const answer = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [...alarmNames], AlarmTypes: ["MetricAlarm"] }));
        found = answer.MetricAlarms ?? [];
    } catch (err) {
        if (!isAccessDenied(err)) throw err;
        const needs = { who: "Reading the stack's alarms", actions: ["cloudwatch:DescribeAlarms"] };
        const reason = (explainCallerAwsError(err, { region: context.region, action: "cloudwatch:DescribeAlarms", needs }) as string).replace(/\n/g, " ");
        return { alarms: [], warnings: [`Alarms not read: ${reason}`] };
    }
    const alarms = alarmNames.map((name): AlarmState => {
        const alarm = found.find((a) => a.AlarmName === name);
        if (alarm === undefined) return { alarmName: name, state: "NOT_FOUND" };
        return {
            alarmName: name,
            state: alarm.StateValue ?? "?",
            ...(alarm.StateReason !== undefined ? { reason: alarm.StateReason } : {}),
            ...(alarm.StateUpdatedTimestamp !== undefined ? { since: iso(alarm.StateUpdatedTimestamp.getTime()) } : {}),
            ...(alarm.Period !== undefined ? { periodSeconds: alarm.Period } : {}),
            ...(alarm.EvaluationPeriods !== undefined ? { evaluationPeriods: alarm.EvaluationPeriods } : {}),
            ...(alarm.StateValue === "ALARM" ? alarmNextSteps(alarm, context) : {}),
        };
    });
    const missing = alarms.filter((a) => a.state === "NOT_FOUND").map((a) => a.alarmName);
    const warnings =
        missing.length === 0
            ? []
            : [`DescribeAlarms does not know ${missing.join(", ")} in ${context.region}: the stack's alarms were deleted outside Pulumi, or this is another region (--region). Run 'pulumi up' to create them again.`];
    return { alarms, warnings };
}

export function renderAlarms(report: AlarmsReport): string {
    const lines = ["", "Alarms"];
    if (report.alarms.length === 0) lines.push("  not read (see the warning)");
    for (const a of report.alarms) {
        const since = a.since !== undefined ? ` since ${a.since}` : "";
        lines.push(`  ${a.alarmName}  ${a.state}${since}`);
        if (a.reason !== undefined) lines.push(`    ${a.reason}`);
        if (a.window !== undefined && a.diagnoseCommand !== undefined) {
            lines.push(`    Window: ${a.window.start} to ${a.window.end} (${a.periodSeconds} s x ${a.evaluationPeriods} evaluation periods before the state changed)`);
            if (a.contributorsCommand !== undefined) lines.push(`    Who: ${a.contributorsCommand}`);
            lines.push(`    Diagnose: ${a.diagnoseCommand}`);
        }
    }
    return lines.join("\n") + "\n";
}

/**
 * What the watch (`alarms: true`) asks CloudWatch to count, built from the same format model the
 * Logs Insights queries use (analysis/logFormat.ts): metric filter patterns and the Contributor
 * Insights rule. Pure.
 *
 * Metric filters read a flow-log record as a space-delimited event: "the metric filter pattern has
 * to specify the fields with a name, separated by commas, with the entire pattern enclosed in
 * square brackets", a field may carry a condition (`=`, `!=`, numeric `<`, `>`, ...; `*` wildcards
 * in strings; `||` and `&&`), and the fields are positional (CloudWatch Logs user guide, "Filter and
 * pattern syntax", space-delimited log events). A pattern without `...` names every field, so it
 * matches records with exactly that many fields: the pattern follows the format's order and count,
 * and a custom format gets its own positions. Flow logs write every field of their format on every
 * record (`-` where there is no value), so the count always fits records of this stack.
 *
 * Contributor Insights reads the same records with `"LogFormat": "CLF"` and `"Fields"` keyed by
 * 1-based position, as AWS's sample rules for VPC flow logs do (CloudWatch user guide,
 * "Contributor Insights rule examples": "VPC Flow Logs: Rejected TCP connections").
 */
import { LogFormat } from "../analysis/core/logFormat";

/** TCP, as the `protocol` field writes it (IANA protocol number). */
export const TCP = 6;
/** The `tcp-flags` value of SYN alone (VPC user guide, flow log record fields: SYN 2, SYN-ACK 18). */
export const SYN_ONLY = 2;
/** PutMetricFilter's `filterPattern`: "Length Constraints: Minimum length of 0. Maximum length of 1024." */
export const FILTER_PATTERN_MAX = 1024;

export type WatchMonitor = "rejected" | "unanswered" | "logStatus";

/** One metric filter: what it counts, the pattern, or why the format cannot say it. */
export type MonitorPlan =
    | { readonly monitor: WatchMonitor; readonly pattern: string }
    | { readonly monitor: WatchMonitor; readonly missing: readonly string[] };

/** The fields each monitor conditions on; a format without one of them gets no such filter. */
export const MONITOR_FIELDS: Readonly<Record<WatchMonitor, readonly string[]>> = {
    rejected: ["protocol", "dstport", "action"],
    unanswered: ["protocol", "dstport", "action", "tcp-flags", "flow-direction"],
    logStatus: ["log-status"],
};

/** `account-id` -> `account_id`: filter field names are words (the guide's examples use `status_code`). */
export function patternFieldName(field: string): string {
    return field.replace(/-/g, "_");
}

/**
 * A space-delimited pattern naming every field of the format in order, with `conditions` on some.
 * Conditions are written the guide's way: `action="REJECT"`, `dstport=443`.
 */
export function spaceDelimitedPattern(format: LogFormat, conditions: Readonly<Record<string, string>>): string {
    return "[" + format.fields.map((f) => patternFieldName(f) + (conditions[f] ?? "")).join(", ") + "]";
}

function plan(format: LogFormat, monitor: WatchMonitor, conditions: Record<string, string>): MonitorPlan {
    const missing = MONITOR_FIELDS[monitor].filter((f) => !format.fields.includes(f));
    return missing.length > 0 ? { monitor, missing } : { monitor, pattern: spaceDelimitedPattern(format, conditions) };
}

/** REJECTed TCP records to the watched port, either direction: a security group or network ACL said no. */
export function rejectedPattern(format: LogFormat, port: number): MonitorPlan {
    return plan(format, "rejected", { protocol: `=${TCP}`, dstport: `=${port}`, action: '="REJECT"' });
}

/**
 * Accepted egress records to the watched port whose only flag over the whole aggregation interval
 * was SYN: the connection was attempted and nothing answered (the routing symptom). REJECTed ones
 * are left to {@link rejectedPattern}, so the two counts never share a record.
 */
export function unansweredPattern(format: LogFormat, port: number): MonitorPlan {
    return plan(format, "unanswered", {
        protocol: `=${TCP}`,
        dstport: `=${port}`,
        action: '="ACCEPT"',
        "tcp-flags": `=${SYN_ONLY}`,
        "flow-direction": '="egress"',
    });
}

/** NODATA and SKIPDATA records: no traffic, or records skipped (delivery health). */
export function logStatusPattern(format: LogFormat): MonitorPlan {
    const name = patternFieldName("log-status");
    return plan(format, "logStatus", { "log-status": `="NODATA" || ${name}="SKIPDATA"` });
}

/** Every monitor for the format, in a fixed order. */
export function watchPlans(format: LogFormat, port: number): MonitorPlan[] {
    return [rejectedPattern(format, port), unansweredPattern(format, port), logStatusPattern(format)];
}

/** The fields a Contributor Insights rule of REJECTs to the port reads. */
export const RULE_FIELDS = ["interface-id", "srcaddr", "protocol", "dstport", "action"] as const;

/**
 * The Contributor Insights rule (the JSON PutInsightRule takes): which interfaces and source
 * addresses are behind REJECTed TCP records to the watched port. Shaped after AWS's sample
 * "VPC Flow Logs: Rejected TCP connections", with the positions taken from the format and the
 * port added; AggregateOn Count counts matching records. Undefined with the fields it lacks when
 * the format cannot say it.
 */
export function rejectContributorRule(
    format: LogFormat,
    port: number,
    logGroupName: string,
): { readonly definition: Record<string, unknown> } | { readonly missing: readonly string[] } {
    const missing = RULE_FIELDS.filter((f) => !format.fields.includes(f));
    if (missing.length > 0) return { missing };
    const fields = Object.fromEntries(RULE_FIELDS.map((f) => [String(format.fields.indexOf(f) + 1), f]));
    return {
        definition: {
            Schema: { Name: "CloudWatchLogRule", Version: 1 },
            LogGroupNames: [logGroupName],
            LogFormat: "CLF",
            Fields: fields,
            Contribution: {
                Keys: ["interface-id", "srcaddr"],
                Filters: [
                    { Match: "protocol", EqualTo: TCP },
                    { Match: "dstport", EqualTo: port },
                    { Match: "action", In: ["REJECT"] },
                ],
            },
            AggregateOn: "Count",
        },
    };
}

/**
 * The watch (`alarms: true`): CloudWatch Logs metric filters over the flow-log records, alarms on
 * them, an SNS topic and e-mail subscription when asked, and a Contributor Insights rule that ranks
 * the interfaces and source addresses behind the REJECTs. The patterns and the rule come from
 * metricFilterPatterns.ts, built from the stack's format; this file checks the settings (pure,
 * before anything is registered) and registers the resources.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { UserInputError, quote } from "../analysis/core/errors";
import { LogFormat } from "../analysis/core/logFormat";
import { FILTER_PATTERN_MAX, MONITOR_FIELDS, MonitorPlan, WatchMonitor, rejectContributorRule, watchPlans } from "./metricFilterPatterns";
import { foldedStackName } from "./preflight";

/** Stack config of the watch, as index.ts reads it (undefined: not set). */
export interface WatchConfig {
    readonly alarms?: boolean;
    readonly alarmPort?: number;
    readonly alarmRejectThreshold?: number;
    readonly alarmUnansweredThreshold?: number;
    readonly alarmPeriodSeconds?: number;
    readonly alarmEvaluationPeriods?: number;
    readonly alarmEmail?: string;
    readonly alarmTopicArn?: string;
}

/** The defaults Pulumi.yaml declares; a program run without them (tests, `pulumi` of an older project file) gets the same. */
export const WATCH_DEFAULTS = {
    alarmPort: 443,
    alarmRejectThreshold: 5,
    alarmUnansweredThreshold: 3,
    alarmPeriodSeconds: 300,
    alarmEvaluationPeriods: 1,
} as const;

export interface WatchSettings {
    readonly port: number;
    readonly rejectThreshold: number;
    readonly unansweredThreshold: number;
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    readonly email?: string;
    readonly topicArn?: string;
    /** Names under the stack: filters, alarms, metrics, rule and topic. */
    readonly names: WatchNames;
    readonly plans: readonly MonitorPlan[];
    readonly rule: ReturnType<typeof rejectContributorRule>;
}

export interface WatchNames {
    readonly metricNamespace: string;
    readonly filter: Readonly<Record<WatchMonitor, string>>;
    readonly metric: Readonly<Record<WatchMonitor, string>>;
    readonly alarm: Readonly<Record<"rejected" | "unanswered", string>>;
    readonly rule: string;
    readonly topic: string;
}

/** Names of everything the watch creates for a stack, the port in them so a port change makes new ones. */
export function watchNames(stack: string, port: number): WatchNames {
    const prefix = `vpc-flow-logs-${stack}`;
    return {
        metricNamespace: `VpcFlowLogs/${stack}`,
        filter: { rejected: `${prefix}-rejected-tcp-${port}`, unanswered: `${prefix}-unanswered-syn-${port}`, logStatus: `${prefix}-nodata-skipdata` },
        metric: { rejected: `RejectedTcp${port}`, unanswered: `UnansweredSyn${port}`, logStatus: "NoDataOrSkipData" },
        alarm: { rejected: `${prefix}-rejected-tcp-${port}`, unanswered: `${prefix}-unanswered-syn-${port}` },
        rule: `${prefix}-rejects-tcp-${port}`,
        // SNS topic names: letters, digits, '-' and '_' only (CreateTopic); a stack name with '.' is folded.
        topic: `vpc-flow-logs-${foldedStackName(stack, (s) => s.replace(/[^A-Za-z0-9_-]/g, "-"))}-alarms`,
    };
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const SNS_TOPIC_ARN = /^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** PutMetricAlarm: Period x EvaluationPeriods at most 86,400 s for a period under an hour, 604,800 s otherwise. */
const EVALUATION_MAX_SHORT = 86_400;
const EVALUATION_MAX = 604_800;
/** PutInsightRule RuleName: 1-128 characters. */
const RULE_NAME_MAX = 128;

function wholeNumber(key: string, value: number, min: number, max: number, allowed: string): number {
    if (!Number.isInteger(value) || value < min || value > max) throw new UserInputError(`Invalid ${key} ${quote(value)}. Allowed: ${allowed}.`);
    return value;
}

/**
 * The watch's settings, checked before anything is registered; undefined when `alarms` is off.
 * Refuses an S3 stack (metric filters and Contributor Insights read CloudWatch Logs) and a format
 * that cannot say "REJECTed TCP to the port"; the other monitors are left out when the format lacks
 * their fields, and {@link notCreated} says which and why.
 */
export function resolveWatchSettings(stack: string, config: WatchConfig, destination: string, format: LogFormat, logGroupName: string): WatchSettings | undefined {
    if (config.alarms !== true) {
        const set = (["alarmEmail", "alarmTopicArn"] as const).filter((k) => config[k] !== undefined);
        if (set.length > 0) throw new UserInputError(`${set.join(" and ")} ${set.length === 1 ? "is" : "are"} set but alarms is not: set alarms true (pulumi config set alarms true), or remove ${set.join(" and ")}.`);
        return undefined;
    }
    if (destination !== "cloudwatch") {
        throw new UserInputError(
            `Invalid alarms true with destination ${quote(destination)}: metric filters, alarms and Contributor Insights read CloudWatch Logs. Allowed: alarms with destination cloudwatch, or alarms false.`,
        );
    }
    const port = wholeNumber("alarmPort", config.alarmPort ?? WATCH_DEFAULTS.alarmPort, 1, 65535, "a port from 1 to 65535");
    const rejectThreshold = wholeNumber("alarmRejectThreshold", config.alarmRejectThreshold ?? WATCH_DEFAULTS.alarmRejectThreshold, 1, 1_000_000, "a whole number of records from 1 to 1000000");
    const unansweredThreshold = wholeNumber(
        "alarmUnansweredThreshold",
        config.alarmUnansweredThreshold ?? WATCH_DEFAULTS.alarmUnansweredThreshold,
        1,
        1_000_000,
        "a whole number of records from 1 to 1000000",
    );
    const periodSeconds = config.alarmPeriodSeconds ?? WATCH_DEFAULTS.alarmPeriodSeconds;
    if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds % 60 !== 0 || periodSeconds > EVALUATION_MAX) {
        throw new UserInputError(
            `Invalid alarmPeriodSeconds ${quote(periodSeconds)}. Allowed: a multiple of 60 from 60 to ${EVALUATION_MAX} (metric filters publish one-minute metrics; PutMetricAlarm Period).`,
        );
    }
    const evaluationPeriods = wholeNumber("alarmEvaluationPeriods", config.alarmEvaluationPeriods ?? WATCH_DEFAULTS.alarmEvaluationPeriods, 1, EVALUATION_MAX / 60, `a whole number from 1`);
    const limit = periodSeconds < 3600 ? EVALUATION_MAX_SHORT : EVALUATION_MAX;
    if (periodSeconds * evaluationPeriods > limit) {
        throw new UserInputError(
            `Invalid alarmEvaluationPeriods ${evaluationPeriods} with alarmPeriodSeconds ${periodSeconds}: ${periodSeconds * evaluationPeriods} s evaluated. Allowed: at most ${limit} s (PutMetricAlarm: one day for a period under an hour, seven days otherwise).`,
        );
    }
    if (config.alarmEmail !== undefined && !EMAIL.test(config.alarmEmail)) {
        throw new UserInputError(`Invalid alarmEmail ${quote(config.alarmEmail)}. Allowed: one e-mail address, e.g. network-team@example.com.`);
    }
    if (config.alarmTopicArn !== undefined && !SNS_TOPIC_ARN.test(config.alarmTopicArn)) {
        throw new UserInputError(`Invalid alarmTopicArn ${quote(config.alarmTopicArn)}. Allowed: an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<topic name>.`);
    }
    const plans = watchPlans(format, port);
    const rejected = plans[0];
    if ("missing" in rejected) {
        throw new UserInputError(
            `Invalid logFormat for alarms: it has no ${rejected.missing.join(", ")} field. Allowed: a format with ${MONITOR_FIELDS.rejected.join(", ")} (default, diagnostic and ecs have them), or alarms false.`,
        );
    }
    const names = watchNames(stack, port);
    if (names.rule.length > RULE_NAME_MAX) {
        throw new UserInputError(`Invalid stack name for alarms: the Contributor Insights rule name ${quote(names.rule)} has ${names.rule.length} characters. Allowed: at most ${RULE_NAME_MAX} (PutInsightRule RuleName).`);
    }
    for (const p of plans) {
        if ("pattern" in p && p.pattern.length > FILTER_PATTERN_MAX) {
            throw new UserInputError(`Invalid logFormat for alarms: the ${p.monitor} filter pattern has ${p.pattern.length} characters. Allowed: at most ${FILTER_PATTERN_MAX} (PutMetricFilter filterPattern); use a format with fewer fields.`);
        }
    }
    return {
        port,
        rejectThreshold,
        unansweredThreshold,
        periodSeconds,
        evaluationPeriods,
        email: config.alarmEmail,
        topicArn: config.alarmTopicArn,
        names,
        plans,
        rule: rejectContributorRule(format, port, logGroupName),
    };
}

const MONITOR_TITLES: Readonly<Record<WatchMonitor, string>> = {
    rejected: "REJECT metric filter and alarm",
    unanswered: "unanswered-SYN metric filter and alarm",
    logStatus: "NODATA/SKIPDATA metric filter",
};

/** What the watch leaves out for this format, each with the fields it lacks: one line each. */
export function notCreated(settings: WatchSettings): string[] {
    const lines = settings.plans.flatMap((p) => ("missing" in p ? [`${MONITOR_TITLES[p.monitor]}: the format has no ${p.missing.join(", ")} field`] : []));
    if ("missing" in settings.rule) lines.push(`Contributor Insights rule: the format has no ${settings.rule.missing.join(", ")} field`);
    return lines;
}

export interface FlowLogAlarmsArgs {
    readonly settings: WatchSettings;
    readonly logGroupName: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/** The watch's resources. Children of this component; deleted with the stack. */
export class FlowLogAlarms extends pulumi.ComponentResource {
    /** Alarm names in a fixed order: rejected, then unanswered when the format has its fields. */
    public readonly alarmNames: string[];
    public readonly ruleName?: string;
    /** The topic the alarms notify: the one created for alarmEmail, else alarmTopicArn, else none. */
    public readonly topicArn?: pulumi.Output<string>;
    public readonly metricFilterNames: string[];

    constructor(name: string, args: FlowLogAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vpc-flow-logs:network:FlowLogAlarms", name, {}, opts);
        const { settings, logGroupName, tags } = args;
        const { names } = settings;

        const filters = settings.plans.flatMap((p) =>
            "pattern" in p
                ? [
                      new aws.cloudwatch.LogMetricFilter(
                          `${name}-${p.monitor}`,
                          {
                              name: names.filter[p.monitor],
                              logGroupName,
                              pattern: p.pattern,
                              // No default value: without a matching record there is no data point, and
                              // the alarms treat missing data as not breaching.
                              metricTransformation: { name: names.metric[p.monitor], namespace: names.metricNamespace, value: "1", unit: "Count" },
                          },
                          { parent: this },
                      ),
                  ]
                : [],
        );

        let topicArn: pulumi.Output<string> | undefined;
        if (settings.email !== undefined) {
            const topic = new aws.sns.Topic(`${name}-topic`, { name: names.topic, tags }, { parent: this });
            // SNS sends a confirmation message; nothing is delivered until the address confirms.
            new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: settings.email }, { parent: this });
            topicArn = topic.arn;
        }
        const actions = [...(topicArn !== undefined ? [topicArn] : []), ...(settings.topicArn !== undefined ? [pulumi.output(settings.topicArn)] : [])];

        const alarmOf = (monitor: "rejected" | "unanswered", threshold: number, description: string) =>
            new aws.cloudwatch.MetricAlarm(
                `${name}-${monitor}-alarm`,
                {
                    name: names.alarm[monitor],
                    alarmDescription: description,
                    namespace: names.metricNamespace,
                    metricName: names.metric[monitor],
                    statistic: "Sum",
                    period: settings.periodSeconds,
                    evaluationPeriods: settings.evaluationPeriods,
                    threshold,
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    treatMissingData: "notBreaching",
                    alarmActions: actions,
                    tags,
                },
                { parent: this, dependsOn: filters },
            );
        const alarmNames = [names.alarm.rejected];
        alarmOf(
            "rejected",
            settings.rejectThreshold,
            `REJECTed TCP flow-log records to port ${settings.port}: a security group or network ACL refused them. Run vpc-flow-diagnose status for the diagnose command.`,
        );
        if (settings.plans.some((p) => p.monitor === "unanswered" && "pattern" in p)) {
            alarmOf(
                "unanswered",
                settings.unansweredThreshold,
                `Accepted egress TCP to port ${settings.port} with only SYN over a whole aggregation interval: nothing answered (often routing). Run vpc-flow-diagnose status for the diagnose command.`,
            );
            alarmNames.push(names.alarm.unanswered);
        }

        let ruleName: string | undefined;
        if ("definition" in settings.rule) {
            const definition = settings.rule.definition;
            new aws.cloudwatch.ContributorInsightRule(
                `${name}-rejects-rule`,
                {
                    ruleName: names.rule,
                    ruleState: "ENABLED",
                    ruleDefinition: pulumi.output(logGroupName).apply((group) => JSON.stringify({ ...definition, LogGroupNames: [group] })),
                    tags,
                },
                { parent: this },
            );
            ruleName = names.rule;
        }

        this.alarmNames = alarmNames;
        this.ruleName = ruleName;
        this.topicArn = topicArn ?? (settings.topicArn !== undefined ? pulumi.output(settings.topicArn) : undefined);
        this.metricFilterNames = filters.length > 0 ? settings.plans.flatMap((p) => ("pattern" in p ? [names.filter[p.monitor]] : [])) : [];
        this.registerOutputs({ alarmNames, ruleName, topicArn: this.topicArn, metricFilterNames: this.metricFilterNames });
    }
}

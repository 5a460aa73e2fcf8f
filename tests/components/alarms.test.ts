/**
 * The watch (`alarms: true`, components/alarms.ts) through the whole program under mocks: the exact
 * metric filters, alarms, topic, subscription and Contributor Insights rule for the default,
 * diagnostic and a custom format, none without `alarms`, and every refusal before anything is
 * registered. The patterns themselves are checked against CloudWatch's semantics in
 * tests/components/filterPatterns.test.ts.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, REGION, byName, registrations, requestFor, resetRecordings } from "../helpers/pulumiMocks";
import { outputsOf, runProgram } from "../helpers/program";
import { resolveLogFormat } from "../../analysis/core/logFormat";
import { resolveWatchSettings } from "../../components/alarms";

const VPC = "vpc-0123456789abcdef0";
const WATCH_TYPES = [
    "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/contributorInsightRule:ContributorInsightRule",
    "aws:sns/topic:Topic",
    "aws:sns/topicSubscription:TopicSubscription",
    "vpc-flow-logs:network:FlowLogAlarms",
];

/** The watch's registrations as `type name` lines (compared as a set: the engine registers them as their inputs resolve). */
const watchResources = () => registrations.filter((r) => WATCH_TYPES.includes(r.type)).map((r) => `${r.type} ${r.name}`);

function refusal(config: Record<string, string>): string {
    try {
        runProgram(config);
    } catch (err) {
        expect(pulumi.RunError.isInstance(err), String(err)).to.equal(true);
        return (err as Error).message;
    }
    throw new Error("expected the program to refuse the config");
}

const ALARM_DEFAULTS = {
    namespace: "VpcFlowLogs/dev",
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    tags: {},
};
const REJECTED_ALARM = {
    ...ALARM_DEFAULTS,
    name: "vpc-flow-logs-dev-rejected-tcp-443",
    alarmDescription:
        "REJECTed TCP flow-log records to port 443: a security group or network ACL refused them. Run vpc-flow-diagnose status for the diagnose command.",
    metricName: "RejectedTcp443",
    threshold: 5,
    alarmActions: [],
};
const metricTransformation = (name: string) => ({ name, namespace: "VpcFlowLogs/dev", value: "1", unit: "Count" });

describe("the watch (alarms) under mocks", () => {
    beforeEach(resetRecordings);

    it("creates nothing and exports no alarm output when alarms is not set, or false", async () => {
        for (const alarms of [undefined, "false"]) {
            resetRecordings();
            const outputs = await outputsOf(runProgram({ vpcId: VPC, ...(alarms !== undefined ? { alarms } : {}) }));
            expect(watchResources()).to.deep.equal([]);
            expect(Object.keys(outputs).filter((k) => /alarm|contributor/i.test(k))).to.deep.equal([]);
        }
    });

    it("default format: the REJECT and NODATA/SKIPDATA filters, the REJECT alarm and the rule; says what the format cannot watch", async () => {
        const outputs = await outputsOf(runProgram({ vpcId: VPC, alarms: "true" }));
        expect(watchResources()).to.have.members([
            "vpc-flow-logs:network:FlowLogAlarms flow-logs-alarms",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter flow-logs-alarms-rejected",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter flow-logs-alarms-logStatus",
            "aws:cloudwatch/contributorInsightRule:ContributorInsightRule flow-logs-alarms-rejects-rule",
            "aws:cloudwatch/metricAlarm:MetricAlarm flow-logs-alarms-rejected-alarm",
        ]);
        expect(byName("flow-logs-alarms-rejected").inputs).to.deep.equal({
            name: "vpc-flow-logs-dev-rejected-tcp-443",
            logGroupName: "/vpc-flow-logs/dev",
            pattern:
                '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport=443, protocol=6, packets, bytes, start, end, action="REJECT", log_status]',
            metricTransformation: metricTransformation("RejectedTcp443"),
        });
        expect(byName("flow-logs-alarms-logStatus").inputs).to.deep.equal({
            name: "vpc-flow-logs-dev-nodata-skipdata",
            logGroupName: "/vpc-flow-logs/dev",
            pattern:
                '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status="NODATA" || log_status="SKIPDATA"]',
            metricTransformation: metricTransformation("NoDataOrSkipData"),
        });
        expect(byName("flow-logs-alarms-rejected-alarm").inputs).to.deep.equal(REJECTED_ALARM);
        const rule = byName("flow-logs-alarms-rejects-rule").inputs;
        expect({ ...rule, ruleDefinition: JSON.parse(rule.ruleDefinition) }).to.deep.equal({
            ruleName: "vpc-flow-logs-dev-rejects-tcp-443",
            ruleState: "ENABLED",
            tags: {},
            ruleDefinition: {
                Schema: { Name: "CloudWatchLogRule", Version: 1 },
                LogGroupNames: ["/vpc-flow-logs/dev"],
                LogFormat: "CLF",
                Fields: { "3": "interface-id", "4": "srcaddr", "7": "dstport", "8": "protocol", "13": "action" },
                Contribution: {
                    Keys: ["interface-id", "srcaddr"],
                    Filters: [
                        { Match: "protocol", EqualTo: 6 },
                        { Match: "dstport", EqualTo: 443 },
                        { Match: "action", In: ["REJECT"] },
                    ],
                },
                AggregateOn: "Count",
            },
        });
        // The filters are on the stack's log group: they wait for it. The alarm waits for the filters.
        expect(requestFor("flow-logs-alarms-rejected").dependencies).to.deep.equal(["flow-logs-log-group"]);
        expect(requestFor("flow-logs-alarms-rejected-alarm").dependencies).to.deep.equal(["flow-logs-alarms-logStatus", "flow-logs-alarms-rejected"]);
        expect(requestFor("flow-logs-alarms-rejected-alarm").parent).to.equal("flow-logs-alarms");
        expect({
            alarmNames: outputs.alarmNames,
            alarmMetricFilters: outputs.alarmMetricFilters,
            contributorInsightRule: outputs.contributorInsightRule,
            alarmsNotCreated: outputs.alarmsNotCreated,
            alarmTopicArn: outputs.alarmTopicArn,
        }).to.deep.equal({
            alarmNames: ["vpc-flow-logs-dev-rejected-tcp-443"],
            alarmMetricFilters: ["vpc-flow-logs-dev-rejected-tcp-443", "vpc-flow-logs-dev-nodata-skipdata"],
            contributorInsightRule: "vpc-flow-logs-dev-rejects-tcp-443",
            alarmsNotCreated: ["unanswered-SYN metric filter and alarm: the format has no tcp-flags, flow-direction field"],
            alarmTopicArn: undefined,
        });
    });

    it("diagnostic format with alarmEmail: three filters, two alarms notifying a new topic, the e-mail subscription and the rule", async () => {
        const outputs = await outputsOf(
            runProgram({ vpcId: VPC, logFormat: "diagnostic", alarms: "true", alarmEmail: "network-team@example.com", alarmPeriodSeconds: "600", alarmEvaluationPeriods: "2", alarmUnansweredThreshold: "1" }),
        );
        expect(watchResources()).to.have.members([
            "vpc-flow-logs:network:FlowLogAlarms flow-logs-alarms",
            "aws:sns/topic:Topic flow-logs-alarms-topic",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter flow-logs-alarms-rejected",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter flow-logs-alarms-unanswered",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter flow-logs-alarms-logStatus",
            "aws:sns/topicSubscription:TopicSubscription flow-logs-alarms-email",
            "aws:cloudwatch/contributorInsightRule:ContributorInsightRule flow-logs-alarms-rejects-rule",
            "aws:cloudwatch/metricAlarm:MetricAlarm flow-logs-alarms-rejected-alarm",
            "aws:cloudwatch/metricAlarm:MetricAlarm flow-logs-alarms-unanswered-alarm",
        ]);
        const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:vpc-flow-logs-dev-alarms`;
        expect(byName("flow-logs-alarms-topic").inputs).to.deep.equal({ name: "vpc-flow-logs-dev-alarms", tags: {} });
        expect(byName("flow-logs-alarms-email").inputs).to.deep.equal({ topic: topicArn, protocol: "email", endpoint: "network-team@example.com" });
        expect(byName("flow-logs-alarms-unanswered").inputs.pattern).to.equal(
            "[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport=443, protocol=6, packets, bytes, start, end, " +
                'action="ACCEPT", log_status, vpc_id, subnet_id, tcp_flags=2, type, pkt_srcaddr, pkt_dstaddr, flow_direction="egress", traffic_path, pkt_dst_aws_service]',
        );
        expect(byName("flow-logs-alarms-unanswered-alarm").inputs).to.deep.equal({
            ...ALARM_DEFAULTS,
            period: 600,
            evaluationPeriods: 2,
            name: "vpc-flow-logs-dev-unanswered-syn-443",
            alarmDescription:
                "Accepted egress TCP to port 443 with only SYN over a whole aggregation interval: nothing answered (often routing). Run vpc-flow-diagnose status for the diagnose command.",
            metricName: "UnansweredSyn443",
            threshold: 1,
            alarmActions: [topicArn],
        });
        expect(byName("flow-logs-alarms-rejected-alarm").inputs).to.deep.equal({ ...REJECTED_ALARM, period: 600, evaluationPeriods: 2, alarmActions: [topicArn] });
        expect([outputs.alarmNames, outputs.alarmTopicArn, outputs.alarmsNotCreated]).to.deep.equal([
            ["vpc-flow-logs-dev-rejected-tcp-443", "vpc-flow-logs-dev-unanswered-syn-443"],
            topicArn,
            undefined,
        ]);
    });

    it("a custom format gets its own positions, another port, an existing topic, and no NODATA filter without log-status", async () => {
        const topic = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:ops-pager`;
        const outputs = await outputsOf(
            runProgram({
                vpcId: VPC,
                logFormat: "${flow-direction} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${tcp-flags} ${action}",
                alarms: "true",
                alarmPort: "8443",
                alarmTopicArn: topic,
                tags: JSON.stringify({ team: "network" }),
            }),
        );
        expect(watchResources()).to.have.members([
            "vpc-flow-logs:network:FlowLogAlarms flow-logs-alarms",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter flow-logs-alarms-rejected",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter flow-logs-alarms-unanswered",
            "aws:cloudwatch/contributorInsightRule:ContributorInsightRule flow-logs-alarms-rejects-rule",
            "aws:cloudwatch/metricAlarm:MetricAlarm flow-logs-alarms-rejected-alarm",
            "aws:cloudwatch/metricAlarm:MetricAlarm flow-logs-alarms-unanswered-alarm",
        ]);
        expect(byName("flow-logs-alarms-rejected").inputs.pattern).to.equal('[flow_direction, interface_id, srcaddr, dstaddr, srcport, dstport=8443, protocol=6, tcp_flags, action="REJECT"]');
        expect(byName("flow-logs-alarms-unanswered").inputs.pattern).to.equal(
            '[flow_direction="egress", interface_id, srcaddr, dstaddr, srcport, dstport=8443, protocol=6, tcp_flags=2, action="ACCEPT"]',
        );
        expect(byName("flow-logs-alarms-rejected-alarm").inputs.alarmActions).to.deep.equal([topic]);
        expect(byName("flow-logs-alarms-rejected-alarm").inputs.tags).to.deep.equal({ team: "network" });
        expect(JSON.parse(byName("flow-logs-alarms-rejects-rule").inputs.ruleDefinition).Fields).to.deep.equal({
            "2": "interface-id",
            "3": "srcaddr",
            "6": "dstport",
            "7": "protocol",
            "9": "action",
        });
        expect([outputs.alarmNames, outputs.alarmTopicArn, outputs.alarmsNotCreated]).to.deep.equal([
            ["vpc-flow-logs-dev-rejected-tcp-8443", "vpc-flow-logs-dev-unanswered-syn-8443"],
            topic,
            ["NODATA/SKIPDATA metric filter: the format has no log-status field"],
        ]);
    });

    it("refuses, before registering anything, what cannot be watched or is not allowed, in one line naming the value", () => {
        const cases: [Record<string, string>, string][] = [
            [
                { destination: "s3", alarms: "true" },
                "Invalid alarms true with destination 's3': metric filters, alarms and Contributor Insights read CloudWatch Logs. Allowed: alarms with destination cloudwatch, or alarms false.",
            ],
            [{ alarms: "true", alarmPort: "0" }, "Invalid alarmPort 0. Allowed: a port from 1 to 65535."],
            [{ alarms: "true", alarmRejectThreshold: "0" }, "Invalid alarmRejectThreshold 0. Allowed: a whole number of records from 1 to 1000000."],
            [
                { alarms: "true", alarmPeriodSeconds: "90" },
                "Invalid alarmPeriodSeconds 90. Allowed: a multiple of 60 from 60 to 604800 (metric filters publish one-minute metrics; PutMetricAlarm Period).",
            ],
            [
                { alarms: "true", alarmPeriodSeconds: "600", alarmEvaluationPeriods: "145" },
                "Invalid alarmEvaluationPeriods 145 with alarmPeriodSeconds 600: 87000 s evaluated. Allowed: at most 86400 s (PutMetricAlarm: one day for a period under an hour, seven days otherwise).",
            ],
            [{ alarms: "true", alarmEmail: "network-team" }, "Invalid alarmEmail 'network-team'. Allowed: one e-mail address, e.g. network-team@example.com."],
            [
                { alarms: "true", alarmTopicArn: "arn:aws:sqs:ap-northeast-2:123456789012:q" },
                "Invalid alarmTopicArn 'arn:aws:sqs:ap-northeast-2:123456789012:q'. Allowed: an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<topic name>.",
            ],
            [{ alarmEmail: "network-team@example.com" }, "alarmEmail is set but alarms is not: set alarms true (pulumi config set alarms true), or remove alarmEmail."],
        ];
        for (const [config, message] of cases) {
            resetRecordings();
            expect(refusal({ vpcId: VPC, ...config }), JSON.stringify(config)).to.equal(message);
            expect(registrations, JSON.stringify(config)).to.deep.equal([]);
        }
    });

    it("refuses a topic of another partition once the provider has answered, before registering anything", async () => {
        let thrown: unknown;
        try {
            await runProgram({ vpcId: VPC, alarms: "true", alarmTopicArn: "arn:aws-cn:sns:cn-north-1:123456789012:ops" });
        } catch (err) {
            thrown = err;
        }
        expect((thrown as Error).message).to.equal(
            `Invalid alarmTopicArn 'arn:aws-cn:sns:cn-north-1:123456789012:ops': it is in partition aws-cn, this stack deploys to partition aws (${REGION}, account ${ACCOUNT_ID}). Allowed: an ARN of partition aws (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).`,
        );
        expect(registrations.filter((r) => r.type !== "pulumi:pulumi:Stack")).to.deep.equal([]);
    });

    it("refuses a format that cannot say REJECTed TCP to the port (the stack's own formats always can: they need protocol, dstport and action)", () => {
        const format = resolveLogFormat("${srcaddr} ${dstaddr} ${dstport} ${packets}", "logFormat");
        expect(() => resolveWatchSettings("dev", { alarms: true }, "cloudwatch", format, "/g")).to.throw(
            "Invalid logFormat for alarms: it has no protocol, action field. Allowed: a format with protocol, dstport, action (default, diagnostic and ecs have them), or alarms false.",
        );
    });

    it("folds a '.' of the stack name in the topic name (with a hash), and refuses a rule name over 128 characters", () => {
        const settings = resolveWatchSettings("team.a", { alarms: true }, "cloudwatch", resolveLogFormat("default", "logFormat"), "/g");
        const hash = createHash("sha256").update("team.a").digest("hex").slice(0, 8);
        expect(settings?.names.topic).to.equal(`vpc-flow-logs-team-a_${hash}-alarms`);
        expect(() => resolveWatchSettings("s".repeat(100), { alarms: true }, "cloudwatch", resolveLogFormat("default", "logFormat"), "/g")).to.throw(
            `Invalid stack name for alarms: the Contributor Insights rule name 'vpc-flow-logs-${"s".repeat(100)}-rejects-tcp-443' has 130 characters. Allowed: at most 128 (PutInsightRule RuleName).`,
        );
    });
});

/**
 * `vpc-flow-diagnose status` for a stack with alarms (analysis/live/alarmStatus.ts): each alarm's
 * state from DescribeAlarms (aws-sdk-client-mock, the MetricAlarm shape of the CloudWatch API
 * reference), and for one in ALARM the window its evaluation covered with the diagnose command.
 */
import { statusJson } from "../helpers/jsonContract";
import { expect } from "chai";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeFlowLogsCommand } from "@aws-sdk/client-ec2";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectAlarms } from "../../analysis/aws/alarmStatus";
import { mockAwsClasses, runCli, testClient } from "../helpers/mockedAws";

const aws = mockAwsClasses("cloudWatch", "logs", "ec2");
const { cloudWatch: cloudWatchMock, logs: logsMock, ec2: ec2Mock } = aws.mocks;
const REGION = "ap-northeast-2";
const NOW = new Date("2026-11-26T15:00:00Z");
const REJECTED = "vpc-flow-logs-dev-rejected-tcp-443";
const UNANSWERED = "vpc-flow-logs-dev-unanswered-syn-443";
const RULE = "vpc-flow-logs-dev-rejects-tcp-443";

/** A MetricAlarm as DescribeAlarms returns it (CloudWatch API reference, MetricAlarm). */
function metricAlarm(name: string, metricName: string, state: "OK" | "ALARM" | "INSUFFICIENT_DATA", updated: string, reason: string) {
    return {
        AlarmName: name,
        AlarmArn: `arn:aws:cloudwatch:${REGION}:123456789012:alarm:${name}`,
        AlarmDescription: "REJECTed TCP flow-log records to port 443",
        StateValue: state,
        StateReason: reason,
        StateUpdatedTimestamp: new Date(updated),
        StateTransitionedTimestamp: new Date(updated),
        MetricName: metricName,
        Namespace: "VpcFlowLogs/dev",
        Statistic: "Sum" as const,
        Dimensions: [],
        Period: 300,
        EvaluationPeriods: 2,
        Threshold: 5,
        ComparisonOperator: "GreaterThanOrEqualToThreshold" as const,
        TreatMissingData: "notBreaching",
        ActionsEnabled: true,
        AlarmActions: [],
    };
}

const ALARM_REASON = "Threshold Crossed: 2 out of the last 2 datapoints [12.0 (26/11/26 14:35:00), 9.0 (26/11/26 14:30:00)] were greater than or equal to the threshold (5.0).";
const OK_REASON = "Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [NonBreaching].";

const STACK_OUTPUTS = JSON.stringify({
    destination: "cloudwatch",
    logGroupName: "/vpc-flow-logs/dev",
    region: REGION,
    logFormat: "diagnostic",
    trafficType: "ALL",
    flowLogIds: { "vpc-0123456789abcdef0": "fl-0abc" },
    alarmNames: [REJECTED, UNANSWERED],
    contributorInsightRule: RULE,
});

async function run(argv: string[], outputs: string) {
    return runCli(argv, { now: () => NOW, env: {}, runCommand: async () => ({ stdout: outputs }), ...aws.makers() });
}

function deliveryMocks() {
    ec2Mock.on(DescribeFlowLogsCommand).resolves({
        FlowLogs: [{ FlowLogId: "fl-0abc", ResourceId: "vpc-0123456789abcdef0", FlowLogStatus: "ACTIVE", DeliverLogsStatus: "SUCCESS", TrafficType: "ALL", CreationTime: new Date("2026-11-20T00:00:00Z") }],
    });
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 0, retentionInDays: 7 }] });
    logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [] });
}

const ALARM_COMMAND = `vpc-flow-diagnose --stack dev --src <workload IP> --dst s3 --port 443 --start 2026-11-26T14:30:12Z --end 2026-11-26T14:40:12Z`;
const WHO_COMMAND = `aws cloudwatch get-insight-rule-report --rule-name ${RULE} --start-time 2026-11-26T14:30:12Z --end-time 2026-11-26T14:40:12Z --period 60 --max-contributor-count 10 --region ${REGION}`;

describe("status: the stack's alarms", () => {
    beforeEach(() => aws.reset());

    it("asks DescribeAlarms for exactly the named alarms; an alarm in ALARM gets its window (period x evaluation periods) and the commands", async () => {
        cloudWatchMock.on(DescribeAlarmsCommand).resolves({
            MetricAlarms: [
                metricAlarm(UNANSWERED, "UnansweredSyn443", "OK", "2026-11-25T09:00:00Z", OK_REASON),
                metricAlarm(REJECTED, "RejectedTcp443", "ALARM", "2026-11-26T14:40:12.345Z", ALARM_REASON),
            ],
        });
        const cw = testClient("cloudWatch", REGION);
        const report = await collectAlarms(cw, [REJECTED, UNANSWERED], { sourceFlag: "--stack dev", region: REGION, contributorInsightRule: RULE });
        expect(cloudWatchMock.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).to.deep.equal([{ AlarmNames: [REJECTED, UNANSWERED], AlarmTypes: ["MetricAlarm"] }]);
        expect(report).to.deep.equal({
            alarms: [
                {
                    alarmName: REJECTED,
                    state: "ALARM",
                    reason: ALARM_REASON,
                    since: "2026-11-26T14:40:12.345Z",
                    periodSeconds: 300,
                    evaluationPeriods: 2,
                    window: { start: "2026-11-26T14:30:12.345Z", end: "2026-11-26T14:40:12.345Z" },
                    diagnoseCommand:
                        "vpc-flow-diagnose --stack dev --src <workload IP> --dst s3 --port 443 --start 2026-11-26T14:30:12.345Z --end 2026-11-26T14:40:12.345Z",
                    contributorsCommand: `aws cloudwatch get-insight-rule-report --rule-name ${RULE} --start-time 2026-11-26T14:30:12.345Z --end-time 2026-11-26T14:40:12.345Z --period 60 --max-contributor-count 10 --region ${REGION}`,
                },
                { alarmName: UNANSWERED, state: "OK", reason: OK_REASON, since: "2026-11-25T09:00:00Z", periodSeconds: 300, evaluationPeriods: 2 },
            ],
            warnings: [],
        });
    });

    it("a port other than 443 leaves the destination to fill in; an alarm DescribeAlarms does not know is NOT_FOUND with a warning", async () => {
        cloudWatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metricAlarm("x-rejected-tcp-8443", "RejectedTcp8443", "ALARM", "2026-11-26T14:40:00Z", ALARM_REASON)] });
        const cw = testClient("cloudWatch", REGION);
        const report = await collectAlarms(cw, ["x-rejected-tcp-8443", "x-unanswered-syn-8443"], { sourceFlag: "--outputs-file out.json", region: REGION });
        expect(report.alarms.map((a) => [a.state, a.diagnoseCommand, a.contributorsCommand])).to.deep.equal([
            ["ALARM", "vpc-flow-diagnose --outputs-file out.json --src <workload IP> --dst <destination IP> --port 8443 --start 2026-11-26T14:30:00Z --end 2026-11-26T14:40:00Z", undefined],
            ["NOT_FOUND", undefined, undefined],
        ]);
        expect(report.warnings).to.deep.equal([
            `DescribeAlarms does not know x-unanswered-syn-8443 in ${REGION}: the stack's alarms were deleted outside Pulumi, or this is another region (--region). Run 'pulumi up' to create them again.`,
        ]);
    });

    it("text: the alarms follow delivery, with the window, who is behind it, and the diagnose command", async () => {
        deliveryMocks();
        cloudWatchMock.on(DescribeAlarmsCommand).resolves({
            MetricAlarms: [
                metricAlarm(REJECTED, "RejectedTcp443", "ALARM", "2026-11-26T14:40:12Z", ALARM_REASON),
                metricAlarm(UNANSWERED, "UnansweredSyn443", "OK", "2026-11-25T09:00:00Z", OK_REASON),
            ],
        });
        const r = await run(["status", "--stack", "dev"], STACK_OUTPUTS);
        expect([r.code, r.stderr]).to.deep.equal([0, ""]);
        expect(r.stdout.slice(r.stdout.indexOf("\nAlarms\n"))).to.equal(
            [
                "",
                "Alarms",
                `  ${REJECTED}  ALARM since 2026-11-26T14:40:12Z`,
                `    ${ALARM_REASON}`,
                "    Window: 2026-11-26T14:30:12Z to 2026-11-26T14:40:12Z (300 s x 2 evaluation periods before the state changed)",
                `    Who: ${WHO_COMMAND}`,
                `    Diagnose: ${ALARM_COMMAND}`,
                `  ${UNANSWERED}  OK since 2026-11-25T09:00:00Z`,
                `    ${OK_REASON}`,
                "",
            ].join("\n"),
        );
    });

    it("json: the alarms and warnings join the report; a denied DescribeAlarms is a warning on stderr and in warnings, and status still exits 0", async () => {
        deliveryMocks();
        cloudWatchMock.on(DescribeAlarmsCommand).rejects(Object.assign(new Error("User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cloudwatch:DescribeAlarms"), { name: "AccessDenied" }));
        const r = await run(["status", "--stack", "dev", "--output", "json"], STACK_OUTPUTS);
        const json = statusJson(r);
        expect(r.code).to.equal(0);
        expect(json.alarms).to.deep.equal([]);
        expect(json.warnings).to.have.length(1);
        expect(json.warnings[0]).to.match(/^Alarms not read: .*cloudwatch:DescribeAlarms/);
        expect(r.stderr).to.equal(`warning: ${json.warnings[0]}\n`);
        expect(json.logGroupName).to.equal("/vpc-flow-logs/dev");
    });

    it("--outputs-file: the diagnose command names the file, single-quoted when the path has a space", async () => {
        const dir = mkdtempSync(join(tmpdir(), "alarms-"));
        const file = join(dir, "stack outputs.json");
        writeFileSync(file, STACK_OUTPUTS);
        deliveryMocks();
        cloudWatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metricAlarm(REJECTED, "RejectedTcp443", "ALARM", "2026-11-26T14:40:12Z", ALARM_REASON)] });
        const r = await run(["status", "--outputs-file", file, "--output", "json"], "{}");
        expect(statusJson(r).alarms[0].diagnoseCommand).to.equal(ALARM_COMMAND.replace("--stack dev", `--outputs-file '${file}'`));
    });

    it("a stack without alarms asks CloudWatch nothing, and its JSON has no alarms or warnings key", async () => {
        deliveryMocks();
        const outputs = JSON.parse(STACK_OUTPUTS);
        delete outputs.alarmNames;
        delete outputs.contributorInsightRule;
        const r = await run(["status", "--stack", "dev", "--output", "json"], JSON.stringify(outputs));
        expect(r.code).to.equal(0);
        expect(cloudWatchMock.commandCalls(DescribeAlarmsCommand)).to.have.length(0);
        expect(Object.keys(statusJson(r)).filter((k) => k === "alarms" || k === "warnings")).to.deep.equal([]);
    });
});

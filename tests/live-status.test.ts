import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeFlowLogsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CloudWatchLogsClient, DescribeLogGroupsCommand, DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { collectStatus, renderStatus } from "../analysis/live/flowLogStatus";

const credentials = { accessKeyId: "AKIATEST", secretAccessKey: "test" };
const ec2Mock = mockClient(EC2Client);
const logsMock = mockClient(CloudWatchLogsClient);
const ec2 = new EC2Client({ region: "ap-northeast-2", credentials });
const logs = new CloudWatchLogsClient({ region: "ap-northeast-2", credentials });

const NOW = new Date("2026-11-26T15:00:00Z");
const SOURCE = { logGroupName: "/vpc-flow-logs/dev", region: "ap-northeast-2", flowLogIds: { "vpc-0123456789abcdef0": "fl-0abc" } };
const FLOW_LOG = {
    FlowLogId: "fl-0abc",
    ResourceId: "vpc-0123456789abcdef0",
    FlowLogStatus: "ACTIVE",
    DeliverLogsStatus: "SUCCESS",
    TrafficType: "ALL" as const,
    CreationTime: new Date("2026-11-26T14:00:00Z"),
};

describe("status command", () => {
    beforeEach(() => {
        ec2Mock.reset();
        logsMock.reset();
    });

    it("reports healthy delivery: flow log state, stored bytes, streams and newest event", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [FLOW_LOG] });
        logsMock.on(DescribeLogGroupsCommand).resolves({
            logGroups: [
                { logGroupName: "/vpc-flow-logs/dev-old", storedBytes: 1 },
                { logGroupName: "/vpc-flow-logs/dev", storedBytes: 52_428_800, retentionInDays: 7 },
            ],
        });
        logsMock.on(DescribeLogStreamsCommand).resolves({
            logStreams: [
                { logStreamName: "eni-0aaa-all", lastEventTimestamp: Date.parse("2026-11-26T14:55:00Z") },
                { logStreamName: "eni-0bbb-all", lastEventTimestamp: Date.parse("2026-11-26T14:50:00Z") },
            ],
        });
        const report = await collectStatus(ec2, logs, SOURCE, NOW);
        expect(ec2Mock.commandCalls(DescribeFlowLogsCommand)[0].args[0].input).to.deep.equal({ Filter: [{ Name: "flow-log-id", Values: ["fl-0abc"] }] });
        expect(logsMock.commandCalls(DescribeLogStreamsCommand)[0].args[0].input).to.deep.equal({
            logGroupName: "/vpc-flow-logs/dev",
            orderBy: "LastEventTime",
            descending: true,
            limit: 50,
        });
        expect(renderStatus(report)).to.equal(
            [
                "Flow logs delivering to /vpc-flow-logs/dev (ap-northeast-2)",
                "",
                "  fl-0abc  vpc-0123456789abcdef0  ACTIVE  delivery SUCCESS  filter ALL",
                "",
                "Log group: 52428800 bytes stored, retention 7 days, 2 log streams (ENIs), newest event 2026-11-26T14:55:00.000Z",
                "",
                "Delivery looks healthy.",
                "",
            ].join("\n"),
        );
    });

    it("shows AWS's delivery error and says what to check for an access error", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({
            FlowLogs: [{ ...FLOW_LOG, DeliverLogsStatus: "FAILED", DeliverLogsErrorMessage: "Access error" }],
        });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 0, retentionInDays: 7 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [] });
        const report = await collectStatus(ec2, logs, SOURCE, NOW);
        expect(report.findings).to.deep.equal([
            "Flow log fl-0abc (vpc-0123456789abcdef0) cannot deliver: Access error. Check that the delivery policy is attached to the role, covers '<logGroupArn>:*', and that the role trusts vpc-flow-logs.amazonaws.com; with a KMS key, that the key policy allows logs.<region>.amazonaws.com.",
            "No log streams yet: one appears per network interface once it has traffic and records are delivered. Is there traffic on the logged interfaces? Is this the stack's region?",
        ]);
        expect(renderStatus(report)).to.contain("  fl-0abc  vpc-0123456789abcdef0  ACTIVE  delivery FAILED (Access error)  filter ALL\n");
    });

    it("says to wait when the flow log is only minutes old", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [{ ...FLOW_LOG, CreationTime: new Date("2026-11-26T14:57:00Z") }] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 0 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [] });
        expect((await collectStatus(ec2, logs, SOURCE, NOW)).findings).to.deep.equal([
            "No log streams yet: one appears per network interface once it has traffic and records are delivered. The newest flow log was created 3 min ago; delivery takes 5-10 minutes.",
        ]);
    });

    it("finds the flow logs by log group when the ids are not known, and reports a missing group and flow log", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
        const report = await collectStatus(ec2, logs, { logGroupName: "/vpc-flow-logs/dev", region: "eu-west-1" }, NOW);
        expect(ec2Mock.commandCalls(DescribeFlowLogsCommand)[0].args[0].input).to.deep.equal({
            Filter: [{ Name: "log-group-name", Values: ["/vpc-flow-logs/dev"] }],
        });
        expect(logsMock.commandCalls(DescribeLogStreamsCommand)).to.have.length(0);
        expect(report.findings).to.deep.equal([
            "Log group /vpc-flow-logs/dev does not exist in eu-west-1: deploy the stack ('pulumi up') or check --region.",
            "No flow log delivers to /vpc-flow-logs/dev in eu-west-1: run 'pulumi up', or check --region.",
        ]);
    });

    it("flags a stream whose newest event is stale", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [FLOW_LOG] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 10 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ lastEventTimestamp: Date.parse("2026-11-26T14:00:00Z") }] });
        expect((await collectStatus(ec2, logs, SOURCE, NOW)).findings).to.deep.equal([
            "The newest event is from 2026-11-26T14:00:00.000Z, over 15 minutes ago: no traffic lately, or delivery stopped. (CloudWatch updates a stream's last event time lazily, so allow for some lag.)",
        ]);
    });
});

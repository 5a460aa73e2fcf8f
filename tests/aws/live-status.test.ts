import { expect } from "chai";
import { DescribeFlowLogsCommand } from "@aws-sdk/client-ec2";
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { MAX_RECORD_PAGES, collectStatus, recordAllowanceMs, renderStatus, toFlowLogState } from "../../analysis/aws/flowLogStatus";
import { mockAwsClasses, testClient } from "../helpers/mockedAws";

const aws = mockAwsClasses("ec2", "logs");
const { ec2: ec2Mock, logs: logsMock } = aws.mocks;
const ec2 = testClient("ec2", "ap-northeast-2");
const logs = testClient("logs", "ap-northeast-2");

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
/** FilterLogEvents' request for the newest record: 24 hours back from NOW, newest first, one event. */
const NEWEST_RECORD_REQUEST = { logGroupName: "/vpc-flow-logs/dev", startTime: Date.parse("2026-11-25T15:00:00Z"), startFromHead: false, limit: 1 };

/** One event as FilterLogEvents returns it (FilteredLogEvent): a flow-log record, its stream, its times. */
function flowEvent(stream: string, start: string, ingested: string) {
    const startSeconds = Date.parse(start) / 1000;
    return {
        logStreamName: stream,
        timestamp: Date.parse(start),
        message: `2 123456789012 ${stream.replace(/-all$/, "")} 10.0.1.25 52.219.204.42 43310 443 6 3 180 ${startSeconds} ${startSeconds + 55} ACCEPT OK`,
        ingestionTime: Date.parse(ingested),
        eventId: "38011516726513917934574546372399423012339563384536334336",
    };
}

describe("status command", () => {
    beforeEach(() => aws.reset());

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
        logsMock.on(FilterLogEventsCommand).resolves({ events: [flowEvent("eni-0aaa-all", "2026-11-26T14:52:10Z", "2026-11-26T14:57:31Z")], searchedLogStreams: [] });
        const report = await collectStatus(ec2, logs, SOURCE, NOW);
        expect(logsMock.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)).to.deep.equal([NEWEST_RECORD_REQUEST]);
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
                "Log group: 52428800 bytes stored, retention 7 days, 2 log streams (ENIs)",
                "Newest record: 2026-11-26T14:52:10.000Z, 7 min ago, in eni-0aaa-all (ingested 2026-11-26T14:57:31.000Z), read with FilterLogEvents",
                "Stream metadata: newest event 2026-11-26T14:55:00.000Z (eventually consistent, not used to judge)",
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
        expect(logsMock.commandCalls(FilterLogEventsCommand)).to.have.length(0);
        expect(report.findings).to.deep.equal([
            "Log group /vpc-flow-logs/dev does not exist in eu-west-1: deploy the stack ('pulumi up') or check --region.",
            "No flow log delivers to /vpc-flow-logs/dev in eu-west-1: run 'pulumi up', or check --region.",
        ]);
    });

    it("stale stream metadata but a recent record: no warning, and each time said for what it is", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [FLOW_LOG] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 10, retentionInDays: 7 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "eni-0aaa-all", lastEventTimestamp: Date.parse("2026-11-26T13:40:00Z") }] });
        logsMock.on(FilterLogEventsCommand).resolves({ events: [flowEvent("eni-0aaa-all", "2026-11-26T14:47:00Z", "2026-11-26T14:53:12Z")], searchedLogStreams: [] });
        const report = await collectStatus(ec2, logs, SOURCE, NOW);
        expect(report.findings).to.deep.equal([]);
        expect(renderStatus(report).split("\n").slice(4)).to.deep.equal([
            "Log group: 10 bytes stored, retention 7 days, 1 log streams (ENIs)",
            "Newest record: 2026-11-26T14:47:00.000Z, 13 min ago, in eni-0aaa-all (ingested 2026-11-26T14:53:12.000Z), read with FilterLogEvents",
            "Stream metadata: newest event 2026-11-26T13:40:00.000Z (eventually consistent, not used to judge)",
            "",
            "Delivery looks healthy.",
            "",
        ]);
    });

    it("follows FilterLogEvents' empty pages by their nextToken until a record comes", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [FLOW_LOG] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 10 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "eni-0aaa-all", lastEventTimestamp: Date.parse("2026-11-26T14:50:00Z") }] });
        logsMock
            .on(FilterLogEventsCommand)
            .resolvesOnce({ events: [], searchedLogStreams: [], nextToken: "page-2" })
            .resolvesOnce({ events: [], searchedLogStreams: [], nextToken: "page-3" })
            .resolves({ events: [flowEvent("eni-0bbb-all", "2026-11-26T14:51:00Z", "2026-11-26T14:56:00Z")], searchedLogStreams: [] });
        const report = await collectStatus(ec2, logs, SOURCE, NOW);
        expect(logsMock.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)).to.deep.equal([
            NEWEST_RECORD_REQUEST,
            { ...NEWEST_RECORD_REQUEST, nextToken: "page-2" },
            { ...NEWEST_RECORD_REQUEST, nextToken: "page-3" },
        ]);
        expect([report.newestRecord, report.findings]).to.deep.equal([
            {
                outcome: "read",
                since: "2026-11-25T15:00:00.000Z",
                timestamp: "2026-11-26T14:51:00.000Z",
                ingestionTime: "2026-11-26T14:56:00.000Z",
                logStreamName: "eni-0bbb-all",
                ageMinutes: 9,
                pagesRead: 3,
            },
            [],
        ]);
    });

    it("no record in the window while the flow log is ACTIVE: no traffic recorded lately, and what the flow log says", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [FLOW_LOG] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 10, retentionInDays: 7 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "eni-0aaa-all", lastEventTimestamp: Date.parse("2026-11-26T09:12:00Z") }] });
        logsMock.on(FilterLogEventsCommand).resolves({ events: [], searchedLogStreams: [] });
        const report = await collectStatus(ec2, logs, SOURCE, NOW);
        expect(report.findings).to.deep.equal([
            "No traffic recorded lately: FilterLogEvents found no record in /vpc-flow-logs/dev since 2026-11-25T15:00:00.000Z (24 hours). " +
                "Every flow log is ACTIVE and reports delivery SUCCESS, so the logged interfaces had no traffic that the filter (ALL) records, or delivery is late (it is best effort): make some traffic and run status again in 10 minutes. " +
                "The streams' metadata gives 2026-11-26T09:12:00.000Z as the newest event, a value CloudWatch Logs updates eventually (typically within an hour), so it is not used to judge.",
        ]);
        expect(renderStatus(report)).to.contain("\nNewest record: none since 2026-11-25T15:00:00.000Z (FilterLogEvents searched 24 hours)\n");
    });

    it("no record in the window and the flow log reports delivery FAILED: delivery stopped", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [{ ...FLOW_LOG, DeliverLogsStatus: "FAILED", DeliverLogsErrorMessage: "Rate limited" }] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 10 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "eni-0aaa-all" }] });
        logsMock.on(FilterLogEventsCommand).resolves({ events: [], searchedLogStreams: [] });
        expect((await collectStatus(ec2, logs, SOURCE, NOW)).findings).to.deep.equal([
            "Flow log fl-0abc (vpc-0123456789abcdef0) cannot deliver: Rate limited. See the flow log in the VPC console for details.",
            "No traffic recorded lately: FilterLogEvents found no record in /vpc-flow-logs/dev since 2026-11-25T15:00:00.000Z (24 hours). Delivery stopped: fl-0abc reports delivery FAILED (see above).",
        ]);
    });

    it("a newest record older than the aggregation interval plus delivery: no traffic recorded since", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [{ ...FLOW_LOG, MaxAggregationInterval: 600 }] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 10 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "eni-0aaa-all", lastEventTimestamp: Date.parse("2026-11-26T14:20:00Z") }] });
        logsMock.on(FilterLogEventsCommand).resolves({ events: [flowEvent("eni-0aaa-all", "2026-11-26T14:20:00Z", "2026-11-26T14:26:40Z")], searchedLogStreams: [] });
        expect((await collectStatus(ec2, logs, SOURCE, NOW)).findings).to.deep.equal([
            "No traffic recorded lately: the newest record in /vpc-flow-logs/dev (read with FilterLogEvents) starts at 2026-11-26T14:20:00.000Z, 40 min ago, in eni-0aaa-all; " +
                "records arrive within about 25 min (aggregation interval plus delivery). " +
                "Every flow log is ACTIVE and reports delivery SUCCESS, so the logged interfaces had no traffic that the filter (ALL) records, or delivery is late (it is best effort): make some traffic and run status again in 10 minutes.",
        ]);
    });

    it("judges a record's age against the flow logs' own aggregation interval plus 15 minutes of delivery, to the millisecond", async () => {
        const state = (interval?: number) => toFlowLogState({ ...FLOW_LOG, ...(interval !== undefined ? { MaxAggregationInterval: interval } : {}) });
        expect([recordAllowanceMs([state(60)]), recordAllowanceMs([state(600)]), recordAllowanceMs([state()]), recordAllowanceMs([state(60), state(600)]), recordAllowanceMs([])]).to.deep.equal([
            16 * 60000,
            25 * 60000,
            25 * 60000,
            25 * 60000,
            25 * 60000,
        ]);
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 10 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "eni-0aaa-all" }] });
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [{ ...FLOW_LOG, MaxAggregationInterval: 60 }] });
        const findingsAt = async (ageMs: number) => {
            const start = new Date(NOW.getTime() - ageMs).toISOString();
            logsMock.on(FilterLogEventsCommand).resolves({ events: [flowEvent("eni-0aaa-all", start, NOW.toISOString())] });
            return (await collectStatus(ec2, logs, SOURCE, NOW)).findings.length;
        };
        expect([await findingsAt(16 * 60000), await findingsAt(16 * 60000 + 1)]).to.deep.equal([0, 1]);
    });

    it("stops after MAX_RECORD_PAGES empty pages and says it does not know, with the command to look", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [FLOW_LOG] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 10 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "eni-0aaa-all", lastEventTimestamp: Date.parse("2026-11-26T14:10:00Z") }] });
        logsMock.on(FilterLogEventsCommand).resolves({ events: [], searchedLogStreams: [], nextToken: "more" });
        const report = await collectStatus(ec2, logs, SOURCE, NOW);
        expect([MAX_RECORD_PAGES, logsMock.commandCalls(FilterLogEventsCommand).length]).to.deep.equal([10, 10]);
        expect(report.findings).to.deep.equal([
            "Not known whether traffic was recorded lately: FilterLogEvents returned 10 empty pages for the last 24 hours with more to read. " +
                "The streams' metadata gives 2026-11-26T14:10:00.000Z as the newest event, a value CloudWatch Logs updates eventually (typically within an hour), so it is not used to judge. " +
                "Look for any record since then: aws logs filter-log-events --log-group-name /vpc-flow-logs/dev --start-time 1795618800000 --max-items 1 --region ap-northeast-2",
        ]);
        expect(renderStatus(report)).to.contain("\nNewest record: not found in 10 pages since 2026-11-25T15:00:00.000Z (FilterLogEvents had more to read)\n");
    });

    it("FilterLogEvents denied: a plain finding that names the permission, the rest of status stands", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [FLOW_LOG] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 10 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "eni-0aaa-all", lastEventTimestamp: Date.parse("2026-11-26T14:10:00Z") }] });
        const denial =
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:ap-northeast-2:123456789012:log-group:/vpc-flow-logs/dev:* because no identity-based policy allows the logs:FilterLogEvents action";
        logsMock.on(FilterLogEventsCommand).rejects(Object.assign(new Error(denial), { name: "AccessDeniedException" }));
        const report = await collectStatus(ec2, logs, SOURCE, NOW);
        expect(report.findings).to.deep.equal([
            `Records not read: AWS denied logs:FilterLogEvents in ap-northeast-2: ${denial} Reading the newest record needs these IAM actions: logs:FilterLogEvents (see docs/iam.md for a policy). ` +
                "Without it status cannot tell whether records still arrive. " +
                "The streams' metadata gives 2026-11-26T14:10:00.000Z as the newest event, a value CloudWatch Logs updates eventually (typically within an hour), so it is not used to judge.",
        ]);
        expect(renderStatus(report)).to.contain("\nNewest record: not read (logs:FilterLogEvents was denied)\n");
    });

    it("any other FilterLogEvents error is not swallowed", async () => {
        ec2Mock.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [FLOW_LOG] });
        logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", storedBytes: 10 }] });
        logsMock.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "eni-0aaa-all" }] });
        logsMock.on(FilterLogEventsCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
        const error = await collectStatus(ec2, logs, SOURCE, NOW).then(
            () => undefined,
            (e: Error) => e,
        );
        expect([error?.name, error?.message]).to.deep.equal(["ThrottlingException", "Rate exceeded"]);
    });
});

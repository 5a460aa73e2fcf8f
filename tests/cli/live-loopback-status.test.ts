/**
 * `vpc-flow-diagnose status` as a real process against the loopback fake (CloudWatch Logs' JSON
 * protocol and EC2's query protocol on one port): the FilterLogEvents request as the service's
 * model allows it, and what status prints from the record it reads.
 */
import { expect } from "chai";
import { CliRun, runCliProcess } from "../helpers/cliProcess";
import { FakeCloudWatchLogs, filterLogEventsRequestProblem, startFakeCloudWatchLogs } from "../helpers/fakeCloudWatchLogs";

const GROUP = "/vpc-flow-logs/dev";
const ENI = "eni-0a1b2c3d4e5f60718";

/** DescribeFlowLogs' answer on the wire (EC2 API reference, DescribeFlowLogs response elements). */
const DESCRIBE_FLOW_LOGS =
    '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeFlowLogsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-fl</requestId><flowLogSet><item>' +
    "<creationTime>2026-11-26T14:00:00.000Z</creationTime><deliverLogsStatus>SUCCESS</deliverLogsStatus><flowLogId>fl-0abc</flowLogId><flowLogStatus>ACTIVE</flowLogStatus>" +
    `<logGroupName>${GROUP}</logGroupName><resourceId>vpc-0123456789abcdef0</resourceId><trafficType>ALL</trafficType><logDestinationType>cloud-watch-logs</logDestinationType>` +
    "<maxAggregationInterval>600</maxAggregationInterval></item></flowLogSet></DescribeFlowLogsResponse>";

const HEAD = [`Flow logs delivering to ${GROUP} (ap-northeast-2)`, "", "  fl-0abc  vpc-0123456789abcdef0  ACTIVE  delivery SUCCESS  filter ALL", ""];

function runStatus(endpoint: string): Promise<CliRun> {
    return runCliProcess(["status", "--log-group", GROUP, "--region", "ap-northeast-2"], {
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint,
        AWS_ENDPOINT_URL_EC2: endpoint,
        NODE_NO_WARNINGS: "1",
    });
}

describe("vpc-flow-diagnose status against a loopback CloudWatch Logs and EC2 endpoint", () => {
    let server: FakeCloudWatchLogs | undefined;
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    it("reads the newest record with FilterLogEvents and, although the stream metadata is an hour old, does not warn", async () => {
        const recordStart = Math.floor((Date.now() - 361_000) / 1000) * 1000;
        const staleMetadata = recordStart - 3600_000;
        server = await startFakeCloudWatchLogs({
            DescribeFlowLogs: [DESCRIBE_FLOW_LOGS],
            DescribeLogGroups: [{ logGroups: [{ logGroupName: GROUP, storedBytes: 4096, retentionInDays: 7 }] }],
            DescribeLogStreams: [{ logStreams: [{ logStreamName: `${ENI}-all`, lastEventTimestamp: staleMetadata }] }],
            FilterLogEvents: [
                { events: [], searchedLogStreams: [], nextToken: "f/38011516726513917934574546372399423012339563384536334336/s" },
                {
                    events: [
                        {
                            logStreamName: `${ENI}-all`,
                            timestamp: recordStart,
                            message: `2 123456789012 ${ENI} 10.0.1.25 52.219.204.42 43310 443 6 3 180 ${recordStart / 1000} ${recordStart / 1000 + 55} ACCEPT OK`,
                            ingestionTime: recordStart + 300_000,
                            eventId: "38011516726513917934574546372399423012339563384536334337",
                        },
                    ],
                    searchedLogStreams: [],
                },
            ],
        });
        const before = Date.now();
        const r = await runStatus(server.url);
        const after = Date.now();
        expect([r.code, r.stderr]).to.deep.equal([0, ""]);
        const iso = (ms: number) => new Date(ms).toISOString();
        expect(r.stdout).to.equal(
            [
                ...HEAD,
                "Log group: 4096 bytes stored, retention 7 days, 1 log streams (ENIs)",
                `Newest record: ${iso(recordStart)}, 6 min ago, in ${ENI}-all (ingested ${iso(recordStart + 300_000)}), read with FilterLogEvents`,
                `Stream metadata: newest event ${iso(staleMetadata)} (eventually consistent, not used to judge)`,
                "",
                "Delivery looks healthy.",
                "",
            ].join("\n"),
        );
        const filters = server.requests.filter((q) => q.operation === "FilterLogEvents").map((q) => q.body);
        expect(server.requests.map((q) => q.operation)).to.deep.equal(["DescribeFlowLogs", "DescribeLogGroups", "DescribeLogStreams", "FilterLogEvents", "FilterLogEvents"]);
        const startTime = filters[0].startTime as number;
        expect(startTime).to.be.within(before - 86_400_000, after - 86_400_000);
        expect(filters).to.deep.equal([
            { logGroupName: GROUP, startTime, startFromHead: false, limit: 1 },
            { logGroupName: GROUP, startTime, startFromHead: false, limit: 1, nextToken: "f/38011516726513917934574546372399423012339563384536334336/s" },
        ]);
    });

    it("FilterLogEvents denied (AccessDeniedException): exit 0, a plain finding naming logs:FilterLogEvents", async () => {
        const denial = `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:ap-northeast-2:123456789012:log-group:${GROUP}:* because no identity-based policy allows the logs:FilterLogEvents action`;
        server = await startFakeCloudWatchLogs({
            DescribeFlowLogs: [DESCRIBE_FLOW_LOGS],
            DescribeLogGroups: [{ logGroups: [{ logGroupName: GROUP, storedBytes: 4096, retentionInDays: 7 }] }],
            DescribeLogStreams: [{ logStreams: [{ logStreamName: `${ENI}-all`, lastEventTimestamp: Date.parse("2026-11-26T09:12:00Z") }] }],
            FilterLogEvents: [{ __type: "AccessDeniedException", message: denial }],
        });
        const r = await runStatus(server.url);
        expect([r.code, r.stderr]).to.deep.equal([0, ""]);
        expect(r.stdout).to.equal(
            [
                ...HEAD,
                "Log group: 4096 bytes stored, retention 7 days, 1 log streams (ENIs)",
                "Newest record: not read (logs:FilterLogEvents was denied)",
                "Stream metadata: newest event 2026-11-26T09:12:00.000Z (eventually consistent, not used to judge)",
                "",
                "What to check:",
                `  - Records not read: AWS denied logs:FilterLogEvents in ap-northeast-2: ${denial} Reading the newest record needs these IAM actions: logs:FilterLogEvents (see docs/iam.md for a policy). ` +
                    "Without it status cannot tell whether records still arrive. " +
                    "The streams' metadata gives 2026-11-26T09:12:00.000Z as the newest event, a value CloudWatch Logs updates eventually (typically within an hour), so it is not used to judge.",
                "",
            ].join("\n"),
        );
    });

    it("another FilterLogEvents error: exit 1 with AWS's words, no stack trace", async () => {
        server = await startFakeCloudWatchLogs({
            DescribeFlowLogs: [DESCRIBE_FLOW_LOGS],
            DescribeLogGroups: [{ logGroups: [{ logGroupName: GROUP, storedBytes: 4096 }] }],
            DescribeLogStreams: [{ logStreams: [{ logStreamName: `${ENI}-all` }] }],
            FilterLogEvents: [{ __type: "ServiceUnavailableException", message: "The service cannot complete the request." }],
        });
        const r = await runStatus(server.url);
        expect([r.code, r.stdout, r.stderr]).to.deep.equal([1, "", "AWS request failed in ap-northeast-2: ServiceUnavailableException: The service cannot complete the request.\n"]);
    });

    it("the fake refuses FilterLogEvents requests the service's model refuses", () => {
        const good = { logGroupName: GROUP, startTime: Date.parse("2026-11-25T15:00:00Z"), startFromHead: false, limit: 1 };
        expect([
            filterLogEventsRequestProblem(good),
            filterLogEventsRequestProblem({ ...good, nextToken: "t" }),
            filterLogEventsRequestProblem({ ...good, limit: 0 }),
            filterLogEventsRequestProblem({ ...good, limit: 10001 }),
            filterLogEventsRequestProblem({ ...good, startTime: Date.parse("2023-12-31T23:59:59Z") }),
            filterLogEventsRequestProblem({ ...good, logGroupIdentifier: GROUP }),
            filterLogEventsRequestProblem({ ...good, logGroupName: undefined }),
            filterLogEventsRequestProblem({ ...good, startTime: 1.5 }),
            filterLogEventsRequestProblem({ ...good, nextToken: "" }),
            filterLogEventsRequestProblem({ ...good, logStreamNames: ["a"], logStreamNamePrefix: "a" }),
            filterLogEventsRequestProblem({ ...good, orderBy: "LastEventTime" }),
        ]).to.deep.equal([
            undefined,
            undefined,
            "limit is not 1-10000",
            "limit is not 1-10000",
            "startFromHead false needs a startTime on or after 2024-01-01",
            "give exactly one of logGroupName and logGroupIdentifier",
            "give exactly one of logGroupName and logGroupIdentifier",
            "startTime is not a non-negative integer of milliseconds",
            "nextToken is empty",
            "logStreamNames and logStreamNamePrefix together",
            "unknown member(s) orderBy",
        ]);
    });
});

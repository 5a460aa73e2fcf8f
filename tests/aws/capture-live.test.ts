/**
 * The CLI on a stack whose capture is paused (`capture` output "paused", flow logs deleted, records
 * kept), against mocked AWS: status says so instead of "no flow log found" / "no traffic recorded
 * lately"; diagnose still queries and warns (stderr and JSON warnings) when the window reaches past
 * where the records stop. A stack without the output is read as capture on.
 */
import { diagnosisJson, statusJson } from "../helpers/jsonContract";
import { expect } from "chai";
import * as fc from "fast-check";
import {
    DescribeLogGroupsCommand,
    DescribeLogStreamsCommand,
    FilterLogEventsCommand,
    GetQueryResultsCommand,
    StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeFlowLogsCommand } from "@aws-sdk/client-ec2";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetQueryExecutionCommand, GetQueryResultsCommand as AthenaResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { parseStackOutputs } from "../../analysis/aws/stackSource";
import { RecordsStop, pausedCaptureWarning } from "../../analysis/aws/pausedCapture";
import { userErrorOf } from "../helpers/userErrors";
import { mockAwsClasses, offlineIo, runCli } from "../helpers/mockedAws";

const aws = mockAwsClasses("logs", "ec2", "s3", "athena");
const { logs, ec2, s3, athena } = aws.mocks;

const NOW = new Date("2026-11-26T15:00:00Z");
const GROUP = "/vpc-flow-logs/dev";
const ENI = "eni-0a1b2c3d4e5f60718";
const RESUME = "To capture again: 'pulumi config set capture true && pulumi up', then reproduce the failure.";

const CW_OUTPUTS = { logGroupName: GROUP, region: "ap-northeast-2", logFormat: "default", trafficType: "ALL", flowLogIds: {}, capture: "paused" };
const RECORDS_LOCATION = "s3://flow-logs-bucket-1a2b3c4/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-2/";
const S3_OUTPUTS = {
    destination: "s3",
    region: "ap-northeast-2",
    logFormat: "default",
    trafficType: "ALL",
    flowLogIds: {},
    bucketName: "flow-logs-bucket-1a2b3c4",
    recordsLocation: RECORDS_LOCATION,
    athenaDatabase: "vpc_flow_logs_dev",
    athenaTable: "flow_logs",
    athenaWorkgroup: "vpc-flow-logs-dev",
    capture: "paused",
};

async function run(argv: string[], outputs: object) {
    return runCli(argv, { ...offlineIo(NOW), runCommand: async () => ({ stdout: JSON.stringify(outputs) }), ...aws.makers() });
}

/** A log group with one stream whose newest record (FilterLogEvents, newest first) starts at `newest`. */
function groupWithNewestRecord(newest: string | undefined) {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, creationTime: Date.parse("2026-11-01T00:00:00Z"), storedBytes: 5_000_000, retentionInDays: 30 }] });
    logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: `${ENI}-all`, lastEventTimestamp: Date.parse("2026-11-26T13:20:40Z") }] });
    logs.on(FilterLogEventsCommand).resolves(
        newest === undefined ? { events: [] } : { events: [{ logStreamName: `${ENI}-all`, timestamp: Date.parse(newest), ingestionTime: Date.parse(newest) + 300_000, message: "2 ..." }] },
    );
}

/** One row of the diagnosis query (Logs Insights): outbound accepted packets in that minute. */
function outboundRow(minute: string) {
    const at = (t: string) => String(Date.parse(`2026-11-26T${minute}:${t}Z`) / 1000);
    return [
        ["records", "1"], ["packetsTotal", "3"], ["bytesTotal", "180"], ["firstStart", at("05")], ["lastEnd", at("50")], ["interfaceId", ENI],
        ["srcAddr", "10.0.1.25"], ["dstAddr", "52.219.204.42"], ["action", "ACCEPT"], ["logStatus", "OK"], ["bin(1m)", `2026-11-26 ${minute}:00.000`],
    ].map(([field, value]) => ({ field, value }));
}

function insightsAnswers(rows: ReturnType<typeof outboundRow>[]) {
    logs.on(StartQueryCommand).resolves({ queryId: "q-paused" });
    logs.on(GetQueryResultsCommand).resolves({ status: "Complete", statistics: { recordsScanned: 1000, bytesScanned: 1e6, recordsMatched: rows.length }, results: rows });
}

const DIAGNOSE = ["--stack", "dev", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--output", "json"];

describe("capture paused: the stack's capture output read by the CLI", () => {
    beforeEach(() => aws.reset());

    describe("stack outputs", () => {
        it("reads capture 'paused' and 'on', leaves it out when the stack has none, and refuses any other value", () => {
            expect(parseStackOutputs(JSON.stringify(CW_OUTPUTS), "Stack 'dev'")).to.deep.equal({
                logGroupName: GROUP,
                region: "ap-northeast-2",
                logFormat: "default",
                trafficType: "ALL",
                flowLogIds: {},
                capture: "paused",
            });
            expect(parseStackOutputs(JSON.stringify({ ...CW_OUTPUTS, capture: "on" }), "Stack 'dev'")).to.include({ capture: "on" });
            expect(parseStackOutputs(JSON.stringify(S3_OUTPUTS), "Stack 'dev'")).to.include({ destination: "s3", capture: "paused" });
            const { capture: _, ...older } = CW_OUTPUTS;
            expect(parseStackOutputs(JSON.stringify(older), "Stack 'dev'")).to.not.have.property("capture");
            expect(userErrorOf(() => parseStackOutputs(JSON.stringify({ ...CW_OUTPUTS, capture: "off" }), "Stack 'dev'"))).to.equal(
                "Stack 'dev' has a capture output of 'off'. Allowed: 'on' or 'paused' (or none, from a stack deployed before it existed).",
            );
        });

        it("exits 2 with that message from the CLI", async () => {
            const r = await run(["status", "--stack", "dev"], { ...CW_OUTPUTS, capture: false });
            expect([r.code, r.stdout, r.stderr]).to.deep.equal([
                2,
                "",
                "Stack 'dev' has a capture output of false. Allowed: 'on' or 'paused' (or none, from a stack deployed before it existed).\n",
            ]);
        });
    });

    describe("status", () => {
        it("CloudWatch Logs: says capture is paused and where the records stop, not that no flow log was found", async () => {
            ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [] });
            groupWithNewestRecord("2026-11-26T13:20:05Z");
            const r = await run(["status", "--stack", "dev"], CW_OUTPUTS);
            expect([r.code, r.stderr]).to.deep.equal([0, ""]);
            expect(r.stdout).to.equal(
                [
                    `Flow logs delivering to ${GROUP} (ap-northeast-2)`,
                    "",
                    "  none: capture is paused by the stack (capture=false)",
                    "",
                    "Log group: 5000000 bytes stored, retention 30 days, 1 log streams (ENIs)",
                    `Newest record: 2026-11-26T13:20:05.000Z, 99 min ago, in ${ENI}-all (ingested 2026-11-26T13:25:05.000Z), read with FilterLogEvents`,
                    "Stream metadata: newest event 2026-11-26T13:20:40.000Z (eventually consistent, not used to judge)",
                    "",
                    "Capture is paused by the stack (capture=false): it has no flow log, so no record arrives and none is expected. " +
                        `The records already in ${GROUP} stay readable (diagnose still queries them) until its retention expires them; ` +
                        "the records stop at the newest, which starts at 2026-11-26T13:20:05.000Z (99 min ago). Resume with 'pulumi config set capture true && pulumi up'.",
                    "",
                ].join("\n"),
            );
            // The ids are gone with the flow logs: any flow log still writing to the group is looked for.
            expect(ec2.commandCalls(DescribeFlowLogsCommand)[0].args[0].input).to.deep.equal({ Filter: [{ Name: "log-group-name", Values: [GROUP] }] });
            const json = statusJson(await run(["status", "--stack", "dev", "--output", "json"], CW_OUTPUTS));
            expect([json.capture, json.findings]).to.deep.equal(["paused", []]);
            expect(json.captureNote).to.match(/^Capture is paused by the stack \(capture=false\): /);
        });

        it("CloudWatch Logs: the same facts from a stack without the output (deployed before it) still read as a fault", async () => {
            ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [] });
            groupWithNewestRecord("2026-11-26T13:20:05Z");
            const { capture: _, ...older } = CW_OUTPUTS;
            const r = await run(["status", "--stack", "dev", "--output", "json"], older);
            const json = statusJson(r);
            expect([json.capture, json.captureNote]).to.deep.equal(["on", undefined]);
            expect(json.findings).to.deep.equal([
                `No flow log delivers to ${GROUP} in ap-northeast-2: run 'pulumi up', or check --region.`,
                `No traffic recorded lately: the newest record in ${GROUP} (read with FilterLogEvents) starts at 2026-11-26T13:20:05.000Z, 99 min ago, in ${ENI}-all; ` +
                    "records arrive within about 25 min (aggregation interval plus delivery). No flow log delivers to it (see above).",
            ]);
            expect((await run(["status", "--stack", "dev"], older)).stdout).to.contain("\n  no flow logs found\n");
        });

        it("CloudWatch Logs: a flow log still delivering to a paused stack's group is not the stack's, and says so", async () => {
            ec2.on(DescribeFlowLogsCommand).resolves({
                FlowLogs: [{ FlowLogId: "fl-0other", ResourceId: "subnet-0aaaaaaaaaaaaaaaa", FlowLogStatus: "ACTIVE", DeliverLogsStatus: "SUCCESS", TrafficType: "ALL" }],
            });
            groupWithNewestRecord("2026-11-26T14:58:05Z");
            const json = statusJson(await run(["status", "--stack", "dev", "--output", "json"], CW_OUTPUTS));
            expect(json.findings).to.deep.equal([
                `fl-0other (subnet-0aaaaaaaaaaaaaaaa) delivers to ${GROUP} although the stack's capture is paused: not this stack's flow log, ` +
                    "so its records keep arriving and costing ingest. Delete it in the VPC console if it is not wanted.",
            ]);
        });

        it("S3: says capture is paused; another stack's flow log into another folder of the bucket is not counted", async () => {
            ec2.on(DescribeFlowLogsCommand).resolves({
                FlowLogs: [
                    { FlowLogId: "fl-0other", ResourceId: "vpc-0ffffffffffffffff", FlowLogStatus: "ACTIVE", DeliverLogsStatus: "SUCCESS", TrafficType: "ALL", LogDestination: "arn:aws:s3:::flow-logs-bucket-1a2b3c4/other-stack" },
                ],
            });
            s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
            const r = await run(["status", "--stack", "dev"], S3_OUTPUTS);
            expect([r.code, r.stderr]).to.deep.equal([0, ""]);
            expect(r.stdout).to.equal(
                [
                    `Flow logs delivering to ${RECORDS_LOCATION} (ap-northeast-2)`,
                    "",
                    "  none: capture is paused by the stack (capture=false)",
                    "",
                    "Newest object: none in the last 24 hours",
                    "",
                    "Capture is paused by the stack (capture=false): it has no flow log, so no file arrives and none is expected. " +
                        `The records already under ${RECORDS_LOCATION} stay readable (diagnose still queries them through Athena); ` +
                        "no file was written in the last 24 hours, so they stop before then. Resume with 'pulumi config set capture true && pulumi up'.",
                    "",
                ].join("\n"),
            );
            expect(ec2.commandCalls(DescribeFlowLogsCommand)[0].args[0].input).to.deep.equal({ Filter: [{ Name: "log-destination-type", Values: ["s3"] }] });
        });

        it("S3: a flow log writing to the paused stack's own folder is named, with what to do", async () => {
            ec2.on(DescribeFlowLogsCommand).resolves({
                FlowLogs: [{ FlowLogId: "fl-0left", ResourceId: "vpc-0123456789abcdef0", FlowLogStatus: "ACTIVE", DeliverLogsStatus: "SUCCESS", TrafficType: "ALL", LogDestination: "arn:aws:s3:::flow-logs-bucket-1a2b3c4" }],
            });
            s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
            const json = statusJson(await run(["status", "--stack", "dev", "--output", "json"], S3_OUTPUTS));
            expect([json.capture, json.findings]).to.deep.equal([
                "paused",
                [
                    "fl-0left (vpc-0123456789abcdef0) delivers to flow-logs-bucket-1a2b3c4 although the stack's capture is paused: not this stack's flow log, " +
                        "so its records keep arriving and costing ingest. Delete it in the VPC console if it is not wanted.",
                ],
            ]);
        });
    });

    describe("diagnose", () => {
        const wholeWindow =
            "Capture is paused by the stack (capture=false) and the whole window (2026-11-26T14:00:00Z to 2026-11-26T15:00:00Z) is after the records stop: " +
            `the newest record in ${GROUP} starts at 2026-11-26T13:20:05Z, and nothing found there is not evidence of anything. ` +
            `Query a window that ends there instead (--end 2026-11-26T13:21:00Z). ${RESUME}`;

        it("still queries a paused stack, and warns on stderr and in JSON when the whole window is after the records stop", async () => {
            groupWithNewestRecord("2026-11-26T13:20:05Z");
            insightsAnswers([]);
            const r = await run([...DIAGNOSE, "--since", "1h"], CW_OUTPUTS);
            expect(r.code, r.stderr).to.equal(0);
            expect(logs.commandCalls(StartQueryCommand)).to.have.length(1);
            expect(r.stderr).to.contain(`warning: ${wholeWindow}\n`);
            expect(diagnosisJson(r).warnings[0]).to.equal(wholeWindow);
            expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)).to.deep.equal([
                { logGroupName: GROUP, startTime: Date.parse("2026-11-25T15:00:00Z"), startFromHead: false, limit: 1 },
            ]);
        });

        it("warns about the window's part after the records stop, and not for a window that ends before", async () => {
            groupWithNewestRecord("2026-11-26T13:20:05Z");
            insightsAnswers([outboundRow("13:10")]);
            const partial = await run([...DIAGNOSE, "--start", "2026-11-26T13:00:00Z", "--end", "2026-11-26T14:00:00Z"], CW_OUTPUTS);
            const message =
                "Capture is paused by the stack (capture=false): the records stop at 2026-11-26T13:20:05Z " +
                `(the newest record in ${GROUP} starts at that time), so the window's part from then to 2026-11-26T14:00:00Z holds no record ` +
                `and nothing found there is not evidence of anything. For only the recorded part, use --end 2026-11-26T13:21:00Z. ${RESUME}`;
            expect(diagnosisJson(partial).warnings).to.deep.equal([message]);
            expect(partial.stderr).to.contain(`warning: ${message}\n`);

            const before = await run([...DIAGNOSE, "--start", "2026-11-26T12:00:00Z", "--end", "2026-11-26T13:00:00Z"], CW_OUTPUTS);
            expect(diagnosisJson(before).warnings).to.deep.equal([]);
            expect(before.stderr).to.not.contain("capture");
        });

        it("a stack without the output (capture on) reads no newest record and gets no pause warning", async () => {
            groupWithNewestRecord("2026-11-26T13:20:05Z");
            insightsAnswers([]);
            const { capture: _, ...older } = CW_OUTPUTS;
            const r = await run([...DIAGNOSE, "--start", "2026-11-26T13:00:00Z", "--end", "2026-11-26T14:00:00Z"], older);
            expect(r.code, r.stderr).to.equal(0);
            expect(logs.commandCalls(FilterLogEventsCommand)).to.have.length(0);
            expect(diagnosisJson(r).warnings).to.deep.equal([]);
        });

        it("says where the records stop is unknown when reading the newest record is denied, and still queries", async () => {
            groupWithNewestRecord(undefined);
            logs.on(FilterLogEventsCommand).rejects(Object.assign(new Error("User is not authorized to perform: logs:FilterLogEvents"), { name: "AccessDeniedException" }));
            insightsAnswers([]);
            const r = await run([...DIAGNOSE, "--start", "2026-11-26T13:00:00Z", "--end", "2026-11-26T14:00:00Z"], CW_OUTPUTS);
            expect(r.code, r.stderr).to.equal(0);
            expect(diagnosisJson(r).warnings).to.deep.equal([
                "Capture is paused by the stack (capture=false): its records stop where it was paused, which could not be read " +
                    "(AWS denied logs:FilterLogEvents in ap-northeast-2: User is not authorized to perform: logs:FilterLogEvents " +
                    "Reading the newest record needs these IAM actions: logs:FilterLogEvents (see docs/iam.md for a policy).); " +
                    `any part of the window after that holds no record and nothing found there is not evidence of anything. ${RESUME}`,
            ]);
            expect(logs.commandCalls(StartQueryCommand)).to.have.length(1);
        });

        it("S3: the newest file under the records' prefix tells where the records stop; Athena still runs", async () => {
            const prefix = "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-2/year=2026/month=11/day=26/";
            s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
            s3.on(ListObjectsV2Command, { Bucket: "flow-logs-bucket-1a2b3c4", Prefix: `${prefix}hour=14/` }).resolves({
                Contents: [{ Key: `${prefix}hour=14/a.log.parquet`, LastModified: new Date("2026-11-26T14:10:00Z"), Size: 900 }],
            });
            athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "qe-paused" });
            athena.on(GetQueryExecutionCommand).resolves({
                QueryExecution: { QueryExecutionId: "qe-paused", Status: { State: "SUCCEEDED" }, Statistics: { DataScannedInBytes: 1_000_000 } },
            });
            athena.on(AthenaResultsCommand).resolves({
                ResultSet: {
                    ResultSetMetadata: { ColumnInfo: ["records", "action"].map((Name) => ({ Name, Type: "varchar" })) },
                    Rows: [{ Data: [{ VarCharValue: "records" }, { VarCharValue: "action" }] }],
                },
            });
            const r = await run([...DIAGNOSE, "--since", "1h"], S3_OUTPUTS);
            expect(r.code, r.stderr).to.equal(0);
            const message =
                "Capture is paused by the stack (capture=false): the records stop at 2026-11-26T14:10:00Z " +
                `(the newest file under ${RECORDS_LOCATION} was written at that time), so the window's part from then to 2026-11-26T15:00:00Z holds no record ` +
                `and nothing found there is not evidence of anything. For only the recorded part, use --end 2026-11-26T14:11:00Z. ${RESUME}`;
            expect(diagnosisJson(r).warnings[0]).to.equal(message);
            expect(r.stderr).to.contain(`warning: ${message}\n`);
            expect(athena.commandCalls(StartQueryExecutionCommand)).to.have.length(1);
        });
    });

    describe("pausedCaptureWarning (property)", () => {
        it("warns exactly when the window ends after the records stop, and calls the whole window lost exactly when it starts at or after", () => {
            // Windows of whole minutes (as --since and ISO minutes give), stops anywhere near them to the
            // second: boundaries (stop at the window's start or end, or a second off) come up often.
            const second = fc.integer({ min: 0, max: 6 * 3600 });
            const stopNear = fc.tuple(fc.integer({ min: 0, max: 360 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: -90, max: 90 }));
            fc.assert(
                fc.property(stopNear, second, ([startMinute, minutes, offsetSeconds], extra) => {
                    const window = { start: startMinute * 60, end: (startMinute + minutes + 1) * 60 };
                    // Near the start or the end of the window, or anywhere.
                    const anchor = [window.start, window.end, extra][Math.abs(offsetSeconds) % 3];
                    const at = Math.max(0, anchor + offsetSeconds) * 1000;
                    const stop: RecordsStop = { outcome: "at", at, evidence: "the newest record starts at" };
                    const message = pausedCaptureWarning(window, stop);
                    expect(message === undefined).to.equal(window.end * 1000 <= at);
                    expect(message?.includes("the whole window") ?? false).to.equal(window.start * 1000 >= at && window.end * 1000 > at);
                    const before = pausedCaptureWarning(window, { outcome: "before", since: at, evidence: "no record" });
                    expect(before === undefined).to.equal(window.end * 1000 <= at);
                    expect(pausedCaptureWarning(window, { outcome: "unknown", reason: "denied" })).to.be.a("string");
                }),
                { seed: 25, numRuns: 300 },
            );
        });
    });
});

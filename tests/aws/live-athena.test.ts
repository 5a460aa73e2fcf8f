/**
 * The Athena side of the live diagnosis, with aws-sdk-client-mock: the runner through every query
 * state, paginated results and errors; the CLI on an S3 stack and with --athena-table; status for
 * an S3 stack. Response shapes follow the Athena API reference (GetQueryExecution's
 * QueryExecution.Status/Statistics, GetQueryResults' ResultSet with the column names as the first
 * row of the first page) and S3's ListObjectsV2.
 */
import { expect } from "chai";
import {
    GetQueryExecutionCommand,
    GetQueryExecutionOutput,
    GetQueryResultsCommand,
    StartQueryExecutionCommand,
    StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { DescribeFlowLogsCommand } from "@aws-sdk/client-ec2";
import { AthenaQueryError, AthenaRunnerOptions, runAthenaQuery } from "../../analysis/aws/athenaQueryRunner";
import { athenaQueryCostUsd } from "../../analysis/app/athenaDiagnosis";
import { CommandRunner } from "../../analysis/aws/stackSource";
import { diagnosisJson, statusJson } from "../helpers/jsonContract";
import { mockAwsClasses, offlineIo, runCli, testClient } from "../helpers/mockedAws";

const aws = mockAwsClasses("athena", "s3", "ec2");
const { athena, s3, ec2 } = aws.mocks;
const client = testClient("athena", "ap-northeast-2");

const REQUEST = { queryString: "SELECT 1", workGroup: "vpc-flow-logs-dev", database: "vpc_flow_logs_dev", limit: 3 };
/** A GetQueryExecution answer; the state is a plain string so unknown states can be tested. */
const execution = (State: string, bytes?: number, extra: Record<string, unknown> = {}): GetQueryExecutionOutput =>
    ({
        QueryExecution: { QueryExecutionId: "qe-1", Status: { State, ...extra }, ...(bytes !== undefined ? { Statistics: { DataScannedInBytes: bytes } } : {}) },
    }) as GetQueryExecutionOutput;
const resultSet = (columns: string[], rows: (string | undefined)[][], withHeader: boolean, NextToken?: string) => ({
    ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ Name: c, Label: c, Type: "varchar" })) },
        Rows: [...(withHeader ? [columns] : []), ...rows].map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) })),
    },
    ...(NextToken ? { NextToken } : {}),
});

function fakeTime() {
    let clock = 0;
    const sleeps: number[] = [];
    const options: Pick<AthenaRunnerOptions, "sleep" | "now"> = {
        now: () => clock,
        sleep: async (ms: number) => {
            sleeps.push(ms);
            clock += ms;
        },
    };
    return { options, sleeps };
}

async function failureOf(promise: Promise<unknown>): Promise<AthenaQueryError> {
    try {
        await promise;
    } catch (err) {
        expect(err).to.be.instanceOf(AthenaQueryError);
        return err as AthenaQueryError;
    }
    throw new Error("expected the query to fail");
}

describe("Athena query runner", () => {
    beforeEach(() => athena.reset());

    it("polls QUEUED and RUNNING with growing pauses, then reads every page, the header row left out", async () => {
        athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "qe-1" });
        athena.on(GetQueryExecutionCommand)
            .resolvesOnce(execution("QUEUED"))
            .resolvesOnce(execution("RUNNING", 1_000_000))
            .resolves(execution("SUCCEEDED", 5_000_000));
        athena.on(GetQueryResultsCommand, { QueryExecutionId: "qe-1", MaxResults: 1000, NextToken: undefined }).resolves(resultSet(["records", "srcaddr"], [["1", "10.0.1.25"]], true, "page-2"));
        athena.on(GetQueryResultsCommand, { QueryExecutionId: "qe-1", MaxResults: 1000, NextToken: "page-2" }).resolves(resultSet(["records", "srcaddr"], [["2", undefined]], false));
        const time = fakeTime();
        const progress: string[] = [];
        const result = await runAthenaQuery(client, REQUEST, { ...time.options, timeoutMs: 60000, onProgress: (p) => progress.push(`${p.state} ${p.bytesScanned} ${p.elapsedMs}`) });
        expect(result).to.deep.equal({ queryExecutionId: "qe-1", columns: ["records", "srcaddr"], rows: [["1", "10.0.1.25"], ["2", undefined]], bytesScanned: 5_000_000, capHit: false });
        expect(time.sleeps).to.deep.equal([1000, 1500]);
        expect(progress).to.deep.equal(["QUEUED 0 0", "RUNNING 1000000 1000", "SUCCEEDED 5000000 2500"]);
        expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input).to.deep.equal({
            QueryString: "SELECT 1",
            WorkGroup: "vpc-flow-logs-dev",
            QueryExecutionContext: { Database: "vpc_flow_logs_dev" },
        });
        expect(athena.commandCalls(GetQueryResultsCommand)).to.have.length(2);
        expect(athena.commandCalls(StopQueryExecutionCommand)).to.have.length(0);
    });

    it("says the limit was hit when the query returns as many rows as its LIMIT", async () => {
        athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "qe-1" });
        athena.on(GetQueryExecutionCommand).resolves(execution("SUCCEEDED", 10));
        athena.on(GetQueryResultsCommand).resolves(resultSet(["records"], [["1"], ["2"], ["3"]], true));
        expect((await runAthenaQuery(client, REQUEST, { ...fakeTime().options, timeoutMs: 1000 })).capHit).to.equal(true);
    });

    const failures: [string, Record<string, unknown>, AthenaQueryError["kind"], string][] = [
        [
            "FAILED with Athena's reason",
            { State: "FAILED", StateChangeReason: "TABLE_NOT_FOUND: line 2:6: Table 'awsdatacatalog.vpc_flow_logs_dev.flow_logs' does not exist" },
            "Failed",
            "The Athena query failed (query execution qe-1): TABLE_NOT_FOUND: line 2:6: Table 'awsdatacatalog.vpc_flow_logs_dev.flow_logs' does not exist",
        ],
        [
            "FAILED for access, naming the actions",
            { State: "FAILED", StateChangeReason: "Access denied when writing output to url: s3://results/athena-results/qe-1.csv" },
            "AccessDenied",
            "The Athena query failed for lack of access (query execution qe-1): Access denied when writing output to url: s3://results/athena-results/qe-1.csv\n" +
                "The query needs: athena:StartQueryExecution; athena:GetQueryExecution; athena:GetQueryResults; athena:StopQueryExecution; glue:GetDatabase; glue:GetTable; " +
                "s3:GetObject and s3:ListBucket on the flow-log bucket; s3:GetBucketLocation, s3:GetObject and s3:PutObject on the workgroup's result location; " +
                    "kms:Decrypt and kms:GenerateDataKey on the stack's KMS key, when it has one (kmsKeyArn).",
        ],
        [
            "CANCELLED at the workgroup's cutoff",
            { State: "CANCELLED", StateChangeReason: "Query cancelled! : Bytes scanned limit was exceeded" },
            "CutoffExceeded",
            "Athena stopped the query at the workgroup's bytes-scanned cutoff (Query cancelled! : Bytes scanned limit was exceeded; 1000.0 MB scanned, query execution qe-1). " +
                "Narrow the window (--since, --start/--end) or the addresses, or raise the cutoff: 'pulumi config set athenaBytesScannedCutoffMb <MB>' and 'pulumi up' (workgroup vpc-flow-logs-dev).",
        ],
        ["CANCELLED by someone else", { State: "CANCELLED", StateChangeReason: "Query cancelled by user" }, "Cancelled", "The Athena query was cancelled by someone else (query execution qe-1): Query cancelled by user"],
        ["an unknown state", { State: "PAUSED" }, "Unknown", "Athena reported state 'PAUSED' for query execution qe-1; its result cannot be trusted."],
    ];
    for (const [what, status, kind, message] of failures) {
        it(`reports ${what}, never a result`, async () => {
            athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "qe-1" });
            athena.on(GetQueryExecutionCommand).resolvesOnce(execution("RUNNING")).resolves(execution(status.State as string, 1_000_000_000, status));
            const err = await failureOf(runAthenaQuery(client, REQUEST, { ...fakeTime().options, timeoutMs: 60000 }));
            expect([err.kind, err.message]).to.deep.equal([kind, message]);
            expect(athena.commandCalls(GetQueryResultsCommand)).to.have.length(0);
        });
    }

    it("stops the query when the wait runs out", async () => {
        athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "qe-1" });
        athena.on(GetQueryExecutionCommand).resolves(execution("RUNNING"));
        athena.on(StopQueryExecutionCommand).resolves({});
        const err = await failureOf(runAthenaQuery(client, REQUEST, { ...fakeTime().options, timeoutMs: 3000 }));
        expect([err.kind, err.message]).to.deep.equal([
            "TimedOutWaiting",
            "The Athena query did not finish within 3 s and was stopped (query execution qe-1). Narrow the window, or allow longer with --timeout.",
        ]);
        expect(athena.commandCalls(StopQueryExecutionCommand)[0].args[0].input).to.deep.equal({ QueryExecutionId: "qe-1" });
    });

    it("stops the query when polling fails or throttling outlasts the retries, and not when Athena ended it", async () => {
        const outcomes: [string, () => void, boolean][] = [
            ["a network error", () => athena.on(GetQueryExecutionCommand).rejects(Object.assign(new Error("socket hang up"), { name: "Error" })), true],
            ["throttling past the retries", () => athena.on(GetQueryExecutionCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" })), true],
            ["FAILED", () => athena.on(GetQueryExecutionCommand).resolves(execution("FAILED")), false],
        ];
        const stopped: [string, number][] = [];
        for (const [what, arrange] of outcomes) {
            athena.reset();
            athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "qe-9" });
            athena.on(StopQueryExecutionCommand).resolves({});
            arrange();
            let failed = false;
            await runAthenaQuery(client, REQUEST, { ...fakeTime().options, timeoutMs: 600000 }).catch(() => (failed = true));
            expect(failed, what).to.equal(true);
            stopped.push([what, athena.commandCalls(StopQueryExecutionCommand).length]);
        }
        expect(stopped).to.deep.equal(outcomes.map(([what, , stops]) => [what, stops ? 1 : 0]));
    });

    it("stops the query on Ctrl-C (an aborted signal)", async () => {
        athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "qe-1" });
        athena.on(GetQueryExecutionCommand).resolves(execution("RUNNING"));
        athena.on(StopQueryExecutionCommand).resolves({});
        const controller = new AbortController();
        const err = await failureOf(
            runAthenaQuery(client, REQUEST, {
                timeoutMs: 60000,
                signal: controller.signal,
                sleep: async () => {
                    controller.abort();
                    throw new Error("aborted");
                },
            }),
        );
        expect(err.kind).to.equal("Interrupted");
        expect(athena.commandCalls(StopQueryExecutionCommand)).to.have.length(1);
    });

    it("retries throttling with backoff, and gives up after the retries with what to do", async () => {
        const throttled = Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" });
        athena.on(StartQueryExecutionCommand).rejectsOnce(throttled).resolves({ QueryExecutionId: "qe-1" });
        athena.on(GetQueryExecutionCommand).resolves(execution("SUCCEEDED", 0));
        athena.on(GetQueryResultsCommand).resolves(resultSet(["records"], [], true));
        const time = fakeTime();
        expect((await runAthenaQuery(client, REQUEST, { ...time.options, timeoutMs: 60000 })).rows).to.deep.equal([]);
        expect(time.sleeps).to.deep.equal([1000]);

        athena.reset();
        athena.on(StartQueryExecutionCommand).rejects(throttled);
        const err = await failureOf(runAthenaQuery(client, REQUEST, { ...fakeTime().options, timeoutMs: 60000, maxRetries: 2 }));
        expect([err.kind, err.message]).to.deep.equal([
            "Throttled",
            "Athena kept refusing the request (TooManyRequestsException), 3 attempts made: too many queries at once in this account, or a passing outage. Try again in a minute.",
        ]);
    });

    it("prices a query at $5 per TB with Athena's 10 MB minimum", () => {
        expect([athenaQueryCostUsd(0), athenaQueryCostUsd(1_000), athenaQueryCostUsd(2.5e9), athenaQueryCostUsd(1e12)]).to.deep.equal([0, 0.00005, 0.0125, 5]);
    });
});

const NOW = new Date("2026-11-26T15:00:00Z");
const ENI = "eni-0a1b2c3d4e5f60718";
const COLUMNS = ["records", "packets_total", "bytes_total", "first_start", "last_end", "interface_id", "srcaddr", "dstaddr", "action", "log_status", "minute"];
const at = (iso: string) => String(Date.parse(iso) / 1000);
function athenaRow(minute: string, direction: "out" | "in", action: string, records: number): string[] {
    const [src, dst] = direction === "out" ? ["10.0.1.25", "52.219.204.42"] : ["52.219.204.42", "10.0.1.25"];
    return [String(records), String(records * 3), String(records * 180), at(`2026-11-26T${minute}:05Z`), at(`2026-11-26T${minute}:50Z`), ENI, src, dst, action, "OK", `2026-11-26 ${minute}:00`];
}

const S3_OUTPUTS = {
    destination: "s3",
    region: "ap-northeast-2",
    logFormat: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
    trafficType: "ALL",
    flowLogIds: { "vpc-0123456789abcdef0": "fl-0abc" },
    bucketName: "flow-logs-bucket-1a2b3c4",
    recordsLocation: "s3://flow-logs-bucket-1a2b3c4/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-2/",
    athenaDatabase: "vpc_flow_logs_dev",
    athenaTable: "flow_logs",
    athenaWorkgroup: "vpc-flow-logs-dev",
};

async function run(argv: string[], runCommand?: CommandRunner) {
    const regions = { athena: [] as string[] };
    const r = await runCli(argv, { ...offlineIo(NOW), runCommand, ...aws.makers(regions) });
    return { ...r, regions: regions.athena };
}

const stack: CommandRunner = async () => ({ stdout: JSON.stringify(S3_OUTPUTS) });

function answers(rows: string[][], bytes = 250_000_000) {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "qe-live" });
    athena.on(GetQueryExecutionCommand).resolvesOnce(execution("RUNNING", 1_000_000)).resolves(execution("SUCCEEDED", bytes));
    athena.on(GetQueryResultsCommand).resolves(resultSet(COLUMNS, rows, true));
}

describe("vpc-flow-diagnose on flow logs in S3 (Athena, mocked)", () => {
    beforeEach(() => aws.reset());

    it("runs through Athena for an S3 stack: the partitions of the window, the verdict on stdout, progress and cost on stderr", async () => {
        answers([athenaRow("14:20", "out", "ACCEPT", 3), athenaRow("14:21", "out", "ACCEPT", 3)]);
        const r = await run(["--stack", "dev", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--start", "2026-11-26T14:00:00Z", "--end", "2026-11-26T14:40:00Z", "--output", "json"], stack);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.regions).to.deep.equal(["ap-northeast-2"]);
        const out = diagnosisJson(r);
        expect([out.verdict, out.counts, out.packets.outbound]).to.deep.equal(["routing", { outbound: { accept: 6, reject: 0 }, inbound: { accept: 0, reject: 0 } }, { accept: 18, reject: 0 }]);
        expect({ ...out.query, queryString: undefined }).to.deep.equal({
            service: "athena",
            queryExecutionId: "qe-live",
            table: "vpc_flow_logs_dev.flow_logs",
            workgroup: "vpc-flow-logs-dev",
            region: "ap-northeast-2",
            window: { start: "2026-11-26T14:00:00Z", end: "2026-11-26T14:40:00Z" },
            bytesScanned: 250000000,
            costUsd: 0.00125,
            rows: 2,
            capHit: false,
            queryString: undefined,
        });
        const sent = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
        expect([sent.WorkGroup, sent.QueryExecutionContext, sent.QueryString]).to.deep.equal(["vpc-flow-logs-dev", { Database: "vpc_flow_logs_dev" }, out.query.queryString]);
        expect(out.query.queryString.split("\n")[2]).to.equal("WHERE (year = '2026' AND month = '11' AND day = '26' AND hour IN ('14'))");
        expect(r.stderr).to.equal(
            "query RUNNING: 1.0 MB scanned, 0 s\nquery SUCCEEDED: 250.0 MB scanned, 0 s\n" +
                "Scanned 250.0 MB of vpc_flow_logs_dev.flow_logs (workgroup vpc-flow-logs-dev) in ap-northeast-2, 2026-11-26T14:00:00Z to 2026-11-26T14:40:00Z; query cost about $0.0013 at $5/TB scanned (10 MB minimum per query).\n",
        );
    });

    it("puts the row-limit warning in the JSON's warnings as well as on stderr", async () => {
        answers(Array.from({ length: 10000 }, (_, i) => athenaRow(`14:${String(10 + (i % 20)).padStart(2, "0")}`, "out", "ACCEPT", 1)));
        const r = await run(["--stack", "dev", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--start", "2026-11-26T14:00:00Z", "--end", "2026-11-26T14:40:00Z", "--output", "json"], stack);
        expect(r.code, r.stderr).to.equal(0);
        const out = diagnosisJson(r);
        expect([out.query.rows, out.query.capHit, out.warnings]).to.deep.equal([
            10000,
            true,
            ["The query returned 10000 rows, its limit: some evidence is missing. Narrow the window (--since, --start/--end) or the addresses (--src, --dst)."],
        ]);
    });

    it("takes --athena-table, --workgroup and --region without a stack, and keeps to --eni", async () => {
        answers([athenaRow("14:20", "out", "REJECT", 2)]);
        const r = await run(
            ["--athena-table", "vpc_flow_logs_dev.flow_logs", "--workgroup", "vpc-flow-logs-dev", "--region", "eu-west-1", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--since", "1h", "--eni", ENI, "--output", "json"],
        );
        expect(r.code, r.stderr).to.equal(0);
        expect(r.regions).to.deep.equal(["eu-west-1"]);
        expect(diagnosisJson(r).verdict).to.equal("security-group-or-nacl");
        expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.QueryString).to.contain(`  AND interface_id = '${ENI}'\n`);
    });

    const usage: [string, string[], string][] = [
        ["--athena-table without --workgroup", ["--athena-table", "db.t", "--region", "eu-west-1"], "Missing --workgroup: the Athena workgroup to run the query in, e.g. --workgroup vpc-flow-logs-dev (the stack's athenaWorkgroup output).\n"],
        ["--workgroup without --athena-table", ["--log-group", "/g", "--workgroup", "w", "--region", "eu-west-1"], "--workgroup applies to --athena-table (a stack that delivers to S3 names its own workgroup).\n"],
        ["a bad table", ["--athena-table", "flow_logs", "--workgroup", "w"], "Invalid --athena-table 'flow_logs'. Allowed: <database>.<table>, each of lowercase letters, digits and '_', e.g. vpc_flow_logs_dev.flow_logs.\n"],
        ["--athena-table with --log-group", ["--athena-table", "db.t", "--log-group", "/g"], "Give one of --log-group, --athena-table, not several.\n"],
    ];
    for (const [what, argv, message] of usage) {
        it(`exits 2 for ${what}`, async () => {
            const r = await run([...argv, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--since", "1h"]);
            expect([r.code, r.stdout, r.stderr]).to.deep.equal([2, "", message]);
        });
    }

    it("exits 1 with the query's reason when Athena fails it, and with the workgroup when Athena does not know it", async () => {
        athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "qe-live" });
        athena.on(GetQueryExecutionCommand).resolves(execution("FAILED", 0, { StateChangeReason: "SCHEMA_NOT_FOUND: Schema vpc_flow_logs_dev does not exist" }));
        let r = await run(["--stack", "dev", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--since", "1h"], stack);
        expect([r.code, r.stdout, r.stderr.split("\n").slice(-2)]).to.deep.equal([1, "", ["The Athena query failed (query execution qe-live): SCHEMA_NOT_FOUND: Schema vpc_flow_logs_dev does not exist", ""]]);

        athena.reset();
        athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error("WorkGroup vpc-flow-logs-dev is not found."), { name: "InvalidRequestException" }));
        r = await run(["--stack", "dev", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--since", "1h"], stack);
        expect([r.code, r.stderr]).to.deep.equal([
            1,
            "Athena refused the request in ap-northeast-2: WorkGroup vpc-flow-logs-dev is not found.\n" +
                "Check the workgroup (vpc-flow-logs-dev) and the table (vpc_flow_logs_dev.flow_logs) exist in this region: deploy the stack ('pulumi up'), or pass --region.\n",
        ]);
    });

    it("status: the S3 stack's flow logs and the newest object under the records' prefix, hour by hour back", async () => {
        ec2.on(DescribeFlowLogsCommand).resolves({
            FlowLogs: [{ FlowLogId: "fl-0abc", ResourceId: "vpc-0123456789abcdef0", FlowLogStatus: "ACTIVE", DeliverLogsStatus: "SUCCESS", TrafficType: "ALL", LogDestinationType: "s3" }],
        });
        const prefix = "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-2/year=2026/month=11/day=26/";
        s3.on(ListObjectsV2Command, { Bucket: "flow-logs-bucket-1a2b3c4", Prefix: `${prefix}hour=15/` }).resolves({ KeyCount: 0 });
        s3.on(ListObjectsV2Command, { Bucket: "flow-logs-bucket-1a2b3c4", Prefix: `${prefix}hour=14/`, ContinuationToken: undefined }).resolves({
            Contents: [{ Key: `${prefix}hour=14/a.log.parquet`, LastModified: new Date("2026-11-26T14:50:00Z"), Size: 900 }],
            IsTruncated: true,
            NextContinuationToken: "t2",
        });
        s3.on(ListObjectsV2Command, { Bucket: "flow-logs-bucket-1a2b3c4", Prefix: `${prefix}hour=14/`, ContinuationToken: "t2" }).resolves({
            Contents: [{ Key: `${prefix}hour=14/b.log.parquet`, LastModified: new Date("2026-11-26T14:55:00Z"), Size: 1200 }],
        });
        const r = await run(["status", "--stack", "dev"], stack);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.equal(
            [
                `Flow logs delivering to ${S3_OUTPUTS.recordsLocation} (ap-northeast-2)`,
                "",
                "  fl-0abc  vpc-0123456789abcdef0  ACTIVE  delivery SUCCESS  filter ALL",
                "",
                `Newest object: ${prefix}hour=14/b.log.parquet (1200 bytes), written 2026-11-26T14:55:00.000Z, 5 min ago`,
                "",
                "Delivery looks healthy.",
                "",
            ].join("\n"),
        );
        expect(ec2.commandCalls(DescribeFlowLogsCommand)[0].args[0].input).to.deep.equal({ Filter: [{ Name: "flow-log-id", Values: ["fl-0abc"] }] });
        expect(s3.commandCalls(ListObjectsV2Command)).to.have.length(3);
    });

    it("status: says what to check when nothing arrived and delivery failed", async () => {
        ec2.on(DescribeFlowLogsCommand).resolves({
            FlowLogs: [
                {
                    FlowLogId: "fl-0abc", ResourceId: "vpc-0123456789abcdef0", FlowLogStatus: "ACTIVE", DeliverLogsStatus: "FAILED",
                    DeliverLogsErrorMessage: "Access error", TrafficType: "ALL", CreationTime: new Date("2026-11-25T10:00:00Z"),
                },
            ],
        });
        s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
        const r = await run(["status", "--stack", "dev", "--output", "json"], stack);
        expect(r.code, r.stderr).to.equal(0);
        const report = statusJson(r);
        const policy =
            "Check that the bucket policy lets delivery.logs.amazonaws.com put objects under 's3://flow-logs-bucket-1a2b3c4/AWSLogs/aws-account-id=123456789012/*' and read the bucket ACL " +
            "(the stack attaches it to its own bucket; for existingBucketArn, the bucketPolicy output), and with a KMS key that its key policy allows delivery.logs.amazonaws.com (kms:GenerateDataKey*).";
        expect(report.findings).to.deep.equal([
            `Flow log fl-0abc (vpc-0123456789abcdef0) cannot deliver: Access error. ${policy}`,
            `No object under ${S3_OUTPUTS.recordsLocation} in the last 24 hours. Is there traffic on the logged interfaces? Is this the stack's region? ${policy}`,
        ]);
        expect(s3.commandCalls(ListObjectsV2Command)).to.have.length(24);
    });
});

/**
 * The real CLI process against a loopback server that speaks the CloudWatch Logs JSON protocol:
 * proves the wiring (standard AWS_ENDPOINT_URL_* variables, request shapes, output) without AWS.
 */
import { expect } from "chai";
import { CliRun, runCliProcess } from "../helpers/cliProcess";
import { FakeCloudWatchLogs, startFakeCloudWatchLogs } from "../helpers/fakeCloudWatchLogs";
import { diagnosisJson } from "../helpers/jsonContract";


function runCli(argv: string[], endpoint: string): Promise<CliRun> {
    return runCliProcess(argv, { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint });
}

/** `YYYY-MM-DD HH:MM:00.000`, the way bin(1m) prints a minute. */
function minuteText(date: Date): string {
    return date.toISOString().slice(0, 16).replace("T", " ") + ":00.000";
}

describe("vpc-flow-diagnose against a loopback CloudWatch Logs endpoint", () => {
    let server: FakeCloudWatchLogs | undefined;
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    it("runs the query through AWS_ENDPOINT_URL_CLOUDWATCH_LOGS and prints the verdict", async () => {
        const hourAgo = new Date(Date.now() - 3600 * 1000);
        const epoch = Math.floor(hourAgo.getTime() / 1000);
        const row = (srcAddr: string, dstAddr: string, action: string) => [
            { field: "records", value: "2" },
            { field: "packetsTotal", value: "6" },
            { field: "bytesTotal", value: "360" },
            { field: "firstStart", value: String(epoch) },
            { field: "lastEnd", value: String(epoch + 50) },
            { field: "interfaceId", value: "eni-0a1b2c3d4e5f60718" },
            { field: "srcAddr", value: srcAddr },
            { field: "dstAddr", value: dstAddr },
            { field: "action", value: action },
            { field: "logStatus", value: "OK" },
            { field: "bin(1m)", value: minuteText(hourAgo) },
            { field: "@ptr", value: "CmAKJwojMTIzNDU2Nzg5MDEy" },
        ];
        server = await startFakeCloudWatchLogs({
            DescribeLogGroups: [{ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", creationTime: Date.now() - 86400000 }] }],
            DescribeLogStreams: [{ logStreams: [{ logStreamName: "eni-0a1b2c3d4e5f60718-all" }] }],
            StartQuery: [{ queryId: "q-loopback" }],
            GetQueryResults: [
                {
                    status: "Complete",
                    statistics: { recordsMatched: 4, recordsScanned: 5000, bytesScanned: 1000000 },
                    results: [row("10.0.1.25", "52.219.204.42", "ACCEPT"), row("52.219.204.42", "10.0.1.25", "REJECT")],
                },
            ],
        });
        const r = await runCli(
            ["--log-group", "/vpc-flow-logs/dev", "--region", "ap-northeast-2", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--since", "2h", "--output", "json"],
            server.url,
        );
        expect(r.code, r.stderr).to.equal(0);
        const out = diagnosisJson(r);
        expect([out.verdict, out.counts, out.query.queryId, out.query.costUsd]).to.deep.equal([
            "nacl-return-path",
            { outbound: { accept: 2, reject: 0 }, inbound: { accept: 0, reject: 2 } },
            "q-loopback",
            0.000005,
        ]);
        expect(server.requests.map((q) => q.operation)).to.deep.equal(["DescribeLogGroups", "DescribeLogStreams", "StartQuery", "GetQueryResults"]);
        const start = server.requests[2].body;
        expect(start.logGroupName).to.equal("/vpc-flow-logs/dev");
        expect((start.endTime as number) - (start.startTime as number)).to.equal(7200);
        expect(server.requests[3].body).to.deep.equal({ queryId: "q-loopback" });
        expect(r.stderr).to.contain("Scanned 5000 records (1.0 MB) of /vpc-flow-logs/dev in ap-northeast-2");
    });

    it("maps the service's ResourceNotFoundException to the log group and region, exit 1", async () => {
        server = await startFakeCloudWatchLogs({
            DescribeLogGroups: [{ logGroups: [{ logGroupName: "/vpc-flow-logs/dev" }] }],
            DescribeLogStreams: [{ __type: "ResourceNotFoundException", message: "The specified log group does not exist." }],
        });
        const r = await runCli(
            ["--log-group", "/vpc-flow-logs/dev", "--region", "ap-northeast-2", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--since", "1h"],
            server.url,
        );
        expect([r.code, r.stdout]).to.deep.equal([1, ""]);
        expect(r.stderr).to.contain(
            "Log group '/vpc-flow-logs/dev' was not found in ap-northeast-2. Deploy the stack ('pulumi up'), or point at the region it lives in with --region.\n",
        );
    });
});

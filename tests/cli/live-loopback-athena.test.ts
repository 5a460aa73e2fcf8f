/**
 * The real CLI process against a loopback server that speaks Athena's JSON 1.1 protocol
 * (X-Amz-Target AmazonAthena.<operation>), reached through the SDK's standard
 * AWS_ENDPOINT_URL_ATHENA variable: proves the wiring, request shapes and output without AWS.
 */
import { expect } from "chai";
import { CliRun, runCliProcess } from "../helpers/cliProcess";
import { FakeCloudWatchLogs, startFakeCloudWatchLogs } from "../helpers/fakeCloudWatchLogs";
import { diagnosisJson } from "../helpers/jsonContract";

function runCli(argv: string[], endpoint: string): Promise<CliRun> {
    return runCliProcess(argv, { AWS_ENDPOINT_URL_ATHENA: endpoint });
}

describe("vpc-flow-diagnose against a loopback Athena endpoint", () => {
    let server: FakeCloudWatchLogs | undefined;
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    it("runs the query through AWS_ENDPOINT_URL_ATHENA, reads the pages and prints the verdict", async () => {
        const hourAgo = new Date(Date.now() - 3600 * 1000);
        const epoch = Math.floor(hourAgo.getTime() / 1000);
        const minute = hourAgo.toISOString().slice(0, 16).replace("T", " ") + ":00";
        const columns = ["records", "packets_total", "bytes_total", "first_start", "last_end", "interface_id", "srcaddr", "dstaddr", "action", "log_status", "minute"];
        const row = (src: string, dst: string, action: string) => ({
            Data: ["2", "6", "360", String(epoch), String(epoch + 50), "eni-0a1b2c3d4e5f60718", src, dst, action, "OK", minute].map((v) => ({ VarCharValue: v })),
        });
        const metadata = { ColumnInfo: columns.map((c) => ({ Name: c, Label: c, Type: "varchar" })) };
        server = await startFakeCloudWatchLogs({
            StartQueryExecution: [{ QueryExecutionId: "qe-loopback" }],
            GetQueryExecution: [
                { QueryExecution: { QueryExecutionId: "qe-loopback", Status: { State: "RUNNING" } } },
                { QueryExecution: { QueryExecutionId: "qe-loopback", Status: { State: "SUCCEEDED" }, Statistics: { DataScannedInBytes: 20000000 } } },
            ],
            GetQueryResults: [
                { ResultSet: { ResultSetMetadata: metadata, Rows: [{ Data: columns.map((c) => ({ VarCharValue: c })) }, row("10.0.1.25", "52.219.204.42", "ACCEPT")] }, NextToken: "p2" },
                { ResultSet: { ResultSetMetadata: metadata, Rows: [row("52.219.204.42", "10.0.1.25", "REJECT")] } },
            ],
        });
        const r = await runCli(
            [
                "--athena-table", "vpc_flow_logs_dev.flow_logs", "--workgroup", "vpc-flow-logs-dev", "--region", "ap-northeast-2",
                "--src", "10.0.1.25", "--dst", "52.219.204.42", "--since", "2h", "--timeout", "30", "--output", "json",
            ],
            server.url,
        );
        expect(r.code, r.stderr).to.equal(0);
        const out = diagnosisJson(r);
        expect([out.verdict, out.counts, out.query.queryExecutionId, out.query.costUsd]).to.deep.equal([
            "nacl-return-path",
            { outbound: { accept: 2, reject: 0 }, inbound: { accept: 0, reject: 2 } },
            "qe-loopback",
            0.0001,
        ]);
        expect(server.requests.map((q) => q.operation)).to.deep.equal(["StartQueryExecution", "GetQueryExecution", "GetQueryExecution", "GetQueryResults", "GetQueryResults"]);
        const start = server.requests[0].body;
        expect([start.WorkGroup, start.QueryExecutionContext]).to.deep.equal(["vpc-flow-logs-dev", { Database: "vpc_flow_logs_dev" }]);
        expect(start.QueryString).to.equal(out.query.queryString);
        expect(server.requests[4].body).to.deep.equal({ QueryExecutionId: "qe-loopback", MaxResults: 1000, NextToken: "p2" });
        expect(r.stderr).to.contain("Scanned 20.0 MB of vpc_flow_logs_dev.flow_logs (workgroup vpc-flow-logs-dev) in ap-northeast-2");
    });
});

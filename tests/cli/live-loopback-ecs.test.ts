/**
 * The real CLI process, started from an ECS task, against one loopback server that answers ECS,
 * EC2 and CloudWatch Logs through the standard AWS_ENDPOINT_URL_ECS / _EC2 / _CLOUDWATCH_LOGS
 * variables, and a stand-in `pulumi` on PATH for --stack. Proves the wiring and the request shapes
 * (DescribeTasks, the prefix-list calls, StartQuery's group, window and ENI stream filter).
 */
import { expect } from "chai";
import { CliRun, runCliProcess } from "../helpers/cliProcess";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { FakeCloudWatchLogs, startFakeCloudWatchLogs } from "../helpers/fakeCloudWatchLogs";
import { TASK_ENI, TASK_ID, stoppedTaskWire } from "../helpers/ecsFixtures";
import { diagnosisJson } from "../helpers/jsonContract";

const GROUP = "/vpc-flow-logs/dev";

/** A `pulumi` that prints this stack's outputs, as 'pulumi stack output --json' would. */
function fakePulumiDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "fake-pulumi-"));
    const outputs = JSON.stringify({ logGroupName: GROUP, region: "ap-northeast-2", logFormat: "default", trafficType: "ALL" });
    writeFileSync(path.join(dir, "pulumi"), `#!/bin/sh\ncat <<'EOF'\n${outputs}\nEOF\n`);
    chmodSync(path.join(dir, "pulumi"), 0o755);
    return dir;
}

function runCli(argv: string[], endpoint: string, pulumiDir: string): Promise<CliRun> {
    const endpoints = { AWS_ENDPOINT_URL_ECS: endpoint, AWS_ENDPOINT_URL_EC2: endpoint, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint };
    // The stand-in `pulumi` comes first on PATH, so `--stack dev` reads its outputs.
    return runCliProcess(argv, endpoints, pulumiDir);
}

/** `YYYY-MM-DD HH:MM:00.000`, the way bin(1m) prints a minute. */
const minuteText = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().slice(0, 16).replace("T", " ") + ":00.000";

/** The seed task, moved to an hour ago so its window is fully delivered and in the past. */
function recentTask(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const wire = stoppedTaskWire();
    const shift = Math.floor(Date.now() / 1000) - 3600 - (wire.stoppedAt as number);
    return { ...wire, createdAt: (wire.createdAt as number) + shift, stoppedAt: (wire.stoppedAt as number) + shift, ...overrides };
}

function outboundRow(epochSeconds: number, dst: string) {
    return [
        { field: "records", value: "4" },
        { field: "packetsTotal", value: "8" },
        { field: "bytesTotal", value: "480" },
        { field: "firstStart", value: String(epochSeconds) },
        { field: "lastEnd", value: String(epochSeconds + 50) },
        { field: "interfaceId", value: TASK_ENI },
        { field: "srcAddr", value: "10.0.1.25" },
        { field: "dstAddr", value: dst },
        { field: "action", value: "ACCEPT" },
        { field: "logStatus", value: "OK" },
        { field: "bin(1m)", value: minuteText(epochSeconds) },
    ];
}

function logsAnswers(rows: ReturnType<typeof outboundRow>[]) {
    return {
        DescribeLogGroups: [{ logGroups: [{ logGroupName: GROUP, creationTime: Date.now() - 86400000, logGroupClass: "STANDARD" }] }],
        DescribeLogStreams: [{ logStreams: [{ logStreamName: `${TASK_ENI}-all` }] }, { logStreams: [{ logStreamName: `${TASK_ENI}-all` }] }],
        StartQuery: [{ queryId: "q-ecs-loopback" }],
        GetQueryResults: [{ status: "Complete", statistics: { recordsMatched: 4, recordsScanned: 800, bytesScanned: 160000, estimatedBytesSkipped: 5e8 }, results: rows }],
    };
}

describe("vpc-flow-diagnose --ecs-task against a loopback ECS, EC2 and CloudWatch Logs endpoint", () => {
    let server: FakeCloudWatchLogs | undefined;
    let pulumiDir = "";
    beforeEach(() => (pulumiDir = fakePulumiDir()));
    afterEach(async () => {
        await server?.close();
        server = undefined;
        rmSync(pulumiDir, { recursive: true, force: true });
    });

    it("--ecs-task <id> --cluster <c> --stack dev: DescribeTasks, then one query on the task's ENI stream over its window", async () => {
        const task = recentTask();
        server = await startFakeCloudWatchLogs({
            DescribeTasks: [{ tasks: [task], failures: [] }],
            ...logsAnswers([outboundRow((task.createdAt as number) + 30, "52.219.204.42")]),
        });
        const r = await runCli(["--ecs-task", TASK_ID, "--cluster", "web", "--stack", "dev"], server.url, pulumiDir);
        expect(r.code, r.stderr).to.equal(0);
        expect(server.requests.map((q) => q.operation)).to.deep.equal([
            "DescribeTasks",
            "DescribeLogGroups",
            "DescribeLogStreams",
            "DescribeLogStreams",
            "StartQuery",
            "GetQueryResults",
        ]);
        expect(server.requests[0].body).to.deep.equal({ cluster: "web", tasks: [TASK_ID] });
        expect(server.requests[3].body).to.deep.equal({ logGroupName: GROUP, logStreamNamePrefix: TASK_ENI, limit: 50 });
        const start = server.requests[4].body;
        expect([start.logGroupName, start.startTime, start.endTime]).to.deep.equal([GROUP, (task.createdAt as number) - 60, (task.stoppedAt as number) + 600]);
        expect((start.queryString as string).split("\n| ").slice(0, 2)).to.deep.equal([
            `filterIndex @logStream = "${TASK_ENI}-all"`,
            'filter logStatus = "SKIPDATA" or (protocol = 6 and ((srcAddr = "10.0.1.25" and dstAddr = "52.219.204.42" and dstPort = 443) or (srcAddr = "52.219.204.42" and srcPort = 443 and dstAddr = "10.0.1.25")))',
        ]);
        const lines = r.stdout.split("\n");
        expect(lines[0]).to.equal("Verdict: routing (confidence: high)");
        expect(lines).to.include("  Stopped reason: " + (task.stoppedReason as string));
        expect(lines).to.include("  --src 10.0.1.25: the task's private IP on eni-0a1b2c3d4e5f60718 (subnet-0123456789abcdef0), from ECS DescribeTasks");
        expect(lines).to.include("  --dst 52.219.204.42 port 443: the task's stop reason: dial tcp 52.219.204.42:443");
        expect(r.stderr).to.contain(`Scanned 800 records (0.2 MB) of ${GROUP} (log streams ${TASK_ENI}-all) in ap-northeast-2, `);
        expect(r.stderr).to.contain(", about 500.0 MB skipped by the field index; query cost about $0.0000 at $0.005/GB scanned.\n");
    });

    it("--output json, a task whose reason names no address: the S3 prefix list through the EC2 endpoint", async () => {
        const task = recentTask({ stoppedReason: "Essential container in task exited", stopCode: "EssentialContainerExited", containers: [{ name: "app", reason: "OutOfMemoryError: Container killed due to memory usage" }] });
        server = await startFakeCloudWatchLogs({
            DescribeTasks: [{ tasks: [task], failures: [] }],
            DescribeManagedPrefixLists: [
                '<DescribeManagedPrefixListsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><prefixListSet><item>' +
                    "<prefixListId>pl-78a54011</prefixListId><addressFamily>IPv4</addressFamily><state>create-complete</state>" +
                    "<prefixListArn>arn:aws:ec2:ap-northeast-2:aws:prefix-list/pl-78a54011</prefixListArn><prefixListName>com.amazonaws.ap-northeast-2.s3</prefixListName>" +
                    "<version>3</version><ownerId>AWS</ownerId></item></prefixListSet></DescribeManagedPrefixListsResponse>",
            ],
            GetManagedPrefixListEntries: [
                '<GetManagedPrefixListEntriesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-2</requestId><entrySet>' +
                    "<item><cidr>52.219.56.0/22</cidr></item><item><cidr>52.219.204.0/22</cidr></item></entrySet></GetManagedPrefixListEntriesResponse>",
            ],
            ...logsAnswers([outboundRow((task.createdAt as number) + 30, "52.219.204.42")]),
        });
        const r = await runCli(["--ecs-task", TASK_ID, "--cluster", "web", "--stack", "dev", "--output", "json"], server.url, pulumiDir);
        expect(r.code, r.stderr).to.equal(0);
        expect(server.requests.slice(0, 3).map((q) => [q.operation, q.body])).to.deep.equal([
            ["DescribeTasks", { cluster: "web", tasks: [TASK_ID] }],
            ["DescribeManagedPrefixLists", { Action: "DescribeManagedPrefixLists", Version: "2016-11-15", "Filter.1.Name": "prefix-list-name", "Filter.1.Value.1": "com.amazonaws.ap-northeast-2.s3" }],
            ["GetManagedPrefixListEntries", { Action: "GetManagedPrefixListEntries", Version: "2016-11-15", PrefixListId: "pl-78a54011" }],
        ]);
        const out = diagnosisJson(r);
        expect(out.sources.dst).to.deep.equal({
            value: ["52.219.56.0/22", "52.219.204.0/22"],
            from: "no address in the task's reasons, so every S3 range of the region: managed prefix list com.amazonaws.ap-northeast-2.s3 (pl-78a54011, version 3, 2 ranges)",
        });
        expect([out.verdict, out.ecsTask.stopCode, out.ecsTask.containers, out.ecsTask.eniId]).to.deep.equal([
            "routing",
            "EssentialContainerExited",
            [{ name: "app", reason: "OutOfMemoryError: Container killed due to memory usage", exitCode: null }],
            TASK_ENI,
        ]);
    });

    it("maps DescribeTasks' MISSING failure to the one-hour retention and what to do, exit 1", async () => {
        server = await startFakeCloudWatchLogs({ DescribeTasks: [{ tasks: [], failures: [{ arn: TASK_ID, reason: "MISSING" }] }] });
        const r = await runCli(["--ecs-task", TASK_ID, "--cluster", "web", "--stack", "dev"], server.url, pulumiDir);
        expect([r.code, r.stdout]).to.deep.equal([1, ""]);
        // (The SDK may print its own Node.js support notice to stderr first.)
        expect(r.stderr).to.contain(
            "Task a1b2c3d4e5f60718293a4b5c6d7e8f90 was not found in cluster 'web' in ap-northeast-2 (DescribeTasks: MISSING). ECS shows a stopped task for only about an hour after it stops.",
        );
    });
});

/**
 * `--ecs-task`, `--eni` and `--dst s3` through the CLI, with ECS, EC2 and CloudWatch Logs mocked
 * per client instance (aws-sdk-client-mock), and the file-mode side of `--dst s3 --ip-ranges`.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    DescribeLogGroupsCommand,
    DescribeLogStreamsCommand,
    GetQueryResultsCommand,
    StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeManagedPrefixListsCommand, GetManagedPrefixListEntriesCommand } from "@aws-sdk/client-ec2";
import { DescribeTasksCommand } from "@aws-sdk/client-ecs";
import { describeEcsTask } from "../../analysis/aws/ecsTasks";
import { s3PrefixListRanges } from "../../analysis/aws/s3PrefixList";
import { FIXTURES, TASK_ARN, TASK_ENI, TASK_ID, sdkTask, stoppedTaskWire } from "../helpers/ecsFixtures";
import { diagnosisJson } from "../helpers/jsonContract";
import { RegionLog, mockAwsInstances, offlineIo, runCli } from "../helpers/mockedAws";

const NOW = new Date("2026-11-26T15:00:00Z");
const GROUP = "/vpc-flow-logs/dev";
const REGION = "ap-northeast-2";
const epoch = (iso: string) => Date.parse(iso) / 1000;
const STOPPED_REASON =
    'CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-ap-northeast-2-starport-layer-bucket.s3.ap-northeast-2.amazonaws.com/...": dial tcp 52.219.204.42:443: i/o timeout';

/** One row of the diagnosis query's result; extra cells for formats with more group-by columns. */
function statsRow(minute: string, direction: "out" | "in", action: string, records: number, dst = "52.219.204.42", extra: { field: string; value: string }[] = []) {
    const [src, to] = direction === "out" ? ["10.0.1.25", dst] : [dst, "10.0.1.25"];
    return [
        { field: "records", value: String(records) },
        { field: "packetsTotal", value: String(records * 3) },
        { field: "bytesTotal", value: String(records * 180) },
        { field: "firstStart", value: String(epoch(`2026-11-26T${minute}:05Z`)) },
        { field: "lastEnd", value: String(epoch(`2026-11-26T${minute}:50Z`)) },
        { field: "interfaceId", value: TASK_ENI },
        { field: "srcAddr", value: src },
        { field: "dstAddr", value: to },
        { field: "action", value: action },
        { field: "logStatus", value: "OK" },
        ...extra,
        { field: "bin(1m)", value: `2026-11-26 ${minute}:00.000` },
    ];
}

/** Fresh clients per test, each mocked on its own instance, and the regions they were made for. */
function world() {
    const aws = mockAwsInstances(REGION, "logs", "ecs", "ec2");
    const regions: RegionLog = { logs: [], ecs: [], ec2: [] };
    const w = {
        ...aws.mocks,
        regions,
        run: (argv: string[]) => runCli(argv, { ...offlineIo(NOW), ...aws.makers(regions) }),
        /** A group with the task's ENI stream, a query that answers `rows`, with a field-index skip. */
        logGroupAnswers(rows: ReturnType<typeof statsRow>[], streams = [`${TASK_ENI}-all`]) {
            w.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, creationTime: Date.parse("2026-11-20T00:00:00Z"), logGroupClass: "STANDARD" }] });
            w.logs.on(DescribeLogStreamsCommand).resolves({ logStreams: streams.map((logStreamName) => ({ logStreamName })) });
            w.logs.on(StartQueryCommand).resolves({ queryId: "q-ecs" });
            w.logs.on(GetQueryResultsCommand).resolves({
                status: "Complete",
                statistics: { recordsScanned: 900, recordsMatched: 12, bytesScanned: 2e5, estimatedBytesSkipped: 7.5e8, estimatedRecordsSkipped: 3e6 },
                results: rows,
            });
        },
        startQuery() {
            return w.logs.commandCalls(StartQueryCommand)[0].args[0].input;
        },
    };
    return w;
}

const S3_PREFIX_LIST = { PrefixListId: "pl-78a54011", PrefixListName: "com.amazonaws.ap-northeast-2.s3", AddressFamily: "IPv4", State: "create-complete" as const, Version: 3, OwnerId: "AWS" };

describe("vpc-flow-diagnose --ecs-task (ECS, EC2 and Logs Insights mocked)", () => {
    it("starts from a stopped task: its IP, ENI, window and the address in its stop reason; only its ENI's streams are read", async () => {
        const w = world();
        w.ecs.on(DescribeTasksCommand).resolves({ tasks: [sdkTask(stoppedTaskWire())], failures: [] });
        w.logGroupAnswers([statsRow("14:02", "out", "ACCEPT", 6), statsRow("14:05", "out", "ACCEPT", 6)]);
        // No --region and no stack: the region comes from the task ARN.
        const r = await w.run(["--ecs-task", TASK_ARN, "--log-group", GROUP, "--output", "json"]);
        expect(r.code, r.stderr).to.equal(0);
        expect(w.regions).to.deep.equal({ logs: [REGION], ecs: [REGION], ec2: [] });
        expect(w.ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input)).to.deep.equal([{ cluster: "web", tasks: [TASK_ARN] }]);
        expect(w.logs.commandCalls(DescribeLogStreamsCommand).map((c) => c.args[0].input)).to.deep.equal([
            { logGroupName: GROUP, limit: 1 },
            { logGroupName: GROUP, logStreamNamePrefix: TASK_ENI, limit: 50 },
        ]);
        expect(w.startQuery()).to.deep.equal({
            logGroupName: GROUP,
            startTime: epoch("2026-11-26T14:00:30Z"),
            endTime: epoch("2026-11-26T14:19:12Z"),
            limit: 10000,
            queryString: [
                `filterIndex @logStream = "${TASK_ENI}-all"`,
                'filter logStatus = "SKIPDATA" or (protocol = 6 and ((srcAddr = "10.0.1.25" and dstAddr = "52.219.204.42" and dstPort = 443) or (srcAddr = "52.219.204.42" and srcPort = 443 and dstAddr = "10.0.1.25")))',
                "stats count(*) as records, sum(packets) as packetsTotal, sum(bytes) as bytesTotal, min(startTime) as firstStart, max(endTime) as lastEnd by interfaceId, srcAddr, dstAddr, action, logStatus, bin(1m)",
                "limit 10000",
            ].join("\n| "),
        });
        const out = diagnosisJson(r);
        expect(out.verdict).to.equal("routing");
        expect(out.ecsTask).to.deep.equal({
            taskArn: TASK_ARN,
            taskId: TASK_ID,
            clusterArn: "arn:aws:ecs:ap-northeast-2:123456789012:cluster/web",
            lastStatus: "STOPPED",
            serviceName: "web-api",
            eniId: TASK_ENI,
            privateIp: "10.0.1.25",
            subnetId: "subnet-0123456789abcdef0",
            createdAt: "2026-11-26T14:01:30Z",
            startedAt: null,
            stoppedAt: "2026-11-26T14:09:12Z",
            stopCode: "TaskFailedToStart",
            stoppedReason: STOPPED_REASON,
            containers: [{ name: "app", reason: STOPPED_REASON, exitCode: null }],
            reasonTargets: [{ address: "52.219.204.42", port: 443 }],
            reasonServices: ["s3"],
        });
        const fromReason = "the task's stop reason: dial tcp 52.219.204.42:443";
        expect(out.sources).to.deep.equal({
            src: { value: ["10.0.1.25"], from: `the task's private IP on ${TASK_ENI} (subnet-0123456789abcdef0), from ECS DescribeTasks` },
            dst: { value: ["52.219.204.42"], from: fromReason },
            port: { value: 443, from: fromReason },
            window: {
                value: { start: "2026-11-26T14:00:30Z", end: "2026-11-26T14:19:12Z" },
                from: "task created at 2026-11-26T14:01:30Z minus 1 min, to stopped at 2026-11-26T14:09:12Z plus 10 min delivery lag",
            },
            eni: { value: TASK_ENI, from: "the task's ENI, from ECS DescribeTasks" },
        });
        expect(out.nextSteps[0].step).to.equal(
            "Image layers come from S3 (bucket prod-ap-northeast-2-starport-layer-bucket): the task's subnet needs a route to S3, the gateway endpoint com.amazonaws.ap-northeast-2.s3 on its route table or a NAT gateway, and its security group must allow 443 out to the S3 prefix list.",
        );
        expect([out.query.logStreams, out.query.bytesSkipped, out.query.recordsSkipped]).to.deep.equal([[`${TASK_ENI}-all`], 7.5e8, 3e6]);
        expect(r.stderr).to.contain(
            `Scanned 900 records (0.2 MB) of ${GROUP} (log streams ${TASK_ENI}-all) in ${REGION}, 2026-11-26T14:00:30Z to 2026-11-26T14:19:12Z, about 750.0 MB skipped by the field index; query cost about $0.0000 at $0.005/GB scanned.\n`,
        );
    });

    it("prints the task, its reason and where each input came from under the verdict (text)", async () => {
        const w = world();
        w.ecs.on(DescribeTasksCommand).resolves({ tasks: [sdkTask(stoppedTaskWire())] });
        w.logGroupAnswers([statsRow("14:02", "out", "ACCEPT", 6)]);
        const r = await w.run(["--ecs-task", TASK_ID, "--cluster", "web", "--log-group", GROUP, "--region", REGION]);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout.split("\n")[0]).to.equal("Verdict: routing (confidence: high)");
        const tail = r.stdout.slice(r.stdout.indexOf("\nECS task:\n") + 1).split("\n");
        expect(tail).to.deep.equal([
            "ECS task:",
            `  Task ${TASK_ID} (service web-api): STOPPED, stop code TaskFailedToStart; ENI ${TASK_ENI}, 10.0.1.25, subnet-0123456789abcdef0`,
            "  Created 2026-11-26T14:01:30Z, started never, stopped 2026-11-26T14:09:12Z",
            `  Stopped reason: ${STOPPED_REASON}`,
            `  Container app: ${STOPPED_REASON}`,
            "",
            "Inputs:",
            `  --src 10.0.1.25: the task's private IP on ${TASK_ENI} (subnet-0123456789abcdef0), from ECS DescribeTasks`,
            "  --dst 52.219.204.42 port 443: the task's stop reason: dial tcp 52.219.204.42:443",
            "  window 2026-11-26T14:00:30Z to 2026-11-26T14:19:12Z: task created at 2026-11-26T14:01:30Z minus 1 min, to stopped at 2026-11-26T14:09:12Z plus 10 min delivery lag",
            `  log streams of ${TASK_ENI} only: the task's ENI, from ECS DescribeTasks`,
            "",
        ]);
        // A bare task id has no cluster of its own: --cluster names it.
        expect(w.ecs.commandCalls(DescribeTasksCommand)[0].args[0].input).to.deep.equal({ cluster: "web", tasks: [TASK_ID] });
    });

    it("a running task with no address in its reasons: its last stretch, and every S3 range from the prefix list", async () => {
        const w = world();
        const running = { ...stoppedTaskWire(), lastStatus: "RUNNING", stopCode: undefined, stoppedReason: undefined, stoppedAt: undefined, createdAt: epoch("2026-11-26T14:40:00Z"), containers: [{ name: "app", lastStatus: "RUNNING" }] };
        w.ecs.on(DescribeTasksCommand).resolves({ tasks: [sdkTask(running)] });
        w.ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [S3_PREFIX_LIST] });
        w.ec2
            .on(GetManagedPrefixListEntriesCommand)
            .resolvesOnce({ Entries: [{ Cidr: "52.219.56.0/22" }], NextToken: "page-2" })
            .resolves({ Entries: [{ Cidr: "52.219.204.0/22" }] });
        w.logGroupAnswers([statsRow("14:50", "out", "ACCEPT", 2), statsRow("14:50", "in", "ACCEPT", 2, "52.219.205.9")]);
        const r = await w.run(["--ecs-task", TASK_ARN, "--log-group", GROUP, "--output", "json"]);
        expect(r.code, r.stderr).to.equal(0);
        expect(w.ec2.commandCalls(DescribeManagedPrefixListsCommand)[0].args[0].input).to.deep.equal({
            Filters: [{ Name: "prefix-list-name", Values: ["com.amazonaws.ap-northeast-2.s3"] }],
        });
        expect(w.ec2.commandCalls(GetManagedPrefixListEntriesCommand).map((c) => c.args[0].input)).to.deep.equal([
            { PrefixListId: "pl-78a54011", NextToken: undefined },
            { PrefixListId: "pl-78a54011", NextToken: "page-2" },
        ]);
        const out = diagnosisJson(r);
        expect(out.sources.dst).to.deep.equal({
            value: ["52.219.56.0/22", "52.219.204.0/22"],
            from: "no address in the task's reasons, so every S3 range of the region: managed prefix list com.amazonaws.ap-northeast-2.s3 (pl-78a54011, version 3, 2 ranges)",
        });
        expect(out.sources.port).to.deep.equal({ value: 443, from: "default" });
        expect(out.sources.window.value).to.deep.equal({ start: "2026-11-26T14:39:00Z", end: "2026-11-26T15:00:00Z" });
        expect([out.ecsTask.stoppedAt, out.ecsTask.stopCode, out.ecsTask.reasonServices]).to.deep.equal([null, null, []]);
        expect((w.startQuery().queryString as string).split("\n| ")[1]).to.equal(
            'filter logStatus = "SKIPDATA" or (protocol = 6 and ((srcAddr = "10.0.1.25" and (isIpInSubnet(dstAddr, "52.219.56.0/22") or isIpInSubnet(dstAddr, "52.219.204.0/22")) and dstPort = 443) or ((isIpInSubnet(srcAddr, "52.219.56.0/22") or isIpInSubnet(srcAddr, "52.219.204.0/22")) and srcPort = 443 and dstAddr = "10.0.1.25")))',
        );
    });

    it("ties records to the task by ecs-task-id with the ecs format", async () => {
        const w = world();
        w.ecs.on(DescribeTasksCommand).resolves({ tasks: [sdkTask(stoppedTaskWire())] });
        const ecsCells = [
            { field: "ecsTaskId", value: TASK_ID },
            { field: "ecsServiceName", value: "web-api" },
        ];
        w.logGroupAnswers([statsRow("14:02", "out", "ACCEPT", 6, undefined, ecsCells), statsRow("14:03", "out", "ACCEPT", 2, undefined, [{ field: "ecsTaskId", value: "-" }, { field: "ecsServiceName", value: "-" }])]);
        const r = await w.run(["--ecs-task", TASK_ARN, "--log-group", GROUP, "--format", "ecs", "--output", "json"]);
        expect(r.code, r.stderr).to.equal(0);
        expect(w.startQuery().queryString).to.contain(" by interfaceId, srcAddr, dstAddr, action, logStatus, tcpFlags, flowDirection, trafficPath, pktSrcAddr, pktDstAddr, ecsTaskId, ecsServiceName, bin(1m)");
        const out = diagnosisJson(r);
        expect(out.ecsTask.flowLogRecords).to.deep.equal({ recordsWithTaskId: 6, recordsWithOtherTaskIds: 0, serviceNames: ["web-api"] });
        expect(out.counts.outbound.accept).to.equal(8);
    });

    it("queries the whole group, with a warning, when the task's ENI has no log stream", async () => {
        const w = world();
        w.ecs.on(DescribeTasksCommand).resolves({ tasks: [sdkTask(stoppedTaskWire())] });
        w.logGroupAnswers([], ["eni-0fffffffffffffff0-all"]);
        const r = await w.run(["--ecs-task", TASK_ARN, "--log-group", GROUP]);
        expect(r.code, r.stderr).to.equal(0);
        expect((w.startQuery().queryString as string).startsWith('filter logStatus = "SKIPDATA"')).to.equal(true);
        expect(r.stderr).to.contain(
            `warning: Log group ${GROUP} has no log stream for ${TASK_ENI}: no flow log covers that interface, or nothing was delivered for it yet. The whole log group is queried instead (all its interfaces are scanned, and paid for).\n`,
        );
    });

    it("puts the no-log-stream warning in the JSON's warnings as well as on stderr", async () => {
        const w = world();
        w.ecs.on(DescribeTasksCommand).resolves({ tasks: [sdkTask(stoppedTaskWire())] });
        w.logGroupAnswers([], ["eni-0fffffffffffffff0-all"]);
        const r = await w.run(["--ecs-task", TASK_ARN, "--log-group", GROUP, "--output", "json"]);
        expect(r.code, r.stderr).to.equal(0);
        const noStream = `Log group ${GROUP} has no log stream for ${TASK_ENI}: no flow log covers that interface, or nothing was delivered for it yet. The whole log group is queried instead (all its interfaces are scanned, and paid for).`;
        // diagnosisJson compares the JSON's warnings with stderr's, in order.
        expect(diagnosisJson(r).warnings).to.include(noStream);
    });

    it("warns, on stderr and in the JSON, when the task's region is not the log group's", async () => {
        const w = world();
        w.ecs.on(DescribeTasksCommand).resolves({ tasks: [sdkTask(stoppedTaskWire())] });
        w.logGroupAnswers([]);
        const outputs = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "live-ecs-")), "outputs.json");
        fs.writeFileSync(outputs, JSON.stringify({ logGroupName: GROUP, region: "eu-west-1", logFormat: "default", trafficType: "ALL" }));
        const r = await w.run(["--ecs-task", TASK_ARN, "--outputs-file", outputs, "--output", "json"]);
        expect(r.code, r.stderr).to.equal(0);
        const otherRegion = "The task is in ap-northeast-2 and the log group in eu-west-1: a flow log only records its own region's interfaces.";
        expect(diagnosisJson(r).warnings[0]).to.equal(otherRegion);
        expect([w.regions.ecs, w.regions.logs]).to.deep.equal([["ap-northeast-2"], ["eu-west-1"]]);
    });

    it("--eni scopes a query without a task; --since wins over nothing else", async () => {
        const w = world();
        w.logGroupAnswers([]);
        const r = await w.run(["--log-group", GROUP, "--region", REGION, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--eni", TASK_ENI, "--since", "1h", "--output", "json"]);
        expect(r.code, r.stderr).to.equal(0);
        expect((w.startQuery().queryString as string).split("\n")[0]).to.equal(`filterIndex @logStream = "${TASK_ENI}-all"`);
        expect(diagnosisJson(r).sources.eni).to.deep.equal({ value: TASK_ENI, from: "--eni" });
        expect(w.ecs.commandCalls(DescribeTasksCommand)).to.have.length(0);
    });

    const usage: [string, string[], string][] = [
        [
            "--ecs-task together with --src",
            ["--ecs-task", TASK_ARN, "--src", "10.0.1.25", "--log-group", GROUP],
            "Give --ecs-task or --src, not both: --ecs-task reads the task's own IP from ECS. For another address, drop --ecs-task and pass --src with --start/--end.\n",
        ],
        ["--ecs-task together with --eni", ["--ecs-task", TASK_ARN, "--eni", TASK_ENI, "--log-group", GROUP], "Give --ecs-task or --eni, not both: --ecs-task reads the task's own ENI from ECS.\n"],
        ["--cluster without --ecs-task", ["--cluster", "web", "--src", "10.0.1.25", "--dst", "s3", "--log-group", GROUP, "--since", "1h"], "--cluster applies to --ecs-task: it names the cluster the task ran in.\n"],
        [
            "a task that is not an ARN or an id",
            ["--ecs-task", "web/123", "--log-group", GROUP],
            "Invalid --ecs-task 'web/123'. Allowed: a task ARN (arn:aws:ecs:<region>:<account>:task/<cluster>/<id>) or a task id (32 hex digits, e.g. 0123456789abcdef0123456789abcdef).\n",
        ],
        [
            "--ip-ranges with an address destination",
            ["--src", "10.0.1.25", "--dst", "52.219.204.42", "--ip-ranges", "x.json", "--log-group", GROUP, "--region", REGION, "--since", "1h"],
            "--ip-ranges applies to --dst s3 or s3:<region> (or --ecs-task without --dst): it is where the S3 ranges come from.\n",
        ],
        [
            "--ecs-task with --input",
            ["--ecs-task", TASK_ARN, "--input", "records.log"],
            "--ecs-task applies to live queries (--stack, --outputs-file or --log-group); with --input, pass the task's private IP as --src (from 'aws ecs describe-tasks').\n",
        ],
        [
            "no --dst and no task",
            ["--src", "10.0.1.25", "--log-group", GROUP, "--region", REGION, "--since", "1h"],
            "Missing --dst: the destination's IP or CIDR, e.g. --dst 52.219.204.42, or --dst s3 for every S3 range of the region.\n",
        ],
    ];
    for (const [name, argv, message] of usage) {
        it(`exits 2 for ${name}`, async () => {
            const w = world();
            const r = await w.run(argv);
            expect([r.code, r.stdout, r.stderr]).to.deep.equal([2, "", message]);
            expect(w.ecs.commandCalls(DescribeTasksCommand)).to.have.length(0);
        });
    }

    it("exits 2 for a task without an ENI (bridge network mode), saying to use the instance's IP and ENI", async () => {
        const w = world();
        const bridge = { ...stoppedTaskWire(), attachments: [], launchType: "EC2", containerInstanceArn: "arn:aws:ecs:ap-northeast-2:123456789012:container-instance/web/5b6c7d8e9f" };
        w.ecs.on(DescribeTasksCommand).resolves({ tasks: [sdkTask(bridge)] });
        const r = await w.run(["--ecs-task", TASK_ARN, "--log-group", GROUP]);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.match(/^Task a1b2c3d4e5f60718293a4b5c6d7e8f90 has no network interface of its own \(network mode bridge or host\): .* then run with --src <instance IP> --eni <eni id> and --start\/--end instead of --ecs-task\.\n$/);
        expect(w.logs.commandCalls(StartQueryCommand)).to.have.length(0);
    });

    const awsFailures: [string, (w: ReturnType<typeof world>) => void, string][] = [
        [
            "a task DescribeTasks no longer knows",
            (w) => w.ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: TASK_ARN, reason: "MISSING" }] }),
            `Task ${TASK_ID} was not found in cluster 'web' in ap-northeast-2 (DescribeTasks: MISSING). ECS shows a stopped task for only about an hour after it stops. ` +
                `Look up the task's private IP and times in the service's events ('aws ecs describe-services --cluster web --services <service> --query "services[0].events[:10]"') or in its logs, ` +
                "then run with --src <task IP> --start <time> --end <time> instead of --ecs-task. Check --cluster and --region too.\n",
        ],
        [
            "a cluster that does not exist",
            (w) => w.ecs.on(DescribeTasksCommand).rejects(Object.assign(new Error("Cluster not found."), { name: "ClusterNotFoundException" })),
            "Cluster 'web' was not found in ap-northeast-2. List the clusters with 'aws ecs list-clusters --region ap-northeast-2', then pass --cluster <name>, or --region for the region the cluster is in.\n",
        ],
        [
            "DescribeTasks denied",
            (w) =>
                w.ecs
                    .on(DescribeTasksCommand)
                    .rejects(Object.assign(new Error("User: arn:aws:iam::123456789012:user/a is not authorized to perform: ecs:DescribeTasks"), { name: "AccessDeniedException" })),
            "AWS denied ecs:DescribeTasks in ap-northeast-2: User: arn:aws:iam::123456789012:user/a is not authorized to perform: ecs:DescribeTasks\n" +
                "The CLI needs these IAM actions: logs:StartQuery, logs:GetQueryResults, logs:StopQuery, logs:DescribeLogGroups, logs:DescribeLogStreams, logs:FilterLogEvents, ec2:DescribeFlowLogs, ecs:DescribeTasks, ec2:DescribeManagedPrefixLists, ec2:GetManagedPrefixListEntries, athena:StartQueryExecution, athena:GetQueryExecution, athena:GetQueryResults, athena:StopQueryExecution, glue:GetDatabase, glue:GetTable, s3:GetBucketLocation, s3:GetObject, s3:PutObject, s3:ListBucket, cloudwatch:DescribeAlarms (see docs/iam.md for a policy).\n",
        ],
    ];
    for (const [name, arrange, message] of awsFailures) {
        it(`exits 1 for ${name}`, async () => {
            const w = world();
            arrange(w);
            const r = await w.run(["--ecs-task", TASK_ARN, "--log-group", GROUP]);
            expect([r.code, r.stdout, r.stderr]).to.deep.equal([1, "", message]);
            expect(w.logs.commandCalls(StartQueryCommand)).to.have.length(0);
        });
    }
});

describe("vpc-flow-diagnose --dst s3", () => {
    it("live: queries the prefix list's ranges and says so in sources", async () => {
        const w = world();
        w.ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [S3_PREFIX_LIST] });
        w.ec2.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: [{ Cidr: "52.219.204.0/22" }] });
        w.logGroupAnswers([statsRow("14:10", "out", "REJECT", 3, "52.219.206.1")]);
        const r = await w.run(["--log-group", GROUP, "--region", REGION, "--src", "10.0.1.25", "--dst", "s3", "--since", "1h", "--output", "json"]);
        expect(r.code, r.stderr).to.equal(0);
        const out = diagnosisJson(r);
        expect([out.verdict, out.conversation.dst, out.sources.dst]).to.deep.equal([
            "security-group-or-nacl",
            ["52.219.204.0/22"],
            { value: ["52.219.204.0/22"], from: "managed prefix list com.amazonaws.ap-northeast-2.s3 (pl-78a54011, version 3, 1 ranges)" },
        ]);
        expect(w.regions.ec2).to.deep.equal([REGION]);
    });

    it("live: --dst s3:<region> with --ip-ranges reads the file, not EC2", async () => {
        const w = world();
        w.logGroupAnswers([]);
        const file = path.join(FIXTURES, "ip-ranges-sample.json");
        const r = await w.run(["--log-group", GROUP, "--region", REGION, "--src", "10.0.1.25", "--dst", "s3:eu-central-1", "--ip-ranges", file, "--since", "1h", "--output", "json"]);
        expect(r.code, r.stderr).to.equal(0);
        expect(diagnosisJson(r).sources.dst).to.deep.equal({
            value: ["52.219.168.0/24"],
            from: `--ip-ranges '${file}': service S3, region eu-central-1 (1 ranges, createDate 2021-01-27-21-34-18)`,
        });
        expect(w.ec2.commandCalls(DescribeManagedPrefixListsCommand)).to.have.length(0);
    });

    it("live: exits 1 when the prefix list is missing or EC2 denies it", async () => {
        const missing = world();
        missing.ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [] });
        const argv = ["--log-group", GROUP, "--region", REGION, "--src", "10.0.1.25", "--dst", "s3", "--since", "1h"];
        const r1 = await missing.run(argv);
        expect([r1.code, r1.stderr]).to.deep.equal([
            1,
            "The managed prefix list com.amazonaws.ap-northeast-2.s3 was not found in ap-northeast-2. Check --region, or give the ranges from AWS's ip-ranges.json with --ip-ranges <file>.\n",
        ]);
        const denied = world();
        denied.ec2.on(DescribeManagedPrefixListsCommand).rejects(Object.assign(new Error("You are not authorized to perform this operation."), { name: "UnauthorizedOperation" }));
        const r2 = await denied.run(argv);
        expect(r2.code).to.equal(1);
        expect(r2.stderr.split("\n")[0]).to.equal(
            "AWS denied ec2:DescribeManagedPrefixLists and ec2:GetManagedPrefixListEntries in ap-northeast-2: You are not authorized to perform this operation.",
        );
    });

    it("files: --dst s3:<region> --ip-ranges matches the region's S3 ranges", async () => {
        const w = world();
        const r = await w.run([
            "--input",
            path.join(FIXTURES, "..", "..", "examples", "s3-timeout.log"),
            "--src",
            "10.0.1.25",
            "--dst",
            "s3:ap-northeast-2",
            "--ip-ranges",
            path.join(FIXTURES, "ip-ranges-sample.json"),
            "--output",
            "json",
        ]);
        expect(r.code, r.stderr).to.equal(0);
        const out = diagnosisJson(r);
        // The region's IPv6 range (2406:da60:f000::/40) is left out without a word: --src is IPv4,
        // a flow never changes address family, and the tool, not the user, chose S3's ranges.
        expect([out.verdict, out.conversation.dst, out.counts.outbound.accept, out.warnings]).to.deep.equal([
            "routing",
            ["3.5.140.0/22", "52.219.60.0/23", "52.219.204.0/22"],
            12,
            [],
        ]);
    });

    const fileUsage: [string, string[], string][] = [
        [
            "plain s3 with --input",
            ["--dst", "s3", "--ip-ranges", "x.json"],
            "With --input, say which region's S3 ranges to use: --dst s3:<region>, e.g. --dst s3:ap-northeast-2 (and --ip-ranges <ip-ranges.json>).\n",
        ],
        [
            "s3:<region> with --input but no --ip-ranges",
            ["--dst", "s3:ap-northeast-2"],
            "--dst s3:ap-northeast-2 with --input needs --ip-ranges <file>: AWS's ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json), downloaded.\n",
        ],
        ["--ip-ranges with an address", ["--dst", "52.219.204.42", "--ip-ranges", "x.json"], "--ip-ranges applies to --dst s3 or s3:<region>: it is where the S3 ranges come from.\n"],
        ["an --ip-ranges file that is not there", ["--dst", "s3:ap-northeast-2", "--ip-ranges", "/nonexistent/ip-ranges.json"], "--ip-ranges '/nonexistent/ip-ranges.json' does not exist.\n"],
    ];
    for (const [name, extra, message] of fileUsage) {
        it(`files: exits 2 for ${name}`, async () => {
            const r = await world().run(["--input", "records.log", "--src", "10.0.1.25", ...extra]);
            expect([r.code, r.stdout, r.stderr]).to.deep.equal([2, "", message]);
        });
    }
});

describe("the ECS and EC2 calls on their own", () => {
    it("describeEcsTask reads a stopped task and passes the cluster through", async () => {
        const { clients: { ecs }, mocks: { ecs: mock } } = mockAwsInstances(REGION, "ecs");
        mock.on(DescribeTasksCommand).resolves({ tasks: [sdkTask(stoppedTaskWire())] });
        const facts = await describeEcsTask(ecs, { task: TASK_ID, taskId: TASK_ID }, "arn:aws:ecs:ap-northeast-2:123456789012:cluster/web", REGION);
        expect([facts.eniId, facts.privateIp, facts.stopCode, facts.stoppedAt]).to.deep.equal([TASK_ENI, "10.0.1.25", "TaskFailedToStart", "2026-11-26T14:09:12Z"]);
        expect(mock.commandCalls(DescribeTasksCommand)[0].args[0].input.cluster).to.equal("arn:aws:ecs:ap-northeast-2:123456789012:cluster/web");
    });

    it("s3PrefixListRanges refuses an empty prefix list", async () => {
        const { clients: { ec2 }, mocks: { ec2: mock } } = mockAwsInstances(REGION, "ec2");
        mock.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [S3_PREFIX_LIST] });
        mock.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: [] });
        let message = "";
        await s3PrefixListRanges(ec2, REGION).catch((e: Error) => (message = e.message));
        expect(message).to.equal("The managed prefix list com.amazonaws.ap-northeast-2.s3 (pl-78a54011) has no entries in ap-northeast-2. Give the ranges with --ip-ranges <file>.");
    });
});

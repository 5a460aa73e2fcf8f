import { expect } from "chai";
import * as path from "path";
import {
    DescribeLogGroupsCommand,
    DescribeLogStreamsCommand,
    FilterLogEventsCommand,
    GetQueryResultsCommand,
    StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeFlowLogsCommand, DescribeNetworkInterfacesCommand } from "@aws-sdk/client-ec2";
import { CommandRunner } from "../../analysis/aws/stackSource";
import { diagnosisJson } from "../helpers/jsonContract";
import { mockAwsClasses, offlineIo, runCli } from "../helpers/mockedAws";

const aws = mockAwsClasses("logs", "ec2");
const { logs, ec2 } = aws.mocks;

const NOW = new Date("2026-11-26T15:00:00Z");
const at = (iso: string) => String(Date.parse(iso) / 1000);
const GROUP = "/vpc-flow-logs/dev";
const ENI = "eni-0a1b2c3d4e5f60718";
const CONVERSATION = ["--src", "10.0.1.25", "--dst", "52.219.204.42"];

/** One row of the diagnosis query's result, as GetQueryResults returns it. */
function statsRow(minute: string, direction: "out" | "in", action: string, records: number) {
    const [src, dst] = direction === "out" ? ["10.0.1.25", "52.219.204.42"] : ["52.219.204.42", "10.0.1.25"];
    return [
        { field: "records", value: String(records) },
        { field: "packetsTotal", value: String(records * 3) },
        { field: "bytesTotal", value: String(records * 180) },
        { field: "firstStart", value: at(`2026-11-26T${minute}:05Z`) },
        { field: "lastEnd", value: at(`2026-11-26T${minute}:50Z`) },
        { field: "interfaceId", value: ENI },
        { field: "srcAddr", value: src },
        { field: "dstAddr", value: dst },
        { field: "action", value: action },
        { field: "logStatus", value: "OK" },
        { field: "bin(1m)", value: `2026-11-26 ${minute}:00.000` },
    ];
}

interface Run {
    code: number;
    stdout: string;
    stderr: string;
    regions: string[];
}

async function run(argv: string[], options: { env?: NodeJS.ProcessEnv; runCommand?: CommandRunner } = {}): Promise<Run> {
    const regions = { logs: [] as string[] };
    const r = await runCli(argv, { ...offlineIo(NOW), env: options.env ?? {}, runCommand: options.runCommand, ...aws.makers(regions) });
    return { ...r, regions: regions.logs };
}

function healthyGroup(creationTime = Date.parse("2026-11-20T00:00:00Z")) {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, creationTime, storedBytes: 1000 }] });
    logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: `${ENI}-all` }] });
}

function queryAnswers(rows: ReturnType<typeof statsRow>[]) {
    logs.on(StartQueryCommand).resolves({ queryId: "q-live" });
    logs.on(GetQueryResultsCommand)
        .resolvesOnce({ status: "Running", statistics: { recordsScanned: 40000, bytesScanned: 4e6, recordsMatched: 10 } })
        .resolves({ status: "Complete", statistics: { recordsScanned: 120000, bytesScanned: 2.5e9, recordsMatched: 30 }, results: rows });
}

const PULUMI_OUTPUTS = JSON.stringify({
    logGroupName: GROUP,
    region: "ap-northeast-2",
    logFormat: "diagnostic",
    trafficType: "ALL",
    flowLogIds: { "vpc-0123456789abcdef0": "fl-0abc" },
});

describe("vpc-flow-diagnose live (Logs Insights, mocked AWS)", () => {
    beforeEach(() => aws.reset());

    it("diagnoses routing from a log group named by hand, with one JSON object on stdout and progress and cost on stderr", async () => {
        healthyGroup();
        queryAnswers([statsRow("14:20", "out", "ACCEPT", 3), statsRow("14:21", "out", "ACCEPT", 3)]);
        const r = await run(["--log-group", GROUP, "--region", "eu-west-1", ...CONVERSATION, "--since", "1h", "--output", "json"]);
        expect(r.code).to.equal(0);
        expect(r.regions).to.deep.equal(["eu-west-1"]);
        const out = diagnosisJson(r);
        expect([out.verdict, out.confidence, out.counts]).to.deep.equal([
            "routing",
            "high",
            { outbound: { accept: 6, reject: 0 }, inbound: { accept: 0, reject: 0 } },
        ]);
        expect(out.query).to.deep.equal({
            queryId: "q-live",
            logGroupName: GROUP,
            region: "eu-west-1",
            window: { start: "2026-11-26T14:00:00Z", end: "2026-11-26T15:00:00Z" },
            recordsScanned: 120000,
            recordsMatched: 30,
            bytesScanned: 2.5e9,
            costUsd: 0.0125,
            rows: 2,
            capHit: false,
            queryString: out.query.queryString,
        });
        expect(logs.commandCalls(StartQueryCommand)[0].args[0].input).to.deep.equal({
            logGroupName: GROUP,
            startTime: Number(at("2026-11-26T14:00:00Z")),
            endTime: Number(at("2026-11-26T15:00:00Z")),
            limit: 10000,
            queryString: [
                'filter logStatus = "SKIPDATA" or (protocol = 6 and ((srcAddr = "10.0.1.25" and dstAddr = "52.219.204.42" and dstPort = 443) or (srcAddr = "52.219.204.42" and srcPort = 443 and dstAddr = "10.0.1.25")))',
                "stats count(*) as records, sum(packets) as packetsTotal, sum(bytes) as bytesTotal, min(startTime) as firstStart, max(endTime) as lastEnd by interfaceId, srcAddr, dstAddr, action, logStatus, bin(1m)",
                "limit 10000",
            ].join("\n| "),
        });
        const lines = r.stderr.split("\n");
        expect(lines.filter((l) => l.startsWith("query ")).map((l) => l.replace(/, \d+ s$/, ""))).to.deep.equal([
            "query Running: 40000 records scanned (4.0 MB)",
            "query Complete: 120000 records scanned (2500.0 MB)",
        ]);
        expect(lines).to.include(
            "warning: The window's last 10 min (from 2026-11-26T14:50:00Z) may not be delivered yet: flow logs reach CloudWatch Logs 5-10 minutes late, so replies in that stretch may still be missing.",
        );
        expect(lines).to.include(
            `Scanned 120000 records (2500.0 MB) of ${GROUP} in eu-west-1, 2026-11-26T14:00:00Z to 2026-11-26T15:00:00Z; query cost about $0.0125 at $0.005/GB scanned.`,
        );
    });

    it("warns on stderr, not only in the JSON, when the records contradict --traffic-type", async () => {
        healthyGroup();
        queryAnswers([statsRow("14:20", "out", "ACCEPT", 3), statsRow("14:21", "out", "REJECT", 2)]);
        const r = await run(["--log-group", GROUP, "--region", "eu-west-1", "--traffic-type", "REJECT", ...CONVERSATION, "--since", "1h", "--output", "json"]);
        expect(r.code).to.equal(0);
        const warning = "The input has 3 ACCEPT records although --traffic-type is REJECT: the flow log probably captures ALL; diagnose again with --traffic-type ALL.";
        const lag =
            "The window's last 10 min (from 2026-11-26T14:50:00Z) may not be delivered yet: flow logs reach CloudWatch Logs 5-10 minutes late, so replies in that stretch may still be missing.";
        expect(r.stderr.split("\n").filter((l) => l.startsWith("warning: "))).to.deep.equal([`warning: ${lag}`, `warning: ${warning}`]);
        expect(diagnosisJson(r).warnings).to.deep.equal([lag, warning]);
        // The query filtered on protocol and port itself: rows without those columns are full matches.
        expect(diagnosisJson(r).evidence).to.deep.equal([
            "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
        ]);
    });

    it("reads log group, region and format from the stack's outputs", async () => {
        healthyGroup();
        queryAnswers([]);
        const commands: string[] = [];
        const r = await run(["--stack", "dev", ...CONVERSATION, "--since", "30m"], {
            runCommand: async (file, args, cwd) => {
                commands.push(`${cwd}$ ${file} ${args.join(" ")}`);
                return { stdout: PULUMI_OUTPUTS };
            },
        });
        expect(r.code).to.equal(0);
        expect(commands).to.deep.equal(["/project$ pulumi stack output --json --stack dev"]);
        expect(r.regions).to.deep.equal(["ap-northeast-2"]);
        expect(logs.commandCalls(StartQueryCommand)[0].args[0].input.queryString).to.equal(
            [
                'parse @message "* * * * * * * * * * * * * * * * * * * * * * *" as version, accountId, interfaceId, srcAddr, dstAddr, srcPort, dstPort, protocol, packets, bytes, startTime, endTime, action, logStatus, vpcId, subnetId, tcpFlags, type, pktSrcAddr, pktDstAddr, flowDirection, trafficPath, pktDstAwsService',
                'filter logStatus = "SKIPDATA" or (protocol = 6 and (((srcAddr = "10.0.1.25" or pktSrcAddr = "10.0.1.25") and (dstAddr = "52.219.204.42" or pktDstAddr = "52.219.204.42") and dstPort = 443) or ((srcAddr = "52.219.204.42" or pktSrcAddr = "52.219.204.42") and srcPort = 443 and (dstAddr = "10.0.1.25" or pktDstAddr = "10.0.1.25"))))',
                "stats count(*) as records, sum(packets) as packetsTotal, sum(bytes) as bytesTotal, min(startTime) as firstStart, max(endTime) as lastEnd by interfaceId, srcAddr, dstAddr, action, logStatus, tcpFlags, flowDirection, trafficPath, pktSrcAddr, pktDstAddr, bin(1m)",
                "limit 10000",
            ].join("\n| "),
        );
        expect(r.stdout.split("\n")[0]).to.equal("Verdict: no-traffic (confidence: medium)");
    });

    it("--format with a field this tool does not know: the query keeps its column by position, with the file mode's warning on stderr and in the JSON", async () => {
        healthyGroup();
        queryAnswers([statsRow("14:20", "out", "ACCEPT", 3), statsRow("14:21", "out", "ACCEPT", 3)]);
        const format = "${version} ${future-field} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";
        const r = await run(["--stack", "dev", "--format", format, ...CONVERSATION, "--since", "1h", "--output", "json"], {
            runCommand: async () => ({ stdout: PULUMI_OUTPUTS }),
        });
        expect([r.code, diagnosisJson(r).verdict]).to.deep.equal([0, "routing"]);
        expect(logs.commandCalls(StartQueryCommand)[0].args[0].input.queryString?.split("\n| ")[0]).to.equal(
            'parse @message "* * * * * * * * * * * * * * *" as version, unknownField2, accountId, interfaceId, srcAddr, dstAddr, srcPort, dstPort, protocol, packets, bytes, startTime, endTime, action, logStatus',
        );
        const warning = "--format has a field this tool does not know yet (future-field): its values are kept as opaque text.";
        expect(r.stderr.split("\n").filter((l) => l.startsWith("warning: "))[0]).to.equal(`warning: ${warning}`);
        expect(diagnosisJson(r).warnings[0]).to.equal(warning);
    });

    it("does not conclude routing from missing replies inside the undelivered tail", async () => {
        healthyGroup();
        queryAnswers([statsRow("14:55", "out", "ACCEPT", 2), statsRow("14:56", "out", "ACCEPT", 2)]);
        const r = await run(["--log-group", GROUP, "--region", "eu-west-1", ...CONVERSATION, "--since", "30m", "--output", "json"]);
        const out = diagnosisJson(r);
        expect([r.code, out.verdict, out.confidence, out.summary, out.confidenceReason, out.nextSteps[0]]).to.deep.equal([
            0,
            "inconclusive",
            "low",
            "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out and no reply is logged yet, but they were sent after 2026-11-26T14:50:00Z, within the delivery lag: the replies may not be delivered yet.",
            "missing return traffic inside the last 10 minutes of the window is not evidence: flow logs are delivered 5-10 minutes late",
            { step: "Run the same command again after 2026-11-26T15:01:00Z, or with --end 2026-11-26T14:50:00Z for only delivered records.", commands: [] },
        ]);
    });

    it("keeps routing when the delivered part of the window already shows it", async () => {
        healthyGroup();
        queryAnswers([statsRow("14:35", "out", "ACCEPT", 2), statsRow("14:55", "out", "ACCEPT", 2)]);
        const r = await run(["--log-group", GROUP, "--region", "eu-west-1", ...CONVERSATION, "--since", "30m", "--output", "json"]);
        expect(diagnosisJson(r).verdict).to.equal("routing");
    });

    it("warns when the row cap is hit, when the window predates the log group, and when it has no streams", async () => {
        logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, creationTime: Date.parse("2026-11-26T14:30:00Z") }] });
        logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [] });
        logs.on(StartQueryCommand).resolves({ queryId: "q-cap" });
        logs.on(GetQueryResultsCommand).resolves({ status: "Complete", results: Array.from({ length: 10000 }, () => statsRow("14:31", "out", "ACCEPT", 1)) });
        const r = await run(["--log-group", GROUP, "--region", "eu-west-1", ...CONVERSATION, "--start", "2026-11-26T14:00:00Z", "--end", "2026-11-26T14:45:00Z"]);
        expect(r.code).to.equal(0);
        expect(r.stderr.split("\n").filter((l) => l.startsWith("warning: "))).to.deep.equal([
            "warning: The window starts at 2026-11-26T14:00:00Z, before the log group was created (2026-11-26T14:30:00Z): nothing before then was logged.",
            `warning: Log group ${GROUP} has no log streams: the flow log has delivered nothing yet. 'vpc-flow-diagnose status' shows its delivery status.`,
            "warning: The query returned 10000 rows, Logs Insights' cap: some evidence is missing. Narrow the window (--since, --start/--end) or the addresses (--src, --dst).",
        ]);
    });

    const awsFailures: [string, () => void, string][] = [
        [
            "a log group that does not exist",
            () => logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] }),
            `Log group '${GROUP}' was not found in eu-west-1. Deploy the stack ('pulumi up'), or point at the region it lives in with --region.\n`,
        ],
        [
            "access denied",
            () => {
                healthyGroup();
                logs.on(StartQueryCommand).rejects(Object.assign(new Error("not authorized to perform: logs:StartQuery"), { name: "AccessDeniedException" }));
            },
            "AWS denied the request in eu-west-1: not authorized to perform: logs:StartQuery\nThe CLI needs these IAM actions: logs:StartQuery, logs:GetQueryResults, logs:StopQuery, logs:DescribeLogGroups, logs:DescribeLogStreams, logs:FilterLogEvents, ec2:DescribeFlowLogs, ecs:DescribeTasks, ec2:DescribeManagedPrefixLists, ec2:GetManagedPrefixListEntries, athena:StartQueryExecution, athena:GetQueryExecution, athena:GetQueryResults, athena:StopQueryExecution, glue:GetDatabase, glue:GetTable, s3:GetBucketLocation, s3:GetObject, s3:PutObject, s3:ListBucket, cloudwatch:DescribeAlarms (see docs/iam.md for a policy).\n",
        ],
        [
            "missing credentials",
            () => logs.on(DescribeLogGroupsCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" })),
            "No AWS credentials were found. Set AWS_PROFILE (and run 'aws sso login' for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again. 'aws sts get-caller-identity' should answer.\n",
        ],
        [
            "a failed query",
            () => {
                healthyGroup();
                logs.on(StartQueryCommand).resolves({ queryId: "q-f" });
                logs.on(GetQueryResultsCommand).resolves({ status: "Failed" });
            },
            "The Logs Insights query failed (query id q-f). Check the query and the log group, then try again.\n",
        ],
    ];
    for (const [what, arrange, message] of awsFailures) {
        it(`exits 1 with an actionable message for ${what}`, async () => {
            arrange();
            const r = await run(["--log-group", GROUP, "--region", "eu-west-1", ...CONVERSATION, "--since", "30m"]);
            const withoutProgress = r.stderr.replace(/^query \w+: .*\n/gm, "");
            expect([r.code, r.stdout, withoutProgress]).to.deep.equal([1, "", message]);
        });
    }

    it("prints the query when Logs Insights calls it malformed", async () => {
        healthyGroup();
        logs.on(StartQueryCommand).rejects(Object.assign(new Error("unexpected symbol"), { name: "MalformedQueryException" }));
        const r = await run(["--log-group", GROUP, "--region", "eu-west-1", ...CONVERSATION, "--since", "30m"]);
        expect(r.code).to.equal(1);
        expect(r.stderr).to.equal(
            "Logs Insights rejected the query: unexpected symbol\nThe query was:\n" +
                'filter logStatus = "SKIPDATA" or (protocol = 6 and ((srcAddr = "10.0.1.25" and dstAddr = "52.219.204.42" and dstPort = 443) or (srcAddr = "52.219.204.42" and srcPort = 443 and dstAddr = "10.0.1.25")))\n' +
                "| stats count(*) as records, sum(packets) as packetsTotal, sum(bytes) as bytesTotal, min(startTime) as firstStart, max(endTime) as lastEnd by interfaceId, srcAddr, dstAddr, action, logStatus, bin(1m)\n" +
                "| limit 10000\n",
        );
    });

    const usage: [string, string[], string, NodeJS.ProcessEnv?][] = [
        ["a file and a live source together", ["--input", "x.log", "--stack", "dev", ...CONVERSATION, "--since", "1h"], "Give --input (records you already have) or a live source (--stack), not both.\n"],
        ["--since with a file", ["--input", "x.log", ...CONVERSATION, "--since", "1h"], "--since applies to live queries (--stack, --outputs-file or --log-group); with --input, use --start and --end.\n"],
        ["--timeout and --cluster with a file", ["--input", "x.log", ...CONVERSATION, "--timeout", "60", "--cluster", "web"], "--timeout, --cluster apply to live queries (--stack, --outputs-file or --log-group).\n"],
        ["--region with a file and no --check-config", ["--input", "x.log", ...CONVERSATION, "--region", "eu-west-1"], "--region applies to live queries (--stack, --outputs-file or --log-group); with --input, --region goes with --check-config.\n"],
        ["two live sources", ["--stack", "dev", "--log-group", GROUP, ...CONVERSATION, "--since", "1h"], "Give one of --stack, --log-group, not several.\n"],
        ["no window", ["--log-group", GROUP, "--region", "eu-west-1", ...CONVERSATION], "A live query needs a time window: --since 30m, or --start (and optionally --end).\n"],
        ["a bad timeout", ["--log-group", GROUP, "--region", "eu-west-1", ...CONVERSATION, "--since", "1h", "--timeout", "0"], "Invalid --timeout '0'. Allowed: seconds from 1 to 3600.\n"],
        ["no region anywhere", ["--log-group", GROUP, ...CONVERSATION, "--since", "1h"], "No AWS region: pass --region, set AWS_REGION, or use --stack so the stack's region is used.\n"],
        ["a bad region", ["--log-group", GROUP, "--region", "Seoul", ...CONVERSATION, "--since", "1h"], "Invalid --region 'Seoul'. Allowed: an AWS region name such as ap-northeast-2 or us-east-1.\n"],
        ["a bad log group name", ["--log-group", "flow logs", "--region", "eu-west-1", ...CONVERSATION, "--since", "1h"], "Invalid --log-group 'flow logs'. Allowed: 1-512 characters of letters, digits, '_', '-', '/', '.', '#'.\n"],
    ];
    for (const [what, argv, message, env] of usage) {
        it(`exits 2 for ${what}`, async () => {
            const r = await run(argv, { env });
            expect([r.code, r.stdout, r.stderr]).to.deep.equal([2, "", message]);
        });
    }

    it("takes the region from AWS_REGION when neither the flag nor the stack gives one", async () => {
        healthyGroup();
        queryAnswers([]);
        const r = await run(["--log-group", GROUP, ...CONVERSATION, "--since", "1h"], { env: { AWS_REGION: "us-west-2" } });
        expect([r.code, r.regions]).to.deep.equal([0, ["us-west-2"]]);
    });

    it("exits 2 with the way forward when the stack has no outputs or pulumi is missing", async () => {
        const empty = await run(["--stack", "dev", ...CONVERSATION, "--since", "1h"], { runCommand: async () => ({ stdout: "{}" }) });
        expect([empty.code, empty.stderr]).to.deep.equal([2, "Stack 'dev' has no outputs: the stack has not been deployed. Run 'pulumi up' first.\n"]);
        const missing = await run(["--stack", "dev", ...CONVERSATION, "--since", "1h"], {
            runCommand: () => Promise.reject(Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" })),
        });
        expect(missing.code).to.equal(2);
        expect(missing.stderr).to.match(/^The 'pulumi' command was not found on PATH\./);
    });

    it("--check-config on a live diagnosis: EC2's AccessDenied is a warning on stderr and in the JSON warnings, the verdict stays", async () => {
        healthyGroup();
        queryAnswers([statsRow("14:20", "out", "ACCEPT", 3), statsRow("14:21", "out", "ACCEPT", 3)]);
        ec2.on(DescribeNetworkInterfacesCommand).rejects(Object.assign(new Error("You are not authorized to perform this operation."), { name: "UnauthorizedOperation" }));
        const r = await run(["--log-group", GROUP, "--region", "eu-west-1", ...CONVERSATION, "--since", "1h", "--check-config", "--eni", ENI, "--output", "json"]);
        const reason =
            "AWS denied ec2:DescribeNetworkInterfaces in eu-west-1: You are not authorized to perform this operation. The configuration check needs these IAM actions: " +
            "ec2:DescribeNetworkInterfaces, ec2:DescribeRouteTables, ec2:DescribeSecurityGroups, ec2:DescribeNetworkAcls, ec2:DescribeVpcEndpoints, ec2:DescribeNatGateways, " +
            "ec2:DescribeInternetGateways, ec2:DescribeVpcPeeringConnections, ec2:DescribeManagedPrefixLists, ec2:GetManagedPrefixListEntries (see docs/iam.md for a policy). The verdict above is the flow logs' alone.";
        // The diagnosis's own warning (the window's end is not delivered yet) comes first, the check's after it.
        const UNDELIVERED =
            "The window's last 10 min (from 2026-11-26T14:50:00Z) may not be delivered yet: flow logs reach CloudWatch Logs 5-10 minutes late, so replies in that stretch may still be missing.";
        const out = diagnosisJson(r);
        expect([r.code, r.stderr.split("\n").filter((l) => l.startsWith("warning: ")), out.verdict, out.warnings, out.config.agreement]).to.deep.equal([
            0,
            [`warning: ${UNDELIVERED}`, `warning: configuration not checked: ${reason}`],
            "routing",
            [UNDELIVERED, `configuration not checked: ${reason}`],
            "not-checked",
        ]);
    });

    it("status: reports the stack's flow logs and log group", async () => {
        ec2.on(DescribeFlowLogsCommand).resolves({
            FlowLogs: [{ FlowLogId: "fl-0abc", ResourceId: "vpc-0123456789abcdef0", FlowLogStatus: "ACTIVE", DeliverLogsStatus: "SUCCESS", TrafficType: "ALL" }],
        });
        logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, storedBytes: 2048, retentionInDays: 7 }] });
        logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: `${ENI}-all`, lastEventTimestamp: Date.parse("2026-11-26T14:58:00Z") }] });
        logs.on(FilterLogEventsCommand).resolves({
            events: [
                {
                    logStreamName: `${ENI}-all`,
                    timestamp: Date.parse("2026-11-26T14:51:00Z"),
                    message: `2 123456789012 ${ENI} 10.0.1.25 52.219.204.42 43310 443 6 3 180 ${at("2026-11-26T14:51:00Z")} ${at("2026-11-26T14:51:55Z")} ACCEPT OK`,
                    ingestionTime: Date.parse("2026-11-26T14:56:02Z"),
                    eventId: "38011516726513917934574546372399423012339563384536334336",
                },
            ],
            searchedLogStreams: [],
        });
        const r = await run(["status", "--stack", "dev"], { runCommand: async () => ({ stdout: PULUMI_OUTPUTS }) });
        expect([r.code, r.stderr]).to.deep.equal([0, ""]);
        expect(r.stdout).to.equal(
            [
                `Flow logs delivering to ${GROUP} (ap-northeast-2)`,
                "",
                "  fl-0abc  vpc-0123456789abcdef0  ACTIVE  delivery SUCCESS  filter ALL",
                "",
                "Log group: 2048 bytes stored, retention 7 days, 1 log streams (ENIs)",
                `Newest record: 2026-11-26T14:51:00.000Z, 9 min ago, in ${ENI}-all (ingested 2026-11-26T14:56:02.000Z), read with FilterLogEvents`,
                "Stream metadata: newest event 2026-11-26T14:58:00.000Z (eventually consistent, not used to judge)",
                "",
                "Delivery looks healthy.",
                "",
            ].join("\n"),
        );
    });

    it("status: exits 1 with the IAM actions when EC2 denies DescribeFlowLogs", async () => {
        ec2.on(DescribeFlowLogsCommand).rejects(Object.assign(new Error("You are not authorized to perform this operation."), { name: "UnauthorizedOperation" }));
        const r = await run(["status", "--log-group", GROUP, "--region", "eu-west-1"]);
        expect([r.code, r.stderr]).to.deep.equal([
            1,
            "AWS denied the request in eu-west-1: You are not authorized to perform this operation.\nThe CLI needs these IAM actions: logs:StartQuery, logs:GetQueryResults, logs:StopQuery, logs:DescribeLogGroups, logs:DescribeLogStreams, logs:FilterLogEvents, ec2:DescribeFlowLogs, ecs:DescribeTasks, ec2:DescribeManagedPrefixLists, ec2:GetManagedPrefixListEntries, athena:StartQueryExecution, athena:GetQueryExecution, athena:GetQueryResults, athena:StopQueryExecution, glue:GetDatabase, glue:GetTable, s3:GetBucketLocation, s3:GetObject, s3:PutObject, s3:ListBucket, cloudwatch:DescribeAlarms (see docs/iam.md for a policy).\n",
        ]);
    });
});

describe("vpc-flow-diagnose start-up", () => {
    it("loads no AWS SDK module unless a live command runs, so file diagnoses and --help stay small", () => {
        const script = [
            "const before = new Set(Object.keys(require.cache));",
            `require(${JSON.stringify(require.resolve("../../analysis/cli/cli"))});`,
            "const loaded = Object.keys(require.cache).filter((k) => !before.has(k) && k.includes('@aws-sdk'));",
            "process.stdout.write(JSON.stringify(loaded));",
        ].join("\n");
        const out = require("child_process").execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
        expect(JSON.parse(out)).to.deep.equal([]);
    });

    it("answers --help with the option tables and nothing else of the project loaded: no diagnosis, file reader or evaluator", () => {
        const script = [
            `const cli = require(${JSON.stringify(require.resolve("../../analysis/cli/cli"))});`,
            "cli.main(['--help'], { stdout: () => undefined, stderr: () => undefined }).then(() => {",
            `  const dist = ${JSON.stringify(path.join(__dirname, "..", ".."))};`,
            "  process.stdout.write(JSON.stringify(Object.keys(require.cache).map((k) => require('path').relative(dist, k))));",
            "});",
        ].join("\n");
        const out = require("child_process").execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
        expect(JSON.parse(out)).to.deep.equal([
            "analysis/cli/cli.js",
            "analysis/core/errors.js",
            "analysis/cli/cliOptions.js",
            // cliOptions reads protocol names from the record fields.
            "analysis/core/records.js",
            "analysis/core/logFormat.js",
            "analysis/core/ip.js",
            "analysis/cli/liveOptions.js",
            "analysis/cli/configFlags.js",
            // configFlags checks --eni with the shape of an ENI id, defined once with the other AWS names.
            "analysis/core/awsNames.js",
        ]);
    });
});

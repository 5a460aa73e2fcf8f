/**
 * Next steps of a live diagnosis (Logs Insights) with the ids the configuration check found, as in
 * file mode (nextSteps-knownIds.test.ts): the ids replace the placeholders with --check-config, the
 * placeholders stay without it, and when routing is withheld for the window's undelivered tail the
 * steps are those of that final verdict. CloudWatch Logs, Athena and EC2 are mocked.
 */
import { expect } from "chai";
import { GetQueryExecutionCommand, GetQueryResultsCommand as GetAthenaResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand, GetQueryResultsCommand, StartQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetManagedPrefixListEntriesCommand } from "@aws-sdk/client-ec2";
import { fixtureDir, readFixture } from "../helpers/configFixtures";
import { answerEc2From } from "../helpers/ec2Answers";
import { diagnosisJson } from "../helpers/jsonContract";
import { mockAwsClasses, runCli } from "../helpers/mockedAws";

const aws = mockAwsClasses("logs", "ec2", "athena");
const { logs, ec2, athena } = aws.mocks;

const NOW = new Date("2026-11-26T15:00:00Z");
const GROUP = "/vpc-flow-logs/dev";
const ENI = "eni-0a1b2c3d4e5f60718";
const LIVE = ["--region", "ap-northeast-2", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--output", "json"];
const LOG_GROUP = ["--log-group", GROUP];

/** One row of the default format's diagnosis query: the workload's outbound packets, accepted, in one minute. */
function outboundRow(minute: string) {
    const at = (second: string) => String(Date.parse(`2026-11-26T${minute}:${second}Z`) / 1000);
    return [
        { field: "records", value: "2" },
        { field: "packetsTotal", value: "6" },
        { field: "bytesTotal", value: "360" },
        { field: "firstStart", value: at("05") },
        { field: "lastEnd", value: at("50") },
        { field: "interfaceId", value: ENI },
        { field: "srcAddr", value: "10.0.1.25" },
        { field: "dstAddr", value: "52.219.204.42" },
        { field: "action", value: "ACCEPT" },
        { field: "logStatus", value: "OK" },
        { field: "bin(1m)", value: `2026-11-26 ${minute}:00.000` },
    ];
}

function logGroupAnswers(minutes: string[]): void {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, creationTime: Date.parse("2026-11-20T00:00:00Z") }] });
    logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: `${ENI}-all` }] });
    logs.on(StartQueryCommand).resolves({ queryId: "q-steps" });
    logs.on(GetQueryResultsCommand).resolves({ status: "Complete", statistics: { recordsScanned: 1000, bytesScanned: 1e6, recordsMatched: 4 }, results: minutes.map(outboundRow) });
}

/** EC2 answers from the snapshot of a private subnet without a route to S3 (its ENI holds 10.0.1.25). */
async function ec2Answers(): Promise<void> {
    const { documents: docs } = await readFixture("engine/private-no-route");
    answerEc2From(ec2, docs);
    ec2.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: (docs.prefixListEntries["pl-78a54011"] ?? []) as never });
}

/** The Athena diagnosis query's answer: the same outbound minutes, as Athena's result set (header row first). */
function athenaAnswers(minutes: string[]): void {
    const columns = ["records", "packets_total", "bytes_total", "first_start", "last_end", "interface_id", "srcaddr", "dstaddr", "action", "log_status", "minute"];
    const rows = minutes.map((m) => outboundRow(m).map((cell) => cell.value.replace(".000", "")));
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "qe-steps" });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: "qe-steps", Status: { State: "SUCCEEDED" }, Statistics: { DataScannedInBytes: 1e6 } } });
    athena.on(GetAthenaResultsCommand).resolves({
        ResultSet: {
            ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ Name: c, Label: c, Type: "varchar" })) },
            Rows: [columns, ...rows].map((r) => ({ Data: r.map((v) => ({ VarCharValue: v })) })),
        },
    });
}

async function run(...argv: string[]): Promise<{ code: number; out: { verdict: string; nextSteps: unknown[]; config?: { eniId: string } }; stderr: string }> {
    const { code, stdout, stderr } = await runCli([...LIVE, ...argv], { now: () => NOW, env: {}, sleep: async () => undefined, ...aws.makers() });
    return { code, out: diagnosisJson({ stdout, stderr }), stderr };
}

const ROUTE_TABLE_BY_ID = {
    step: "Check the route table of subnet-0c1d2e3f4a5b6c7d8 (rtb-0aa11bb22cc33dd44): a route must cover 52.219.204.42 (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint).",
    commands: ["aws ec2 describe-route-tables --route-table-ids rtb-0aa11bb22cc33dd44 --query 'RouteTables[].Routes'"],
};
const PLACEHOLDERS = [
    {
        step: `Find the subnet and security groups of ${ENI}.`,
        commands: [`aws ec2 describe-network-interfaces --network-interface-ids ${ENI} --query 'NetworkInterfaces[0].[SubnetId,Groups]'`],
    },
    {
        step: "Check the route table of <subnet-id>: a route must cover 52.219.204.42 (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint). No result means the subnet uses the VPC's main route table (filter on association.main=true).",
        commands: ["aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<subnet-id> --query 'RouteTables[].Routes'"],
    },
];
const ROUTING_TAIL = [
    {
        step: "If the route is to an internet gateway, the task needs a public IP (awsvpc assignPublicIp=ENABLED); a private subnet needs a NAT gateway or a VPC endpoint instead.",
        commands: [],
    },
    { step: "If the route is to a gateway endpoint: it reaches buckets in its own region only (52.219.204.0/22 is S3 in ap-northeast-2); check the bucket's region.", commands: [] },
    { step: "If the route is to a NAT gateway: check that it is available and that its subnet routes 0.0.0.0/0 to an internet gateway.", commands: [] },
    {
        step: "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
        commands: [
            `aws ec2 create-network-insights-path --source ${ENI} --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp`,
            "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
        ],
    },
];

describe("live next steps with the ids the configuration check found (mocked AWS)", () => {
    beforeEach(() => aws.reset());

    it("--check-config: the route table of the workload's subnet by id, and no step to find the subnet", async () => {
        logGroupAnswers(["14:20", "14:21"]);
        await ec2Answers();
        const r = await run(...LOG_GROUP, "--since", "1h", "--check-config");
        expect([r.code, r.out.verdict, r.out.config?.eniId]).to.deep.equal([0, "routing", ENI]);
        expect(r.out.nextSteps).to.deep.equal([ROUTE_TABLE_BY_ID, ...ROUTING_TAIL]);
    });

    it("--config-snapshot on a live diagnosis: the same steps from the saved configuration, without calling EC2", async () => {
        logGroupAnswers(["14:20", "14:21"]);
        const r = await run(...LOG_GROUP, "--since", "1h", "--config-snapshot", fixtureDir("engine/private-no-route"));
        expect([r.code, r.out.verdict, r.out.config?.eniId]).to.deep.equal([0, "routing", ENI]);
        expect(r.out.nextSteps).to.deep.equal([ROUTE_TABLE_BY_ID, ...ROUTING_TAIL]);
        expect(ec2.calls()).to.have.length(0);
    });

    it("without a check the placeholders stay", async () => {
        logGroupAnswers(["14:20", "14:21"]);
        const r = await run(...LOG_GROUP, "--since", "1h");
        expect([r.code, r.out.verdict, r.out.config]).to.deep.equal([0, "routing", undefined]);
        expect(r.out.nextSteps).to.deep.equal([...PLACEHOLDERS, ...ROUTING_TAIL]);
        expect(ec2.calls()).to.have.length(0);
    });

    it("routing withheld for the undelivered tail: the steps of that verdict (run again first), with the ids", async () => {
        logGroupAnswers(["14:55", "14:56"]);
        await ec2Answers();
        const r = await run(...LOG_GROUP, "--since", "30m", "--check-config");
        const rerun = { step: "Run the same command again after 2026-11-26T15:01:00Z, or with --end 2026-11-26T14:50:00Z for only delivered records.", commands: [] };
        expect([r.code, r.out.verdict, r.out.config?.eniId]).to.deep.equal([0, "inconclusive", ENI]);
        expect(r.out.nextSteps).to.deep.equal([rerun, ROUTE_TABLE_BY_ID, ...ROUTING_TAIL]);
        // Without the check, the same verdict's steps keep their placeholders.
        ec2.reset();
        const unchecked = await run(...LOG_GROUP, "--since", "30m");
        expect([unchecked.out.verdict, unchecked.out.nextSteps]).to.deep.equal(["inconclusive", [rerun, ...PLACEHOLDERS, ...ROUTING_TAIL]]);
    });

    it("Athena, routing withheld for the undelivered tail, --config-snapshot: the same steps as from Logs Insights", async () => {
        athenaAnswers(["14:55", "14:56"]);
        const athenaTable = ["--athena-table", "vpc_flow_logs_dev.flow_logs", "--workgroup", "vpc-flow-logs-dev"];
        const r = await run(...athenaTable, "--since", "30m", "--config-snapshot", fixtureDir("engine/private-no-route"));
        const rerun = { step: "Run the same command again after 2026-11-26T15:01:00Z, or with --end 2026-11-26T14:50:00Z for only delivered records.", commands: [] };
        expect([r.code, r.out.verdict, r.out.config?.eniId]).to.deep.equal([0, "inconclusive", ENI]);
        expect(r.out.nextSteps).to.deep.equal([rerun, ROUTE_TABLE_BY_ID, ...ROUTING_TAIL]);
    });
});

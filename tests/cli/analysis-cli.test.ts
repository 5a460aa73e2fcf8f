import { expect } from "chai";
import { run, runJson } from "../helpers/cliInProcess";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DIAGNOSTIC_FORMAT } from "../../analysis/core/logFormat";
import { FlowRecord } from "../../analysis/core/records";
import { OTHER_ENI, S3, TASK, TASK_ENI, inbound, noise, outbound, statusRecord, toAggregateRows, toInsightsRow, toLine } from "../helpers/analysisRecords";
import { linesToParquet } from "../helpers/parquetFiles";
import { diagnosisJson } from "../helpers/jsonContract";

const ROOT = join(__dirname, "..", "..", "..");
const BIN = join(ROOT, "bin", "vpc-flow-diagnose.js");
const EXAMPLE = join(ROOT, "examples", "s3-timeout.log");


const CONVERSATION = ["--src", TASK, "--dst", S3];

// Made when the file loads because the table of bad inputs names its paths in expected messages.
const dir = mkdtempSync(join(tmpdir(), "vpc-flow-diagnose-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
}

const range = (n: number) => Array.from({ length: n }, (_v, i) => i);
const background: FlowRecord[] = [...noise(0), statusRecord("NODATA", 1, OTHER_ENI)];

const VERDICTS: Array<{ verdict: string; records: FlowRecord[]; counts: number[]; extra?: string[] }> = [
    { verdict: "security-group-or-nacl", records: range(3).map((i) => outbound("REJECT", i)), counts: [0, 3, 0, 0] },
    { verdict: "nacl-return-path", records: range(2).flatMap((i) => [outbound("ACCEPT", i), inbound("REJECT", i)]), counts: [2, 0, 0, 2] },
    { verdict: "routing", records: range(4).map((i) => outbound("ACCEPT", i)), counts: [4, 0, 0, 0] },
    { verdict: "network-ok", records: range(2).flatMap((i) => [outbound("ACCEPT", i), inbound("ACCEPT", i)]), counts: [2, 0, 2, 0] },
    { verdict: "mixed", records: [outbound("ACCEPT", 0), outbound("REJECT", 1)], counts: [1, 1, 0, 0] },
    { verdict: "no-traffic", records: [], counts: [0, 0, 0, 0] },
    { verdict: "inconclusive", records: [], counts: [0, 0, 0, 0], extra: ["--traffic-type", "reject"] },
];

type Kind = { name: string; write: (records: FlowRecord[]) => string; args?: string[] };
let fileNumber = 0;
const KINDS: Kind[] = [
    { name: "raw lines", write: (rs) => file(`raw-${++fileNumber}.log`, rs.map((r) => toLine(r)).join("\n") + "\n") },
    {
        name: "gzip-compressed S3 file with a header (diagnostic)",
        write: (rs) => file(`s3-${++fileNumber}.log.gz`, gzipSync([DIAGNOSTIC_FORMAT.fields.join(" "), ...rs.map((r) => toLine(r, DIAGNOSTIC_FORMAT))].join("\n") + "\n")),
    },
    {
        name: "Parquet file (Gzip, as S3 delivery writes it)",
        write: (rs) => file(`parquet-${++fileNumber}.parquet`, linesToParquet(rs.map((r) => toLine(r, DIAGNOSTIC_FORMAT)), DIAGNOSTIC_FORMAT.fields)),
    },
    {
        name: "get-query-results JSON",
        write: (rs) =>
            file(`insights-${++fileNumber}.json`, JSON.stringify({ results: rs.map((r) => toInsightsRow(r, "discovered")), statistics: { recordsMatched: rs.length }, status: "Complete" })),
    },
    {
        name: "get-query-results JSON of a stats query",
        write: (rs) => file(`stats-${++fileNumber}.json`, JSON.stringify({ results: toAggregateRows(rs), status: "Complete" })),
    },
    {
        name: "filter-log-events JSON",
        write: (rs) =>
            file(
                `events-${++fileNumber}.json`,
                JSON.stringify({ events: rs.map((r, i) => ({ logStreamName: `${r.interfaceId}-all`, timestamp: 1795701720000 + i, message: toLine(r), eventId: String(i) })), searchedLogStreams: [] }),
            ),
    },
];

describe("vpc-flow-diagnose: every verdict from every input kind", () => {
    for (const v of VERDICTS) {
        for (const kind of KINDS) {
            it(`${kind.name} -> ${v.verdict}`, async () => {
                const path = kind.write([...background, ...v.records]);
                const d = await runJson("--input", path, ...CONVERSATION, ...(v.extra ?? []));
                expect([d.verdict, d.counts.outbound.accept, d.counts.outbound.reject, d.counts.inbound.accept, d.counts.inbound.reject]).to.deep.equal([
                    v.verdict,
                    ...v.counts,
                ]);
                expect(d.skipped).to.deep.equal({ malformed: 0, nodata: 1, skipdata: 0 });
            });
        }
    }
});

describe("vpc-flow-diagnose: the example", () => {
    it("prints the exact JSON diagnosis of examples/s3-timeout.log", async () => {
        const d = await runJson("--input", EXAMPLE, ...CONVERSATION);
        const none = { outbound: { accept: 0, reject: 0 }, inbound: { accept: 0, reject: 0 } };
        const out = (accept: number) => ({ outbound: { accept, reject: 0 }, inbound: { accept: 0, reject: 0 } });
        // One connection attempt every 90 s: two busy minutes, then a quiet one.
        const timeline = range(12).map((i) => {
            const minute = 1795701720 + 60 * Math.floor((i * 90 + 7) / 60);
            return { minute: new Date(minute * 1000).toISOString().replace(".000Z", "Z"), packets: out(3) };
        });
        expect(d).to.deep.equal({
            schemaVersion: "1.0.0",
            verdict: "routing",
            summary:
                "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (12 records) and nothing came back: consistent with a routing problem " +
                "(no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            confidence: "high",
            confidenceReason: "12 outbound records accepted and no reply logged in either action.",
            conversation: { src: ["10.0.1.25"], dst: ["52.219.204.42"], port: 443, protocol: "tcp", trafficType: "ALL", window: { start: null, end: null } },
            counts: out(12),
            packets: out(36),
            bytes: out(2160),
            lateRejects: { outbound: 0, inbound: 0 },
            intermediateLegs: none,
            firstSeen: "2026-11-26T14:02:07Z",
            lastSeen: "2026-11-26T14:19:35Z",
            interfaces: [
                {
                    interfaceId: TASK_ENI,
                    side: "source",
                    sideBasis: "from the addresses (an ENI logs its own private IPv4 address)",
                    hop: null,
                    subnetIds: [],
                    vpcIds: [],
                    counts: out(12),
                    packets: out(36),
                    noAction: { outbound: 0, inbound: 0 },
                    nodata: 0,
                    skipdata: 0,
                    rejectReasons: {},
                },
            ],
            evidence: [
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
            ],
            nextSteps: [
                {
                    step: `Find the subnet and security groups of ${TASK_ENI}.`,
                    commands: [`aws ec2 describe-network-interfaces --network-interface-ids ${TASK_ENI} --query 'NetworkInterfaces[0].[SubnetId,Groups]'`],
                },
                {
                    step:
                        "Check the route table of <subnet-id>: a route must cover 52.219.204.42 (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint). " +
                        "No result means the subnet uses the VPC's main route table (filter on association.main=true).",
                    commands: ["aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<subnet-id> --query 'RouteTables[].Routes'"],
                },
                {
                    step: "If the route is to an internet gateway, the task needs a public IP (awsvpc assignPublicIp=ENABLED); a private subnet needs a NAT gateway or a VPC endpoint instead.",
                    commands: [],
                },
                {
                    step: "If the route is to a gateway endpoint: it reaches buckets in its own region only (52.219.204.0/22 is S3 in ap-northeast-2); check the bucket's region.",
                    commands: [],
                },
                { step: "If the route is to a NAT gateway: check that it is available and that its subnet routes 0.0.0.0/0 to an internet gateway.", commands: [] },
                {
                    step: "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                    commands: [
                        `aws ec2 create-network-insights-path --source ${TASK_ENI} --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp`,
                        "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
                    ],
                },
            ],
            skipped: { malformed: 0, nodata: 1, skipdata: 0 },
            input: { records: 42, matched: 12, outsideWindow: 0, duplicates: 0 },
            timeline,
            warnings: [],
        });
    });

    it("prints text with the verdict first, then the evidence and a timeline, then the next steps", async () => {
        const r = await run("--input", EXAMPLE, ...CONVERSATION);
        expect(r.code).to.equal(0);
        expect(r.stderr).to.equal("");
        const lines = r.stdout.split("\n");
        expect(lines.slice(0, 9)).to.deep.equal([
            "Verdict: routing (confidence: high)",
            "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (12 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            "",
            "Evidence: 10.0.1.25 -> 52.219.204.42:443/tcp (flow log traffic type ALL), first seen 2026-11-26T14:02:07Z, last seen 2026-11-26T14:19:35Z",
            "  direction  action  records  packets  bytes",
            "  outbound   ACCEPT       12       36   2160",
            "  outbound   REJECT        0        0      0",
            "  inbound    ACCEPT        0        0      0",
            "  inbound    REJECT        0        0      0",
        ]);
        const timeline = lines.indexOf("Timeline (packets, 14:02 to 14:18 UTC, one column = 1 minute, peak 3):");
        expect(lines.slice(timeline + 1, timeline + 3)).to.deep.equal(["  accepted ▆▆.▆▆.▆▆.▆▆.▆▆.▆▆", "  rejected ................."]);
        expect(lines.indexOf("Next steps:")).to.be.greaterThan(timeline);
        expect(lines[lines.indexOf("Next steps:") + 1]).to.equal(`  1. Find the subnet and security groups of ${TASK_ENI}.`);
    });

    it("prints Markdown for a ticket", async () => {
        const r = await run("--input", EXAMPLE, ...CONVERSATION, "--output", "markdown");
        expect(r.code).to.equal(0);
        const lines = r.stdout.split("\n");
        expect(lines.slice(0, 13)).to.deep.equal([
            "### VPC flow diagnosis: `routing` (confidence: high)",
            "",
            "> Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (12 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            "",
            "**Conversation:** `10.0.1.25 -> 52.219.204.42:443/tcp (flow log traffic type ALL)`, first seen 2026-11-26T14:02:07Z, last seen 2026-11-26T14:19:35Z.",
            "",
            "| direction | action | records | packets | bytes |",
            "|---|---|---:|---:|---:|",
            "| outbound | ACCEPT | 12 | 36 | 2160 |",
            "| outbound | REJECT | 0 | 0 | 0 |",
            "| inbound | ACCEPT | 0 | 0 | 0 |",
            "| inbound | REJECT | 0 | 0 | 0 |",
            "",
        ]);
        expect(lines).to.include("   `aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>`");
    });

    it("diagnoses the security-group example", async () => {
        const d = await runJson("--input", join(ROOT, "examples", "sg-reject.log"), ...CONVERSATION);
        expect([d.verdict, d.confidence, d.counts]).to.deep.equal(["security-group-or-nacl", "high", { outbound: { accept: 0, reject: 10 }, inbound: { accept: 0, reject: 0 } }]);
    });
});

describe("vpc-flow-diagnose: options", () => {
    const lines = [...range(3).map((i) => outbound("ACCEPT", i)), inbound("ACCEPT", 10)].map((r) => toLine(r)).join("\n");

    it("keeps records inside --start/--end (ISO and relative) and counts the rest", async () => {
        const path = file("window.log", lines);
        // Records start at 14:02, 14:03, 14:04 and 14:12; now is 14:30.
        const d = await runJson("--input", path, ...CONVERSATION, "--start", "2026-11-26T14:03:30Z", "--end", "20m");
        expect([d.verdict, d.counts.outbound.accept, d.input.outsideWindow, d.conversation.window]).to.deep.equal([
            "routing",
            2,
            2,
            { start: "2026-11-26T14:03:30Z", end: "2026-11-26T14:10:00Z" },
        ]);
    });

    it("matches a CIDR and a comma list, and other ports and protocols", async () => {
        const path = file("udp.log", [outbound("ACCEPT", 0, { protocol: 17, dstPort: 53 }), outbound("ACCEPT", 1)].map((r) => toLine(r)).join("\n"));
        const d = await runJson("--input", path, "--src", "10.0.1.0/24", "--dst", "1.1.1.1,52.219.204.0/22", "--port", "53", "--protocol", "UDP");
        expect([d.verdict, d.counts.outbound.accept, d.conversation]).to.deep.equal([
            "routing",
            1,
            { src: ["10.0.1.0/24"], dst: ["1.1.1.1", "52.219.204.0/22"], port: 53, protocol: "udp", trafficType: "ALL", window: { start: null, end: null } },
        ]);
    });

    it("skips and counts malformed lines in a good file, and exits 0", async () => {
        const path = file("some-bad.log", ["garbage here", lines, "2 123456789012 eni-x 10.0.1.25"].join("\n"));
        const r = await run("--input", path, ...CONVERSATION, "--output", "json");
        // The truncated last line is the workload's, to an unread address with an unread action: an outbound REJECT would make it mixed.
        const warning = `Set aside 2 unreadable lines or rows: 1 could be a record of the conversation that would change the verdict (${path}:6); 1 names no address of the conversation (${path}:1). The verdict rests on the readable records, with lower confidence.`;
        expect([r.code, r.stderr]).to.deep.equal([0, `warning: ${warning}\n`]);
        const d = diagnosisJson(r);
        expect([d.verdict, d.confidence, d.skipped, d.warnings]).to.deep.equal(["network-ok", "medium", { malformed: 2, nodata: 0, skipdata: 0 }, [warning]]);
        expect(d.evidence).to.include("Skipped 2 malformed lines or rows (1 of them mentions the conversation's addresses), e.g. 'garbage here'.");
    });

    it("reads headerless custom-format lines with --format", async () => {
        const format = "$" + "{srcaddr} $" + "{dstaddr} $" + "{dstport} $" + "{action}";
        const path = file("custom.log", `${TASK} ${S3} 443 REJECT\n${TASK} ${S3} 443 REJECT\n`);
        // The two lines are identical: without more fields they are one record written twice.
        const d = await runJson("--input", path, ...CONVERSATION, "--format", format);
        expect([d.verdict, d.counts.outbound.reject, d.input.duplicates, d.interfaces[0].interfaceId]).to.deep.equal(["security-group-or-nacl", 1, 1, "(unknown)"]);
        expect(d.nextSteps[0].commands).to.deep.equal(["aws ec2 describe-network-interfaces --network-interface-ids <source-eni-id> --query 'NetworkInterfaces[0].[SubnetId,Groups]'"]);
    });

    it("warns on stderr, never on stdout, when a header overrides --format", async () => {
        const path = file("header.log", [DIAGNOSTIC_FORMAT.fields.join(" "), toLine(outbound("REJECT", 0), DIAGNOSTIC_FORMAT)].join("\n"));
        const r = await run("--input", path, ...CONVERSATION, "--format", "default", "--output", "json");
        const warning = `The input's header line sets the format to '${DIAGNOSTIC_FORMAT.formatString}'; it overrides --format.`;
        expect([r.code, r.stderr]).to.deep.equal([0, `warning: ${warning}\n`]);
        const d = diagnosisJson(r);
        expect([d.verdict, d.warnings]).to.deep.equal(["security-group-or-nacl", [warning]]);
    });

    it("reads several inputs into one diagnosis", async () => {
        const a = file("part-a.log", toLine(outbound("ACCEPT", 0)));
        const b = file("part-b.log.gz", gzipSync(toLine(inbound("ACCEPT", 0))));
        const d = await runJson("--input", a, "--input", b, ...CONVERSATION);
        expect([d.verdict, d.input.records]).to.deep.equal(["network-ok", 2]);
    });

    it("answers --help with exit 0", async () => {
        const r = await run("--help");
        expect([r.code, r.stderr, r.stdout.split("\n")[0]]).to.deep.equal([0, "", "Usage: vpc-flow-diagnose --input <file> --src <ip|cidr> --dst <ip|cidr>[,...] [options]"]);
    });
});

describe("vpc-flow-diagnose: bad input gets one clear message and exit 2", () => {
    const cases: Array<[string, () => string[], string]> = [
        [
            "an invalid IP",
            () => ["--input", EXAMPLE, "--src", "10.0.1.300", "--dst", S3],
            "Invalid --src '10.0.1.300': not an IPv4 or IPv6 address or CIDR. Allowed: an address like 10.0.1.25 or 2001:db8::1, or a CIDR like 10.0.1.0/24 or 2001:db8::/64.",
        ],
        [
            "an invalid CIDR",
            () => ["--input", EXAMPLE, "--src", TASK, "--dst", "52.219.204.0/40"],
            "Invalid --dst '52.219.204.0/40': prefix length '40', out of range. Allowed: 0-32 for an IPv4 CIDR.",
        ],
        ["a missing file", () => ["--input", join(dir, "nope.log"), ...CONVERSATION], `Cannot read --input '${join(dir, "nope.log")}': no such file.`],
        ["a directory", () => ["--input", dir, ...CONVERSATION], `Cannot read --input '${dir}': it is a directory. Pass a file.`],
        [
            "a format field that is no field name",
            () => ["--input", EXAMPLE, ...CONVERSATION, "--format", "$" + "{srcaddr} $" + "{dstaddr} $" + "{colour-}"],
            "Invalid --format '$" + "{srcaddr} $" + "{dstaddr} $" + "{colour-}': unknown field 'colour-'. Allowed fields: version, account-id, interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log-status, vpc-id, subnet-id, instance-id, tcp-flags, type, pkt-srcaddr, pkt-dstaddr, region, az-id, sublocation-type, sublocation-id, pkt-src-aws-service, pkt-dst-aws-service, flow-direction, traffic-path, ecs-cluster-arn, ecs-cluster-name, ecs-container-instance-arn, ecs-container-instance-id, ecs-container-id, ecs-second-container-id, ecs-service-name, ecs-task-definition-arn, ecs-task-arn, ecs-task-id, reject-reason.",
        ],
        ["an empty file", () => ["--input", file("empty.log", ""), ...CONVERSATION], `--input '${join(dir, "empty.log")}' is empty: there is nothing to diagnose.`],
        ["a file of blank lines", () => ["--input", file("blank.log", "\n \n\n"), ...CONVERSATION], `--input '${join(dir, "blank.log")}' is empty: there is nothing to diagnose.`],
        [
            "an empty gzip file",
            () => ["--input", file("empty.log.gz", gzipSync("")), ...CONVERSATION],
            `--input '${join(dir, "empty.log.gz")}' is empty (after decompression): there is nothing to diagnose.`,
        ],
        [
            "a file of garbage",
            () => ["--input", file("garbage.log", "hello world\nthis is not a flow log\n\u0001\u0002\u0003\n"), ...CONVERSATION],
            `--input '${join(dir, "garbage.log")}' has no flow-log records: none of its 3 lines match the format '${"$"}{version} ${"$"}{account-id} ${"$"}{interface-id} ${"$"}{srcaddr} ${"$"}{dstaddr} ${"$"}{srcport} ${"$"}{dstport} ${"$"}{protocol} ${"$"}{packets} ${"$"}{bytes} ${"$"}{start} ${"$"}{end} ${"$"}{action} ${"$"}{log-status}' (14 fields separated by spaces). If the flow log uses a custom format, pass it with --format; if this is JSON from the AWS CLI, check the file is complete.`,
        ],
        [
            "a corrupt gzip file",
            () => ["--input", file("corrupt.log.gz", Buffer.concat([gzipSync("2 a b c\n".repeat(100)).subarray(0, 10), Buffer.from("not deflate data at all")])), ...CONVERSATION],
            `Cannot read --input '${join(dir, "corrupt.log.gz")}': it looks gzip-compressed but is corrupt.`,
        ],
        ["JSON that does not parse", () => ["--input", file("broken.json", '{"results": [[{"field": '), ...CONVERSATION], `--input '${join(dir, "broken.json")}' starts like JSON but does not parse: Unexpected end of JSON input.`],
        [
            "JSON of another shape",
            () => ["--input", file("other.json", '{"logGroups": []}'), ...CONVERSATION],
            `--input '${join(dir, "other.json")}' is JSON but neither the output of 'aws logs get-query-results' (an object with "results") nor of 'aws logs filter-log-events' (an object with "events").`,
        ],
        ["a missing --input", () => [...CONVERSATION], "Missing --input: the file of flow-log records to diagnose. Run 'vpc-flow-diagnose --help' for the options."],
        ["a missing --src", () => ["--input", EXAMPLE, "--dst", S3], "Missing --src: the workload's IP or CIDR, e.g. --src 10.0.1.25."],
        ["a flag without its value", () => ["--input", EXAMPLE, ...CONVERSATION, "--port"], "Option --port needs a value, e.g. --port <value>. Run 'vpc-flow-diagnose --help' for the options."],
        ["an unknown option", () => ["--input", EXAMPLE, ...CONVERSATION, "--colour"], "Unknown option '--colour'. Run 'vpc-flow-diagnose --help' for the options."],
        ["an unknown command", () => ["diagnoze", "--input", EXAMPLE], "Unknown command 'diagnoze'. Commands: diagnose (the default), status, snapshot. Run 'vpc-flow-diagnose --help' for the options."],
        ["a bad port", () => ["--input", EXAMPLE, ...CONVERSATION, "--port", "https"], "Invalid --port 'https'. Allowed: an integer from 0 to 65535, e.g. 443."],
        ["a bad protocol", () => ["--input", EXAMPLE, ...CONVERSATION, "--protocol", "tpc"], "Invalid --protocol 'tpc'. Allowed: tcp, udp, icmp, icmpv6, or a protocol number from 0 to 255."],
        ["a bad traffic type", () => ["--input", EXAMPLE, ...CONVERSATION, "--traffic-type", "Rejectd"], "Invalid --traffic-type 'Rejectd'. Allowed: ALL, ACCEPT, REJECT (aliases: All, Accepted, Rejected, any case)."],
        ["a bad output", () => ["--input", EXAMPLE, ...CONVERSATION, "--output", "yaml"], "Invalid --output 'yaml'. Allowed: text, json, markdown, html."],
        [
            "a bad time",
            () => ["--input", EXAMPLE, ...CONVERSATION, "--start", "yesterday"],
            "Invalid --start 'yesterday'. Allowed: an ISO 8601 time like 2026-11-26T14:00:00Z, or a time relative to now like 30m, 2h or 1d.",
        ],
        ["a window the wrong way round", () => ["--input", EXAMPLE, ...CONVERSATION, "--start", "1h", "--end", "2h"], "--start '1h' is not before --end '2h': the window would be empty."],
        [
            "an empty window",
            () => ["--input", EXAMPLE, ...CONVERSATION, "--start", "2026-11-26T14:00:00Z", "--end", "2026-11-26T14:00:00Z"],
            "--start '2026-11-26T14:00:00Z' is not before --end '2026-11-26T14:00:00Z': the window would be empty.",
        ],
    ];
    for (const [name, argv, message] of cases) {
        it(name, async () => {
            const r = await run(...argv());
            expect(r).to.deep.equal({ code: 2, stdout: "", stderr: message + "\n" });
        });
    }
});

describe("vpc-flow-diagnose: the installed bin (spawned)", () => {
    it("answers --help with exit 0", () => {
        const r = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
        expect([r.status, r.stderr, r.stdout.startsWith("Usage: vpc-flow-diagnose --input <file>")]).to.deep.equal([0, "", true]);
    });

    it("exits 2 with only the message on a bad address, and 0 on the demo", () => {
        const bad = spawnSync(process.execPath, [BIN, "--input", EXAMPLE, "--src", "10.0.1.x", "--dst", S3], { encoding: "utf8" });
        expect([bad.status, bad.stdout, bad.stderr]).to.deep.equal([
            2,
            "",
            "Invalid --src '10.0.1.x': not an IPv4 or IPv6 address or CIDR. Allowed: an address like 10.0.1.25 or 2001:db8::1, or a CIDR like 10.0.1.0/24 or 2001:db8::/64.\n",
        ]);
        const demo = spawnSync(process.execPath, [BIN, "--input", EXAMPLE, ...CONVERSATION], { encoding: "utf8" });
        expect([demo.status, demo.stdout.split("\n")[0]]).to.deep.equal([0, "Verdict: routing (confidence: high)"]);
    });
});

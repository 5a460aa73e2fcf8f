/**
 * Records written by others (AWS's VPC user guide, the test data of flowlogs-reader and of Elastic
 * Beats), read through the CLI exactly as a user would pass them. For each: the conversation, the
 * verdict AWS's own text describes (or the honest reading of the data), each ENI's end, and the
 * counts. Sources and commits: tests/fixtures/flow-log-corpus/<source>/PROVENANCE.md.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../analysis/cli/cli";
import { FLOW_LOG_FIELDS } from "../../analysis/core/logFormat";
import { diagnosisJson } from "../helpers/jsonContract";

const CORPUS = join(__dirname, "..", "..", "..", "tests", "fixtures", "flow-log-corpus");

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: () => new Date("2026-11-27T12:00:00Z") });
    return { code, stdout, stderr };
}

async function diagnoseFile(file: string, conversation: string[]): Promise<any> {
    const r = await run("--input", join(CORPUS, file), ...conversation, "--output", "json");
    expect([r.code, r.stderr]).to.deep.equal([0, ""]);
    return diagnosisJson(r);
}

interface CorpusCase {
    name: string;
    file: string;
    conversation: string[];
    verdict: string;
    confidence: string;
    /** [interfaceId, side, hop] in the order the diagnosis lists them. */
    sides: Array<[string, string, string | null]>;
    /** Records: outbound accept, outbound reject, inbound accept, inbound reject. */
    counts: [number, number, number, number];
    input: { records: number; matched: number; outsideWindow: number; duplicates: number };
    skipped: { malformed: number; nodata: number; skipdata: number };
    summary?: string;
}

const none = { malformed: 0, nodata: 0, skipdata: 0 };
const ENI = "eni-1235b8ca123456789";

const CASES: CorpusCase[] = [
    {
        name: "AWS: SSH allowed to the ENI (both addresses private: whose ENI cannot be told)",
        file: "aws-vpc-user-guide/accepted-rejected.log",
        conversation: ["--src", "172.31.16.139", "--dst", "172.31.16.21", "--port", "22"],
        verdict: "inconclusive",
        confidence: "low",
        sides: [[ENI, "unknown", null]],
        counts: [1, 0, 0, 0],
        input: { records: 2, matched: 1, outsideWindow: 0, duplicates: 0 },
        skipped: none,
        summary:
            "Packets from 172.31.16.139 to 172.31.16.21:22/tcp were accepted (1 record) at eni-1235b8ca123456789 and nothing came back. The records cannot tell whether that is the source's or the destination's ENI " +
            "(both addresses are private, and the records carry no flow-direction): at the source's it would be consistent with a routing problem; at the destination's the packets arrived and the destination did not answer.",
    },
    {
        name: "AWS: RDP rejected on its way to the ENI (advice for both ends, never egress alone)",
        file: "aws-vpc-user-guide/accepted-rejected.log",
        conversation: ["--src", "172.31.9.69", "--dst", "172.31.9.12", "--port", "3389"],
        verdict: "security-group-or-nacl",
        confidence: "high",
        sides: [[ENI, "unknown", null]],
        counts: [0, 1, 0, 0],
        input: { records: 2, matched: 1, outsideWindow: 0, duplicates: 0 },
        skipped: none,
        summary:
            "Packets from 172.31.9.69 to 172.31.9.12:3389/tcp were rejected (1 record) at eni-1235b8ca123456789 and never accepted. The records cannot tell whether that is the source's or the destination's ENI " +
            "(both addresses are private, and the records carry no flow-direction): either the source's security group egress or network ACL outbound rules, or the destination's security group inbound or network ACL inbound rules block them.",
    },
    {
        name: "AWS: no data and skipped records",
        file: "aws-vpc-user-guide/no-data-skipped.log",
        conversation: ["--src", "172.31.16.139", "--dst", "172.31.16.21", "--port", "22"],
        verdict: "no-traffic",
        confidence: "low",
        sides: [],
        counts: [0, 0, 0, 0],
        input: { records: 2, matched: 0, outsideWindow: 0, duplicates: 0 },
        skipped: { malformed: 0, nodata: 1, skipdata: 1 },
    },
    {
        name: "AWS: ping accepted in, the reply rejected by the instance subnet's network ACL outbound rule",
        file: "aws-vpc-user-guide/security-group-nacl-icmp.log",
        conversation: ["--src", "203.0.113.12", "--dst", "172.31.16.139", "--protocol", "icmp"],
        verdict: "nacl-return-path",
        confidence: "high",
        sides: [[ENI, "destination", null]],
        counts: [1, 0, 0, 1],
        input: { records: 2, matched: 2, outsideWindow: 0, duplicates: 0 },
        skipped: none,
        summary:
            "Packets from 203.0.113.12 to 172.31.16.139/icmp were accepted, and the replies were rejected (1 record) as they left eni-1235b8ca123456789 (the destination's) and never accepted: " +
            "a network ACL outbound rule of the destination's subnet drops the return traffic (security groups are stateful and would let it out).",
    },
    {
        name: "AWS: IPv6 SSH allowed",
        file: "aws-vpc-user-guide/ipv6.log",
        conversation: ["--src", "2001:db8:1234:a100:8d6e:3477:df66:f105", "--dst", "2001:db8:1234:a102:3304:8879:34cf:4071", "--port", "22"],
        verdict: "inconclusive",
        confidence: "low",
        sides: [[ENI, "unknown", null]],
        counts: [1, 0, 0, 0],
        input: { records: 1, matched: 1, outsideWindow: 0, duplicates: 0 },
        skipped: none,
        summary:
            "Packets from 2001:db8:1234:a100:8d6e:3477:df66:f105 to [2001:db8:1234:a102:3304:8879:34cf:4071]:22/tcp were accepted (1 record) at eni-1235b8ca123456789 and nothing came back. " +
            "The records cannot tell whether that is the source's or the destination's ENI (the addresses are IPv6, which an ENI owns globally, and the records carry no flow-direction): " +
            "at the source's it would be consistent with a routing problem; at the destination's the packets arrived and the destination did not answer.",
    },
    {
        name: "AWS: TCP flag sequence of healthy connections (SYN records of 8 and 70 packets are established)",
        file: "aws-vpc-user-guide/tcp-flag-sequence.log",
        conversation: ["--src", "52.213.180.42", "--dst", "10.0.0.62", "--port", "5001"],
        verdict: "network-ok",
        confidence: "high",
        sides: [[ENI, "destination", null]],
        counts: [4, 0, 4, 0],
        input: { records: 8, matched: 8, outsideWindow: 0, duplicates: 0 },
        skipped: none,
    },
    {
        name: "AWS: traffic through a NAT gateway, a format without action",
        file: "aws-vpc-user-guide/nat-gateway.log",
        conversation: ["--src", "10.0.1.5", "--dst", "203.0.113.5"],
        verdict: "inconclusive",
        confidence: "low",
        sides: [
            ["eni-1111aaaa2222bbbb3", "source", null],
            [ENI, "intermediate", "nat-gateway"],
        ],
        counts: [0, 0, 0, 0],
        // The NAT gateway's outside legs (10.0.0.220 <-> 203.0.113.5) carry neither address of the instance.
        input: { records: 6, matched: 4, outsideWindow: 0, duplicates: 0 },
        skipped: none,
        summary:
            "4 records of 10.0.1.5 <-> 203.0.113.5:443/tcp match (2 at the ends' ENIs, 2 at intermediate hops), but the flow-log format has no action field: whether the packets were accepted or rejected cannot be told from them.",
    },
    {
        name: "AWS: traffic through a transit gateway (the web server's ENI told apart through the hop)",
        file: "aws-vpc-user-guide/transit-gateway.log",
        conversation: ["--src", "10.20.33.164", "--dst", "10.40.2.236", "--port", "80"],
        verdict: "network-ok",
        confidence: "high",
        sides: [
            ["eni-33333333333333333", "destination", null],
            ["eni-11111111111111111", "intermediate", "intermediate"],
            ["eni-22222222222222222", "intermediate", "intermediate"],
        ],
        counts: [1, 0, 1, 0],
        input: { records: 4, matched: 4, outsideWindow: 0, duplicates: 0 },
        skipped: none,
    },
    {
        name: "AWS: service name, traffic path and flow direction (an instance calling S3)",
        file: "aws-vpc-user-guide/service-traffic-path-flow-direction.log",
        conversation: ["--src", "10.0.0.71", "--dst", "52.95.128.179", "--port", "80"],
        verdict: "network-ok",
        confidence: "high",
        sides: [[ENI, "source", null]],
        counts: [1, 0, 1, 0],
        input: { records: 2, matched: 2, outsideWindow: 0, duplicates: 0 },
        skipped: none,
    },
    {
        name: "flowlogs-reader: version 2 records (two ENIs: one accepts, one rejects)",
        file: "flowlogs-reader/v2-records.log",
        conversation: ["--src", "192.0.2.1", "--dst", "198.51.100.1"],
        verdict: "mixed",
        // The NODATA and SKIPDATA records are of other ENIs and months earlier: they lower nothing.
        confidence: "high",
        sides: [
            ["eni-102010ab", "unknown", null],
            ["eni-102010cd", "unknown", null],
        ],
        counts: [1, 1, 1, 0],
        input: { records: 5, matched: 3, outsideWindow: 0, duplicates: 0 },
        skipped: { malformed: 0, nodata: 1, skipdata: 1 },
    },
    {
        name: "flowlogs-reader: a version 6 transit gateway record among version 2 records",
        file: "flowlogs-reader/v2-records-mixed-tgw.log",
        conversation: ["--src", "192.0.2.1", "--dst", "198.51.100.1"],
        verdict: "mixed",
        confidence: "high",
        sides: [
            ["eni-102010ab", "unknown", null],
            ["eni-102010cd", "unknown", null],
        ],
        counts: [1, 1, 1, 0],
        input: { records: 5, matched: 3, outsideWindow: 0, duplicates: 0 },
        skipped: { malformed: 0, nodata: 1, skipdata: 1 },
    },
    {
        name: "flowlogs-reader: version 3 file without interface-id, action or log-status",
        file: "flowlogs-reader/v3-file.log",
        conversation: ["--src", "172.18.160.93", "--dst", "172.18.160.68"],
        verdict: "inconclusive",
        confidence: "low",
        sides: [["(unknown)", "unknown", null]],
        counts: [0, 0, 0, 0],
        input: { records: 2, matched: 2, outsideWindow: 0, duplicates: 0 },
        skipped: none,
        summary:
            "2 records of 172.18.160.93 <-> 172.18.160.68:443/tcp match, but the flow-log format has no action field: whether the packets were accepted or rejected cannot be told from them.",
    },
    {
        name: "flowlogs-reader: version 5 file (flow-direction, S3 through a gateway endpoint)",
        file: "flowlogs-reader/v5-file.log",
        conversation: ["--src", "192.0.2.156", "--dst", "198.51.100.6"],
        verdict: "network-ok",
        confidence: "high",
        sides: [["eni-00123456789abcdef", "source", null]],
        counts: [1, 0, 1, 0],
        input: { records: 2, matched: 2, outsideWindow: 0, duplicates: 0 },
        skipped: none,
    },
    {
        name: "Beats: RDP rejected between two public addresses (whose ENI cannot be told)",
        file: "elastic-beats/accept-reject-traffic.log",
        conversation: ["--src", "78.24.182.42", "--dst", "158.109.0.1", "--port", "3389"],
        verdict: "security-group-or-nacl",
        confidence: "high",
        sides: [[ENI, "unknown", null]],
        counts: [0, 1, 0, 0],
        input: { records: 4, matched: 1, outsideWindow: 0, duplicates: 0 },
        skipped: none,
    },
    {
        name: "Beats: AWS's ICMP pair",
        file: "elastic-beats/accept-reject-traffic.log",
        conversation: ["--src", "203.0.113.12", "--dst", "172.31.16.139", "--protocol", "icmp"],
        verdict: "nacl-return-path",
        confidence: "high",
        sides: [[ENI, "destination", null]],
        counts: [1, 0, 0, 1],
        input: { records: 4, matched: 2, outsideWindow: 0, duplicates: 0 },
        skipped: none,
    },
    {
        name: "Beats: two lines of the NAT example",
        file: "elastic-beats/custom-nat-gateway.log",
        conversation: ["--src", "10.0.1.5", "--dst", "203.0.113.5"],
        verdict: "inconclusive",
        confidence: "low",
        sides: [
            ["eni-1111aaaa2222bbbb3", "source", null],
            [ENI, "intermediate", "nat-gateway"],
        ],
        counts: [0, 0, 0, 0],
        input: { records: 2, matched: 2, outsideWindow: 0, duplicates: 0 },
        skipped: none,
    },
    {
        name: "Beats: SKIPDATA, a blank line, a header in the middle of the file, NODATA",
        file: "elastic-beats/tcp-flag-sequence-skip-data.log",
        conversation: ["--src", "52.213.180.42", "--dst", "10.0.0.62", "--port", "5001"],
        verdict: "no-traffic",
        confidence: "low",
        sides: [],
        counts: [0, 0, 0, 0],
        input: { records: 2, matched: 0, outsideWindow: 0, duplicates: 0 },
        skipped: { malformed: 0, nodata: 1, skipdata: 1 },
    },
];

describe("flow-log corpus: records written by others", () => {
    for (const c of CASES) {
        it(`${c.name} -> ${c.verdict} (${c.confidence})`, async () => {
            const d = await diagnoseFile(c.file, c.conversation);
            expect({
                verdict: d.verdict,
                confidence: d.confidence,
                sides: d.interfaces.map((i: any) => [i.interfaceId, i.side, i.hop]),
                counts: [d.counts.outbound.accept, d.counts.outbound.reject, d.counts.inbound.accept, d.counts.inbound.reject],
                input: d.input,
                skipped: d.skipped,
            }).to.deep.equal({ verdict: c.verdict, confidence: c.confidence, sides: c.sides, counts: c.counts, input: c.input, skipped: c.skipped });
            if (c.summary !== undefined) expect(d.summary).to.equal(c.summary);
        });
    }

    it("ICMP: no port anywhere, port null in the JSON, and no Reachability Analyzer (it takes tcp and udp only)", async () => {
        const args = ["--input", join(CORPUS, "aws-vpc-user-guide/security-group-nacl-icmp.log"), "--src", "203.0.113.12", "--dst", "172.31.16.139", "--protocol", "icmp"];
        const text = await run(...args);
        const json = diagnosisJson(await run(...args, "--output", "json"));
        expect(json.conversation).to.deep.equal({ src: ["203.0.113.12"], dst: ["172.31.16.139"], port: null, protocol: "icmp", trafficType: "ALL", window: { start: null, end: null } });
        for (const output of [text.stdout, JSON.stringify(json)]) {
            expect(output).to.not.include(":443");
            expect(output).to.not.include("443");
            expect(output).to.not.include("network-insights");
        }
        expect(json.nextSteps.map((s: any) => s.step)).to.deep.equal([
            `Find the subnet and security groups of ${ENI}.`,
            "Check the outbound rules of the network ACL of <subnet-id>: they must allow icmp to 203.0.113.12. Network ACLs are stateless; security groups are stateful and are not the cause.",
        ]);
    });

    it("RDP: the advice covers the source's egress and the destination's ingress, each named so", async () => {
        const d = await diagnoseFile("aws-vpc-user-guide/accepted-rejected.log", ["--src", "172.31.9.69", "--dst", "172.31.9.12", "--port", "3389"]);
        expect(d.nextSteps.map((s: any) => s.step.split(":")[0])).to.deep.equal([
            `Find out which end ${ENI} belongs to`,
            "If it is the source's ENI",
            "If it is the source's ENI",
            "If it is the destination's ENI",
            "If it is the destination's ENI",
            "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
        ]);
        expect(d.nextSteps[3].commands).to.deep.equal(["aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissions'"]);
        // Reachability Analyzer needs the source's ENI, which the record does not name.
        expect(d.nextSteps[5].commands[0]).to.equal("aws ec2 create-network-insights-path --source <source-eni-id> --destination-ip 172.31.9.12 --destination-port 3389 --protocol tcp");
    });

    it("TCP flag sequence: SYN-only records that carried data are not failed handshakes", async () => {
        const r = await run("--input", join(CORPUS, "aws-vpc-user-guide/tcp-flag-sequence.log"), "--src", "52.213.180.42", "--dst", "10.0.0.62", "--port", "5001");
        expect(r.stdout).to.not.include("never completed");
        const d = await diagnoseFile("aws-vpc-user-guide/tcp-flag-sequence.log", ["--src", "52.213.180.42", "--dst", "10.0.0.62", "--port", "5001"]);
        expect(d.evidence).to.deep.equal([
            "tcp-flags: 2 accepted outbound records are SYN only (2) but carried more than a few small packets: established connections (AWS ORs the flags over the interval and records ACK only with SYN), not failed handshakes.",
            "tcp-flags: the destination answered with SYN-ACK (18/19) in 3 inbound records.",
        ]);
    });

    it("NAT gateway: the next step is the format change that brings the action field", async () => {
        const d = await diagnoseFile("aws-vpc-user-guide/nat-gateway.log", ["--src", "10.0.1.5", "--dst", "203.0.113.5"]);
        expect(d.interfaces[1].sideBasis).to.equal(
            "a NAT gateway: requester-managed (instance-id '-') and its own address stands in for the public destination (pkt-srcaddr/pkt-dstaddr keep the real one)",
        );
        expect(d.nextSteps).to.deep.equal([
            {
                step:
                    "The flow log's format has no $" +
                    "{action} field, so no record says ACCEPT or REJECT. Create a flow log whose format has it (the diagnostic format: 'pulumi config set logFormat diagnostic' and 'pulumi up'; a flow log cannot be modified, so it is replaced), wait 10 minutes, reproduce the failure and diagnose again.",
                commands: [],
            },
        ]);
    });

    it("transit gateway: the web server's side is inferred from the hop in the same VPC", async () => {
        const d = await diagnoseFile("aws-vpc-user-guide/transit-gateway.log", ["--src", "10.20.33.164", "--dst", "10.40.2.236", "--port", "80"]);
        expect(d.interfaces[0].sideBasis).to.equal("the source is reached through the intermediate eni-11111111111111111 in the same VPC, so this ENI is the destination's");
        expect(d.intermediateLegs).to.deep.equal({ outbound: { accept: 1, reject: 0 }, inbound: { accept: 1, reject: 0 } });
    });

    it("S3 wording only where the records name S3", async () => {
        const s3 = await diagnoseFile("aws-vpc-user-guide/service-traffic-path-flow-direction.log", ["--src", "10.0.0.71", "--dst", "52.95.128.179", "--port", "80"]);
        expect(s3.nextSteps[0].step).to.include("bucket name");
        const other = await diagnoseFile("aws-vpc-user-guide/transit-gateway.log", ["--src", "10.20.33.164", "--dst", "10.40.2.236", "--port", "80"]);
        expect(JSON.stringify(other.nextSteps)).to.not.match(/S3|bucket/);
    });
});

describe("flow-log corpus: AWS's field table", () => {
    const rows = readFileSync(join(CORPUS, "aws-vpc-user-guide", "field-table.tsv"), "utf8")
        .split("\n")
        .filter((line) => line !== "" && !line.startsWith("#"))
        .map((line) => line.split("\t"));

    it("every field of the table is known, with the version AWS gives", () => {
        const known = new Map(FLOW_LOG_FIELDS.map((f) => [f.name, f.version]));
        expect(rows.map(([name]) => [name, known.get(name)])).to.deep.equal(rows.map(([name, version]) => [name, Number(version)]));
        expect(rows.length).to.equal(29);
    });
});

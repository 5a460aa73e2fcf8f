/**
 * The shapes users export and the small truths of the output: filter-log-events text output,
 * snake_case Insights rows, unknown header fields and reject-reason, headers in the middle of a
 * file, duplicates, NODATA/SKIPDATA overlap, a contradicted --traffic-type, dates in the timeline,
 * portless protocols, IPv6, UDP and evidence that was mostly malformed.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { main } from "../../analysis/cli/cli";
import { Conversation } from "../../analysis/evidence/conversation";
import { RawLineScanner } from "../../analysis/evidence/rawLines";
import { feedInsightsResults, parseInsightsRow } from "../../analysis/evidence/insightsRows";
import { diagnose } from "../../analysis/verdict/classify";
import { timelineChart } from "../../analysis/render/render";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT } from "../../analysis/core/logFormat";
import { AddressSet } from "../../analysis/core/ip";
import { S3, T0, TASK, TASK_ENI, inbound, outbound, query, recordCounts, statusRecord, toLine } from "../helpers/analysisRecords";
import { diagnosisJson } from "../helpers/jsonContract";

const dir = mkdtempSync(join(tmpdir(), "vpc-flow-shapes-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string): string {
    const path = join(dir, `input-${++n}.txt`);
    writeFileSync(path, content);
    return path;
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: () => new Date("2026-11-27T12:00:00Z") });
    return { code, stdout, stderr };
}

const CONVERSATION = ["--src", TASK, "--dst", S3];
const range = (k: number) => Array.from({ length: k }, (_v, i) => i);

describe("shapes users export", () => {
    it("reads 'aws logs filter-log-events --output text' (EVENTS lines) and skips its other lines", async () => {
        const events = range(3).map((i) => ["EVENTS", `3${i}`, "1795701790000", `${TASK_ENI}-all`, toLine(outbound("REJECT", i)), "1795701725000"].join("\t"));
        const path = file([...events, `SEARCHEDLOGSTREAMS\t${TASK_ENI}-all\tTrue`].join("\n") + "\n");
        const r = await run("--input", path, ...CONVERSATION, "--output", "json");
        const d = diagnosisJson(r);
        expect([r.code, d.verdict, d.counts.outbound.reject, d.skipped.malformed]).to.deep.equal([0, "security-group-or-nacl", 3, 0]);
    });

    it("reads messages joined by tabs ('--query events[].message --output text')", async () => {
        const path = file(range(3).map((i) => toLine(outbound("ACCEPT", i))).join("\t") + "\n" + toLine(inbound("ACCEPT", 4)) + "\n");
        const d = diagnosisJson(await run("--input", path, ...CONVERSATION, "--output", "json"));
        expect([d.verdict, recordCounts(d), d.skipped.malformed]).to.deep.equal(["network-ok", [3, 0, 1, 0], 0]);
    });

    it("reads rows of the shared 'parse @message ... as version, account_id, interface_id, ...' query (snake_case)", () => {
        const parsed = parseInsightsRow([
            { field: "interface_id", value: TASK_ENI },
            { field: "srcaddr", value: TASK },
            { field: "dstaddr", value: S3 },
            { field: "dstport", value: "443" },
            { field: "action", value: "REJECT" },
            { field: "log_status", value: "OK" },
            { field: "tcp_flags", value: "2" },
        ]);
        expect(parsed).to.deep.equal({ kind: "record", record: { interfaceId: TASK_ENI, srcAddr: TASK, dstAddr: S3, dstPort: 443, action: "REJECT", logStatus: "OK", tcpFlags: 2 } });
    });

    it("prefers @message when it has the format's fields, over columns a mismatched parse pattern named", () => {
        const line = toLine(outbound("REJECT", 0));
        const row = [
            { field: "srcAddr", value: "10.9.9.9" },
            { field: "dstAddr", value: S3 },
            { field: "action", value: "ACCEPT" },
            { field: "@message", value: line },
        ];
        expect(parseInsightsRow(row, DEFAULT_FORMAT.fields.length)).to.deep.equal({ kind: "message", message: line });
        const q = query();
        const conversation = new Conversation(q);
        feedInsightsResults([row], conversation, new RawLineScanner(conversation, q.src, q.dst, DEFAULT_FORMAT));
        expect(conversation.evidence().endpoint.outbound.reject.records).to.equal(1);
    });

    it("keeps unknown header fields as opaque text, knows reject-reason, and says BPA is neither a security group nor a network ACL", async () => {
        const fields = [...DEFAULT_FORMAT.fields, "reject-reason", "next-hop-type"];
        const lines = range(2).map((i) => `${toLine(outbound("REJECT", i))} BPA igw`);
        const r = await run("--input", file([fields.join(" "), ...lines].join("\n")), ...CONVERSATION, "--output", "json");
        const d = diagnosisJson(r);
        expect(r.stderr).to.equal("warning: The input's header has a field this tool does not know yet (next-hop-type): its values are kept as opaque text.\n");
        expect([d.verdict, d.counts.outbound.reject, d.interfaces[0].rejectReasons]).to.deep.equal(["security-group-or-nacl", 2, { BPA: 2 }]);
        expect(d.summary).to.equal(
            `Packets from ${TASK} to ${S3}:443/tcp were rejected (2 records) at ${TASK_ENI} (the source's) by VPC Block Public Access (reject-reason BPA), neither a security group nor a network ACL: the VPC or subnet blocks internet traffic through its internet gateway unless excluded.`,
        );
        expect(d.nextSteps).to.deep.equal([
            {
                step: "Check VPC Block Public Access: reject-reason BPA means it blocked the packets, not a security group or a network ACL. Exclude the VPC or subnet, or change the mode, if this traffic should pass.",
                commands: ["aws ec2 describe-vpc-block-public-access-options", "aws ec2 describe-vpc-block-public-access-exclusions"],
            },
        ]);
    });

    it("counts a truncated header in the middle of a file as malformed and keeps reading in the current format", async () => {
        const lines = [toLine(outbound("ACCEPT", 0)), "version account-id interface-id srcaddr", toLine(outbound("ACCEPT", 1)), toLine(inbound("ACCEPT", 2))];
        const d = diagnosisJson(await run("--input", file(lines.join("\n")), ...CONVERSATION, "--output", "json"));
        expect([d.verdict, recordCounts(d), d.skipped.malformed]).to.deep.equal(["network-ok", [2, 0, 1, 0], 1]);
        expect(d.evidence).to.include("Skipped 1 malformed line or row, e.g. 'a header line without srcaddr and dstaddr: version account-id interface-id srcaddr'.");
    });

    it("refuses a verdict when most lines that mention the conversation are malformed", async () => {
        const broken = range(3).map((i) => toLine(outbound("REJECT", i)).replace(" 443 ", " https "));
        const d = diagnosisJson(await run("--input", file([...broken, toLine(outbound("ACCEPT", 5))].join("\n")), ...CONVERSATION, "--output", "json"));
        expect([d.verdict, d.confidence]).to.deep.equal(["inconclusive", "low"]);
        expect(d.summary).to.equal(
            `3 lines or rows that mention the conversation's addresses could not be read (e.g. '${broken[0]}'), against 1 readable record: no verdict from evidence that was mostly skipped.`,
        );
    });
});

describe("small truths in the output", () => {
    it("counts the same file given twice once, and says so", async () => {
        const path = file(range(3).map((i) => toLine(outbound("ACCEPT", i))).join("\n"));
        // Named twice in other spellings: the same spelling twice is one --input (a set of files).
        const d = diagnosisJson(await run("--input", path, "--input", `${dirname(path)}/./${basename(path)}`, ...CONVERSATION, "--output", "json"));
        expect([d.verdict, d.counts.outbound.accept, d.input]).to.deep.equal(["routing", 3, { records: 6, matched: 3, outsideWindow: 0, duplicates: 3 }]);
        expect(d.evidence).to.include("Counted once: 3 exact duplicate records (the same file given twice, or two flow logs writing while one replaces the other).");
    });

    it("lowers the confidence for NODATA/SKIPDATA only when they overlap the conversation", () => {
        const records = range(3).map((i) => outbound("ACCEPT", i, { tcpFlags: 2 }));
        const before = [statusRecord("SKIPDATA", -30), statusRecord("NODATA", -29)];
        const during = [statusRecord("SKIPDATA", 1)];
        const diagnoseWith = (extra: typeof records) => {
            const q = query();
            const conversation = new Conversation(q);
            for (const r of [...records, ...extra]) conversation.addRecord(r);
            return diagnose(conversation.evidence());
        };
        expect([diagnoseWith(before).confidence, diagnoseWith(before).skipped]).to.deep.equal(["high", { malformed: 0, nodata: 1, skipdata: 1 }]);
        expect([diagnoseWith(during).confidence, diagnoseWith(during).interfaces[0].skipdata]).to.deep.equal(["medium", 1]);
    });

    it("warns when the records contradict --traffic-type, on stderr and in the JSON", async () => {
        const path = file(range(2).map((i) => toLine(outbound("ACCEPT", i))).join("\n"));
        const r = await run("--input", path, ...CONVERSATION, "--traffic-type", "REJECT", "--output", "json");
        const warning = "The input has 2 ACCEPT records although --traffic-type is REJECT: the flow log probably captures ALL; diagnose again with --traffic-type ALL.";
        expect(r.stderr).to.equal(`warning: ${warning}\n`);
        expect(diagnosisJson(r).warnings).to.deep.equal([warning]);
    });

    it("puts dates in the timeline when the evidence spans days", () => {
        const entry = (minute: string) => ({ minute, packets: { outbound: { accept: 3, reject: 0 }, inbound: { accept: 0, reject: 0 } } });
        expect(timelineChart([entry("2026-11-26T23:58:00Z"), entry("2026-11-27T00:01:00Z")])[0]).to.equal(
            "Timeline (packets, 2026-11-26 23:58 to 2026-11-27 00:01 UTC, one column = 1 minute, peak 3):",
        );
        expect(timelineChart([entry("2026-11-26T14:02:00Z"), entry("2026-11-26T14:03:00Z")])[0]).to.equal("Timeline (packets, 14:02 to 14:03 UTC, one column = 1 minute, peak 3):");
    });

    it("never prints 'no matching record' beside matched records that carry no times", async () => {
        const format = "$" + "{srcaddr} $" + "{dstaddr} $" + "{dstport} $" + "{action}";
        const r = await run("--input", file(`${TASK} ${S3} 443 REJECT\n`), ...CONVERSATION, "--format", format);
        expect(r.stdout).to.include("(flow log traffic type ALL), the records carry no times");
        expect(r.stdout).to.not.include("no matching record");
        const commands = r.stdout.split("\n").filter((l) => l.trim().startsWith("$ "));
        expect(commands.filter((l) => l.includes("(unknown)"))).to.deep.equal([]);
        expect(r.stdout).to.include("--network-interface-ids <source-eni-id>");
    });

    it("UDP without a reply: routing at most medium, and one-way UDP can be normal", async () => {
        const path = file(range(3).map((i) => toLine(outbound("ACCEPT", i, { protocol: 17, dstPort: 514 }))).join("\n"));
        const d = diagnosisJson(await run("--input", path, ...CONVERSATION, "--protocol", "udp", "--port", "514", "--output", "json"));
        expect([d.verdict, d.confidence]).to.deep.equal(["routing", "medium"]);
        expect(d.evidence).to.include("UDP: no reply is logged, which can be normal for one-way UDP (no handshake, no acknowledgement).");
    });

    it("a single SYN-only record that carried data gives a low routing confidence, never a failed handshake", () => {
        const q = query();
        const conversation = new Conversation(q);
        conversation.addRecord(outbound("ACCEPT", 0, { tcpFlags: 2, packets: 70, bytes: 100701 }));
        const d = diagnose(conversation.evidence());
        expect([d.verdict, d.confidence]).to.deep.equal(["routing", "low"]);
        expect(d.evidence.join(" ")).to.not.include("never completed");
    });

    it("IPv6 routing advice speaks of ::/0 and egress-only internet gateways, without NAT or Reachability Analyzer", () => {
        const src = "2600:1f18:1:2::25";
        const dst = "2600:1f18:ffff::10";
        const q = query({ src: AddressSet.parse(src, "--src"), dst: AddressSet.parse(dst, "--dst") });
        const conversation = new Conversation(q);
        for (const i of range(3)) conversation.addRecord(outbound("ACCEPT", i, { srcAddr: src, dstAddr: dst, tcpFlags: 2, flowDirection: "egress" }));
        const d = diagnose(conversation.evidence());
        expect([d.verdict, d.interfaces[0].side]).to.deep.equal(["routing", "source"]);
        expect(d.summary).to.equal(
            `Packets from ${src} to [${dst}]:443/tcp were accepted on the way out (3 records) and nothing came back: consistent with a routing problem (no route for ::/0 to an internet gateway or egress-only internet gateway: IPv6 has no NAT).`,
        );
        const text = JSON.stringify(d.nextSteps);
        expect(text).to.include("egress-only internet gateway");
        expect(text).to.not.include("network-insights");
        expect(text).to.not.include("NAT gateway: check");
    });

    it("a private destination gets local, peering and transit gateway advice, not NAT or internet gateway", () => {
        const q = query({ dst: AddressSet.parse("10.1.2.3", "--dst") });
        const conversation = new Conversation(q);
        for (const i of range(3)) conversation.addRecord(outbound("ACCEPT", i, { dstAddr: "10.1.2.3", tcpFlags: 2, flowDirection: "egress" }));
        const d = diagnose(conversation.evidence());
        expect(d.nextSteps.map((s) => s.step)).to.deep.equal([
            `Find the subnet and security groups of ${TASK_ENI}.`,
            "Check the route table of <subnet-id>: a route must cover 10.1.2.3: the local route when it is in the same VPC, otherwise a VPC peering connection or a transit gateway route; and the destination's subnet needs a route back to 10.0.1.25. No result means the subnet uses the VPC's main route table (filter on association.main=true).",
            "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
        ]);
    });

    it("an ENI whose records say (flow-direction ingress) it is the destination's: rejected on arrival is an ingress rule", () => {
        const conversation = new Conversation(query());
        for (const i of range(2)) conversation.addRecord(outbound("REJECT", i, { flowDirection: "ingress", interfaceId: "eni-0d0d0d0d0d0d0d0d0" }));
        const d = diagnose(conversation.evidence());
        expect([d.verdict, d.interfaces[0].side, d.interfaces[0].sideBasis]).to.deep.equal(["security-group-or-nacl", "destination", "from flow-direction"]);
        expect(d.summary).to.equal(
            `Packets from ${TASK} to ${S3}:443/tcp were rejected (2 records) as they arrived at eni-0d0d0d0d0d0d0d0d0 (the destination's) and never accepted there: a security group inbound rule or a network ACL inbound rule of the destination blocks them.`,
        );
        expect(d.nextSteps[1].step).to.equal(`Check the security groups of eni-0d0d0d0d0d0d0d0d0: an inbound rule must allow tcp 443 from ${TASK}.`);
    });

    it("a pkt-* mismatch on an instance's own ENI is an intermediate, never called a NAT gateway without instance-id '-'", () => {
        const format = DIAGNOSTIC_FORMAT;
        const conversation = new Conversation(query());
        const scanner = new RawLineScanner(conversation, query().src, query().dst, format);
        scanner.scanText(toLine(outbound("ACCEPT", 0, { interfaceId: "eni-0e0e0e0e0e0e0e0e0", dstAddr: "10.0.0.9", pktSrcAddr: TASK, pktDstAddr: S3 }), format));
        scanner.flush();
        const d = diagnose(conversation.evidence());
        expect([d.interfaces[0].side, d.interfaces[0].hop]).to.deep.equal(["intermediate", "intermediate"]);
        expect(T0).to.equal(1795701720);
    });
});

describe("a --format with a field this tool does not know yet", () => {
    it("reads its values as opaque text and says so on stderr, as for a header", async () => {
        // AWS keeps adding fields; records exported without a header need --format to name them.
        const lines = range(3).map((i) => `${toLine(outbound("ACCEPT", i))} transit-gateway`);
        const format = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status", "next-hop-type"]
            .map((f) => "$" + `{${f}}`)
            .join(" ");
        const r = await run("--input", file(lines.join("\n") + "\n"), ...CONVERSATION, "--format", format, "--output", "json");
        const d = diagnosisJson(r);
        expect([r.code, d.verdict, recordCounts(d), d.skipped.malformed]).to.deep.equal([0, "routing", [3, 0, 0, 0], 0]);
        expect(r.stderr).to.equal("warning: --format has a field this tool does not know yet (next-hop-type): its values are kept as opaque text.\n");
    });
});

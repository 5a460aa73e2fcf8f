import { expect } from "chai";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, FLOW_LOG_FIELDS, resolveLogFormat } from "../../analysis/core/logFormat";
import { Conversation } from "../../analysis/evidence/conversation";
import { LineSplitter, RawLineScanner } from "../../analysis/evidence/rawLines";
import { parseInsightsRow } from "../../analysis/evidence/insightsRows";
import { RECORD_FIELDS } from "../../analysis/core/records";
import { diagnose } from "../../analysis/verdict/classify";
import { UserInputError } from "../../analysis/core/errors";
import { AddressSet } from "../../analysis/core/ip";
import { NAT_ENI, NAT_IP, S3, TASK, TASK_ENI, inbound, outbound, query, recordCounts, scanLines, toLine } from "../helpers/analysisRecords";

describe("analysis: record model", () => {
    it("has a record key for every flow-log field, named as in Logs Insights", () => {
        expect([...RECORD_FIELDS.values()].map((f) => f.key)).to.deep.equal(FLOW_LOG_FIELDS.map((f) => f.insightsName));
    });

    it("reads every field of an all-fields custom line", () => {
        const format = resolveLogFormat(FLOW_LOG_FIELDS.map((f) => "$" + "{" + f.name + "}").join(" "), "--format");
        const values: Record<string, string> = {
            version: "7", srcaddr: TASK, dstaddr: S3, srcport: "43310", dstport: "443", protocol: "6", packets: "3", bytes: "180",
            start: "1795701725", end: "1795701780", action: "ACCEPT", "log-status": "OK", "tcp-flags": "2", "pkt-srcaddr": TASK,
            "pkt-dstaddr": S3, "flow-direction": "egress", "traffic-path": "8",
        };
        const line = FLOW_LOG_FIELDS.map((f) => values[f.name] ?? `x-${f.name}`).join(" ");
        const conversation = new Conversation(query());
        const scanner = new RawLineScanner(conversation, query().src, query().dst, format);
        scanner.scanText(line);
        scanner.flush();
        const e = conversation.evidence();
        expect(e.endpoint.outbound.accept).to.deep.equal({ records: 1, packets: 3, bytes: 180 });
        expect(e.trafficPaths).to.deep.equal({ "8": 1 });
        expect(e.flowDirections).to.deep.equal({ "outbound egress": 1 });
        expect(e.pktDstAwsServices).to.deep.equal({ "x-pkt-dst-aws-service": 1 });
        expect(e.interfaces.map((i) => [i.interfaceId, i.subnetIds, i.vpcIds])).to.deep.equal([["x-interface-id", ["x-subnet-id"], ["x-vpc-id"]]]);
        expect(e.flags.outbound.ACCEPT).to.deep.equal({ withFlags: 1, synOnly: 1, synRetries: 1, fin: 0, rst: 0, synAck: 0 });
    });
});

describe("analysis: raw lines", () => {
    const good = toLine(outbound("ACCEPT", 0));
    // Distinct records: identical lines are one record written twice and are counted once.
    const good2 = toLine(outbound("ACCEPT", 1));
    const good3 = toLine(outbound("ACCEPT", 2));
    const unrelated = toLine({ ...outbound("ACCEPT", 0), srcAddr: "10.0.9.9" });

    const malformedCases: Array<[string, string]> = [
        ["a field short", good.split(" ").slice(0, 13).join(" ")],
        ["a field too many", good + " extra"],
        ["an address that is not one", good.replace(TASK, "10.0.1.x")],
        ["a port that is not a number", good.replace(" 443 ", " https ")],
        ["an unknown action", good.replace("ACCEPT", "ALLOW")],
        ["an unknown log-status", good.replace(" OK", " FINE")],
        ["an unrelated line a field short", unrelated.split(" ").slice(0, 13).join(" ")],
        ["binary garbage", "\u0000\u0001\u0002 \u00ff"],
    ];
    for (const [name, line] of malformedCases) {
        it(`skips and counts a line with ${name}`, () => {
            const e = scanLines([good, line, good2]).evidence();
            expect([e.skipped.malformed, e.endpoint.outbound.accept.records]).to.deep.equal([1, 2]);
            expect(e.malformedSamples).to.deep.equal([line]);
        });
    }

    it("does not examine the other fields of a line about other addresses", () => {
        const e = scanLines([unrelated.replace(" 443 ", " https ")]).evidence();
        expect([e.skipped.malformed, e.input.records, e.input.matched]).to.deep.equal([0, 1, 0]);
    });

    it("tolerates runs of spaces, tabs around the line, CRLF and blank lines", () => {
        const e = scanLines([good.replace(" eni-", "   eni-"), "\t" + good2 + "\r", "", "   ", good3.replace(" 6 ", "  6  ")]).evidence();
        expect([e.skipped.malformed, e.endpoint.outbound.accept.records]).to.deep.equal([0, 3]);
    });

    it("takes the format from an S3-style header line, also in the middle of concatenated files", () => {
        const diagnostic = DIAGNOSTIC_FORMAT.fields.join(" ");
        const lines = [
            DEFAULT_FORMAT.fields.join(" "),
            good,
            diagnostic,
            toLine(outbound("ACCEPT", 1, { tcpFlags: 2 }), DIAGNOSTIC_FORMAT),
            DEFAULT_FORMAT.fields.join(" "),
            toLine(outbound("ACCEPT", 2)),
        ];
        const e = scanLines(lines, DIAGNOSTIC_FORMAT).evidence();
        expect([e.skipped.malformed, e.endpoint.outbound.accept.records, e.flags.outbound.ACCEPT.synOnly]).to.deep.equal([0, 3, 1]);
    });

    it("reads IPv6 records without crashing, and matches IPv6 conversations", () => {
        const v6 = toLine({ ...outbound("ACCEPT", 0), srcAddr: "2001:db8:1::25", dstAddr: "2600:1fa0:80c4::1" });
        expect(scanLines([v6]).evidence().input).to.deep.equal({ records: 1, matched: 0, outsideWindow: 0, duplicates: 0 });
        const q = query({ src: AddressSet.parse("2001:db8:1::/64", "--src"), dst: AddressSet.parse("2600:1fa0::/32", "--dst") });
        expect(scanLines([v6], DEFAULT_FORMAT, q).evidence().endpoint.outbound.accept.records).to.equal(1);
    });

    it("splits well-formed lines on the fast path at every byte alignment", () => {
        for (const format of [DEFAULT_FORMAT, DIAGNOSTIC_FORMAT]) {
            const conversation = new Conversation(query());
            const scanner = new RawLineScanner(conversation, query().src, query().dst, format);
            for (let offset = 0; offset < 8; offset++) {
                const line = toLine(outbound("ACCEPT", offset, { tcpFlags: 2 }), format);
                const buf = Buffer.alloc(offset + line.length + 8, "x");
                buf.write(line, offset, "latin1");
                scanner.scan(buf, offset, offset + line.length);
            }
            scanner.flush();
            expect([scanner.stats.slowSplits, conversation.evidence().endpoint.outbound.accept.records], format.kind).to.deep.equal([0, 8]);
        }
    });

    it("refuses a format without addresses", () => {
        const format = resolveLogFormat("$" + "{interface-id} $" + "{action}", "--format");
        expect(() => new RawLineScanner(new Conversation(query()), query().src, query().dst, format)).to.throw(
            UserInputError,
            "The flow-log format '$" + "{interface-id} $" + "{action}' has no srcaddr/pkt-srcaddr or no dstaddr/pkt-dstaddr field: without addresses no record can be tied to the conversation. Use a format with srcaddr and dstaddr (default or diagnostic).",
        );
    });

    it("cuts chunks into lines across chunk boundaries, at every split point", () => {
        const text = Buffer.from(`${good}\n${unrelated}\n\n${good}`);
        for (let cut = 0; cut <= text.length; cut++) {
            const lines: string[] = [];
            const splitter = new LineSplitter((b, s, e) => lines.push(b.toString("utf8", s, e)), () => lines.push("OVERLONG"));
            splitter.push(text.subarray(0, cut));
            splitter.push(text.subarray(cut));
            splitter.end();
            expect(lines, `cut at ${cut}`).to.deep.equal([good, unrelated, "", good]);
        }
    });

    it("drops an overlong line once and carries on with the next", () => {
        const lines: string[] = [];
        const overlong: string[] = [];
        const splitter = new LineSplitter((b, s, e) => lines.push(b.toString("utf8", s, e)), (sample) => overlong.push(sample), 16);
        splitter.push(Buffer.from("short\n0123456789"));
        splitter.push(Buffer.from("0123456789abcdef"));
        splitter.push(Buffer.from("more\nnext\n"));
        splitter.end();
        expect(lines).to.deep.equal(["short", "next"]);
        expect(overlong).to.deep.equal(["01234567890123456789abcdef"]);
    });
});

describe("analysis: Logs Insights rows", () => {
    it("reads discovered fields, start/end and @logStream", () => {
        const parsed = parseInsightsRow([
            { field: "srcAddr", value: TASK },
            { field: "dstAddr", value: S3 },
            { field: "dstPort", value: "443" },
            { field: "action", value: "REJECT" },
            { field: "start", value: "1795701725" },
            { field: "end", value: "1795701780" },
            { field: "@logStream", value: `${TASK_ENI}-all` },
            { field: "@ptr", value: "x" },
        ]);
        expect(parsed).to.deep.equal({
            kind: "record",
            record: { srcAddr: TASK, dstAddr: S3, dstPort: 443, action: "REJECT", startTime: 1795701725, endTime: 1795701780, interfaceId: TASK_ENI },
        });
    });

    it("hands a row with only @message to the raw-line parser", () => {
        expect(parseInsightsRow([{ field: "@message", value: "2 x" }, { field: "@ptr", value: "y" }])).to.deep.equal({ kind: "message", message: "2 x" });
    });

    it("reads an aggregated row without ports or protocol", () => {
        expect(
            parseInsightsRow([
                { field: "srcAddr", value: TASK },
                { field: "dstAddr", value: S3 },
                { field: "action", value: "ACCEPT" },
                { field: "minute", value: "2026-11-26 14:05:00.000" },
                { field: "records", value: "12" },
                { field: "packets", value: "36" },
                { field: "bytes", value: "2160" },
                { field: "startTime", value: "1795701905" },
                { field: "endTime", value: "1795701960" },
            ]),
        ).to.deep.equal({
            kind: "aggregate",
            aggregate: { srcAddr: TASK, dstAddr: S3, action: "ACCEPT", records: 12, packets: 36, bytes: 2160, startTime: 1795701905, endTime: 1795701960, minute: "2026-11-26 14:05:00.000" },
        });
    });

    const bad: Array<[string, Array<{ field: string; value: string }>, string]> = [
        ["no usable column", [{ field: "@ptr", value: "x" }], "it has no srcAddr, dstAddr, logStatus or @message column"],
        ["a bad port", [{ field: "srcAddr", value: TASK }, { field: "srcPort", value: "-1" }], "srcport is '-1'"],
        ["a count that is not one", [{ field: "srcAddr", value: TASK }, { field: "records", value: "many" }], "records is 'many', not a count"],
        ["an aggregate without a source", [{ field: "dstAddr", value: S3 }, { field: "records", value: "3" }], "an aggregated row needs srcAddr (or pktSrcAddr) to tell the direction"],
    ];
    for (const [name, row, reason] of bad) {
        it(`reports ${name}`, () => expect(parseInsightsRow(row)).to.deep.equal({ kind: "malformed", reason }));
    }
});

describe("analysis: NAT gateway legs (pkt-srcaddr/pkt-dstaddr)", () => {
    // AWS's NAT example: on the NAT's ENI, task -> NAT shows dstaddr = NAT IP and pkt-dstaddr = S3;
    // NAT -> task shows srcaddr = NAT IP and pkt-srcaddr = S3.
    const natLeg = (dir: "out" | "in", action: "ACCEPT" | "REJECT", i: number) =>
        dir === "out"
            ? outbound(action, i, { interfaceId: NAT_ENI, dstAddr: NAT_IP, pktSrcAddr: TASK, pktDstAddr: S3, subnetId: "subnet-0nat" })
            : inbound(action, i, { interfaceId: NAT_ENI, srcAddr: NAT_IP, pktSrcAddr: S3, pktDstAddr: TASK, subnetId: "subnet-0nat" });
    const taskLeg = (dir: "out" | "in", action: "ACCEPT" | "REJECT", i: number) =>
        dir === "out" ? outbound(action, i, { pktSrcAddr: TASK, pktDstAddr: S3, subnetId: "subnet-0task" }) : inbound(action, i, { pktSrcAddr: S3, pktDstAddr: TASK, subnetId: "subnet-0task" });
    const run = (records: ReturnType<typeof outbound>[]) => diagnose(scanLines(records.map((r) => toLine(r, DIAGNOSTIC_FORMAT)), DIAGNOSTIC_FORMAT).evidence());

    it("does not count the NAT legs twice", () => {
        const d = run([0, 1].flatMap((i) => [taskLeg("out", "ACCEPT", i), natLeg("out", "ACCEPT", i), natLeg("in", "ACCEPT", i), taskLeg("in", "ACCEPT", i)]));
        expect([d.verdict, recordCounts(d), d.intermediateLegs]).to.deep.equal(["network-ok", [2, 0, 2, 0], { outbound: { accept: 2, reject: 0 }, inbound: { accept: 2, reject: 0 } }]);
        expect(d.interfaces.map((i) => [i.interfaceId, i.side, i.hop])).to.deep.equal([[TASK_ENI, "source", null], [NAT_ENI, "intermediate", "intermediate"]]);
    });

    it("blames the NAT subnet's network ACL when the NAT leg rejects the task's packets", () => {
        const d = run([0, 1].flatMap((i) => [taskLeg("out", "ACCEPT", i), natLeg("out", "REJECT", i)]));
        expect([d.verdict, d.confidence, recordCounts(d)]).to.deep.equal(["security-group-or-nacl", "high", [2, 0, 0, 0]]);
        expect(d.nextSteps[0].commands).to.deep.equal(["aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=subnet-0nat --query 'NetworkAcls[].Entries'"]);
    });

    it("blames the NAT subnet's network ACL when the return leg is rejected at the NAT", () => {
        const d = run([0, 1].flatMap((i) => [taskLeg("out", "ACCEPT", i), natLeg("out", "ACCEPT", i), natLeg("in", "REJECT", i)]));
        expect([d.verdict, recordCounts(d)]).to.deep.equal(["nacl-return-path", [2, 0, 0, 0]]);
    });

    it("uses the NAT legs when the task's ENI is not in the input", () => {
        const d = run([0, 1].flatMap((i) => [natLeg("out", "ACCEPT", i)]));
        expect([d.verdict, recordCounts(d)]).to.deep.equal(["routing", [2, 0, 0, 0]]);
        expect(d.evidence[0]).to.equal("Only intermediate hops (matched through pkt-srcaddr/pkt-dstaddr) are in the input; neither end's own ENI is.");
    });
});

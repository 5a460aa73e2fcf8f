/**
 * Rungs of the verdict ladder (analysis/verdict/classify.ts) that mutation testing found unpinned:
 * an intermediate hop that both accepted and rejected the packets, a rejection logged only where the
 * packets arrive at the destination, and a REJECT-only flow log holding only rejected replies.
 * Each expectation is the whole answer a user reads: verdict, confidence and its reason, summary.
 */
import { expect } from "chai";
import { DIAGNOSTIC_FORMAT } from "../../analysis/core/logFormat";
import { FlowRecord } from "../../analysis/core/records";
import { TrafficType } from "../../analysis/verdict/classify";
import { diagnoseLines, inbound, NAT_ENI, NAT_IP, OTHER_ENI, S3, TASK, outbound, toLine } from "../helpers/analysisRecords";

function answer(records: readonly FlowRecord[], trafficType: TrafficType = "ALL") {
    const d = diagnoseLines(records.map((r) => toLine(r, DIAGNOSTIC_FORMAT)), DIAGNOSTIC_FORMAT, trafficType);
    return { verdict: d.verdict, confidence: d.confidence, confidenceReason: d.confidenceReason, summary: d.summary };
}

// The NAT gateway's ENI logs the task's conversation with its own address on one side; pkt-srcaddr and
// pkt-dstaddr carry the original ends (flow-logs-records-examples, NAT gateway example).
const natLeg = (dir: "out" | "in", action: "ACCEPT" | "REJECT", i: number) =>
    dir === "out"
        ? outbound(action, i, { interfaceId: NAT_ENI, srcAddr: NAT_IP, pktSrcAddr: TASK, pktDstAddr: S3, subnetId: "subnet-0nat" })
        : inbound(action, i, { interfaceId: NAT_ENI, dstAddr: NAT_IP, pktSrcAddr: S3, pktDstAddr: TASK, subnetId: "subnet-0nat" });
const taskLeg = (dir: "out" | "in", action: "ACCEPT" | "REJECT", i: number) =>
    dir === "out" ? outbound(action, i, { pktSrcAddr: TASK, pktDstAddr: S3, subnetId: "subnet-0task" }) : inbound(action, i, { pktSrcAddr: S3, pktDstAddr: TASK, subnetId: "subnet-0task" });

const ROUTING = {
    verdict: "routing",
    confidence: "high",
    confidenceReason: "2 outbound records accepted and no reply logged in either action.",
    summary:
        "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
};

describe("verdict ladder (mutation-tested)", () => {
    // AWS, flow-log-records.html (field pkt-srcaddr): "Use this field with the srcaddr field to distinguish
    // between the IP address of an intermediate layer through which traffic flows, and the original source
    // IP address of the traffic." And (field action): "REJECT — The traffic was rejected. For example, the
    // traffic was not allowed by the security groups or network ACLs, or packets arrived after the
    // connection was closed." A hop that rejected some packets but ACCEPTED others lets traffic through:
    // its rules are not what stops the conversation, so it is not blamed.
    describe("an intermediate hop is blamed only when it rejected and accepted nothing in that direction", () => {
        it("the NAT gateway's ENI rejected the packets and accepted none: its subnet's network ACL is named", () => {
            expect(answer([taskLeg("out", "ACCEPT", 0), natLeg("out", "REJECT", 0)])).to.deep.equal({
                verdict: "security-group-or-nacl",
                confidence: "high",
                confidenceReason: "The intermediate hop logged REJECT for the packets (matched through pkt-srcaddr/pkt-dstaddr).",
                summary:
                    "Packets from 10.0.1.25 to 52.219.204.42:443/tcp left the source's ENI but were rejected at the intermediate hop eni-0f9e8d7c6b5a43210 (1 record; a NAT gateway, transit gateway attachment or middlebox): the network ACL of its subnet (or, for a middlebox instance, its security group) blocks them.",
            });
        });

        it("the hop both accepted and rejected the packets: not blamed, the source's unanswered packets stay routing", () => {
            expect(answer([taskLeg("out", "ACCEPT", 0), taskLeg("out", "ACCEPT", 1), natLeg("out", "ACCEPT", 0), natLeg("out", "REJECT", 1)])).to.deep.equal(ROUTING);
        });

        it("the hop rejected the replies and accepted none: the return leg at the hop is named", () => {
            expect(answer([taskLeg("out", "ACCEPT", 0), natLeg("out", "ACCEPT", 0), natLeg("in", "REJECT", 0)])).to.deep.equal({
                verdict: "nacl-return-path",
                confidence: "high",
                confidenceReason: "The intermediate hop logged REJECT for the replies (matched through pkt-srcaddr/pkt-dstaddr).",
                summary:
                    "Replies from 52.219.204.42:443/tcp reached the intermediate hop eni-0f9e8d7c6b5a43210 but were rejected on their way back to 10.0.1.25 (1 record): the network ACL of its subnet blocks the return leg.",
            });
        });

        it("the hop both accepted and rejected the replies: not blamed, routing stays", () => {
            const records = [taskLeg("out", "ACCEPT", 0), taskLeg("out", "ACCEPT", 1), natLeg("out", "ACCEPT", 0), natLeg("out", "ACCEPT", 1), natLeg("in", "ACCEPT", 0), natLeg("in", "REJECT", 1)];
            expect(answer(records)).to.deep.equal(ROUTING);
        });
    });

    // AWS, security-group-rules / VPC security groups: "Security groups are stateful"; a rejection where the
    // packets ARRIVE (flow-direction ingress at the destination's ENI) after the source's ENI let them out is
    // one blocked hop, not a change of rules between attempts (the "mixed" reading).
    describe("rejected only where the packets arrive at the destination (rejectedOnlyAtDestination)", () => {
        it("accepted leaving the source, rejected arriving at the destination: the destination's inbound rules, not mixed", () => {
            const records = [outbound("ACCEPT", 0, { flowDirection: "egress" }), outbound("REJECT", 1, { interfaceId: OTHER_ENI, flowDirection: "ingress" })];
            expect(answer(records)).to.deep.equal({
                verdict: "security-group-or-nacl",
                confidence: "high",
                confidenceReason: "The ENI logged REJECT for the packets and no ACCEPT.",
                summary:
                    "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were rejected (1 record) as they arrived at eni-07e6d5c4b3a291807 (the destination's) and never accepted there: a security group inbound rule or a network ACL inbound rule of the destination blocks them.",
            });
        });

        const MIXED = {
            verdict: "mixed",
            confidence: "high",
            confidenceReason: "Both outcomes are logged for the same conversation.",
            summary:
                "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were both accepted (1 record) and rejected (1 record) in the window: rules changed, or the tasks differ (security groups, subnets).",
        };

        it("rejected leaving the source and accepted at the destination: both outcomes at different ends, mixed", () => {
            const records = [outbound("REJECT", 0, { flowDirection: "egress" }), outbound("ACCEPT", 1, { interfaceId: OTHER_ENI, flowDirection: "ingress" })];
            expect(answer(records)).to.deep.equal(MIXED);
        });

        it("rejected at the destination AND leaving the source: not only at the destination, mixed", () => {
            const records = [
                outbound("ACCEPT", 0, { flowDirection: "egress" }),
                outbound("REJECT", 1, { flowDirection: "egress" }),
                outbound("REJECT", 1, { interfaceId: OTHER_ENI, flowDirection: "ingress" }),
            ];
            expect(answer(records)).to.deep.equal({ ...MIXED, summary: MIXED.summary.replace("rejected (1 record)", "rejected (2 records)") });
        });

        it("the destination's ENI both accepted and rejected arriving packets: mixed, not a blocked hop", () => {
            const records = [outbound("ACCEPT", 0, { interfaceId: OTHER_ENI, flowDirection: "ingress" }), outbound("REJECT", 1, { interfaceId: OTHER_ENI, flowDirection: "ingress" })];
            expect(answer(records)).to.deep.equal(MIXED);
        });

        it("accepted leaving the source AND at the destination, rejected at the destination: mixed", () => {
            const records = [
                outbound("ACCEPT", 0, { flowDirection: "egress" }),
                outbound("ACCEPT", 1, { interfaceId: OTHER_ENI, flowDirection: "ingress" }),
                outbound("REJECT", 2, { interfaceId: OTHER_ENI, flowDirection: "ingress" }),
            ];
            expect(answer(records)).to.deep.equal({ ...MIXED, summary: MIXED.summary.replace("accepted (1 record)", "accepted (2 records)") });
        });

        it("the source's ENI both accepted and rejected its packets: mixed", () => {
            expect(answer([outbound("ACCEPT", 0, { flowDirection: "egress" }), outbound("REJECT", 1, { flowDirection: "egress" })])).to.deep.equal(MIXED);
        });
    });

    // AWS, EC2 API reference CreateFlowLogs, TrafficType: "The type of traffic to monitor (accepted traffic,
    // rejected traffic, or all traffic)." With REJECT only, accepted records are never written, so a reject
    // is the whole visible story and confidence is medium, never high.
    describe("a REJECT-only flow log", () => {
        it("holding only rejected replies: the source subnet's inbound network ACL, medium confidence", () => {
            expect(answer([inbound("REJECT", 0), inbound("REJECT", 1)], "REJECT")).to.deep.equal({
                verdict: "nacl-return-path",
                confidence: "medium",
                confidenceReason: "The flow log captures REJECT only, so it cannot show whether some replies were accepted, or whether these were stragglers after a close.",
                summary:
                    "Replies from 52.219.204.42:443/tcp to 10.0.1.25 were rejected (2 records) as they arrived at eni-0a1b2c3d4e5f60718 (the source's) and never accepted: a network ACL inbound rule of the source's subnet drops the return traffic (security groups are stateful and would let it in).",
            });
        });

        it("holding rejected packets and rejected replies: the packets decide, medium confidence", () => {
            expect(answer([outbound("REJECT", 0), inbound("REJECT", 0)], "REJECT")).to.deep.equal({
                verdict: "security-group-or-nacl",
                confidence: "medium",
                confidenceReason: "The flow log captures REJECT only, so accepted packets are invisible and a mix of accepted and rejected traffic cannot be ruled out.",
                summary:
                    "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were rejected (1 record) as they left eni-0a1b2c3d4e5f60718 (the source's) and never accepted: a security group egress rule or a network ACL outbound rule blocks them.",
            });
        });

        it("holding no record: inconclusive, not no-traffic", () => {
            expect(answer([], "REJECT")).to.deep.equal({
                verdict: "inconclusive",
                confidence: "low",
                confidenceReason: "A REJECT-only flow log says nothing about accepted traffic or routing.",
                summary:
                    "No REJECT record for 10.0.1.25 <-> 52.219.204.42:443/tcp, and the flow log captures REJECT only: nothing was rejected, but whether packets left and were answered cannot be seen.",
            });
        });
    });
});

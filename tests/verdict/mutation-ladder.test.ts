/**
 * Rungs of the verdict ladder (analysis/verdict/classify.ts) that mutation testing found unpinned:
 * an intermediate hop that both accepted and rejected the packets, a rejection logged only where the
 * packets arrive at the destination, and a REJECT-only flow log holding only rejected replies.
 * Each expectation is the whole answer a user reads: verdict, confidence and its reason, summary.
 */
import { expect } from "chai";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, LogFormat, resolveLogFormat } from "../../analysis/core/logFormat";
import { FlowRecord } from "../../analysis/core/records";
import { TrafficType, diagnose } from "../../analysis/verdict/classify";
import { AddressSet } from "../../analysis/core/ip";
import { diagnoseLines, inbound, NAT_ENI, NAT_IP, OTHER_ENI, S3, TASK, outbound, query, scanLines, statusRecord, toLine } from "../helpers/analysisRecords";

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

/** The diagnostic format plus instance-id (`-`: requester-managed, a NAT gateway's ENI) and reject-reason. */
const WIDE: LogFormat = resolveLogFormat(DIAGNOSTIC_FORMAT.formatString + " ${instance-id} ${reject-reason}", "--format", true);
const INSTANCE = { instanceId: "i-0123456789abcdef0" };
const HOP_ENI = "eni-0c3d5e7f9a1b3c5d7";

function whole(records: readonly FlowRecord[], format: LogFormat = WIDE, lines: readonly string[] = []) {
    const d = diagnoseLines([...records.map((r) => toLine({ ...INSTANCE, ...r }, format)), ...lines], format);
    return { verdict: d.verdict, confidence: d.confidence, confidenceReason: d.confidenceReason, summary: d.summary, evidence: d.evidence };
}

// A NAT gateway's ENI: the task's packets arrive with the NAT's own address as dstaddr, requester-managed (instance-id `-`).
const natIn = (action: "ACCEPT" | "REJECT" | undefined, i: number) =>
    outbound(action as "ACCEPT", i, { interfaceId: NAT_ENI, dstAddr: NAT_IP, pktSrcAddr: TASK, pktDstAddr: S3, subnetId: "subnet-0nat", instanceId: undefined });
// The replies at the NAT gateway's ENI, forwarded to the task: its own address as srcaddr stands in for the destination.
const natBack = (action: "ACCEPT" | "REJECT", i: number) =>
    inbound(action, i, { interfaceId: NAT_ENI, srcAddr: NAT_IP, pktSrcAddr: S3, pktDstAddr: TASK, subnetId: "subnet-0nat", instanceId: undefined });
// A second NAT gateway (one per Availability Zone) with its own ENI and address.
const NAT_B_ENI = "eni-0b1b2b3b4b5b6b7b8";
const natBIn = (action: "ACCEPT" | "REJECT", i: number) =>
    outbound(action, i, { interfaceId: NAT_B_ENI, dstAddr: "10.0.2.77", pktSrcAddr: TASK, pktDstAddr: S3, subnetId: "subnet-0natb", instanceId: undefined });
// Another hop between the ends (an instance: a middlebox), its own address as srcaddr.
const hopOut = (action: "ACCEPT" | "REJECT" | undefined, i: number) =>
    outbound(action as "ACCEPT", i, { interfaceId: HOP_ENI, srcAddr: "10.0.0.88", pktSrcAddr: TASK, pktDstAddr: S3, subnetId: "subnet-0hop" });

interface NotesCase {
    name: string;
    records: FlowRecord[];
    format?: LogFormat;
    lines?: string[];
    expected: ReturnType<typeof whole>;
}

const NOTES: NotesCase[] = [
    {
        name: "two hops beside the task's ENI, one without an action field: each leg told apart, not counted",
        records: [outbound("ACCEPT", 0, { tcpFlags: 2, packets: 1, bytes: 60 }), outbound("ACCEPT", 1, { tcpFlags: 2, packets: 1, bytes: 60 }), natIn("ACCEPT", 0), hopOut(undefined, 0), hopOut(undefined, 1)],
        expected: {
            verdict: "routing",
            confidence: "high",
            confidenceReason: "2 outbound records with tcp-flags 2 (SYN only) of a few small packets and no reply in either action: connection attempts that were never answered.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            evidence: [
                "tcp-flags: 2 of 2 accepted outbound records are SYN only (2) of a few small packets and no SYN-ACK (18) came back: those handshakes never completed.",
                "Intermediate hop on eni-0c3d5e7f9a1b3c5d7 (tied through pkt-srcaddr/pkt-dstaddr, not added to the counts above): outbound 2, inbound 0 (no action field).",
                "NAT gateway leg on eni-0f9e8d7c6b5a43210 (tied through pkt-srcaddr/pkt-dstaddr, not added to the counts above): outbound 1 accepted, 0 rejected; inbound 0 accepted, 0 rejected.",
            ],
        },
    },
    {
        name: "records without an action, at the ends and at hops: the count texts",
        records: [outbound(undefined as never, 0), outbound(undefined as never, 1), hopOut(undefined, 0)],
        expected: {
            verdict: "inconclusive",
            confidence: "low",
            confidenceReason: "The records carry no action (ACCEPT or REJECT).",
            summary: "3 records of 10.0.1.25 <-> 52.219.204.42:443/tcp match (2 at the ends' ENIs, 1 at an intermediate hop), but the flow-log format has no action field: whether the packets were accepted or rejected cannot be told from them.",
            evidence: [
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
                "Intermediate hop on eni-0c3d5e7f9a1b3c5d7 (tied through pkt-srcaddr/pkt-dstaddr, not added to the counts above): outbound 1, inbound 0 (no action field).",
            ],
        },
    },
    {
        name: "one record without an action at an end, two at hops",
        records: [outbound(undefined as never, 0), hopOut(undefined, 0), hopOut(undefined, 1)],
        expected: {
            verdict: "inconclusive",
            confidence: "low",
            confidenceReason: "The records carry no action (ACCEPT or REJECT).",
            summary: "3 records of 10.0.1.25 <-> 52.219.204.42:443/tcp match (1 at an end's ENI, 2 at intermediate hops), but the flow-log format has no action field: whether the packets were accepted or rejected cannot be told from them.",
            evidence: [
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
                "Intermediate hop on eni-0c3d5e7f9a1b3c5d7 (tied through pkt-srcaddr/pkt-dstaddr, not added to the counts above): outbound 2, inbound 0 (no action field).",
            ],
        },
    },
    {
        name: "one record without an action, only at a hop",
        records: [hopOut(undefined, 0)],
        expected: {
            verdict: "inconclusive",
            confidence: "low",
            confidenceReason: "The records carry no action (ACCEPT or REJECT).",
            summary: "1 record of 10.0.1.25 <-> 52.219.204.42:443/tcp matches, but the flow-log format has no action field: whether the packets were accepted or rejected cannot be told from them.",
            evidence: [
                "Only intermediate hops (matched through pkt-srcaddr/pkt-dstaddr) are in the input; neither end's own ENI is.",
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
            ],
        },
    },
    {
        name: "only the NAT gateway's legs are in the input",
        records: [natIn("ACCEPT", 0), natIn("ACCEPT", 1)],
        expected: {
            verdict: "routing",
            confidence: "high",
            confidenceReason: "2 outbound records accepted and no reply logged in either action.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            evidence: [
                "Only intermediate hops (matched through pkt-srcaddr/pkt-dstaddr) are in the input; neither end's own ENI is.",
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
            ],
        },
    },
    {
        name: "only the NAT gateway's legs, rejected",
        records: [natIn("REJECT", 0), natIn("REJECT", 1)],
        expected: {
            verdict: "security-group-or-nacl",
            confidence: "high",
            confidenceReason: "The ENI logged REJECT for the packets and no ACCEPT.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were rejected (2 records) at the NAT gateway's ENI eni-0f9e8d7c6b5a43210 and never accepted: the network ACL of the NAT gateway's subnet blocks them (NAT gateways have no security groups).",
            evidence: [
                "Only intermediate hops (matched through pkt-srcaddr/pkt-dstaddr) are in the input; neither end's own ENI is.",
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
            ],
        },
    },
    {
        // Network ACLs are stateless (VPC user guide): the replies need their own rule; at a NAT gateway's
        // ENI that is the NAT subnet's ACL, whether or not the task's own ENI is in the input.
        name: "only the NAT gateway's reply legs, rejected: the NAT subnet's ACL drops the return traffic",
        records: [natBack("REJECT", 0), natBack("REJECT", 1)],
        expected: {
            verdict: "nacl-return-path",
            confidence: "medium",
            confidenceReason: "The outbound packets are not in the input, only the rejected replies.",
            summary: "Replies from 52.219.204.42:443/tcp to 10.0.1.25 were rejected (2 records) at the NAT gateway's ENI eni-0f9e8d7c6b5a43210 on their way back and never accepted: the network ACL of the NAT gateway's subnet drops the return traffic.",
            evidence: [
                "Only intermediate hops (matched through pkt-srcaddr/pkt-dstaddr) are in the input; neither end's own ENI is.",
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
            ],
        },
    },
    {
        name: "only a middlebox's legs, rejected: a hop of unknown kind, its subnet's ACL or its own security group",
        records: [hopOut("REJECT", 0), hopOut("REJECT", 1)],
        expected: {
            verdict: "security-group-or-nacl",
            confidence: "high",
            confidenceReason: "The ENI logged REJECT for the packets and no ACCEPT.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were rejected (2 records) at the intermediate hop eni-0c3d5e7f9a1b3c5d7 (a NAT gateway, transit gateway attachment or middlebox) and never accepted: the network ACL of its subnet (or, for a middlebox instance, its security group) blocks them.",
            evidence: [
                "Only intermediate hops (matched through pkt-srcaddr/pkt-dstaddr) are in the input; neither end's own ENI is.",
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
            ],
        },
    },
    {
        // A NAT gateway has no security groups, a middlebox instance has: with both among the hops that
        // rejected, the wording that fits either is kept.
        name: "only hops' legs, rejected at a NAT gateway and at a middlebox: the wording for any hop",
        records: [natIn("REJECT", 0), hopOut("REJECT", 1)],
        expected: {
            verdict: "security-group-or-nacl",
            confidence: "high",
            confidenceReason: "The ENI logged REJECT for the packets and no ACCEPT.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were rejected (2 records) at the intermediate hop eni-0c3d5e7f9a1b3c5d7, eni-0f9e8d7c6b5a43210 (a NAT gateway, transit gateway attachment or middlebox) and never accepted: the network ACL of its subnet (or, for a middlebox instance, its security group) blocks them.",
            evidence: [
                "Only intermediate hops (matched through pkt-srcaddr/pkt-dstaddr) are in the input; neither end's own ENI is.",
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
            ],
        },
    },
    {
        name: "only a middlebox's reply legs, rejected: its subnet's ACL",
        records: [inbound("REJECT", 0, { interfaceId: HOP_ENI, dstAddr: "10.0.0.88", pktSrcAddr: S3, pktDstAddr: TASK, subnetId: "subnet-0hop" })],
        expected: {
            verdict: "nacl-return-path",
            confidence: "medium",
            confidenceReason: "The outbound packets are not in the input, only the rejected replies.",
            summary: "Replies from 52.219.204.42:443/tcp to 10.0.1.25 were rejected (1 record) at the intermediate hop eni-0c3d5e7f9a1b3c5d7 (a NAT gateway, transit gateway attachment or middlebox) on their way back and never accepted: the network ACL of its subnet drops the return traffic.",
            evidence: [
                "Only intermediate hops (matched through pkt-srcaddr/pkt-dstaddr) are in the input; neither end's own ENI is.",
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
            ],
        },
    },
    {
        // NAT gateways have no security groups; only the network ACL of their subnet can reject. Each
        // NAT gateway that rejected is named, so the user opens both subnets' ACLs, not one.
        name: "two NAT gateways rejected the task's packets after its ENI let them out: both ENIs named, NAT wording",
        records: [outbound("ACCEPT", 0), natIn("REJECT", 0), natBIn("REJECT", 1)],
        expected: {
            verdict: "security-group-or-nacl",
            confidence: "high",
            confidenceReason: "The intermediate hop logged REJECT for the packets (matched through pkt-srcaddr/pkt-dstaddr).",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp left the source's ENI but were rejected at the NAT gateway's ENI eni-0b1b2b3b4b5b6b7b8, eni-0f9e8d7c6b5a43210 (2 records): the NAT subnet's network ACL blocks them (NAT gateways have no security groups).",
            evidence: [
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
                "NAT gateway leg on eni-0b1b2b3b4b5b6b7b8 (tied through pkt-srcaddr/pkt-dstaddr, not added to the counts above): outbound 0 accepted, 1 rejected; inbound 0 accepted, 0 rejected.",
                "NAT gateway leg on eni-0f9e8d7c6b5a43210 (tied through pkt-srcaddr/pkt-dstaddr, not added to the counts above): outbound 0 accepted, 1 rejected; inbound 0 accepted, 0 rejected.",
            ],
        },
    },
    {
        // tcp-flags is the OR of the flags in the aggregation interval and a bare ACK is not recorded
        // (flow-log-records.html, tcp-flags): a SYN-only record of many packets is an established
        // connection, so the unanswered-handshake rung
        // (high confidence) needs EVERY SYN-only record to be a small retry, not just one of them.
        name: "two SYN-only records, one a small retry and one of many packets: not every SYN a retry, medium",
        records: [outbound("ACCEPT", 0, { tcpFlags: 2, packets: 1, bytes: 60 }), outbound("ACCEPT", 1, { tcpFlags: 2, packets: 20, bytes: 20000 })],
        expected: {
            verdict: "routing",
            confidence: "medium",
            confidenceReason: "The outbound records carried data or closing flags, not only retransmitted SYNs (AWS records ACK only with SYN, so SYN-only records with many packets are established connections): the connections were established earlier and their replies may be outside the input.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            evidence: [
                "tcp-flags: 1 of 2 accepted outbound records is SYN only (2) of a few small packets and no SYN-ACK (18) came back: those handshakes never completed.",
                "tcp-flags: 1 accepted outbound record is SYN only (2) but carried more than a few small packets: established connections (AWS ORs the flags over the interval and records ACK only with SYN), not failed handshakes.",
            ],
        },
    },
    {
        name: "answered, then reset: SYN-ACK, RST, a late reject, the paths and services",
        records: [outbound("ACCEPT", 0, { tcpFlags: 2, packets: 20, trafficPath: 7, pktDstAwsService: "S3", flowDirection: "egress" }), inbound("ACCEPT", 0, { tcpFlags: 18, flowDirection: "ingress" }), outbound("ACCEPT", 1, { tcpFlags: 2, packets: 2, bytes: 120, flowDirection: "egress" }), outbound("ACCEPT", 1, { srcPort: 43390, tcpFlags: 3, packets: 12, flowDirection: "egress" }), outbound("REJECT", 2, { tcpFlags: 4, packets: 1, flowDirection: "egress" })],
        expected: {
            verdict: "network-ok",
            confidence: "high",
            confidenceReason: "Accepted records in both directions.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted and answered: the network path works; look at DNS, TLS, proxy settings, permissions, and application timeouts.",
            evidence: [
                "tcp-flags: 1 of 3 accepted outbound records is SYN only (2) of a few small packets.",
                "tcp-flags: 1 accepted outbound record is SYN only (2) but carried more than a few small packets: established connections (AWS ORs the flags over the interval and records ACK only with SYN), not failed handshakes.",
                "tcp-flags: the destination answered with SYN-ACK (18/19) in 1 inbound record.",
                "tcp-flags: RST (4) in 1 record: one side reset connections.",
                "traffic-path 7: outbound packets left through a gateway VPC endpoint (Nitro) (1 record).",
                "flow-direction (as the logging ENI saw it): inbound ingress 1, outbound egress 4.",
                "pkt-dst-aws-service: S3 (1 record).",
                "Left out 1 late outbound REJECT record: a few packets after an accepted conversation closed (FIN/RST or at its end) are rejected normally and prove nothing.",
            ],
        },
    },
    {
        name: "one SYN-only record of a few packets, and one that is not SYN only",
        records: [outbound("ACCEPT", 0, { tcpFlags: 2, packets: 1, bytes: 60 }), outbound("ACCEPT", 1, { tcpFlags: 27, packets: 9 })],
        expected: {
            verdict: "routing",
            confidence: "medium",
            confidenceReason: "The outbound records carried data or closing flags, not only retransmitted SYNs (AWS records ACK only with SYN, so SYN-only records with many packets are established connections): the connections were established earlier and their replies may be outside the input.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            evidence: [
                "tcp-flags: 1 of 2 accepted outbound records is SYN only (2) of a few small packets and no SYN-ACK (18) came back: those handshakes never completed.",
            ],
        },
    },
    {
        name: "flags that are never SYN only, one record",
        records: [outbound("ACCEPT", 0, { tcpFlags: 3, packets: 9 })],
        expected: {
            verdict: "routing",
            confidence: "low",
            confidenceReason: "The outbound records carried data or closing flags, not only retransmitted SYNs (AWS records ACK only with SYN, so SYN-only records with many packets are established connections): the connections were established earlier and their replies may be outside the input.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (1 record) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            evidence: [
                "tcp-flags: the accepted outbound record is not SYN only.",
            ],
        },
    },
    {
        name: "flags that are never SYN only, two records",
        records: [outbound("ACCEPT", 0, { tcpFlags: 3, packets: 9 }), outbound("ACCEPT", 1, { tcpFlags: 19, packets: 9 })],
        expected: {
            verdict: "routing",
            confidence: "medium",
            confidenceReason: "The outbound records carried data or closing flags, not only retransmitted SYNs (AWS records ACK only with SYN, so SYN-only records with many packets are established connections): the connections were established earlier and their replies may be outside the input.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            evidence: [
                "tcp-flags: none of the 2 accepted outbound records is SYN only.",
            ],
        },
    },
    {
        name: "rejected by VPC Block Public Access",
        records: [outbound("REJECT", 0, { rejectReason: "BPA", flowDirection: "egress" }), outbound("REJECT", 1, { rejectReason: "BPA", flowDirection: "egress" })],
        expected: {
            verdict: "security-group-or-nacl",
            confidence: "high",
            confidenceReason: "The REJECT records carry reject-reason BPA.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were rejected (2 records) at eni-0a1b2c3d4e5f60718 (the source's) by VPC Block Public Access (reject-reason BPA), neither a security group nor a network ACL: the VPC or subnet blocks internet traffic through its internet gateway unless excluded.",
            evidence: [
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
                "flow-direction (as the logging ENI saw it): outbound egress 2.",
                "reject-reason: BPA (2 records); BPA is VPC Block Public Access, neither a security group nor a network ACL.",
            ],
        },
    },
    {
        name: "the default format: no flags, a duplicate, a malformed line about the conversation",
        records: [outbound("ACCEPT", 0), outbound("ACCEPT", 0), outbound("ACCEPT", 1)],
        format: DEFAULT_FORMAT,
        lines: [toLine(outbound("ACCEPT", 2)).replace(" 3 180 ", " three 180 ")],
        expected: {
            verdict: "routing",
            confidence: "high",
            confidenceReason: "2 outbound records accepted and no reply logged in either action.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            evidence: [
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
                "Counted once: 1 exact duplicate record (the same file given twice, or two flow logs writing while one replaces the other).",
                "Skipped 1 malformed line or row (1 of them mentions the conversation's addresses), e.g. '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.25 52.219.204.42 43312 443 6 three 180 1795701845 1795701900 ACCEPT OK'.",
                "Set aside 1 unreadable line or row: 1 could only repeat what the readable records show. None of them could change the verdict.",
            ],
        },
    },
    {
        name: "records without protocol, ports, interface-id or times",
        records: [outbound("ACCEPT", 0, { protocol: undefined, srcPort: undefined, dstPort: undefined, interfaceId: undefined, startTime: undefined, endTime: undefined }), outbound("ACCEPT", 1, { protocol: undefined, interfaceId: undefined, startTime: undefined, endTime: undefined })],
        format: DEFAULT_FORMAT,
        expected: {
            verdict: "routing",
            confidence: "high",
            confidenceReason: "2 outbound records accepted and no reply logged in either action.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            evidence: [
                "2 matched records carry no protocol or ports: they were matched on addresses alone and may belong to other traffic between the same hosts.",
                "2 matched records carry no interface-id: the ENI cannot be named (add ${interface-id} to the format).",
                "The records carry no start/end times: the timeline and the late-reject judgement need them.",
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
            ],
        },
    },
    {
        name: "two ENIs at the same end",
        records: [outbound("ACCEPT", 0, { flowDirection: "egress" }), outbound("ACCEPT", 1, { interfaceId: OTHER_ENI, flowDirection: "egress" })],
        expected: {
            verdict: "routing",
            confidence: "high",
            confidenceReason: "2 outbound records accepted and no reply logged in either action.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            evidence: [
                "2 ENIs logged the conversation directly (eni-07e6d5c4b3a291807: the source's, eni-0a1b2c3d4e5f60718: the source's): several tasks, or both ends are in the input; see the per-ENI counts.",
                "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
                "flow-direction (as the logging ENI saw it): outbound egress 2.",
            ],
        },
    },
];

// What the notes rest on. flow-log-records.html: tcp-flags "SYN: 2, SYN-ACK: 18, FIN: 1, RST: 4", the flags
// "OR-ed" over the aggregation interval, and ACK "reported only when it's accompanied with SYN"; pkt-srcaddr /
// pkt-dstaddr tell "the IP address of an intermediate layer" from the original one (a NAT gateway's ENI:
// requester-managed, instance-id "-"); traffic-path 7 "Through a gateway VPC endpoint (Nitro-based
// instances only)"; reject-reason BPA: VPC Block Public Access. The notes are what a user reads to judge
// the verdict, so every sentence and every count is asserted, and a hop's leg is never added to the ends'.
describe("evidence notes and count texts (mutation-tested)", () => {
    for (const c of NOTES) {
        it(c.name, () => {
            expect(whole(c.records, c.format, c.lines)).to.deep.equal(c.expected);
        });
    }
});

function verdictOf(c: { records: readonly FlowRecord[]; format?: LogFormat; trafficType?: TrafficType; lines?: readonly string[]; dst?: string; protocol?: number }) {
    const format = c.format ?? WIDE;
    const lines = [...c.records.map((r) => (r.logStatus === "OK" ? toLine({ ...INSTANCE, ...r }, format) : toLine(r, format))), ...(c.lines ?? [])];
    const q = query({ dst: AddressSet.parse(c.dst ?? S3, "--dst"), protocol: c.protocol ?? 6 });
    const d = diagnose(scanLines(lines, format, q).evidence(), { trafficType: c.trafficType ?? "ALL" });
    return { verdict: d.verdict, confidence: d.confidence, confidenceReason: d.confidenceReason, summary: d.summary, warnings: d.warnings };
}

const PRIVATE = "10.0.3.50";
const toPrivate = (action: "ACCEPT" | "REJECT", i: number, extra: FlowRecord = {}) => outbound(action, i, { dstAddr: PRIVATE, ...extra });
const fromPrivate = (action: "ACCEPT" | "REJECT", i: number, extra: FlowRecord = {}) => inbound(action, i, { srcAddr: PRIVATE, ...extra });

interface RungCase {
    name: string;
    dst?: string;
    protocol?: number;
    records: FlowRecord[];
    format?: LogFormat;
    trafficType?: TrafficType;
    lines?: string[];
    expected: ReturnType<typeof verdictOf>;
}

const RUNGS: RungCase[] = [
    {
        name: "the NAT gateway's ENI rejected the packets (2 records): the NAT subnet's network ACL",
        records: [outbound("ACCEPT", 0), natIn("REJECT", 0), natIn("REJECT", 1)],
        expected: {
            verdict: "security-group-or-nacl",
            confidence: "high",
            confidenceReason: "The intermediate hop logged REJECT for the packets (matched through pkt-srcaddr/pkt-dstaddr).",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp left the source's ENI but were rejected at the NAT gateway's ENI eni-0f9e8d7c6b5a43210 (2 records): the NAT subnet's network ACL blocks them (NAT gateways have no security groups).",
            warnings: [],
        },
    },
    {
        name: "two hops rejected the packets, one not a NAT gateway: both named, the intermediate wording",
        records: [outbound("ACCEPT", 0), natIn("REJECT", 0), hopOut("REJECT", 1)],
        expected: {
            verdict: "security-group-or-nacl",
            confidence: "high",
            confidenceReason: "The intermediate hop logged REJECT for the packets (matched through pkt-srcaddr/pkt-dstaddr).",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp left the source's ENI but were rejected at the intermediate hop eni-0c3d5e7f9a1b3c5d7, eni-0f9e8d7c6b5a43210 (2 records; a NAT gateway, transit gateway attachment or middlebox): the network ACL of its subnet (or, for a middlebox instance, its security group) blocks them.",
            warnings: [],
        },
    },
    {
        name: "replies rejected leaving the destination's ENI after the packets were accepted",
        dst: PRIVATE,
        records: [toPrivate("ACCEPT", 0, { flowDirection: "egress" }), fromPrivate("REJECT", 0, { interfaceId: OTHER_ENI, flowDirection: "egress" })],
        expected: {
            verdict: "nacl-return-path",
            confidence: "high",
            confidenceReason: "The ENI logged ACCEPT for the packets and REJECT for the replies.",
            summary: "Packets from 10.0.1.25 to 10.0.3.50:443/tcp were accepted, and the replies were rejected (1 record) as they left eni-07e6d5c4b3a291807 (the destination's) and never accepted: a network ACL outbound rule of the destination's subnet drops the return traffic (security groups are stateful and would let it out).",
            warnings: [],
        },
    },
    {
        name: "replies rejected at an ENI of unknown end",
        dst: PRIVATE,
        records: [toPrivate("ACCEPT", 0), fromPrivate("REJECT", 0)],
        format: DEFAULT_FORMAT,
        expected: {
            verdict: "nacl-return-path",
            confidence: "high",
            confidenceReason: "The ENI logged ACCEPT for the packets and REJECT for the replies.",
            summary: "Packets from 10.0.1.25 to 10.0.3.50:443/tcp were accepted, and the replies were rejected (1 record) at eni-0a1b2c3d4e5f60718 and never accepted. The records cannot tell whether that is the source's or the destination's ENI: a network ACL drops the return traffic, either the source subnet's inbound rules or the destination subnet's outbound rules (security groups are stateful).",
            warnings: [],
        },
    },
    {
        name: "packets rejected at an ENI of unknown end",
        dst: PRIVATE,
        records: [toPrivate("REJECT", 0), toPrivate("REJECT", 1)],
        format: DEFAULT_FORMAT,
        expected: {
            verdict: "security-group-or-nacl",
            confidence: "high",
            confidenceReason: "The ENI logged REJECT for the packets and no ACCEPT.",
            summary: "Packets from 10.0.1.25 to 10.0.3.50:443/tcp were rejected (2 records) at eni-0a1b2c3d4e5f60718 and never accepted. The records cannot tell whether that is the source's or the destination's ENI (both addresses are private, and the records carry no flow-direction): either the source's security group egress or network ACL outbound rules, or the destination's security group inbound or network ACL inbound rules block them.",
            warnings: [],
        },
    },
    {
        name: "accepted and answered, one reply rejected: medium",
        records: [outbound("ACCEPT", 0), inbound("ACCEPT", 0), inbound("REJECT", 1)],
        expected: {
            verdict: "network-ok",
            confidence: "medium",
            confidenceReason: "Replies were accepted, but 1 inbound record was also rejected in the window (an intermittent network ACL rule or ephemeral-port range?).",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted and answered: the network path works; look at DNS, TLS, proxy settings, permissions, and application timeouts.",
            warnings: [],
        },
    },
    {
        name: "accepted and answered, two replies rejected: medium",
        records: [outbound("ACCEPT", 0), inbound("ACCEPT", 0), inbound("REJECT", 1), inbound("REJECT", 2)],
        expected: {
            verdict: "network-ok",
            confidence: "medium",
            confidenceReason: "Replies were accepted, but 2 inbound records were also rejected in the window (an intermittent network ACL rule or ephemeral-port range?).",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted and answered: the network path works; look at DNS, TLS, proxy settings, permissions, and application timeouts.",
            warnings: [],
        },
    },
    {
        name: "only accepted replies in the input",
        records: [inbound("ACCEPT", 0)],
        expected: {
            verdict: "network-ok",
            confidence: "medium",
            confidenceReason: "Only the return direction was logged.",
            summary: "Replies from 52.219.204.42:443/tcp to 10.0.1.25 were accepted, so packets got out and were answered; the outbound records are missing from the input (window edge, or another ENI).",
            warnings: [],
        },
    },
    {
        name: "only rejected replies in the input (ALL)",
        records: [inbound("REJECT", 0)],
        expected: {
            verdict: "nacl-return-path",
            confidence: "medium",
            confidenceReason: "The outbound packets are not in the input, only the rejected replies.",
            summary: "Replies from 52.219.204.42:443/tcp to 10.0.1.25 were rejected (1 record) as they arrived at eni-0a1b2c3d4e5f60718 (the source's) and never accepted: a network ACL inbound rule of the source's subnet drops the return traffic (security groups are stateful and would let it in).",
            warnings: [],
        },
    },
    {
        name: "an ACCEPT-only flow log without a record",
        records: [],
        trafficType: "ACCEPT",
        expected: {
            verdict: "inconclusive",
            confidence: "low",
            confidenceReason: "In an ACCEPT-only flow log the absence of rejects is not evidence.",
            summary: "No record of 10.0.1.25 <-> 52.219.204.42:443/tcp, and the flow log captures ACCEPT only: rejected packets are not logged, so this is as consistent with a rejection as with no traffic.",
            warnings: [],
        },
    },
    {
        name: "an ACCEPT-only flow log holding a REJECT record: the verdict from it, and a warning that the traffic type is probably ALL",
        records: [outbound("ACCEPT", 0, { tcpFlags: 2, packets: 1, bytes: 60 }), outbound("ACCEPT", 1, { tcpFlags: 2, packets: 1, bytes: 60 }), inbound("REJECT", 1)],
        trafficType: "ACCEPT",
        expected: {
            verdict: "nacl-return-path",
            confidence: "high",
            confidenceReason: "The ENI logged ACCEPT for the packets and REJECT for the replies.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted, and the replies were rejected (1 record) as they arrived at eni-0a1b2c3d4e5f60718 (the source's) and never accepted: a network ACL inbound rule of the source's subnet drops the return traffic (security groups are stateful and would let it in).",
            warnings: [
                "The input has 1 REJECT record although --traffic-type is ACCEPT: the flow log probably captures ALL; diagnose again with --traffic-type ALL.",
            ],
        },
    },
    {
        name: "an ACCEPT-only flow log, SYNs unanswered: routing at medium only",
        records: [outbound("ACCEPT", 0, { tcpFlags: 2, packets: 1, bytes: 60 }), outbound("ACCEPT", 1, { tcpFlags: 2, packets: 1, bytes: 60 })],
        trafficType: "ACCEPT",
        expected: {
            verdict: "routing",
            confidence: "medium",
            confidenceReason: "The flow log captures ACCEPT only, so replies rejected by a network ACL would look the same as no replies.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            warnings: [],
        },
    },
    {
        name: "a REJECT-only flow log with an ACCEPT record: the warning",
        records: [outbound("REJECT", 0), outbound("ACCEPT", 1)],
        trafficType: "REJECT",
        expected: {
            verdict: "security-group-or-nacl",
            confidence: "medium",
            confidenceReason: "The flow log captures REJECT only, so accepted packets are invisible and a mix of accepted and rejected traffic cannot be ruled out.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were rejected (1 record) as they left eni-0a1b2c3d4e5f60718 (the source's) and never accepted: a security group egress rule or a network ACL outbound rule blocks them.",
            warnings: [
                "The input has 1 ACCEPT record although --traffic-type is REJECT: the flow log probably captures ALL; diagnose again with --traffic-type ALL.",
            ],
        },
    },
    {
        name: "UDP unanswered: medium",
        protocol: 17,
        records: [outbound("ACCEPT", 0, { protocol: 17 }), outbound("ACCEPT", 1, { protocol: 17 })],
        expected: {
            verdict: "routing",
            confidence: "medium",
            confidenceReason: "UDP has no handshake and one-way UDP can be normal (a client that expects no reply), so missing replies are weaker evidence than for TCP.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/udp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            warnings: [],
        },
    },
    {
        name: "SKIPDATA and NODATA on the task's ENI: lowered twice, both said",
        records: [outbound("ACCEPT", 0, { tcpFlags: 2, packets: 1, bytes: 60 }), outbound("ACCEPT", 1, { tcpFlags: 2, packets: 1, bytes: 60 }), statusRecord("SKIPDATA", 0), statusRecord("NODATA", 1)],
        expected: {
            verdict: "routing",
            confidence: "low",
            confidenceReason: "2 outbound records with tcp-flags 2 (SYN only) of a few small packets and no reply in either action: connection attempts that were never answered; 1 SKIPDATA record means some records were not captured, so the evidence is incomplete; 1 NODATA record overlapping the conversation: intervals in which the ENI logged no traffic at all.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            warnings: [],
        },
    },
    {
        name: "one SKIPDATA and two NODATA: the counts' wording",
        records: [outbound("REJECT", 0), statusRecord("SKIPDATA", 0), statusRecord("NODATA", 0), statusRecord("NODATA", 1)],
        expected: {
            verdict: "security-group-or-nacl",
            confidence: "low",
            confidenceReason: "The ENI logged REJECT for the packets and no ACCEPT; 1 SKIPDATA record means some records were not captured, so the evidence is incomplete; 2 NODATA records overlapping the conversation: intervals in which the ENI logged no traffic at all.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were rejected (1 record) as they left eni-0a1b2c3d4e5f60718 (the source's) and never accepted: a security group egress rule or a network ACL outbound rule blocks them.",
            warnings: [],
        },
    },
    {
        name: "an unreadable line that could change the verdict, fewer than the readable records: lowered",
        records: [outbound("ACCEPT", 0), outbound("ACCEPT", 1)],
        format: DEFAULT_FORMAT,
        lines: [toLine(inbound("ACCEPT", 1)).replace(" 4 5200 ", " four 5200 ")],
        expected: {
            verdict: "routing",
            confidence: "medium",
            confidenceReason: "2 outbound records accepted and no reply logged in either action; 1 unreadable line or row could be a record of the conversation that would change the verdict.",
            summary: "Packets from 10.0.1.25 to 52.219.204.42:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).",
            warnings: [
                "Set aside 1 unreadable line or row: 1 could be a record of the conversation that would change the verdict. The verdict rests on the readable records, with lower confidence.",
            ],
        },
    },
    {
        name: "two unreadable lines that could change the verdict, as many as the readable records: no verdict",
        records: [outbound("ACCEPT", 0), outbound("ACCEPT", 1)],
        format: DEFAULT_FORMAT,
        lines: [toLine(inbound("ACCEPT", 1)).replace(" 4 5200 ", " four 5200 "), toLine(inbound("ACCEPT", 2)).replace(" 4 5200 ", " four 5200 ")],
        expected: {
            verdict: "inconclusive",
            confidence: "low",
            confidenceReason: "Most of the input about this conversation is malformed.",
            summary: "2 lines or rows that mention the conversation's addresses could not be read (e.g. '2 123456789012 eni-0a1b2c3d4e5f60718 52.219.204.42 10.0.1.25 443 43311 6 four 5200 1795701785 1795701840 ACCEPT OK'), against 2 readable records: no verdict from evidence that was mostly skipped.",
            warnings: [
                "Set aside 2 unreadable lines or rows: 2 could be records of the conversation that would change the verdict. No verdict: they are as many as the readable records.",
            ],
        },
    },
    {
        name: "accepted at two ENIs of the destination, no reply: the records summed",
        dst: PRIVATE,
        records: [toPrivate("ACCEPT", 0, { interfaceId: OTHER_ENI, flowDirection: "ingress" }), toPrivate("ACCEPT", 1, { interfaceId: "eni-0d1d2d3d4d5d6d7d8", flowDirection: "ingress" }), toPrivate("ACCEPT", 2, { interfaceId: "eni-0d1d2d3d4d5d6d7d8", flowDirection: "ingress" })],
        expected: {
            verdict: "network-ok",
            confidence: "medium",
            confidenceReason: "The destination's ENI accepted the packets, but no reply is logged.",
            summary: "Packets from 10.0.1.25 to 10.0.3.50:443/tcp reached eni-0d1d2d3d4d5d6d7d8 (the destination's), eni-07e6d5c4b3a291807 (the destination's) and were accepted (3 records); no reply from it is in the input: the network delivered them, so look at the destination (is the service listening, does a host firewall drop them?) or at replies outside the input.",
            warnings: [],
        },
    },
    {
        name: "accepted at an ENI of unknown end, no reply: inconclusive",
        dst: PRIVATE,
        records: [toPrivate("ACCEPT", 0), toPrivate("ACCEPT", 1)],
        format: DEFAULT_FORMAT,
        expected: {
            verdict: "inconclusive",
            confidence: "low",
            confidenceReason: "Which end logged the records is unknown, and the two readings differ.",
            summary: "Packets from 10.0.1.25 to 10.0.3.50:443/tcp were accepted (2 records) at eni-0a1b2c3d4e5f60718 and nothing came back. The records cannot tell whether that is the source's or the destination's ENI (both addresses are private, and the records carry no flow-direction): at the source's it would be consistent with a routing problem; at the destination's the packets arrived and the destination did not answer.",
            warnings: [],
        },
    },
];

// The rungs below decide among readings AWS documents: security groups are stateful, network ACLs are
// not (VPC user guide); REJECT "for example ... not allowed by the security groups or network ACLs, or
// packets arrived after the connection was closed" (flow-log-records.html, action); SKIPDATA: "One or more
// flow log records were skipped during the aggregation interval", NODATA: "There was no network traffic
// to or from the network interface during the aggregation interval" (log-status). Each case asserts the
// verdict, the confidence with every reason, the summary and the warnings.
describe("verdict ladder rungs, whole answers (mutation-tested)", () => {
    for (const c of RUNGS) {
        it(c.name, () => {
            expect(verdictOf(c)).to.deep.equal(c.expected);
        });
    }
    // The routing rung names the causes that fit the destination: for a private address, the routes
    // inside AWS (local, peering, transit gateway) and the way back, not NAT or internet gateways.
    it("accepted out to a private destination and never answered: routing, with the private causes", () => {
        const dst = "10.0.3.50";
        const lines = [0, 1].map((i) => toLine(outbound("ACCEPT", i, { dstAddr: dst, flowDirection: "egress" }), DIAGNOSTIC_FORMAT));
        const d = diagnose(scanLines(lines, DIAGNOSTIC_FORMAT, query({ dst: AddressSet.parse(dst, "--dst") })).evidence(), { trafficType: "ALL" });
        expect([d.verdict, d.summary]).to.deep.equal([
            "routing",
            "Packets from 10.0.1.25 to 10.0.3.50:443/tcp were accepted on the way out (2 records) and nothing came back: consistent with a routing problem (no local, peering or transit gateway route to the destination, or none back from it).",
        ]);
    });

    // Several intermediate hops (a NAT gateway per zone, a middlebox): the culprit named is the hop that
    // rejected in that direction, not every hop in the records. A user fixes the network ACL of the subnet
    // named here; naming a hop that only carried the other direction sends them to the wrong subnet.
    describe("several intermediate hops: only those that rejected in that direction are named", () => {
        const hopLeg = (eni: string, ip: string, dir: "out" | "in", action: "ACCEPT" | "REJECT", i: number) =>
            dir === "out"
                ? outbound(action, i, { interfaceId: eni, srcAddr: ip, pktSrcAddr: TASK, pktDstAddr: S3, subnetId: "subnet-0hop" })
                : inbound(action, i, { interfaceId: eni, dstAddr: ip, pktSrcAddr: S3, pktDstAddr: TASK, subnetId: "subnet-0hop" });
        const HOP_B = "eni-0b1b2b3b4b5b6b7b8";
        const HOP_C = "eni-0c1c2c3c4c5c6c7c8";

        it("two hops rejected the packets, a third carried only replies: the two are named", () => {
            const records = [
                taskLeg("out", "ACCEPT", 0),
                hopLeg(NAT_ENI, NAT_IP, "out", "REJECT", 0),
                hopLeg(HOP_B, "10.0.2.20", "out", "REJECT", 1),
                hopLeg(HOP_C, "10.0.3.30", "in", "ACCEPT", 2),
            ];
            expect(answer(records)).to.deep.equal({
                verdict: "security-group-or-nacl",
                confidence: "high",
                confidenceReason: "The intermediate hop logged REJECT for the packets (matched through pkt-srcaddr/pkt-dstaddr).",
                summary:
                    "Packets from 10.0.1.25 to 52.219.204.42:443/tcp left the source's ENI but were rejected at the intermediate hop eni-0b1b2b3b4b5b6b7b8, eni-0f9e8d7c6b5a43210 (2 records; a NAT gateway, transit gateway attachment or middlebox): the network ACL of its subnet (or, for a middlebox instance, its security group) blocks them.",
            });
        });

        it("two hops rejected the replies, a third carried only the packets: the two are named", () => {
            const records = [
                taskLeg("out", "ACCEPT", 0),
                hopLeg(NAT_ENI, NAT_IP, "out", "ACCEPT", 0),
                hopLeg(NAT_ENI, NAT_IP, "in", "REJECT", 1),
                hopLeg(HOP_B, "10.0.2.20", "in", "REJECT", 2),
                hopLeg(HOP_C, "10.0.3.30", "out", "ACCEPT", 3),
            ];
            expect(answer(records)).to.deep.equal({
                verdict: "nacl-return-path",
                confidence: "high",
                confidenceReason: "The intermediate hop logged REJECT for the replies (matched through pkt-srcaddr/pkt-dstaddr).",
                summary:
                    "Replies from 52.219.204.42:443/tcp reached the intermediate hop eni-0f9e8d7c6b5a43210, eni-0b1b2b3b4b5b6b7b8 but were rejected on their way back to 10.0.1.25 (2 records): the network ACL of its subnet blocks the return leg.",
            });
        });
    });
});

/**
 * The verdict rules a user's answer rests on, each pinned by the smallest record set where it
 * decides the answer. Records are written as raw lines in the diagnostic format (tcp-flags
 * included) and read by the same path as a user's file. Every expectation is the whole answer:
 * verdict, confidence and its reason, late rejects and the evidence lines.
 */
import { expect } from "chai";
import { DIAGNOSTIC_FORMAT } from "../../analysis/core/logFormat";
import { FlowRecord } from "../../analysis/core/records";
import { diagnoseLines, inbound, outbound, toLine } from "../helpers/analysisRecords";

function answer(records: readonly FlowRecord[]) {
    const d = diagnoseLines(records.map((r) => toLine(r, DIAGNOSTIC_FORMAT)), DIAGNOSTIC_FORMAT);
    return { verdict: d.verdict, confidence: d.confidence, confidenceReason: d.confidenceReason, lateRejects: d.lateRejects, evidence: d.evidence };
}

/** A connection attempt: tcp-flags 2 (SYN only), 3 packets of 60 bytes (the SYN and its retransmissions). */
const synAttempt = (i: number) => outbound("ACCEPT", i, { tcpFlags: 2, packets: 3, bytes: 180 });

describe("verdict rules", () => {
    describe("late-reject rule: a REJECT is a straggler only after an answered conversation", () => {
        // AWS, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html (field `action`): "REJECT — The traffic was rejected. For example, the
        // traffic was not allowed by the security groups or network ACLs, or packets arrived after the
        // connection was closed." A connection can only have closed if it was established, i.e. the
        // destination's replies were accepted. Without an accepted reply, a small REJECT of the
        // replies is the network ACL dropping the return traffic (flow-logs-records-examples, the
        // network ACL example), not a straggler.
        it("an unanswered attempt whose SYN-ACK was rejected is nacl-return-path, and the reject is not left out as late", () => {
            const records = [synAttempt(0), inbound("REJECT", 0, { tcpFlags: 18, packets: 2, bytes: 88 })];
            expect(answer(records)).to.deep.equal({
                verdict: "nacl-return-path",
                confidence: "high",
                confidenceReason: "The ENI logged ACCEPT for the packets and REJECT for the replies.",
                lateRejects: { outbound: 0, inbound: 0 },
                evidence: [
                    "tcp-flags: 1 of 1 accepted outbound record is SYN only (2) of a few small packets.",
                    "tcp-flags: the destination answered with SYN-ACK (18/19) in 1 inbound record.",
                ],
            });
        });

        it("the same small reject after an answered, closed conversation is left out as late: network-ok", () => {
            const records = [
                outbound("ACCEPT", 0, { tcpFlags: 3 }),
                inbound("ACCEPT", 0, { tcpFlags: 19 }),
                inbound("REJECT", 1, { tcpFlags: 1, packets: 1, bytes: 40 }),
            ];
            expect(answer(records)).to.deep.equal({
                verdict: "network-ok",
                confidence: "high",
                confidenceReason: "Accepted records in both directions.",
                lateRejects: { outbound: 0, inbound: 1 },
                evidence: [
                    "tcp-flags: the accepted outbound record is not SYN only.",
                    "tcp-flags: the destination answered with SYN-ACK (18/19) in 1 inbound record.",
                    "Left out 1 late inbound REJECT record: a few packets after an accepted conversation closed (FIN/RST or at its end) are rejected normally and prove nothing.",
                ],
            });
        });
        // The same rule bounds how many: a closed connection leaves a straggler or two, so no more
        // REJECT records are left out as late than the conversation has accepted records; the rest
        // count as rejected replies (AWS: "packets arrived after the connection was closed" explains
        // a few, not a pattern).
        it("no more late rejects than accepted records: of three closing rejects after two accepted records, one still counts", () => {
            const records = [
                outbound("ACCEPT", 0, { tcpFlags: 3 }),
                inbound("ACCEPT", 0, { tcpFlags: 19 }),
                inbound("REJECT", 1, { tcpFlags: 1, packets: 1, bytes: 40 }),
                inbound("REJECT", 2, { tcpFlags: 1, packets: 1, bytes: 40 }),
                inbound("REJECT", 3, { tcpFlags: 1, packets: 1, bytes: 40 }),
            ];
            expect(answer(records)).to.deep.equal({
                verdict: "network-ok",
                confidence: "medium",
                confidenceReason: "Replies were accepted, but 1 inbound record was also rejected in the window (an intermittent network ACL rule or ephemeral-port range?).",
                lateRejects: { outbound: 0, inbound: 2 },
                evidence: [
                    "tcp-flags: the accepted outbound record is not SYN only.",
                    "tcp-flags: the destination answered with SYN-ACK (18/19) in 1 inbound record.",
                    "Left out 2 late inbound REJECT records: a few packets after an accepted conversation closed (FIN/RST or at its end) are rejected normally and prove nothing.",
                ],
            });
        });
    });

    describe("SYN-retry rule: one SYN-only record of a few small packets is already an unanswered attempt", () => {
        // AWS, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html (field `tcp-flags`): "The bitmask value for the following TCP flags:
        // FIN — 1, SYN — 2, RST — 4, SYN-ACK — 18 ... TCP flags can be OR-ed during the aggregation
        // interval." and "When a flow log entry consists of only ACK packets, the flag value is 0".
        // So a record of only SYN (2) with a few small packets is a SYN and its retransmissions with
        // no handshake behind it, from the first such record on; no SYN-ACK (18) came back.
        it("a single SYN-only record and nothing back: routing, medium, as an unanswered attempt", () => {
            expect(answer([synAttempt(0)])).to.deep.equal({
                verdict: "routing",
                confidence: "medium",
                confidenceReason: "A single unanswered connection attempt (one SYN-only record of a few small packets): little traffic to judge from.",
                lateRejects: { outbound: 0, inbound: 0 },
                evidence: [
                    "tcp-flags: 1 of 1 accepted outbound record is SYN only (2) of a few small packets and no SYN-ACK (18) came back: those handshakes never completed.",
                ],
            });
        });

        it("two such records: routing, high", () => {
            expect(answer([synAttempt(0), synAttempt(1)])).to.deep.equal({
                verdict: "routing",
                confidence: "high",
                confidenceReason:
                    "2 outbound records with tcp-flags 2 (SYN only) of a few small packets and no reply in either action: connection attempts that were never answered.",
                lateRejects: { outbound: 0, inbound: 0 },
                evidence: [
                    "tcp-flags: 2 of 2 accepted outbound records are SYN only (2) of a few small packets and no SYN-ACK (18) came back: those handshakes never completed.",
                ],
            });
        });

        it("a single SYN-only record of many packets is an established connection, not an attempt: routing, low", () => {
            expect(answer([outbound("ACCEPT", 0, { tcpFlags: 2, packets: 40, bytes: 52000 })])).to.deep.equal({
                verdict: "routing",
                confidence: "low",
                confidenceReason:
                    "The outbound records carried data or closing flags, not only retransmitted SYNs (AWS records ACK only with SYN, so SYN-only records with many packets are established connections): the connections were established earlier and their replies may be outside the input.",
                lateRejects: { outbound: 0, inbound: 0 },
                evidence: [
                    "tcp-flags: 1 accepted outbound record is SYN only (2) but carried more than a few small packets: established connections (AWS ORs the flags over the interval and records ACK only with SYN), not failed handshakes.",
                ],
            });
        });
    });
});

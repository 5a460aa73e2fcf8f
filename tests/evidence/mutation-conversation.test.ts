/**
 * Whose ENI logged a record, and what the evidence keeps of it: the side and the reason given for it
 * (shown to the user beside each ENI), per situation, asserted whole.
 *
 * The rules (VPC user guide, "Flow log record examples" and the field table, tests/fixtures/flow-log-corpus):
 * - flow-direction: "The direction of the flow with respect to the interface where traffic is captured.
 *   The possible values are: ingress | egress."
 * - srcaddr/dstaddr: "The IPv4 address of the network interface is always its private IPv4 address": a
 *   private address on one side and a public one on the other names the private side's ENI; two private
 *   or two public addresses, or IPv6 (owned globally), do not.
 * - pkt-srcaddr/pkt-dstaddr differ from srcaddr/dstaddr on a hop (NAT gateway), and also "where the IP
 *   address of a pod in Amazon EKS is different from the IP address of the network interface of the
 *   instance node".
 */
import { expect } from "chai";
import { AddressSet } from "../../analysis/core/ip";
import { FlowRecord } from "../../analysis/core/records";
import { Conversation, ConversationQuery, minuteOf } from "../../analysis/evidence/conversation";

const ENI = "eni-0a1b2c3d4e5f60718";
const T0 = 1795701720; // 2026-11-26T14:02:00Z

function conversationOf(src: string, dst: string, records: FlowRecord[], extra: Partial<ConversationQuery> = {}): Conversation {
    const c = new Conversation({ src: AddressSet.parse(src, "--src"), dst: AddressSet.parse(dst, "--dst"), port: 443, protocol: 6, ...extra });
    for (const r of records) c.addRecord(r);
    return c;
}

const rec = (srcAddr: string, dstAddr: string, extra: FlowRecord = {}): FlowRecord => ({
    interfaceId: ENI, srcAddr, dstAddr, srcPort: 43310, dstPort: 443, protocol: 6, packets: 3, bytes: 180, startTime: T0, endTime: T0 + 55, action: "ACCEPT", logStatus: "OK", ...extra,
});
const reply = (srcAddr: string, dstAddr: string, extra: FlowRecord = {}): FlowRecord => rec(srcAddr, dstAddr, { srcPort: 443, dstPort: 43310, packets: 4, bytes: 5200, ...extra });

const sideOf = (c: Conversation) => c.evidence().interfaces.map((i) => ({ id: i.interfaceId, side: i.side, basis: i.sideBasis }));

describe("evidence/conversation: whose ENI, and why (issue 28)", () => {
    const ADDRESSES = "the addresses (an ENI logs its own private IPv4 address)";
    const cases: [string, string, string, FlowRecord[], { side: string; basis: string }][] = [
        ["the task's packets to S3: private source, public destination", "10.0.1.25", "52.219.204.42", [rec("10.0.1.25", "52.219.204.42")], { side: "source", basis: `from ${ADDRESSES}` }],
        ["only S3's replies to the task", "10.0.1.25", "52.219.204.42", [reply("52.219.204.42", "10.0.1.25")], { side: "source", basis: `from ${ADDRESSES}` }],
        ["a public client's packets to a private server", "198.51.100.7", "10.0.3.50", [rec("198.51.100.7", "10.0.3.50")], { side: "destination", basis: `from ${ADDRESSES}` }],
        ["egress of the packets: the sender's ENI", "10.0.1.25", "10.0.3.50", [rec("10.0.1.25", "10.0.3.50", { flowDirection: "egress" })], { side: "source", basis: "from flow-direction" }],
        ["ingress of the packets: the receiver's ENI", "10.0.1.25", "10.0.3.50", [rec("10.0.1.25", "10.0.3.50", { flowDirection: "ingress" })], { side: "destination", basis: "from flow-direction" }],
        ["egress of a reply: the destination's ENI", "10.0.1.25", "10.0.3.50", [reply("10.0.3.50", "10.0.1.25", { flowDirection: "egress" })], { side: "destination", basis: "from flow-direction" }],
        ["ingress of a reply: the source's ENI", "10.0.1.25", "10.0.3.50", [reply("10.0.3.50", "10.0.1.25", { flowDirection: "ingress" })], { side: "source", basis: "from flow-direction" }],
        [
            "a flow-direction vote (ingress: the destination's) and an address vote (the source's) that disagree",
            "10.0.1.25", "52.219.204.42",
            [rec("10.0.1.25", "52.219.204.42", { flowDirection: "ingress" }), rec("10.0.1.25", "52.219.204.42", { srcPort: 43311 })],
            { side: "unknown", basis: "its records disagree on which end it belongs to" },
        ],
        [
            "records that disagree",
            "10.0.1.25", "10.0.3.50",
            [rec("10.0.1.25", "10.0.3.50", { flowDirection: "egress" }), rec("10.0.1.25", "10.0.3.50", { flowDirection: "ingress", srcPort: 43311 })],
            { side: "unknown", basis: "its records disagree on which end it belongs to" },
        ],
        ["both private, no flow-direction", "10.0.1.25", "10.0.3.50", [rec("10.0.1.25", "10.0.3.50")], { side: "unknown", basis: "both addresses are private, and the records carry no flow-direction" }],
        [
            "both public, no flow-direction",
            "198.51.100.7", "52.219.204.42",
            [rec("198.51.100.7", "52.219.204.42")],
            { side: "unknown", basis: "neither address is private, though an ENI logs its own private IPv4 address, and the records carry no flow-direction" },
        ],
        [
            "IPv6 (AWS's IPv6 example's addresses), no flow-direction",
            "2001:db8:1234:a100:8d6e:3477:df66:f105", "2001:db8:1234:a102:3304:8879:34cf:4071",
            [rec("2001:db8:1234:a100:8d6e:3477:df66:f105", "2001:db8:1234:a102:3304:8879:34cf:4071")],
            { side: "unknown", basis: "the addresses are IPv6, which an ENI owns globally, and the records carry no flow-direction" },
        ],
        [
            "as many both-private as both-public records: said as both private",
            "10.0.1.25,198.51.100.7", "10.0.3.50,52.219.204.42",
            [rec("10.0.1.25", "10.0.3.50"), rec("198.51.100.7", "52.219.204.42")],
            { side: "unknown", basis: "both addresses are private, and the records carry no flow-direction" },
        ],
        [
            "more both-public records than both-private ones",
            "10.0.1.25,198.51.100.7", "10.0.3.50,52.219.204.42",
            [rec("10.0.1.25", "10.0.3.50"), rec("198.51.100.7", "52.219.204.42"), rec("198.51.100.7", "52.219.204.42", { srcPort: 43311 })],
            { side: "unknown", basis: "neither address is private, though an ENI logs its own private IPv4 address, and the records carry no flow-direction" },
        ],
        [
            "as many IPv6 as both-private records: said as IPv6",
            "10.0.1.25,2001:db8::1", "10.0.3.50,2001:db8::2",
            [rec("10.0.1.25", "10.0.3.50"), rec("2001:db8::1", "2001:db8::2")],
            { side: "unknown", basis: "the addresses are IPv6, which an ENI owns globally, and the records carry no flow-direction" },
        ],
        [
            "more both-private than IPv6 records",
            "10.0.1.25,2001:db8::1", "10.0.3.50,2001:db8::2",
            [rec("10.0.1.25", "10.0.3.50"), rec("10.0.1.25", "10.0.3.50", { srcPort: 43311 }), rec("2001:db8::1", "2001:db8::2")],
            { side: "unknown", basis: "both addresses are private, and the records carry no flow-direction" },
        ],
        [
            "more both-public than IPv6 records",
            "198.51.100.7,2001:db8::1", "52.219.204.42,2001:db8::2",
            [rec("198.51.100.7", "52.219.204.42"), rec("198.51.100.7", "52.219.204.42", { srcPort: 43311 }), rec("2001:db8::1", "2001:db8::2")],
            { side: "unknown", basis: "neither address is private, though an ENI logs its own private IPv4 address, and the records carry no flow-direction" },
        ],
    ];
    for (const [what, src, dst, records, expected] of cases) {
        it(what, () => expect(sideOf(conversationOf(src, dst, records))).to.deep.equal([{ id: ENI, ...expected }]));
    }

    it("calls an instance's ENI seen only through pkt-* an intermediate, and says pkt-* also differ for EKS pods", () => {
        // An EKS node's ENI: srcaddr is the node's address, pkt-srcaddr the pod's (the conversation's source).
        const c = conversationOf("10.0.1.25", "52.219.204.42", [rec("10.0.1.99", "52.219.204.42", { pktSrcAddr: "10.0.1.25", pktDstAddr: "52.219.204.42", instanceId: "i-0123456789abcdef0" })]);
        expect(c.evidence().interfaces.map((i) => [i.side, i.hop, i.standsInFor, i.sideBasis])).to.deep.equal([
            [
                "intermediate", "intermediate", "source",
                "intermediate (NAT gateway, transit gateway attachment or middlebox): tied to the conversation only through pkt-srcaddr/pkt-dstaddr; pkt-* also differ on an instance's ENI for EKS pods and secondary IPs",
            ],
        ]);
        expect(c.evidence().intermediate.outbound.accept).to.deep.equal({ records: 1, packets: 3, bytes: 180 });
        expect(c.evidence().endpoint.outbound.accept).to.deep.equal({ records: 0, packets: 0, bytes: 0 });
    });

    it("keeps which AWS service sent the replies and received the packets, from the ends' records only", () => {
        // pkt-src-aws-service / pkt-dst-aws-service, as in AWS's "Service name, traffic path, and flow direction" example.
        const c = conversationOf("10.0.0.71", "52.95.128.179", [
            rec("10.0.0.71", "52.95.128.179", { pktDstAwsService: "S3", trafficPath: 8, flowDirection: "egress" }),
            reply("52.95.128.179", "10.0.0.71", { pktSrcAwsService: "S3", flowDirection: "ingress" }),
        ]);
        const e = c.evidence();
        expect([e.pktDstAwsServices, e.pktSrcAwsServices, e.trafficPaths, e.flowDirections]).to.deep.equal([{ S3: 1 }, { S3: 1 }, { "8": 1 }, { "inbound ingress": 1, "outbound egress": 1 }]);
    });

    it("reads the minute of a Logs Insights bin(1m) value in UTC, or else of the record's start", () => {
        expect([
            minuteOf("2026-11-26 14:05:00.000", T0),
            minuteOf(" 2026-11-26T14:05:00Z ", undefined),
            minuteOf("2026-11-26 14:05", undefined),
            minuteOf("14:05", T0 + 75),
            minuteOf("2026-13-26 14:05:00.000", T0 + 59),
            minuteOf(undefined, T0 + 60),
            minuteOf(undefined, undefined),
        ]).to.deep.equal([Date.parse("2026-11-26T14:05:00Z") / 1000, Date.parse("2026-11-26T14:05:00Z") / 1000, Date.parse("2026-11-26T14:05:00Z") / 1000, T0 + 60, T0, T0 + 60, undefined]);
    });

    describe("NODATA and SKIPDATA that count against the evidence", () => {
        // log-status (field table): NODATA "no network traffic to or from the network interface during the
        // aggregation interval"; SKIPDATA "some flow log records were skipped during the aggregation interval".
        // An idle ENI logs NODATA every interval, so only an interval that overlaps the conversation counts.
        const status = (logStatus: "NODATA" | "SKIPDATA", start?: number, end?: number, interfaceId = ENI): FlowRecord => ({ interfaceId, startTime: start, endTime: end, logStatus });
        const counted = (records: FlowRecord[]) => {
            const e = conversationOf("10.0.1.25", "52.219.204.42", records).evidence();
            return { eni: e.interfaces.map((i) => [i.interfaceId, i.nodata, i.skipdata]), skipped: e.skipped, firstSeen: e.firstSeen, lastSeen: e.lastSeen };
        };
        const talk = (start: number) => rec("10.0.1.25", "52.219.204.42", { startTime: start, endTime: start + 55, srcPort: 40000 + start - T0 });

        it("counts an interval that overlaps the conversation, not one before or after it, and one without times always", () => {
            expect(counted([status("NODATA", T0 - 120, T0 - 60), talk(T0), status("SKIPDATA", T0 + 50, T0 + 110), status("NODATA", T0 + 200, T0 + 260), status("NODATA")])).to.deep.equal({
                eni: [[ENI, 1, 1]],
                skipped: { malformed: 0, nodata: 3, skipdata: 1 },
                firstSeen: T0,
                lastSeen: T0 + 55,
            });
        });

        it("takes intervals that touch (the next starts at most a second after the last ends) as one stretch", () => {
            // [T0-60, T0] and [T0+1, T0+60] touch: one stretch that overlaps a conversation at T0+30.
            expect(counted([status("NODATA", T0 - 60, T0), status("NODATA", T0 + 1, T0 + 60), talk(T0 + 30)]).eni).to.deep.equal([[ENI, 2, 0]]);
            // Two seconds apart they do not: only the second overlaps.
            expect(counted([status("NODATA", T0 - 60, T0 - 1), status("NODATA", T0 + 1, T0 + 60), talk(T0 + 30)]).eni).to.deep.equal([[ENI, 1, 0]]);
            // An interval that starts before the last one does not join it (records out of order).
            expect(counted([status("NODATA", T0 + 200, T0 + 260), status("NODATA", T0, T0 + 60), talk(T0 + 100)]).eni).to.deep.equal([[ENI, 0, 0]]);
        });

        it("counts every interval when no matched record carries times, and none of an ENI that did not log the conversation", () => {
            const timeless = rec("10.0.1.25", "52.219.204.42", { startTime: undefined, endTime: undefined });
            expect(counted([status("NODATA", T0, T0 + 60), status("SKIPDATA", T0 + 600, T0 + 660), timeless, status("NODATA", T0, T0 + 60, "eni-0ffff0000ffff0000")])).to.deep.equal({
                eni: [[ENI, 1, 1]],
                skipped: { malformed: 0, nodata: 2, skipdata: 1 },
                firstSeen: undefined,
                lastSeen: undefined,
            });
        });
    });
});

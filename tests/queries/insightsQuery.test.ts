import { expect } from "chai";
import { buildRecordsQuery, conversationFilter, parseClause } from "../../analysis/queries/insightsQuery";
import { DEFAULT_FORMAT, resolveLogFormat } from "../../analysis/core/logFormat";

describe("Logs Insights query builder", () => {
    it("uses discovered field names for the default format, without a parse step", () => {
        expect(parseClause(DEFAULT_FORMAT)).to.deep.equal([]);
    });

    it("parses a custom format in its own field order, naming the columns like the discovered ones", () => {
        const format = resolveLogFormat("${action} ${dstport} ${srcaddr} ${dstaddr} ${srcport} ${protocol} ${tcp-flags} ${start}", "logFormat");
        expect(parseClause(format)).to.deep.equal([
            'parse @message "* * * * * * * *" as action, dstPort, srcAddr, dstAddr, srcPort, protocol, tcpFlags, startTime',
        ]);
    });

    const filters: [string, Parameters<typeof conversationFilter>[0], string][] = [
        ["any address on a port", { port: 443, protocol: 6 }, "filter protocol = 6 and ((dstPort = 443) or (srcPort = 443))"],
        [
            "a task IP and an S3 IP",
            { src: ["10.0.1.25"], dst: ["52.219.204.42"], port: 443, protocol: 6 },
            'filter protocol = 6 and ((srcAddr = "10.0.1.25" and dstAddr = "52.219.204.42" and dstPort = 443) or (srcAddr = "52.219.204.42" and srcPort = 443 and dstAddr = "10.0.1.25"))',
        ],
        [
            "a task subnet and a list of S3 ranges",
            { src: ["10.0.1.0/24"], dst: ["52.219.204.0/22", "3.5.184.0/21"], port: 443, protocol: 6 },
            'filter protocol = 6 and ((isIpInSubnet(srcAddr, "10.0.1.0/24") and (isIpInSubnet(dstAddr, "52.219.204.0/22") or isIpInSubnet(dstAddr, "3.5.184.0/21")) and dstPort = 443) or ((isIpInSubnet(srcAddr, "52.219.204.0/22") or isIpInSubnet(srcAddr, "3.5.184.0/21")) and srcPort = 443 and isIpInSubnet(dstAddr, "10.0.1.0/24")))',
        ],
        [
            "UDP DNS to a resolver",
            { src: ["10.0.1.25"], dst: ["10.0.0.2"], port: 53, protocol: 17 },
            'filter protocol = 17 and ((srcAddr = "10.0.1.25" and dstAddr = "10.0.0.2" and dstPort = 53) or (srcAddr = "10.0.0.2" and srcPort = 53 and dstAddr = "10.0.1.25"))',
        ],
    ];
    for (const [what, selector, expected] of filters) {
        it(`filters both directions of the conversation: ${what}`, () => {
            expect(conversationFilter(selector)).to.equal(expected);
        });
    }

    it("lists only the columns a custom format has", () => {
        const format = resolveLogFormat("${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}", "--format");
        expect(buildRecordsQuery(format, { src: ["10.0.1.25"], port: 443, protocol: 6 }, 50)).to.equal(
            [
                'parse @message "* * * * * *" as srcAddr, dstAddr, srcPort, dstPort, protocol, action',
                "fields @timestamp, srcAddr, srcPort, dstAddr, dstPort, action",
                'filter protocol = 6 and ((srcAddr = "10.0.1.25" and dstPort = 443) or (srcPort = 443 and dstAddr = "10.0.1.25"))',
                "sort @timestamp desc",
                "limit 50",
            ].join("\n| "),
        );
    });
});

import { AddressSet } from "../../analysis/core/ip";
import { Conversation } from "../../analysis/evidence/conversation";
import { diagnose } from "../../analysis/verdict/classify";
import { feedInsightsResults } from "../../analysis/evidence/insightsRows";
import { RawLineScanner } from "../../analysis/evidence/rawLines";
import { DIAGNOSTIC_FORMAT } from "../../analysis/core/logFormat";
import { buildDiagnosisQuery, toRecordColumns } from "../../analysis/queries/insightsQuery";

describe("Logs Insights diagnosis query (server-side stats)", () => {
    it("default format: discovered names, SKIPDATA kept, stats per ENI, action and minute", () => {
        expect(buildDiagnosisQuery(DEFAULT_FORMAT, { src: ["10.0.1.25"], dst: ["52.219.204.42"], port: 443, protocol: 6 })).to.equal(
            [
                'filter logStatus = "SKIPDATA" or (protocol = 6 and ((srcAddr = "10.0.1.25" and dstAddr = "52.219.204.42" and dstPort = 443) or (srcAddr = "52.219.204.42" and srcPort = 443 and dstAddr = "10.0.1.25")))',
                "stats count(*) as records, sum(packets) as packetsTotal, sum(bytes) as bytesTotal, min(startTime) as firstStart, max(endTime) as lastEnd by interfaceId, srcAddr, dstAddr, action, logStatus, bin(1m)",
                "limit 10000",
            ].join("\n| "),
        );
    });

    it("diagnostic format: parse @message, CIDRs matched on the packet's own addresses too (NAT legs), and the flags, direction, path and NAT columns", () => {
        expect(buildDiagnosisQuery(DIAGNOSTIC_FORMAT, { src: ["10.0.1.0/24"], dst: ["52.219.204.0/22"], port: 443, protocol: 6 })).to.equal(
            [
                'parse @message "* * * * * * * * * * * * * * * * * * * * * * *" as version, accountId, interfaceId, srcAddr, dstAddr, srcPort, dstPort, protocol, packets, bytes, startTime, endTime, action, logStatus, vpcId, subnetId, tcpFlags, type, pktSrcAddr, pktDstAddr, flowDirection, trafficPath, pktDstAwsService',
                'filter logStatus = "SKIPDATA" or (protocol = 6 and (((isIpInSubnet(srcAddr, "10.0.1.0/24") or isIpInSubnet(pktSrcAddr, "10.0.1.0/24")) and (isIpInSubnet(dstAddr, "52.219.204.0/22") or isIpInSubnet(pktDstAddr, "52.219.204.0/22")) and dstPort = 443) or ((isIpInSubnet(srcAddr, "52.219.204.0/22") or isIpInSubnet(pktSrcAddr, "52.219.204.0/22")) and srcPort = 443 and (isIpInSubnet(dstAddr, "10.0.1.0/24") or isIpInSubnet(pktDstAddr, "10.0.1.0/24")))))',
                "stats count(*) as records, sum(packets) as packetsTotal, sum(bytes) as bytesTotal, min(startTime) as firstStart, max(endTime) as lastEnd by interfaceId, srcAddr, dstAddr, action, logStatus, tcpFlags, flowDirection, trafficPath, pktSrcAddr, pktDstAddr, bin(1m)",
                "limit 10000",
            ].join("\n| "),
        );
    });

    it("custom format: only the columns it has, and a list of destinations", () => {
        const format = resolveLogFormat("${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${tcp-flags}", "--format");
        expect(buildDiagnosisQuery(format, { src: ["10.0.1.25"], dst: ["52.219.204.0/22", "3.5.140.0/22"], port: 443, protocol: 6 })).to.equal(
            [
                'parse @message "* * * * * * * *" as interfaceId, srcAddr, dstAddr, srcPort, dstPort, protocol, action, tcpFlags',
                'filter (protocol = 6 and ((srcAddr = "10.0.1.25" and (isIpInSubnet(dstAddr, "52.219.204.0/22") or isIpInSubnet(dstAddr, "3.5.140.0/22")) and dstPort = 443) or ((isIpInSubnet(srcAddr, "52.219.204.0/22") or isIpInSubnet(srcAddr, "3.5.140.0/22")) and srcPort = 443 and dstAddr = "10.0.1.25")))',
                "stats count(*) as records by interfaceId, srcAddr, dstAddr, action, tcpFlags, bin(1m)",
                "limit 10000",
            ].join("\n| "),
        );
    });

    it("leaves ports out for a protocol without them (ICMP)", () => {
        expect(buildDiagnosisQuery(DEFAULT_FORMAT, { src: ["10.0.1.25"], dst: ["52.219.204.42"], port: 443, protocol: 1 }).split("\n| ")[0]).to.equal(
            'filter logStatus = "SKIPDATA" or (protocol = 1 and ((srcAddr = "10.0.1.25" and dstAddr = "52.219.204.42") or (srcAddr = "52.219.204.42" and dstAddr = "10.0.1.25")))',
        );
    });

    it("NAT legs the filter admits (dstAddr is the NAT, pktDstAddr is S3) reach the engine and point at the NAT subnet", () => {
        const row = (eni: string, srcAddr: string, dstAddr: string, pktSrcAddr: string, pktDstAddr: string, action: string, flowDirection: string) => [
            { field: "records", value: "3" },
            { field: "packetsTotal", value: "3" },
            { field: "bytesTotal", value: "180" },
            { field: "firstStart", value: "1795701600" },
            { field: "lastEnd", value: "1795701659" },
            { field: "interfaceId", value: eni },
            { field: "srcAddr", value: srcAddr },
            { field: "dstAddr", value: dstAddr },
            { field: "action", value: action },
            { field: "logStatus", value: "OK" },
            { field: "tcpFlags", value: "2" },
            { field: "flowDirection", value: flowDirection },
            { field: "trafficPath", value: "1" },
            { field: "pktSrcAddr", value: pktSrcAddr },
            { field: "pktDstAddr", value: pktDstAddr },
            { field: "bin(1m)", value: "2026-11-26 14:00:00.000" },
        ];
        const rows = [
            // The task's ENI: its packets to S3 leave, accepted.
            row("eni-0a1b2c3d4e5f60718", "10.0.1.25", "52.219.204.42", "10.0.1.25", "52.219.204.42", "ACCEPT", "egress"),
            // The NAT gateway's ENI: the same packets arrive addressed to the NAT and are rejected.
            row("eni-0aaaa11112222bbbb", "10.0.1.25", "10.0.0.50", "10.0.1.25", "52.219.204.42", "REJECT", "ingress"),
        ];
        const src = AddressSet.parse("10.0.1.25", "--src");
        const dst = AddressSet.parse("52.219.204.42", "--dst");
        const conversation = new Conversation({ src, dst, port: 443, protocol: 6 });
        feedInsightsResults(toRecordColumns(rows), conversation, new RawLineScanner(conversation, src, dst, DIAGNOSTIC_FORMAT));
        const d = diagnose(conversation.evidence());
        expect([d.verdict, d.intermediateLegs]).to.deep.equal([
            "security-group-or-nacl",
            { outbound: { accept: 0, reject: 3 }, inbound: { accept: 0, reject: 0 } },
        ]);
        expect(d.summary).to.equal(
            // Without instance-id the rows cannot show the ENI is requester-managed: a hop, not named a NAT gateway.
            "Packets from 10.0.1.25 to 52.219.204.42:443/tcp left the source's ENI but were rejected at the intermediate hop eni-0aaaa11112222bbbb (3 records; a NAT gateway, transit gateway attachment or middlebox): the network ACL of its subnet (or, for a middlebox instance, its security group) blocks them.",
        );
    });

    /** The result columns a stats query produces: its aliases and its group-by expressions, in order. */
    function columnsOf(query: string): string[] {
        const stats = query.split("\n| ").find((line) => line.startsWith("stats "))!;
        const [aggregates, groupBy] = stats.slice("stats ".length).split(" by ");
        return [...aggregates.split(", ").map((a) => a.split(" as ")[1]), ...groupBy.split(", ")];
    }

    for (const [name, format] of [
        ["default", DEFAULT_FORMAT],
        ["diagnostic", DIAGNOSTIC_FORMAT],
    ] as const) {
        it(`round trip (${name}): the columns the query produces are the ones the engine reads`, () => {
            const query = buildDiagnosisQuery(format, { src: ["10.0.1.25"], dst: ["52.219.204.42"], port: 443, protocol: 6 });
            const values: Record<string, string> = {
                records: "4",
                packetsTotal: "12",
                bytesTotal: "720",
                firstStart: "1764165600",
                lastEnd: "1764165659",
                interfaceId: "eni-0a1b2c3d4e5f60718",
                srcAddr: "10.0.1.25",
                dstAddr: "52.219.204.42",
                action: "ACCEPT",
                logStatus: "OK",
                tcpFlags: "2",
                flowDirection: "egress",
                trafficPath: "8",
                pktSrcAddr: "10.0.1.25",
                pktDstAddr: "52.219.204.42",
                "bin(1m)": "2025-11-26 14:00:00.000",
            };
            const columns = columnsOf(query);
            expect(columns.every((c) => c in values), columns.join(",")).to.equal(true);
            // Shaped like GetQueryResults: one {field, value} per column, plus @ptr.
            const rows = [[...columns.map((field) => ({ field, value: values[field] })), { field: "@ptr", value: "CmAKJwoj" }]];
            const src = AddressSet.parse("10.0.1.25", "--src");
            const dst = AddressSet.parse("52.219.204.42", "--dst");
            const conversation = new Conversation({ src, dst, port: 443, protocol: 6 });
            const fed = feedInsightsResults(toRecordColumns(rows), conversation, new RawLineScanner(conversation, src, dst, format));
            expect(fed).to.deep.equal({ rows: 1, records: 0, aggregates: 1, messages: 0, malformed: 0 });
            const d = diagnose(conversation.evidence());
            expect([d.verdict, d.counts, d.packets.outbound, d.bytes.outbound, d.firstSeen, d.lastSeen]).to.deep.equal([
                "routing",
                { outbound: { accept: 4, reject: 0 }, inbound: { accept: 0, reject: 0 } },
                { accept: 12, reject: 0 },
                { accept: 720, reject: 0 },
                "2025-11-26T14:00:00Z",
                "2025-11-26T14:00:59Z",
            ]);
            expect(d.interfaces.map((i) => i.interfaceId)).to.deep.equal(["eni-0a1b2c3d4e5f60718"]);
        });
    }
});

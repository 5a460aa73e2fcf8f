import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { userErrorOf } from "../helpers/userErrors";
import {
    buildLogStatusQuery,
    buildRecordsQuery,
    buildRejectsQuery,
    buildTopTalkersQuery,
    buildUnansweredQuery,
    interfaceColumn,
} from "../../analysis/queries/insightsQuery";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, FLOW_LOG_FIELDS, resolveLogFormat, toFormatString } from "../../analysis/core/logFormat";
import { savedQueries, validateSavedQueryFolder } from "../../components/savedQueries";

const PARSE_DIAGNOSTIC =
    'parse @message "* * * * * * * * * * * * * * * * * * * * * * *" as version, accountId, interfaceId, srcAddr, dstAddr, srcPort, dstPort, protocol, packets, bytes, startTime, endTime, action, logStatus, vpcId, subnetId, tcpFlags, type, pktSrcAddr, pktDstAddr, flowDirection, trafficPath, pktDstAwsService';
/** The custom format the README suggests: no packets, bytes or log-status. */
const CUSTOM = resolveLogFormat("${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${tcp-flags}", "logFormat");
const PARSE_CUSTOM = 'parse @message "* * * * * * * *" as interfaceId, srcAddr, dstAddr, srcPort, dstPort, protocol, action, tcpFlags';
/** The least a custom format may keep: no interface-id either, so the log stream (named after the ENI) stands in. */
const MINIMAL = resolveLogFormat("${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${bytes}", "logFormat");
const PARSE_MINIMAL = 'parse @message "* * * * * * *" as srcAddr, dstAddr, srcPort, dstPort, protocol, action, bytes';

const lines = (...l: string[]) => l.join("\n| ");

describe("saved queries: Logs Insights query builders", () => {
    it("names the interface by interfaceId, or by the log stream when the format has no interface-id", () => {
        expect([DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, CUSTOM, MINIMAL].map(interfaceColumn)).to.deep.equal(["interfaceId", "interfaceId", "interfaceId", "@logStream"]);
    });

    describe("REJECTs toward S3 (TCP 443) by ENI and destination", () => {
        const comment =
            "# Outbound TCP 443 (S3 over HTTPS among it) dropped by a security group or network ACL; a few right after a connection closed are normal.\n";
        it("default format: discovered fields", () => {
            expect(buildRejectsQuery(DEFAULT_FORMAT)).to.equal(
                comment +
                    lines(
                        'filter action = "REJECT" and protocol = 6 and dstPort = 443',
                        "stats count(*) as records, sum(packets) as packetsTotal by interfaceId, srcAddr, dstAddr",
                        "sort records desc",
                        "limit 1000",
                    ),
            );
        });
        it("diagnostic format: parse, plus the packet's own destination and its AWS service (NAT gateway legs)", () => {
            expect(buildRejectsQuery(DIAGNOSTIC_FORMAT)).to.equal(
                comment +
                    lines(
                        PARSE_DIAGNOSTIC,
                        'filter action = "REJECT" and protocol = 6 and dstPort = 443',
                        "stats count(*) as records, sum(packets) as packetsTotal by interfaceId, srcAddr, dstAddr, pktDstAddr, pktDstAwsService",
                        "sort records desc",
                        "limit 1000",
                    ),
            );
        });
        it("custom format without packets: records only", () => {
            expect(buildRejectsQuery(CUSTOM)).to.equal(
                comment +
                    lines(
                        PARSE_CUSTOM,
                        'filter action = "REJECT" and protocol = 6 and dstPort = 443',
                        "stats count(*) as records by interfaceId, srcAddr, dstAddr",
                        "sort records desc",
                        "limit 1000",
                    ),
            );
        });
    });

    describe("accepted TCP 443 with no reply, per ENI and minute", () => {
        const comment =
            "# outboundAccepted > 0 with inboundAccepted = 0 and inboundRejected = 0: packets left and nothing came back, consistent with a routing problem (route table, NAT/internet gateway, endpoint).\n" +
            "# outboundRejected > 0: a security group or network ACL blocks them on the way out. inboundRejected > 0 (beyond a few after a close): the network ACL drops the replies.\n";
        const body = (eni: string) => [
            "filter protocol = 6 and (dstPort = 443 or srcPort = 443)",
            'fields strcontains(action, "ACCEPT") as accepted, strcontains(action, "REJECT") as rejected, 1 - least(abs(dstPort - 443), 1) as outbound',
            `stats sum(accepted * outbound) as outboundAccepted, sum(rejected * outbound) as outboundRejected, sum(accepted * (1 - outbound)) as inboundAccepted, sum(rejected * (1 - outbound)) as inboundRejected by ${eni}, bin(1m)`,
            "sort inboundAccepted asc",
            "limit 1000",
        ];
        it("default format: discovered fields", () => {
            expect(buildUnansweredQuery(DEFAULT_FORMAT)).to.equal(comment + lines(...body("interfaceId")));
        });
        it("diagnostic format: parse first", () => {
            expect(buildUnansweredQuery(DIAGNOSTIC_FORMAT)).to.equal(comment + lines(PARSE_DIAGNOSTIC, ...body("interfaceId")));
        });
        it("custom format without interface-id: per log stream", () => {
            expect(buildUnansweredQuery(MINIMAL)).to.equal(comment + lines(PARSE_MINIMAL, ...body("@logStream")));
        });
        it("another port", () => {
            expect(buildUnansweredQuery(DEFAULT_FORMAT, 5432, 50).split("\n| ").slice(0, 2)).to.deep.equal([
                comment + "filter protocol = 6 and (dstPort = 5432 or srcPort = 5432)",
                'fields strcontains(action, "ACCEPT") as accepted, strcontains(action, "REJECT") as rejected, 1 - least(abs(dstPort - 5432), 1) as outbound',
            ]);
        });
    });

    describe("top talkers by bytes", () => {
        it("default format: OK records only, per ENI and address pair", () => {
            expect(buildTopTalkersQuery(DEFAULT_FORMAT)).to.equal(
                lines(
                    'filter logStatus = "OK"',
                    "stats sum(bytes) as bytesTotal, sum(packets) as packetsTotal, count(*) as records by interfaceId, srcAddr, dstAddr",
                    "sort bytesTotal desc",
                    "limit 25",
                ),
            );
        });
        it("diagnostic format: parse first", () => {
            expect(buildTopTalkersQuery(DIAGNOSTIC_FORMAT)).to.equal(
                lines(
                    PARSE_DIAGNOSTIC,
                    'filter logStatus = "OK"',
                    "stats sum(bytes) as bytesTotal, sum(packets) as packetsTotal, count(*) as records by interfaceId, srcAddr, dstAddr",
                    "sort bytesTotal desc",
                    "limit 25",
                ),
            );
        });
        it("custom format with bytes but no log-status or packets", () => {
            expect(buildTopTalkersQuery(MINIMAL)).to.equal(
                lines(PARSE_MINIMAL, "stats sum(bytes) as bytesTotal, count(*) as records by @logStream, srcAddr, dstAddr", "sort bytesTotal desc", "limit 25"),
            );
        });
        it("none for a format without bytes", () => {
            expect(buildTopTalkersQuery(CUSTOM)).to.equal(undefined);
        });
    });

    describe("NODATA and SKIPDATA per ENI", () => {
        const comment =
            "# SKIPDATA: records were skipped in those intervals, so the evidence has gaps. NODATA: no traffic on the interface in the interval (normal when idle).\n";
        const body = [
            'filter logStatus = "NODATA" or logStatus = "SKIPDATA"',
            "stats count(*) as records, min(@timestamp) as firstSeen, max(@timestamp) as lastSeen by interfaceId, logStatus",
            "sort logStatus desc",
            "limit 1000",
        ];
        it("default format", () => {
            expect(buildLogStatusQuery(DEFAULT_FORMAT)).to.equal(comment + lines(...body));
        });
        it("diagnostic format", () => {
            expect(buildLogStatusQuery(DIAGNOSTIC_FORMAT)).to.equal(comment + lines(PARSE_DIAGNOSTIC, ...body));
        });
        it("none for a format without log-status", () => {
            expect(buildLogStatusQuery(CUSTOM)).to.equal(undefined);
        });
    });
});

describe("saved queries: names, folder and the set per format", () => {
    it("saves five queries for the default format in the stack's folder, the first one being the insightsQuery output", () => {
        const queries = savedQueries(DEFAULT_FORMAT, "vpc-flow-logs/dev");
        expect(queries.map((q) => [q.key, q.name])).to.deep.equal([
            ["tcp-443", "vpc-flow-logs/dev/TCP 443 conversations"],
            ["rejects-443", "vpc-flow-logs/dev/REJECTs toward S3 (TCP 443) by ENI and destination"],
            ["unanswered-443", "vpc-flow-logs/dev/Accepted TCP 443 with no reply by ENI and minute"],
            ["top-talkers", "vpc-flow-logs/dev/Top talkers by bytes"],
            ["log-status", "vpc-flow-logs/dev/NODATA and SKIPDATA by ENI"],
        ]);
        expect(queries.map((q) => q.queryString)).to.deep.equal([
            buildRecordsQuery(DEFAULT_FORMAT, { port: 443, protocol: 6 }),
            buildRejectsQuery(DEFAULT_FORMAT),
            buildUnansweredQuery(DEFAULT_FORMAT),
            buildTopTalkersQuery(DEFAULT_FORMAT),
            buildLogStatusQuery(DEFAULT_FORMAT),
        ]);
    });

    it("leaves out the queries a custom format cannot answer", () => {
        expect(savedQueries(CUSTOM, "vpc-flow-logs/dev").map((q) => q.key)).to.deep.equal(["tcp-443", "rejects-443", "unanswered-443"]);
        expect(savedQueries(MINIMAL, "vpc-flow-logs/dev").map((q) => q.key)).to.deep.equal(["tcp-443", "rejects-443", "unanswered-443", "top-talkers"]);
    });

    it("stays within PutQueryDefinition's limits with every field in the format and the longest folder", () => {
        const everyField = resolveLogFormat(toFormatString(FLOW_LOG_FIELDS.map((f) => f.name)), "logFormat");
        const folder = "f".repeat(204);
        const queries = savedQueries(everyField, folder);
        expect(queries).to.have.length(5);
        expect(Math.max(...queries.map((q) => q.name.length))).to.equal(255);
        expect(queries.every((q) => q.queryString.length >= 1 && q.queryString.length <= 10000)).to.equal(true);
    });

    const badFolders: [string, string][] = [
        ["", "(empty)"],
        ["/vpc-flow-logs/dev", "'/vpc-flow-logs/dev'"],
        ["vpc-flow-logs/dev/", "'vpc-flow-logs/dev/'"],
        ["vpc-flow-logs//dev", "'vpc-flow-logs//dev'"],
        ["f".repeat(205), `'${"f".repeat(205)}'`],
    ];
    for (const [folder, shown] of badFolders) {
        it(`refuses the folder ${shown.length > 30 ? "of 205 characters" : shown}`, () => {
            expect(userErrorOf(() => validateSavedQueryFolder(folder))).to.equal(
                `Invalid savedQueryFolder ${shown}. Allowed: 1-204 characters, folder levels separated by single '/', no leading or trailing '/'.`,
            );
        });
    }
});

describe("saved queries: the stack config key", () => {
    it("is declared in Pulumi.yaml as a boolean with a default (a declared key without one is required for every stack)", () => {
        const project = fs.readFileSync(path.join(__dirname, "..", "..", "..", "Pulumi.yaml"), "utf8");
        const block = project.match(/^ {2}savedQueries:\n((?: {4}.*\n)+)/m);
        expect(block, "savedQueries under config:").to.not.equal(null);
        const settings = block![1].split("\n").filter((l) => /^ {4}(type|default):/.test(l));
        expect(settings).to.deep.equal(["    type: boolean", "    default: true"]);
    });
});

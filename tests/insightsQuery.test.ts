import { expect } from "chai";
import { buildRecordsQuery, conversationFilter, parseClause } from "../analysis/insightsQuery";
import { DEFAULT_FORMAT, resolveLogFormat } from "../analysis/logFormat";

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

/**
 * The Logs Insights filter and the Athena predicate are one filter in two dialects: read back into
 * one notation, the two texts are the same for every conversation and format, so both destinations
 * select the same records (isIpInSubnet and contains(cidr, ip) are the same test, as are = on a
 * column in either language). Generated with a fixed seed.
 */
import { expect } from "chai";
import fc from "fast-check";
import { conversationFilter } from "../../analysis/queries/insightsQuery";
import { sqlConversationPredicate } from "../../analysis/queries/athenaQuery";
import { ConversationSelector } from "../../analysis/queries/conversationFilter";
import { resolveLogFormat } from "../../analysis/core/logFormat";

/** Athena's SQL written as Logs Insights: columns renamed, literals and functions rewritten, keywords lowered. */
function sqlAsInsights(sql: string): string {
    const columns: Record<string, string> = {
        pkt_srcaddr: "pktSrcAddr",
        pkt_dstaddr: "pktDstAddr",
        pkt_dst_aws_service: "pktDstAwsService",
        pkt_src_aws_service: "pktSrcAwsService",
        srcaddr: "srcAddr",
        dstaddr: "dstAddr",
        srcport: "srcPort",
        dstport: "dstPort",
    };
    return sql
        .replace(/contains\('([^']+)', TRY_CAST\((\w+) AS IPADDRESS\)\)/g, (_, cidr: string, column: string) => `isIpInSubnet(${column}, "${cidr}")`)
        .replace(/'([^']*)'/g, '"$1"')
        .replace(/ AND /g, " and ")
        .replace(/ OR /g, " or ")
        .replace(/\b(pkt_srcaddr|pkt_dstaddr|pkt_dst_aws_service|pkt_src_aws_service|srcaddr|dstaddr|srcport|dstport)\b/g, (c) => columns[c]);
}

const FORMATS = [
    "default",
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${pkt-srcaddr} ${pkt-dstaddr}",
    "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${pkt-srcaddr} ${pkt-dstaddr} ${pkt-src-aws-service} ${pkt-dst-aws-service}",
].map((text) => resolveLogFormat(text, "--format", true));

describe("queries/conversationFilter: one filter, two dialects", () => {
    it("gives Logs Insights and Athena the same selection for any conversation and format", () => {
        const address = fc.constantFrom("10.0.1.25", "10.0.1.0/24", "52.219.204.42", "52.219.204.0/22", "2001:db8::1", "2001:db8::/64");
        const side = fc.option(fc.uniqueArray(address, { minLength: 1, maxLength: 3 }), { nil: undefined });
        const selector = fc.record({
            src: side,
            dst: side,
            port: fc.integer({ min: 1, max: 65535 }),
            protocol: fc.constantFrom(1, 6, 17, 58),
            s3Service: fc.boolean(),
        });
        fc.assert(
            fc.property(selector, fc.constantFrom(...FORMATS), (sel: ConversationSelector, format) => {
                expect(sqlAsInsights(sqlConversationPredicate(sel, format))).to.equal(conversationFilter(sel, format).replace(/^filter /, ""));
            }),
            { seed: 1919, numRuns: 300 },
        );
    });

    it("writes each dialect's own words for the same conversation", () => {
        const sel: ConversationSelector = { src: ["10.0.1.25"], dst: ["52.219.204.0/22"], port: 443, protocol: 6, s3Service: true };
        expect([conversationFilter(sel, FORMATS[0]), sqlConversationPredicate(sel, FORMATS[0])]).to.deep.equal([
            'filter protocol = 6 and ((srcAddr = "10.0.1.25" and isIpInSubnet(dstAddr, "52.219.204.0/22") and dstPort = 443) or (isIpInSubnet(srcAddr, "52.219.204.0/22") and srcPort = 443 and dstAddr = "10.0.1.25"))',
            "protocol = 6 AND ((srcaddr = '10.0.1.25' AND contains('52.219.204.0/22', TRY_CAST(dstaddr AS IPADDRESS)) AND dstport = 443) OR (contains('52.219.204.0/22', TRY_CAST(srcaddr AS IPADDRESS)) AND srcport = 443 AND dstaddr = '10.0.1.25'))",
        ]);
    });
});

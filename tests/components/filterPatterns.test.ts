/**
 * The watch's metric filter patterns and Contributor Insights rule (components/metricFilterPatterns.ts)
 * against CloudWatch's documented semantics: a matcher written in the tests
 * (tests/helpers/filterPatternMatcher.ts) first passes the CloudWatch Logs user guide's worked
 * examples, then every generated pattern must select exactly the records whose own field values say
 * so, in the flow-log corpus (AWS's example records, other parsers' data, this project's seed story)
 * and in random records of random formats. Fixtures: tests/fixtures/cloudwatch-filter-patterns.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, ECS_FORMAT, FLOW_LOG_FIELDS, LogFormat, formatFromHeader, resolveLogFormat } from "../../analysis/core/logFormat";
import { logStatusPattern, rejectContributorRule, rejectedPattern, unansweredPattern, watchPlans } from "../../components/metricFilterPatterns";
import { eventFields, matchEvent, matches } from "../helpers/filterPatternMatcher";

const FIXTURES = join(__dirname, "..", "..", "..", "tests", "fixtures");
const examples = JSON.parse(readFileSync(join(FIXTURES, "cloudwatch-filter-patterns", "space-delimited-examples.json"), "utf8"));
const sampleRules = JSON.parse(readFileSync(join(FIXTURES, "cloudwatch-filter-patterns", "vpc-flow-logs-contributor-insights-rules.json"), "utf8"));

/** Which of the events (1-based, as the guide numbers them) the pattern matches. */
const matching = (pattern: string, events: readonly string[]) => events.flatMap((e, i) => (matches(pattern, e) ? [i + 1] : []));

describe("filter-pattern matcher (tests/helpers) against the CloudWatch Logs user guide's examples", () => {
    it("gives every outcome the guide states for the OR examples", () => {
        for (const { pattern, matches: expected } of examples.orWords.stated) {
            expect(matching(pattern, examples.orWords.events), pattern).to.deep.equal(expected);
        }
    });

    it("reads the guide's contradictory sentence positionally: no event, where the guide claims event 1", () => {
        const [c] = examples.orWords.contradictory;
        expect(c.guideSays).to.deep.equal([1]);
        expect(matching(c.pattern, examples.orWords.events)).to.deep.equal([]);
    });

    it("parses the guide's web-server events with [] and \"\" as one field each", () => {
        expect(eventFields(examples.apache.events[1])).to.deep.equal(["127.0.0.1", "-", "frank", "10/Oct/2000:13:35:22 -0700", "GET /apache_pb.gif HTTP/1.0", "500", "5324"]);
    });

    it("gives every stated and derived outcome for the guide's web-server patterns", () => {
        for (const { pattern, matches: expected } of [...examples.apache.stated, ...examples.apache.derived]) {
            expect(matching(pattern, examples.apache.events), pattern).to.deep.equal(expected);
        }
    });

    it("extracts the guide's fields: named ones as $name, the others by position", () => {
        const { pattern, event, extracted } = examples.extraction;
        expect(matchEvent(pattern, event)).to.deep.equal(extracted);
    });

    it("refuses what the guide does not allow: a numeric comparison with a string", () => {
        expect(() => matches("[a > abc]", "x")).to.throw("filter pattern: > needs a number");
    });
});

const CORPUS_FILES = [
    ...readdirSync(join(FIXTURES, "flow-log-corpus")).flatMap((dir) =>
        readdirSync(join(FIXTURES, "flow-log-corpus", dir))
            .filter((f) => f.endsWith(".log"))
            .map((f) => join("flow-log-corpus", dir, f)),
    ),
    join("parquet", "routing-diagnostic.log"),
].sort();

interface CorpusFile {
    readonly file: string;
    readonly format: LogFormat;
    readonly records: string[];
}

/**
 * Each file's records with their format: a header line sets it (an S3 file, or concatenated S3
 * objects with a header in the middle), AWS's default without one.
 */
function corpus(): CorpusFile[] {
    return CORPUS_FILES.flatMap((file) => {
        const parts: { file: string; format: LogFormat; records: string[] }[] = [];
        for (const line of readFileSync(join(FIXTURES, file), "utf8").split("\n")) {
            if (line.trim() === "") continue;
            const header = formatFromHeader(line);
            if (header !== undefined) parts.push({ file, format: header, records: [] });
            else if (parts.length === 0) parts.push({ file, format: DEFAULT_FORMAT, records: [line] });
            else parts[parts.length - 1].records.push(line);
        }
        return parts;
    });
}

/** The record's values by field name, read independently of any pattern. */
function valuesOf(format: LogFormat, record: string): Record<string, string> {
    const tokens = record.trim().split(/ +/);
    return Object.fromEntries(format.fields.map((f, i) => [f, tokens[i]]));
}

/** What each monitor should count, from the record's own values. */
const TRUTH = {
    rejected: (v: Record<string, string>, port: number) => v.protocol === "6" && v.dstport === String(port) && v.action === "REJECT",
    unanswered: (v: Record<string, string>, port: number) =>
        v.protocol === "6" && v.dstport === String(port) && v.action === "ACCEPT" && v["tcp-flags"] === "2" && v["flow-direction"] === "egress",
    logStatus: (v: Record<string, string>) => v["log-status"] === "NODATA" || v["log-status"] === "SKIPDATA",
};

describe("generated metric filter patterns", () => {
    it("name every field of the default format in order, with the conditions on protocol, dstport and action", () => {
        expect(rejectedPattern(DEFAULT_FORMAT, 443)).to.deep.equal({
            monitor: "rejected",
            pattern:
                '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport=443, protocol=6, packets, bytes, start, end, action="REJECT", log_status]',
        });
        expect(logStatusPattern(DEFAULT_FORMAT)).to.deep.equal({
            monitor: "logStatus",
            pattern: '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status="NODATA" || log_status="SKIPDATA"]',
        });
        expect(unansweredPattern(DEFAULT_FORMAT, 443)).to.deep.equal({ monitor: "unanswered", missing: ["tcp-flags", "flow-direction"] });
    });

    it("follow the diagnostic format's 23 positions, with the unanswered-SYN filter", () => {
        expect(unansweredPattern(DIAGNOSTIC_FORMAT, 443)).to.deep.equal({
            monitor: "unanswered",
            pattern:
                "[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport=443, protocol=6, packets, bytes, start, end, " +
                'action="ACCEPT", log_status, vpc_id, subnet_id, tcp_flags=2, type, pkt_srcaddr, pkt_dstaddr, flow_direction="egress", traffic_path, pkt_dst_aws_service]',
        });
    });

    it("follow a custom format's own order and count, and say which fields a format lacks", () => {
        const custom = resolveLogFormat("${action} ${dstport} ${srcaddr} ${protocol}", "logFormat");
        expect(watchPlans(custom, 8443)).to.deep.equal([
            { monitor: "rejected", pattern: '[action="REJECT", dstport=8443, srcaddr, protocol=6]' },
            { monitor: "unanswered", missing: ["tcp-flags", "flow-direction"] },
            { monitor: "logStatus", missing: ["log-status"] },
        ]);
        const noAction = resolveLogFormat("${srcaddr} ${dstaddr} ${dstport}", "logFormat");
        expect(rejectedPattern(noAction, 443)).to.deep.equal({ monitor: "rejected", missing: ["protocol", "action"] });
    });

    it("fit PutMetricFilter's 1024 characters for every preset", () => {
        for (const format of [DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, ECS_FORMAT]) {
            for (const plan of watchPlans(format, 65535)) if ("pattern" in plan) expect(plan.pattern.length, `${format.kind} ${plan.monitor}`).to.be.at.most(1024);
        }
    });

    it("select exactly the corpus records their field values say, and no others (ports 443, 22, 5001)", () => {
        const counted = { rejected: 0, unanswered: 0, logStatus: 0, records: 0 };
        for (const { file, format, records } of corpus()) {
            for (const record of records) {
                counted.records++;
                const values = valuesOf(format, record);
                for (const port of [443, 22, 5001]) {
                    for (const [monitor, plan] of [
                        ["rejected", rejectedPattern(format, port)],
                        ["unanswered", unansweredPattern(format, port)],
                    ] as const) {
                        const truth = TRUTH[monitor](values, port);
                        if (!("pattern" in plan)) {
                            continue;
                        }
                        expect(matches(plan.pattern, record), `${file} ${monitor} ${port}: ${record}`).to.equal(truth);
                        if (truth && port === 443) counted[monitor]++;
                    }
                }
                const status = logStatusPattern(format);
                if ("pattern" in status) {
                    expect(matches(status.pattern, record), `${file} logStatus: ${record}`).to.equal(TRUTH.logStatus(values));
                    if (TRUTH.logStatus(values)) counted.logStatus++;
                }
            }
        }
        // 58 records in 16 files. REJECTed TCP to 443: flowlogs-reader's eni-102010cd record, in each v2 file.
        // Unanswered SYN to 443: the seed story's four accepted egress SYN-only records of 10.0.1.25 (its
        // fifth, with the invalid action ALLOW, is not counted). NODATA/SKIPDATA: AWS's two, flowlogs-reader's
        // two in each v2 file, Elastic's two and the seed story's two.
        expect(counted).to.deep.equal({ rejected: 2, unanswered: 4, logStatus: 10, records: 58 });
    });

    it("select the same records as AWS's own rejected-SSH pattern (VPC user guide) for port 22 in default-format files", () => {
        const aws = examples.vpcFlowLogs.pattern;
        const ours = rejectedPattern(DEFAULT_FORMAT, 22) as { pattern: string };
        let compared = 0;
        for (const { file, format, records } of corpus()) {
            if (format !== DEFAULT_FORMAT) continue;
            for (const record of records) {
                compared++;
                expect(matches(ours.pattern, record), `${file}: ${record}`).to.equal(matches(aws, record));
            }
        }
        // AWS's accepted-rejected, ipv6, no-data-skipped and ICMP examples, flowlogs-reader's v2 files, Elastic's default-header file.
        expect(compared).to.equal(21);
        // The one SSH reject among them (AWS's accepted-rejected example is 3389): both select none, and both select this one.
        const reject22 = "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 22 6 20 4249 1418530010 1418530070 REJECT OK";
        expect([matches(ours.pattern, reject22), matches(aws, reject22)]).to.deep.equal([true, true]);
    });

    it("select exactly the right records of random formats and random records (fast-check, seed 22)", () => {
        const names = FLOW_LOG_FIELDS.map((f) => f.name);
        const needed = ["protocol", "dstport", "action", "tcp-flags", "flow-direction", "log-status"];
        const formatArb = fc
            .tuple(fc.shuffledSubarray(names.filter((n) => !needed.includes(n)), { maxLength: 8 }), fc.subarray(needed, { minLength: 3 }), fc.nat())
            .map(([others, wanted, seed]) => {
                const fields = [...others, ...wanted];
                // Mix the needed fields among the others: positions are the point.
                for (let i = fields.length - 1; i > 0; i--) {
                    const j = (seed + i * 7919) % (i + 1);
                    [fields[i], fields[j]] = [fields[j], fields[i]];
                }
                return resolveLogFormat(fields.map((f) => "$" + "{" + f + "}").join(" "), "logFormat");
            });
        const valueOf: Record<string, fc.Arbitrary<string>> = {
            protocol: fc.constantFrom("6", "17", "1", "-"),
            dstport: fc.constantFrom("443", "4430", "44", "22", "-", "0"),
            action: fc.constantFrom("ACCEPT", "REJECT", "-", "REJECTED"),
            "tcp-flags": fc.constantFrom("2", "18", "3", "0", "-", "22"),
            "flow-direction": fc.constantFrom("egress", "ingress", "-"),
            "log-status": fc.constantFrom("OK", "NODATA", "SKIPDATA", "-"),
        };
        const other = fc.constantFrom("-", "10.0.1.25", "REJECT", "443", "6", "2", "egress", "NODATA", "eni-0abc");
        fc.assert(
            fc.property(formatArb, fc.nat(), (format, salt) => {
                const record = fc.sample(fc.tuple(...format.fields.map((f) => valueOf[f] ?? other)), { numRuns: 1, seed: salt })[0].join(" ");
                const values = valuesOf(format, record);
                for (const [monitor, plan] of [
                    ["rejected", rejectedPattern(format, 443)],
                    ["unanswered", unansweredPattern(format, 443)],
                ] as const) {
                    if ("pattern" in plan) expect(matches(plan.pattern, record), `${plan.pattern} / ${record}`).to.equal(TRUTH[monitor](values, 443));
                }
                const status = logStatusPattern(format);
                if ("pattern" in status) expect(matches(status.pattern, record)).to.equal(TRUTH.logStatus(values));
                // One field more or fewer (a record of another format) never matches.
                for (const plan of watchPlans(format, 443)) {
                    if ("pattern" in plan) {
                        expect(matches(plan.pattern, record + " -")).to.equal(false);
                        expect(matches(plan.pattern, record.split(" ").slice(1).join(" "))).to.equal(false);
                    }
                }
            }),
            { seed: 22, numRuns: 300 },
        );
    });
});

describe("Contributor Insights rule of REJECTs to the watched port", () => {
    it("for the default format has AWS's sample positions (3 interface-id, 4 srcaddr, 8 protocol, 13 action) plus dstport 7", () => {
        const rule = rejectContributorRule(DEFAULT_FORMAT, 443, "/vpc-flow-logs/dev");
        expect(rule).to.deep.equal({
            definition: {
                Schema: { Name: "CloudWatchLogRule", Version: 1 },
                LogGroupNames: ["/vpc-flow-logs/dev"],
                LogFormat: "CLF",
                Fields: { "3": "interface-id", "4": "srcaddr", "7": "dstport", "8": "protocol", "13": "action" },
                Contribution: {
                    Keys: ["interface-id", "srcaddr"],
                    Filters: [
                        { Match: "protocol", EqualTo: 6 },
                        { Match: "dstport", EqualTo: 443 },
                        { Match: "action", In: ["REJECT"] },
                    ],
                },
                AggregateOn: "Count",
            },
        });
        const sample = sampleRules.rejectedTcpConnections;
        expect(Object.keys(sample.Fields)).to.deep.equal(["3", "4", "8", "13"]);
        expect(sample.LogFormat).to.equal("CLF");
        const ours = (rule as { definition: any }).definition;
        expect(Object.keys(sample.Fields).map((p) => ours.Fields[p])).to.deep.equal(["interface-id", "srcaddr", "protocol", "action"]);
        // AWS's HTTPS sample puts the destination port at 7, as ours does.
        expect(Object.keys(sampleRules.highestHttpsRequests.Fields)).to.include("7");
    });

    it("reads, for every corpus record, the value of the field it names at the position it gives", () => {
        let checked = 0;
        for (const { format, records } of corpus()) {
            const rule = rejectContributorRule(format, 443, "/g");
            if (!("definition" in rule)) continue;
            const fields = rule.definition.Fields as Record<string, string>;
            for (const record of records) {
                const tokens = record.trim().split(/ +/);
                const values = valuesOf(format, record);
                for (const [position, name] of Object.entries(fields)) expect(tokens[Number(position) - 1]).to.equal(values[name]);
                checked++;
            }
        }
        expect(checked).to.equal(48);
    });

    it("follows a custom format's positions, and is left out of a format without its fields", () => {
        const custom = resolveLogFormat("${action} ${dstport} ${srcaddr} ${protocol} ${interface-id}", "logFormat");
        expect((rejectContributorRule(custom, 443, "/g") as { definition: any }).definition.Fields).to.deep.equal({
            "1": "action",
            "2": "dstport",
            "3": "srcaddr",
            "4": "protocol",
            "5": "interface-id",
        });
        expect(rejectContributorRule(resolveLogFormat("${action} ${dstport} ${srcaddr} ${protocol}", "logFormat"), 443, "/g")).to.deep.equal({ missing: ["interface-id"] });
    });
});

/**
 * The Logs Insights query fits StartQuery's length limit: checked before every StartQuery (and
 * Athena's before StartQueryExecution), compacted when too long, split over several queries when
 * still too long, and the split queries' rows merged into exactly the rows of one query.
 * Queries are evaluated by a small Logs Insights engine (helpers/insightsEvaluator.ts), so the
 * tests compare what the query strings select. The S3 ranges are AWS's, from a dated real
 * ip-ranges.json (fixtures/ip-ranges-s3-2026-08-22.json, see fixtures/README.md).
 */
import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand, GetQueryResultsCommand, StartQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { compactAddresses } from "../../analysis/core/cidrCompaction";
import { ConversationSelector, INSIGHTS_ROW_CAP, buildDiagnosisQuery, toRecordColumns } from "../../analysis/queries/insightsQuery";
import { QueryBuilder, mergeSplitRows, planDiagnosisQueries } from "../../analysis/queries/insightsQueryPlan";
import { AddressSet, parseIpRange } from "../../analysis/core/ip";
import { DIAGNOSTIC_FORMAT, LogFormat, resolveLogFormat } from "../../analysis/core/logFormat";
import { ATHENA_QUERY_MAX_BYTES, INSIGHTS_QUERY_MAX_LENGTH, athenaQueryTooLong, insightsQueryTooLong } from "../../analysis/queries/queryLimits";
import { s3RangesFromIpRanges } from "../../analysis/core/s3Ranges";
import { QueryError, runInsightsQuery } from "../../analysis/aws/insightsQueryRunner";
import { AthenaQueryError, runAthenaQuery } from "../../analysis/aws/athenaQueryRunner";
import { diagnoseLive, diagnoseQueryRows } from "../../analysis/app/liveDiagnosis";
import { LogEvent, evaluateInsightsQuery } from "../helpers/insightsEvaluator";
import { diagnosisJson } from "../helpers/jsonContract";
import { mockAwsClasses, offlineIo, runCli, testClient } from "../helpers/mockedAws";
import { listSources } from "../helpers/importGraph";
import { commandsSent } from "../helpers/sdkCommands";

const SEED = 1805;
const FIXTURE = fs.readFileSync(path.join(__dirname, "..", "..", "..", "tests", "fixtures", "ip-ranges-s3-2026-08-22.json"), "utf8");
const EU_CENTRAL_1 = s3RangesFromIpRanges(FIXTURE, "eu-central-1", "fixture").cidrs;

describe("query length: the check before StartQuery", () => {
    const { logs } = mockAwsClasses("logs").mocks;
    const client = testClient("logs", "eu-central-1");
    const request = (queryString: string) => ({ logGroupName: "/vpc-flow-logs/dev", startTime: 1795701600, endTime: 1795703400, queryString, limit: 10 });
    const options = { timeoutMs: 1000, sleep: async () => undefined };
    beforeEach(() => {
        logs.reset();
        logs.on(StartQueryCommand).resolves({ queryId: "q-1" });
        logs.on(GetQueryResultsCommand).resolves({ status: "Complete", results: [], statistics: { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 } });
    });
    after(() => logs.restore());

    it("is the only way to a query: StartQuery and StartQueryExecution are sent from the two runners alone", () => {
        const root = path.join(__dirname, "..", "..", "..");
        const sent = commandsSent(root, listSources(root, ["analysis", "bin", "components"], []));
        const senders = (command: string) => [...new Set(sent.filter((c) => c.command === command && c.client !== undefined).map((c) => path.normalize(c.file)))];
        expect(senders("StartQueryCommand")).to.deep.equal([path.join("analysis", "aws", "insightsQueryRunner.ts")]);
        expect(senders("StartQueryExecutionCommand")).to.deep.equal([path.join("analysis", "aws", "athenaQueryRunner.ts")]);
    });

    it("uses StartQuery's limit of 10,000 and Athena's of 262,144 bytes", () => {
        expect(INSIGHTS_QUERY_MAX_LENGTH).to.equal(10000);
        expect(ATHENA_QUERY_MAX_BYTES).to.equal(262144);
    });

    it("sends a query of exactly 10,000 characters", async () => {
        await runInsightsQuery(client, request("x".repeat(10000)), options);
        expect(logs.commandCalls(StartQueryCommand)).to.have.length(1);
    });

    it("refuses a query of 10,001 characters without calling StartQuery", async () => {
        const err = await runInsightsQuery(client, request("x".repeat(10001)), options).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(QueryError);
        expect((err as QueryError).kind).to.equal("TooLong");
        expect((err as QueryError).message).to.equal(
            "The Logs Insights query is 10001 characters long, over StartQuery's limit of 10000: it was not sent. Give fewer or wider addresses (--src, --dst), or fewer log streams.",
        );
        expect(logs.commandCalls(StartQueryCommand)).to.have.length(0);
    });

    it("counts UTF-8 bytes, never fewer than the characters however they are counted", () => {
        expect(insightsQueryTooLong("é".repeat(5000))).to.equal(undefined);
        expect(insightsQueryTooLong("é".repeat(5001))).to.equal(
            "The Logs Insights query is 10002 characters long, over StartQuery's limit of 10000: it was not sent. Give fewer or wider addresses (--src, --dst), or fewer log streams.",
        );
    });

    it("refuses an Athena query over 262,144 bytes without calling StartQueryExecution", async () => {
        const { athena } = mockAwsClasses("athena").mocks;
        try {
            const athenaClient = testClient("athena", "eu-central-1");
            const err = await runAthenaQuery(athenaClient, { queryString: "x".repeat(262145), workGroup: "wg", database: "db", limit: 10 }, { timeoutMs: 1000, sleep: async () => undefined }).then(
                () => undefined,
                (e: unknown) => e,
            );
            expect(err).to.be.instanceOf(AthenaQueryError);
            expect((err as AthenaQueryError).kind).to.equal("TooLong");
            expect((err as AthenaQueryError).message).to.equal(
                "The Athena query is 262145 bytes long, over StartQueryExecution's limit of 262144 bytes: it was not sent. Give fewer or wider addresses (--src, --dst).",
            );
            expect(athena.commandCalls(StartQueryExecutionCommand)).to.have.length(0);
            expect(athenaQueryTooLong("x".repeat(262144))).to.equal(undefined);
        } finally {
            athena.restore();
        }
    });
});

/** What a list of entries matches, as sorted disjoint spans per family: compared to show two lists match the same addresses. */
function addressSpans(list: readonly string[]): string[] {
    const spans = list.map((a) => parseIpRange(a, "test")).map((r) => ({ v: r.version, first: BigInt(r.first), last: BigInt(r.last) }));
    spans.sort((a, b) => a.v - b.v || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const out: { v: number; first: bigint; last: bigint }[] = [];
    for (const s of spans) {
        const top = out[out.length - 1];
        if (top && top.v === s.v && s.first <= top.last + 1n) top.last = s.last > top.last ? s.last : top.last;
        else out.push({ ...s });
    }
    return out.map((s) => `${s.v} ${s.first}-${s.last}`);
}

describe("query length: the largest region's S3 ranges (ip-ranges.json of 2026-08-22)", () => {
    const doc = JSON.parse(FIXTURE) as { syncToken: string; createDate: string; prefixes: { region: string; service: string }[]; ipv6_prefixes: { region: string; service: string }[] };
    const srcs = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${i}.25`);
    const selector = (n: number): ConversationSelector => ({ src: srcs(n), dst: EU_CENTRAL_1, port: 443, protocol: 6, s3Service: true });
    const build: QueryBuilder = (sel, split) => buildDiagnosisQuery(DIAGNOSTIC_FORMAT, sel, INSIGHTS_ROW_CAP, { portColumns: split });

    it("eu-central-1 has the most S3 ranges: 20 IPv4 and 24 IPv6, 44 in all", () => {
        expect([doc.syncToken, doc.createDate]).to.deep.equal(["1787411825", "2026-08-22-15-17-05"]);
        const counts = new Map<string, number>();
        for (const p of [...doc.prefixes, ...doc.ipv6_prefixes]) if (p.service === "S3") counts.set(p.region, (counts.get(p.region) ?? 0) + 1);
        const ranked = [...counts].sort((a, b) => b[1] - a[1]);
        expect(ranked.slice(0, 3)).to.deep.equal([["eu-central-1", 44], ["ap-southeast-1", 42], ["us-east-1", 40]]);
        expect(EU_CENTRAL_1).to.have.length(44);
        expect(EU_CENTRAL_1.filter((c) => !c.includes(":"))).to.have.length(20);
    });

    it("compacts its 44 ranges to 39 that match exactly the same addresses", () => {
        const compacted = compactAddresses(EU_CENTRAL_1);
        expect(compacted).to.have.length(39);
        expect(addressSpans(compacted)).to.deep.equal(addressSpans(EU_CENTRAL_1));
        expect(compacted.slice(0, 15)).to.deep.equal([
            "1.178.10.0/24", "3.2.70.0/24", "3.5.120.0/22", "3.5.134.0/23", "3.5.136.0/22", "3.65.246.0/27", "16.12.24.0/21", "16.12.32.0/22",
            "16.15.20.0/22", "52.219.44.0/22", "52.219.72.0/22", "52.219.140.0/24", "52.219.168.0/22", "52.219.208.0/22", "52.219.218.0/24",
        ]);
    });

    it("3 sources: 9,320 characters, within the limit, sent exactly as built", () => {
        const plan = planDiagnosisQueries(build, selector(3));
        expect(plan.queries).to.deep.equal([buildDiagnosisQuery(DIAGNOSTIC_FORMAT, selector(3))]);
        expect([plan.fullLength, plan.compacted]).to.deep.equal([9320, false]);
    });

    it("12 sources: 10,282 characters, compacted into one query of 9,376", () => {
        const plan = planDiagnosisQueries(build, selector(12));
        expect([plan.fullLength, plan.compacted, plan.terms, plan.queries.map((q) => q.length)]).to.deep.equal([10282, true, { before: 56, after: 51 }, [9376]]);
        expect(plan.queries[0]).to.equal(buildDiagnosisQuery(DIAGNOSTIC_FORMAT, { ...selector(12), dst: compactAddresses(EU_CENTRAL_1) }));
    });

    it("40 sources: split into queries each within the limit, which together cover every source and every S3 address", () => {
        const plan = planDiagnosisQueries(build, selector(40));
        expect([plan.fullLength, plan.compacted, plan.terms]).to.deep.equal([13362, true, { before: 84, after: 79 }]);
        expect(plan.queries.map((q) => q.length)).to.deep.equal([9998, 7764]);
        // Which lists each query holds: read back from its text.
        const listed = (q: string, column: string) => [...q.matchAll(new RegExp(`(?:isIpInSubnet\\(${column}, "([^"]+)"\\)|${column} = "([^"]+)")`, "g"))].map((m) => m[1] ?? m[2]);
        const dsts = new Set(plan.queries.flatMap((q) => listed(q, "dstAddr")));
        const srcsSeen = new Set(plan.queries.flatMap((q) => listed(q, "srcAddr")));
        expect(addressSpans([...dsts].filter((a) => a.includes("/")))).to.deep.equal(addressSpans(EU_CENTRAL_1));
        expect([...srcsSeen].filter((a) => !a.includes("/")).sort()).to.deep.equal([...srcs(40)].sort());
        for (const q of plan.queries) expect(q).to.include("\n| fields 1 - least(abs(dstPort - 443), 1) as toPort, 1 - least(abs(srcPort - 443), 1) as fromPort\n| stats ");
    });
});

// ---- Rows of the split queries, merged, are the rows of one query ----

const FORMAT_WITH_SERVICES: LogFormat = resolveLogFormat(
    [...DIAGNOSTIC_FORMAT.fields, "pkt-src-aws-service"].map((f) => "$" + "{" + f + "}").join(" "),
    "--format",
);
const T0 = 1795701600;
const WINDOW = { start: T0 - 600, end: T0 + 1800 };
const NOW = new Date((T0 + 7200) * 1000);
const ENIS = ["eni-0a1b2c3d4e5f60718", "eni-0aa11bb22cc33dd44", "eni-0ffee00aa11bb22cc"];
/** Sources, S3 and the overlap a list of both can have (a VPC CIDR given as a destination too), and addresses of neither. */
// Few of them, few interfaces, ports and minutes, so that records share groups and one record's
// addresses fall in several chunks of a split: the cases where rows could repeat or be lost.
const ADDRESSES = ["10.0.1.25", "10.0.3.3", "52.219.168.7", "3.5.120.9", "16.12.33.1", "10.9.9.9", "2a05:d078:4000::5"];
const SOURCES = ["10.0.1.25", "10.0.1.26", "10.0.2.0/24", "10.0.3.0/24", "2001:db8::5"];
const DESTINATIONS = [...EU_CENTRAL_1, "10.0.0.0/16"];

/**
 * A record matched by two chunks of a split in two ways: outbound by one chunk (srcAddr a source,
 * dstAddr in it) and inbound by another (pktSrcAddr in it, pktDstAddr a source). Such records in
 * one group, with either port or both on 443, are what a naive split counts twice.
 */
const crossArb = fc.record({
    eni: fc.constantFrom(...ENIS.slice(0, 2)),
    status: fc.constant("OK"),
    src: fc.constant("10.0.1.25"),
    dst: fc.constant("52.219.168.7"),
    pktSrc: fc.constant("3.5.120.9"),
    pktDst: fc.constant("10.0.1.25"),
    srcPort: fc.constantFrom(443, 50000),
    dstPort: fc.constantFrom(443, 50000),
    protocol: fc.constant(6),
    packets: fc.integer({ min: 1, max: 20 }),
    start: fc.integer({ min: 0, max: 5 }),
    action: fc.constantFrom("ACCEPT", "REJECT"),
    flags: fc.constant(2),
    dstService: fc.constant("-"),
    srcService: fc.constant("-"),
});

const randomArb = fc
    .record({
        eni: fc.constantFrom(...ENIS.slice(0, 2)),
        status: fc.constantFrom("OK", "OK", "OK", "OK", "OK", "OK", "SKIPDATA", "NODATA"),
        src: fc.constantFrom(...ADDRESSES),
        dst: fc.constantFrom(...ADDRESSES),
        pktSrc: fc.option(fc.constantFrom(...ADDRESSES), { freq: 2 }),
        pktDst: fc.option(fc.constantFrom(...ADDRESSES), { freq: 2 }),
        srcPort: fc.constantFrom(443, 50000),
        dstPort: fc.constantFrom(443, 50000),
        protocol: fc.constantFrom(6, 6, 6, 17),
        packets: fc.integer({ min: 1, max: 20 }),
        start: fc.integer({ min: 0, max: 5 }),
        action: fc.constantFrom("ACCEPT", "REJECT"),
        flags: fc.constantFrom(2, 18, 3, 19),
        dstService: fc.constantFrom("S3", "-", "-"),
        srcService: fc.constantFrom("S3", "-", "-"),
    });

const eventArb = fc.oneof({ weight: 2, arbitrary: randomArb }, { weight: 1, arbitrary: crossArb }).map((r): LogEvent => {
        const start = T0 + r.start * 20;
        const ok = r.status === "OK";
        const v: Record<string, string | number> = {
            version: 5, "account-id": "123456789012", "interface-id": r.eni,
            srcaddr: ok ? r.src : "-", dstaddr: ok ? r.dst : "-", srcport: ok ? r.srcPort : "-", dstport: ok ? r.dstPort : "-", protocol: ok ? r.protocol : "-",
            packets: ok ? r.packets : "-", bytes: ok ? r.packets * 60 : "-", start, end: start + 55, action: ok ? r.action : "-", "log-status": r.status,
            "vpc-id": "vpc-0a1b2c3d", "subnet-id": "subnet-0a1b2c3d", "tcp-flags": ok ? r.flags : "-", type: ok ? "IPv4" : "-",
            "pkt-srcaddr": ok ? (r.pktSrc ?? r.src) : "-", "pkt-dstaddr": ok ? (r.pktDst ?? r.dst) : "-",
            "flow-direction": ok ? "egress" : "-", "traffic-path": ok ? 1 : "-", "pkt-dst-aws-service": ok ? r.dstService : "-", "pkt-src-aws-service": ok ? r.srcService : "-",
        };
        return { "@timestamp": start * 1000, "@message": FORMAT_WITH_SERVICES.fields.map((f) => String(v[f])).join(" "), "@logStream": `${r.eni}-all` };
    });

const canonical = (row: readonly { field?: string; value?: string }[]) => JSON.stringify(row.map((c) => [c.field, c.value]).sort());
const sortRows = <T extends readonly { field?: string; value?: string }[]>(rows: T[]) => [...rows].sort((a, b) => (canonical(a) < canonical(b) ? -1 : canonical(a) > canonical(b) ? 1 : 0));
const buildFor =
    (format: LogFormat): QueryBuilder =>
    (sel, split) =>
        buildDiagnosisQuery(format, sel, INSIGHTS_ROW_CAP, { portColumns: split });

function conversationOf(sel: ConversationSelector) {
    return {
        src: AddressSet.parse((sel.src ?? []).join(","), "--src"),
        dst: AddressSet.parse((sel.dst ?? []).join(","), "--dst"),
        port: sel.port,
        protocol: sel.protocol,
        dstIsS3: true,
        matchS3Service: sel.s3Service === true,
    };
}
const diagnosisOf = (rows: { field?: string; value?: string }[][], sel: ConversationSelector) =>
    diagnoseQueryRows(toRecordColumns(sortRows(rows)), conversationOf(sel), WINDOW, { format: FORMAT_WITH_SERVICES, trafficType: "ALL" }, { now: NOW, warn: () => undefined }, "lag");

describe("query length: split queries give the rows of one query", () => {
    it("merged rows equal the unsplit query's rows, and so does the diagnosis (property)", () => {
        const selectorArb = fc.record({
            src: fc.subarray(SOURCES, { minLength: 1 }),
            // The two ranges crossArb's addresses fall in, always, and any others.
            dst: fc.subarray(DESTINATIONS.filter((d) => d !== "52.219.168.0/24" && d !== "3.5.120.0/22")).map((rest) => ["52.219.168.0/24", ...rest, "3.5.120.0/22"]),
            protocol: fc.constantFrom(6, 17),
            s3Service: fc.boolean(),
            slack: fc.integer({ min: 0, max: 3000 }),
        });
        let splits = 0;
        fc.assert(
            fc.property(selectorArb, fc.array(eventArb, { maxLength: 80 }), ({ slack, ...rest }, events) => {
                const sel: ConversationSelector = { ...rest, port: 443 };
                const build = buildFor(FORMAT_WITH_SERVICES);
                // The smallest limit every single source-destination pair fits in, plus some.
                const pairs = sel.src!.flatMap((s) => compactAddresses(sel.dst!).map((d) => build({ ...sel, src: [s], dst: [d] }, true).length));
                const max = Math.max(...pairs) + slack;
                const plan = planDiagnosisQueries(build, sel, max);
                for (const q of plan.queries) expect(q.length).to.be.at.most(max);
                if (plan.queries.length > 1) splits++;
                const whole = evaluateInsightsQuery(buildDiagnosisQuery(FORMAT_WITH_SERVICES, sel), events);
                const merged = plan.queries.length === 1 ? evaluateInsightsQuery(plan.queries[0], events) : mergeSplitRows(plan.queries.map((q) => evaluateInsightsQuery(q, events)));
                expect(sortRows(merged).map(canonical)).to.deep.equal(sortRows(whole).map(canonical));
                expect(diagnosisOf(merged, sel)).to.deep.equal(diagnosisOf(whole, sel));
            }),
            { seed: SEED, numRuns: 60 },
        );
        // The generator does reach the split path, most of the time.
        expect(splits).to.be.greaterThan(30);
    });

    it("a record two queries both match is counted once: repeated rows are dropped, port-flag rows summed", () => {
        const row = (records: number, toPort: string, fromPort: string, firstStart: string) => [
            { field: "records", value: String(records) },
            { field: "packetsTotal", value: String(records * 3) },
            { field: "firstStart", value: firstStart },
            { field: "lastEnd", value: String(Number(firstStart) + 55) },
            { field: "srcAddr", value: "10.0.1.25" },
            { field: "toPort", value: toPort },
            { field: "fromPort", value: fromPort },
            { field: "bin(1m)", value: "2026-11-26 14:00:00.000" },
        ];
        expect(mergeSplitRows([[row(2, "1", "0", "1795701600")], [row(2, "1", "0", "1795701600"), row(1, "0", "1", "1795701610")]])).to.deep.equal([
            [
                { field: "records", value: "3" },
                { field: "packetsTotal", value: "9" },
                { field: "firstStart", value: "1795701600" },
                { field: "lastEnd", value: "1795701665" },
                { field: "srcAddr", value: "10.0.1.25" },
                { field: "bin(1m)", value: "2026-11-26 14:00:00.000" },
            ],
        ]);
    });
});

describe("query length: a live diagnosis over the largest region's S3 ranges", () => {
    const { logs } = mockAwsClasses("logs").mocks;
    const client = testClient("logs", "eu-central-1");
    after(() => logs.restore());

    /** A CloudWatch Logs whose StartQuery runs the query over the events, and which bills 1 MB per query. */
    function serve(events: LogEvent[]) {
        logs.reset();
        const queries: string[] = [];
        logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc-flow-logs/dev", creationTime: 0 }] });
        logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: `${ENIS[0]}-all` }] });
        logs.on(StartQueryCommand).callsFake((input: { queryString: string }) => {
            queries.push(input.queryString);
            return { queryId: `q-${queries.length}` };
        });
        logs.on(GetQueryResultsCommand).callsFake((input: { queryId: string }) => ({
            status: "Complete",
            results: evaluateInsightsQuery(queries[Number(input.queryId.slice(2)) - 1], events),
            statistics: { recordsMatched: 1, recordsScanned: events.length, bytesScanned: 1e6 },
        }));
        return queries;
    }

    const task = "10.0.7.25";
    const others = Array.from({ length: 39 }, (_, i) => `10.0.${i + 8}.25`);
    const out = (i: number, dst: string, action: string) =>
        `5 123456789012 ${ENIS[0]} ${task} ${dst} ${40000 + i} 443 6 3 180 ${T0 + i * 60} ${T0 + i * 60 + 55} ${action} OK vpc-0a1b2c3d subnet-0a1b2c3d 2 IPv4 ${task} ${dst} egress 1 S3`;
    const back = (i: number, src: string) =>
        `5 123456789012 ${ENIS[0]} ${src} ${task} 443 ${40000 + i} 6 4 5200 ${T0 + i * 60 + 1} ${T0 + i * 60 + 56} ACCEPT OK vpc-0a1b2c3d subnet-0a1b2c3d 18 IPv4 ${src} ${task} ingress - S3`;
    const event = (message: string): LogEvent => ({ "@timestamp": Number(message.split(" ")[10]) * 1000, "@message": message, "@logStream": `${ENIS[0]}-all` });
    // The task's packets to S3 leave and nothing comes back; S3 answers an address that is no
    // source, and the task reaches an address outside the S3 ranges: no query may count those.
    const events = [
        ...[0, 1, 2].flatMap((i) => [out(i, "3.5.120.9", "ACCEPT"), out(i + 3, "52.219.211.9", "ACCEPT")]),
        back(4, "3.5.120.9").replace(` ${task} 443 `, " 10.0.99.25 443 ").replace(` ${task} ingress`, " 10.0.99.25 ingress"),
        out(5, "8.8.8.8", "ACCEPT"),
    ].map(event);

    for (const [what, sources, queries, warned] of [
        ["3 sources: one query, as built", [task, ...others.slice(0, 2)], 1, false],
        ["40 sources: split into 2 queries", [...others, task], 2, true],
    ] as const) {
        it(`--dst s3:eu-central-1 with the diagnostic format, ${what}, and the diagnosis one unlimited query gives`, async () => {
            const sent = serve(events);
            const conversation = { src: AddressSet.parse(sources.join(","), "--src"), dst: AddressSet.parse(EU_CENTRAL_1.join(","), "--dst"), port: 443, protocol: 6, dstIsS3: true, matchS3Service: false };
            const warnings: string[] = [];
            const run = await diagnoseLive({ logGroupName: "/vpc-flow-logs/dev", region: "eu-central-1", format: DIAGNOSTIC_FORMAT, trafficType: "ALL" }, conversation, WINDOW, {
                logs: client,
                now: NOW,
                warn: (m) => warnings.push(m),
                timeoutMs: 10000,
                sleep: async () => undefined,
            });
            expect(sent).to.have.length(queries);
            for (const q of sent) expect(q.length).to.be.at.most(10000);
            const unlimited = buildDiagnosisQuery(DIAGNOSTIC_FORMAT, { src: [...sources], dst: EU_CENTRAL_1, port: 443, protocol: 6, s3Service: false });
            const expected = diagnoseQueryRows(toRecordColumns(evaluateInsightsQuery(unlimited, events)), conversation, WINDOW, { format: DIAGNOSTIC_FORMAT, trafficType: "ALL" }, { now: NOW, warn: () => undefined }, "lag");
            const { query, ...diagnosis } = run.diagnosis;
            const note =
                "The query would be 13372 characters, over StartQuery's limit of 10000 even with its CIDRs merged (84 address terms to 79): it runs as 2 queries, one after another, " +
                "each over the whole window, so about 2 times the bytes scanned and the cost of one query.";
            expect(diagnosis).to.deep.equal(warned ? { ...expected, warnings: [...expected.warnings, note] } : expected);
            expect(expected.verdict).to.equal("routing");
            expect(warnings).to.deep.equal(warned ? [note] : []);
            expect([query.bytesScanned, query.costUsd, query.queries, query.queryIds, query.queryString]).to.deep.equal(
                warned ? [2e6, 0.00001, 2, ["q-1", "q-2"], sent[0]] : [1e6, 0.000005, undefined, undefined, unlimited],
            );
            if (warned) expect(query.queryStrings).to.deep.equal(sent);
        });
    }

    // The CLI keeps only the S3 ranges of the sources' family (IPv4 here), so it takes more sources than diagnoseLive above to need a split.
    const manyOthers = Array.from({ length: 79 }, (_, i) => `10.0.${i + 8}.25`);
    it("the CLI: --dst s3:eu-central-1 --ip-ranges with 80 IPv4 sources says on stderr how many queries ran and their total cost", async () => {
        const sent = serve(events);
        const fixture = path.join(__dirname, "..", "..", "..", "tests", "fixtures", "ip-ranges-s3-2026-08-22.json");
        const { code, stdout, stderr } = await runCli(
            ["--log-group", "/vpc-flow-logs/dev", "--region", "eu-central-1", "--format", "diagnostic", "--src", [...manyOthers, task].join(","), "--dst", "s3:eu-central-1", "--ip-ranges", fixture,
             "--start", "2026-11-26T13:50:00Z", "--end", "2026-11-26T14:30:00Z", "--output", "json"],
            { ...offlineIo(NOW), logsClient: () => client },
        );
        expect(code, stderr).to.equal(0);
        expect(sent).to.have.length(2);
        const out = diagnosisJson({ stdout, stderr });
        expect([out.verdict, out.query.queries, out.query.bytesScanned, out.query.costUsd]).to.deep.equal(["routing", 2, 2e6, 0.00001]);
        const lines = stderr.trim().split("\n");
        expect(lines[0]).to.equal(
            "warning: The query would be 13020 characters, over StartQuery's limit of 10000 even with its CIDRs merged (100 address terms to 95): it runs as 2 queries, one after another, " +
                "each over the whole window, so about 2 times the bytes scanned and the cost of one query.",
        );
        expect(lines[lines.length - 1]).to.equal(
            "Scanned 16 records (2.0 MB) of /vpc-flow-logs/dev in eu-central-1, 2026-11-26T13:50:00Z to 2026-11-26T14:30:00Z in 2 queries (split to fit StartQuery's length limit; each scans the window); " +
                "total query cost about $0.0000 at $0.005/GB scanned.",
        );
    });
});

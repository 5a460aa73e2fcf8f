import { expect } from "chai";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT } from "../../analysis/core/logFormat";
import { Conversation } from "../../analysis/evidence/conversation";
import { RawLineScanner } from "../../analysis/evidence/rawLines";
import { feedInsightsResults } from "../../analysis/evidence/insightsRows";
import { Confidence, Diagnosis, TrafficType, Verdict, diagnose } from "../../analysis/verdict/classify";
import { FlowRecord } from "../../analysis/core/records";
import { AddressSet } from "../../analysis/core/ip";
import {
    OTHER_ENI,
    TASK_ENI,
    inbound,
    noise,
    outbound,
    query,
    recordCounts,
    statusRecord,
    toAggregateRows,
    toInsightsRow,
    toLine,
} from "../helpers/analysisRecords";

interface Scenario {
    name: string;
    records: FlowRecord[];
    trafficType?: TrafficType;
    verdict: Verdict;
    /** Records: outbound accept, outbound reject, inbound accept, inbound reject. */
    counts: [number, number, number, number];
    confidence: Confidence;
    lateRejects?: { outbound: number; inbound: number };
}

const background = [...noise(0), ...noise(1), statusRecord("NODATA", 1, OTHER_ENI)];
const range = (n: number) => Array.from({ length: n }, (_v, i) => i);

const SCENARIOS: Scenario[] = [
    {
        name: "outbound rejected, never accepted",
        records: [...background, ...range(3).map((i) => outbound("REJECT", i, { packets: 3, tcpFlags: 2 }))],
        verdict: "security-group-or-nacl",
        counts: [0, 3, 0, 0],
        confidence: "high",
    },
    {
        name: "outbound accepted, replies rejected",
        records: [...background, ...range(3).flatMap((i) => [outbound("ACCEPT", i, { tcpFlags: 2 }), inbound("REJECT", i, { tcpFlags: 18 })])],
        verdict: "nacl-return-path",
        counts: [3, 0, 0, 3],
        confidence: "high",
    },
    {
        name: "outbound accepted, nothing back",
        records: [...background, ...range(3).map((i) => outbound("ACCEPT", i, { tcpFlags: 2 }))],
        verdict: "routing",
        counts: [3, 0, 0, 0],
        confidence: "high",
    },
    {
        name: "outbound accepted and answered",
        records: [...background, ...range(3).flatMap((i) => [outbound("ACCEPT", i, { tcpFlags: 3 }), inbound("ACCEPT", i, { tcpFlags: 19 })])],
        verdict: "network-ok",
        counts: [3, 0, 3, 0],
        confidence: "high",
    },
    {
        name: "outbound both accepted and rejected",
        records: [...background, outbound("ACCEPT", 0), outbound("ACCEPT", 1), outbound("REJECT", 2), outbound("REJECT", 3)],
        verdict: "mixed",
        counts: [2, 2, 0, 0],
        confidence: "high",
    },
    {
        name: "no record of the conversation",
        records: background,
        verdict: "no-traffic",
        counts: [0, 0, 0, 0],
        confidence: "medium",
    },
    {
        name: "REJECT-only flow log without rejects",
        records: background.filter((r) => r.action !== "ACCEPT"),
        trafficType: "REJECT",
        verdict: "inconclusive",
        counts: [0, 0, 0, 0],
        confidence: "low",
    },
    {
        name: "ACCEPT-only flow log without records",
        records: background.filter((r) => r.action !== "REJECT"),
        trafficType: "ACCEPT",
        verdict: "inconclusive",
        counts: [0, 0, 0, 0],
        confidence: "low",
    },
    {
        name: "ACCEPT-only flow log, outbound unanswered: routing at most medium",
        records: [...background.filter((r) => r.action !== "REJECT"), ...range(3).map((i) => outbound("ACCEPT", i, { tcpFlags: 2 }))],
        trafficType: "ACCEPT",
        verdict: "routing",
        counts: [3, 0, 0, 0],
        confidence: "medium",
    },
    {
        name: "REJECT-only flow log, outbound rejected",
        records: [...background.filter((r) => r.action !== "ACCEPT"), outbound("REJECT", 0), outbound("REJECT", 1)],
        trafficType: "REJECT",
        verdict: "security-group-or-nacl",
        counts: [0, 2, 0, 0],
        confidence: "medium",
    },
    {
        name: "a late REJECT after FIN does not turn network-ok into nacl-return-path",
        records: [
            ...background,
            ...range(3).flatMap((i) => [outbound("ACCEPT", i, { tcpFlags: 3 }), inbound("ACCEPT", i, { tcpFlags: 19 })]),
            inbound("REJECT", 3, { packets: 1, bytes: 40, tcpFlags: 1 }),
        ],
        verdict: "network-ok",
        counts: [3, 0, 3, 1],
        confidence: "high",
        lateRejects: { outbound: 0, inbound: 1 },
    },
    {
        name: "a late outbound REJECT after the close does not make it mixed",
        records: [
            ...background,
            ...range(2).flatMap((i) => [outbound("ACCEPT", i, { tcpFlags: 3 }), inbound("ACCEPT", i, { tcpFlags: 19 })]),
            outbound("REJECT", 2, { packets: 1, bytes: 40, tcpFlags: 4 }),
        ],
        verdict: "network-ok",
        counts: [2, 1, 2, 0],
        confidence: "high",
        lateRejects: { outbound: 1, inbound: 0 },
    },
    {
        name: "replies rejected in bulk are not stragglers",
        records: [...background, ...range(3).flatMap((i) => [outbound("ACCEPT", i), inbound("ACCEPT", i)]), ...range(3).map((i) => inbound("REJECT", i + 3, { packets: 40, bytes: 52000 }))],
        verdict: "network-ok",
        counts: [3, 0, 3, 3],
        confidence: "medium",
        lateRejects: { outbound: 0, inbound: 0 },
    },
    {
        name: "SKIPDATA on the task's ENI lowers the confidence",
        records: [...background, ...range(3).map((i) => outbound("ACCEPT", i, { tcpFlags: 2 })), statusRecord("SKIPDATA", 2)],
        verdict: "routing",
        counts: [3, 0, 0, 0],
        confidence: "medium",
    },
    {
        name: "NODATA and SKIPDATA on the task's ENI lower it twice",
        records: [...background, ...range(3).map((i) => outbound("REJECT", i)), statusRecord("SKIPDATA", 3), statusRecord("NODATA", 4)],
        verdict: "security-group-or-nacl",
        counts: [0, 3, 0, 0],
        confidence: "low",
    },
];

type Source = { name: string; run: (records: FlowRecord[], trafficType: TrafficType) => Diagnosis };

function viaLines(format: typeof DEFAULT_FORMAT): Source["run"] {
    return (records, trafficType) => {
        const q = query();
        const conversation = new Conversation(q);
        const scanner = new RawLineScanner(conversation, q.src, q.dst, format);
        for (const r of records) scanner.scanText(toLine(r, format));
        scanner.flush();
        return diagnose(conversation.evidence(), { trafficType });
    };
}

function viaInsights(rows: (records: FlowRecord[]) => ReturnType<typeof toAggregateRows>, messageFormat = DEFAULT_FORMAT): Source["run"] {
    return (records, trafficType) => {
        const q = query();
        const conversation = new Conversation(q);
        feedInsightsResults(rows(records), conversation, new RawLineScanner(conversation, q.src, q.dst, messageFormat));
        return diagnose(conversation.evidence(), { trafficType });
    };
}

const SOURCES: Source[] = [
    { name: "raw lines, default format", run: viaLines(DEFAULT_FORMAT) },
    { name: "raw lines, diagnostic format", run: viaLines(DIAGNOSTIC_FORMAT) },
    { name: "Insights rows with discovered fields", run: viaInsights((rs) => rs.map((r) => toInsightsRow(r, "discovered"))) },
    {
        name: "Insights rows with @message only (diagnostic format)",
        run: viaInsights((rs) => rs.map((r) => toInsightsRow(r, "message", DIAGNOSTIC_FORMAT)), DIAGNOSTIC_FORMAT),
    },
    { name: "aggregated Insights rows", run: viaInsights(toAggregateRows) },
];

describe("analysis: every verdict from every source", () => {
    for (const scenario of SCENARIOS) {
        describe(scenario.name, () => {
            for (const source of SOURCES) {
                it(`${source.name} -> ${scenario.verdict} (${scenario.confidence})`, () => {
                    const d = source.run(scenario.records, scenario.trafficType ?? "ALL");
                    expect({ verdict: d.verdict, counts: recordCounts(d), confidence: d.confidence }).to.deep.equal({
                        verdict: scenario.verdict,
                        counts: scenario.counts,
                        confidence: scenario.confidence,
                    });
                    if (scenario.lateRejects) expect(d.lateRejects).to.deep.equal(scenario.lateRejects);
                });
            }
        });
    }
});

describe("analysis: skipped-record counts are the same from every source", () => {
    const records = [...background, statusRecord("SKIPDATA", 2), statusRecord("SKIPDATA", 3, OTHER_ENI), statusRecord("NODATA", 4)];
    for (const source of SOURCES) {
        it(source.name, () => {
            const d = source.run(records, "ALL");
            expect(d.skipped).to.deep.equal({ malformed: 0, nodata: 2, skipdata: 2 });
            expect(d.interfaces).to.deep.equal([]);
        });
    }
});

describe("analysis: per-ENI grouping", () => {
    it("counts each ENI apart and names the workload ENI in the next steps", () => {
        const records = [...range(2).map((i) => outbound("ACCEPT", i)), ...range(2).map((i) => outbound("ACCEPT", i, { interfaceId: OTHER_ENI, srcAddr: "10.0.1.26" }))];
        const q = query({ src: AddressSet.parse("10.0.1.0/24", "--src") });
        const conversation = new Conversation(q);
        const scanner = new RawLineScanner(conversation, q.src, q.dst, DEFAULT_FORMAT);
        for (const r of records) scanner.scanText(toLine(r));
        scanner.flush();
        const d = diagnose(conversation.evidence());
        expect(d.verdict).to.equal("routing");
        expect(d.interfaces.map((i) => [i.interfaceId, i.side, i.counts.outbound.accept])).to.deep.equal([
            [OTHER_ENI, "source", 2],
            [TASK_ENI, "source", 2],
        ]);
        expect(d.evidence[0]).to.equal(
            `2 ENIs logged the conversation directly (${OTHER_ENI}: the source's, ${TASK_ENI}: the source's): several tasks, or both ends are in the input; see the per-ENI counts.`,
        );
    });
});

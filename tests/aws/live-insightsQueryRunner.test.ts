import { expect } from "chai";
import { GetQueryResultsCommand, StartQueryCommand, StopQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { QueryError, QueryRequest, RunnerOptions, runInsightsQuery } from "../../analysis/aws/insightsQueryRunner";
import { mockAwsClasses, testClient } from "../helpers/mockedAws";

const { logs } = mockAwsClasses("logs").mocks;
const client = testClient("logs", "ap-northeast-2");

const REQUEST: QueryRequest = { logGroupName: "/vpc-flow-logs/dev", startTime: 1764165600, endTime: 1764167400, queryString: "fields @timestamp", limit: 3 };
const row = (n: number) => [
    { field: "records", value: String(n) },
    { field: "@ptr", value: `ptr-${n}` },
];
const stats = (scanned: number) => ({ recordsMatched: scanned / 10, recordsScanned: scanned, bytesScanned: scanned * 100 });

/** A fake clock: sleeping advances it, so nothing waits for real. */
function fakeTime() {
    let clock = 0;
    const sleeps: number[] = [];
    const options: Pick<RunnerOptions, "sleep" | "now"> = {
        now: () => clock,
        sleep: async (ms: number) => {
            sleeps.push(ms);
            clock += ms;
        },
    };
    return { options, sleeps };
}

async function failureOf(promise: Promise<unknown>): Promise<QueryError> {
    try {
        await promise;
    } catch (err) {
        expect(err).to.be.instanceOf(QueryError);
        return err as QueryError;
    }
    throw new Error("expected the query to fail");
}

describe("Logs Insights query runner", () => {
    beforeEach(() => logs.reset());

    it("polls with growing pauses until Complete, reporting progress, and returns rows and statistics", async () => {
        logs.on(StartQueryCommand).resolves({ queryId: "q-1" });
        logs.on(GetQueryResultsCommand)
            .resolvesOnce({ status: "Scheduled" })
            .resolvesOnce({ status: "Running", statistics: stats(1000) })
            .resolvesOnce({ status: "Running", statistics: stats(5000), results: [row(1)] })
            .resolves({ status: "Complete", statistics: stats(9000), results: [row(1), row(2)] });
        const time = fakeTime();
        const progress: string[] = [];
        const result = await runInsightsQuery(client, REQUEST, {
            ...time.options,
            timeoutMs: 60000,
            onProgress: (p) => progress.push(`${p.status} ${p.recordsScanned} ${p.elapsedMs}`),
        });
        expect(result).to.deep.equal({ queryId: "q-1", rows: [row(1), row(2)], statistics: stats(9000), capHit: false });
        expect(time.sleeps).to.deep.equal([1000, 1500, 2250]);
        expect(progress).to.deep.equal(["Scheduled 0 0", "Running 1000 1000", "Running 5000 2500", "Complete 9000 4750"]);
        expect(logs.commandCalls(StartQueryCommand)[0].args[0].input).to.deep.equal(REQUEST);
        expect(logs.commandCalls(StopQueryCommand)).to.have.length(0);
    });

    it("says the row cap was hit when the query returns as many rows as its limit", async () => {
        logs.on(StartQueryCommand).resolves({ queryId: "q-cap" });
        logs.on(GetQueryResultsCommand).resolves({ status: "Complete", results: [row(1), row(2), row(3)] });
        const result = await runInsightsQuery(client, REQUEST, { ...fakeTime().options, timeoutMs: 1000 });
        expect(result.capHit).to.equal(true);
    });

    const failures: [string, QueryError["kind"], string][] = [
        ["Failed", "Failed", "The Logs Insights query failed (query id q-2). Check the query and the log group, then try again."],
        ["Cancelled", "Cancelled", "The Logs Insights query was cancelled by someone else (query id q-2)."],
        ["Timeout", "Timeout", "Logs Insights gave up on the query after its 60-minute limit (query id q-2). Narrow the time window or the addresses."],
        ["Unknown", "Unknown", "Logs Insights reported status 'Unknown' for query q-2; its result cannot be trusted."],
    ];
    for (const [status, kind, message] of failures) {
        it(`treats status ${status} as its own failure, never as Complete`, async () => {
            logs.on(StartQueryCommand).resolves({ queryId: "q-2" });
            logs.on(GetQueryResultsCommand).resolvesOnce({ status: "Running" }).resolves({ status: status as "Failed", results: [row(1)] });
            const err = await failureOf(runInsightsQuery(client, REQUEST, { ...fakeTime().options, timeoutMs: 60000 }));
            expect([err.kind, err.message]).to.deep.equal([kind, message]);
        });
    }

    it("backs off and retries when too many queries are running, then succeeds", async () => {
        const limit = Object.assign(new Error("LimitExceeded"), { name: "LimitExceededException" });
        logs.on(StartQueryCommand).rejectsOnce(limit).rejectsOnce(limit).resolves({ queryId: "q-3" });
        logs.on(GetQueryResultsCommand).resolves({ status: "Complete", results: [] });
        const time = fakeTime();
        const result = await runInsightsQuery(client, REQUEST, { ...time.options, timeoutMs: 60000 });
        expect(result.queryId).to.equal("q-3");
        expect(time.sleeps).to.deep.equal([1000, 2000]);
        expect(logs.commandCalls(StartQueryCommand)).to.have.length(3);
    });

    it("gives up after a bounded number of retries with a message that says what to do", async () => {
        logs.on(StartQueryCommand).rejects(Object.assign(new Error("LimitExceeded"), { name: "LimitExceededException" }));
        const time = fakeTime();
        const err = await failureOf(runInsightsQuery(client, REQUEST, { ...time.options, timeoutMs: 60000, maxRetries: 2 }));
        expect([err.kind, err.message]).to.deep.equal([
            "TooManyQueries",
            "Logs Insights refused the query 3 times: too many queries are running in this account. Wait for them to finish (or stop them in the console) and try again.",
        ]);
        expect(time.sleeps).to.deep.equal([1000, 2000]);
    });

    it("retries a throttled poll without starting the query again", async () => {
        logs.on(StartQueryCommand).resolves({ queryId: "q-4" });
        logs.on(GetQueryResultsCommand)
            .rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }))
            .resolves({ status: "Complete", results: [row(7)] });
        const result = await runInsightsQuery(client, REQUEST, { ...fakeTime().options, timeoutMs: 60000 });
        expect(result.rows).to.deep.equal([row(7)]);
        expect(logs.commandCalls(StartQueryCommand)).to.have.length(1);
    });

    it("stops the query when --timeout runs out", async () => {
        logs.on(StartQueryCommand).resolves({ queryId: "q-5" });
        logs.on(GetQueryResultsCommand).resolves({ status: "Running" });
        logs.on(StopQueryCommand).resolves({ success: true });
        const time = fakeTime();
        const err = await failureOf(runInsightsQuery(client, REQUEST, { ...time.options, timeoutMs: 4000 }));
        expect([err.kind, err.message]).to.deep.equal([
            "TimedOutWaiting",
            "The query did not complete within 4 s and was stopped (query id q-5). Narrow the window, or allow longer with --timeout.",
        ]);
        expect(time.sleeps).to.deep.equal([1000, 1500, 1500]);
        expect(logs.commandCalls(StopQueryCommand).map((c) => c.args[0].input)).to.deep.equal([{ queryId: "q-5" }]);
    });

    it("stops the query when polling fails or throttling outlasts the retries, and not when Logs Insights ended it", async () => {
        const outcomes: [string, () => void, boolean][] = [
            ["a network error", () => logs.on(GetQueryResultsCommand).rejects(Object.assign(new Error("socket hang up"), { name: "Error" })), true],
            ["throttling past the retries", () => logs.on(GetQueryResultsCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" })), true],
            ["Failed", () => logs.on(GetQueryResultsCommand).resolves({ status: "Failed" }), false],
        ];
        const stopped: [string, number][] = [];
        for (const [what, arrange] of outcomes) {
            logs.reset();
            logs.on(StartQueryCommand).resolves({ queryId: "q-7" });
            logs.on(StopQueryCommand).resolves({ success: true });
            arrange();
            let failed = false;
            await runInsightsQuery(client, REQUEST, { ...fakeTime().options, timeoutMs: 600000 }).catch(() => (failed = true));
            expect(failed, what).to.equal(true);
            stopped.push([what, logs.commandCalls(StopQueryCommand).length]);
        }
        expect(stopped).to.deep.equal(outcomes.map(([what, , stops]) => [what, stops ? 1 : 0]));
    });

    it("calls StopQuery when interrupted (Ctrl-C) while waiting", async () => {
        logs.on(StartQueryCommand).resolves({ queryId: "q-6" });
        logs.on(GetQueryResultsCommand).resolves({ status: "Running" });
        logs.on(StopQueryCommand).resolves({ success: true });
        const controller = new AbortController();
        let polls = 0;
        const err = await failureOf(
            runInsightsQuery(client, REQUEST, {
                timeoutMs: 60000,
                signal: controller.signal,
                now: () => 0,
                sleep: async () => {
                    if (++polls === 2) {
                        controller.abort();
                        throw new Error("aborted");
                    }
                },
            }),
        );
        expect([err.kind, err.message]).to.deep.equal(["Interrupted", "Interrupted: the query was stopped."]);
        expect(logs.commandCalls(StopQueryCommand).map((c) => c.args[0].input)).to.deep.equal([{ queryId: "q-6" }]);
    });

    it("passes other AWS errors through untouched for the caller to explain", async () => {
        logs.on(StartQueryCommand).rejects(Object.assign(new Error("The specified log group does not exist."), { name: "ResourceNotFoundException" }));
        try {
            await runInsightsQuery(client, REQUEST, { ...fakeTime().options, timeoutMs: 1000 });
            expect.fail("expected a failure");
        } catch (err) {
            expect((err as Error).name).to.equal("ResourceNotFoundException");
        }
    });
});

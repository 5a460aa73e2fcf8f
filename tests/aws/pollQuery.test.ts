import { expect } from "chai";
import { PolledQuery, pollQuery, queryPolling } from "../../analysis/aws/polling";

/** A query that answers `answers` in turn (undefined: still running), on a clock the pauses move. */
function fakeQuery(answers: readonly (string | undefined | Error)[], overrides: Partial<PolledQuery<string>> = {}) {
    const log: string[] = [];
    let clock = 0;
    let look = 0;
    const query: PolledQuery<string> = {
        check: async () => {
            const answer = answers[look++];
            log.push(`check ${look}`);
            if (answer instanceof Error) throw answer;
            return answer;
        },
        pause: async (ms) => {
            log.push(`pause ${ms}`);
            clock += ms;
        },
        now: () => clock,
        deadline: 10_000,
        pollMs: 1000,
        maxPollMs: 2000,
        stop: async () => void log.push("stop"),
        timedOut: () => new Error("timed out"),
        settled: (err) => (err as Error).message === "failed" || (err as Error).message === "timed out",
        ...overrides,
    };
    return { query, log };
}

describe("aws/polling pollQuery: the one poll loop of both query runners", () => {
    it("looks until a result, pausing 1.5 times longer each time up to the cap", async () => {
        const { query, log } = fakeQuery([undefined, undefined, undefined, "rows"]);
        expect(await pollQuery(query)).to.equal("rows");
        expect(log).to.deep.equal(["check 1", "pause 1000", "check 2", "pause 1500", "check 3", "pause 2000", "check 4"]);
    });

    it("cuts the last pause at the deadline, then stops the query and says it timed out", async () => {
        const { query, log } = fakeQuery(Array(10).fill(undefined), { deadline: 2500 });
        let message = "";
        await pollQuery(query).catch((err: Error) => (message = err.message));
        expect([message, log]).to.deep.equal(["timed out", ["check 1", "pause 1000", "check 2", "pause 1500", "check 3", "stop"]]);
    });

    it("stops the query on an error that leaves it running, not on an end the service reported", async () => {
        const running = fakeQuery([undefined, new Error("network down")]);
        const ended = fakeQuery([undefined, new Error("failed")]);
        const messages = await Promise.all([running, ended].map(({ query }) => pollQuery(query).catch((err: Error) => err.message)));
        expect([messages, running.log, ended.log]).to.deep.equal([
            ["network down", "failed"],
            ["check 1", "pause 1000", "check 2", "stop"],
            ["check 1", "pause 1000", "check 2"],
        ]);
    });
});

describe("aws/polling queryPolling: the options and defaults both query runners share", () => {
    /** A clock that only the pauses move, and the errors a runner would give. */
    function fakeRunner(extra: { signal?: AbortSignal } = {}) {
        const sleeps: number[] = [];
        let clock = 0;
        const loop = queryPolling(
            {
                timeoutMs: 20_000,
                sleep: async (ms) => {
                    sleeps.push(ms);
                    clock += ms;
                },
                now: () => clock,
                ...extra,
            },
            {
                retryable: new Set(["ThrottlingException"]),
                interrupted: () => new Error("interrupted"),
                gaveUp: (name, attempts) => new Error(`gave up: ${name} x${attempts}`),
            },
        );
        return { loop, sleeps };
    }

    it("polls first after 1 s, each pause 1.5 times longer up to 5 s, until the timeout", async () => {
        const { loop, sleeps } = fakeRunner();
        const log: string[] = [];
        const message = await loop
            .poll<string>({
                check: async () => undefined,
                stop: async () => void log.push("stop"),
                timedOut: () => new Error("timed out"),
                settled: (err) => (err as Error).message === "timed out",
            })
            .catch((err: Error) => err.message);
        expect([message, log, sleeps]).to.deep.equal(["timed out", ["stop"], [1000, 1500, 2250, 3375, 5000, 5000, 1875]]);
    });

    it("retries a refused call 5 times, pausing 1, 2, 4, 8 and 16 s, then gives up after 6 attempts", async () => {
        const { loop, sleeps } = fakeRunner();
        let attempts = 0;
        const message = await loop
            .sendWithRetry(async () => {
                attempts++;
                throw Object.assign(new Error("slow down"), { name: "ThrottlingException" });
            })
            .catch((err: Error) => err.message);
        expect([message, attempts, sleeps]).to.deep.equal(["gave up: ThrottlingException x6", 6, [1000, 2000, 4000, 8000, 16000]]);
    });

    it("throws the runner's interrupted error at set-up when the signal has already aborted", () => {
        const controller = new AbortController();
        controller.abort();
        expect(() => fakeRunner({ signal: controller.signal })).to.throw("interrupted");
    });
});

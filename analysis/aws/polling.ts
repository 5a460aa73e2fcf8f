/**
 * What every query runner that polls an AWS service needs (there is no SDK waiter for Logs
 * Insights or Athena queries): a pause that Ctrl-C ends, and sends that retry throttling with
 * exponential backoff a bounded number of times.
 */

/** Sleeps `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}

export interface PollingSettings {
    readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
    readonly signal?: AbortSignal;
    readonly maxRetries: number;
    /** Error names worth another try after a pause. */
    readonly retryable: ReadonlySet<string>;
    /** The error to throw when the signal aborts a pause. */
    readonly interrupted: () => Error;
    /** The error to throw when every attempt was refused with `name`. */
    readonly gaveUp: (name: string, attempts: number) => Error;
}

export function polling(settings: PollingSettings): {
    pause: (ms: number) => Promise<void>;
    sendWithRetry: <T>(send: () => Promise<T>) => Promise<T>;
} {
    const pause = async (ms: number) => {
        try {
            await settings.sleep(ms, settings.signal);
        } catch {
            throw settings.interrupted();
        }
        if (settings.signal?.aborted) throw settings.interrupted();
    };
    const sendWithRetry = async <T>(send: () => Promise<T>): Promise<T> => {
        for (let attempt = 0; ; attempt++) {
            try {
                return await send();
            } catch (err) {
                const name = (err as { name?: string }).name ?? "";
                if (!settings.retryable.has(name)) throw err;
                if (attempt >= settings.maxRetries) throw settings.gaveUp(name, settings.maxRetries + 1);
                await pause(Math.min(1000 * 2 ** attempt, 16000));
            }
        }
    };
    return { pause, sendWithRetry };
}

/** One running query, as the poll loop sees it. */
export interface PolledQuery<T> {
    /** One look: the result ends the loop, undefined means still running; throws when the query ended otherwise. */
    readonly check: () => Promise<T | undefined>;
    readonly pause: (ms: number) => Promise<void>;
    readonly now: () => number;
    /** When to give up waiting (same clock as `now`). */
    readonly deadline: number;
    /** The first pause; each next one is 1.5 times longer, up to `maxPollMs`. */
    readonly pollMs: number;
    readonly maxPollMs: number;
    /** Stops the query, best effort (it may have finished meanwhile). */
    readonly stop: () => Promise<void>;
    /** The error when the deadline passes; the query is stopped first. */
    readonly timedOut: () => Error;
    /** True for an error that says the query already ended (the service said so, or the timeout stopped it). */
    readonly settled: (err: unknown) => boolean;
}

/** The options both query runners take; tests inject `sleep` and `now` so nothing waits for real. */
export interface PollOptions {
    /** Longest wait for the query, from its start on. */
    readonly timeoutMs: number;
    readonly signal?: AbortSignal;
    /** First pause between polls; grows by half each time up to maxPollMs. */
    readonly pollMs?: number;
    readonly maxPollMs?: number;
    /** How many times a throttled or concurrency-limited call is retried. */
    readonly maxRetries?: number;
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    readonly now?: () => number;
}

/** What a runner says of its service: which refusals to retry, and its two errors of waiting. */
export type QueryPollingErrors = Pick<PollingSettings, "retryable" | "interrupted" | "gaveUp">;

/** One query's polling, set up from the runner's options with the defaults filled in. */
export interface QueryPolling {
    readonly now: () => number;
    /** `now()` when the polling was set up; the timeout counts from here. */
    readonly started: number;
    readonly sendWithRetry: <T>(send: () => Promise<T>) => Promise<T>;
    /** `pollQuery` on this polling's clock, pauses and deadline. */
    readonly poll: <T>(query: Pick<PolledQuery<T>, "check" | "stop" | "timedOut" | "settled">) => Promise<T>;
}

/**
 * The set-up both query runners share: defaults (first poll after 1 s, pauses up to 5 s, 5 retries
 * of a refused call), the clock and deadline, the retrying send. Throws the runner's `interrupted`
 * error when the signal has already aborted, before anything is sent.
 */
export function queryPolling(options: PollOptions, errors: QueryPollingErrors): QueryPolling {
    const sleep = options.sleep ?? abortableSleep;
    const now = options.now ?? Date.now;
    const maxRetries = options.maxRetries ?? 5;
    const maxPollMs = options.maxPollMs ?? 5000;
    const started = now();
    const deadline = started + options.timeoutMs;
    const { pause, sendWithRetry } = polling({ ...errors, sleep, signal: options.signal, maxRetries });
    if (options.signal?.aborted) throw errors.interrupted();
    const pollMs = options.pollMs ?? 1000;
    return {
        now,
        started,
        sendWithRetry,
        poll: (query) => pollQuery({ ...query, pause, now, deadline, pollMs, maxPollMs }),
    };
}

/**
 * The poll loop of both query runners: look, pause a growing interval, give up at the deadline.
 * Anything but an end the service reported (Ctrl-C, throttling that outlasted the retries, a
 * network or SDK error) would leave the query running and scanning at the user's cost: it is stopped.
 */
export async function pollQuery<T>(query: PolledQuery<T>): Promise<T> {
    let pollMs = query.pollMs;
    try {
        for (;;) {
            const result = await query.check();
            if (result !== undefined) return result;
            const remaining = query.deadline - query.now();
            if (remaining <= 0) {
                await query.stop();
                throw query.timedOut();
            }
            await query.pause(Math.min(pollMs, remaining));
            pollMs = Math.min(Math.round(pollMs * 1.5), query.maxPollMs);
        }
    } catch (err) {
        if (!query.settled(err)) await query.stop();
        throw err;
    }
}

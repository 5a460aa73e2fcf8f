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

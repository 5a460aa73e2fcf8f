/**
 * The worker thread of a split scan: takes the next range from the shared counter until none is
 * left, and posts what each range found. It reads through the main thread's file descriptor (the
 * process's descriptors are shared by its threads), so the file it reads is the one the main
 * thread checked. Errors go back as data, for the main thread to throw as its own.
 */
import { parentPort, workerData } from "node:worker_threads";
import { AddressSet, IpRange } from "../../core/ip";
import { LogFormat } from "../../core/logFormat";
import { CollectOptions, RangeJob, collectRange } from "./rangeCollect";
import { SerializedError, serializeError } from "./workerErrors";

export interface RangeWorkerInput extends CollectOptions {
    readonly fd: number;
    readonly jobs: readonly RangeJob[];
    /** Int32Array of one element: the index of the next range to take. */
    readonly counter: SharedArrayBuffer;
    readonly format: LogFormat;
    readonly src: readonly IpRange[];
    readonly dst: readonly IpRange[];
}

export type RangeWorkerMessage =
    | { readonly index: number; readonly result: ReturnType<typeof collectRange> }
    | { readonly done: true }
    | { readonly error: SerializedError };

function run(port: NonNullable<typeof parentPort>, input: RangeWorkerInput): void {
    const post = (message: RangeWorkerMessage) => port.postMessage(message);
    try {
        const counter = new Int32Array(input.counter);
        const src = new AddressSet(input.src);
        const dst = new AddressSet(input.dst);
        for (;;) {
            const index = Atomics.add(counter, 0, 1);
            if (index >= input.jobs.length) break;
            post({ index, result: collectRange(input.fd, input.jobs[index], input.format, src, dst, input) });
        }
        post({ done: true });
    } catch (err) {
        post({ error: serializeError(err) });
    }
}

if (parentPort) run(parentPort, workerData as RangeWorkerInput);

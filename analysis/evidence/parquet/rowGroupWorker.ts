/**
 * A worker thread of a Parquet file's split read: takes the next row group from the shared counter
 * until none is left and posts what each gave. It reads through the main thread's file descriptor,
 * so the file it reads is the one the main thread checked. Errors go back as data.
 */
import { parentPort, workerData } from "node:worker_threads";
import { AddressSet, IpRange } from "../../core/ip";
import { SerializedError, serializeError } from "../rawFile/workerErrors";
import { ColumnPlan, GroupJob, GroupResult, loadParquetPrimitives, scanRowGroup } from "./rowGroupScan";
import { youngCollector } from "./youngGarbage";

export interface RowGroupWorkerInput {
    readonly fd: number;
    readonly jobs: readonly GroupJob[];
    /** Int32Array of one element: the index of the next job to take. */
    readonly counter: SharedArrayBuffer;
    readonly columns: readonly ColumnPlan[];
    readonly src: readonly IpRange[];
    readonly dst: readonly IpRange[];
    readonly looseMatch: boolean;
}

export type RowGroupWorkerMessage = { readonly job: number; readonly result: GroupResult } | { readonly done: true } | { readonly error: SerializedError };

async function run(port: NonNullable<typeof parentPort>, input: RowGroupWorkerInput): Promise<void> {
    const post = (message: RowGroupWorkerMessage) => port.postMessage(message);
    try {
        const setup = {
            columns: input.columns,
            src: new AddressSet(input.src),
            dst: new AddressSet(input.dst),
            looseMatch: input.looseMatch,
            reader: await loadParquetPrimitives(),
        };
        // Taken before the first row group, while the main thread lets it be taken (youngGarbage.ts).
        const collect = youngCollector();
        const counter = new Int32Array(input.counter);
        for (;;) {
            const job = Atomics.add(counter, 0, 1);
            if (job >= input.jobs.length) break;
            post({ job, result: scanRowGroup(input.fd, input.jobs[job], setup) });
            collect();
        }
        post({ done: true });
    } catch (err) {
        post({ error: serializeError(err) });
    }
}

if (parentPort) void run(parentPort, workerData as RowGroupWorkerInput);

/**
 * Row groups of one Parquet file read on several threads: worker threads and the main thread take
 * row groups from a shared counter (one row group in flight per thread, so memory does not grow
 * with the file), and the results are handed on strictly in row-group order, so samples, first
 * candidates and every count come out as a single in-order read would make them.
 */
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { deserializeError } from "../rawFile/workerErrors";
import { GroupJob, GroupResult, ScanSetup, scanRowGroup } from "./rowGroupScan";
import type { RowGroupWorkerInput, RowGroupWorkerMessage } from "./rowGroupWorker";
import { allowCollectors, youngCollector } from "./youngGarbage";

/**
 * Reads `jobs` on `threads` threads (the main one included) and calls `apply` for each result in
 * job order; `apply` may be async (a row group left to the general reader).
 */
export async function scanRowGroups(fd: number, jobs: readonly GroupJob[], setup: ScanSetup, threads: number, apply: (result: GroupResult) => Promise<void> | void): Promise<void> {
    const results: (GroupResult | undefined)[] = new Array(jobs.length);
    let next = 0;
    let applying: Promise<void> = Promise.resolve();
    // Results are applied one after the other, in job order, whatever order they arrive in.
    const applyReady = () => {
        applying = applying.then(async () => {
            for (let result = results[next]; result !== undefined; result = results[next]) {
                results[next] = undefined;
                next++;
                await apply(result);
            }
        });
        return applying;
    };
    // Each thread frees a row group's page buffers once it has read it (youngGarbage.ts says why).
    const restoreFlags = allowCollectors();
    try {
        const collect = youngCollector();
        if (threads < 2 || jobs.length < 2) {
            for (let j = 0; j < jobs.length; j++) {
                results[j] = scanRowGroup(fd, jobs[j], setup);
                collect();
                await applyReady();
            }
        } else {
            await scanSplit(fd, jobs, setup, threads, results, applyReady, collect);
        }
    } finally {
        restoreFlags();
    }
    if (next !== jobs.length) throw new Error(`Parquet split read ended with row group ${next} of ${jobs.length} not applied.`);
}

/** The worker threads and the main thread take row groups from a shared counter. */
async function scanSplit(
    fd: number,
    jobs: readonly GroupJob[],
    setup: ScanSetup,
    threads: number,
    results: (GroupResult | undefined)[],
    applyReady: () => Promise<void>,
    collect: () => void,
): Promise<void> {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const workerData: RowGroupWorkerInput = {
        fd,
        jobs,
        counter: counter.buffer as SharedArrayBuffer,
        columns: setup.columns,
        src: setup.src.ranges,
        dst: setup.dst.ranges,
        looseMatch: setup.looseMatch,
    };
    const workers: Worker[] = [];
    const finished: Promise<void>[] = [];
    for (let w = 1; w < Math.min(threads, jobs.length); w++) {
        const worker = new Worker(join(__dirname, "rowGroupWorker.js"), { workerData });
        workers.push(worker);
        finished.push(
            new Promise<void>((resolve, reject) => {
                worker.on("message", (message: RowGroupWorkerMessage) => {
                    if ("error" in message) return reject(deserializeError(message.error));
                    if ("done" in message) return resolve();
                    results[message.job] = message.result;
                    applyReady().catch(reject);
                });
                worker.on("error", reject);
                worker.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`A Parquet worker thread stopped with exit code ${code}.`))));
            }),
        );
    }
    const allFinished = Promise.all(finished);
    // Handled below; until then a failing worker must not count as an unhandled rejection.
    allFinished.catch(() => undefined);
    try {
        const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));
        for (let j = Atomics.add(counter, 0, 1); j < jobs.length; j = Atomics.add(counter, 0, 1)) {
            results[j] = scanRowGroup(fd, jobs[j], setup);
            collect();
            // A failure here is thrown by the last applyReady below.
            applyReady().catch(() => undefined);
            await yieldToEvents();
        }
        await allFinished;
        await applyReady();
    } finally {
        await Promise.all(workers.map((w) => w.terminate()));
    }
}

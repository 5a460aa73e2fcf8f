/**
 * The young-generation collection each Parquet reading thread runs after a row group
 * (analysis/evidence/parquet/youngGarbage.ts): it must really collect, and the V8 flag it needs must
 * be off again afterwards. Mocha runs without --expose-gc, which the first test checks.
 */
import { expect } from "chai";
import { getHeapSpaceStatistics } from "node:v8";
import { runInNewContext } from "node:vm";
import { allowCollectors, youngCollector } from "../../analysis/evidence/parquet/youngGarbage";

/** Bytes in use in V8's young generation (new space). */
const youngUsed = () => getHeapSpaceStatistics().find((space) => space.space_name === "new_space")!.space_used_size;

describe("Parquet reading threads: a young-generation collection after each row group", () => {
    it("runs a young-generation collection while collectors are allowed", () => {
        expect(typeof (globalThis as { gc?: unknown }).gc).to.equal("undefined");
        const restore = allowCollectors();
        try {
            const collect = youngCollector();
            // Short-lived objects, as a row group's scan leaves them (the pages' buffers die with
            // their ArrayBuffer objects, which a young collection sweeps); about 400 KB.
            let garbage: { row: number }[] | undefined = Array.from({ length: 16_000 }, (_v, row) => ({ row }));
            expect(garbage.length).to.equal(16_000);
            garbage = undefined;
            const before = youngUsed();
            collect();
            expect(before - youngUsed()).to.be.at.least(200_000);
        } finally {
            restore();
        }
    });

    it("leaves no gc in contexts made once the threads have their collectors", () => {
        const restore = allowCollectors();
        expect(runInNewContext("typeof gc")).to.equal("function");
        restore();
        expect(runInNewContext("typeof gc")).to.equal("undefined");
        expect(typeof (globalThis as { gc?: unknown }).gc).to.equal("undefined");
    });
});

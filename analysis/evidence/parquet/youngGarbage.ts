/**
 * Frees a row group's dead page buffers as soon as its scan is done.
 *
 * Why: Node's zlib returns every inflated page in a fresh ArrayBuffer (about 5.5 MB per row group
 * of the default format, with the row group's 1.9 MB of compressed chunks beside them), while the
 * scan allocates little on the JS heap. V8 then collects those buffers only when the young
 * generation's ArrayBuffers reach about 32 MB (twice V8's default largest semi-space; measured on
 * Node.js 20, and `resourceLimits.maxYoungGenerationSizeMb` or `--max-semi-space-size` do not move
 * it), so every reading thread carried up to 30 MB of dead pages: the split read (two threads)
 * peaked at 147-171 MB for 3 M records. A young-generation collection after each row group
 * (1-2 ms with this small heap) keeps each thread to about one row group of buffers.
 *
 * V8 offers that collection only as `gc`, which its `--expose-gc` flag installs in contexts made
 * while the flag is on: the flag is turned on for as long as the threads get their collector
 * (`allowCollectors`), and each thread takes `gc` from a context of its own (`youngCollector`).
 * Without it (a Node.js that refuses), the read is the same, with more memory.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Gc = (options?: { type?: "minor" | "major" }) => void;

/**
 * Lets `youngCollector` find `gc` until the returned function is called (call it once every thread
 * has its collector). When node was started with --expose-gc, the flag is left as it is.
 */
export function allowCollectors(): () => void {
    if (typeof (globalThis as { gc?: unknown }).gc === "function") return () => undefined;
    try {
        setFlagsFromString("--expose-gc");
    } catch {
        return () => undefined;
    }
    return () => setFlagsFromString("--no-expose-gc");
}

/** A young-generation collection for this thread, or a function that does nothing when V8 offers none. */
export function youngCollector(): () => void {
    let gc: unknown = (globalThis as { gc?: unknown }).gc;
    if (typeof gc !== "function") {
        try {
            gc = runInNewContext("typeof gc === 'function' ? gc : undefined");
        } catch {
            gc = undefined;
        }
    }
    if (typeof gc !== "function") return () => undefined;
    const collect = gc as Gc;
    return () => collect({ type: "minor" });
}

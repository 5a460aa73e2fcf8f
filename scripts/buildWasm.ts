/**
 * `npm run build`, after tsc: assembles the WebAssembly text files of the engine into dist/, beside
 * the compiled JavaScript that loads them. WABT's wat2wasm (the `wabt` package) is the reference
 * assembler of the text format; the text file is the source, so the binary never goes in git.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import wabt from "wabt";

const ROOT = join(__dirname, "..", "..");
/** Source (relative to the project) -> output (relative to dist/). */
const MODULES = [["analysis/evidence/rawFile/lineScan.wat", "analysis/evidence/rawFile/lineScan.wasm"]];

/** True when the output exists and is newer than its source: `npm run demo` then does not assemble it again. */
function isFresh(sourcePath: string, outputPath: string): boolean {
    try {
        return statSync(outputPath).mtimeMs >= statSync(sourcePath).mtimeMs;
    } catch {
        return false;
    }
}

async function main(): Promise<void> {
    const stale = MODULES.filter(([source, output]) => !isFresh(join(ROOT, source), join(ROOT, "dist", output)));
    // Loading the assembler alone takes longer than the rest of an up-to-date build.
    if (stale.length === 0) return;
    const assembler = await wabt();
    for (const [source, output] of stale) {
        const sourcePath = join(ROOT, source);
        const outputPath = join(ROOT, "dist", output);
        // Only the features the engine uses, so a stray instruction of another proposal fails here.
        const parsed = assembler.parseWat(source, readFileSync(sourcePath, "utf8"), { simd: true });
        try {
            parsed.validate();
            mkdirSync(dirname(outputPath), { recursive: true });
            writeFileSync(outputPath, parsed.toBinary({}).buffer);
        } finally {
            parsed.destroy();
        }
        console.log(`${source} -> ${relative(ROOT, outputPath)}`);
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
});

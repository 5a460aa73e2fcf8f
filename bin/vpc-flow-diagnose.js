#!/usr/bin/env node
"use strict";
// Runs the compiled CLI (npm ci / npm run build compile it to dist/): no TypeScript loader at run
// time, so --help answers at once.
let cli;
try {
    cli = require("../dist/analysis/cli/cli");
} catch (err) {
    if (err && err.code === "MODULE_NOT_FOUND") {
        process.stderr.write("vpc-flow-diagnose: the compiled code is missing; run 'npm run build' first.\n");
        process.exitCode = 1;
        return;
    }
    throw err;
}
// The first Ctrl-C stops a running Logs Insights query (StopQuery) before exiting; a second one
// exits at once, as usual.
const interrupt = new AbortController();
process.once("SIGINT", () => interrupt.abort());
cli.main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    signal: interrupt.signal,
}).then((code) => {
    process.exitCode = code;
    // A pending SIGINT listener must not keep the process waiting.
    process.removeAllListeners("SIGINT");
});

// Mutation testing of the decision code (`npm run test:mutation`; docs/mutation-testing.md).
// Stryker mutates the TypeScript sources in a sandbox copy (.stryker-tmp/), builds them there with the
// project's own build (tsc + the wasm assembly), then runs the compiled mocha suite against each mutant.

/**
 * The files whose mutants are tested: pure decision code only. This list is the ONE place to update
 * when analysis/ files move (a `--mutate <glob>` on the command line narrows it for one run).
 */
const decisionCode = [
    // Configuration check: route selection, security groups, network ACLs, paths and agreement.
    "analysis/verdict/config/routes.ts",
    "analysis/verdict/config/securityGroups.ts",
    "analysis/verdict/config/networkAcls.ts",
    "analysis/verdict/config/evaluate.ts",
    "analysis/verdict/config/cidrs.ts",
    "analysis/verdict/config/protocols.ts",
    "analysis/verdict/config/destinationParts.ts",
    "analysis/verdict/config/scope.ts",
    // Verdict rules and the advice that follows from them.
    "analysis/verdict/classify.ts",
    "analysis/verdict/advice.ts",
    "analysis/verdict/verdicts.ts",
    "analysis/evidence/conversation.ts",
    // Record and format model, addresses, time windows.
    "analysis/core/records.ts",
    "analysis/core/logFormat.ts",
    "analysis/core/ip.ts",
    "analysis/core/timeWindow.ts",
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    mutate: decisionCode,
    testRunner: "mocha",
    // The project's .mocharc.json: the compiled tests, dist/tests/**/*.test.js, without the browser test.
    // That one renders the report page in Chromium and checks its diagrams parse; it asserts nothing
    // the decision code decides that other tests do not, yet it covers most of the evaluator, so each
    // of those mutants started Chromium: a whole run did not finish in an hour on this machine.
    mochaOptions: { config: ".mocharc.json", ignore: ["dist/tests/render/reportBrowser.test.js"] },
    // One build of all mutants at once (mutant switching), the same command as `npm run build`.
    buildCommand: "npm run build",
    // The sandbox gets the sources; its own build makes dist/ there.
    ignorePatterns: ["dist", "bench/out", "reports", ".stryker-tmp"],
    coverageAnalysis: "perTest",
    // Mutants in module-level code are run against the whole suite (about a minute each here);
    // skipping them keeps a run within reach of this machine. They are counted as "ignored".
    ignoreStatic: true,
    incremental: true,
    incrementalFile: "reports/mutation/stryker-incremental.json",
    concurrency: 2,
    timeoutMS: 10000,
    // The initial run of the whole instrumented suite took 3-5 minutes here under load; the default
    // limit (5 minutes) cut it off once.
    dryRunTimeoutMinutes: 20,
    reporters: ["html", "json", "clear-text", "progress"],
    htmlReporter: { fileName: "reports/mutation/index.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
};

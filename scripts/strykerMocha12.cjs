// Preloaded (NODE_OPTIONS=--require) by scripts/mutation.sh. @stryker-mutator/mocha-runner 10.1 reaches
// into Mocha's cli internals with extensionless require()s (`mocha/lib/cli/run-helpers`, `options`,
// `collect-files`); Mocha 12 renamed those files to `.cjs`, so the plugin fails to load. Upstream fix:
// stryker-mutator/stryker-js pull request #6205 ("load Mocha cli internals regardless of file
// extension"). Until it ships, resolve exactly those requests to their `.cjs` file; nothing else changes.
"use strict";
const Module = require("node:module");
const fs = require("node:fs");

const MOCHA_CLI_INTERNAL = /[\\/]mocha[\\/]lib[\\/]cli[\\/][a-z-]+$/;
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveMochaCliAsCjs(request, ...rest) {
    if (MOCHA_CLI_INTERNAL.test(request) && fs.existsSync(`${request}.cjs`)) {
        return originalResolve.call(this, `${request}.cjs`, ...rest);
    }
    return originalResolve.call(this, request, ...rest);
};
// NODE_OPTIONS reaches the tests' child processes too; one test lists every module a CLI start-up
// loads, so this preload leaves no entry of its own in the module cache (the hook stays installed).
delete require.cache[__filename];

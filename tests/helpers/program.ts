/**
 * Runs index.ts under the shared mocks (import ./pulumiMocks first), the way tests/components/program.test.ts
 * does, for tests that need the whole program with a given stack config.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { REGION, promiseOf } from "./pulumiMocks";

const PROGRAM = path.join(__dirname, "..", "..", "index.js");

/**
 * Runs index.ts afresh with the given stack config (keys without the `vpc-flow-logs:` prefix).
 * A config the program refuses before it asks the provider anything throws here; the program's
 * export is the promise of its outputs (refused with a RunError once the provider has answered).
 */
// Internal to @pulumi/pulumi (pinned ~3.248, as tests/helpers/pulumiMocks.ts): resolves once every
// registration the program started has been sent to the (mock) engine.
import * as pulumiSettings from "@pulumi/pulumi/runtime/settings";
const waitForRegistrations = (pulumiSettings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;

export function runProgram(config: Record<string, string>): Promise<Record<string, any>> {
    const namespaced: Record<string, string> = { "aws:region": REGION };
    for (const [key, value] of Object.entries(config)) namespaced[`vpc-flow-logs:${key}`] = value;
    return runProgramWithConfig(namespaced);
}

/** Runs index.ts afresh with exactly this config (namespaced keys), e.g. what the CLI would pass. */
export function runProgramWithConfig(namespaced: Record<string, string>): Promise<Record<string, any>> {
    pulumi.runtime.setAllConfig(namespaced);
    delete require.cache[require.resolve(PROGRAM)];
    return require(PROGRAM);
}

/** Every export of the program, outputs resolved. */
export async function outputsOf(program: Promise<Record<string, any>>): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
        Object.entries(await program).map(async ([key, value]) => [key, pulumi.Output.isInstance(value) ? await promiseOf(value) : value] as const),
    );
    // Outputs alone do not wait for every registration: with capture paused nothing the outputs
    // read waits for the role's policy attachment, which would then be missing from this run's
    // recordings and land in the next run's.
    await waitForRegistrations();
    return Object.fromEntries(entries);
}

/**
 * Runs the installed `vpc-flow-diagnose` bin as a child process against loopback endpoints, with
 * fake credentials and nothing from the developer's own AWS setup (no config or credentials file,
 * no instance metadata).
 */
import { execFile } from "child_process";
import * as path from "path";

const BIN = path.join(__dirname, "..", "..", "..", "bin", "vpc-flow-diagnose.js");

export interface CliRun {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** `env` adds the endpoint variables (AWS_ENDPOINT_URL_<SERVICE>) and anything else the run needs. */
export function runCliProcess(argv: readonly string[], env: NodeJS.ProcessEnv, pathPrefix?: string): Promise<CliRun> {
    const full: NodeJS.ProcessEnv = {
        PATH: pathPrefix === undefined ? process.env.PATH : `${pathPrefix}${path.delimiter}${process.env.PATH}`,
        AWS_ACCESS_KEY_ID: "AKIATEST",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        AWS_EC2_METADATA_DISABLED: "true",
        ...env,
    };
    return new Promise((resolve) => {
        execFile(process.execPath, [BIN, ...argv], { env: full, timeout: 30000 }, (error, stdout, stderr) => {
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
    });
}

/**
 * Where a live diagnosis learns the log group (or, for an S3 stack, the Athena table), region, format and filter: the stack's outputs
 * (`pulumi stack output --json`), a file holding the same JSON, or flags given by hand.
 */
import { execFile } from "child_process";
import { UserInputError, quote } from "../core/errors";
import { readUserTextFile } from "../evidence/userFiles";

/**
 * The stack's `capture` output: `paused` when it was deployed with `capture false` (its flow logs
 * deleted, the records kept). Stacks deployed before the output existed have none: capture on.
 */
export type CaptureState = "on" | "paused";

export interface FlowLogSource {
    readonly logGroupName: string;
    /** From the stack's outputs; absent (capture on) for older stacks and hand-given flags. */
    readonly capture?: CaptureState;
    readonly region?: string;
    /** Format string or preset name, as the stack exported it. */
    readonly logFormat?: string;
    readonly trafficType?: string;
    /** Target id -> flow log id, for the status command. */
    readonly flowLogIds?: Record<string, string>;
    /** A stack with alarms (`alarms: true`): the alarm names and the Contributor Insights rule, for the status command. */
    readonly alarmNames?: string[];
    readonly contributorInsightRule?: string;
}

/** A stack whose flow logs go to S3: the Athena table, workgroup and bucket it exports. */
export interface AthenaSource {
    readonly destination: "s3";
    readonly database: string;
    readonly table: string;
    readonly workgroup: string;
    readonly region?: string;
    readonly logFormat?: string;
    readonly trafficType?: string;
    readonly flowLogIds?: Record<string, string>;
    readonly bucketName?: string;
    /** `s3://<bucket>/.../aws-region=<region>/`, where the records land. */
    readonly recordsLocation?: string;
    /** From the stack's outputs; absent (capture on) for older stacks and --athena-table. */
    readonly capture?: CaptureState;
}

/** Whether a source says its stack's capture is paused; a missing output means on. */
export const capturePaused = (source: StackSource): boolean => source.capture === "paused";

export type StackSource = FlowLogSource | AthenaSource;

export function isAthenaSource(source: StackSource): source is AthenaSource {
    return "destination" in source && source.destination === "s3";
}

/** Reads the outputs this project's stack exports; `origin` names where they came from in messages. */
export function parseStackOutputs(text: string, origin: string): StackSource {
    let outputs: unknown;
    try {
        outputs = JSON.parse(text);
    } catch {
        throw new UserInputError(`${origin} is not JSON. Expected the output of 'pulumi stack output --json'.`);
    }
    if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) {
        throw new UserInputError(`${origin} is not a JSON object of stack outputs. Expected the output of 'pulumi stack output --json'.`);
    }
    const o = outputs as Record<string, unknown>;
    if (Object.keys(o).length === 0) {
        throw new UserInputError(`${origin} has no outputs: the stack has not been deployed. Run 'pulumi up' first.`);
    }
    const stringOutput = (key: string) => (typeof o[key] === "string" ? (o[key] as string) : undefined);
    const capture = o.capture;
    if (capture !== undefined && capture !== "on" && capture !== "paused") {
        throw new UserInputError(`${origin} has a capture output of ${quote(capture)}. Allowed: 'on' or 'paused' (or none, from a stack deployed before it existed).`);
    }
    const captureField = capture === undefined ? {} : { capture: capture as CaptureState };
    const ids = o.flowLogIds;
    const flowLogIds = ids && typeof ids === "object" && !Array.isArray(ids) ? (ids as Record<string, string>) : undefined;
    if (o.destination === "s3") {
        const [database, table, workgroup] = [stringOutput("athenaDatabase"), stringOutput("athenaTable"), stringOutput("athenaWorkgroup")];
        if (database === undefined || table === undefined || workgroup === undefined) {
            throw new UserInputError(
                `${origin} delivers to S3 but has no athenaDatabase, athenaTable or athenaWorkgroup output: run 'pulumi up', or pass --athena-table, --workgroup and --region.`,
            );
        }
        return {
            destination: "s3",
            database,
            table,
            workgroup,
            region: stringOutput("region"),
            logFormat: stringOutput("logFormat"),
            trafficType: stringOutput("trafficType"),
            flowLogIds,
            bucketName: stringOutput("bucketName"),
            recordsLocation: stringOutput("recordsLocation"),
            ...captureField,
        };
    }
    if (typeof o.logGroupName !== "string") {
        throw new UserInputError(
            `${origin} has no 'logGroupName' output: it is not a vpc-flow-logs stack, or it was deployed by an older version. Run 'pulumi up', or pass --log-group and --region.`,
        );
    }
    return {
        logGroupName: o.logGroupName,
        region: stringOutput("region"),
        logFormat: stringOutput("logFormat"),
        trafficType: stringOutput("trafficType"),
        flowLogIds,
        ...captureField,
        ...(Array.isArray(o.alarmNames) && o.alarmNames.every((n) => typeof n === "string") ? { alarmNames: o.alarmNames as string[] } : {}),
        ...(stringOutput("contributorInsightRule") !== undefined ? { contributorInsightRule: stringOutput("contributorInsightRule") } : {}),
    };
}

export async function readOutputsFile(path: string): Promise<StackSource> {
    return parseStackOutputs(await readUserTextFile("--outputs-file", path), `--outputs-file ${quote(path)}`);
}

/** Runs a command and returns its stdout; rejects with the error, stdout and stderr. */
export type CommandRunner = (file: string, args: string[], cwd: string) => Promise<{ stdout: string }>;

export const runCommand: CommandRunner = (file, args, cwd) =>
    new Promise((resolve, reject) => {
        execFile(file, args, { cwd, maxBuffer: 16 * 1024 * 1024, env: process.env }, (error, stdout, stderr) => {
            if (error) reject(Object.assign(error, { stdout, stderr }));
            else resolve({ stdout });
        });
    });

/** `pulumi stack output --json --stack <name>`, run in the project folder. */
export async function readStackOutputs(stack: string, projectDir: string, run: CommandRunner = runCommand): Promise<StackSource> {
    let stdout: string;
    try {
        ({ stdout } = await run("pulumi", ["stack", "output", "--json", "--stack", stack], projectDir));
    } catch (err) {
        const e = err as NodeJS.ErrnoException & { stderr?: string };
        if (e.code === "ENOENT") {
            throw new UserInputError(
                "The 'pulumi' command was not found on PATH. Install the Pulumi CLI, or save the outputs where it is installed " +
                    "('pulumi stack output --json --stack <name> > outputs.json') and pass --outputs-file outputs.json, or pass --log-group and --region.",
            );
        }
        const detail = (e.stderr ?? "").trim().split("\n").filter(Boolean).pop() ?? e.message;
        throw new UserInputError(`'pulumi stack output --json --stack ${stack}' failed: ${detail}`);
    }
    return parseStackOutputs(stdout, `Stack ${quote(stack)}`);
}

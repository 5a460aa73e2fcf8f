/**
 * The CLI's live side: `vpc-flow-diagnose --stack dev ...` (a diagnosis from Logs Insights) and
 * `vpc-flow-diagnose status` (is anything arriving?). Flags in, exit code out; AWS clients and the
 * `pulumi` runner are injectable so tests use mocks, and the real clients honour the standard
 * AWS_ENDPOINT_URL variables by themselves.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { LOG_GROUP_NAME, LOG_GROUP_NAME_RULE } from "../awsNames";
import { UserInputError, quote } from "../errors";
import { EXIT_FAILURE, EXIT_OK, ParsedValues, oneOf, parseOptions } from "../cliOptions";
import { STATUS_OPTIONS, liveFlagsGiven } from "./liveFlags";
import { AddressSet } from "../ip";
import { OutputFormat, render } from "../render";
import { resolveLiveWindow } from "../timeWindow";
import { explainAwsError } from "./awsErrors";
import { checkConfiguration } from "../configCheck/configStep";
import { Ec2Client, collectStatus, renderStatus } from "./flowLogStatus";
import { LogsClient, QueryError } from "./insightsQueryRunner";
import { INSIGHTS_USD_PER_GB, diagnoseLive, liveQueryString, resolveLiveTarget } from "./liveDiagnosis";
import { CommandRunner, FlowLogSource, readOutputsFile, readStackOutputs, runCommand } from "./stackSource";

/** What the live commands need from the world; every field has a real default. */
export interface LiveIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    readonly now?: () => Date;
    readonly env?: NodeJS.ProcessEnv;
    /** Where `pulumi stack output` runs: the project folder. */
    readonly cwd?: string;
    /** Aborted on Ctrl-C: the running query is stopped. */
    readonly signal?: AbortSignal;
    readonly logsClient?: (region: string) => LogsClient;
    readonly ec2Client?: (region: string) => Ec2Client;
    readonly runCommand?: CommandRunner;
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Exactly one of --stack, --outputs-file, --log-group says where the records are. */
async function readSource(values: ParsedValues, io: LiveIo): Promise<FlowLogSource> {
    const given = liveFlagsGiven(values).source;
    if (given.length !== 1) {
        throw new UserInputError(
            given.length === 0
                ? "Say where the records are: --stack <name>, --outputs-file <file> or --log-group <name>."
                : `Give one of ${given.join(", ")}, not several.`,
        );
    }
    if (values.stack !== undefined) return readStackOutputs(values.stack as string, io.cwd ?? process.cwd(), io.runCommand ?? runCommand);
    if (values["outputs-file"] !== undefined) return readOutputsFile(values["outputs-file"] as string);
    const logGroupName = values["log-group"] as string;
    if (!LOG_GROUP_NAME.test(logGroupName)) {
        throw new UserInputError(`Invalid --log-group ${quote(logGroupName)}. Allowed: ${LOG_GROUP_NAME_RULE}.`);
    }
    return { logGroupName };
}

const DEFAULT_TIMEOUT_SECONDS = 300;

function parseTimeoutMs(value: unknown): number {
    if (value === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
    const text = String(value);
    if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > 3600) {
        throw new UserInputError(`Invalid --timeout ${quote(text)}. Allowed: seconds from 1 to 3600.`);
    }
    return Number(text) * 1000;
}

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

export async function runLiveDiagnose(
    values: ParsedValues,
    conversation: { src: AddressSet; dst: AddressSet; port: number; protocol: number; output: OutputFormat },
    io: LiveIo,
    now: Date,
): Promise<number> {
    const window = resolveLiveWindow(
        {
            since: values.since as string | undefined,
            start: values.start as string | undefined,
            end: values.end as string | undefined,
            allowWideWindow: values["allow-wide-window"] === true,
        },
        now,
    );
    const timeoutMs = parseTimeoutMs(values.timeout);
    const source = await readSource(values, io);
    const target = resolveLiveTarget(
        source,
        { region: values.region as string | undefined, format: values.format as string | undefined, trafficType: values["traffic-type"] as string | undefined },
        io.env ?? process.env,
    );
    const logs = io.logsClient ? io.logsClient(target.region) : new CloudWatchLogsClient({ region: target.region });
    const started = Date.now();
    try {
        const { diagnosis } = await diagnoseLive(target, conversation, window, {
            logs,
            now,
            timeoutMs,
            signal: io.signal,
            sleep: io.sleep,
            warn: (message) => io.stderr(`warning: ${message}\n`),
            onProgress: (p) =>
                io.stderr(`query ${p.status}: ${p.recordsScanned} records scanned (${megabytes(p.bytesScanned)} MB), ${Math.round((Date.now() - started) / 1000)} s\n`),
        });
        const config = await checkConfiguration(values, diagnosis, conversation, io, now, target.region);
        io.stdout(render(config ? { ...diagnosis, config } : diagnosis, conversation.output));
        const q = diagnosis.query;
        io.stderr(
            `Scanned ${q.recordsScanned} records (${megabytes(q.bytesScanned)} MB) of ${q.logGroupName} in ${q.region}, ${q.window.start} to ${q.window.end}; ` +
                `query cost about $${q.costUsd.toFixed(4)} at $${INSIGHTS_USD_PER_GB}/GB scanned.\n`,
        );
        return EXIT_OK;
    } catch (err) {
        if (err instanceof UserInputError) throw err;
        if (err instanceof QueryError) {
            io.stderr(err.message + "\n");
            return EXIT_FAILURE;
        }
        const query = liveQueryString(target, conversation);
        io.stderr(explainAwsError(err, { logGroupName: target.logGroupName, region: target.region, query }) + "\n");
        return EXIT_FAILURE;
    }
}

export async function runStatus(argv: string[], io: LiveIo, help: string): Promise<number> {
    const values = parseOptions(argv, STATUS_OPTIONS);
    if (values.help) {
        io.stdout(help);
        return EXIT_OK;
    }
    const output = oneOf(values.output as string, "--output", ["text", "json"] as const, (v) => v.toLowerCase());
    const source = await readSource(values, io);
    const target = resolveLiveTarget(source, { region: values.region as string | undefined }, io.env ?? process.env);
    const logs = io.logsClient ? io.logsClient(target.region) : new CloudWatchLogsClient({ region: target.region });
    const ec2 = io.ec2Client ? io.ec2Client(target.region) : new EC2Client({ region: target.region });
    try {
        const report = await collectStatus(ec2, logs, { ...source, region: target.region }, (io.now ?? (() => new Date()))());
        io.stdout(output === "json" ? JSON.stringify(report, null, 2) + "\n" : renderStatus(report));
        return EXIT_OK;
    } catch (err) {
        io.stderr(explainAwsError(err, { logGroupName: source.logGroupName, region: target.region }) + "\n");
        return EXIT_FAILURE;
    }
}

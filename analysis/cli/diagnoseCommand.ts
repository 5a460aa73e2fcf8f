/**
 * The `diagnose` command once its options are parsed: flags checked against each other, then a
 * diagnosis of files (through inputFiles.ts) or a live one (liveCommands.ts), rendered.
 * cli.ts loads this module only when a diagnosis runs, not for --help.
 */
import { UserInputError, quote } from "../core/errors";
import { AddressSet } from "../core/ip";
import { matchAddressFamilies } from "../core/addressFamilies";
import { hostBitsWarnings } from "../core/hostBits";
import { LogFormat, resolveLogFormat, unknownFields, unknownFieldsWarning } from "../core/logFormat";
import { carriesAwsServices } from "../evidence/rawLines";
import { Conversation, ConversationQuery } from "../evidence/conversation";
import { diagnose } from "../verdict/classify";
import { TRAFFIC_TYPES_ALLOWED, TrafficType, trafficTypeOf } from "../core/trafficType";
import { OUTPUT_FORMATS, OutputFormat, render } from "../render/render";
import { EXIT_OK, PROGRAM, ParsedValues, oneOf, parsePort, parseProtocol, required } from "./cliOptions";
import { parseLiveConversationFlags } from "./liveFlags";
import { liveFlagsGiven } from "./liveOptions";
import { parseS3Destination } from "../core/s3Ranges";
import { parseTime } from "../core/timeWindow";
import { configCheckRequest, configRequested, validateConfigFlags } from "./configFlags";
import type { CliIo } from "./cliIo";

export interface DiagnoseArgs {
    readonly inputs: readonly string[];
    readonly query: ConversationQuery;
    readonly format: LogFormat;
    readonly formatChosen: boolean;
    readonly trafficType: TrafficType;
    readonly output: OutputFormat;
}

/** What to use with --input instead of a live-only flag, where there is something. */
const WITH_INPUT_INSTEAD: Readonly<Record<string, string>> = {
    "--since": "use --start and --end",
    "--ecs-task": "pass the task's private IP as --src (from 'aws ecs describe-tasks')",
    "--region": "--region goes with --check-config",
};

export async function diagnoseCommand(values: ParsedValues, io: CliIo): Promise<number> {
    const now = (io.now ?? (() => new Date()))();
    validateConfigFlags(values);
    const live = liveFlagsGiven(values);
    const inputs = (values.input as string[] | undefined) ?? [];
    if (live.source.length > 0 && inputs.length > 0) {
        throw new UserInputError(
            `Give --input (records you already have) or a live source (${live.source.join(", ")}), not both.`,
        );
    }
    if (live.source.length > 0) {
        return (await import("./liveCommands")).runLiveDiagnose(values, parseLiveConversationFlags(values), io, now);
    }
    // A live configuration check of records read from files needs a region, so --region is welcome then.
    const liveOnly = live.liveOnly.filter(
        (flag) => !(flag === "--region" && values["check-config"] === true) && !(flag === "--eni" && configRequested(values)),
    );
    if (values.eni !== undefined && !configRequested(values)) {
        throw new UserInputError("--eni names the network interface for the configuration check: add --config-snapshot <dir> or --check-config.");
    }
    if (liveOnly.length > 0) {
        const instead = liveOnly.map((flag) => WITH_INPUT_INSTEAD[flag]).filter((hint): hint is string => hint !== undefined);
        throw new UserInputError(
            `${liveOnly.join(", ")} ${liveOnly.length > 1 ? "apply" : "applies"} to live queries (--stack, --outputs-file or --log-group)` +
                (instead.length > 0 ? `; with --input, ${instead.join("; ")}.` : "."),
        );
    }
    const parsed = toDiagnoseArgs(await withS3RangesFromFile(values), now);
    const dstIsS3 = parseS3Destination(values.dst as string | undefined) !== undefined;
    const families = matchAddressFamilies(
        { addresses: parsed.query.src, described: `--src ${values.src as string}` },
        {
            addresses: parsed.query.dst,
            described: dstIsS3 ? `--dst ${values.dst as string} (S3's ranges in ${values["ip-ranges"] as string})` : `--dst ${values.dst as string}`,
            expanded: dstIsS3,
        },
    );
    const args = {
        ...parsed,
        query: { ...parsed.query, src: families.src, dst: families.dst, dstIsS3, matchS3Service: dstIsS3 && carriesAwsServices(parsed.format) },
    };
    const warnings: string[] = [];
    const warn = (message: string) => {
        warnings.push(message);
        io.stderr(`warning: ${message}\n`);
    };
    for (const message of families.warnings) warn(message);
    for (const message of [...hostBitsWarnings(families.src, "--src"), ...hostBitsWarnings(families.dst, "--dst")]) warn(message);
    const formatWarning = unknownFieldsWarning(unknownFields(args.format), "--format");
    if (formatWarning !== undefined) warn(formatWarning);
    const conversation = new Conversation(args.query);
    for (const path of args.inputs) {
        await (await import("../evidence/inputFiles")).readInput({
            path,
            conversation,
            src: args.query.src,
            dst: args.query.dst,
            format: args.format,
            formatChosen: args.formatChosen,
            warn,
            rawScan: io.rawScan,
            parquetScan: io.parquetScan,
        });
    }
    const evidence = conversation.evidence();
    const diagnosis = diagnose(evidence, { trafficType: args.trafficType, warnings });
    // Warnings about the evidence itself (a --traffic-type the records contradict) arise only now.
    for (const message of diagnosis.warnings.slice(warnings.length)) io.stderr(`warning: ${message}\n`);
    // The evaluator loads only when a check was asked for.
    const checked = configRequested(values) ? await (await import("../app/configStep")).checkConfiguration(configCheckRequest(values), diagnosis, args.query, io, now) : undefined;
    // The next steps again, now with the ids the check found instead of their placeholders.
    const nextSteps = checked?.known ? diagnose(evidence, { trafficType: args.trafficType, warnings, known: checked.known }).nextSteps : diagnosis.nextSteps;
    // A check that could not run has said why on stderr; the JSON `warnings` say it too.
    const configWarnings = checked?.warnings ?? [];
    io.stdout(render(checked ? { ...diagnosis, warnings: [...diagnosis.warnings, ...configWarnings], nextSteps, config: checked.report } : diagnosis, args.output, evidence.trafficPaths));
    return EXIT_OK;
}

/** The conversation and the output format: what file and live diagnoses share. */
export function parseConversation(values: ParsedValues): { src: AddressSet; dst: AddressSet; port: number; protocol: number; output: OutputFormat } {
    const srcText = required(values, "src", "the workload's IP or CIDR, e.g. --src 10.0.1.25");
    const dstText = required(values, "dst", "the destination's IP or CIDR, e.g. --dst 52.219.204.42");
    return {
        src: AddressSet.parse(srcText, "--src"),
        dst: AddressSet.parse(dstText, "--dst"),
        port: parsePort((values.port as string | undefined) ?? "443"),
        protocol: parseProtocol(values.protocol as string),
        output: oneOf(values.output as string, "--output", OUTPUT_FORMATS, (v) => v.toLowerCase()),
    };
}

/** Validates the parsed flags; every problem is a UserInputError naming the flag and what is allowed. */
export function toDiagnoseArgs(values: ParsedValues, now: Date): DiagnoseArgs {
    const inputs = (values.input as string[] | undefined) ?? [];
    if (inputs.length === 0) throw new UserInputError(`Missing --input: the file of flow-log records to diagnose. Run '${PROGRAM} --help' for the options.`);
    const { src, dst, port, protocol, output } = parseConversation(values);
    const formatText = values.format as string | undefined;
    const format = resolveLogFormat(formatText ?? "default", "--format", true);
    const trafficText = (values["traffic-type"] as string | undefined) ?? "ALL";
    const trafficType = trafficTypeOf(trafficText);
    if (trafficType === undefined) throw new UserInputError(`Invalid --traffic-type ${quote(trafficText)}. Allowed: ${TRAFFIC_TYPES_ALLOWED}.`);
    const start = values.start === undefined ? undefined : parseTime(values.start as string, "--start", now);
    const end = values.end === undefined ? undefined : parseTime(values.end as string, "--end", now);
    if (start !== undefined && end !== undefined && start >= end) {
        throw new UserInputError(`--start ${quote(values.start)} is not before --end ${quote(values.end)}: the window would be empty.`);
    }
    return {
        inputs,
        query: { src, dst, port, protocol, window: start === undefined && end === undefined ? undefined : { start, end } },
        format,
        formatChosen: formatText !== undefined,
        trafficType,
        output,
    };
}

/**
 * With --input, `--dst s3:<region>` becomes that region's S3 ranges from --ip-ranges (there is no
 * AWS call in file mode). Other --dst values pass through unchanged.
 */
async function withS3RangesFromFile(values: ParsedValues): Promise<ParsedValues> {
    const s3 = parseS3Destination(values.dst as string | undefined);
    if (values["ip-ranges"] !== undefined && s3 === undefined) {
        throw new UserInputError("--ip-ranges applies to --dst s3 or s3:<region>: it is where the S3 ranges come from.");
    }
    if (s3 === undefined) return values;
    if (s3.region === undefined) {
        throw new UserInputError("With --input, say which region's S3 ranges to use: --dst s3:<region>, e.g. --dst s3:ap-northeast-2 (and --ip-ranges <ip-ranges.json>).");
    }
    if (values["ip-ranges"] === undefined) {
        throw new UserInputError(
            `--dst ${values.dst as string} with --input needs --ip-ranges <file>: AWS's ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json), downloaded.`,
        );
    }
    const ranges = await (await import("../evidence/ipRangesFile")).readIpRangesFile(values["ip-ranges"] as string, s3.region);
    return { ...values, dst: ranges.cidrs.join(",") };
}

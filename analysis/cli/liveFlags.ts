/**
 * The live commands' flags and help, kept apart from the code that talks to AWS: the CLI reads
 * these on every run, and loads the AWS SDK only when a live command actually runs.
 */
import { UserInputError } from "../core/errors";
import { ParsedValues, oneOf, parsePort, parseProtocol, required } from "./cliOptions";
import { OUTPUT_FORMATS, OutputFormat } from "../render/render";
import { parseS3Destination } from "../core/s3Ranges";
import type { LiveConversationRequest } from "../app/liveRequest";
import { parseCluster, parseEniId, parseTaskRef } from "../verdict/ecs/ecsTask";

/** What a live diagnosis was asked, before anything is looked up in AWS, and how to show the answer. */
export type LiveConversationFlags = LiveConversationRequest & { readonly output: OutputFormat };

/**
 * Checks the live conversation flags. --ecs-task and --src are refused together: the task's own
 * address is the point of --ecs-task, and for a task without one (bridge or host network mode) the
 * error says to use --src instead.
 */
export function parseLiveConversationFlags(values: ParsedValues): LiveConversationFlags {
    const taskText = values["ecs-task"] as string | undefined;
    const task = taskText === undefined ? undefined : parseTaskRef(taskText);
    if (task !== undefined && values.src !== undefined) {
        throw new UserInputError(
            "Give --ecs-task or --src, not both: --ecs-task reads the task's own IP from ECS. For another address, drop --ecs-task and pass --src with --start/--end.",
        );
    }
    if (task !== undefined && values.eni !== undefined) {
        throw new UserInputError("Give --ecs-task or --eni, not both: --ecs-task reads the task's own ENI from ECS.");
    }
    if (values.cluster !== undefined && task === undefined) {
        throw new UserInputError("--cluster applies to --ecs-task: it names the cluster the task ran in.");
    }
    const cluster = values.cluster === undefined ? undefined : parseCluster(values.cluster as string);
    const src = task === undefined ? required(values, "src", "the workload's IP or CIDR, e.g. --src 10.0.1.25, or --ecs-task <task id>") : undefined;
    const dstText = values.dst as string | undefined;
    if (task === undefined && dstText === undefined) {
        required(values, "dst", "the destination's IP or CIDR, e.g. --dst 52.219.204.42, or --dst s3 for every S3 range of the region");
    }
    const s3 = parseS3Destination(dstText);
    return {
        task,
        cluster,
        eni: values.eni === undefined ? undefined : parseEniId(values.eni as string),
        src,
        dst: s3 ?? (dstText === undefined ? undefined : { addresses: dstText }),
        port: values.port === undefined ? undefined : parsePort(values.port as string),
        protocol: parseProtocol(values.protocol as string),
        output: oneOf(values.output as string, "--output", OUTPUT_FORMATS, (v) => v.toLowerCase()),
        ipRanges: values["ip-ranges"] as string | undefined,
        windowGiven: values.since !== undefined || values.start !== undefined || values.end !== undefined,
    };
}

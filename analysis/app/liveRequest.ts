/**
 * What a live command was asked, typed: the CLI builds these from the flags once (cli/liveFlags.ts,
 * cli/liveCommands.ts), and the use cases below take nothing else. Values that may fall back on the
 * stack's outputs (region, format, traffic type) stay as given here and are settled in the use case,
 * after the stack is read, so the error messages keep their order.
 */
import type { TimeWindow } from "../core/timeWindow";
import type { S3Destination } from "../core/s3Ranges";
import type { TaskRef } from "../verdict/ecs/ecsTask";
import { AthenaSource, CommandRunner, StackSource, readOutputsFile, readStackOutputs, runCommand } from "../aws/stackSource";
import type { ConfigCheckRequest } from "./configStep";
import type { LiveOverrides } from "./liveDiagnosis";

/** Where the records are: exactly one of --stack, --outputs-file, --log-group, --athena-table. */
export type SourceRequest =
    | { readonly kind: "stack"; readonly stack: string }
    | { readonly kind: "outputs-file"; readonly path: string }
    | { readonly kind: "log-group"; readonly logGroupName: string }
    | { readonly kind: "athena-table"; readonly source: AthenaSource };

/** The conversation a live diagnosis looks for, before anything is looked up in AWS. */
export interface LiveConversationRequest {
    readonly task?: TaskRef;
    readonly cluster?: string;
    readonly eni?: string;
    /** The workload's addresses as given; absent with --ecs-task (the task's IP is used). */
    readonly src?: string;
    /** `s3`/`s3:<region>`, an address list, or absent (with --ecs-task: from the task's reasons, else S3). */
    readonly dst?: S3Destination | { readonly addresses: string };
    /** Absent when --port was not given: a port from the task's reason, else 443, applies. */
    readonly port?: number;
    readonly protocol: number;
    readonly ipRanges?: string;
    /** True when --since, --start or --end set the window (they win over the task's times). */
    readonly windowGiven: boolean;
}

export interface LiveDiagnoseRequest {
    readonly source: SourceRequest;
    readonly conversation: LiveConversationRequest;
    /** The window the flags give; absent only with --ecs-task and no window flag (the task's times apply). */
    readonly window?: TimeWindow;
    readonly timeoutMs: number;
    /** --region, --format, --traffic-type as given: they win over the stack's outputs. */
    readonly overrides: LiveOverrides;
    /** Absent when no configuration check was asked for. */
    readonly config?: ConfigCheckRequest;
}

/** How the stack's outputs are read: `pulumi stack output` in the project folder. */
export interface SourceDependencies {
    readonly cwd?: string;
    readonly runCommand?: CommandRunner;
}

/** The stack's outputs, the outputs file, or what the flags named. */
export async function loadSource(request: SourceRequest, deps: SourceDependencies): Promise<StackSource> {
    switch (request.kind) {
        case "athena-table":
            return request.source;
        case "stack":
            return readStackOutputs(request.stack, deps.cwd ?? process.cwd(), deps.runCommand ?? runCommand);
        case "outputs-file":
            return readOutputsFile(request.path);
        case "log-group":
            return { logGroupName: request.logGroupName };
    }
}

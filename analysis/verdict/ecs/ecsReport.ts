/**
 * What a diagnosis started from an ECS task adds to the output: the task (`ecsTask`), where each
 * input came from (`sources`), and the same as text or Markdown sections under the verdict. Pure.
 */
import { EcsTaskFacts, serviceName } from "./ecsTask";
import { ReasonFacts } from "./taskReason";

export interface Sourced<T> {
    readonly value: T;
    readonly from: string;
}

/** Where every input of a live diagnosis came from: a flag, the task, a prefix list, a file. */
export interface InputSources {
    readonly src: Sourced<string[]>;
    readonly dst: Sourced<string[]>;
    readonly port: Sourced<number>;
    readonly window: Sourced<{ readonly start: string; readonly end: string }>;
    readonly eni?: Sourced<string>;
}

/** Records the `ecs` log format tied to a task by `ecs-task-id`, and the service names they carry. */
export interface TaskRecordLink {
    readonly recordsWithTaskId: number;
    readonly recordsWithOtherTaskIds: number;
    readonly serviceNames: string[];
}

export interface EcsTaskReport {
    readonly taskArn: string;
    readonly taskId: string;
    readonly clusterArn: string | null;
    readonly lastStatus: string | null;
    readonly serviceName: string | null;
    readonly eniId: string | null;
    readonly privateIp: string | null;
    readonly subnetId: string | null;
    readonly createdAt: string | null;
    readonly startedAt: string | null;
    readonly stoppedAt: string | null;
    readonly stopCode: string | null;
    readonly stoppedReason: string | null;
    readonly containers: ReadonlyArray<{ readonly name: string; readonly reason: string | null; readonly exitCode: number | null }>;
    /** `dial tcp` targets and services the reasons name. */
    readonly reasonTargets: ReasonFacts["dialTargets"];
    readonly reasonServices: ReasonFacts["services"];
    /** Present when the flow log's format has `ecs-task-id`. */
    readonly flowLogRecords?: TaskRecordLink;
}

export function ecsTaskReport(facts: EcsTaskFacts, reasons: ReasonFacts, link?: TaskRecordLink): EcsTaskReport {
    return {
        taskArn: facts.taskArn,
        taskId: facts.taskId,
        clusterArn: facts.clusterArn ?? null,
        lastStatus: facts.lastStatus ?? null,
        serviceName: serviceName(facts) ?? null,
        eniId: facts.eniId ?? null,
        privateIp: facts.privateIp ?? null,
        subnetId: facts.subnetId ?? null,
        createdAt: facts.createdAt ?? null,
        startedAt: facts.startedAt ?? null,
        stoppedAt: facts.stoppedAt ?? null,
        stopCode: facts.stopCode ?? null,
        stoppedReason: facts.stoppedReason ?? null,
        containers: facts.containers.map((c) => ({ name: c.name, reason: c.reason ?? null, exitCode: c.exitCode ?? null })),
        reasonTargets: reasons.dialTargets,
        reasonServices: reasons.services,
        ...(link ? { flowLogRecords: link } : {}),
    };
}

/**
 * Counts aggregated rows by their `ecsTaskId` (the `ecs` format's `ecs-task-id`, grouped in the
 * query). `-` (absent here) is what AWS writes before a task is RUNNING.
 */
export function linkRecordsToTask(
    rows: ReadonlyArray<ReadonlyArray<{ readonly field?: string; readonly value?: string }>>,
    taskId: string,
): TaskRecordLink {
    let withTask = 0;
    let withOther = 0;
    const services = new Set<string>();
    for (const row of rows) {
        const cell = (name: string) => row.find((c) => c.field === name)?.value;
        const records = Number(cell("records") ?? "1");
        const id = cell("ecsTaskId");
        if (id === undefined || id === "-" || id === "") continue;
        if (id === taskId) withTask += records;
        else withOther += records;
        const service = cell("ecsServiceName");
        if (service !== undefined && service !== "-" && service !== "") services.add(service);
    }
    return { recordsWithTaskId: withTask, recordsWithOtherTaskIds: withOther, serviceNames: [...services].sort() };
}

function sourceLines(sources: InputSources): string[] {
    const lines = [
        `--src ${sources.src.value.join(",")}: ${sources.src.from}`,
        `--dst ${abbreviate(sources.dst.value)} port ${sources.port.value}: ${sources.dst.from}${sources.port.from !== sources.dst.from ? `; port: ${sources.port.from}` : ""}`,
        `window ${sources.window.value.start} to ${sources.window.value.end}: ${sources.window.from}`,
    ];
    if (sources.eni) lines.push(`log streams of ${sources.eni.value} only: ${sources.eni.from}`);
    return lines;
}

/** Long range lists (a region's S3 ranges) are cut to their first few in text. */
function abbreviate(values: readonly string[]): string {
    return values.length <= 4 ? values.join(",") : `${values.slice(0, 3).join(",")},... (${values.length} ranges)`;
}

function taskLines(task: EcsTaskReport): string[] {
    const lines = [
        `Task ${task.taskId}${task.serviceName ? ` (service ${task.serviceName})` : ""}: ${task.lastStatus ?? "?"}` +
            (task.stopCode ? `, stop code ${task.stopCode}` : "") +
            `; ENI ${task.eniId ?? "none"}, ${task.privateIp ?? "no private IP"}, ${task.subnetId ?? "no subnet"}`,
        `Created ${task.createdAt ?? "?"}, started ${task.startedAt ?? "never"}, stopped ${task.stoppedAt ?? "not yet"}`,
    ];
    if (task.stoppedReason) lines.push(`Stopped reason: ${task.stoppedReason}`);
    for (const c of task.containers) if (c.reason) lines.push(`Container ${c.name}: ${c.reason}`);
    if (task.flowLogRecords) {
        const r = task.flowLogRecords;
        lines.push(
            `Records tied to this task by ecs-task-id: ${r.recordsWithTaskId}` +
                (r.recordsWithOtherTaskIds > 0 ? ` (${r.recordsWithOtherTaskIds} carry another task's id)` : "") +
                (r.serviceNames.length > 0 ? `; service ${r.serviceNames.join(", ")}` : "") +
                (r.recordsWithTaskId === 0 ? ". AWS fills the ECS fields only for a RUNNING task, so an image pull shows '-'." : ""),
        );
    }
    return lines;
}

/** The sections printed under the verdict, as text or Markdown. */
export function renderTaskSections(task: EcsTaskReport | undefined, sources: InputSources, output: "text" | "markdown"): string {
    if (output === "markdown") {
        const parts = [];
        if (task) parts.push("**ECS task**", "", ...taskLines(task).map((l) => `- ${l}`), "");
        parts.push("**Inputs**", "", ...sourceLines(sources).map((l) => `- ${l}`));
        return "\n" + parts.join("\n") + "\n";
    }
    const parts = [];
    if (task) parts.push("ECS task:", ...taskLines(task).map((l) => `  ${l}`), "");
    parts.push("Inputs:", ...sourceLines(sources).map((l) => `  ${l}`));
    return "\n" + parts.join("\n") + "\n";
}

/**
 * DescribeTasks for `--ecs-task`: one task, its failures turned into messages that say what to do.
 * DescribeTasks answers a missing task with a `failures` entry (reason MISSING), not an error, and
 * shows a stopped task for only about an hour after it stopped (ECS API reference, DescribeTasks;
 * ECS developer guide, "API failure reasons").
 */
import { DescribeTasksCommand, ECSClient } from "@aws-sdk/client-ecs";
import { EcsTaskFacts, TaskRef, clusterName, taskFacts } from "../verdict/ecs/ecsTask";

/** Only the call this module makes; a real client or aws-sdk-client-mock's both fit. */
export type EcsClient = Pick<ECSClient, "send">;

/** DescribeTasks answered, but not with a task the diagnosis can use; the CLI exits 1. */
export class EcsLookupError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "EcsLookupError";
    }
}

/** When no --cluster is given and the ARN names none, ECS looks in the cluster named `default`. */
export const DEFAULT_CLUSTER = "default";

export async function describeEcsTask(ecs: EcsClient, ref: TaskRef, cluster: string, region: string): Promise<EcsTaskFacts> {
    let response;
    try {
        response = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [ref.task] }));
    } catch (err) {
        if ((err as { name?: string }).name === "ClusterNotFoundException") {
            throw new EcsLookupError(
                `Cluster '${clusterName(cluster)}' was not found in ${region}. List the clusters with 'aws ecs list-clusters --region ${region}', ` +
                    "then pass --cluster <name>, or --region for the region the cluster is in.",
            );
        }
        throw err;
    }
    const task = (response.tasks ?? [])[0];
    if (task === undefined) {
        const failure = (response.failures ?? [])[0];
        const reason = failure?.reason ?? "no task returned";
        throw new EcsLookupError(
            `Task ${ref.taskId} was not found in cluster '${clusterName(cluster)}' in ${region} (DescribeTasks: ${reason}). ` +
                "ECS shows a stopped task for only about an hour after it stops. Look up the task's private IP and times in the service's events " +
                `('aws ecs describe-services --cluster ${clusterName(cluster)} --services <service> --query "services[0].events[:10]"') or in its logs, ` +
                "then run with --src <task IP> --start <time> --end <time> instead of --ecs-task. Check --cluster and --region too.",
        );
    }
    return taskFacts(task);
}

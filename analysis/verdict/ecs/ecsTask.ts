/**
 * An ECS task as the diagnosis needs it: which task (`--ecs-task`, `--cluster`), its network
 * interface and address, when it ran, why it stopped, and the time window and next steps that
 * follow. Pure: DescribeTasks' answer comes in as plain data (the SDK's `Task` fits this shape).
 *
 * Shapes: Amazon ECS API reference, DescribeTasks, Task, Attachment (`ElasticNetworkInterface`
 * with details `subnetId`, `networkInterfaceId`, `macAddress`, `privateIPv4Address`), and the AWS
 * CLI's describe-tasks example (aws/aws-cli awscli/examples/ecs/describe-tasks.rst).
 */
import { AWS_REGION_NAME } from "../../core/awsNames";
import { UserInputError, quote } from "../../core/errors";
import { NextStep } from "../classify";
import { DELIVERY_LAG_SECONDS, MAX_WINDOW_SECONDS, TimeWindow } from "../../core/timeWindow";
import { EndpointService, ReasonFacts } from "./taskReason";
import { isPrivateIpv4 } from "../../core/ip";
import { dateToIso, epochToIso } from "../../core/isoTime";

/** The part of DescribeTasks' `Task` this project reads. */
export interface DescribedTask {
    readonly taskArn?: string;
    readonly clusterArn?: string;
    readonly containerInstanceArn?: string;
    readonly lastStatus?: string;
    readonly launchType?: string;
    readonly group?: string;
    readonly createdAt?: Date;
    readonly startedAt?: Date;
    readonly stoppedAt?: Date;
    readonly stopCode?: string;
    readonly stoppedReason?: string;
    readonly attachments?: ReadonlyArray<{
        readonly type?: string;
        readonly status?: string;
        readonly details?: ReadonlyArray<{ readonly name?: string; readonly value?: string }>;
    }>;
    readonly containers?: ReadonlyArray<{ readonly name?: string; readonly reason?: string; readonly exitCode?: number; readonly lastStatus?: string }>;
}

export interface EcsTaskFacts {
    readonly taskArn: string;
    readonly taskId: string;
    readonly clusterArn?: string;
    readonly lastStatus?: string;
    readonly launchType?: string;
    /** `service:<name>` for a service's task. */
    readonly group?: string;
    readonly containerInstanceArn?: string;
    readonly eniId?: string;
    readonly privateIp?: string;
    readonly subnetId?: string;
    /** ISO 8601, UTC. */
    readonly createdAt?: string;
    readonly startedAt?: string;
    readonly stoppedAt?: string;
    readonly stopCode?: string;
    readonly stoppedReason?: string;
    readonly containers: ReadonlyArray<{ readonly name: string; readonly reason?: string; readonly exitCode?: number }>;
}

/** What `--ecs-task` names: the task, and the cluster and region an ARN carries. */
export interface TaskRef {
    readonly task: string;
    readonly taskId: string;
    readonly region?: string;
    readonly cluster?: string;
}

// arn:aws:ecs:us-west-2:123456789012:task/MyCluster/1234567890123456789 (the long ARN format), or
// task/<id> without the cluster (the old format).
const TASK_ARN = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):task\/(?:([A-Za-z0-9_-]{1,255})\/)?([A-Za-z0-9-]{1,64})$/;
// Task ids are 32 hex digits today; older ones are UUIDs.
const TASK_ID = /^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/;
const ENI_ID = /^eni-([0-9a-f]{8}|[0-9a-f]{17})$/;

export function parseTaskRef(value: string): TaskRef {
    const arn = TASK_ARN.exec(value);
    if (arn) {
        if (!AWS_REGION_NAME.test(arn[1])) throw badTask(value);
        return { task: value, taskId: arn[4], region: arn[1], cluster: arn[3] };
    }
    if (TASK_ID.test(value)) return { task: value, taskId: value };
    throw badTask(value);
}

function badTask(value: string): UserInputError {
    return new UserInputError(
        `Invalid --ecs-task ${quote(value)}. Allowed: a task ARN (arn:aws:ecs:<region>:<account>:task/<cluster>/<id>) ` +
            "or a task id (32 hex digits, e.g. 0123456789abcdef0123456789abcdef).",
    );
}

export function parseCluster(value: string): string {
    if (CLUSTER_NAME.test(value) || CLUSTER_ARN.test(value)) return value;
    throw new UserInputError(
        `Invalid --cluster ${quote(value)}. Allowed: a cluster name (letters, digits, '-' and '_', up to 255) or a cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>).`,
    );
}

export function parseEniId(value: string): string {
    if (ENI_ID.test(value)) return value;
    throw new UserInputError(`Invalid --eni ${quote(value)}. Allowed: 'eni-' followed by 8 or 17 lowercase hex digits, e.g. 'eni-0123456789abcdef0'.`);
}

/** The cluster's short name, from a name or an ARN. */
export function clusterName(cluster: string): string {
    return cluster.slice(cluster.lastIndexOf("/") + 1);
}

const isoOf = (date: Date | undefined) => (date === undefined ? undefined : dateToIso(date));

export function taskFacts(task: DescribedTask): EcsTaskFacts {
    const eni = (task.attachments ?? []).find((a) => a.type === "ElasticNetworkInterface");
    const detail = (name: string) => eni?.details?.find((d) => d.name === name)?.value;
    const taskArn = task.taskArn ?? "?";
    return {
        taskArn,
        taskId: taskArn.slice(taskArn.lastIndexOf("/") + 1),
        clusterArn: task.clusterArn,
        lastStatus: task.lastStatus,
        launchType: task.launchType,
        group: task.group,
        containerInstanceArn: task.containerInstanceArn,
        eniId: detail("networkInterfaceId"),
        privateIp: detail("privateIPv4Address"),
        subnetId: detail("subnetId"),
        createdAt: isoOf(task.createdAt),
        startedAt: isoOf(task.startedAt),
        stoppedAt: isoOf(task.stoppedAt),
        stopCode: task.stopCode,
        stoppedReason: task.stoppedReason,
        containers: (task.containers ?? []).map((c) => ({ name: c.name ?? "?", reason: c.reason, exitCode: c.exitCode })),
    };
}

/** Every reason text the task carries: its own, then each container's. */
export function taskReasons(facts: EcsTaskFacts): string[] {
    return [facts.stoppedReason, ...facts.containers.map((c) => c.reason)].filter((r): r is string => r !== undefined && r !== "");
}

/** The service name of a service's task (`group` is `service:<name>`). */
export function serviceName(facts: EcsTaskFacts): string | undefined {
    return facts.group?.startsWith("service:") ? facts.group.slice("service:".length) : undefined;
}

/**
 * Refuses a task without an ENI of its own. Only awsvpc tasks (every Fargate task) have one; a
 * bridge or host mode task's traffic is logged on its container instance's ENI, under its IP.
 */
export function requireTaskEni(facts: EcsTaskFacts, cluster: string): { eniId: string; privateIp: string } {
    if (facts.eniId !== undefined && facts.privateIp !== undefined) return { eniId: facts.eniId, privateIp: facts.privateIp };
    const instance = facts.containerInstanceArn ?? "<container instance ARN>";
    throw new UserInputError(
        `Task ${facts.taskId} has no network interface of its own (network mode bridge or host): its traffic is logged on its container instance's ENI, under the instance's IP. ` +
            `Find them with 'aws ecs describe-container-instances --cluster ${clusterName(cluster)} --container-instances ${instance} --query "containerInstances[0].ec2InstanceId"' ` +
            `and 'aws ec2 describe-instances --instance-ids <instance id> --query "Reservations[0].Instances[0].[PrivateIpAddress,NetworkInterfaces[0].NetworkInterfaceId]"', ` +
            "then run with --src <instance IP> --eni <eni id> and --start/--end instead of --ecs-task.",
    );
}

/** The first minute before a task is created can already carry its ENI's first packets. */
export const TASK_START_MARGIN_SECONDS = 60;
/** A task still running, or one that ran longer than a day, is looked at over its last hour. */
export const RECENT_SECONDS = 3600;

export interface TaskWindow {
    readonly window: TimeWindow;
    /** Where the window came from, for the output's `sources`. */
    readonly from: string;
}


/**
 * The task's window: from a minute before `createdAt` to `stoppedAt` plus the delivery lag (records
 * of the last packets arrive 5-10 minutes late), never past now. A running task, or one that ran
 * over 24 h, gets its last hour: the cost of a query grows with the window.
 */
export function taskWindow(facts: EcsTaskFacts, now: Date): TaskWindow {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (facts.createdAt === undefined) {
        throw new UserInputError(`Task ${facts.taskId} has no createdAt time: give the window with --since or --start/--end.`);
    }
    const created = Math.floor(Date.parse(facts.createdAt) / 1000);
    const start = created - TASK_START_MARGIN_SECONDS;
    if (facts.stoppedAt === undefined) {
        const from = Math.max(start, nowSeconds - RECENT_SECONDS);
        return {
            window: { start: from, end: nowSeconds },
            from:
                from === start
                    ? `task created at ${facts.createdAt} minus 1 min, to now (the task is ${facts.lastStatus ?? "not stopped"})`
                    : `the last hour: the task is ${facts.lastStatus ?? "not stopped"} since ${facts.createdAt}; --since or --start/--end choose another window`,
        };
    }
    const stopped = Math.floor(Date.parse(facts.stoppedAt) / 1000);
    const end = Math.min(stopped + DELIVERY_LAG_SECONDS, nowSeconds);
    if (end - start > MAX_WINDOW_SECONDS) {
        return {
            window: { start: end - RECENT_SECONDS, end },
            from: `the last hour before the task stopped at ${facts.stoppedAt} (plus 10 min delivery lag): it ran from ${facts.createdAt}, over 24 h; --start/--end choose another window`,
        };
    }
    return {
        window: { start, end },
        from:
            `task created at ${facts.createdAt} minus 1 min, to stopped at ${facts.stoppedAt} plus 10 min delivery lag` +
            (end < stopped + DELIVERY_LAG_SECONDS ? ` (cut at now, ${epochToIso(nowSeconds)})` : ""),
    };
}

const SERVICE_STEPS: Readonly<Record<EndpointService, (region: string) => NextStep>> = {
    ecr: (region) => ({
        step:
            `The task failed talking to Amazon ECR. Without a NAT gateway it needs the interface endpoints com.amazonaws.${region}.ecr.api and com.amazonaws.${region}.ecr.dkr ` +
            `(private DNS on, their security group allowing 443 from the task) and the S3 gateway endpoint com.amazonaws.${region}.s3 on the task subnet's route table, for the image layers.`,
        commands: [
            `aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.${region}.ecr.api,com.amazonaws.${region}.ecr.dkr,com.amazonaws.${region}.s3 --query 'VpcEndpoints[].[ServiceName,VpcEndpointType,State,Groups,RouteTableIds]'`,
        ],
    }),
    s3: (region) => ({
        step:
            `Image layers come from S3 (bucket prod-${region}-starport-layer-bucket): the task's subnet needs a route to S3, the gateway endpoint com.amazonaws.${region}.s3 ` +
            "on its route table or a NAT gateway, and its security group must allow 443 out to the S3 prefix list.",
        commands: [`aws ec2 describe-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.${region}.s3 --query 'PrefixLists[].[PrefixListId,Cidrs]'`],
    }),
    secretsmanager: (region) => ({
        step: `The task failed fetching a Secrets Manager secret. Without a NAT gateway it needs the interface endpoint com.amazonaws.${region}.secretsmanager (private DNS on, security group allowing 443 from the task).`,
        commands: [`aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.${region}.secretsmanager --query 'VpcEndpoints[].[State,PrivateDnsEnabled,Groups]'`],
    }),
    ssm: (region) => ({
        step: `The task failed fetching an SSM parameter. Without a NAT gateway it needs the interface endpoint com.amazonaws.${region}.ssm (private DNS on, security group allowing 443 from the task).`,
        commands: [`aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.${region}.ssm --query 'VpcEndpoints[].[State,PrivateDnsEnabled,Groups]'`],
    }),
    logs: (region) => ({
        step: `The task failed setting up its awslogs log driver. Without a NAT gateway it needs the interface endpoint com.amazonaws.${region}.logs (private DNS on, security group allowing 443 from the task).`,
        commands: [`aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.${region}.logs --query 'VpcEndpoints[].[State,PrivateDnsEnabled,Groups]'`],
    }),
    registry: () => ({
        step: "The image is on a registry outside AWS: the task's subnet needs a route to the internet (a NAT gateway, or an internet gateway and a public IP for the task).",
        commands: [],
    }),
};

/** Next steps for the services the task's reasons name, and for a dial target inside the VPC. */
export function taskNextSteps(reasons: ReasonFacts, region: string): NextStep[] {
    const steps = reasons.services.map((s) => SERVICE_STEPS[s](region));
    const privateTargets = reasons.dialTargets.filter((t) => isPrivateIpv4(t.address) === true);
    if (privateTargets.length > 0) {
        const addresses = privateTargets.map((t) => t.address);
        steps.push({
            step:
                `${addresses.join(", ")} is a private address: most likely an interface endpoint's network interface. Its security group must allow ${privateTargets[0].port} in from the task, ` +
                "and the network ACLs of both subnets must allow the request and the reply.",
            commands: [`aws ec2 describe-network-interfaces --filters Name=addresses.private-ip-address,Values=${addresses.join(",")} --query 'NetworkInterfaces[].[NetworkInterfaceId,InterfaceType,Description,Groups]'`],
        });
    }
    return steps;
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LogFormat } from "../analysis/core/logFormat";
import { flowLogsDeliveryPolicy, flowLogsTrustPolicy } from "./policies";
import { savedQueries } from "./savedQueries";
import { PENDING_ID, TargetId, TrafficType, resolveFlowLogSettings, validateLogGroupName, validateTargets } from "./flowLogSettings";
import { validateOrFail } from "./userErrors";
import { UserInputError, quote } from "../analysis/core/errors";
import { GUIDE_RULES, GuideRule, TAG_RULES } from "./awsConstraints";
import { ProviderPlace, checkArnPlace, checkModel, checkTags } from "./preflight";
import { DestinationSettings, glueDatabaseName, resolveDestination } from "./s3Delivery";
import { S3Delivery, createS3Delivery } from "./s3Resources";
import { ExistingResources, checkExistingLogGroupConflicts, checkRoleTrust, otherAccountRoleWarning, roleAccountOf, roleNameOf } from "./existingResources";

/**
 * Arguments of {@link VpcFlowLogs}. Settings that shape what gets created are plain values, checked
 * before any resource is registered; target ids may be outputs of other resources.
 * Flow-log settings: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
 */
export interface VpcFlowLogsArgs {
    /** VPC whose every network interface is logged. Required unless `subnetIds` or `eniIds` is set. */
    readonly vpcId?: pulumi.Input<string>;
    /** Subnets to log on their own, besides or instead of the VPC. Default: none. */
    readonly subnetIds?: readonly pulumi.Input<string>[];
    /** Network interfaces (e.g. an ECS task's ENI) to log on their own. Default: none. */
    readonly eniIds?: readonly pulumi.Input<string>[];
    /**
     * Which records to capture: `ALL`, `ACCEPT` or `REJECT` (console words `All`, `Accepted`,
     * `Rejected` are accepted). Default `ALL`: a routing diagnosis needs the accepted records too.
     */
    readonly trafficType?: string;
    /** Seconds over which packets are aggregated into a record: 60 or 600. Default 60 (AWS: 600). */
    readonly maxAggregationInterval?: number;
    /**
     * `default` (AWS version 2 fields), `diagnostic` (default plus vpc-id, subnet-id, tcp-flags,
     * type, pkt-srcaddr, pkt-dstaddr, flow-direction, traffic-path, pkt-dst-aws-service) or a custom
     * `${field} ...` string. Default `default`.
     * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
     */
    readonly logFormat?: string;
    /** CloudWatch log group to create. Default `/vpc-flow-logs/<component name>`. */
    readonly logGroupName?: string;
    /**
     * Deliver into this existing log group instead of creating one; the stack never changes or
     * deletes it. Not with logGroupName, retentionInDays (other than 7), kmsKeyArn,
     * retainLogsOnDestroy or destination s3. Default: create a log group.
     */
    readonly existingLogGroupName?: string;
    /** Days CloudWatch keeps the records; one of the values PutRetentionPolicy accepts, 0 = never expire. Default 7. */
    readonly retentionInDays?: number;
    /** KMS key ARN to encrypt the log group; its key policy must allow `logs.<region>.amazonaws.com`. Default: none. */
    readonly kmsKeyArn?: string;
    /** Keep the log group (the evidence) when the stack is destroyed. Default false. */
    readonly retainLogsOnDestroy?: boolean;
    /** Use this IAM role for delivery instead of creating one. Default: create a role. */
    readonly existingRoleArn?: string;
    /** Tags for every taggable child. Default: none. */
    readonly tags?: Record<string, string>;
    /**
     * Save Logs Insights queries on the log group in the console (Logs Insights -> Saved queries).
     * They cost nothing. Default true.
     * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_Insights-Saving-Queries.html
     */
    readonly savedQueries?: boolean;
    /** Console folder of the saved queries, levels separated by `/`. Default `vpc-flow-logs/<component name>`. */
    readonly savedQueryFolder?: string;
    /**
     * `cloudwatch` (a log group, an IAM role, Logs Insights) or `s3` (a bucket, no role, Athena).
     * Default `cloudwatch`. https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html
     */
    readonly destination?: string;
    /** S3 only: `parquet` (default) or `plain-text`. */
    readonly fileFormat?: string;
    /** S3 only: deliver into this bucket (`arn:aws:s3:::name`) instead of creating one; its owner adds the `bucketPolicy` output. */
    readonly existingBucketArn?: string;
    /** S3 only: folder inside the bucket, e.g. `flow-logs/prod`. Default: none. */
    readonly s3Prefix?: string;
    /** S3 only: the Athena workgroup stops a query after this many megabytes scanned. Default 1000 (1 GB). */
    readonly athenaBytesScannedCutoffMb?: number;
    /** S3 only: Glue database of the Athena table. Default `vpc_flow_logs_<component name>`. */
    readonly athenaDatabaseName?: string;
    /** S3 only: Athena workgroup name. Default `vpc-flow-logs-<component name>`. */
    readonly athenaWorkgroupName?: string;
    /**
     * Where the provider deploys, when the caller has asked it already (index.ts does): the ARNs
     * from config are then checked before anything is registered. Without it the component asks
     * the provider, and a refused ARN fails the input of the resource that would carry it.
     */
    readonly providerPlace?: ProviderPlace;
    /**
     * The existing log group and role as the caller read them before registering anything
     * (index.ts does, existingResources.ts readExistingResources). Without it the component reads
     * them itself, and a group that cannot be read or a role the flow-logs service may not assume
     * fails the input of the flow logs that would use it.
     */
    readonly existing?: ExistingResources;
    /**
     * false pauses capture: no flow log is created (existing ones are deleted), while the log group
     * or bucket, the role, Athena and the saved queries stay, so the records remain readable and
     * only storage is paid. true again recreates the flow logs with the same names and settings.
     * Default true.
     */
    readonly capture?: boolean;
}

/**
 * VPC Flow Logs delivered to a CloudWatch log group (an IAM role the flow-logs service may assume,
 * or an existing one, a policy scoped to the group, the group) or to S3 (a bucket and its policy, or
 * the user's bucket, and Athena over it), and one flow log per target.
 */
export class VpcFlowLogs extends pulumi.ComponentResource {
    public readonly destination: "cloudwatch" | "s3";
    /** CloudWatch Logs only. */
    public readonly logGroupName?: pulumi.Output<string>;
    public readonly logGroupArn?: pulumi.Output<string>;
    public readonly roleArn?: pulumi.Output<string>;
    /** S3 only: the bucket, its records' location and Athena. */
    public readonly s3?: S3Delivery;
    /** Target id (vpc-, subnet-, eni-) -> flow log id. */
    public readonly flowLogIds: pulumi.Output<Record<string, string>>;
    /** The exact format string in effect. */
    public readonly logFormat: string;
    /** `default`, `diagnostic` or `custom`. */
    public readonly logFormatKind: string;
    public readonly trafficType: TrafficType;
    public readonly maxAggregationInterval: number;
    public readonly region: pulumi.Output<string>;
    public readonly partition: pulumi.Output<string>;
    /** The format as fields, for building queries that read it. */
    public readonly format: LogFormat;
    /** Saved query name (`<folder>/<title>`) -> query definition id; empty when `savedQueries` is false. */
    public readonly savedQueryIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: VpcFlowLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before super() registers the component, so a bad value leaves nothing behind.
        const targets = flowLogTargets(args);
        const validated = validateOrFail(() => validateFlowLogsArgs(name, args));
        const knownPlace = args.providerPlace;
        if (knownPlace !== undefined) validateOrFail(() => checkFlowLogsArnPlaces(validated, knownPlace));
        const { settings, logGroupName, destination, queries } = validated;
        super("vpc-flow-logs:network:VpcFlowLogs", name, {}, opts);

        const tags = settings.tags;
        const account = aws.getCallerIdentityOutput({}, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        // ARNs from config must be of the provider's partition, and a KMS key of its region: already
        // checked above when the caller gave the provider's place; otherwise checked against what the
        // provider answers, and the resource that would send them waits for it.
        const place = pulumi
            .all([region.region, partition.partition, account.accountId])
            .apply(([r, p, a]): ProviderPlace => ({ region: r, partition: p, accountId: a }));
        const placed = (key: string, arn: string | undefined, sameRegion?: GuideRule) =>
            arn === undefined
                ? undefined
                : knownPlace !== undefined
                  ? pulumi.output(arn)
                  : place.apply((where) => validateOrFail(() => checkArnPlace(key, arn, where, sameRegion)));
        const kmsKeyArn = placed("kmsKeyArn", settings.kmsKeyArn, destination.destination === "s3" ? GUIDE_RULES.s3KmsKeyRegion : GUIDE_RULES.logsKmsKeyRegion);

        let logGroup: aws.cloudwatch.LogGroup | undefined;
        let logGroupArn: pulumi.Output<string> | undefined;
        let logGroupOutputName: pulumi.Output<string> | undefined;
        let roleArn: pulumi.Output<string> | undefined;
        let deliveryReady: pulumi.Resource[] = [];
        let s3: S3Delivery | undefined;
        if (destination.destination === "s3") {
            s3 = createS3Delivery(
                name,
                {
                    settings: destination,
                    format: settings.logFormat,
                    retentionInDays: settings.retentionInDays,
                    retainLogsOnDestroy: settings.retainLogsOnDestroy,
                    kmsKeyArn,
                    existingBucketArn: destination.existingBucket === undefined ? undefined : placed("existingBucketArn", destination.existingBucket.arn),
                    tags,
                    athenaDatabaseName: args.athenaDatabaseName ?? glueDatabaseName(name),
                    athenaWorkgroupName: args.athenaWorkgroupName ?? `vpc-flow-logs-${name}`,
                    account: account.accountId,
                    region: region.region,
                    partition: partition.partition,
                },
                this,
            );
            deliveryReady = s3.deliveryReady;
        } else {
            if (args.existingLogGroupName !== undefined) {
                // The user's group: read, never registered, so destroy leaves it and its records alone.
                const group = args.existing?.logGroup !== undefined ? pulumi.output(args.existing.logGroup) : aws.cloudwatch.getLogGroupOutput({ name: logGroupName }, { parent: this });
                logGroupArn = group.arn;
                logGroupOutputName = group.name;
            } else {
                logGroup = new aws.cloudwatch.LogGroup(
                    `${name}-log-group`,
                    {
                        name: logGroupName,
                        retentionInDays: settings.retentionInDays,
                        kmsKeyId: kmsKeyArn,
                        tags,
                    },
                    { parent: this, retainOnDelete: settings.retainLogsOnDestroy },
                );
                logGroupArn = logGroup.arn;
                logGroupOutputName = logGroup.name;
            }

            if (settings.existingRoleArn !== undefined) {
                const existingRoleArn = settings.existingRoleArn;
                roleArn = placed("existingRoleArn", existingRoleArn) as pulumi.Output<string>;
                if (args.existing?.roleChecked !== true) {
                    // Read here only when the caller has not: the flow logs wait for the check.
                    roleArn = pulumi.all([roleArn, place]).apply(([arn, where]): pulumi.Output<string> => {
                        if (roleAccountOf(arn) !== where.accountId) {
                            pulumi.log.warn(otherAccountRoleWarning(arn, where), this);
                            return pulumi.output(arn);
                        }
                        const role = aws.iam.getRoleOutput({ name: roleNameOf(arn) }, { parent: this });
                        return role.assumeRolePolicy.apply((trust) => {
                            for (const warning of validateOrFail(() => checkRoleTrust(arn, trust, where))) pulumi.log.warn(warning, this);
                            return arn;
                        });
                    });
                }
            } else {
                const role = new aws.iam.Role(
                    `${name}-role`,
                    {
                        description: roleDescription(logGroupName),
                        assumeRolePolicy: pulumi
                            .all([account.accountId, region.region, partition.partition])
                            .apply(([accountId, regionName, partitionName]) =>
                                JSON.stringify(flowLogsTrustPolicy({ accountId, region: regionName, partition: partitionName })),
                            ),
                        tags,
                    },
                    { parent: this },
                );
                const policy = new aws.iam.Policy(
                    `${name}-policy`,
                    {
                        description: policyDescription(logGroupName),
                        policy: logGroupArn.apply((arn) => JSON.stringify(flowLogsDeliveryPolicy(arn))),
                        tags,
                    },
                    { parent: this },
                );
                const attachment = new aws.iam.RolePolicyAttachment(
                    `${name}-policy-attachment`,
                    { role: role.name, policyArn: policy.arn },
                    { parent: this },
                );
                roleArn = role.arn;
                // A flow log created before its role can deliver fails with "Unable to assume given IAM
                // role"; the attachment is the last piece of the role, so the flow logs wait for it.
                deliveryReady = [attachment];
            }
        }

        // Paused capture registers no flow log and nothing else differs, so every other resource keeps
        // its name and inputs and resuming recreates the same flow logs.
        const capturedTargets = args.capture === false ? [] : targets;
        const flowLogIds: pulumi.Output<[string, string]>[] = capturedTargets.map((target, index) => {
            const flowLog = new aws.ec2.FlowLog(
                flowLogName(name, target, index),
                {
                    [target.argName]: target.input,
                    trafficType: settings.trafficType,
                    ...(s3 !== undefined
                        ? {
                              logDestinationType: "s3",
                              logDestination: s3.destinationArn,
                              destinationOptions: { fileFormat: destination.destination === "s3" ? destination.fileFormat : undefined, hiveCompatiblePartitions: true, perHourPartition: true },
                          }
                        : { logDestinationType: "cloud-watch-logs", logDestination: logGroupArn, iamRoleArn: roleArn }),
                    maxAggregationInterval: settings.maxAggregationInterval,
                    // Always explicit, the default too: AWS reports the format in effect, so an unset
                    // value would not show a diff when a stack switches back from diagnostic to
                    // default, and the flow log would keep writing the old format. The default
                    // string is exactly AWS's, so a new flow log sees no difference.
                    logFormat: settings.logFormat.formatString,
                    tags,
                },
                {
                    parent: this,
                    dependsOn: deliveryReady,
                    // Every input forces a new flow log. Pulumi's usual create-before-delete would ask
                    // for a second flow log on the same target and log group while the first still
                    // exists, which EC2 refuses with FlowLogAlreadyExists ("an existing Flow Log with
                    // the same configuration and log destination") when only the role, interval,
                    // format or filter changed. Deleting first costs a few seconds without records
                    // and never doubles them.
                    deleteBeforeReplace: true,
                },
            );
            return pulumi.all([pulumi.output(target.input), flowLog.id]).apply(([targetId, id]): [string, string] => [targetId, id]);
        });

        // Saved queries cost nothing and are deleted with the stack; scoped to the log group so the
        // console opens them on it.
        const savedQueryIds = queries.map((query) => {
            const definition = new aws.cloudwatch.QueryDefinition(
                `${name}-query-${query.key}`,
                { name: query.name, queryString: query.queryString, logGroupNames: [logGroupOutputName as pulumi.Output<string>] },
                { parent: this },
            );
            return definition.queryDefinitionId.apply((id): [string, string] => [query.name, id]);
        });

        this.destination = destination.destination;
        this.logGroupName = logGroupOutputName;
        this.logGroupArn = logGroupArn;
        this.roleArn = roleArn;
        this.s3 = s3;
        this.flowLogIds = pulumi.all(flowLogIds).apply((pairs) => Object.fromEntries(pairs));
        this.logFormat = settings.logFormat.formatString;
        this.logFormatKind = settings.logFormat.kind;
        this.trafficType = settings.trafficType;
        this.maxAggregationInterval = settings.maxAggregationInterval;
        this.region = region.region;
        this.partition = partition.partition;
        this.format = settings.logFormat;
        this.savedQueryIds = pulumi.all(savedQueryIds).apply((pairs) => Object.fromEntries(pairs));

        this.registerOutputs({
            destination: this.destination,
            bucketName: s3?.bucketName,
            athenaTable: s3?.athenaTable,
            logGroupName: this.logGroupName,
            logGroupArn: this.logGroupArn,
            roleArn: this.roleArn,
            flowLogIds: this.flowLogIds,
            logFormat: this.logFormat,
            trafficType: this.trafficType,
            region: this.region,
            savedQueryIds: this.savedQueryIds,
        });
    }
}

/**
 * Everything {@link VpcFlowLogs} checks before it registers anything: the settings, and every value
 * it will send checked against AWS's constraints (preflight.ts). Pure; throws UserInputError.
 * index.ts runs it before the lab too, so a refused stack registers no resource at all.
 */
export function validateFlowLogsArgs(name: string, args: VpcFlowLogsArgs) {
    const targets = flowLogTargets(args);
    validateTargets({
        vpcId: targets.find((t) => t.kind === "vpc")?.id,
        subnetIds: targets.filter((t) => t.kind === "subnet").map((t) => t.id),
        eniIds: targets.filter((t) => t.kind === "eni").map((t) => t.id),
    });
    const destination: DestinationSettings = resolveDestination(args);
    if (args.existingLogGroupName !== undefined) checkExistingLogGroupConflicts(args.existingLogGroupName, args);
    const settings = resolveFlowLogSettings({ ...args, destination: destination.destination });
    const logGroupName =
        args.existingLogGroupName !== undefined
            ? validateLogGroupName(args.existingLogGroupName, "existingLogGroupName")
            : validateLogGroupName(args.logGroupName ?? `/vpc-flow-logs/${name}`);
    // Saved queries are Logs Insights queries on the log group: S3 stacks query with Athena.
    const queries =
        args.savedQueries === false || destination.destination === "s3" ? [] : savedQueries(settings.logFormat, args.savedQueryFolder ?? `vpc-flow-logs/${name}`);

    checkModel("trafficType", settings.trafficType, "ec2.flowLogTrafficType");
    if (settings.kmsKeyArn !== undefined) checkModel("kmsKeyArn", settings.kmsKeyArn, "logs.kmsKeyId");
    if (destination.destination === "s3") {
        checkModel("fileFormat", destination.fileFormat, "ec2.flowLogFileFormat");
        checkModel("athenaBytesScannedCutoffMb", destination.scanCutoffMb * 1_000_000, "athena.bytesScannedCutoffPerQuery");
        const database = args.athenaDatabaseName ?? glueDatabaseName(name);
        checkModel("athenaDatabaseName", database, "glue.databaseName");
        if (!/^[a-z0-9_]+$/.test(database)) {
            throw new UserInputError(
                `Invalid athenaDatabaseName ${quote(database)}. Allowed: lowercase letters, digits and '_' (${GUIDE_RULES.glueNamesLowercase.source}).`,
            );
        }
        checkModel("athenaWorkgroupName", args.athenaWorkgroupName ?? `vpc-flow-logs-${name}`, "athena.workGroupName");
        checkTags(settings.tags, [{ rules: TAG_RULES.s3Bucket }, { rules: TAG_RULES.athenaWorkgroup }, { rules: TAG_RULES.ec2 }]);
    } else {
        const createsGroup = args.existingLogGroupName === undefined;
        checkModel(createsGroup ? "logGroupName" : "existingLogGroupName", logGroupName, "logs.logGroupName");
        const createsRole = settings.existingRoleArn === undefined;
        if (createsRole) {
            checkModel("logGroupName", roleDescription(logGroupName), "iam.roleDescription");
            checkModel("logGroupName", policyDescription(logGroupName), "iam.policyDescription");
        }
        for (const query of queries) {
            checkModel("savedQueryFolder", query.name, "logs.queryDefinitionName");
            checkModel("logFormat", query.queryString, "logs.queryDefinitionString");
        }
        checkTags(settings.tags, [
            ...(createsGroup ? [{ rules: TAG_RULES.logGroup }] : []),
            ...(createsRole ? [{ rules: TAG_RULES.iamRole }, { rules: TAG_RULES.iamPolicy }] : []),
            { rules: TAG_RULES.ec2 },
        ]);
    }
    return { destination, settings, logGroupName, queries };
}

/**
 * The ARNs from config that AWS requires in the provider's partition, and the KMS key in its region
 * (preflight.ts checkArnPlace), checked against where the provider deploys: `validated` is what
 * {@link validateFlowLogsArgs} returned. index.ts runs it once the provider has answered and before
 * it registers anything, so a key in another region stops the program with the one-line message.
 * Pure; throws UserInputError.
 */
export function checkFlowLogsArnPlaces(validated: ReturnType<typeof validateFlowLogsArgs>, place: ProviderPlace): void {
    const { settings, destination } = validated;
    if (settings.kmsKeyArn !== undefined) {
        checkArnPlace("kmsKeyArn", settings.kmsKeyArn, place, destination.destination === "s3" ? GUIDE_RULES.s3KmsKeyRegion : GUIDE_RULES.logsKmsKeyRegion);
    }
    if (destination.destination === "s3") {
        if (destination.existingBucket !== undefined) checkArnPlace("existingBucketArn", destination.existingBucket.arn, place);
    } else if (settings.existingRoleArn !== undefined) {
        checkArnPlace("existingRoleArn", settings.existingRoleArn, place);
    }
}

const roleDescription = (logGroupName: string) => `Lets VPC Flow Logs deliver records to ${logGroupName}`;
const policyDescription = (logGroupName: string) => `Delivery of VPC Flow Logs to ${logGroupName} only`;

interface FlowLogTarget {
    readonly kind: "vpc" | "subnet" | "eni";
    readonly argName: "vpcId" | "subnetId" | "eniId";
    readonly input: pulumi.Input<string>;
    /** The id when it is a plain string, PENDING_ID when it is another resource's output. */
    readonly id: TargetId;
}

function flowLogTargets(args: VpcFlowLogsArgs): FlowLogTarget[] {
    const target = (kind: FlowLogTarget["kind"], argName: FlowLogTarget["argName"], input: pulumi.Input<string>): FlowLogTarget => ({
        kind,
        argName,
        input,
        id: typeof input === "string" ? input : PENDING_ID,
    });
    return [
        ...(args.vpcId !== undefined ? [target("vpc", "vpcId", args.vpcId)] : []),
        ...(args.subnetIds ?? []).map((id) => target("subnet", "subnetId", id)),
        ...(args.eniIds ?? []).map((id) => target("eni", "eniId", id)),
    ];
}

/**
 * Child names from the component name and the target id (`flow-logs-vpc-0abc...`), so adding or
 * removing a subnet leaves the other flow logs alone. An id known only after deployment gets its
 * kind and position instead.
 */
function flowLogName(name: string, target: FlowLogTarget, index: number): string {
    return typeof target.id === "string" ? `${name}-${target.id}` : `${name}-${target.kind}-${index}`;
}

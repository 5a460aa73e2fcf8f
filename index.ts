/**
 * The Pulumi program: reads the stack config (namespace `vpc-flow-logs:`), creates the flow logs,
 * and exports what a person needs to read them. Only this file reads config; the component takes
 * plain, typed arguments.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildAthenaRecordsQuery } from "./analysis/queries/athenaQuery";
import { buildRecordsQuery } from "./analysis/queries/insightsQuery";
import { DEFAULTS, normalizeTrafficType, readIdList, readTags } from "./components/flowLogSettings";
import { FlowLogLab, checkLabTags } from "./components/lab";
import { checkLabFlowLogSettings, checkLabStandsAlone, resolveLabScenario } from "./components/labScenarios";
import {
    athenaConsoleUrl as athenaUrl,
    captureInstruction,
    captureState,
    cleanupInstruction,
    existingLogGroupCleanupInstruction,
    insightsConsoleUrl as consoleUrl,
    s3CleanupInstruction,
} from "./components/stackOutputs";
import { glueDatabaseName } from "./components/s3Delivery";
import { validateOrFail, validateOrFailAsync } from "./components/userErrors";
import { readExistingResources } from "./components/existingResources";
import { ProviderPlace, checkArnPlace } from "./components/preflight";
import { VpcFlowLogs, VpcFlowLogsArgs, checkFlowLogsArnPlaces, validateFlowLogsArgs } from "./components/vpcFlowLogs";
import { FlowLogAlarms, notCreated, resolveWatchSettings } from "./components/alarms";

const config = new pulumi.Config("vpc-flow-logs");
const stack = pulumi.getStack();

const retainLogsOnDestroy = config.getBoolean("retainLogsOnDestroy") ?? false;
// `pulumi config set capture false && pulumi up` pauses capture: the flow logs alone are deleted.
const capture = captureState(config.getBoolean("capture") ?? true);
const [subnetIds, eniIds, tags] = validateOrFail(() => [
    readIdList("subnetIds", config.getObject<unknown>("subnetIds")),
    readIdList("eniIds", config.getObject<unknown>("eniIds")),
    readTags(config.getObject<unknown>("tags")),
] as const);

// The reproduction lab (`pulumi config set lab no-route`): a VPC that breaks S3 access on purpose,
// logged by this stack's flow logs. Absent, the program is exactly the flow logs for your targets.
const labValue = config.get("lab");
const vpcIdValue = config.get("vpcId");
const trafficTypeValue = config.get("trafficType");
const maxAggregationIntervalValue = config.getNumber("maxAggregationInterval");
// The user's log group (`pulumi config set existingLogGroupName /central/flow-logs`): read, never created.
const existingLogGroupName = config.get("existingLogGroupName");
const existingRoleArn = config.get("existingRoleArn");
if (labValue !== undefined) {
    validateOrFail(() => {
        resolveLabScenario(labValue);
        checkLabTags(tags);
        checkLabStandsAlone(labValue, { vpcId: vpcIdValue, subnetIds, eniIds });
        checkLabFlowLogSettings(
            labValue,
            normalizeTrafficType(trafficTypeValue ?? DEFAULTS.trafficType),
            maxAggregationIntervalValue ?? DEFAULTS.maxAggregationInterval,
        );
    });
}
// Every value the flow logs will send is checked before anything is registered, the lab
// included: the lab's VPC id is not known yet, and is trusted as another resource's output is.
const flowLogArgs = (vpcId: pulumi.Input<string> | undefined): VpcFlowLogsArgs => ({
    vpcId,
    subnetIds,
    eniIds,
    trafficType: trafficTypeValue,
    // Logs Insights -> Saved queries -> vpc-flow-logs/<stack> in the console.
    savedQueries: config.getBoolean("savedQueries") ?? true,
    savedQueryFolder: `vpc-flow-logs/${stack}`,
    maxAggregationInterval: maxAggregationIntervalValue,
    // The lab is there to check the diagnosis, which reads tcp-flags and flow-direction best.
    // (Pulumi.yaml declares no default for logFormat: a declared one would hide "not set".)
    logFormat: config.get("logFormat") ?? (labValue !== undefined ? "diagnostic" : undefined),
    // With an existing group there is no group of our own to name: a logGroupName set then is refused.
    logGroupName: config.get("logGroupName") ?? (existingLogGroupName === undefined ? `/vpc-flow-logs/${stack}` : undefined),
    existingLogGroupName,
    retentionInDays: config.getNumber("retentionInDays"),
    kmsKeyArn: config.get("kmsKeyArn"),
    retainLogsOnDestroy,
    existingRoleArn,
    tags,
    // S3 instead of CloudWatch Logs (`pulumi config set destination s3`), queried with Athena.
    destination: config.get("destination"),
    fileFormat: config.get("fileFormat"),
    existingBucketArn: config.get("existingBucketArn"),
    s3Prefix: config.get("s3Prefix"),
    athenaBytesScannedCutoffMb: config.getNumber("athenaBytesScannedCutoffMb"),
    // Glue database and workgroup names are per account and region: one per stack.
    athenaDatabaseName: glueDatabaseName(stack),
    athenaWorkgroupName: `vpc-flow-logs-${stack}`,
    capture: capture === "on",
});
const validated = validateOrFail(() => validateFlowLogsArgs("flow-logs", flowLogArgs(labValue === undefined ? vpcIdValue : pulumi.output("vpc id of the lab, known after deployment"))));
// The watch (`pulumi config set alarms true`, docs/alarms.md): checked with everything else, before anything is registered.
const watch = validateOrFail(() =>
    resolveWatchSettings(
        stack,
        {
            alarms: config.getBoolean("alarms"),
            alarmPort: config.getNumber("alarmPort"),
            alarmRejectThreshold: config.getNumber("alarmRejectThreshold"),
            alarmUnansweredThreshold: config.getNumber("alarmUnansweredThreshold"),
            alarmPeriodSeconds: config.getNumber("alarmPeriodSeconds"),
            alarmEvaluationPeriods: config.getNumber("alarmEvaluationPeriods"),
            alarmEmail: config.get("alarmEmail"),
            alarmTopicArn: config.get("alarmTopicArn"),
        },
        validated.destination.destination,
        validated.settings.logFormat,
        validated.logGroupName,
    ),
);

/**
 * Where the provider deploys, asked once before anything is registered: the ARNs from config are
 * checked against it here, so a KMS key in another region stops the program with the one-line
 * message (a RunError the CLI prints without a stack trace). Checked inside a resource's input
 * instead, the refusal would come back as `error serializing property` and leave that resource's
 * dependants waiting for ever.
 */
async function providerPlace(): Promise<ProviderPlace> {
    const [region, partition, account] = await Promise.all([aws.getRegion(), aws.getPartition(), aws.getCallerIdentity()]);
    return { region: region.region, partition: partition.partition, accountId: account.accountId };
}

/** Registers the lab (if any) and the flow logs once the config's ARNs are known to fit the provider; resolves to the stack's outputs. */
async function deploy(): Promise<Record<string, unknown>> {
    const place = await providerPlace();
    validateOrFail(() => checkFlowLogsArnPlaces(validated, place));
    // The user's log group and role, read before anything is registered: a missing one, or a role
    // the flow-logs service may not assume, stops the program with one line.
    const existing = await validateOrFailAsync(() =>
        readExistingResources(
            { existingLogGroupName, existingRoleArn },
            place,
            { getLogGroup: (name) => aws.cloudwatch.getLogGroup({ name }), getRole: (name) => aws.iam.getRole({ name }) },
            (message) => pulumi.log.warn(message),
        ),
    );
    if (watch?.topicArn !== undefined) validateOrFail(() => checkArnPlace("alarmTopicArn", watch.topicArn as string, place));
    const lab = labValue === undefined ? undefined : new FlowLogLab("lab", { scenario: labValue, tags });
    const flowLogs = new VpcFlowLogs("flow-logs", { ...flowLogArgs(lab?.vpcId ?? vpcIdValue), providerPlace: place, existing });
    const region = flowLogs.region;
    const outputs: Record<string, unknown> = {
        destination: flowLogs.destination,
        flowLogIds: flowLogs.flowLogIds,
        logFormat: flowLogs.logFormat,
        logFormatKind: flowLogs.logFormatKind,
        trafficType: flowLogs.trafficType,
        maxAggregationInterval: flowLogs.maxAggregationInterval,
        region,
        capture,
    };
    const retentionInDays = validated.settings.retentionInDays;
    const isLab = lab !== undefined;

    // Each destination has outputs of its own: a shared key list would add the other's keys (undefined).
    const s3 = flowLogs.s3;
    if (s3 === undefined) {
        const logGroupName = flowLogs.logGroupName as pulumi.Output<string>;
        /** Every TCP 443 record (S3 over HTTPS), newest first: paste into Logs Insights on the log group. */
        const insightsQuery = buildRecordsQuery(flowLogs.format, { port: 443, protocol: 6 });
        Object.assign(outputs, {
            logGroupName,
            logGroupArn: flowLogs.logGroupArn,
            roleArn: flowLogs.roleArn,
            insightsQuery,
            insightsConsoleUrl: pulumi.all([flowLogs.partition, region, logGroupName]).apply(([p, r, name]) => consoleUrl(p, r, name, insightsQuery)),
            /** Saved query name (`vpc-flow-logs/<stack>/<title>`) -> query definition id; `{}` with savedQueries false. */
            savedQueries: flowLogs.savedQueryIds,
            cleanup: pulumi.all([logGroupName, region]).apply(
                ([name, r]) =>
                    (existingLogGroupName !== undefined
                        ? existingLogGroupCleanupInstruction(stack, name, existingRoleArn === undefined, validated.queries.length > 0)
                        : cleanupInstruction(stack, name, r, retainLogsOnDestroy, existingRoleArn === undefined, validated.queries.length > 0)) +
                    " " +
                    captureInstruction(stack, capture, {
                        what: listed([
                            `the ${existingLogGroupName !== undefined ? "records in the log group" : "log group"} ${name}${existingLogGroupName !== undefined ? "" : " with its records"}`,
                            ...(validated.queries.length > 0 ? ["the saved queries"] : []),
                            ...(validated.settings.existingRoleArn === undefined ? ["the IAM role and policy"] : []),
                        ]),
                        // An existing group keeps its own retention, which the stack does not set.
                        retentionInDays: existingLogGroupName !== undefined ? undefined : retentionInDays,
                        keptByOwnRules: "the log group's own retention setting keeps them",
                        lab: isLab,
                    }),
            ),
        });
    } else {
        Object.assign(outputs, {
            bucketName: s3.bucketName,
            bucketArn: s3.bucketArn,
            /** Where this account's and region's records land; the Athena table reads it. */
            recordsLocation: s3.recordsLocation,
            athenaDatabase: s3.athenaDatabase,
            athenaTable: s3.athenaTable,
            athenaWorkgroup: s3.athenaWorkgroup,
            athenaResultsLocation: s3.athenaResultsLocation,
            /** Today's TCP 443 records (S3 over HTTPS), newest first: run it in the athenaWorkgroup. */
            athenaQuery: pulumi
                .all([s3.athenaDatabase, s3.athenaTable])
                .apply(([database, table]) => buildAthenaRecordsQuery(flowLogs.format, { database, table }, { port: 443, protocol: 6 })),
            athenaConsoleUrl: pulumi.all([flowLogs.partition, region]).apply(([p, r]) => athenaUrl(p, r)),
            ...(s3.requiredBucketPolicy !== undefined ? { bucketPolicy: s3.requiredBucketPolicy } : {}),
            cleanup: s3.bucketName.apply((name) => {
                const ownBucket = s3.requiredBucketPolicy === undefined;
                const kept = {
                    what: `${ownBucket ? `the bucket ${name} with its records` : `the records in ${name}`}, the Glue table and the Athena workgroup`,
                    // The stack sets no lifecycle rule on a bucket it does not own.
                    retentionInDays: ownBucket ? retentionInDays : undefined,
                    lab: isLab,
                };
                return `${s3CleanupInstruction(stack, name, ownBucket, retainLogsOnDestroy)} ${captureInstruction(stack, capture, kept)}`;
            }),
        });
    }

    // Only a stack with alarms has these outputs; `vpc-flow-diagnose status` reads alarmNames.
    if (watch !== undefined) {
        const alarms = new FlowLogAlarms("flow-logs-alarms", { settings: watch, logGroupName: flowLogs.logGroupName as pulumi.Output<string>, tags });
        const skipped = notCreated(watch);
        for (const line of skipped) pulumi.log.warn(`alarms: not created for this logFormat: ${line}.`);
        Object.assign(outputs, {
            alarmNames: alarms.alarmNames,
            alarmMetricFilters: alarms.metricFilterNames,
            ...(alarms.ruleName !== undefined ? { contributorInsightRule: alarms.ruleName } : {}),
            ...(alarms.topicArn !== undefined ? { alarmTopicArn: alarms.topicArn } : {}),
            ...(skipped.length > 0 ? { alarmsNotCreated: skipped } : {}),
        });
    }

    // Only a lab stack has these outputs. `pulumi stack output labDiagnoseCommand` prints the
    // command to run once records arrive.
    if (lab !== undefined) {
        Object.assign(outputs, {
            labScenario: lab.scenario.name,
            labExpectedVerdict: lab.scenario.expectedVerdict,
            labGeneratorPrivateIp: lab.generatorPrivateIp,
            labGeneratorEniId: lab.generatorEniId,
            labDiagnoseCommand: lab.diagnoseCommand,
        });
    }
    return outputs;
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: string[]): string {
    return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

// The Pulumi runtime awaits an exported promise and takes what it resolves to as the stack's outputs.
export = deploy();

/**
 * The Pulumi program: reads the stack config (namespace `vpc-flow-logs:`), creates the flow logs,
 * and exports what a person needs to read them. Only this file reads config; the component takes
 * plain, typed arguments.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildRecordsQuery } from "./analysis/insightsQuery";
import { DEFAULTS, normalizeTrafficType, readIdList, readTags } from "./components/flowLogSettings";
import { FlowLogLab } from "./components/lab";
import { checkLabFlowLogSettings, checkLabStandsAlone, resolveLabScenario } from "./components/labScenarios";
import { cleanupInstruction, insightsConsoleUrl as consoleUrl } from "./components/stackOutputs";
import { validateOrFail } from "./components/userErrors";
import { VpcFlowLogs } from "./components/vpcFlowLogs";

const config = new pulumi.Config("vpc-flow-logs");
const stack = pulumi.getStack();

const retainLogsOnDestroy = config.getBoolean("retainLogsOnDestroy") ?? false;
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
if (labValue !== undefined) {
    validateOrFail(() => {
        resolveLabScenario(labValue);
        checkLabStandsAlone(labValue, { vpcId: vpcIdValue, subnetIds, eniIds });
        checkLabFlowLogSettings(
            labValue,
            normalizeTrafficType(trafficTypeValue ?? DEFAULTS.trafficType),
            maxAggregationIntervalValue ?? DEFAULTS.maxAggregationInterval,
        );
    });
}
const lab = labValue === undefined ? undefined : new FlowLogLab("lab", { scenario: labValue, tags });

const flowLogs = new VpcFlowLogs("flow-logs", {
    vpcId: lab?.vpcId ?? vpcIdValue,
    subnetIds,
    eniIds,
    trafficType: trafficTypeValue,
    // Logs Insights -> Saved queries -> vpc-flow-logs/<stack> in the console.
    savedQueries: config.getBoolean("savedQueries") ?? true,
    savedQueryFolder: `vpc-flow-logs/${stack}`,
    maxAggregationInterval: maxAggregationIntervalValue,
    // The lab is there to check the diagnosis, which reads tcp-flags and flow-direction best.
    // (Pulumi.yaml declares no default for logFormat: a declared one would hide "not set".)
    logFormat: config.get("logFormat") ?? (lab !== undefined ? "diagnostic" : undefined),
    logGroupName: config.get("logGroupName") ?? `/vpc-flow-logs/${stack}`,
    retentionInDays: config.getNumber("retentionInDays"),
    kmsKeyArn: config.get("kmsKeyArn"),
    retainLogsOnDestroy,
    existingRoleArn: config.get("existingRoleArn"),
    tags,
});

export const logGroupName = flowLogs.logGroupName;
export const logGroupArn = flowLogs.logGroupArn;
export const roleArn = flowLogs.roleArn;
export const flowLogIds = flowLogs.flowLogIds;
export const logFormat = flowLogs.logFormat;
export const logFormatKind = flowLogs.logFormatKind;
export const trafficType = flowLogs.trafficType;
export const maxAggregationInterval = flowLogs.maxAggregationInterval;
export const region = flowLogs.region;
/** Every TCP 443 record (S3 over HTTPS), newest first: paste into Logs Insights on the log group. */
export const insightsQuery = buildRecordsQuery(flowLogs.format, { port: 443, protocol: 6 });
export const insightsConsoleUrl = pulumi
    .all([flowLogs.partition, region, logGroupName])
    .apply(([p, r, name]) => consoleUrl(p, r, name, insightsQuery));
/** Saved query name (`vpc-flow-logs/<stack>/<title>`) -> query definition id; `{}` with savedQueries false. */
export const savedQueries = flowLogs.savedQueryIds;
export const cleanup = pulumi
    .all([logGroupName, region])
    .apply(([name, r]) => cleanupInstruction(stack, name, r, retainLogsOnDestroy));

// Only a lab stack has these outputs: an `export const` would add the keys (undefined) to every
// stack. `pulumi stack output labDiagnoseCommand` prints the command to run once records arrive.
if (lab !== undefined) {
    Object.assign(exports, {
        labScenario: lab.scenario.name,
        labExpectedVerdict: lab.scenario.expectedVerdict,
        labGeneratorPrivateIp: lab.generatorPrivateIp,
        labGeneratorEniId: lab.generatorEniId,
        labDiagnoseCommand: lab.diagnoseCommand,
    });
}

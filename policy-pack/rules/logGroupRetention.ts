/**
 * Advisory: a log group that receives flow logs has a retention, so stored records stop growing
 * (CloudWatch Logs keeps a group's events forever unless retentionInDays is set; AWS Config rule
 * cw-loggroup-retention-period-check). The minimum is configurable (`minimumRetentionDays`, default
 * 1: any retention); that rule's own default is 365 days.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, named, ofType, refersTo, valueNames } from "./stackGraph";

export const FLOW_LOG_GROUP_RETENTION = "flow-log-group-retention";

export interface RetentionConfig {
    readonly minimumRetentionDays?: number;
}

/** Whether a flow log delivers into the log group: by its ARN (or the streams' `<arn>:*`), or the legacy logGroupName. */
function receives(flowLog: PolicyResource, logGroup: PolicyResource): boolean {
    if (refersTo(flowLog, "logDestination", logGroup) || refersTo(flowLog, "logGroupName", logGroup)) return true;
    const destination = flowLog.props.logDestination;
    return typeof destination === "string" && destination.endsWith(":*") && valueNames(destination.slice(0, -2), logGroup);
}

export function validateLogGroupRetention(args: StackValidationArgs, reportViolation: ReportViolation): void {
    const minimum = args.getConfig<RetentionConfig>().minimumRetentionDays ?? 1;
    const flowLogs = ofType(args.resources, TYPES.flowLog);
    for (const logGroup of ofType(args.resources, TYPES.logGroup).filter((g) => flowLogs.some((f) => receives(f, g)))) {
        const days = logGroup.props.retentionInDays;
        if (days === undefined || days === null || days === 0) {
            // Unset and 0 both mean "never expire"; a value computed from outputs is also undefined
            // during preview, which this cannot tell apart (the policy is advisory, and says so).
            reportViolation(
                `Log group ${named(logGroup)} receives flow logs and never expires them (retentionInDays is 0 or not set): set retentionInDays, e.g. 7.`,
                logGroup.urn,
            );
        } else if (typeof days === "number" && days < minimum) {
            reportViolation(
                `Log group ${named(logGroup)} keeps flow logs ${days} days, fewer than the ${minimum} this policy's minimumRetentionDays asks for.`,
                logGroup.urn,
            );
        }
    }
}

export const flowLogGroupRetention: StackValidationPolicy = {
    name: FLOW_LOG_GROUP_RETENTION,
    description: "Log groups that receive flow logs have a retention (retentionInDays), at least minimumRetentionDays.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            minimumRetentionDays: { type: "integer", minimum: 1, default: 1, description: "The fewest days a flow-log group may keep its records." },
        },
    },
    validateStack: validateLogGroupRetention,
};

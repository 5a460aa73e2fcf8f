/**
 * Mandatory: every VPC of the stack has a flow log of traffic type ALL, on the VPC or on each of
 * its subnets (AWS Security Hub EC2.6 asks for flow logs on every VPC; this project asks for ALL,
 * because a routing diagnosis needs the accepted records as well as the rejected ones).
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, named, ofType, refersTo } from "./stackGraph";

export const VPC_FLOW_LOG_REQUIRED = "vpc-flow-log-required";

const trafficTypeOf = (flowLog: PolicyResource): string | undefined => {
    const value = flowLog.props.trafficType;
    return typeof value === "string" ? value : undefined;
};

export function validateVpcFlowLogs(args: StackValidationArgs, reportViolation: ReportViolation): void {
    const flowLogs = ofType(args.resources, TYPES.flowLog);
    const subnets = ofType(args.resources, TYPES.subnet);
    for (const vpc of ofType(args.resources, TYPES.vpc)) {
        const vpcLogs = flowLogs.filter((f) => refersTo(f, "vpcId", vpc));
        const ownSubnets = subnets.filter((s) => refersTo(s, "vpcId", vpc));
        const subnetLogs = ownSubnets.map((s) => flowLogs.filter((f) => refersTo(f, "subnetId", s)));
        const unloggedSubnets = ownSubnets.filter((_, i) => subnetLogs[i].length === 0);
        const coveredBySubnets = ownSubnets.length > 0 && unloggedSubnets.length === 0;

        if (vpcLogs.length === 0 && !coveredBySubnets) {
            const partly =
                ownSubnets.length > unloggedSubnets.length
                    ? `, and ${unloggedSubnets.length} of its ${ownSubnets.length} subnets (${unloggedSubnets.map(named).join(", ")}) have none either`
                    : "";
            reportViolation(
                `VPC ${named(vpc)} has no flow log${partly}: add an aws.ec2.FlowLog with vpcId set to this VPC (or one on each of its subnets) and trafficType ALL.`,
                vpc.urn,
            );
            continue;
        }
        // The logs that count: the VPC's own, else those of its subnets (each subnet needs an ALL one).
        const all = (logs: PolicyResource[]) => logs.some((f) => trafficTypeOf(f) === "ALL");
        if (all(vpcLogs) || (coveredBySubnets && subnetLogs.every(all))) continue;
        const counted = vpcLogs.length > 0 ? vpcLogs : subnetLogs.filter((logs) => !all(logs)).flat();
        // A traffic type not known yet (computed during preview) is not judged: `pulumi up` runs
        // the policy again on the deployed values.
        if (counted.some((f) => trafficTypeOf(f) === undefined)) continue;
        const types = [...new Set(counted.map((f) => trafficTypeOf(f) as string))].sort();
        reportViolation(
            `VPC ${named(vpc)} is logged with trafficType ${types.join(" and ")} only: set trafficType ALL (a diagnosis needs the accepted and the rejected records to tell routing from a security group or network ACL).`,
            vpc.urn,
        );
    }
}

export const vpcFlowLogRequired: StackValidationPolicy = {
    name: VPC_FLOW_LOG_REQUIRED,
    description: "Every aws.ec2.Vpc in the stack has an aws.ec2.FlowLog with trafficType ALL, on the VPC or on each of its subnets.",
    enforcementLevel: "mandatory",
    validateStack: validateVpcFlowLogs,
};

/**
 * The pack's policies, in the order the engine reports them. Plain objects: tests call their
 * validateStack directly; index.ts hands them to the PolicyPack.
 */
import type { Policies } from "@pulumi/policy";
import { flowLogDeliveryRole } from "./rules/deliveryRole";
import { flowLogGroupRetention } from "./rules/logGroupRetention";
import { s3FlowLogDestination } from "./rules/s3Destination";
import { vpcFlowLogRequired } from "./rules/vpcFlowLogRequired";

export const POLICY_PACK_NAME = "vpc-flow-logs";

export const policies: Policies = [vpcFlowLogRequired, flowLogDeliveryRole, flowLogGroupRetention, s3FlowLogDestination];

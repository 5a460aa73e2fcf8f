/**
 * IAM policy documents for flow-log delivery to CloudWatch Logs. Pure functions of plain strings so
 * the exact documents can be tested without Pulumi.
 *
 * Source: "IAM role for publishing flow logs to CloudWatch Logs", AWS VPC user guide
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
 */

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    /** A service, or "*" (everyone: only in Deny statements here). */
    readonly Principal?: { readonly Service: string } | "*";
    readonly Action: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Condition?: Record<string, Record<string, string>>;
}

export const FLOW_LOGS_SERVICE_PRINCIPAL = "vpc-flow-logs.amazonaws.com";

/**
 * The actions the flow-logs service needs to deliver into an existing log group.
 * `logs:CreateLogGroup` is left out on purpose: after a destroy, in-flight delivery would re-create
 * the deleted group and the next deploy would fail with "already exists".
 */
export const DELIVERY_ACTIONS: readonly string[] = [
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
];

export interface AccountContext {
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
}

/**
 * Trust policy: only the flow-logs service may assume the role, and only on behalf of flow logs in
 * this account and region. The conditions stop the confused-deputy problem, where another account's
 * flow log would be pointed at this role.
 */
export function flowLogsTrustPolicy(ctx: AccountContext): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowVpcFlowLogsToAssumeRole",
                Effect: "Allow",
                Principal: { Service: FLOW_LOGS_SERVICE_PRINCIPAL },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": ctx.accountId },
                    ArnLike: { "aws:SourceArn": `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:vpc-flow-log/*` },
                },
            },
        ],
    };
}

/**
 * Delivery permissions scoped to one log group's streams. The resource must end in `:*`: log
 * streams are sub-resources of the group, and without the suffix delivery reports "Access error".
 */
export function flowLogsDeliveryPolicy(logGroupArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DeliverFlowLogsToOneLogGroup",
                Effect: "Allow",
                Action: DELIVERY_ACTIONS,
                Resource: logStreamsResource(logGroupArn),
            },
        ],
    };
}

/** `<logGroupArn>:*`, tolerating an ARN that already ends in `:*` (older providers returned that). */
export function logStreamsResource(logGroupArn: string): string {
    return logGroupArn.endsWith(":*") ? logGroupArn : `${logGroupArn}:*`;
}

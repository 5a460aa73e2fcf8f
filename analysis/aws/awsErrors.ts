/**
 * Turns AWS SDK errors into messages a person can act on. Switches on `error.name`, as the SDK's
 * error-handling guide advises; anything unrecognised keeps AWS's own message.
 */

import { CONFIG_CHECK_IAM_ACTIONS } from "../verdict/config/ec2Documents";

/** What the person running the CLI needs for the diagnosis and status; docs/iam.md lists the same policy. */
export const CLI_IAM_ACTIONS: readonly string[] = [
    "logs:StartQuery",
    "logs:GetQueryResults",
    "logs:StopQuery",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
    // status reads the newest record itself: a stream's lastEventTimestamp is eventually consistent.
    "logs:FilterLogEvents",
    "ec2:DescribeFlowLogs",
    "ecs:DescribeTasks",
    "ec2:DescribeManagedPrefixLists",
    "ec2:GetManagedPrefixListEntries",
    // Flow logs in S3: the Athena query (Athena reads the table from Glue and the objects from S3
    // with the caller's own permissions, and writes the results to the workgroup's location), and
    // status's listing of the newest object.
    "athena:StartQueryExecution",
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:StopQueryExecution",
    "glue:GetDatabase",
    "glue:GetTable",
    "s3:GetBucketLocation",
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    // status of a stack with alarms: each alarm's state.
    "cloudwatch:DescribeAlarms",
];

/**
 * Every action the CLI's IAM policy in docs/iam.md grants: the diagnosis and status calls, then the
 * configuration check's read-only EC2 calls (which name themselves when denied), each once.
 */
export const CLI_POLICY_ACTIONS: readonly string[] = [...new Set([...CLI_IAM_ACTIONS, ...CONFIG_CHECK_IAM_ACTIONS])];

export interface AwsErrorContext {
    readonly logGroupName?: string;
    /** `db.table` and workgroup of an Athena diagnosis. */
    readonly athenaTable?: string;
    readonly workgroup?: string;
    /** The bucket `status` lists for an S3 stack. */
    readonly bucketName?: string;
    readonly region?: string;
    readonly query?: string;
    /** The IAM action of the call that failed, when known: an access-denied message names it. */
    readonly action?: string;
    /** Who needs which actions, for an access-denied message; the whole CLI's list unless a step says its own. */
    readonly needs?: { readonly who: string; readonly actions: readonly string[] };
}

const ACCESS_DENIED = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation"]);

/** AWS's refusals of a call for want of permission (EC2 names it UnauthorizedOperation). */
export function isAccessDenied(err: unknown): boolean {
    return ACCESS_DENIED.has((err as { name?: string } | undefined)?.name ?? "");
}

/** Node's codes for an endpoint that cannot be reached; the SDK renames a timeout `TimeoutError`. */
const UNREACHABLE = new Set(["ENOTFOUND", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN", "ECONNRESET"]);

/**
 * The errors any AWS call can meet, whatever the service: credentials, permission, region and
 * network. Undefined for anything else (a service's own error), which the caller explains itself.
 */
export function explainCallerAwsError(err: unknown, ctx: AwsErrorContext): string | undefined {
    const e = (err ?? {}) as { name?: string; message?: string; code?: string };
    const name = e.name ?? "";
    const awsMessage = (e.message ?? String(err)).trim();
    const where = ctx.region ? ` in ${ctx.region}` : "";
    switch (name) {
        case "CredentialsProviderError":
            return (
                "No AWS credentials were found. Set AWS_PROFILE (and run 'aws sso login' for an SSO profile), or " +
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again. 'aws sts get-caller-identity' should answer."
            );
        case "ExpiredTokenException":
        case "ExpiredToken":
            return "Your AWS credentials have expired. Refresh them (e.g. 'aws sso login') and try again.";
        case "UnrecognizedClientException":
        case "InvalidClientTokenId":
        case "InvalidSignatureException":
        case "AuthFailure":
            return `AWS did not accept your credentials${where} (${name}). Check AWS_PROFILE or the access keys, and that the region is enabled for your account.`;
        default:
            break;
    }
    if (isAccessDenied(err)) {
        const needs = ctx.needs ?? { who: "The CLI", actions: CLI_IAM_ACTIONS };
        return `AWS denied ${ctx.action ?? "the request"}${where}: ${awsMessage}\n${needs.who} needs these IAM actions: ${needs.actions.join(", ")} (see docs/iam.md for a policy).`;
    }
    if (/region is missing/i.test(awsMessage)) {
        return "No AWS region: pass --region, set AWS_REGION, or use --stack so the stack's region is used.";
    }
    if ((e.code !== undefined && UNREACHABLE.has(e.code)) || name === "TimeoutError") {
        return `Could not reach AWS${where} (${e.code ?? "timed out"}). Check the region name, your network or proxy, and AWS_ENDPOINT_URL if you set it.`;
    }
    return undefined;
}

export function explainAwsError(err: unknown, ctx: AwsErrorContext): string {
    const general = explainCallerAwsError(err, ctx);
    if (general !== undefined) return general;
    const e = err as { name?: string; message?: string };
    const name = e.name ?? "";
    const awsMessage = (e.message ?? String(err)).trim();
    const where = ctx.region ? ` in ${ctx.region}` : "";
    switch (name) {
        case "ResourceNotFoundException":
            return (
                `Log group '${ctx.logGroupName ?? "?"}' was not found${where}. Deploy the stack ('pulumi up'), ` +
                "or point at the region it lives in with --region."
            );
        case "InvalidRequestException":
            // Athena's answer to a workgroup or database it does not know, among others.
            return (
                `Athena refused the request${where}: ${awsMessage}\n` +
                `Check the workgroup (${ctx.workgroup ?? "?"}) and the table (${ctx.athenaTable ?? "?"}) exist in this region: deploy the stack ('pulumi up'), or pass --region.`
            );
        case "NoSuchBucket":
            return `Bucket '${ctx.bucketName ?? "?"}' does not exist${where}. Deploy the stack ('pulumi up'), or check --region.`;
        case "MalformedQueryException":
            return `Logs Insights rejected the query: ${awsMessage}\nThe query was:\n${ctx.query ?? "(not available)"}`;
        case "InvalidParameterException":
            return `CloudWatch Logs rejected a parameter${where}: ${awsMessage}`;
        default:
            return `AWS request failed${where}: ${name ? name + ": " : ""}${awsMessage}`;
    }
}

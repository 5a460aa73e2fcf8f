/**
 * Text the stack exports for the person at the console: a Logs Insights link and the cleanup line.
 * Pure string building, so the exact text is tested.
 */

/** Console host per partition; GovCloud and China have consoles of their own. */
function consoleBase(partition: string, region: string): string {
    switch (partition) {
        case "aws-cn":
            return `https://${region}.console.amazonaws.cn`;
        case "aws-us-gov":
            return "https://console.amazonaws-us-gov.com";
        default:
            return `https://${region}.console.aws.amazon.com`;
    }
}

/**
 * A value inside the console's `queryDetail` state: percent-encoded, then `%` written as `*`, the
 * escaping the CloudWatch console uses for its own share links. Characters that are syntax in that
 * state (`~ ' ( ) ! *`) are escaped too.
 */
function consoleStateValue(text: string): string {
    return encodeURIComponent(text)
        .replace(/[!'()*~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())
        .replace(/%/g, "*");
}

/**
 * Opens Logs Insights on the flow-log group with the query filled in, over the last hour.
 * If the console ever stops understanding the pre-filled state, the link still opens Logs Insights
 * in the right region, and the README says to pick the log group and paste `insightsQuery`.
 */
export function insightsConsoleUrl(partition: string, region: string, logGroupName: string, query: string): string {
    const detail =
        "~(end~0~start~-3600~timeType~'RELATIVE~unit~'seconds" +
        `~editorString~'${consoleStateValue(query)}` +
        `~source~(~'${consoleStateValue(logGroupName)}))`;
    return `${consoleBase(partition, region)}/cloudwatch/home?region=${region}#logsV2:logs-insights$3FqueryDetail$3D${detail}`;
}

/** One line that says how to remove everything this stack made, and what survives it. */
export function cleanupInstruction(stack: string, logGroupName: string, region: string, retainLogsOnDestroy: boolean): string {
    const destroy = `pulumi destroy --stack ${stack}`;
    // `pulumi destroy` does not run the program: it reads retainOnDelete from the state the last
    // update saved, so a changed retainLogsOnDestroy counts only after a `pulumi up`.
    if (!retainLogsOnDestroy) {
        return (
            `Run '${destroy}' to delete the flow logs, the IAM role and policy, and the log group ${logGroupName} with its records (ingest stops at once). ` +
            `To keep the records, run 'pulumi config set retainLogsOnDestroy true' and 'pulumi up' first: destroy uses the setting of the last update.`
        );
    }
    return (
        `Run '${destroy}' to delete the flow logs and the IAM role and policy; the log group ${logGroupName} is kept (retainLogsOnDestroy, as of the last update: after changing it, run 'pulumi up' before destroying). ` +
        `Delete it later with 'aws logs delete-log-group --log-group-name ${logGroupName} --region ${region}'.`
    );
}

/** The cleanup line of a stack that delivers into the user's log group: destroy never touches the group. */
export function existingLogGroupCleanupInstruction(stack: string, logGroupName: string, ownRole: boolean): string {
    const ours = ownRole ? "the flow logs, the IAM role and policy, and the saved queries" : "the flow logs and the saved queries";
    return `Run 'pulumi destroy --stack ${stack}' to delete ${ours}; the log group ${logGroupName} is not the stack's and stays, with its records, retention and encryption as they are.`;
}

/**
 * Opens the Athena query editor in the stack's region. The console has no documented way to fill
 * in a query or pick the workgroup from a link: choose the `athenaWorkgroup` and paste `athenaQuery`.
 */
export function athenaConsoleUrl(partition: string, region: string): string {
    return `${consoleBase(partition, region)}/athena/home?region=${region}#/query-editor`;
}

/** The cleanup line of an S3 stack: what destroy deletes, and what it cannot. */
export function s3CleanupInstruction(stack: string, bucketName: string, ownBucket: boolean, retainLogsOnDestroy: boolean): string {
    const destroy = `pulumi destroy --stack ${stack}`;
    const athena = "the Glue table and database, the Athena workgroup and its results bucket";
    if (!ownBucket) {
        return `Run '${destroy}' to delete the flow logs and ${athena}; the records in ${bucketName} are yours and stay.`;
    }
    if (retainLogsOnDestroy) {
        return (
            `Run '${destroy}' to delete the flow logs and ${athena}; the bucket ${bucketName} and its records are kept (retainLogsOnDestroy, as of the last update). ` +
            `Delete them later with 'aws s3 rb s3://${bucketName} --force'.`
        );
    }
    return (
        `Run '${destroy}' to delete the flow logs, ${athena}, and the bucket ${bucketName}. ` +
        `A bucket that still holds records is never emptied for you: the delete then fails (BucketNotEmpty) until you run 'aws s3 rm s3://${bucketName} --recursive', ` +
        `or keep it with 'pulumi config set retainLogsOnDestroy true' and 'pulumi up' before destroying.`
    );
}

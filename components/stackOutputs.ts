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

/** `a`, `a and b`, `a, b, and c`: what a cleanup line says destroy deletes. */
function deletedItems(items: readonly string[]): string {
    return items.length <= 2 ? items.join(" and ") : `${items.slice(0, -1).join(", ")}, and ${items[items.length - 1]}`;
}

/** What destroy deletes besides the log group: only what this stack created (the role with no existingRoleArn, the queries with savedQueries on). */
function ownedBesidesLogGroup(ownRole: boolean, savedQueries: boolean): string[] {
    return ["the flow logs", ...(ownRole ? ["the IAM role and policy"] : []), ...(savedQueries ? ["the saved queries"] : [])];
}

/** One line that says how to remove everything this stack made, and what survives it. */
export function cleanupInstruction(stack: string, logGroupName: string, region: string, retainLogsOnDestroy: boolean, ownRole: boolean, savedQueries: boolean): string {
    const destroy = `pulumi destroy --stack ${stack}`;
    // With existingRoleArn the role is the user's: destroy leaves it, so the line must not promise to delete it.
    // `pulumi destroy` does not run the program: it reads retainOnDelete from the state the last
    // update saved, so a changed retainLogsOnDestroy counts only after a `pulumi up`.
    const owned = ownedBesidesLogGroup(ownRole, savedQueries);
    if (!retainLogsOnDestroy) {
        return (
            `Run '${destroy}' to delete ${deletedItems([...owned, `the log group ${logGroupName} with its records`])} (ingest stops at once). ` +
            `To keep the records, run 'pulumi config set retainLogsOnDestroy true' and 'pulumi up' first: destroy uses the setting of the last update.`
        );
    }
    return (
        `Run '${destroy}' to delete ${deletedItems(owned)}; the log group ${logGroupName} is kept (retainLogsOnDestroy, as of the last update: after changing it, run 'pulumi up' before destroying). ` +
        `Delete it later with 'aws logs delete-log-group --log-group-name ${logGroupName} --region ${region}'.`
    );
}

/** The cleanup line of a stack that delivers into the user's log group: destroy never touches the group. */
export function existingLogGroupCleanupInstruction(stack: string, logGroupName: string, ownRole: boolean, savedQueries: boolean): string {
    return `Run 'pulumi destroy --stack ${stack}' to delete ${deletedItems(ownedBesidesLogGroup(ownRole, savedQueries))}; the log group ${logGroupName} is not the stack's and stays, with its records, retention and encryption as they are.`;
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

/** The `capture` output: whether the stack's flow logs exist (`capture` true) or are paused. */
export type CaptureState = "on" | "paused";

export const captureState = (capture: boolean): CaptureState => (capture ? "on" : "paused");

/** What a paused stack keeps, for {@link captureInstruction}. */
export interface KeptWhilePaused {
    /** The resources that stay, e.g. `the log group /vpc-flow-logs/dev with its records, the saved queries and the IAM role`. */
    readonly what: string;
    /**
     * Days the records are kept (retentionInDays: the log group's retention, or the own bucket's
     * expiration rule); 0 = never expire; undefined when the bucket is the user's, whose rules are theirs.
     */
    readonly retentionInDays?: number;
    /** Whose rules keep the records when retentionInDays is undefined, as a clause; default the user's bucket's lifecycle rules. */
    readonly keptByOwnRules?: string;
    /** A lab stack: its network and generator stay too, and the instance costs by the hour. */
    readonly lab: boolean;
}

function keptFor(retentionInDays: number | undefined, keptByOwnRules = "your bucket's own lifecycle rules keep them"): string {
    if (retentionInDays === undefined) return `for as long as ${keptByOwnRules}`;
    if (retentionInDays === 0) return "until you delete them (retentionInDays 0: never expire)";
    // Expiry counts from each record (the log group's retention) or file (the bucket's rule): the
    // newest ones go this many days after the pause too.
    const days = `${retentionInDays} day${retentionInDays === 1 ? "" : "s"}`;
    return `for ${days} (retentionInDays), so a pause longer than ${days} leaves none`;
}

/**
 * The pause step of the cleanup output, next to destroy: with capture on, how to stop paying for
 * ingest and keep the evidence; with capture paused, that it is, what it still costs, and how to
 * resume. Deleting a flow log stops new records and nothing else (the records already delivered
 * stay where they are), so the only cost left is storing them.
 */
export function captureInstruction(stack: string, capture: CaptureState, kept: KeptWhilePaused): string {
    const set = (value: boolean) => `'pulumi config set capture ${value} --stack ${stack} && pulumi up --stack ${stack}'`;
    const lab = kept.lab
        ? " The lab's network and its generator instance stay too, and the instance keeps costing by the hour: only destroy removes it."
        : "";
    if (capture === "on") {
        return (
            `To stop paying for ingest but keep ${kept.what}, pause capture instead: ${set(false)} deletes the flow logs only, ` +
            `and the records then cost storage only, kept ${keptFor(kept.retentionInDays, kept.keptByOwnRules)}; ${set(true)} brings the flow logs back.${lab}`
        );
    }
    return (
        `Capture is paused (capture=false): no flow log, so no new records and no ingest; ${kept.what} stay and cost storage only, ` +
        `the records kept ${keptFor(kept.retentionInDays, kept.keptByOwnRules)}. Resume with ${set(true)}.${lab}`
    );
}

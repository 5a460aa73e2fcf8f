/**
 * What a live diagnosis asks CloudWatch Logs before it pays for a query: the log group, whether it
 * has streams, and one interface's stream names. Plain facts out; the decisions stay in app/.
 */
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { LogsClient } from "./insightsQueryRunner";

export interface LogGroupFacts {
    readonly logGroupName: string;
    /** Milliseconds since the epoch, as CloudWatch Logs reports it. */
    readonly creationTime?: number;
    /** STANDARD or INFREQUENT_ACCESS; absent from older answers (then STANDARD). */
    readonly logGroupClass?: string;
}

/** The group of exactly that name, or undefined (DescribeLogGroups matches by prefix). */
export async function findLogGroup(logs: LogsClient, logGroupName: string): Promise<LogGroupFacts | undefined> {
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName, limit: 50 }));
    const group = (groups.logGroups ?? []).find((g) => g.logGroupName === logGroupName);
    if (group === undefined) return undefined;
    return {
        logGroupName,
        ...(group.creationTime !== undefined ? { creationTime: group.creationTime } : {}),
        ...(group.logGroupClass !== undefined ? { logGroupClass: group.logGroupClass } : {}),
    };
}

/** True when the group holds at least one log stream. */
export async function hasLogStreams(logs: LogsClient, logGroupName: string): Promise<boolean> {
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName, limit: 1 }));
    return (streams.logStreams ?? []).length > 0;
}

/** The names of the group's streams that start with `prefix` (the first 50). */
export async function logStreamNames(logs: LogsClient, logGroupName: string, prefix: string): Promise<string[]> {
    const response = await logs.send(new DescribeLogStreamsCommand({ logGroupName, logStreamNamePrefix: prefix, limit: 50 }));
    return (response.logStreams ?? []).map((s) => s.logStreamName).filter((n): n is string => n !== undefined);
}

/**
 * `vpc-flow-diagnose status`: is anything arriving? Each flow log's state and delivery status with
 * AWS's own error text, the log group's size, streams (one per ENI) and newest event, and what to
 * check when nothing arrives (the VPC guide's "no logs" troubleshooting).
 */
import { DescribeFlowLogsCommand, EC2Client, Filter, FlowLog } from "@aws-sdk/client-ec2";
import { CloudWatchLogsClient, DescribeLogGroupsCommand, DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { FlowLogSource } from "./stackSource";

export type Ec2Client = Pick<EC2Client, "send">;
export type CwlClient = Pick<CloudWatchLogsClient, "send">;

export interface FlowLogState {
    readonly flowLogId: string;
    readonly resourceId: string;
    readonly flowLogStatus: string;
    readonly deliverLogsStatus: string;
    readonly deliverLogsErrorMessage?: string;
    readonly trafficType: string;
    readonly createdAt?: string;
}

export interface StatusReport {
    readonly logGroupName: string;
    readonly region: string;
    readonly flowLogs: FlowLogState[];
    readonly logGroupExists: boolean;
    readonly storedBytes?: number;
    readonly retentionInDays?: number;
    /** Streams seen, capped at STREAM_SAMPLE. */
    readonly logStreams: number;
    readonly moreStreams: boolean;
    readonly newestEvent?: string;
    readonly findings: string[];
}

/** DescribeLogStreams returns at most 50 per call; the newest 50 are enough to judge delivery. */
export const STREAM_SAMPLE = 50;
export const STALE_MS = 15 * 60 * 1000;

export async function collectStatus(
    ec2: Ec2Client,
    logs: CwlClient,
    source: FlowLogSource & { readonly region: string },
    now: Date,
): Promise<StatusReport> {
    const ids = source.flowLogIds ? Object.values(source.flowLogIds) : [];
    const filters: Filter[] = ids.length > 0 ? [{ Name: "flow-log-id", Values: ids }] : [{ Name: "log-group-name", Values: [source.logGroupName] }];
    const flowLogsResponse = await ec2.send(new DescribeFlowLogsCommand({ Filter: filters }));
    const flowLogs: FlowLogState[] = (flowLogsResponse.FlowLogs ?? []).map(toFlowLogState);

    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: source.logGroupName, limit: 50 }));
    const group = (groups.logGroups ?? []).find((g) => g.logGroupName === source.logGroupName);
    let logStreams = 0;
    let newestEventMs: number | undefined;
    if (group) {
        const streams = await logs.send(
            new DescribeLogStreamsCommand({ logGroupName: source.logGroupName, orderBy: "LastEventTime", descending: true, limit: STREAM_SAMPLE }),
        );
        logStreams = streams.logStreams?.length ?? 0;
        newestEventMs = streams.logStreams?.map((s) => s.lastEventTimestamp ?? 0).reduce((a, b) => Math.max(a, b), 0) || undefined;
    }

    const report = {
        logGroupName: source.logGroupName,
        region: source.region,
        flowLogs,
        logGroupExists: group !== undefined,
        storedBytes: group?.storedBytes,
        retentionInDays: group?.retentionInDays,
        logStreams,
        moreStreams: logStreams >= STREAM_SAMPLE,
        newestEvent: newestEventMs ? new Date(newestEventMs).toISOString() : undefined,
    };
    return { ...report, findings: statusFindings(report, now) };
}

export function toFlowLogState(f: FlowLog): FlowLogState {
    return {
        flowLogId: f.FlowLogId ?? "?",
        resourceId: f.ResourceId ?? "?",
        flowLogStatus: f.FlowLogStatus ?? "?",
        deliverLogsStatus: f.DeliverLogsStatus ?? "?",
        deliverLogsErrorMessage: f.DeliverLogsErrorMessage,
        trafficType: f.TrafficType ?? "?",
        createdAt: f.CreationTime?.toISOString(),
    };
}

/** What to do next, from the facts alone; empty when delivery looks healthy. */
export function statusFindings(r: Omit<StatusReport, "findings">, now: Date): string[] {
    const findings: string[] = [];
    if (!r.logGroupExists) {
        findings.push(`Log group ${r.logGroupName} does not exist in ${r.region}: deploy the stack ('pulumi up') or check --region.`);
    }
    if (r.flowLogs.length === 0) {
        findings.push(`No flow log delivers to ${r.logGroupName} in ${r.region}: run 'pulumi up', or check --region.`);
    }
    for (const f of r.flowLogs) {
        if (f.deliverLogsStatus === "FAILED") {
            const access = /access/i.test(f.deliverLogsErrorMessage ?? "");
            findings.push(
                `Flow log ${f.flowLogId} (${f.resourceId}) cannot deliver: ${f.deliverLogsErrorMessage ?? "no reason given"}.` +
                    (access
                        ? " Check that the delivery policy is attached to the role, covers '<logGroupArn>:*', and that the role trusts vpc-flow-logs.amazonaws.com; with a KMS key, that the key policy allows logs.<region>.amazonaws.com."
                        : " See the flow log in the VPC console for details."),
            );
        }
        if (f.flowLogStatus !== "ACTIVE") findings.push(`Flow log ${f.flowLogId} is ${f.flowLogStatus}, not ACTIVE.`);
    }
    if (r.logGroupExists && r.logStreams === 0) {
        const newest = r.flowLogs.map((f) => (f.createdAt ? Date.parse(f.createdAt) : 0)).reduce((a, b) => Math.max(a, b), 0);
        const minutes = newest ? Math.floor((now.getTime() - newest) / 60000) : undefined;
        findings.push(
            "No log streams yet: one appears per network interface once it has traffic and records are delivered. " +
                (minutes !== undefined && minutes < 10
                    ? `The newest flow log was created ${minutes} min ago; delivery takes 5-10 minutes.`
                    : "Is there traffic on the logged interfaces? Is this the stack's region?"),
        );
    } else if (r.newestEvent && now.getTime() - Date.parse(r.newestEvent) > STALE_MS) {
        findings.push(
            `The newest event is from ${r.newestEvent}, over 15 minutes ago: no traffic lately, or delivery stopped. ` +
                "(CloudWatch updates a stream's last event time lazily, so allow for some lag.)",
        );
    }
    return findings;
}

export function renderStatus(r: StatusReport): string {
    const lines = [`Flow logs delivering to ${r.logGroupName} (${r.region})`, ""];
    if (r.flowLogs.length === 0) lines.push("  no flow logs found");
    for (const f of r.flowLogs) {
        const error = f.deliverLogsErrorMessage ? ` (${f.deliverLogsErrorMessage})` : "";
        lines.push(`  ${f.flowLogId}  ${f.resourceId}  ${f.flowLogStatus}  delivery ${f.deliverLogsStatus}${error}  filter ${f.trafficType}`);
    }
    lines.push("");
    if (r.logGroupExists) {
        lines.push(
            `Log group: ${r.storedBytes ?? 0} bytes stored, retention ${r.retentionInDays ?? "never expires"}${r.retentionInDays ? " days" : ""}, ` +
                `${r.logStreams}${r.moreStreams ? "+" : ""} log streams (ENIs), newest event ${r.newestEvent ?? "none"}`,
        );
    } else {
        lines.push("Log group: not found");
    }
    lines.push("");
    if (r.findings.length === 0) lines.push("Delivery looks healthy.");
    else lines.push("What to check:", ...r.findings.map((f) => `  - ${f}`));
    return lines.join("\n") + "\n";
}

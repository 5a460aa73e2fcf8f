/**
 * `vpc-flow-diagnose status` for a stack that delivers to S3: each flow log's delivery status
 * (DescribeFlowLogs, as for CloudWatch Logs) and the newest object under the records' prefix with its
 * age (ListObjectsV2, hour folder by hour folder back from now: the Hive-compatible, per-hour layout
 * of flow-logs-s3.html), and what to check when nothing arrives (the VPC guide's troubleshooting:
 * the bucket policy, a KMS key policy for delivery.logs.amazonaws.com, the region, the delivery lag).
 */
import { DescribeFlowLogsCommand } from "@aws-sdk/client-ec2";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { Ec2Client, FlowLogState, PAUSED_LINE, RESUME_COMMAND, STALE_MS, foreignFlowLogsFinding, statusEnding, toFlowLogState } from "./flowLogStatus";
import { AthenaSource, CaptureState } from "./stackSource";

export type S3Api = Pick<S3Client, "send">;

/** Hour folders looked at, newest first, before saying nothing arrived. */
export const HOURS_LOOKED_BACK = 24;

export interface S3StatusReport {
    readonly destination: "s3";
    readonly bucketName: string;
    readonly recordsLocation: string;
    readonly region: string;
    readonly flowLogs: FlowLogState[];
    readonly newestObject?: { readonly key: string; readonly lastModified: string; readonly ageMinutes: number; readonly bytes: number };
    readonly hoursLookedBack: number;
    /** The stack's `capture` output (`on` when it has none). */
    readonly capture: CaptureState;
    /** With capture paused: that no file is expected, where the records stop, how to resume. */
    readonly captureNote?: string;
    readonly findings: string[];
}

export interface NewestObject {
    readonly key: string;
    readonly lastModified: Date;
    readonly bytes: number;
}

/**
 * The newest object under the records' prefix: ListObjectsV2 on each hour folder, newest hour
 * first, back `hours` hours from now; undefined when none holds an object.
 */
export async function findNewestObject(s3: S3Api, location: { bucket: string; keyPrefix: string }, now: Date, hours: number): Promise<NewestObject | undefined> {
    let newest: NewestObject | undefined;
    const nowSeconds = Math.floor(now.getTime() / 1000);
    for (let back = 0; back < hours && newest === undefined; back++) {
        const prefix = hourKeyPrefix(location.keyPrefix, nowSeconds - back * 3600);
        let token: string | undefined;
        do {
            const page = await s3.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: prefix, ContinuationToken: token }));
            for (const o of page.Contents ?? []) {
                if (o.Key !== undefined && o.LastModified !== undefined && (newest === undefined || o.LastModified > newest.lastModified)) {
                    newest = { key: o.Key, lastModified: o.LastModified, bytes: o.Size ?? 0 };
                }
            }
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
    }
    return newest;
}

/** The folder inside the bucket of a flow log's `arn:aws:s3:::bucket/folder` destination ("" for none). */
const destinationFolder = (arn: string | undefined) => (arn ?? "").split(":::")[1]?.split("/").slice(1).filter(Boolean).join("/") ?? "";
/** The folder the records location starts with, before AWS's own `AWSLogs/...` keys. */
const recordsFolder = (keyPrefix: string) => keyPrefix.slice(0, Math.max(keyPrefix.indexOf("AWSLogs/"), 0)).split("/").filter(Boolean).join("/");

/** `s3://bucket/key/prefix/` -> bucket and key prefix. */
export function splitS3Url(url: string): { bucket: string; keyPrefix: string } | undefined {
    const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(url);
    return m ? { bucket: m[1], keyPrefix: m[2] } : undefined;
}

/** The hour folder of an epoch-seconds time under the records' prefix. */
export function hourKeyPrefix(keyPrefix: string, epochSeconds: number): string {
    const d = new Date(epochSeconds * 1000);
    const two = (n: number) => String(n).padStart(2, "0");
    return `${keyPrefix}year=${d.getUTCFullYear()}/month=${two(d.getUTCMonth() + 1)}/day=${two(d.getUTCDate())}/hour=${two(d.getUTCHours())}/`;
}

export async function collectS3Status(ec2: Ec2Client, s3: S3Api, source: AthenaSource & { readonly region: string }, now: Date): Promise<S3StatusReport> {
    const location = source.recordsLocation === undefined ? undefined : splitS3Url(source.recordsLocation);
    if (location === undefined) {
        throw Object.assign(new Error("The stack outputs have no recordsLocation: run 'pulumi up' with this version."), { name: "MissingRecordsLocation" });
    }
    const ids = source.flowLogIds ? Object.values(source.flowLogIds) : [];
    const response = await ec2.send(
        new DescribeFlowLogsCommand({ Filter: ids.length > 0 ? [{ Name: "flow-log-id", Values: ids }] : [{ Name: "log-destination-type", Values: ["s3"] }] }),
    );
    const flowLogs = (response.FlowLogs ?? [])
        // Without ids, every S3 flow log of the region is listed: keep those writing to this bucket
        // (and, for a paused stack, whose ids are gone by design, to its own folder of it: other
        // stacks may share the bucket under prefixes of their own).
        .filter((f) => ids.length > 0 || (f.LogDestination ?? "").split(":::")[1]?.split("/")[0] === location.bucket)
        .filter((f) => ids.length > 0 || source.capture !== "paused" || destinationFolder(f.LogDestination) === recordsFolder(location.keyPrefix))
        .map(toFlowLogState);

    const newest = await findNewestObject(s3, location, now, HOURS_LOOKED_BACK);
    const report = {
        destination: "s3" as const,
        bucketName: location.bucket,
        recordsLocation: source.recordsLocation as string,
        region: source.region,
        flowLogs,
        ...(newest
            ? {
                  newestObject: {
                      key: newest.key,
                      lastModified: newest.lastModified.toISOString(),
                      ageMinutes: Math.floor((now.getTime() - newest.lastModified.getTime()) / 60000),
                      bytes: newest.bytes,
                  },
              }
            : {}),
        hoursLookedBack: HOURS_LOOKED_BACK,
        capture: source.capture ?? "on",
    };
    const captureNote = report.capture === "paused" ? pausedS3Note(report) : undefined;
    return { ...report, ...(captureNote !== undefined ? { captureNote } : {}), findings: s3StatusFindings(report, now) };
}

/** A paused S3 stack: no file expected; the newest object tells where the records stop. */
function pausedS3Note(r: Omit<S3StatusReport, "findings" | "captureNote">): string {
    const stop = r.newestObject
        ? `; the records stop about when the newest file was written, ${r.newestObject.lastModified} (${r.newestObject.ageMinutes} min ago)`
        : `; no file was written in the last ${r.hoursLookedBack} hours, so they stop before then`;
    return (
        `Capture is paused by the stack (capture=false): it has no flow log, so no file arrives and none is expected. ` +
        `The records already under ${r.recordsLocation} stay readable (diagnose still queries them through Athena)${stop}. ` +
        `Resume with '${RESUME_COMMAND}'.`
    );
}

export function s3StatusFindings(r: Omit<S3StatusReport, "findings" | "captureNote">, now: Date): string[] {
    const findings: string[] = [];
    const policy =
        `Check that the bucket policy lets delivery.logs.amazonaws.com put objects under '${r.recordsLocation.replace(/aws-service=.*$/, "")}*' and read the bucket ACL ` +
        "(the stack attaches it to its own bucket; for existingBucketArn, the bucketPolicy output), and with a KMS key that its key policy allows delivery.logs.amazonaws.com (kms:GenerateDataKey*).";
    // Paused: no flow log and no new file are the expected state, not findings.
    if (r.capture === "paused") return r.flowLogs.length > 0 ? [foreignFlowLogsFinding(r.flowLogs, r.bucketName)] : [];
    if (r.flowLogs.length === 0) findings.push(`No flow log delivers to ${r.bucketName} in ${r.region}: run 'pulumi up', or check --region.`);
    for (const f of r.flowLogs) {
        if (f.deliverLogsStatus === "FAILED") {
            findings.push(`Flow log ${f.flowLogId} (${f.resourceId}) cannot deliver: ${f.deliverLogsErrorMessage ?? "no reason given"}. ${policy}`);
        }
        if (f.flowLogStatus !== "ACTIVE") findings.push(`Flow log ${f.flowLogId} is ${f.flowLogStatus}, not ACTIVE.`);
    }
    if (r.newestObject === undefined) {
        const newestFlowLog = r.flowLogs.map((f) => (f.createdAt ? Date.parse(f.createdAt) : 0)).reduce((a, b) => Math.max(a, b), 0);
        const minutes = newestFlowLog ? Math.floor((now.getTime() - newestFlowLog) / 60000) : undefined;
        findings.push(
            `No object under ${r.recordsLocation} in the last ${r.hoursLookedBack} hours. ` +
                (minutes !== undefined && minutes < 10
                    ? `The newest flow log was created ${minutes} min ago; S3 gets a file every 5 minutes, about 10 minutes after the traffic.`
                    : `Is there traffic on the logged interfaces? Is this the stack's region? ${policy}`),
        );
    } else if (now.getTime() - Date.parse(r.newestObject.lastModified) > STALE_MS) {
        findings.push(`The newest object is from ${r.newestObject.lastModified}, ${r.newestObject.ageMinutes} min ago: no traffic lately, or delivery stopped. ${policy}`);
    }
    return findings;
}

export function renderS3Status(r: S3StatusReport): string {
    const lines = [`Flow logs delivering to ${r.recordsLocation} (${r.region})`, ""];
    if (r.flowLogs.length === 0) lines.push(r.capture === "paused" ? PAUSED_LINE : "  no flow logs found");
    for (const f of r.flowLogs) {
        const error = f.deliverLogsErrorMessage ? ` (${f.deliverLogsErrorMessage})` : "";
        lines.push(`  ${f.flowLogId}  ${f.resourceId}  ${f.flowLogStatus}  delivery ${f.deliverLogsStatus}${error}  filter ${f.trafficType}`);
    }
    lines.push("");
    lines.push(
        r.newestObject
            ? `Newest object: ${r.newestObject.key} (${r.newestObject.bytes} bytes), written ${r.newestObject.lastModified}, ${r.newestObject.ageMinutes} min ago`
            : `Newest object: none in the last ${r.hoursLookedBack} hours`,
    );
    lines.push("");
    lines.push(...statusEnding(r));
    return lines.join("\n") + "\n";
}

/**
 * A diagnosis on a stack whose capture is paused (`capture false`: its flow logs deleted, its
 * records kept) still queries the records already there; it warns when the window reaches past
 * where they stop, because nothing found there is no evidence of anything.
 *
 * Where they stop: the stack's outputs say only that capture is paused, not since when (the
 * program cannot know when the update that paused it ran; a timestamp output would be the time of
 * the latest update). The newest record says it directly, and is what matters besides: records end
 * at the last traffic before the pause, which may be earlier than the pause. So it is read:
 * FilterLogEvents newest first for CloudWatch Logs, the newest file under the records' prefix for S3.
 */
import { TimeWindow } from "../core/timeWindow";
import { CwlClient, RECORD_LOOKBACK_HOURS, RESUME_COMMAND, readNewestRecord } from "./flowLogStatus";
import { HOURS_LOOKED_BACK, S3Api, findNewestObject, splitS3Url } from "./s3Status";
import { explainCallerAwsError, isAccessDenied } from "./awsErrors";

/** Where a paused stack's records stop, as far as it could be read. */
export type RecordsStop =
    /** The newest record (its start) or file (when written) is at `at` (epoch ms); `evidence` ends with "at". */
    | { readonly outcome: "at"; readonly at: number; readonly evidence: string }
    /** Nothing since `since` (epoch ms): the records stop before then. */
    | { readonly outcome: "before"; readonly since: number; readonly evidence: string }
    | { readonly outcome: "unknown"; readonly reason: string };

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const PAUSED = "Capture is paused by the stack (capture=false)";

/**
 * The warning for a paused stack's diagnosis window, undefined when the window ends before the
 * records stop. Pure.
 */
export function pausedCaptureWarning(window: TimeWindow, stop: RecordsStop): string | undefined {
    const [start, end] = [window.start * 1000, window.end * 1000];
    const notEvidence = "nothing found there is not evidence of anything";
    const resume = `To capture again: '${RESUME_COMMAND}', then reproduce the failure.`;
    switch (stop.outcome) {
        case "at": {
            if (end <= stop.at) return undefined;
            // --end takes whole minutes best; the minute after keeps the newest record in.
            const endFlag = `--end ${iso(Math.ceil((stop.at + 1) / 60000) * 60000)}`;
            if (start >= stop.at) {
                return `${PAUSED} and the whole window (${iso(start)} to ${iso(end)}) is after the records stop: ${stop.evidence} ${iso(stop.at)}, and ${notEvidence}. Query a window that ends there instead (${endFlag}). ${resume}`;
            }
            return `${PAUSED}: the records stop at ${iso(stop.at)} (${stop.evidence} that time), so the window's part from then to ${iso(end)} holds no record and ${notEvidence}. For only the recorded part, use ${endFlag}. ${resume}`;
        }
        case "before":
            if (end <= stop.since) return undefined;
            return `${PAUSED} and ${stop.evidence} since ${iso(stop.since)}: the records stop before then, so the window from ${iso(Math.max(start, stop.since))} to ${iso(end)} holds no record and ${notEvidence}. ${resume}`;
        case "unknown":
            return `${PAUSED}: its records stop where it was paused, which could not be read (${stop.reason}); any part of the window after that holds no record and ${notEvidence}. ${resume}`;
    }
}

/** Where a paused CloudWatch Logs stack's records stop: its newest record (status reads it the same way). */
export async function cloudWatchRecordsStop(logs: CwlClient, logGroupName: string, region: string, now: Date): Promise<RecordsStop> {
    const record = await readNewestRecord(logs, logGroupName, region, now);
    switch (record.outcome) {
        case "read":
            return { outcome: "at", at: Date.parse(record.timestamp), evidence: `the newest record in ${logGroupName} starts at` };
        case "none":
            return { outcome: "before", since: Date.parse(record.since), evidence: `FilterLogEvents found no record in ${logGroupName}` };
        case "unknown":
            return { outcome: "unknown", reason: `FilterLogEvents returned ${record.pagesRead} empty pages for the last ${RECORD_LOOKBACK_HOURS} hours with more to read` };
        case "denied":
            return { outcome: "unknown", reason: record.reason };
    }
}

/**
 * Where a paused S3 stack's records stop: the newest file under the records' prefix (ListObjectsV2
 * hour folder by hour folder, as status does). A file is written after the records it holds, so
 * its time is an upper bound of where they stop.
 */
export async function s3RecordsStop(s3: S3Api, recordsLocation: string | undefined, region: string, now: Date): Promise<RecordsStop> {
    const location = recordsLocation === undefined ? undefined : splitS3Url(recordsLocation);
    if (location === undefined) return { outcome: "unknown", reason: "the stack outputs have no recordsLocation to list" };
    try {
        const newest = await findNewestObject(s3, location, now, HOURS_LOOKED_BACK);
        return newest !== undefined
            ? { outcome: "at", at: newest.lastModified.getTime(), evidence: `the newest file under ${recordsLocation} was written at` }
            : { outcome: "before", since: now.getTime() - HOURS_LOOKED_BACK * 3600 * 1000, evidence: `no file was written under ${recordsLocation}` };
    } catch (err) {
        if (!isAccessDenied(err)) throw err;
        const needs = { who: "Finding where the records stop", actions: ["s3:ListBucket"] };
        return { outcome: "unknown", reason: (explainCallerAwsError(err, { region, action: "s3:ListBucket", needs }) as string).replace(/\n/g, " ") };
    }
}

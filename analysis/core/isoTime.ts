/** The one way every output writes a time: ISO 8601 in UTC, without milliseconds when they are zero (2024-05-01T12:00:00Z). */

export function dateToIso(date: Date): string {
    return date.toISOString().replace(".000Z", "Z");
}

/** Seconds since the epoch, as flow-log records and windows count them. */
export function epochToIso(epochSeconds: number): string {
    return dateToIso(new Date(epochSeconds * 1000));
}

/**
 * Times and windows given on the command line: ISO 8601 or relative to now (`30m`, `2h`, `1d`).
 * A live query's window is required, bounded and checked before anything is paid for.
 */
import { UserInputError, quote } from "./errors";
import { epochToIso as iso } from "./isoTime";

const RELATIVE = /^(\d+)([smhd])$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Returns epoch seconds. An ISO time without a zone is taken as UTC, like the flow-log timestamps. */
export function parseTime(value: string, flag: string, now: Date): number {
    const relative = RELATIVE.exec(value.trim());
    if (relative) return Math.floor(now.getTime() / 1000) - Number(relative[1]) * UNIT_SECONDS[relative[2]];
    const text = value.trim();
    if (ISO_DATE.test(text)) {
        const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text) && text.length > 10;
        const ms = Date.parse(hasZone ? text.replace(" ", "T") : text.replace(" ", "T") + (text.length > 10 ? "Z" : "T00:00:00Z"));
        if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
    }
    throw new UserInputError(
        `Invalid ${flag} ${quote(value)}. Allowed: an ISO 8601 time like 2026-11-26T14:00:00Z, or a time relative to now like 30m, 2h or 1d.`,
    );
}

export const MAX_WINDOW_SECONDS = 24 * 3600;
/** Records typically reach CloudWatch Logs within 5-10 minutes; newer ones may still be missing. */
export const DELIVERY_LAG_SECONDS = 10 * 60;
/** Clocks differ a little; an end this close to the future is read as "now". */
const CLOCK_SKEW_SECONDS = 60;

/** Epoch seconds, start < end. */
export interface TimeWindow {
    readonly start: number;
    readonly end: number;
}

export interface WindowFlags {
    readonly since?: string;
    readonly start?: string;
    readonly end?: string;
    readonly allowWideWindow?: boolean;
}


export function resolveLiveWindow(flags: WindowFlags, now: Date): TimeWindow {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (flags.since !== undefined && flags.start !== undefined) {
        throw new UserInputError("Give either --since or --start, not both.");
    }
    let start: number;
    if (flags.since !== undefined) {
        const relative = RELATIVE.exec(flags.since.trim());
        if (!relative || Number(relative[1]) === 0) {
            throw new UserInputError(`Invalid --since ${quote(flags.since)}. Allowed: a duration such as 30m, 2h or 1d.`);
        }
        start = nowSeconds - Number(relative[1]) * UNIT_SECONDS[relative[2]];
    } else if (flags.start !== undefined) {
        start = parseTime(flags.start, "--start", now);
    } else {
        throw new UserInputError("A live query needs a time window: --since 30m, or --start (and optionally --end).");
    }
    const end = flags.end !== undefined ? parseTime(flags.end, "--end", now) : nowSeconds;
    if (end > nowSeconds + CLOCK_SKEW_SECONDS) {
        throw new UserInputError(`--end ${iso(end)} is in the future (now is ${iso(nowSeconds)}).`);
    }
    if (start >= end) {
        throw new UserInputError(`The window starts (${iso(start)}) at or after it ends (${iso(end)}). Start must come before end.`);
    }
    if (end - start > MAX_WINDOW_SECONDS && !flags.allowWideWindow) {
        throw new UserInputError(
            `The window is ${((end - start) / 3600).toFixed(1)} h long; over 24 h scans (and bills) a lot of data. Narrow it, or pass --allow-wide-window.`,
        );
    }
    return { start, end: Math.min(end, nowSeconds) };
}

/**
 * Where the part of the window that may not be delivered yet begins (epoch seconds), or undefined
 * when all of the window is older than the delivery lag.
 */
export function undeliveredFrom(window: TimeWindow, now: Date): number | undefined {
    const lagStart = Math.floor(now.getTime() / 1000) - DELIVERY_LAG_SECONDS;
    return window.end > lagStart ? Math.max(lagStart, window.start) : undefined;
}

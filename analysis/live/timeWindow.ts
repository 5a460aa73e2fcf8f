/**
 * The time window of a live query: required, bounded and checked before anything is paid for.
 */
import { UserInputError, quote } from "../errors";

export const MAX_WINDOW_MS = 24 * 3600 * 1000;
/** Records typically reach CloudWatch Logs within 5-10 minutes; newer ones may still be missing. */
export const DELIVERY_LAG_MS = 10 * 60 * 1000;
/** Clocks differ a little; an end this close to the future is read as "now". */
const CLOCK_SKEW_MS = 60 * 1000;

export interface TimeWindow {
    readonly start: Date;
    readonly end: Date;
}

const RELATIVE = /^(\d+)\s*(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60000, h: 3600000, d: 86400000 };

/** `30m`, `2h`, `1d` as milliseconds; undefined if the text is not a duration. */
export function parseDuration(text: string): number | undefined {
    const m = RELATIVE.exec(text.trim());
    return m ? Number(m[1]) * UNIT_MS[m[2]] : undefined;
}

/** An ISO 8601 time, or a duration meaning that long before now. */
export function parseTime(flag: string, text: string, now: Date): Date {
    const ago = parseDuration(text);
    if (ago !== undefined) return new Date(now.getTime() - ago);
    if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
        const date = new Date(text.trim());
        if (!Number.isNaN(date.getTime())) return date;
    }
    throw new UserInputError(
        `Invalid ${flag} ${quote(text)}. Allowed: an ISO 8601 time (2026-11-26T14:05:00Z) or a time before now such as 30m, 2h, 1d.`,
    );
}

export interface WindowFlags {
    readonly since?: string;
    readonly start?: string;
    readonly end?: string;
    readonly allowWideWindow?: boolean;
}

export function resolveWindow(flags: WindowFlags, now: Date): TimeWindow {
    if (flags.since !== undefined && flags.start !== undefined) {
        throw new UserInputError("Give either --since or --start, not both.");
    }
    let start: Date;
    if (flags.since !== undefined) {
        const ms = parseDuration(flags.since);
        if (ms === undefined || ms === 0) {
            throw new UserInputError(`Invalid --since ${quote(flags.since)}. Allowed: a duration such as 30m, 2h, 1d.`);
        }
        start = new Date(now.getTime() - ms);
    } else if (flags.start !== undefined) {
        start = parseTime("--start", flags.start, now);
    } else {
        throw new UserInputError("A live query needs a time window: --since 30m, or --start (and optionally --end).");
    }
    const end = flags.end !== undefined ? parseTime("--end", flags.end, now) : now;
    if (end.getTime() > now.getTime() + CLOCK_SKEW_MS) {
        throw new UserInputError(`--end ${end.toISOString()} is in the future (now is ${now.toISOString()}).`);
    }
    if (start.getTime() >= end.getTime()) {
        throw new UserInputError(`The window starts (${start.toISOString()}) at or after it ends (${end.toISOString()}). Start must come before end.`);
    }
    if (end.getTime() - start.getTime() > MAX_WINDOW_MS && !flags.allowWideWindow) {
        const hours = ((end.getTime() - start.getTime()) / 3600000).toFixed(1);
        throw new UserInputError(
            `The window is ${hours} h long; over 24 h scans (and bills) a lot of data. Narrow it, or pass --allow-wide-window.`,
        );
    }
    return { start, end: end.getTime() > now.getTime() ? now : end };
}

/** How much of the window's end may not be delivered yet, in ms (0 when all of it is older than the lag). */
export function undeliveredTailMs(window: TimeWindow, now: Date): number {
    const lagStart = now.getTime() - DELIVERY_LAG_MS;
    return Math.max(0, window.end.getTime() - Math.max(lagStart, window.start.getTime()));
}

/**
 * The live query's time window, checked against a model in plain milliseconds: every ISO 8601 form the
 * CLI accepts, the relative forms, and each edge of the window (the clock-skew allowance, start before
 * end, the 24 h cap, the end clamped to now, the part not delivered yet) one second either side.
 *
 * Why the edges matter: the window is what a user pays to scan (StartQuery's `startTime`/`endTime` are
 * epoch seconds, CloudWatch Logs API) and what the verdict says was looked at; the reference (shared
 * docs) gives "Delivery to CloudWatch Logs takes about 5-10 minutes, best effort": records newer than
 * that may be missing, and the answer must say so instead of reading their absence as evidence.
 */
import { expect } from "chai";
import fc from "fast-check";
import { DELIVERY_LAG_SECONDS, MAX_WINDOW_SECONDS, TimeWindow, parseTime, resolveLiveWindow, undeliveredFrom } from "../../analysis/core/timeWindow";
import { UserInputError } from "../../analysis/core/errors";
import { userErrorOf } from "../helpers/userErrors";

const SEED = 28;
const SECOND = 1000;
const isoSeconds = (s: number) => new Date(s * SECOND).toISOString().replace(".000Z", "Z");

/** The window the model expects for a start and end in whole epoch seconds, or the message it refuses it with. */
function modelWindow(startS: number, endS: number, nowMs: number, allowWide: boolean): TimeWindow | string {
    const nowS = Math.floor(nowMs / SECOND);
    if (endS > nowS + 60) return `--end ${isoSeconds(endS)} is in the future (now is ${isoSeconds(nowS)}).`;
    if (startS >= endS) return `The window starts (${isoSeconds(startS)}) at or after it ends (${isoSeconds(endS)}). Start must come before end.`;
    if (endS - startS > 24 * 3600 && !allowWide) {
        return `The window is ${((endS - startS) / 3600).toFixed(1)} h long; over 24 h scans (and bills) a lot of data. Narrow it, or pass --allow-wide-window.`;
    }
    return { start: startS, end: Math.min(endS, nowS) };
}

function outcome(run: () => TimeWindow): TimeWindow | string {
    try {
        return run();
    } catch (err) {
        if (err instanceof UserInputError) return err.message;
        throw err;
    }
}

/** Writes an instant (whole seconds) as ISO 8601 text in one of the forms the CLI accepts, with its zone offset. */
function writeIso(seconds: number, offsetMinutes: number, form: "Z" | "colon" | "compact" | "bare" | "space"): string {
    const local = new Date((seconds + offsetMinutes * 60) * SECOND).toISOString().slice(0, 19);
    const sign = offsetMinutes < 0 ? "-" : "+";
    const hh = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, "0");
    const mm = String(Math.abs(offsetMinutes) % 60).padStart(2, "0");
    switch (form) {
        case "Z":
            return local + "Z";
        case "colon":
            return `${local}${sign}${hh}:${mm}`;
        case "compact":
            return `${local}${sign}${hh}${mm}`;
        case "bare":
            return local;
        case "space":
            return local.replace("T", " ");
    }
}

describe("core/timeWindow against a model in milliseconds (issue 28)", () => {
    // A machine in another zone must read a time without a zone as UTC too, like the records' own times.
    const savedTz = process.env.TZ;
    before(() => {
        process.env.TZ = "America/New_York";
    });
    after(() => {
        if (savedTz === undefined) delete process.env.TZ;
        else process.env.TZ = savedTz;
    });

    const nowMs = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) });
    /** Seconds near each edge of the model, and anywhere. */
    const endOffset = fc.oneof(fc.constantFrom(61, 60, 59, 1, 0, -1, -599, -600, -601), fc.integer({ min: -3 * 86400, max: 3 * 86400 }));
    const length = fc.oneof(fc.constantFrom(-1, 0, 1, 2, 86399, 86400, 86401, 90000), fc.integer({ min: -86400, max: 3 * 86400 }));
    const zone = fc.oneof(fc.constant(0), fc.constantFrom(-300, 330, 345, -720, 840, 60));
    const form = fc.constantFrom("Z", "colon", "compact", "bare", "space") as fc.Arbitrary<"Z" | "colon" | "compact" | "bare" | "space">;

    it("reads --start and --end in any accepted ISO form and applies each window edge to the second", () => {
        fc.assert(
            fc.property(nowMs, endOffset, length, zone, form, fc.boolean(), (now, endOff, len, offset, f, allowWide) => {
                const nowS = Math.floor(now / SECOND);
                const endS = nowS + endOff;
                const startS = endS - len;
                // Forms without a zone are UTC: their offset is 0.
                const off = f === "bare" || f === "space" || f === "Z" ? 0 : offset;
                const flags = { start: writeIso(startS, off, f), end: writeIso(endS, off, f), allowWideWindow: allowWide };
                expect(outcome(() => resolveLiveWindow(flags, new Date(now))), JSON.stringify(flags)).to.deep.equal(modelWindow(startS, endS, now, allowWide));
            }),
            { seed: SEED, numRuns: 800 },
        );
    });

    it("reads --since and relative --start/--end as that many seconds before now (whole seconds, now rounded down)", () => {
        const unit = fc.constantFrom(["s", 1], ["m", 60], ["h", 3600], ["d", 86400]) as fc.Arbitrary<[string, number]>;
        fc.assert(
            fc.property(nowMs, fc.integer({ min: 1, max: 3000 }), unit, fc.integer({ min: 0, max: 3000 }), unit, (now, n, [u, size], m, [v, vSize]) => {
                const nowS = Math.floor(now / SECOND);
                expect(outcome(() => resolveLiveWindow({ since: ` ${n}${u} `, allowWideWindow: true }, new Date(now)))).to.deep.equal({ start: nowS - n * size, end: nowS });
                expect(parseTime(`${m}${v}`, "--end", new Date(now))).to.equal(nowS - m * vSize);
                expect(outcome(() => resolveLiveWindow({ start: `${n}${u}`, end: `${m}${v}` }, new Date(now)))).to.deep.equal(
                    modelWindow(nowS - n * size, nowS - m * vSize, now, false),
                );
            }),
            { seed: SEED, numRuns: 400 },
        );
    });

    it("marks the part of a window newer than the delivery lag (10 minutes) as possibly not delivered yet", () => {
        fc.assert(
            fc.property(nowMs, endOffset, fc.integer({ min: 1, max: 7200 }), (now, endOff, len) => {
                const nowS = Math.floor(now / SECOND);
                const window = { start: nowS + endOff - len, end: nowS + endOff };
                const lagStart = nowS - 600;
                const expected = window.end > lagStart ? Math.max(lagStart, window.start) : undefined;
                expect(undeliveredFrom(window, new Date(now))).to.equal(expected);
            }),
            { seed: SEED, numRuns: 400 },
        );
        expect([DELIVERY_LAG_SECONDS, MAX_WINDOW_SECONDS]).to.deep.equal([600, 86400]);
    });
});

describe("core/timeWindow: the exact answers at the edges", () => {
    const NOW = new Date("2026-11-26T15:00:00.750Z");
    const at = (iso: string) => Date.parse(iso) / SECOND;

    it("takes a date alone as midnight UTC, and a time without seconds or with a fraction", () => {
        const cases: [string, number][] = [
            ["2026-11-26", at("2026-11-26T00:00:00Z")],
            ["2026-11-26T14:05", at("2026-11-26T14:05:00Z")],
            ["2026-11-26 14:05:30.999", at("2026-11-26T14:05:30Z")],
            ["2026-11-26T14:05:30.5+01:00", at("2026-11-26T13:05:30Z")],
            ["2026-11-26T14:05-0230", at("2026-11-26T16:35:00Z")],
            [" 2026-11-26T14:05:00Z ", at("2026-11-26T14:05:00Z")],
        ];
        expect(cases.map(([text]) => [text, parseTime(text, "--start", NOW)])).to.deep.equal(cases);
    });

    it("refuses what is not an ISO time or a duration, naming the flag and the value", () => {
        const message = (flag: string, value: string) =>
            `Invalid ${flag} '${value}'. Allowed: an ISO 8601 time like 2026-11-26T14:00:00Z, or a time relative to now like 30m, 2h or 1d.`;
        const bad = ["2026-11-26T", "2026-13-01", "2026-11-26T25:00:00Z", "30 m", "1w", "2026-11-26Z", "now"];
        expect(bad.map((v) => userErrorOf(() => parseTime(v, "--end", NOW)))).to.deep.equal(bad.map((v) => message("--end", v)));
    });

    it("refuses a zero or malformed --since", () => {
        expect(["0m", "0d", "1.5h", "-1h", "2026-11-26T14:00:00Z"].map((since) => userErrorOf(() => resolveLiveWindow({ since }, NOW)))).to.deep.equal(
            ["0m", "0d", "1.5h", "-1h", "2026-11-26T14:00:00Z"].map((v) => `Invalid --since '${v}'. Allowed: a duration such as 30m, 2h or 1d.`),
        );
    });

    it("accepts an end up to 60 s ahead (clock skew) and clamps it to now; 61 s ahead is the future", () => {
        expect(resolveLiveWindow({ start: "1h", end: "2026-11-26T15:01:00Z" }, NOW)).to.deep.equal({ start: at("2026-11-26T14:00:00Z"), end: at("2026-11-26T15:00:00Z") });
        expect(userErrorOf(() => resolveLiveWindow({ start: "1h", end: "2026-11-26T15:01:01Z" }, NOW))).to.equal(
            "--end 2026-11-26T15:01:01Z is in the future (now is 2026-11-26T15:00:00Z).",
        );
    });

    it("allows exactly 24 h and refuses one second more (unless asked), saying how long the window is", () => {
        expect(resolveLiveWindow({ since: "86400s" }, NOW)).to.deep.equal({ start: at("2026-11-25T15:00:00Z"), end: at("2026-11-26T15:00:00Z") });
        expect(userErrorOf(() => resolveLiveWindow({ since: "86401s" }, NOW))).to.equal(
            "The window is 24.0 h long; over 24 h scans (and bills) a lot of data. Narrow it, or pass --allow-wide-window.",
        );
        expect(resolveLiveWindow({ since: "86401s", allowWideWindow: true }, NOW)).to.deep.equal({ start: at("2026-11-25T14:59:59Z"), end: at("2026-11-26T15:00:00Z") });
    });

    it("refuses a window of zero length and takes one of a second", () => {
        expect(userErrorOf(() => resolveLiveWindow({ start: "2026-11-26T14:00:00Z", end: "2026-11-26T14:00:00.900Z" }, NOW))).to.equal(
            "The window starts (2026-11-26T14:00:00Z) at or after it ends (2026-11-26T14:00:00Z). Start must come before end.",
        );
        expect(resolveLiveWindow({ start: "2026-11-26T14:00:00Z", end: "2026-11-26T14:00:01Z" }, NOW)).to.deep.equal({ start: at("2026-11-26T14:00:00Z"), end: at("2026-11-26T14:00:01Z") });
    });

    it("marks nothing as undelivered once the whole window is 10 minutes old, and from the lag's start otherwise", () => {
        const now = at("2026-11-26T15:00:00Z");
        expect([
            undeliveredFrom({ start: now - 3600, end: now - 600 }, NOW),
            undeliveredFrom({ start: now - 3600, end: now - 599 }, NOW),
            undeliveredFrom({ start: now - 60, end: now }, NOW),
        ]).to.deep.equal([undefined, now - 600, now - 60]);
    });
});

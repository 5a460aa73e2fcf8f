import { expect } from "chai";
import { dateToIso, epochToIso } from "../../analysis/core/isoTime";

describe("core/isoTime: the one way outputs write a time", () => {
    it("writes UTC without zero milliseconds, and keeps milliseconds that are not zero", () => {
        expect([epochToIso(0), epochToIso(1714564800), epochToIso(1714564800.25), dateToIso(new Date(Date.UTC(2026, 11, 2, 6, 9, 5, 7)))]).to.deep.equal([
            "1970-01-01T00:00:00Z",
            "2024-05-01T12:00:00Z",
            "2024-05-01T12:00:00.250Z",
            "2026-12-02T06:09:05.007Z",
        ]);
    });
});

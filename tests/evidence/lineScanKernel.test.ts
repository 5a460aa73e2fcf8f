/**
 * The WebAssembly loop of the fused scan (analysis/evidence/rawFile/lineScan.wat), line by line: which lines
 * it proves unrelated and which it leaves to the full parser, at every position relative to its
 * 16-byte loads, with stale bytes after the data, and at the line-length, range and table limits.
 * That the fused scan as a whole reads files as the full parser does is tested in rawScanPaths.test.ts.
 */
import { expect } from "chai";
import { BLOCK_BYTES, LineScanKernel, StopReason } from "../../analysis/evidence/rawFile/lineScanKernel";
import { NOT_IPV4, parseIpv4, parseIpv4Bytes } from "../../analysis/core/ip";
import { MAX_LINE_BYTES } from "../../analysis/evidence/rawLines";
import { seededRandom } from "../helpers/seededRandom";

const TASK = "10.0.1.25";
const S3 = "52.219.204.42";
/** The default format's roles: srcaddr (field 3) is the first source field, dstaddr (4) the first destination field. */
const DEFAULT_ROLES = Uint8Array.from([0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

function record(src: string, dst: string, tail = "40000 443 6 3 180 1795701600 1795701660 ACCEPT OK"): string {
    return `2 123456789012 eni-0a1b2c3d4e5f60718 ${src} ${dst} ${tail}`;
}

/** The task talking to another host: one side hit, so unrelated. */
const OTHER = record(TASK, "10.0.3.7");

function kernel(roles = DEFAULT_ROLES, loose = false, ranges: [string, string][] = [[TASK, TASK], [S3, S3]]): LineScanKernel {
    const k = new LineScanKernel();
    k.setRanges(
        ranges.map(([first]) => parseIpv4(first)),
        ranges.map(([, last]) => parseIpv4(last)),
    );
    k.configure(roles, loose);
    return k;
}

type Verdict = "unrelated" | "full parser" | "incomplete";

/**
 * Writes `text` at `shift`, with bytes after the data that would change the verdict if they were
 * read (a newline, spaces, a tab), scans it, and says what the kernel did with its only line.
 */
function verdictOf(k: LineScanKernel, text: string, shift: number): Verdict {
    const bytes = Buffer.from(text, "latin1");
    k.buffer.fill(0x41);
    bytes.copy(k.buffer, shift);
    const end = shift + bytes.length;
    k.buffer.write("\n  \t\n", end, "latin1");
    k.takeUnrelated();
    const stopped = k.scan(shift, end, BLOCK_BYTES);
    const counted = k.takeUnrelated();
    if (k.stopReason === StopReason.SlowLine) {
        expect([stopped, counted], "stops at the line, counting nothing").to.deep.equal([shift, 0]);
        return "full parser";
    }
    expect(k.stopReason).to.equal(StopReason.End);
    if (counted === 1) {
        expect(stopped, "goes past the line").to.equal(end);
        return "unrelated";
    }
    expect([stopped, counted], "waits for the rest of the line").to.deep.equal([shift, 0]);
    return "incomplete";
}

/** Every position relative to the 16-byte loads, twice over. */
const SHIFTS = Array.from({ length: 34 }, (_v, i) => i);

function expectEverywhere(k: LineScanKernel, text: string, verdict: Verdict): void {
    for (const shift of SHIFTS) expect(verdictOf(k, text, shift), `${JSON.stringify(text)} at ${shift}`).to.equal(verdict);
}

describe("lineScan.wat: what it proves and what it leaves to the full parser", () => {
    const k = kernel();
    const cases: [string, string, Verdict][] = [
        ["a record of the task with another host", OTHER + "\n", "unrelated"],
        ["a record between two other hosts", record("10.0.3.8", "10.0.3.7") + "\n", "unrelated"],
        ["the same with CRLF", OTHER + "\r\n", "unrelated"],
        ["a record of the conversation", record(TASK, S3) + "\n", "full parser"],
        ["a reply of the conversation", record(S3, TASK, "443 40000 6 2 120 1795701600 1795701660 ACCEPT OK") + "\n", "full parser"],
        ["bytes above 0x7e in a field that is not an address", OTHER.replace("123456789012", "12345\xc3\xa96789\x7f") + "\n", "unrelated"],
        ["a tab for a space", OTHER.replace(" 443 ", "\t443 ") + "\n", "full parser"],
        ["a tab inside a field", OTHER.replace("ACCEPT", "ACC\tEPT") + "\n", "full parser"],
        ["a CR inside the line", OTHER.replace("ACCEPT", "ACC\rEPT") + "\n", "full parser"],
        ["a CR at the end of the data", OTHER + "\r", "full parser"],
        ["two spaces before an address", OTHER.replace(` ${TASK}`, `  ${TASK}`) + "\n", "full parser"],
        ["two spaces after the addresses", OTHER.replace(" 443 ", " 443  ") + "\n", "full parser"],
        ["a leading space", " " + OTHER + "\n", "full parser"],
        ["a trailing space", OTHER + " \n", "full parser"],
        ["a trailing space before CRLF", OTHER + " \r\n", "full parser"],
        ["13 fields", OTHER.replace(" OK", "") + "\n", "full parser"],
        ["15 fields", OTHER + " extra\n", "full parser"],
        ["'-' for srcaddr (NODATA)", "2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1795701600 1795701660 - NODATA\n", "full parser"],
        ["a leading zero in an address", record("10.0.1.025", "10.0.3.7") + "\n", "full parser"],
        ["an octet above 255", record("10.0.3.8", "10.0.3.256") + "\n", "full parser"],
        ["three octets", record("10.0.3.8", "10.0.3") + "\n", "full parser"],
        ["five octets", record("10.0.3.8", "10.0.3.7.1") + "\n", "full parser"],
        ["a trailing dot", record("10.0.3.8.", "10.0.3.7") + "\n", "full parser"],
        ["IPv6", record("2001:db8::1", "2001:db8::2") + "\n", "full parser"],
        ["a blank line", "\n", "full parser"],
        ["a CRLF line", "\r\n", "full parser"],
        ["a line without its newline", OTHER, "incomplete"],
        ["the first half of a CRLF", OTHER.slice(0, 40), "incomplete"],
    ];
    for (const [what, text, verdict] of cases) {
        it(`${what}: ${verdict}`, () => expectEverywhere(k, text, verdict));
    }

    it(`proves a line of exactly MAX_LINE_BYTES (${MAX_LINE_BYTES}) before its newline, and leaves a longer one`, () => {
        const pad = (length: number) => OTHER.replace("ACCEPT", "A".repeat(length - OTHER.length + "ACCEPT".length));
        expect(pad(MAX_LINE_BYTES).length).to.equal(MAX_LINE_BYTES);
        for (const shift of [0, 7, 16]) {
            expect(verdictOf(k, pad(MAX_LINE_BYTES) + "\n", shift)).to.equal("unrelated");
            expect(verdictOf(k, pad(MAX_LINE_BYTES) + "\r\n", shift)).to.equal("full parser");
            expect(verdictOf(k, pad(MAX_LINE_BYTES + 1) + "\n", shift)).to.equal("full parser");
        }
    });

    it("counts lines back to back and stops at the first it cannot prove, then at the limit", () => {
        const lines = [OTHER, record("10.0.3.8", "10.0.3.7"), OTHER + "\r", record(TASK, S3), OTHER, OTHER];
        const text = lines.join("\n") + "\n";
        k.buffer.write(text, 0, "latin1");
        const starts = lines.map((_l, i) => lines.slice(0, i).join("\n").length + (i > 0 ? 1 : 0));
        expect(k.scan(0, text.length, BLOCK_BYTES)).to.equal(starts[3]);
        expect([k.stopReason, k.takeUnrelated()]).to.deep.equal([StopReason.SlowLine, 3]);
        expect(k.scan(starts[4], text.length, starts[5])).to.equal(starts[5]);
        expect([k.stopReason, k.takeUnrelated()]).to.deep.equal([StopReason.Limit, 1]);
        expect(k.scan(starts[5], text.length, -5)).to.equal(starts[5]);
        expect([k.stopReason, k.takeUnrelated()]).to.deep.equal([StopReason.Limit, 0]);
        expect(k.scan(text.length, text.length, BLOCK_BYTES)).to.equal(text.length);
        expect([k.stopReason, k.takeUnrelated()]).to.deep.equal([StopReason.End, 0]);
    });

    it("reads an address exactly when ip.ts parseIpv4Bytes does, on 6,000 generated strings of digits and dots", () => {
        // srcaddr dstaddr: the destination is never in a range, so a line is unrelated exactly when its source parses.
        const pair = kernel(Uint8Array.from([1, 3]));
        const next = seededRandom(5);
        const alphabet = "0123456789.";
        const candidates = ["0.0.0.0", "255.255.255.255", "256.0.0.0", "0.0.0.00", "00.0.0.0", "1.2.3.4", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4.", "100.200.250.255", "199.99.9.0", "1.2.3.4a", "1.2.3.-", "1.2.3.4/"];
        const digits = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(next() * 10)]).join("");
        for (let n = 0; n < 6000; n++) {
            // Four runs of 1 to 3 digits (leading zeros and octets above 255 included), half of them
            // with one character deleted, inserted or replaced; so many candidates are nearly valid.
            let text = Array.from({ length: 4 }, () => digits(1 + Math.floor(next() * 3))).join(".");
            if (next() < 0.5) {
                const at = Math.floor(next() * text.length);
                const c = alphabet[Math.floor(next() * alphabet.length)];
                const edit = Math.floor(next() * 3);
                text = text.slice(0, at) + (edit === 0 ? "" : c) + text.slice(edit === 1 ? at : at + 1);
            }
            candidates.push(text);
        }
        let valid = 0;
        for (const address of candidates) {
            const expected: Verdict = parseIpv4Bytes(Buffer.from(address, "latin1"), 0, address.length) === NOT_IPV4 ? "full parser" : "unrelated";
            if (expected === "unrelated") valid++;
            for (const shift of [0, 5, 13]) expect(verdictOf(pair, `${address} 10.0.3.7\n`, shift), address).to.equal(expected);
        }
        expect(valid, "valid addresses among the candidates").to.be.greaterThan(500);
    });

    it("matches addresses in ranges, inclusive at both ends", () => {
        const ranged = kernel(DEFAULT_ROLES, false, [
            ["10.0.0.0", "10.0.255.255"],
            ["52.219.192.0", "52.219.255.255"],
        ]);
        expectEverywhere(ranged, record("10.0.0.0", "52.219.255.255") + "\n", "full parser");
        expectEverywhere(ranged, record("52.219.192.0", "10.0.255.255") + "\n", "full parser");
        expectEverywhere(ranged, record("10.1.0.0", "52.219.200.1") + "\n", "unrelated");
        expectEverywhere(ranged, record("10.0.0.1", "52.219.191.255") + "\n", "unrelated");
        expectEverywhere(ranged, record("255.255.255.255", "0.0.0.0") + "\n", "unrelated");
    });

    it("with loose matching (--dst s3 and AWS service fields) leaves every line that names either side", () => {
        const loose = kernel(DEFAULT_ROLES, true);
        expectEverywhere(loose, OTHER + "\n", "full parser");
        expectEverywhere(loose, record("10.0.3.8", S3) + "\n", "full parser");
        expectEverywhere(loose, record("10.0.3.8", "10.0.3.7") + "\n", "unrelated");
    });

    it("takes '-' in a pkt-* field beside srcaddr/dstaddr, and tests pkt-* addresses as their side", () => {
        // srcaddr dstaddr pkt-srcaddr pkt-dstaddr action
        const pkt = kernel(Uint8Array.from([1, 3, 2, 4, 0]));
        expectEverywhere(pkt, `10.0.3.8 10.0.3.7 - - ACCEPT\n`, "unrelated");
        expectEverywhere(pkt, `10.0.3.8 10.0.3.7 ${TASK} - ACCEPT\n`, "unrelated");
        expectEverywhere(pkt, `10.0.3.8 10.0.3.7 ${TASK} ${S3} ACCEPT\n`, "full parser");
        expectEverywhere(pkt, `${TASK} 10.0.3.7 - ${S3} ACCEPT\n`, "full parser");
        expectEverywhere(pkt, `- 10.0.3.7 - - ACCEPT\n`, "full parser");
        expectEverywhere(pkt, `10.0.3.8 - - - ACCEPT\n`, "full parser");
        expectEverywhere(pkt, `10.0.3.8 10.0.3.7 -- - ACCEPT\n`, "full parser");
    });

    it("reads an address that ends the line, and a format without address fields", () => {
        const lastIsAddress = kernel(Uint8Array.from([0, 1, 3]));
        expectEverywhere(lastIsAddress, `x 10.0.3.8 10.0.3.7\n`, "unrelated");
        expectEverywhere(lastIsAddress, `x 10.0.3.8 10.0.3.7\r\n`, "unrelated");
        expectEverywhere(lastIsAddress, `x ${TASK} ${S3}\n`, "full parser");
        expectEverywhere(lastIsAddress, `x 10.0.3.8 10.0.3.7 \n`, "full parser");
        expectEverywhere(lastIsAddress, `x 10.0.3.8\n`, "full parser");
        const noAddresses = kernel(Uint8Array.from([0, 0, 0]));
        expectEverywhere(noAddresses, "a b c\n", "unrelated");
        expectEverywhere(noAddresses, " a b\n", "full parser");
        expectEverywhere(noAddresses, "a  b\n", "full parser");
        expectEverywhere(noAddresses, "a b c d\n", "full parser");
        expectEverywhere(noAddresses, "a b\n", "full parser");
    });

    it("leaves every line to the full parser when the format or the address list is larger than its tables", () => {
        const ranges = Array.from({ length: 8064 }, (_v, i): [string, string] => [`20.0.${i >> 8}.${i & 255}`, `20.0.${i >> 8}.${i & 255}`]);
        expectEverywhere(kernel(DEFAULT_ROLES, false, ranges), record("10.0.3.8", "10.0.3.7") + "\n", "unrelated");
        expectEverywhere(kernel(DEFAULT_ROLES, false, [...ranges, [TASK, TASK]]), record("10.0.3.8", "10.0.3.7") + "\n", "full parser");
        const wide = new Uint8Array(257);
        wide[0] = 1;
        wide[1] = 3;
        const line = "10.0.3.8 10.0.3.7" + " x".repeat(255) + "\n";
        expectEverywhere(kernel(wide.subarray(0, 256)), line.replace(" x\n", "\n"), "unrelated");
        expectEverywhere(kernel(wide), line, "full parser");
    });
});

/**
 * Addresses and CIDRs as the CLI reads them (`--src`, `--dst`) and as records carry them (`srcaddr`,
 * `pkt-dstaddr`), checked against small independent models: IPv4 as four octets folded in base 256,
 * IPv6 as eight 16-bit groups folded into a BigInt, validity of IPv6 text as Node's own `net.isIPv6`,
 * and CIDR membership as "the same top prefix bits" on BigInts.
 *
 * Why these matter to an answer: a record is tied to the user's conversation only when its address is
 * read exactly. The VPC user guide's field table: srcaddr is "the source address for incoming traffic,
 * or the IPv4 or IPv6 address of the network interface for outgoing traffic"; its IPv6 example records
 * (tests/fixtures/flow-log-corpus/aws-vpc-user-guide/ipv6.log) carry full, uncompressed groups
 * (2001:db8:1234:a100:8d6e:3477:df66:f105), while users type the compressed form (2001:db8::/64).
 */
import { expect } from "chai";
import fc from "fast-check";
import { isIPv6 } from "node:net";
import { AddressSet, NOT_IPV4, bracketIpv6, isIpAddress, parseIpRange, parseIpv4, parseIpv4Bytes, parseIpv6 } from "../../analysis/core/ip";
import { userErrorOf } from "../helpers/userErrors";

const SEED = 28;

/** The reference value of an IPv4 address: its octets in base 256, as a BigInt. */
const v4Value = (octets: readonly number[]): bigint => octets.reduce((v, o) => v * 256n + BigInt(o), 0n);
/** The reference value of an IPv6 address: its eight groups in base 65536, as a BigInt. */
const v6Value = (groups: readonly number[]): bigint => groups.reduce((v, g) => v * 65536n + BigInt(g), 0n);

const octet = fc.integer({ min: 0, max: 255 });
const octets = fc.array(octet, { minLength: 4, maxLength: 4 });
/** Groups with many zeros, so that `::` compression has runs to take. */
const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(1, 0xffff));
const groups = fc.array(group, { minLength: 8, maxLength: 8 });

/** Writes eight groups as IPv6 text in the many ways RFC 4291 section 2.2 allows. */
function writeIpv6(gs: readonly number[], style: { compress: number; upper: boolean; pad: boolean; v4Tail: boolean }): string {
    const hex = (g: number) => {
        const h = g.toString(16);
        const padded = style.pad ? h.padStart(4, "0") : h;
        return style.upper ? padded.toUpperCase() : padded;
    };
    let parts: string[] = gs.map(hex);
    if (style.v4Tail) {
        const [hi, lo] = [gs[6], gs[7]];
        parts = [...parts.slice(0, 6), `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`];
    }
    // Compress the zero run starting at `compress` (if there is one there), at least one group long.
    const start = style.compress % 8;
    let end = start;
    const groupCount = style.v4Tail ? 6 : 8;
    while (end < groupCount && gs[end] === 0) end++;
    if (end === start) return parts.join(":");
    return parts.slice(0, start).join(":") + "::" + parts.slice(end).join(":");
}

describe("core/ip against independent models (issue 28)", () => {
    it("reads every dotted quad as its four octets in base 256", () => {
        fc.assert(
            fc.property(octets, (os) => {
                expect(BigInt(parseIpv4(os.join(".")))).to.equal(v4Value(os));
                expect(isIpAddress(os.join("."))).to.equal(true);
            }),
            { seed: SEED, numRuns: 400 },
        );
    });

    it("accepts exactly the dotted quads of four decimal octets 0-255 without leading zeros, from text and from bytes", () => {
        // Text built from digits and dots only: the model says which of them are addresses.
        const token = fc.constantFrom("0", "1", "9", "10", "25", "99", "100", "199", "249", "250", "255", "256", "299", "300", "999", "00", "01", "010", "1000", "");
        const text = fc.array(token, { minLength: 1, maxLength: 6 }).map((ts) => ts.join("."));
        const model = (t: string): bigint | undefined => {
            const parts = t.split(".");
            if (parts.length !== 4) return undefined;
            if (!parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
            return v4Value(parts.map(Number));
        };
        fc.assert(
            fc.property(text, (t) => {
                const expected = model(t);
                const got = parseIpv4(t);
                expect(got === NOT_IPV4 ? undefined : BigInt(got), t).to.equal(expected);
                // The file scanner's byte parser, on the same text inside a longer line.
                const line = Buffer.from(`x ${t} y`);
                const bytes = parseIpv4Bytes(line, 2, 2 + t.length);
                expect(bytes === NOT_IPV4 ? undefined : BigInt(bytes), t).to.equal(expected);
            }),
            { seed: SEED, numRuns: 1500 },
        );
    });

    it("reads every way of writing eight IPv6 groups (compressed, padded, upper case, IPv4 tail) as the same 128-bit value", () => {
        const style = fc.record({ compress: fc.nat(7), upper: fc.boolean(), pad: fc.boolean(), v4Tail: fc.boolean() });
        fc.assert(
            fc.property(groups, style, (gs, s) => {
                const text = writeIpv6(gs, s);
                expect(isIPv6(text), text).to.equal(true);
                expect(parseIpv6(text), text).to.equal(v6Value(gs));
                expect(isIpAddress(text), text).to.equal(true);
            }),
            { seed: SEED, numRuns: 600 },
        );
    });

    it("agrees with Node's net.isIPv6 on which near-addresses are IPv6 (wrong group counts, two '::', five hex digits, bad IPv4 tails)", () => {
        const token = fc.constantFrom("0", "1", "db8", "ffff", "FFFF", "0000", "00000", "12345", "g", ":", ":", ":", "::", "::", ".", "1.2.3.4", "10.0.1.25", "01.2.3.4", "1.2.3", "256.1.1.1");
        const text = fc.array(token, { minLength: 1, maxLength: 16 }).map((ts) => ts.join(""));
        fc.assert(
            fc.property(text, (t) => {
                expect(parseIpv6(t) !== undefined, t).to.equal(isIPv6(t));
            }),
            { seed: SEED, numRuns: 3000 },
        );
    });

    it("keeps in a CIDR exactly the addresses that share its top prefix bits (IPv4 and IPv6, at the edges and anywhere)", () => {
        const v4Cidr = fc.record({ version: fc.constant(4 as const), base: octets.map(v4Value), prefix: fc.integer({ min: 0, max: 32 }) });
        const v6Cidr = fc.record({ version: fc.constant(6 as const), base: groups.map(v6Value), prefix: fc.integer({ min: 0, max: 128 }) });
        const write = (version: 4 | 6, value: bigint): string => {
            if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join(".");
            const gs = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((value >> s) & 0xffffn));
            return writeIpv6(gs, { compress: 0, upper: false, pad: false, v4Tail: false });
        };
        fc.assert(
            fc.property(fc.oneof(v4Cidr, v6Cidr), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), ({ version, base, prefix }, random) => {
                const bits = version === 4 ? 32n : 128n;
                const max = (1n << bits) - 1n;
                const host = bits - BigInt(prefix);
                const first = (base >> host) << host;
                const last = first + (1n << host) - 1n;
                const range = parseIpRange(`${write(version, base)}/${prefix}`, "--dst");
                expect([range.version, BigInt(range.first), BigInt(range.last)]).to.deep.equal([version, first, last]);
                const set = AddressSet.parse(`${write(version, base)}/${prefix}`, "--dst");
                const probes = [first - 1n, first, first + 1n, last - 1n, last, last + 1n, base, random & max].filter((p) => p >= 0n && p <= max);
                for (const p of probes) {
                    const inside = p >> host === base >> host;
                    expect(set.contains(write(version, p)), `${write(version, p)} in ${write(version, base)}/${prefix}`).to.equal(inside);
                }
                // An address of the other family is never inside.
                expect(set.contains(version === 4 ? "::" : "0.0.0.0")).to.equal(false);
                expect(set.hasIpv6).to.equal(version === 6);
            }),
            { seed: SEED, numRuns: 500 },
        );
    });
});

describe("core/ip: the addresses of AWS's example records and the messages a user sees", () => {
    it("reads the IPv6 addresses of AWS's IPv6 example record, uncompressed as AWS writes them, against the compressed CIDR a user types", () => {
        // From tests/fixtures/flow-log-corpus/aws-vpc-user-guide/ipv6.log (the guide's "IPv6 traffic" example).
        const set = AddressSet.parse("2001:db8:1234:a102::/64", "--dst");
        expect(["2001:db8:1234:a102:3304:8879:34cf:4071", "2001:db8:1234:a100:8d6e:3477:df66:f105", "2001:DB8:1234:A102::1", "2001:db8:1234:a103::"].map((a) => set.contains(a))).to.deep.equal([true, false, true, false]);
        expect(parseIpv6("2001:db8:1234:a100:8d6e:3477:df66:f105")).to.equal(0x20010db81234a1008d6e3477df66f105n);
    });

    it("refuses text that only looks like an address, whatever its length", () => {
        const notAddresses = ["1", ":", "1:2", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255x", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555", "1.2.3.4::", "::1.2.3.4:1", "2001:db8::1/64", "s3", "-", ""];
        expect(notAddresses.map((t) => [t, parseIpv6(t), isIpAddress(t)])).to.deep.equal(notAddresses.map((t) => [t, undefined, false]));
        // The longest IPv6 text there is (45 characters) is still read.
        expect(parseIpv6("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")).to.equal((1n << 128n) - 1n);
    });

    it("takes a prefix length of 0 and of the full width, and names a bad one with what is allowed", () => {
        expect([parseIpRange("10.0.1.25/0", "--src"), parseIpRange("10.0.1.25/32", "--src"), parseIpRange("10.0.1.25", "--src")].map((r) => [r.first, r.last])).to.deep.equal([
            [0, 0xffffffff],
            [0x0a000119, 0x0a000119],
            [0x0a000119, 0x0a000119],
        ]);
        const cases: [string, string][] = [
            ["10.0.1.0/", "Invalid --src '10.0.1.0/': prefix length (empty), out of range. Allowed: 0-32 for an IPv4 CIDR."],
            ["10.0.1.0/2x", "Invalid --src '10.0.1.0/2x': prefix length '2x', out of range. Allowed: 0-32 for an IPv4 CIDR."],
            ["10.0.1.0/0024", "Invalid --src '10.0.1.0/0024': prefix length '0024', out of range. Allowed: 0-32 for an IPv4 CIDR."],
            ["10.0.1.0/ 24", "Invalid --src '10.0.1.0/ 24': prefix length ' 24', out of range. Allowed: 0-32 for an IPv4 CIDR."],
            ["2001:db8::/-1", "Invalid --src '2001:db8::/-1': prefix length '-1', out of range. Allowed: 0-128 for an IPv6 CIDR."],
            ["10.0.1.0/24/8", "Invalid --src '10.0.1.0/24/8': prefix length '24/8', out of range. Allowed: 0-32 for an IPv4 CIDR."],
        ];
        expect(cases.map(([value]) => [value, userErrorOf(() => AddressSet.parse(value, "--src"))])).to.deep.equal(cases);
    });

    it("names the offending entry of a comma list, prefix length included", () => {
        expect(userErrorOf(() => AddressSet.parse("10.0.1.25,10.0.2.0/40", "--src"))).to.equal(
            "Invalid --src '10.0.1.25,10.0.2.0/40': entry '10.0.2.0/40' has prefix length '40', out of range. Allowed: 0-32 for an IPv4 CIDR.",
        );
        expect(userErrorOf(() => AddressSet.parse(" , 10.0.1.25", "--src"))).to.equal(
            "Invalid --src ' , 10.0.1.25': it has an empty entry. Allowed: an address like 10.0.1.25 or 2001:db8::1, or a CIDR like 10.0.1.0/24 or 2001:db8::/64, or a comma list of them.",
        );
    });

    it("matches an IPv4 record address against an IPv4-only set without reading it as IPv6, and writes the set back as given", () => {
        const set = AddressSet.parse("52.219.204.0/22, 10.0.1.25", "--dst");
        expect([set.hasIpv6, set.contains("2001:db8::1"), set.contains("::ffff:52.219.204.42"), set.containsIpv4(0x34dbcc2a), set.containsIpv4(0x34dbd000)]).to.deep.equal([false, false, false, true, false]);
        expect([set.toString(), String(set)]).to.deep.equal(["52.219.204.0/22,10.0.1.25", "52.219.204.0/22,10.0.1.25"]);
    });

    it("writes an IPv6 address in brackets before a port, an IPv4 one as it is (the text a user copies)", () => {
        expect(["2001:db8::1", "52.219.204.42"].map(bracketIpv6)).to.deep.equal(["[2001:db8::1]", "52.219.204.42"]);
    });
});

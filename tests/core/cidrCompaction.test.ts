/**
 * CIDR compaction must be lossless: the compacted list matches exactly the addresses the input
 * does. Checked as a property over generated lists (fixed seed, bounded runs), IPv4 and IPv6 mixed,
 * by membership at every boundary of both lists: the addresses an entry list matches change only
 * at a range's first address or just after its last, so agreeing there means agreeing everywhere.
 */
import { expect } from "chai";
import fc from "fast-check";
import { compactAddresses, formatIpv4, formatIpv6 } from "../../analysis/core/cidrCompaction";
import { IpRange, parseIpRange, parseIpv6 } from "../../analysis/core/ip";

const SEED = 1802;
const ranges = (list: readonly string[]): IpRange[] => list.filter((a) => a.includes("/")).map((a) => parseIpRange(a, "test"));
const contains = (list: readonly IpRange[], version: 4 | 6, address: bigint) =>
    list.some((r) => r.version === version && BigInt(r.first) <= address && address <= BigInt(r.last));

/** Addresses where what the two lists match could differ: each range's first, last and their neighbours. */
function sameAddresses(a: readonly string[], b: readonly string[]): string | undefined {
    const [ra, rb] = [ranges(a), ranges(b)];
    for (const r of [...ra, ...rb]) {
        const max = r.version === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
        for (const x of [BigInt(r.first) - 1n, BigInt(r.first), BigInt(r.last), BigInt(r.last) + 1n]) {
            if (x < 0n || x > max) continue;
            if (contains(ra, r.version, x) !== contains(rb, r.version, x)) return `IPv${r.version} ${x} is in one list only`;
        }
    }
    return undefined;
}

// Clustered bases at any address (not only aligned ones), so that ranges overlap, touch and
// leave one-address gaps often; now and then a wide one.
const ipv4Cidr = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 28, max: 32 })).map(([offset, prefix]) => `${formatIpv4(BigInt(0x0a000000 + offset))}/${prefix}`),
    fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([base, prefix]) => `${formatIpv4(BigInt(base))}/${prefix}`),
);
const ipv6Cidr = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 124, max: 128 })).map(([offset, prefix]) => `${formatIpv6((0x20010db8n << 96n) + BigInt(offset))}/${prefix}`),
    fc.tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 })).map(([base, prefix]) => `${formatIpv6(base)}/${prefix}`),
);
const plainAddress = fc.constantFrom("10.0.1.25", "10.0.1.26", "2001:db8::1", "2001:DB8:0::1");
const addressList = fc.array(fc.oneof({ weight: 4, arbitrary: ipv4Cidr }, { weight: 4, arbitrary: ipv6Cidr }, { weight: 1, arbitrary: plainAddress }), { minLength: 1, maxLength: 40 });

describe("CIDR compaction", () => {
    it("matches exactly the addresses of its input, IPv4 and IPv6 (property)", () => {
        fc.assert(
            fc.property(addressList, (list) => {
                const compacted = compactAddresses(list);
                expect(sameAddresses(list, compacted)).to.equal(undefined);
            }),
            { seed: SEED, numRuns: 400 },
        );
    });

    it("gives aligned, disjoint CIDRs, no two of which could be one, and never more than it was given (property)", () => {
        fc.assert(
            fc.property(addressList, (list) => {
                const compacted = compactAddresses(list);
                const out = ranges(compacted);
                expect(out.length).to.be.at.most(ranges(list).length);
                for (const r of out) {
                    // No host bits: the text's address is the block's first.
                    expect(BigInt(parseIpRange(r.text.split("/")[0], "test").first)).to.equal(BigInt(r.first));
                }
                for (let i = 0; i < out.length; i++) {
                    for (let j = i + 1; j < out.length; j++) {
                        const [a, b] = [out[i], out[j]];
                        if (a.version !== b.version) continue;
                        expect(BigInt(a.last) < BigInt(b.first) || BigInt(b.last) < BigInt(a.first), `${a.text} overlaps ${b.text}`).to.equal(true);
                        const size = BigInt(a.last) - BigInt(a.first) + 1n;
                        const siblings = size === BigInt(b.last) - BigInt(b.first) + 1n && (BigInt(a.first) ^ BigInt(b.first)) === size;
                        expect(siblings, `${a.text} and ${b.text} make one block`).to.equal(false);
                    }
                }
            }),
            { seed: SEED, numRuns: 300 },
        );
    });

    it("keeps plain addresses as written (queries compare them as text) and merges the CIDRs", () => {
        expect(
            compactAddresses(["10.0.1.25", "52.219.170.0/23", "52.219.168.0/24", "2001:DB8::1", "52.219.169.0/24", "10.0.1.25", "3.5.134.0/23", "3.5.136.0/22", "2a05:d078:4000::/41", "2a05:d078:4080::/41"]),
        ).to.deep.equal(["10.0.1.25", "2001:DB8::1", "3.5.134.0/23", "3.5.136.0/22", "52.219.168.0/22", "2a05:d078:4000::/40"]);
    });

    it("writes a CIDR given with host bits as its block", () => {
        expect(compactAddresses(["10.0.1.25/24", "10.0.0.0/24"])).to.deep.equal(["10.0.0.0/23"]);
    });

    it("writes IPv6 as RFC 5952 text, which reads back to the same address (property)", () => {
        expect(formatIpv6(0n)).to.equal("::");
        expect(formatIpv6(1n)).to.equal("::1");
        expect(formatIpv6(parseIpv6("2001:db8:0:0:1:0:0:1") as bigint)).to.equal("2001:db8::1:0:0:1");
        expect(formatIpv6(parseIpv6("2001:0db8:0000:0001:0001:0001:0001:0001") as bigint)).to.equal("2001:db8:0:1:1:1:1:1");
        expect(formatIpv6(parseIpv6("2a05:d078:4000::") as bigint)).to.equal("2a05:d078:4000::");
        const groups = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });
        fc.assert(
            fc.property(groups, (gs) => {
                const value = gs.reduce((v, g) => (v << 16n) | BigInt(g), 0n);
                expect(parseIpv6(formatIpv6(value))).to.equal(value);
            }),
            { seed: SEED, numRuns: 300 },
        );
    });
});

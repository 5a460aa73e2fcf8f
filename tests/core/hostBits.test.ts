/**
 * `--src 10.0.1.25/24` (how `ip addr` prints an address) is read as the network 10.0.1.0/24: every
 * such entry gets a warning naming the network read and the address meant; an entry without host
 * bits gets none. The property holds the rule against a reference written from the definition: an
 * IPv4 CIDR a/p has host bits set exactly when a mod 2^(32-p) is not 0 (RFC 4632, section 3.1).
 */
import { expect } from "chai";
import fc from "fast-check";
import { hostBitsWarnings } from "../../analysis/core/hostBits";
import { AddressSet } from "../../analysis/core/ip";

const warnings = (value: string, flag = "--src") => hostBitsWarnings(AddressSet.parse(value, flag), flag);

describe("host bits in --src/--dst CIDRs", () => {
    it("10.0.1.25/24 is the network 10.0.1.0/24: the warning names it and the address meant", () => {
        expect(warnings("10.0.1.25/24")).to.deep.equal([
            "--src 10.0.1.25/24 has host bits set (the form 'ip addr' prints): it is read as the network 10.0.1.0/24, every address in it, so records of other hosts there count too. For the one address, give --src 10.0.1.25.",
        ]);
    });

    it("IPv6 too, and each entry of a comma list on its own", () => {
        expect(warnings("2406:da00::1/64,10.0.0.0/16,10.0.1.25/31", "--dst")).to.deep.equal([
            "--dst 2406:da00::1/64 has host bits set (the form 'ip addr' prints): it is read as the network 2406:da00::/64, every address in it, so records of other hosts there count too. For the one address, give --dst 2406:da00::1.",
            "--dst 10.0.1.25/31 has host bits set (the form 'ip addr' prints): it is read as the network 10.0.1.24/31, every address in it, so records of other hosts there count too. For the one address, give --dst 10.0.1.25.",
        ]);
    });

    it("no warning for an address, a network address, a /32, a /128 or 0.0.0.0/0", () => {
        expect(warnings("10.0.1.25,10.0.1.0/24,10.0.1.25/32,2406:da00::1/128,0.0.0.0/0,::/0")).to.deep.equal([]);
    });

    it("a warning exactly when the address has a bit set beyond the prefix (reference: a mod 2^(32-p))", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), (a, p) => {
                const text = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${p}`;
                const hasHostBits = BigInt(a) % 2n ** BigInt(32 - p) !== 0n;
                expect(warnings(text).length, text).to.equal(hasHostBits ? 1 : 0);
            }),
            { seed: 28, numRuns: 2000 },
        );
    });
});

import { expect } from "chai";
import fc from "fast-check";
import { isPrivateIpv4 } from "../../analysis/core/ip";

describe("core/ip isPrivateIpv4: the one test for RFC 1918 and RFC 6598 space", () => {
    it("holds the ranges' edges exactly", () => {
        const cases: [string, boolean][] = [
            ["10.0.0.0", true],
            ["10.255.255.255", true],
            ["11.0.0.0", false],
            ["172.15.255.255", false],
            ["172.16.0.0", true],
            ["172.31.255.255", true],
            ["172.32.0.0", false],
            ["192.167.255.255", false],
            ["192.168.0.0", true],
            ["192.168.255.255", true],
            ["192.169.0.0", false],
            ["100.63.255.255", false],
            ["100.64.0.0", true],
            ["100.127.255.255", true],
            ["100.128.0.0", false],
            ["52.219.204.42", false],
        ];
        expect(cases.map(([address]) => [address, isPrivateIpv4(address)])).to.deep.equal(cases);
    });

    it("says nothing (undefined) of what is not IPv4", () => {
        expect(["2001:db8::1", "10.0.0", "10.0.0.256", "s3", undefined].map((a) => isPrivateIpv4(a))).to.deep.equal([undefined, undefined, undefined, undefined, undefined]);
    });

    it("agrees with the octet rule on every IPv4 address (the ECS reasons' former copy)", () => {
        const byOctets = ([a, b]: number[]) => a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
        const octet = fc.integer({ min: 0, max: 255 });
        // The first octets of the ranges and their neighbours, so the edges are drawn often.
        const first = fc.oneof(octet, fc.constantFrom(9, 10, 11, 99, 100, 101, 171, 172, 173, 191, 192, 193));
        fc.assert(
            fc.property(fc.tuple(first, octet, octet, octet), (octets) => isPrivateIpv4(octets.join(".")) === byOctets(octets)),
            { seed: 19, numRuns: 2000 },
        );
    });
});

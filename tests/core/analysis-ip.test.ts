import { expect } from "chai";
import { AddressSet, NOT_IPV4, parseIpRange, parseIpv4, parseIpv6 } from "../../analysis/core/ip";
import { userErrorOf } from "../helpers/userErrors";

describe("analysis: ip", () => {
    const v4: Array<[string, number]> = [
        ["10.0.1.25", 0x0a000119],
        ["0.0.0.0", 0],
        ["255.255.255.255", 0xffffffff],
        ["52.219.204.42", 0x34dbcc2a],
        ["10.0.1", NOT_IPV4],
        ["10.0.1.256", NOT_IPV4],
        ["10.0.01.1", NOT_IPV4],
        ["10.0.1.1.1", NOT_IPV4],
        ["-", NOT_IPV4],
        ["", NOT_IPV4],
        ["1..2.3", NOT_IPV4],
        // Longer than any dotted quad, though it starts with one.
        ["10.0.1.25.0.0.0", NOT_IPV4],
        ["255.255.255.2550", NOT_IPV4],
        // A character above U+00FF is no digit, even where its low byte would be one ("1" is 0x31).
        ["10.0.1.2\u0131", NOT_IPV4],
    ];
    for (const [text, expected] of v4) {
        it(`parses IPv4 ${JSON.stringify(text)}`, () => expect(parseIpv4(text)).to.equal(expected));
    }

    const v6: Array<[string, bigint | undefined]> = [
        ["::1", 1n],
        ["2001:db8::1", 0x20010db8000000000000000000000001n],
        ["2001:db8:0:0:0:0:0:1", 0x20010db8000000000000000000000001n],
        ["::ffff:10.0.1.25", 0xffff0a000119n],
        ["::", 0n],
        ["2001:db8::1::2", undefined],
        ["2001:db8:0:0:0:0:0:0:1", undefined],
        ["2001:zz8::1", undefined],
        ["10.0.1.25", undefined],
    ];
    for (const [text, expected] of v6) {
        it(`parses IPv6 ${JSON.stringify(text)}`, () => expect(parseIpv6(text)).to.equal(expected));
    }

    it("masks host bits of a CIDR", () => {
        const r = parseIpRange("10.0.1.25/24", "--src");
        expect([r.first, r.last]).to.deep.equal([0x0a000100, 0x0a0001ff]);
    });

    it("matches addresses against a comma list of addresses and CIDRs, IPv4 and IPv6", () => {
        const set = AddressSet.parse("52.219.204.0/22, 3.5.0.1,2001:db8::/64", "--dst");
        expect(["52.219.204.42", "52.219.207.255", "52.219.208.0", "3.5.0.1", "3.5.0.2", "2001:db8::7", "2001:db9::7", "-", "garbage", undefined].map((a) => set.contains(a))).to.deep.equal([
            true, true, false, true, false, true, false, false, false, false,
        ]);
        expect(set.toStrings()).to.deep.equal(["52.219.204.0/22", "3.5.0.1", "2001:db8::/64"]);
    });

    const errors: Array<[string, string, string]> = [
        ["--src", "10.0.1.300", "Invalid --src '10.0.1.300': not an IPv4 or IPv6 address or CIDR. Allowed: an address like 10.0.1.25 or 2001:db8::1, or a CIDR like 10.0.1.0/24 or 2001:db8::/64."],
        ["--dst", "52.219.204.0/33", "Invalid --dst '52.219.204.0/33': prefix length '33', out of range. Allowed: 0-32 for an IPv4 CIDR."],
        ["--dst", "2001:db8::/129", "Invalid --dst '2001:db8::/129': prefix length '129', out of range. Allowed: 0-128 for an IPv6 CIDR."],
        ["--dst", "52.219.204.42,s3.amazonaws.com", "Invalid --dst '52.219.204.42,s3.amazonaws.com': entry 's3.amazonaws.com' is not an IPv4 or IPv6 address or CIDR. Allowed: an address like 10.0.1.25 or 2001:db8::1, or a CIDR like 10.0.1.0/24 or 2001:db8::/64."],
        // The form a timeout names its destination in (`dial tcp 52.219.204.42:443`): the port has its own flag.
        ["--dst", "52.219.204.42:443", "Invalid --dst '52.219.204.42:443': an address with a port. Give the address alone: --dst 52.219.204.42 --port 443."],
        ["--dst", "[2001:db8::1]:443", "Invalid --dst '[2001:db8::1]:443': an address with a port. Give the address alone: --dst 2001:db8::1 --port 443."],
        ["--dst", "3.5.0.1,52.219.204.42:8443", "Invalid --dst '3.5.0.1,52.219.204.42:8443': entry '52.219.204.42:8443' is an address with a port. Give the address alone: --dst 52.219.204.42 --port 8443."],
        ["--src", "10.0.1.25:51234", "Invalid --src '10.0.1.25:51234': an address with a port. Give the address alone: --src 10.0.1.25 (without a port)."],
        // Not an address with a port: the general message.
        ["--dst", "52.219.204:443", "Invalid --dst '52.219.204:443': not an IPv4 or IPv6 address or CIDR. Allowed: an address like 10.0.1.25 or 2001:db8::1, or a CIDR like 10.0.1.0/24 or 2001:db8::/64."],
        ["--dst", "52.219.204.42,", "Invalid --dst '52.219.204.42,': it has an empty entry. Allowed: an address like 10.0.1.25 or 2001:db8::1, or a CIDR like 10.0.1.0/24 or 2001:db8::/64, or a comma list of them."],
    ];
    for (const [flag, value, message] of errors) {
        it(`rejects ${flag} ${value}`, () => expect(userErrorOf(() => AddressSet.parse(value, flag))).to.equal(message));
    }
});

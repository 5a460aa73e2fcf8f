/**
 * IPv4 and IPv6 addresses and CIDR ranges: parsing user input with clear errors, and membership
 * tests fast enough to run on every line of a multi-gigabyte flow-log file.
 */
import { UserInputError, quote } from "./errors";

/** Marks "not an IPv4 address" from the byte-level parser; any valid address is >= 0. */
export const NOT_IPV4 = -1;

/**
 * Parses dotted-quad IPv4 from `buf[start, end)` without allocating a string. Returns the address
 * as an unsigned 32-bit number, or NOT_IPV4 (for `-`, IPv6, or anything else).
 */
export function parseIpv4Bytes(buf: Uint8Array, start: number, end: number): number {
    let value = 0;
    let octet = 0;
    let digits = 0;
    let dots = 0;
    for (let i = start; i < end; i++) {
        const c = buf[i];
        if (c >= 48 && c <= 57) {
            // A leading zero ("010") is ambiguous (octal in some tools), so it is not an address here.
            if (digits > 0 && octet === 0) return NOT_IPV4;
            octet = octet * 10 + (c - 48);
            if (++digits > 3 || octet > 255) return NOT_IPV4;
        } else if (c === 46) {
            if (digits === 0 || ++dots > 3) return NOT_IPV4;
            value = value * 256 + octet;
            octet = 0;
            digits = 0;
        } else {
            return NOT_IPV4;
        }
    }
    if (dots !== 3 || digits === 0) return NOT_IPV4;
    return value * 256 + octet;
}

/** Room for the longest dotted quad (15 characters); reused, since every record's addresses pass here. */
const IPV4_TEXT = Buffer.alloc(15);

export function parseIpv4(text: string): number {
    if (text.length > IPV4_TEXT.length) return NOT_IPV4;
    // As UTF-8, so a character above U+007F is bytes that are no digit (latin1 would keep only its
    // low byte: "\u0131" would read as "1"). Any such character makes the byte count differ.
    const length = IPV4_TEXT.write(text, 0, "utf8");
    if (length !== text.length) return NOT_IPV4;
    return parseIpv4Bytes(IPV4_TEXT, 0, length);
}

/** Parses an IPv6 address (with `::` and an optional trailing dotted quad) to a 128-bit bigint. */
export function parseIpv6(text: string): bigint | undefined {
    if (text.length < 2 || text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
    const halves = text.split("::");
    if (halves.length > 2) return undefined;
    const head = halves[0] === "" ? [] : halves[0].split(":");
    const tail = halves.length === 2 ? (halves[1] === "" ? [] : halves[1].split(":")) : [];
    const groups: number[] = [];
    const all = [...head, ...tail];
    for (let i = 0; i < all.length; i++) {
        const part = all[i];
        if (part.includes(".")) {
            // An embedded IPv4 address is allowed only as the last group (::ffff:10.0.0.1), so never
            // before a `::` (RFC 4291 section 2.2: "10.0.1.25::" is no address).
            if (i !== all.length - 1 || (halves.length === 2 && i < head.length)) return undefined;
            const v4 = parseIpv4(part);
            if (v4 === NOT_IPV4) return undefined;
            groups.push(Math.floor(v4 / 65536), v4 % 65536);
        } else {
            if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
            groups.push(parseInt(part, 16));
        }
    }
    if (halves.length === 2) {
        // `::` stands for at least one zero group, after the head's groups (the head holds no IPv4 part).
        if (groups.length > 7) return undefined;
        groups.splice(head.length, 0, ...new Array<number>(8 - groups.length).fill(0));
    } else if (groups.length !== 8) {
        return undefined;
    }
    let value = 0n;
    for (const g of groups) value = (value << 16n) | BigInt(g);
    return value;
}

export type IpVersion = 4 | 6;

export interface IpRange {
    readonly version: IpVersion;
    /** As the user wrote it, for messages. */
    readonly text: string;
    readonly first: number | bigint;
    readonly last: number | bigint;
}

const CIDR_HINT = "Allowed: an address like 10.0.1.25 or 2001:db8::1, or a CIDR like 10.0.1.0/24 or 2001:db8::/64";

/**
 * Parses one address or CIDR. Host bits in a CIDR are ignored (10.0.1.25/24 means 10.0.1.0/24), as
 * AWS consoles and most tools accept it. `flag` and `whole` name the setting and the full value in
 * the error message.
 */
export function parseIpRange(text: string, flag: string, whole: string = text): IpRange {
    const slash = text.indexOf("/");
    const addressText = slash === -1 ? text : text.slice(0, slash);
    const prefixText = slash === -1 ? undefined : text.slice(slash + 1);
    // In a comma list, name the offending entry as well as the whole value.
    const subject = whole === text ? `Invalid ${flag} ${quote(whole)}:` : `Invalid ${flag} ${quote(whole)}: entry ${quote(text)}`;
    const v4 = parseIpv4(addressText);
    const v6 = v4 === NOT_IPV4 ? parseIpv6(addressText) : undefined;
    if (v4 === NOT_IPV4 && v6 === undefined) {
        // `52.219.204.42:443` is how a timeout names its destination (the issue, an ECS stop reason):
        // say where the port goes instead of only that the value is no address.
        const withPort = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9A-Fa-f:.]+)\]):(\d{1,5})$/.exec(text);
        if (withPort !== null) {
            const address = withPort[1] ?? withPort[2];
            const instead = flag === "--dst" ? `--dst ${address} --port ${withPort[3]}` : `${flag} ${address} (without a port)`;
            throw new UserInputError(`${subject} ${whole === text ? "an" : "is an"} address with a port. Give the address alone: ${instead}.`);
        }
        throw new UserInputError(`${subject} ${whole === text ? "not" : "is not"} an IPv4 or IPv6 address or CIDR. ${CIDR_HINT}.`);
    }
    const bits = v4 !== NOT_IPV4 ? 32 : 128;
    let prefix = bits;
    if (prefixText !== undefined) {
        if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
            throw new UserInputError(
                `${subject} ${whole === text ? "prefix length" : "has prefix length"} ${quote(prefixText)}, out of range. Allowed: 0-${bits} for an IPv${bits === 32 ? 4 : 6} CIDR.`,
            );
        }
        prefix = Number(prefixText);
    }
    if (v4 !== NOT_IPV4) {
        const size = 2 ** (32 - prefix);
        const first = Math.floor(v4 / size) * size;
        return { version: 4, text, first, last: first + size - 1 };
    }
    const hostBits = BigInt(128 - prefix);
    const first = ((v6 as bigint) >> hostBits) << hostBits;
    return { version: 6, text, first, last: first + (1n << hostBits) - 1n };
}

/**
 * A set of addresses given as a comma list of addresses and CIDRs (`--dst 52.219.204.0/22,3.5.0.1`).
 * IPv4 ranges are kept as plain numbers so the per-line test in the file scanner does not allocate.
 */
export class AddressSet {
    readonly ranges: readonly IpRange[];
    private readonly v4First: number[] = [];
    private readonly v4Last: number[] = [];
    private readonly v6: IpRange[] = [];

    constructor(ranges: readonly IpRange[]) {
        this.ranges = ranges;
        for (const r of ranges) {
            if (r.version === 4) {
                this.v4First.push(r.first as number);
                this.v4Last.push(r.last as number);
            } else {
                this.v6.push(r);
            }
        }
    }

    static parse(value: string, flag: string): AddressSet {
        const entries = value.split(",").map((e) => e.trim());
        if (entries.some((e) => e === "")) {
            throw new UserInputError(
                `Invalid ${flag} ${quote(value)}: it has an empty entry. ${CIDR_HINT}, or a comma list of them.`,
            );
        }
        return new AddressSet(entries.map((e) => parseIpRange(e, flag, value)));
    }

    containsIpv4(address: number): boolean {
        const first = this.v4First;
        const last = this.v4Last;
        for (let i = 0; i < first.length; i++) {
            if (address >= first[i] && address <= last[i]) return true;
        }
        return false;
    }

    /** Tests an address as written in a record; anything that is not an address is not contained. */
    contains(text: string | undefined): boolean {
        if (text === undefined) return false;
        const v4 = parseIpv4(text);
        if (v4 !== NOT_IPV4) return this.containsIpv4(v4);
        if (this.v6.length === 0) return false;
        const v6 = parseIpv6(text);
        if (v6 === undefined) return false;
        return this.v6.some((r) => v6 >= (r.first as bigint) && v6 <= (r.last as bigint));
    }

    get hasIpv6(): boolean {
        return this.v6.length > 0;
    }

    toStrings(): string[] {
        return this.ranges.map((r) => r.text);
    }

    toString(): string {
        return this.toStrings().join(",");
    }
}

/** True for text that is an IPv4 or IPv6 address (not a CIDR). */
export function isIpAddress(text: string): boolean {
    return parseIpv4(text) !== NOT_IPV4 || parseIpv6(text) !== undefined;
}

const PRIVATE_IPV4: ReadonlyArray<readonly [number, number]> = [
    ["10.0.0.0", 8],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
    // Carrier-grade NAT space, which VPCs may use too.
    ["100.64.0.0", 10],
].map(([base, bits]) => [parseIpv4(base as string), 2 ** (32 - (bits as number))] as const);

/**
 * The private IPv4 ranges an ENI's own address comes from. Undefined when the text is not IPv4:
 * an IPv6 address on an ENI is global, so "private" tells nothing about whose it is.
 */
export function isPrivateIpv4(text: string | undefined): boolean | undefined {
    if (text === undefined) return undefined;
    const v4 = parseIpv4(text);
    if (v4 === NOT_IPV4) return undefined;
    return PRIVATE_IPV4.some(([base, size]) => v4 >= base && v4 < base + size);
}

/** `[2001:db8::1]` for IPv6, the text itself otherwise: how an address is written before `:port`. */
export function bracketIpv6(text: string): string {
    return text.includes(":") ? `[${text}]` : text;
}

/**
 * Fewer, wider CIDRs for the same addresses: overlapping and adjacent ranges are merged and the
 * result is written back as the fewest aligned CIDR blocks. Exact: the compacted list matches
 * exactly the addresses the input does, no more (a property test checks it). Pure.
 *
 * Only CIDRs are compacted. A plain address stays as written, because a query compares it as text
 * (`srcAddr = "10.0.1.25"`), not as an address, and its text must not change.
 */
import { IpRange, IpVersion, parseIpRange } from "./ip";

const BITS: Readonly<Record<IpVersion, bigint>> = { 4: 32n, 6: 128n };

export function formatIpv4(value: bigint): string {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups as `::`. */
export function formatIpv6(value: bigint): string {
    const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((value >> shift) & 0xffffn));
    let bestStart = -1;
    let bestLength = 1;
    for (let i = 0; i < 8; ) {
        if (groups[i] !== 0) {
            i++;
            continue;
        }
        let j = i;
        while (j < 8 && groups[j] === 0) j++;
        if (j - i > bestLength) {
            bestStart = i;
            bestLength = j - i;
        }
        i = j;
    }
    const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
    if (bestStart === -1) return hex(groups);
    return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

interface Span {
    first: bigint;
    last: bigint;
}

/** Sorted, merged spans: two spans that overlap or touch become one. */
export function mergeSpans(spans: readonly Span[]): Span[] {
    const sorted = [...spans].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const merged: Span[] = [];
    for (const s of sorted) {
        const top = merged[merged.length - 1];
        if (top !== undefined && s.first <= top.last + 1n) {
            if (s.last > top.last) top.last = s.last;
        } else {
            merged.push({ first: s.first, last: s.last });
        }
    }
    return merged;
}

/** The fewest aligned CIDR blocks that cover exactly [first, last]. */
export function spanToCidrs(span: Span, version: IpVersion): string[] {
    const bits = BITS[version];
    const format = version === 4 ? formatIpv4 : formatIpv6;
    const blocks: string[] = [];
    let start = span.first;
    while (start <= span.last) {
        // The widest block that starts at `start` (alignment) and ends within the span.
        let hostBits = 0n;
        while (hostBits < bits && (start & ((1n << (hostBits + 1n)) - 1n)) === 0n && start + (1n << (hostBits + 1n)) - 1n <= span.last) hostBits++;
        blocks.push(`${format(start)}/${bits - hostBits}`);
        start += 1n << hostBits;
    }
    return blocks;
}

const spanOf = (r: IpRange): Span => ({ first: BigInt(r.first), last: BigInt(r.last) });

/**
 * The addresses and CIDRs of a `--src`/`--dst` list (already validated), compacted: plain addresses
 * first, as written and in their order (repeats dropped), then the merged IPv4 CIDRs, then IPv6.
 */
export function compactAddresses(addresses: readonly string[]): string[] {
    const plain = [...new Set(addresses.filter((a) => !a.includes("/")))];
    const cidrs = addresses.filter((a) => a.includes("/")).map((a) => parseIpRange(a, "address"));
    const byVersion = (version: IpVersion) => mergeSpans(cidrs.filter((r) => r.version === version).map(spanOf)).flatMap((s) => spanToCidrs(s, version));
    return [...plain, ...byVersion(4), ...byVersion(6)];
}

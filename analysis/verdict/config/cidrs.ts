/**
 * CIDR arithmetic over the addresses found in EC2 documents (route destinations, rule CIDRs,
 * prefix-list entries): containment, overlap and prefix length, for IPv4 and IPv6 alike.
 */
import { IpRange, parseIpRange } from "../../core/ip";

/** Parses a CIDR from an AWS document; undefined for anything that is not one (AWS never sends that, hand-edited files might). */
export function cidrRange(text: string | undefined): IpRange | undefined {
    if (text === undefined || text === "") return undefined;
    try {
        return parseIpRange(text, "cidr");
    } catch {
        // Not a CIDR: it matches nothing.
    }
    return undefined;
}

export function prefixLength(range: IpRange): number {
    const bits = range.version === 4 ? 32 : 128;
    const size = range.version === 4 ? (range.last as number) - (range.first as number) + 1 : Number((range.last as bigint) - (range.first as bigint) + 1n);
    return bits - Math.round(Math.log2(size));
}

export function covers(outer: IpRange, inner: IpRange): boolean {
    return outer.version === inner.version && outer.first <= inner.first && inner.last <= outer.last;
}

export function overlaps(a: IpRange, b: IpRange): boolean {
    return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

/** The CIDR text of a range as AWS commands want it: an address becomes `/32` or `/128`. */
export function cidrText(range: IpRange): string {
    if (range.text.includes("/")) return range.text;
    return `${range.text}/${range.version === 4 ? 32 : 128}`;
}

/** Inclusive port intervals, kept sorted and disjoint. */
export type PortIntervals = ReadonlyArray<readonly [number, number]>;

export function subtract(from: PortIntervals, cut: readonly [number, number]): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const [lo, hi] of from) {
        if (cut[1] < lo || cut[0] > hi) {
            out.push([lo, hi]);
            continue;
        }
        if (cut[0] > lo) out.push([lo, cut[0] - 1]);
        if (cut[1] < hi) out.push([cut[1] + 1, hi]);
    }
    return out;
}

export function intersect(from: PortIntervals, cut: readonly [number, number]): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const [lo, hi] of from) {
        const a = Math.max(lo, cut[0]);
        const b = Math.min(hi, cut[1]);
        if (a <= b) out.push([a, b]);
    }
    return out;
}

export function portsText(intervals: PortIntervals): string {
    return intervals.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(", ");
}

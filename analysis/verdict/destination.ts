/**
 * What kind of destination the conversation has, so the advice fits it: S3 wording (prefix list,
 * gateway endpoint, bucket region) only for S3; local, peering and transit gateway routes for a
 * private address; NAT and internet gateways for the internet.
 */
import { ConversationEvidence } from "../evidence/conversation";
import { AddressSet, isPrivateIpv4, parseIpRange } from "../core/ip";

export type DestinationKind = "s3" | "private" | "internet";

const SEOUL_S3 = parseIpRange("52.219.204.0/22", "range");

/** True when the destination is in 52.219.204.0/22, S3 in ap-northeast-2 (the one S3 range this project knows). */
export function inSeoulS3(e: ConversationEvidence): boolean {
    return inKnownS3Range(e.query.dst);
}

/** True when a destination range lies in 52.219.204.0/22, the one S3 range this project knows. */
export function inKnownS3Range(dst: AddressSet): boolean {
    return dst.ranges.some((r) => r.version === 4 && r.first >= SEOUL_S3.first && r.last <= SEOUL_S3.last);
}

/**
 * S3 when the records say so (pkt-dst-aws-service / pkt-src-aws-service S3) or the destination is
 * a known S3 range; private when it is in the private IPv4 ranges; the internet otherwise.
 */
export function destinationKind(e: ConversationEvidence): DestinationKind {
    if (e.query.dstIsS3 || (e.pktDstAwsServices.S3 ?? 0) > 0 || (e.pktSrcAwsServices.S3 ?? 0) > 0 || inSeoulS3(e)) return "s3";
    const first = e.query.dst.ranges[0];
    if (first && first.version === 4 && isPrivateIpv4(first.text.split("/")[0]) === true) return "private";
    return "internet";
}


/**
 * The destination the advice names: the address the matched records went to most, or the first
 * `--dst` range when nothing matched. IPv6 advice only when that address is IPv6: a `--dst` list
 * can mix families (an S3 region's ranges do) while the records went over IPv4.
 */
export function adviceDestination(e: ConversationEvidence): { text: string; ipv6: boolean } | undefined {
    const seen = Object.entries(e.destinations).sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
    if (seen.length > 0) return { text: seen[0][0], ipv6: seen[0][0].includes(":") };
    const first = e.query.dst.ranges[0];
    return first === undefined ? undefined : { text: first.text.replace(/\/(32|128)$/, ""), ipv6: first.version === 6 };
}

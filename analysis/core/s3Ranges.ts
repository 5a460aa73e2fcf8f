/**
 * `--dst s3` / `--dst s3:<region>`: every S3 address range of a region, from AWS's published
 * ip-ranges.json (offline) or the managed prefix list com.amazonaws.<region>.s3 (live, see
 * live/s3PrefixList.ts). Pure: the file's text comes in, ranges go out.
 *
 * ip-ranges.json shape: {syncToken, createDate, prefixes: [{ip_prefix, region,
 * network_border_group, service}], ipv6_prefixes: [{ipv6_prefix, ...}]}; every range is also listed
 * under service AMAZON, so only service "S3" is taken (AWS general reference, "AWS IP address ranges").
 */
import { AWS_REGION_NAME } from "./awsNames";
import { UserInputError, quote } from "./errors";

export interface S3Destination {
    /** Undefined for plain `s3`: the live target's region applies. */
    readonly region?: string;
}

/** `s3` or `s3:<region>` (any case), or undefined for anything else (an address list). */
export function parseS3Destination(value: string | undefined): S3Destination | undefined {
    if (value === undefined) return undefined;
    const text = value.trim().toLowerCase();
    const entries = text.split(",").map((entry) => entry.trim());
    if (entries.length > 1 && entries.some((entry) => entry === "s3" || entry.startsWith("s3:"))) {
        // Repeated --dst flags arrive as one comma list (cliOptions.ts), so this is also `--dst s3 --dst <ip>`.
        throw new UserInputError(
            `Invalid --dst ${quote(value)}: s3 and s3:<region> stand for every S3 range of one region and are given alone, not with other --dst values.`,
        );
    }
    if (text === "s3") return {};
    if (!text.startsWith("s3:")) return undefined;
    const region = text.slice(3);
    if (!AWS_REGION_NAME.test(region)) {
        throw new UserInputError(`Invalid --dst ${quote(value)}. Allowed: s3, s3:<region> such as s3:ap-northeast-2, or IPs and CIDRs.`);
    }
    return { region };
}

export interface ResolvedRanges {
    readonly cidrs: string[];
    /** Where the ranges came from, for the output's `sources`. */
    readonly from: string;
}

/** The S3 ranges of one region in an ip-ranges.json text; `origin` names the file in messages. */
export function s3RangesFromIpRanges(text: string, region: string, origin: string): ResolvedRanges {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch {
        throw new UserInputError(`${origin} is not JSON. Expected AWS's ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json).`);
    }
    const d = doc as { syncToken?: unknown; createDate?: unknown; prefixes?: unknown; ipv6_prefixes?: unknown };
    if (typeof d !== "object" || d === null || !Array.isArray(d.prefixes)) {
        throw new UserInputError(`${origin} has no 'prefixes' list. Expected AWS's ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json).`);
    }
    type Entry = { ip_prefix?: unknown; ipv6_prefix?: unknown; region?: unknown; service?: unknown };
    const entries = [...(d.prefixes as Entry[]), ...(Array.isArray(d.ipv6_prefixes) ? (d.ipv6_prefixes as Entry[]) : [])];
    const s3 = entries.filter((e) => e && e.service === "S3");
    const cidrs = s3
        .filter((e) => e.region === region)
        .map((e) => (typeof e.ip_prefix === "string" ? e.ip_prefix : e.ipv6_prefix))
        .filter((c): c is string => typeof c === "string");
    if (cidrs.length === 0) {
        const regions = [...new Set(s3.map((e) => String(e.region)))].sort();
        throw new UserInputError(
            `${origin} lists no S3 ranges for region ${quote(region)}.` +
                (regions.length > 0 ? ` Regions with S3 ranges in it: ${regions.join(", ")}.` : " It lists no S3 ranges at all."),
        );
    }
    const stamp = typeof d.createDate === "string" ? `, createDate ${d.createDate}` : "";
    return { cidrs: [...new Set(cidrs)], from: `${origin}: service S3, region ${region} (${cidrs.length} ranges${stamp})` };
}

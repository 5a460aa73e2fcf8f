/**
 * The S3 ranges of a region from the AWS-managed prefix list com.amazonaws.<region>.s3 (in China
 * cn.com.amazonaws.<region>.s3): the list a
 * security group rule or a gateway endpoint's route uses, so it is what the task's traffic to S3
 * was judged against. DescribeManagedPrefixLists finds its id, GetManagedPrefixListEntries (paged,
 * at most 100 a page) lists the CIDRs (EC2 API reference).
 */
import { DescribeManagedPrefixListsCommand, EC2Client, GetManagedPrefixListEntriesCommand } from "@aws-sdk/client-ec2";
import { ResolvedRanges } from "../core/s3Ranges";

export type PrefixListClient = Pick<EC2Client, "send">;

export class PrefixListError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PrefixListError";
    }
}

/**
 * `<reverse DNS prefix>.<region>.s3`: `com.amazonaws` everywhere but the China regions, whose
 * service names (and so the S3 prefix list's) start with `cn.com.amazonaws`.
 */
export function s3PrefixListName(region: string): string {
    return `${region.startsWith("cn-") ? "cn.com.amazonaws" : "com.amazonaws"}.${region}.s3`;
}

/** A bound on pages, so a misbehaving endpoint cannot keep the CLI paging forever. */
const MAX_PAGES = 50;

export async function s3PrefixListRanges(ec2: PrefixListClient, region: string): Promise<ResolvedRanges & { prefixListId: string }> {
    const name = s3PrefixListName(region);
    const lists = await ec2.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: "prefix-list-name", Values: [name] }] }));
    const list = (lists.PrefixLists ?? []).find((l) => l.PrefixListName === name);
    if (list?.PrefixListId === undefined) {
        throw new PrefixListError(
            `The managed prefix list ${name} was not found in ${region}. Check --region, or give the ranges from AWS's ip-ranges.json with --ip-ranges <file>.`,
        );
    }
    const cidrs: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
        const entries = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: list.PrefixListId, NextToken: nextToken }));
        for (const e of entries.Entries ?? []) if (e.Cidr) cidrs.push(e.Cidr);
        nextToken = entries.NextToken;
        if (!nextToken) break;
    }
    if (cidrs.length === 0) {
        throw new PrefixListError(`The managed prefix list ${name} (${list.PrefixListId}) has no entries in ${region}. Give the ranges with --ip-ranges <file>.`);
    }
    return { prefixListId: list.PrefixListId, cidrs, from: `managed prefix list ${name} (${list.PrefixListId}, version ${list.Version ?? "?"}, ${cidrs.length} ranges)` };
}

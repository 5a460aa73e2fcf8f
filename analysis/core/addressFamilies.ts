/**
 * A flow never changes address family: the source and destination of a packet, and so of a
 * flow-log record, are both IPv4 or both IPv6. Even an IPv6-only workload that reaches an IPv4
 * service does it over IPv6, to the synthesized address 64:ff9b::<IPv4> that a NAT gateway
 * translates (AWS VPC user guide, "DNS64 and NAT64": such workloads "can only send and receive IPv6
 * network packets"; the prefix is RFC 6052's well-known 64:ff9b::/96). So a --src and a --dst of
 * different families can never match a record, and the entries of one family in a list whose other
 * side has none of that family can never match either. Pure: address sets in, address sets out.
 */
import { UserInputError } from "./errors";
import { AddressSet, IpRange, IpVersion } from "./ip";

export interface ConversationSide {
    readonly addresses: AddressSet;
    /** How messages name this side with its values, e.g. `--src 10.0.1.25`. */
    readonly described: string;
    /**
     * True when the tool expanded the list itself (`--dst s3`: S3's published ranges, IPv4 and
     * IPv6 alike). Its entries of a family the other side lacks are left out without a warning: the
     * user did not name them, and a warning on every run would teach people to skip warnings.
     */
    readonly expanded?: boolean;
}

export interface FamilyMatch {
    readonly src: AddressSet;
    readonly dst: AddressSet;
    /** One for each side that named entries (not expanded) which can never match. */
    readonly warnings: string[];
}

/** The two sides kept to the families both have; a UserInputError when they share none. */
export function matchAddressFamilies(src: ConversationSide, dst: ConversationSide): FamilyMatch {
    const srcFamilies = familiesOf(src.addresses);
    const dstFamilies = familiesOf(dst.addresses);
    const common = srcFamilies.filter((v) => dstFamilies.includes(v));
    if (common.length === 0) {
        throw new UserInputError(
            `${src.described} is ${familyText(srcFamilies)} and ${dst.described} is ${familyText(dstFamilies)}: ` +
                "a flow never changes address family (a record's source and destination are both IPv4 or both IPv6), so no record can match." +
                nat64Hint(src.addresses, dst.addresses),
        );
    }
    const warnings: string[] = [];
    const keep = (side: ConversationSide, other: ConversationSide): AddressSet => {
        const dropped = side.addresses.ranges.filter((r) => !common.includes(r.version));
        if (dropped.length === 0) return side.addresses;
        if (side.expanded !== true) {
            const one = dropped.length === 1;
            warnings.push(
                `${dropped.map((r) => r.text).join(", ")} in ${side.described} ${one ? "is" : "are"} ${familyText([dropped[0].version])} ` +
                    `and ${other.described} is ${familyText(common)} only: a flow never changes address family, so ${one ? "it" : "they"} can never match; left out.`,
            );
        }
        return new AddressSet(side.addresses.ranges.filter((r) => common.includes(r.version)));
    };
    return { src: keep(src, dst), dst: keep(dst, src), warnings };
}

function familiesOf(addresses: AddressSet): IpVersion[] {
    return ([4, 6] as const).filter((v) => addresses.ranges.some((r) => r.version === v));
}

function familyText(families: readonly IpVersion[]): string {
    return families.map((v) => `IPv${v}`).join(" and ");
}

/**
 * For an IPv6 workload and an IPv4 destination: the address the workload's records would show
 * through NAT64, the destination's first entry under 64:ff9b::/96.
 */
function nat64Hint(src: AddressSet, dst: AddressSet): string {
    const first: IpRange | undefined = dst.ranges[0];
    if (!src.hasIpv6 || first === undefined || first.version !== 4) return "";
    const slash = first.text.indexOf("/");
    const address = slash === -1 ? first.text : first.text.slice(0, slash);
    const prefix = slash === -1 ? "" : `/${96 + Number(first.text.slice(slash + 1))}`;
    return ` If the workload is IPv6-only and reaches IPv4 through NAT64, its records show the destination as 64:ff9b::<IPv4>, e.g. --dst 64:ff9b::${address}${prefix}.`;
}

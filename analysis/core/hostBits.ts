/**
 * `--src 10.0.1.25/24` is how `ip addr` prints an interface's address, so it is easy to paste where
 * the one address was meant. A CIDR's host bits are ignored (10.0.1.25/24 is the network
 * 10.0.1.0/24, as AWS consoles read it), which widens the conversation to every host of that
 * network: said, never silent. Pure: address sets in, messages out.
 */
import { formatIpv4, formatIpv6 } from "./cidrCompaction";
import { AddressSet, IpRange, parseIpRange } from "./ip";

/** One warning for each entry written with host bits set, naming the network read and the address meant. */
export function hostBitsWarnings(addresses: AddressSet, flag: string): string[] {
    return addresses.ranges.filter(hasHostBits).map((r) => {
        const [address, prefix] = r.text.split("/");
        const network = `${r.version === 4 ? formatIpv4(BigInt(r.first)) : formatIpv6(BigInt(r.first))}/${prefix}`;
        return `${flag} ${r.text} has host bits set (the form 'ip addr' prints): it is read as the network ${network}, every address in it, so records of other hosts there count too. For the one address, give ${flag} ${address}.`;
    });
}

function hasHostBits(r: IpRange): boolean {
    const slash = r.text.indexOf("/");
    if (slash === -1) return false;
    // The entry's own address is the first of its range exactly when no host bit is set.
    return parseIpRange(r.text.slice(0, slash), "an address").first !== r.first;
}

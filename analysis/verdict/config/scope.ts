/**
 * Which network interface the configuration check evaluates, and why. A snapshot can hold another
 * workload's interface (another VPC, another subnet): evaluating it would give a culprit and a fix
 * for someone else's path with full confidence. So an interface is evaluated only when it is the
 * workload's (it holds --src, or the records name it for the source side), when the user names it
 * with --eni, or when it sits in the workload's own subnet (same route table and network ACL) and
 * the snapshot does not hold the workload's own. Anything else is said, never assumed. Pure.
 */
import { AddressSet } from "../../core/ip";
import { Ec2Documents, Ec2NetworkInterface } from "./ec2Documents";

export interface ScopeQuestion {
    /** --src: the workload's addresses. */
    readonly src: AddressSet;
    /** --eni, when the user named the interface. */
    readonly named?: string;
    /** The interface ids the records show on the source side (the interface-id field). */
    readonly recordsEnis: readonly string[];
    /** The subnets the records show on the source side (the subnet-id field of a custom format). */
    readonly recordsSubnets: readonly string[];
    /** The interface `vpc-flow-diagnose snapshot` was run for (snapshot-info.json). */
    readonly snapshotEni?: string;
}

export type Scope =
    | { readonly checked: true; readonly eniId: string; readonly basis: string }
    | { readonly checked: false; readonly reason: string };

/** Every private IPv4 and IPv6 address of an interface, primary first. */
export function interfaceAddresses(eni: Ec2NetworkInterface): string[] {
    const out: string[] = [];
    const add = (a: string | undefined) => {
        if (a !== undefined && a !== "" && !out.includes(a)) out.push(a);
    };
    add(eni.PrivateIpAddress);
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder string has no PrivateIpAddress, and add() skips undefined.
    for (const p of eni.PrivateIpAddresses ?? []) add(p.PrivateIpAddress);
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder string has no Ipv6Address, and add() skips undefined.
    for (const p of eni.Ipv6Addresses ?? []) add(p.Ipv6Address);
    return out;
}

/** The first address of the interface that --src covers, if any. */
export function sourceAddressOf(eni: Ec2NetworkInterface, src: AddressSet): string | undefined {
    return interfaceAddresses(eni).find((a) => src.contains(a));
}

function describe(eni: Ec2NetworkInterface): string {
    const addresses = interfaceAddresses(eni);
    return `${eni.NetworkInterfaceId ?? "?"} (${addresses.join(", ") || "no address"}; ${eni.VpcId ?? "no VpcId"}, ${eni.SubnetId ?? "no SubnetId"})`;
}

const ids = (enis: readonly Ec2NetworkInterface[]) => enis.map((e) => e.NetworkInterfaceId ?? "?").join(", ");

export function chooseInterface(docs: Ec2Documents, q: ScopeQuestion): Scope {
    const all = docs.networkInterfaces;
    const src = q.src.toStrings().join(", ");
    const holds = (eni: Ec2NetworkInterface) => sourceAddressOf(eni, q.src);
    const workloadBasis = (eni: Ec2NetworkInterface): string | undefined => {
        const address = holds(eni);
        if (address !== undefined) return `it holds ${address}`;
        if (q.recordsEnis.includes(eni.NetworkInterfaceId ?? "")) return `the records show it for ${src} (their interface-id)`;
        return undefined;
    };
    if (q.named !== undefined) {
        const eni = all.find((n) => n.NetworkInterfaceId === q.named);
        if (!eni) return { checked: false, reason: `network interface ${q.named} is not in describe-network-interfaces (it holds: ${ids(all) || "none"})` };
        return { checked: true, eniId: q.named, basis: workloadBasis(eni) ?? `named with --eni (it does not hold ${src})` };
    }
    // Stryker disable next-line StringLiteral: equivalent: recordsEnis holds interface ids only (configStep's sourceEnis keeps what isNetworkInterfaceId accepts), so an interface without an id matches none, whatever the fallback text.
    const fromRecords = all.filter((n) => q.recordsEnis.includes(n.NetworkInterfaceId ?? ""));
    if (fromRecords.length === 1) return { checked: true, eniId: fromRecords[0].NetworkInterfaceId as string, basis: workloadBasis(fromRecords[0]) as string };
    if (fromRecords.length > 1) return { checked: false, reason: `the records show several of its interfaces for ${src} (${ids(fromRecords)}): name one with --eni` };
    const holders = all.filter((n) => holds(n) !== undefined);
    if (holders.length === 1) return { checked: true, eniId: holders[0].NetworkInterfaceId ?? "?", basis: workloadBasis(holders[0]) as string };
    if (holders.length > 1) return { checked: false, reason: `several of its interfaces hold addresses of ${src} (${ids(holders)}): name one with --eni` };
    // A stand-in: same subnet, so the same route table and network ACL as the workload.
    const subnet = q.recordsSubnets.length === 1 ? q.recordsSubnets[0] : undefined;
    const sisters = subnet === undefined ? [] : all.filter((n) => n.SubnetId === subnet);
    const sister = sisters.find((n) => n.NetworkInterfaceId === q.snapshotEni) ?? (sisters.length === 1 ? sisters[0] : undefined);
    if (sister) {
        return {
            checked: true,
            eniId: sister.NetworkInterfaceId ?? "?",
            basis: `in ${subnet} like the workload, which the snapshot does not hold: its route table and network ACL are the workload's, its security groups may not be`,
        };
    }
    // Stryker disable next-line EqualityOperator: equivalent: a single sister was chosen just above, so here there are none or several.
    if (sisters.length > 1) return { checked: false, reason: `it does not hold ${src}, and several of its interfaces are in the workload's ${subnet} (${ids(sisters)}): name one with --eni` };
    const not = [`holds ${src}`, ...(q.recordsEnis.length > 0 ? [`is the records' ${q.recordsEnis.join(", ")}`] : []), ...(subnet ? [`is in the workload's ${subnet}`] : [])];
    return {
        checked: false,
        reason:
            `none of its network interfaces ${not.join(" or ")}: it holds ${all.map(describe).join(", ") || "none"}. ` +
            `Check a snapshot of the workload's interface ('vpc-flow-diagnose snapshot --eni <eni-id> --out <dir>'), or name a stand-in with --eni`,
    };
}

/**
 * Route selection as the VPC router does it (VPC user guide, "How route priority works"): the
 * subnet's explicitly associated table, else the VPC's main table; then the longest prefix that
 * matches, a prefix-list route standing for each of its entries; on equal prefixes a static route
 * wins over a prefix-list route, which wins over a propagated one. A `blackhole` route is still
 * selected: it is where the packets are dropped.
 */
import { IpRange } from "../../core/ip";
import { cidrRange, covers, prefixLength } from "./cidrs";
import { Ec2Documents, Ec2Route, Ec2RouteTable } from "./ec2Documents";

export interface SelectedRoute {
    readonly route: Ec2Route;
    /** The route's destination as shown: a CIDR, or the prefix list id. */
    readonly destination: string;
    /** For a prefix-list route: the entry that matched. */
    readonly viaPrefixListEntry?: string;
}

export type RouteLookup =
    | { readonly found: true; readonly selected: SelectedRoute }
    | { readonly found: false; readonly unknownPrefixLists: readonly string[] };

export function routeTableForSubnet(docs: Ec2Documents, subnetId: string, vpcId: string | undefined): { table?: Ec2RouteTable; explicit: boolean } {
    // Stryker disable next-line ArrayDeclaration: equivalent: a non-empty default holds no association object, so `.some(...)` stays false.
    const explicit = docs.routeTables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnetId));
    if (explicit) return { table: explicit, explicit: true };
    // Stryker disable next-line ArrayDeclaration: equivalent: a non-empty default holds no association object, so `.some(...)` stays false.
    const main = docs.routeTables.find((t) => (vpcId === undefined || t.VpcId === vpcId) && (t.Associations ?? []).some((a) => a.Main === true));
    return { table: main, explicit: false };
}

const PRIORITY_STATIC = 0;
const PRIORITY_PREFIX_LIST = 1;
const PRIORITY_PROPAGATED = 2;

/**
 * Only routes that hold all of `dst` are considered: the evaluator passes the parts of a `--dst`
 * range (destinationParts.ts), and no route's CIDR lies strictly inside a part.
 */
export function selectRoute(docs: Ec2Documents, table: Ec2RouteTable, dst: IpRange): RouteLookup {
    let best: { selected: SelectedRoute; length: number; priority: number } | undefined;
    const unknownPrefixLists: string[] = [];
    const consider = (selected: SelectedRoute, length: number, priority: number) => {
        if (best === undefined || length > best.length) {
            best = { selected, length, priority };
        } else if (length === best.length) {
            // Stryker disable next-line EqualityOperator: `<=` only changes which of two routes of the same length and the same kind wins (two prefix lists holding the same CIDR); AWS documents no winner for that, the first in table order is kept.
            if (priority < best.priority) best = { selected, length, priority };
        }
    };
    // Stryker disable next-line ArrayDeclaration: equivalent: a placeholder route has no destination field, so it matches nothing.
    for (const route of table.Routes ?? []) {
        if (route.DestinationPrefixListId !== undefined) {
            const entries = docs.prefixListEntries[route.DestinationPrefixListId];
            if (entries === undefined) {
                unknownPrefixLists.push(route.DestinationPrefixListId);
                continue;
            }
            for (const entry of entries) {
                const range = cidrRange(entry.Cidr);
                if (range && covers(range, dst)) {
                    consider({ route, destination: route.DestinationPrefixListId, viaPrefixListEntry: entry.Cidr }, prefixLength(range), PRIORITY_PREFIX_LIST);
                }
            }
            continue;
        }
        const text = dst.version === 4 ? route.DestinationCidrBlock : route.DestinationIpv6CidrBlock;
        const range = cidrRange(text);
        if (range && covers(range, dst)) {
            consider({ route, destination: text as string }, prefixLength(range), route.Origin === "EnableVgwRoutePropagation" ? PRIORITY_PROPAGATED : PRIORITY_STATIC);
        }
    }
    const chosen = best as { selected: SelectedRoute } | undefined;
    return chosen ? { found: true, selected: chosen.selected } : { found: false, unknownPrefixLists };
}

/** What a route sends traffic to, and its id. */
export type RouteTarget =
    | { kind: "local" }
    | { kind: "internet-gateway"; id: string }
    | { kind: "egress-only-internet-gateway"; id: string }
    | { kind: "nat-gateway"; id: string }
    | { kind: "gateway-endpoint"; id: string }
    | { kind: "transit-gateway"; id: string }
    | { kind: "peering"; id: string }
    | { kind: "other"; id: string };

export function routeTarget(route: Ec2Route): RouteTarget {
    const gateway = route.GatewayId;
    if (gateway === "local") return { kind: "local" };
    if (gateway?.startsWith("igw-")) return { kind: "internet-gateway", id: gateway };
    if (gateway?.startsWith("vpce-")) return { kind: "gateway-endpoint", id: gateway };
    if (route.NatGatewayId) return { kind: "nat-gateway", id: route.NatGatewayId };
    if (route.EgressOnlyInternetGatewayId) return { kind: "egress-only-internet-gateway", id: route.EgressOnlyInternetGatewayId };
    if (route.TransitGatewayId) return { kind: "transit-gateway", id: route.TransitGatewayId };
    if (route.VpcPeeringConnectionId) return { kind: "peering", id: route.VpcPeeringConnectionId };
    const other = gateway ?? route.NetworkInterfaceId ?? route.InstanceId ?? route.LocalGatewayId ?? route.CarrierGatewayId ?? route.CoreNetworkArn ?? "?";
    return { kind: "other", id: other };
}

export function routeText(selected: SelectedRoute): string {
    const target = routeTarget(selected.route);
    return `${selected.destination} -> ${target.kind === "local" ? "local" : target.id}`;
}

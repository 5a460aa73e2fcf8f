/**
 * Reads the EC2 configuration of one ENI's path for the configuration check: the ENI (and, when a
 * route's NAT gateway forwards nothing, the interfaces of the available ones, for their zones), then its
 * VPC's route tables, network ACLs, gateway endpoints and NAT gateways (one filtered call each),
 * its security groups, the internet gateways, peering connections and prefix lists the routes and
 * rules name, and each
 * prefix list's entries. Every call follows NextToken. A failing call is reported with the IAM
 * action it needed, so an AccessDenied names exactly what to grant.
 */
import {
    DescribeInternetGatewaysCommand,
    DescribeManagedPrefixListsCommand,
    DescribeNatGatewaysCommand,
    DescribeNetworkAclsCommand,
    DescribeNetworkInterfacesCommand,
    DescribeRouteTablesCommand,
    DescribeSecurityGroupsCommand,
    DescribeVpcEndpointsCommand,
    DescribeVpcPeeringConnectionsCommand,
    EC2Client,
    GetManagedPrefixListEntriesCommand,
} from "@aws-sdk/client-ec2";
import { Ec2Documents, Ec2PrefixListEntry, Ec2VpcPeeringConnection } from "../verdict/config/ec2Documents";

/** Only the call the collector makes, so tests can hand in aws-sdk-client-mock's client. */
export type Ec2ConfigClient = Pick<EC2Client, "send">;

/** A describe call failed; `action` is the IAM action it needed. */
export class Ec2CollectionError extends Error {
    constructor(
        readonly action: string,
        readonly cause: unknown,
    ) {
        const e = cause as { name?: string; message?: string };
        super(`${action} failed: ${e.name ? e.name + ": " : ""}${e.message ?? String(cause)}`);
    }
}

// One list of access-denied names for every live command.
export { isAccessDenied } from "./awsErrors";

/** Bounds a runaway pagination (a service that keeps returning a token); far above any real VPC. */
const MAX_PAGES = 100;

async function allPages<T>(action: string, page: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
        let answer: { items: T[] | undefined; next: string | undefined };
        try {
            answer = await page(token);
        } catch (err) {
            throw new Ec2CollectionError(action, err);
        }
        items.push(...(answer.items ?? []));
        token = answer.next;
        if (!token) return items;
    }
    throw new Ec2CollectionError(action, new Error(`more than ${MAX_PAGES} pages of results`));
}

const byVpc = (vpcId: string) => [{ Name: "vpc-id", Values: [vpcId] }];

export async function collectEc2Documents(ec2: Ec2ConfigClient, eniId: string): Promise<Ec2Documents> {
    const networkInterfaces = await allPages("ec2:DescribeNetworkInterfaces", async (NextToken) => {
        const r = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId], NextToken }));
        return { items: r.NetworkInterfaces, next: r.NextToken };
    });
    const eni = networkInterfaces.find((n) => n.NetworkInterfaceId === eniId);
    const vpcId = eni?.VpcId;
    if (!eni || !vpcId) {
        throw new Ec2CollectionError("ec2:DescribeNetworkInterfaces", new Error(`network interface ${eniId} was not returned`));
    }
    const routeTables = await allPages("ec2:DescribeRouteTables", async (NextToken) => {
        const r = await ec2.send(new DescribeRouteTablesCommand({ Filters: byVpc(vpcId), NextToken }));
        return { items: r.RouteTables, next: r.NextToken };
    });
    const groupIds = (eni.Groups ?? []).map((g) => g.GroupId).filter((g): g is string => g !== undefined);
    const securityGroups =
        groupIds.length === 0
            ? []
            : await allPages("ec2:DescribeSecurityGroups", async (NextToken) => {
                  const r = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds, NextToken }));
                  return { items: r.SecurityGroups, next: r.NextToken };
              });
    const networkAcls = await allPages("ec2:DescribeNetworkAcls", async (NextToken) => {
        const r = await ec2.send(new DescribeNetworkAclsCommand({ Filters: byVpc(vpcId), NextToken }));
        return { items: r.NetworkAcls, next: r.NextToken };
    });
    const vpcEndpoints = await allPages("ec2:DescribeVpcEndpoints", async (NextToken) => {
        const r = await ec2.send(new DescribeVpcEndpointsCommand({ Filters: byVpc(vpcId), NextToken }));
        return { items: r.VpcEndpoints, next: r.NextToken };
    });
    const natGateways = await allPages("ec2:DescribeNatGateways", async (NextToken) => {
        // DescribeNatGateways names its filter list `Filter`, unlike the other describe calls.
        const r = await ec2.send(new DescribeNatGatewaysCommand({ Filter: byVpc(vpcId), NextToken }));
        return { items: r.NatGateways, next: r.NextToken };
    });
    const routes = routeTables.flatMap((t) => t.Routes ?? []);
    // A route to a NAT gateway that forwards nothing is fixed with an available one in the
    // workload's zone: their zones come from their own interfaces (a NAT gateway has no zone field).
    const routedNats = [...new Set(routes.map((r) => r.NatGatewayId).filter((id): id is string => id !== undefined))];
    const natBroken = routedNats.some((id) => natGateways.find((n) => n.NatGatewayId === id)?.State !== "available");
    const natEniIds = natBroken
        ? [...new Set(natGateways.filter((n) => n.State === "available").flatMap((n) => (n.NatGatewayAddresses ?? []).map((a) => a.NetworkInterfaceId)))]
              .filter((id): id is string => id !== undefined)
              .sort()
        : [];
    if (natEniIds.length > 0) {
        networkInterfaces.push(
            ...(await allPages("ec2:DescribeNetworkInterfaces", async (NextToken) => {
                const r = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: natEniIds, NextToken }));
                return { items: r.NetworkInterfaces, next: r.NextToken };
            })),
        );
    }
    // The gateways the routes name (an unattached one is what the check must see), else the VPC's.
    const igwIds = [...new Set(routes.map((r) => r.GatewayId).filter((g): g is string => g?.startsWith("igw-") ?? false))].sort();
    let byIds = igwIds.length > 0;
    const byVpcAttachment = (NextToken: string | undefined) =>
        ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [vpcId] }], NextToken }));
    const internetGateways = await allPages("ec2:DescribeInternetGateways", async (NextToken) => {
        let r;
        if (!byIds) r = await byVpcAttachment(NextToken);
        else {
            try {
                r = await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: igwIds, NextToken }));
            } catch (err) {
                // A route to a deleted gateway (now a blackhole) names an id EC2 no longer knows:
                // read the VPC's own gateways instead, and let the evaluator report the route.
                if ((err as { name?: string }).name !== "InvalidInternetGatewayID.NotFound") throw err;
                byIds = false;
                r = await byVpcAttachment(undefined);
            }
        }
        return { items: r.InternetGateways, next: r.NextToken };
    });
    const vpcPeeringConnections = await collectPeeringConnections(ec2, routes.map((r) => r.VpcPeeringConnectionId));
    const prefixListIds = [
        ...new Set([
            ...routes.map((r) => r.DestinationPrefixListId),
            ...securityGroups.flatMap((g) => (g.IpPermissionsEgress ?? []).flatMap((p) => (p.PrefixListIds ?? []).map((x) => x.PrefixListId))),
        ]),
    ]
        .filter((id): id is string => id !== undefined)
        .sort();
    const prefixLists =
        prefixListIds.length === 0
            ? []
            : await allPages("ec2:DescribeManagedPrefixLists", async (NextToken) => {
                  const r = await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: prefixListIds, NextToken }));
                  return { items: r.PrefixLists, next: r.NextToken };
              });
    const prefixListEntries: Record<string, Ec2PrefixListEntry[]> = {};
    for (const id of prefixListIds) {
        prefixListEntries[id] = await allPages("ec2:GetManagedPrefixListEntries", async (NextToken) => {
            const r = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id, MaxResults: 100, NextToken }));
            return { items: r.Entries, next: r.NextToken };
        });
    }
    return { networkInterfaces, routeTables, securityGroups, networkAcls, vpcEndpoints, natGateways, internetGateways, vpcPeeringConnections, prefixLists, prefixListEntries };
}

/**
 * The peering connections the routes name. A deleted, rejected or expired connection stays visible
 * for hours to days (VPC peering guide, "VPC peering connection lifecycle"), then EC2 answers
 * InvalidVpcPeeringConnectionID.NotFound for it, which fails the whole call: then each id is asked
 * alone, and one that is gone is left out for the evaluator to report.
 */
async function collectPeeringConnections(ec2: Ec2ConfigClient, named: ReadonlyArray<string | undefined>): Promise<Ec2VpcPeeringConnection[]> {
    const ids = [...new Set(named.filter((id): id is string => id !== undefined))].sort();
    if (ids.length === 0) return [];
    const ask = (VpcPeeringConnectionIds: string[]) =>
        allPages("ec2:DescribeVpcPeeringConnections", async (NextToken) => {
            const r = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds, NextToken }));
            return { items: r.VpcPeeringConnections as Ec2VpcPeeringConnection[] | undefined, next: r.NextToken };
        });
    const notFound = (err: unknown) => err instanceof Ec2CollectionError && (err.cause as { name?: string }).name === "InvalidVpcPeeringConnectionID.NotFound";
    try {
        return await ask(ids);
    } catch (err) {
        if (!notFound(err)) throw err;
    }
    const found: Ec2VpcPeeringConnection[] = [];
    for (const id of ids) {
        try {
            found.push(...(await ask([id])));
        } catch (err) {
            if (!notFound(err)) throw err;
        }
    }
    return found;
}

/**
 * One VPC in memory for the configuration check's gateway tests: the engine fixtures' ids and
 * addresses (tests/fixtures/config/README.md), with every document open to change per case.
 *
 * - VPC `vpc-0a1b2c3d4e5f60789` (10.0.0.0/16), ap-northeast-2.
 * - The workload: ENI `eni-0a1b2c3d4e5f60718`, 10.0.1.25, ap-northeast-2a, in the private subnet
 *   `subnet-0c1d2e3f4a5b6c7d8` whose own route table is `rtb-0aa11bb22cc33dd44` (local route only,
 *   plus `workloadRoutes`); no public address; a security group allowing all egress (0.0.0.0/0 and ::/0).
 * - The public subnet `subnet-0f9e8d7c6b5a49382` (ap-northeast-2a, its route table
 *   `rtb-0ee55ff66aa77bb88`: 0.0.0.0/0 to the internet gateway) and a second one,
 *   `subnet-0e8d7c6b5a4938271` (ap-northeast-2c, route table `rtb-0cc33dd44ee55ff66`, the same
 *   default route): where NAT gateways sit.
 * - The VPC's main table `rtb-0123abcd4567ef890` (local route only).
 * - The internet gateway `igw-0b1c2d3e4f5a6b7c8`, attached (`available`, as real output says).
 * - One network ACL allowing everything both ways, IPv4 and IPv6 (the default ACL of a VPC with an
 *   IPv6 block: rules 100 and 101, final rules 32767 and 32768), associated with all three subnets.
 * - The S3 prefix list of ap-northeast-2, `pl-78a54011`, with one entry, 52.219.204.0/22 (S3 in
 *   ap-northeast-2 per ip-ranges.json, as in the engine fixtures).
 */
import { Ec2Documents, Ec2NatGateway, Ec2NetworkInterface, Ec2Route } from "../../analysis/verdict/config/ec2Documents";

export const VPC = "vpc-0a1b2c3d4e5f60789";
export const ENI = "eni-0a1b2c3d4e5f60718";
export const ENI_IP = "10.0.1.25";
export const SUBNET = "subnet-0c1d2e3f4a5b6c7d8";
export const RTB = "rtb-0aa11bb22cc33dd44";
export const MAIN_RTB = "rtb-0123abcd4567ef890";
export const PUBLIC_SUBNET = "subnet-0f9e8d7c6b5a49382";
export const PUBLIC_RTB = "rtb-0ee55ff66aa77bb88";
export const PUBLIC_SUBNET_C = "subnet-0e8d7c6b5a4938271";
export const PUBLIC_RTB_C = "rtb-0cc33dd44ee55ff66";
export const IGW = "igw-0b1c2d3e4f5a6b7c8";
export const ACL = "acl-0d1e2f3a4b5c6d7e8";
export const SG = "sg-0123456789abcdef0";
export const S3_LIST = "pl-78a54011";
export const S3_SERVICE = "com.amazonaws.ap-northeast-2.s3";
export const S3_IP = "52.219.204.42";

const local: Ec2Route = { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" };
const toIgw: Ec2Route = { DestinationCidrBlock: "0.0.0.0/0", GatewayId: IGW, Origin: "CreateRoute", State: "active" };

export const workloadEni: Ec2NetworkInterface = {
    NetworkInterfaceId: ENI,
    SubnetId: SUBNET,
    VpcId: VPC,
    AvailabilityZone: "ap-northeast-2a",
    PrivateIpAddress: ENI_IP,
    InterfaceType: "interface",
    PrivateIpAddresses: [{ PrivateIpAddress: ENI_IP, Primary: true }],
    Ipv6Addresses: [],
    Groups: [{ GroupId: SG, GroupName: "workload" }],
};

/** A NAT gateway with its own interface (InterfaceType `nat_gateway`), which gives its zone. */
export function natGateway(id: string, subnetId: string, privateIp: string, more: Partial<Ec2NatGateway> = {}): Ec2NatGateway {
    return {
        NatGatewayId: id,
        SubnetId: subnetId,
        VpcId: VPC,
        State: "available",
        ConnectivityType: "public",
        NatGatewayAddresses: [{ NetworkInterfaceId: `eni-${id.slice(4)}`, PrivateIp: privateIp }],
        ...more,
    };
}

/** The NAT gateway's own interface, in the zone of its subnet. */
export function natInterface(nat: Ec2NatGateway): Ec2NetworkInterface {
    const zone = nat.SubnetId === PUBLIC_SUBNET_C ? "ap-northeast-2c" : "ap-northeast-2a";
    return {
        NetworkInterfaceId: nat.NatGatewayAddresses?.[0]?.NetworkInterfaceId,
        SubnetId: nat.SubnetId,
        VpcId: VPC,
        AvailabilityZone: zone,
        PrivateIpAddress: nat.NatGatewayAddresses?.[0]?.PrivateIp,
        InterfaceType: "nat_gateway",
        RequesterManaged: true,
    };
}

export interface WorldOptions {
    /** Routes of the workload's table besides the local route. */
    readonly workloadRoutes?: readonly Ec2Route[];
    readonly natGateways?: readonly Ec2NatGateway[];
    /** Extra interfaces (besides the workload's): NAT gateways' own, other workloads'. */
    readonly interfaces?: readonly Ec2NetworkInterface[];
}

export function world(options: WorldOptions = {}): Ec2Documents {
    const allowAll = (Egress: boolean) => [
        { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress, CidrBlock: "0.0.0.0/0" },
        { RuleNumber: 101, Protocol: "-1", RuleAction: "allow", Egress, Ipv6CidrBlock: "::/0" },
        { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" },
        { RuleNumber: 32768, Protocol: "-1", RuleAction: "deny", Egress, Ipv6CidrBlock: "::/0" },
    ];
    return {
        networkInterfaces: [workloadEni, ...(options.interfaces ?? [])],
        routeTables: [
            { RouteTableId: MAIN_RTB, VpcId: VPC, Associations: [{ Main: true, RouteTableId: MAIN_RTB }], Routes: [local] },
            { RouteTableId: RTB, VpcId: VPC, Associations: [{ Main: false, RouteTableId: RTB, SubnetId: SUBNET }], Routes: [local, ...(options.workloadRoutes ?? [])] },
            { RouteTableId: PUBLIC_RTB, VpcId: VPC, Associations: [{ Main: false, RouteTableId: PUBLIC_RTB, SubnetId: PUBLIC_SUBNET }], Routes: [local, toIgw] },
            { RouteTableId: PUBLIC_RTB_C, VpcId: VPC, Associations: [{ Main: false, RouteTableId: PUBLIC_RTB_C, SubnetId: PUBLIC_SUBNET_C }], Routes: [local, toIgw] },
        ],
        securityGroups: [{ GroupId: SG, GroupName: "workload", VpcId: VPC, IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [{ CidrIpv6: "::/0" }] }] }],
        networkAcls: [
            {
                NetworkAclId: ACL,
                VpcId: VPC,
                IsDefault: true,
                Associations: [SUBNET, PUBLIC_SUBNET, PUBLIC_SUBNET_C].map((SubnetId) => ({ SubnetId, NetworkAclId: ACL })),
                Entries: [...allowAll(true), ...allowAll(false)],
            },
        ],
        vpcEndpoints: [],
        natGateways: options.natGateways ?? [],
        internetGateways: [{ InternetGatewayId: IGW, Attachments: [{ State: "available", VpcId: VPC }] }],
        vpcPeeringConnections: [],
        prefixLists: [{ PrefixListId: S3_LIST, PrefixListName: S3_SERVICE, AddressFamily: "IPv4", OwnerId: "AWS" }],
        prefixListEntries: { [S3_LIST]: [{ Cidr: "52.219.204.0/22" }] },
    };
}

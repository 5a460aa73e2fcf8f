/**
 * The EC2 describe documents the configuration check reads, as plain data: the fields it uses, with
 * the PascalCase names that both `aws ec2 <command> --output json` and the AWS SDK for JavaScript
 * print (both come from the same EC2 API model). Every field is optional, as in the model: a
 * document from an older CLI, or one trimmed by hand, still loads.
 *
 * Shapes checked against the EC2 API reference and the AWS CLI's own examples
 * (aws/aws-cli awscli/examples/ec2/describe-*.rst); see tests/fixtures/config/README.md.
 */

export interface Ec2PublicIpAssociation {
    readonly PublicIp?: string;
}

export interface Ec2NetworkInterface {
    readonly NetworkInterfaceId?: string;
    readonly SubnetId?: string;
    readonly VpcId?: string;
    readonly AvailabilityZone?: string;
    readonly PrivateIpAddress?: string;
    readonly InterfaceType?: string;
    readonly RequesterManaged?: boolean;
    readonly Association?: Ec2PublicIpAssociation;
    readonly PrivateIpAddresses?: ReadonlyArray<{ readonly PrivateIpAddress?: string; readonly Primary?: boolean; readonly Association?: Ec2PublicIpAssociation }>;
    readonly Ipv6Addresses?: ReadonlyArray<{ readonly Ipv6Address?: string }>;
    readonly Groups?: ReadonlyArray<{ readonly GroupId?: string; readonly GroupName?: string }>;
}

export interface Ec2Route {
    readonly DestinationCidrBlock?: string;
    readonly DestinationIpv6CidrBlock?: string;
    readonly DestinationPrefixListId?: string;
    readonly GatewayId?: string;
    readonly NatGatewayId?: string;
    readonly TransitGatewayId?: string;
    readonly VpcPeeringConnectionId?: string;
    readonly EgressOnlyInternetGatewayId?: string;
    readonly NetworkInterfaceId?: string;
    readonly InstanceId?: string;
    readonly LocalGatewayId?: string;
    readonly CarrierGatewayId?: string;
    readonly CoreNetworkArn?: string;
    /** `active` or `blackhole`. */
    readonly State?: string;
    /** `CreateRouteTable`, `CreateRoute` or `EnableVgwRoutePropagation`. */
    readonly Origin?: string;
}

export interface Ec2RouteTableAssociation {
    readonly Main?: boolean;
    readonly SubnetId?: string;
    readonly GatewayId?: string;
    readonly RouteTableId?: string;
    readonly RouteTableAssociationId?: string;
}

export interface Ec2RouteTable {
    readonly RouteTableId?: string;
    readonly VpcId?: string;
    readonly Routes?: readonly Ec2Route[];
    readonly Associations?: readonly Ec2RouteTableAssociation[];
}

export interface Ec2IpPermission {
    /** `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for all. */
    readonly IpProtocol?: string;
    readonly FromPort?: number;
    readonly ToPort?: number;
    readonly IpRanges?: ReadonlyArray<{ readonly CidrIp?: string }>;
    readonly Ipv6Ranges?: ReadonlyArray<{ readonly CidrIpv6?: string }>;
    readonly PrefixListIds?: ReadonlyArray<{ readonly PrefixListId?: string }>;
    readonly UserIdGroupPairs?: ReadonlyArray<{ readonly GroupId?: string }>;
}

export interface Ec2SecurityGroup {
    readonly GroupId?: string;
    readonly GroupName?: string;
    readonly VpcId?: string;
    readonly IpPermissionsEgress?: readonly Ec2IpPermission[];
}

export interface Ec2NetworkAclEntry {
    readonly RuleNumber?: number;
    /** A protocol number as text (`6`), or `-1` for all. */
    readonly Protocol?: string;
    /** `allow` or `deny`. */
    readonly RuleAction?: string;
    readonly Egress?: boolean;
    readonly CidrBlock?: string;
    readonly Ipv6CidrBlock?: string;
    readonly PortRange?: { readonly From?: number; readonly To?: number };
}

export interface Ec2NetworkAcl {
    readonly NetworkAclId?: string;
    readonly VpcId?: string;
    readonly IsDefault?: boolean;
    readonly Associations?: ReadonlyArray<{ readonly SubnetId?: string; readonly NetworkAclId?: string }>;
    readonly Entries?: readonly Ec2NetworkAclEntry[];
}

export interface Ec2VpcEndpoint {
    readonly VpcEndpointId?: string;
    readonly VpcEndpointType?: string;
    readonly VpcId?: string;
    readonly ServiceName?: string;
    /** Lowercase in real output (`available`), while the model spells some values capitalised. */
    readonly State?: string;
    /** The endpoint policy as a JSON string. */
    readonly PolicyDocument?: string;
    readonly RouteTableIds?: readonly string[];
}

export interface Ec2NatGateway {
    readonly NatGatewayId?: string;
    readonly SubnetId?: string;
    readonly VpcId?: string;
    /** `pending`, `failed`, `available`, `deleting` or `deleted` (EC2 API reference, NatGateway). */
    readonly State?: string;
    /** Set when `State` is `failed`, e.g. `Gateway.NotAttached`; `FailureMessage` says it in words. */
    readonly FailureCode?: string;
    readonly FailureMessage?: string;
    /** `public` (the default) or `private`. */
    readonly ConnectivityType?: string;
    readonly NatGatewayAddresses?: ReadonlyArray<{ readonly NetworkInterfaceId?: string; readonly PrivateIp?: string; readonly PublicIp?: string }>;
}

export interface Ec2InternetGateway {
    readonly InternetGatewayId?: string;
    /** `State` is `available` in real output; the API model also lists `attached`. */
    readonly Attachments?: ReadonlyArray<{ readonly State?: string; readonly VpcId?: string }>;
}

/** One side of a peering connection (EC2 API reference, VpcPeeringConnectionVpcInfo). */
export interface Ec2VpcPeeringConnectionVpcInfo {
    readonly VpcId?: string;
    readonly OwnerId?: string;
    readonly Region?: string;
    readonly CidrBlock?: string;
    /** Only returned for an `active` connection ("CIDR block information is only returned when describing an active VPC peering connection"). */
    readonly CidrBlockSet?: ReadonlyArray<{ readonly CidrBlock?: string }>;
    readonly Ipv6CidrBlockSet?: ReadonlyArray<{ readonly Ipv6CidrBlock?: string }>;
}

/** EC2 API reference, VpcPeeringConnection. */
export interface Ec2VpcPeeringConnection {
    readonly VpcPeeringConnectionId?: string;
    readonly AccepterVpcInfo?: Ec2VpcPeeringConnectionVpcInfo;
    readonly RequesterVpcInfo?: Ec2VpcPeeringConnectionVpcInfo;
    /**
     * `Code`: `initiating-request`, `pending-acceptance`, `active`, `deleted`, `rejected`, `failed`,
     * `expired`, `provisioning` or `deleting` (VpcPeeringConnectionStateReason); `Message` in words.
     */
    readonly Status?: { readonly Code?: string; readonly Message?: string };
    readonly ExpirationTime?: string | Date;
}

export interface Ec2ManagedPrefixList {
    readonly PrefixListId?: string;
    readonly PrefixListName?: string;
    readonly AddressFamily?: string;
    readonly OwnerId?: string;
}

export interface Ec2PrefixListEntry {
    readonly Cidr?: string;
    readonly Description?: string;
}

/** Everything the check reads about one ENI's path: the answers of the describe calls, merged over pages. */
export interface Ec2Documents {
    readonly networkInterfaces: readonly Ec2NetworkInterface[];
    readonly routeTables: readonly Ec2RouteTable[];
    readonly securityGroups: readonly Ec2SecurityGroup[];
    readonly networkAcls: readonly Ec2NetworkAcl[];
    readonly vpcEndpoints: readonly Ec2VpcEndpoint[];
    readonly natGateways: readonly Ec2NatGateway[];
    readonly internetGateways: readonly Ec2InternetGateway[];
    /** The peering connections the routes name (empty in a snapshot taken before they were collected). */
    readonly vpcPeeringConnections: readonly Ec2VpcPeeringConnection[];
    readonly prefixLists: readonly Ec2ManagedPrefixList[];
    /** Prefix list id -> its entries (GetManagedPrefixListEntries). */
    readonly prefixListEntries: Readonly<Record<string, readonly Ec2PrefixListEntry[]>>;
    /**
     * The document lists a snapshot did not have a file for (left empty): an id missing from them
     * says nothing about whether the resource exists. Absent when every list was read.
     */
    readonly unread?: readonly string[];
}

/**
 * One snapshot file per describe call, named after the AWS CLI command, holding what that command
 * prints with `--output json`: the file name, the top-level key, and the document list it fills.
 * An `optional` file was added later: a snapshot without it is complete for what it was taken for,
 * and the evaluator says where the missing document matters.
 */
export const SNAPSHOT_FILES = [
    { file: "describe-network-interfaces.json", key: "NetworkInterfaces", field: "networkInterfaces", action: "ec2:DescribeNetworkInterfaces" },
    { file: "describe-route-tables.json", key: "RouteTables", field: "routeTables", action: "ec2:DescribeRouteTables" },
    { file: "describe-security-groups.json", key: "SecurityGroups", field: "securityGroups", action: "ec2:DescribeSecurityGroups" },
    { file: "describe-network-acls.json", key: "NetworkAcls", field: "networkAcls", action: "ec2:DescribeNetworkAcls" },
    { file: "describe-vpc-endpoints.json", key: "VpcEndpoints", field: "vpcEndpoints", action: "ec2:DescribeVpcEndpoints" },
    { file: "describe-nat-gateways.json", key: "NatGateways", field: "natGateways", action: "ec2:DescribeNatGateways" },
    { file: "describe-internet-gateways.json", key: "InternetGateways", field: "internetGateways", action: "ec2:DescribeInternetGateways" },
    { file: "describe-vpc-peering-connections.json", key: "VpcPeeringConnections", field: "vpcPeeringConnections", action: "ec2:DescribeVpcPeeringConnections", optional: true },
    { file: "describe-managed-prefix-lists.json", key: "PrefixLists", field: "prefixLists", action: "ec2:DescribeManagedPrefixLists" },
] as const;

/** `get-managed-prefix-list-entries-<pl-id>.json`, one per prefix list, with `{"Entries": [...]}`. */
export const PREFIX_LIST_ENTRIES_FILE = /^get-managed-prefix-list-entries-(pl-[0-9a-f]+)\.json$/;
export const prefixListEntriesFile = (prefixListId: string) => `get-managed-prefix-list-entries-${prefixListId}.json`;

/** Written by `vpc-flow-diagnose snapshot` beside the documents: which ENI, which region, when. */
export const SNAPSHOT_INFO_FILE = "snapshot-info.json";
export interface SnapshotInfo {
    readonly NetworkInterfaceId?: string;
    readonly Region?: string;
    readonly TakenAt?: string;
}

/** The IAM actions the configuration check calls, in the order it calls them. */
export const CONFIG_CHECK_IAM_ACTIONS: readonly string[] = [...SNAPSHOT_FILES.map((f) => f.action), "ec2:GetManagedPrefixListEntries"];

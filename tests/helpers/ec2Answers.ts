/**
 * A mocked EC2 client (aws-sdk-client-mock) that answers the configuration check's describe calls
 * from a set of EC2 documents (a snapshot fixture), one page each. Shared by the tests that run
 * the check live against mocks, so they answer alike.
 */
import type { AwsStub } from "aws-sdk-client-mock";
import {
    DescribeInternetGatewaysCommand,
    DescribeManagedPrefixListsCommand,
    DescribeNatGatewaysCommand,
    DescribeNetworkAclsCommand,
    DescribeNetworkInterfacesCommand,
    DescribeRouteTablesCommand,
    DescribeSecurityGroupsCommand,
    DescribeVpcEndpointsCommand,
    EC2ClientResolvedConfig,
    ServiceInputTypes,
    ServiceOutputTypes,
} from "@aws-sdk/client-ec2";
import type { Ec2Documents } from "../../analysis/verdict/config/ec2Documents";

export function answerEc2From(mock: AwsStub<ServiceInputTypes, ServiceOutputTypes, EC2ClientResolvedConfig>, docs: Ec2Documents): void {
    mock.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: docs.networkInterfaces as never });
    mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: docs.routeTables as never });
    mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: docs.securityGroups as never });
    mock.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: docs.networkAcls as never });
    mock.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: docs.vpcEndpoints as never });
    mock.on(DescribeNatGatewaysCommand).resolves({ NatGateways: docs.natGateways as never });
    mock.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: docs.internetGateways as never });
    mock.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: docs.prefixLists as never });
    // GetManagedPrefixListEntries depends on the list asked for: each test answers it.
}

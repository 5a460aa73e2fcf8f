/**
 * Route selection rules that mutation testing (stryker.config.mjs) found unpinned: what the check
 * says when a prefix-list route's entries are not in the documents, which table a subnet uses, and
 * how a selected route is named in the answer. Each test names the rule; the AWS sentence it rests
 * on is quoted where AWS states it.
 */
import { expect } from "chai";
import { parseIpRange } from "../../../analysis/core/ip";
import { routeTableForSubnet, routeTarget, routeText, selectRoute } from "../../../analysis/verdict/config/routes";
import { Ec2Documents, Ec2Route, Ec2RouteTable } from "../../../analysis/verdict/config/ec2Documents";
import { ec2Documents } from "../../helpers/ec2Documents";

const SUBNET = "subnet-0a1b2c3d4e5f60718";
const VPC = "vpc-0a1b2c3d4e5f60718";
const S3_LIST = "pl-78a54011";
const S3 = parseIpRange("52.219.204.42", "--dst");

function docs(routeTables: readonly Ec2RouteTable[], prefixListEntries: Ec2Documents["prefixListEntries"] = {}): Ec2Documents {
    return ec2Documents({ routeTables: [...routeTables], prefixListEntries });
}

function table(routes: readonly Ec2Route[]): Ec2RouteTable {
    return { RouteTableId: "rtb-0aa11bb22cc33dd44", VpcId: VPC, Routes: routes, Associations: [{ SubnetId: SUBNET }] };
}

describe("route selection (mutation-tested rules)", () => {
    // "A prefix list route" stands for each CIDR of the list ("How route priority works"); without
    // the list's entries the check cannot tell whether the route holds the destination, so it says
    // which list it lacks instead of answering "no route".
    it("a prefix-list route whose entries are not in the documents: no route found, and the list is named as unknown", () => {
        const t = table([{ DestinationPrefixListId: S3_LIST, GatewayId: "vpce-0a1b2c3d4e5f60718" }]);
        expect(selectRoute(docs([t]), t, S3)).to.deep.equal({ found: false, unknownPrefixLists: [S3_LIST] });
    });

    it("a prefix-list route whose entries are known and hold the destination: selected through the matching entry", () => {
        const t = table([
            { DestinationPrefixListId: S3_LIST, GatewayId: "vpce-0a1b2c3d4e5f60718" },
            { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0b1c2d3e4f5a6b7c8" },
        ]);
        const lookup = selectRoute(docs([t], { [S3_LIST]: [{ Cidr: "3.5.0.0/16" }, { Cidr: "52.219.192.0/18" }] }), t, S3);
        expect(lookup).to.deep.equal({ found: true, selected: { route: t.Routes?.[0], destination: S3_LIST, viaPrefixListEntry: "52.219.192.0/18" } });
    });

    // EC2 API reference, DescribeRouteTables: "Each subnet in your VPC must be associated with a route
    // table. If a subnet is not explicitly associated with any route table, it is implicitly
    // associated with the main route table."
    it("a subnet with no explicit association uses the main table of its own VPC, not another VPC's main table", () => {
        const otherMain: Ec2RouteTable = { RouteTableId: "rtb-0other", VpcId: "vpc-0other", Associations: [{ Main: true }] };
        const noAssociations: Ec2RouteTable = { RouteTableId: "rtb-0bare", VpcId: VPC };
        const main: Ec2RouteTable = { RouteTableId: "rtb-0main", VpcId: VPC, Associations: [{ Main: false, SubnetId: "subnet-0else" }, { Main: true }] };
        expect(routeTableForSubnet(docs([otherMain, noAssociations, main]), SUBNET, VPC)).to.deep.equal({ table: main, explicit: false });
        expect(routeTableForSubnet(docs([noAssociations, main, table([])]), SUBNET, VPC)).to.deep.equal({ table: table([]), explicit: true });
    });

    it("names a route by its destination and target, `local` for the VPC's local route, `?` when the document names no target", () => {
        expect(routeText({ route: { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local" }, destination: "10.0.0.0/16" })).to.equal("10.0.0.0/16 -> local");
        expect(routeText({ route: { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-0a1b2c3d4e5f60718" }, destination: "0.0.0.0/0" })).to.equal(
            "0.0.0.0/0 -> nat-0a1b2c3d4e5f60718",
        );
        expect(routeTarget({ DestinationCidrBlock: "0.0.0.0/0" })).to.deep.equal({ kind: "other", id: "?" });
    });
});

/**
 * The real CLI process against a loopback EC2 endpoint (AWS_ENDPOINT_URL_EC2): proves that the
 * configuration check's requests and the SDK's reading of EC2's XML answers fit together.
 */
import { expect } from "chai";
import { CliRun, runCliProcess } from "./helpers/cliProcess";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { FakeEc2, startFakeEc2 } from "./helpers/fakeEc2";
import { fixtureDir } from "./helpers/configFixtures";

const LAB = fixtureDir("lab/nacl-return-deny");
const ENI = "eni-0e2f4a6b8c0d2e4f6";

const doc = (file: string) => JSON.parse(readFileSync(path.join(LAB, file), "utf8"));

function runCli(argv: string[], endpoint: string): Promise<CliRun> {
    // The SDK warns about Node versions on stderr; the tests compare stderr exactly.
    return runCliProcess(argv, { AWS_ENDPOINT_URL_EC2: endpoint, NODE_NO_WARNINGS: "1" });
}

describe("vpc-flow-diagnose --check-config against a loopback EC2 endpoint", () => {
    let server: FakeEc2 | undefined;
    const dir = mkdtempSync(path.join(tmpdir(), "vpc-flow-ec2-loopback-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    it("reads the ENI's path through AWS_ENDPOINT_URL_EC2 and names the lab's network ACL", async () => {
        server = await startFakeEc2({
            DescribeNetworkInterfaces: doc("describe-network-interfaces.json"),
            DescribeRouteTables: doc("describe-route-tables.json"),
            DescribeSecurityGroups: doc("describe-security-groups.json"),
            DescribeNetworkAcls: doc("describe-network-acls.json"),
            DescribeVpcEndpoints: doc("describe-vpc-endpoints.json"),
            DescribeNatGateways: doc("describe-nat-gateways.json"),
            DescribeInternetGateways: doc("describe-internet-gateways.json"),
            DescribeManagedPrefixLists: doc("describe-managed-prefix-lists.json"),
            GetManagedPrefixListEntries: doc("get-managed-prefix-list-entries-pl-78a54011.json"),
        });
        // The generator's records in the nacl-return-deny scenario: 443 out accepted, the replies rejected.
        const records = path.join(dir, "generator.log");
        writeFileSync(
            records,
            [
                `2 111122223333 ${ENI} 10.42.0.12 52.219.204.42 43310 443 6 3 180 1795701725 1795701780 ACCEPT OK`,
                `2 111122223333 ${ENI} 52.219.204.42 10.42.0.12 443 43310 6 3 180 1795701725 1795701780 REJECT OK`,
                `2 111122223333 ${ENI} 10.42.0.12 52.219.204.42 43311 443 6 3 180 1795701785 1795701840 ACCEPT OK`,
                `2 111122223333 ${ENI} 52.219.204.42 10.42.0.12 443 43311 6 3 180 1795701785 1795701840 REJECT OK`,
            ].join("\n") + "\n",
        );
        const r = await runCli(["--input", records, "--src", "10.42.0.12", "--dst", "52.219.204.0/22", "--check-config", "--region", "ap-northeast-2", "--output", "json"], server.url);
        expect([r.code, r.stderr], r.stderr).to.deep.equal([0, ""]);
        const out = JSON.parse(r.stdout);
        const c = out.config.culprits[0];
        expect([out.verdict, out.config.checked, out.config.path, out.config.verdict, out.config.agreement, out.config.notes, out.config.culprits.length]).to.deep.equal([
            "nacl-return-path",
            true,
            "gateway-endpoint",
            "nacl-return-path",
            "agree",
            [],
            1,
        ]);
        expect([c.kind, c.id, c.direction, c.rule, c.fix]).to.deep.equal([
            "network-acl",
            "acl-0b9c1d3e5f7a9b1c3",
            "inbound",
            "100",
            "aws ec2 create-network-acl-entry --network-acl-id acl-0b9c1d3e5f7a9b1c3 --ingress --rule-number 99 --protocol tcp --port-range From=32768,To=60999 --cidr-block 52.219.204.0/22 --rule-action allow",
        ]);
        expect(server.requests.map((q) => q.action)).to.deep.equal([
            "DescribeNetworkInterfaces",
            "DescribeRouteTables",
            "DescribeSecurityGroups",
            "DescribeNetworkAcls",
            "DescribeVpcEndpoints",
            "DescribeNatGateways",
            "DescribeInternetGateways",
            "DescribeManagedPrefixLists",
            "GetManagedPrefixListEntries",
        ]);
        const [eni, routeTables, , , , nat] = server.requests.map((q) => q.params);
        expect([eni["NetworkInterfaceId.1"], routeTables["Filter.1.Name"], routeTables["Filter.1.Value.1"], nat["Filter.1.Name"]]).to.deep.equal([
            ENI,
            "vpc-id",
            "vpc-0e1f2a3b4c5d6e7f8",
            "vpc-id",
        ]);
    });

    it("reads a peering connection through the wire (vpcPeeringConnectionSet) and names the 0.0.0.0/0 -> pcx route", async () => {
        const dir = fixtureDir("engine/peering-default-route");
        const peering = (file: string) => JSON.parse(readFileSync(path.join(dir, file), "utf8"));
        server = await startFakeEc2({
            DescribeNetworkInterfaces: peering("describe-network-interfaces.json"),
            DescribeRouteTables: peering("describe-route-tables.json"),
            DescribeSecurityGroups: peering("describe-security-groups.json"),
            DescribeNetworkAcls: peering("describe-network-acls.json"),
            DescribeVpcEndpoints: peering("describe-vpc-endpoints.json"),
            DescribeNatGateways: peering("describe-nat-gateways.json"),
            DescribeInternetGateways: peering("describe-internet-gateways.json"),
            DescribeVpcPeeringConnections: peering("describe-vpc-peering-connections.json"),
        });
        const r = await runCli(
            ["--input", path.join(__dirname, "..", "..", "examples", "s3-timeout.log"), "--src", "10.0.1.25", "--dst", "52.219.204.42", "--check-config", "--region", "ap-northeast-2", "--output", "json"],
            server.url,
        );
        expect([r.code, r.stderr], r.stderr).to.deep.equal([0, ""]);
        const config = JSON.parse(r.stdout).config;
        expect([config.path, config.verdict, config.agreement, config.eniBasis, config.culprits.map((c: { kind: string; id: string; rule: string }) => [c.kind, c.id, c.rule])]).to.deep.equal([
            "peering",
            "routing",
            "agree",
            "it holds 10.0.1.25",
            [["route-table", "rtb-0aa11bb22cc33dd44", "0.0.0.0/0 -> pcx-0a1b2c3d4e5f60789"]],
        ]);
        expect(config.culprits[0].reason).to.contain("is outside vpc-0c2d4e6f8a0b2c4d6 (10.20.0.0/16, 100.64.0.0/20)");
        const asked = server.requests.find((q) => q.action === "DescribeVpcPeeringConnections");
        expect(asked?.params["VpcPeeringConnectionId.1"]).to.equal("pcx-0a1b2c3d4e5f60789");
    });

    it("an UnauthorizedOperation from EC2: the verdict stands, the configuration is not checked, and the action is named", async () => {
        server = await startFakeEc2({
            DescribeNetworkInterfaces: { error: "UnauthorizedOperation", message: "You are not authorized to perform this operation." },
        });
        const records = path.join(dir, "denied.log");
        writeFileSync(records, `2 111122223333 ${ENI} 10.42.0.12 52.219.204.42 43310 443 6 3 180 1795701725 1795701780 ACCEPT OK\n`);
        const r = await runCli(["--input", records, "--src", "10.42.0.12", "--dst", "52.219.204.42", "--check-config", "--region", "ap-northeast-2", "--output", "json"], server.url);
        expect(r.code).to.equal(0);
        expect(r.stderr).to.match(/^warning: configuration not checked: AWS denied ec2:DescribeNetworkInterfaces in ap-northeast-2 \(You are not authorized to perform this operation\.\)\./);
        const out = JSON.parse(r.stdout);
        expect([out.verdict, out.config.checked, out.config.agreement]).to.deep.equal(["routing", false, "not-checked"]);
    });
});

/**
 * The real CLI process against a loopback EC2 endpoint (AWS_ENDPOINT_URL_EC2): proves that the
 * configuration check's requests and the SDK's reading of EC2's XML answers fit together.
 */
import { expect } from "chai";
import { CliRun, runCliProcess } from "../helpers/cliProcess";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { FakeEc2, startFakeEc2 } from "../helpers/fakeEc2";
import { fixtureDir } from "../helpers/configFixtures";
import { diagnosisJson } from "../helpers/jsonContract";

const LAB = fixtureDir("lab/nacl-return-deny");
const EXAMPLE = path.join(__dirname, "..", "..", "..", "examples", "s3-timeout.log");
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
        const out = diagnosisJson(r);
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
            ["--input", path.join(__dirname, "..", "..", "..", "examples", "s3-timeout.log"), "--src", "10.0.1.25", "--dst", "52.219.204.42", "--check-config", "--region", "ap-northeast-2", "--output", "json"],
            server.url,
        );
        expect([r.code, r.stderr], r.stderr).to.deep.equal([0, ""]);
        const config = diagnosisJson(r).config;
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

    /** The command: the example's records, a live check of the workload's ENI in eu-west-1. */
    const EXAMPLE_CHECK = ["--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--check-config", "--eni", "eni-0a1b2c3d4e5f60718", "--region", "eu-west-1", "--output", "json"];
    const ALONE = " The verdict above is the flow logs' alone.";

    /** Exit 0, exactly one warning on stderr and in the JSON `warnings`, the flow-log verdict kept with not-checked. */
    function expectNotChecked(r: CliRun, reason: string): void {
        expect([r.code, r.stderr]).to.deep.equal([0, `warning: configuration not checked: ${reason}\n`]);
        const out = diagnosisJson(r);
        expect([out.verdict, out.warnings, out.config.checked, out.config.agreement, out.config.agreementReason, out.config.eniId]).to.deep.equal([
            "routing",
            [`configuration not checked: ${reason}`],
            false,
            "not-checked",
            reason,
            "eni-0a1b2c3d4e5f60718",
        ]);
    }

    it("an UnauthorizedOperation from EC2: the verdict stands, the configuration is not checked, and the action is named", async () => {
        server = await startFakeEc2({
            DescribeNetworkInterfaces: { error: "UnauthorizedOperation", message: "You are not authorized to perform this operation." },
        });
        const r = await runCli(EXAMPLE_CHECK, server.url);
        expectNotChecked(
            r,
            "AWS denied ec2:DescribeNetworkInterfaces in eu-west-1: You are not authorized to perform this operation. The configuration check needs these IAM actions: " +
                "ec2:DescribeNetworkInterfaces, ec2:DescribeRouteTables, ec2:DescribeSecurityGroups, ec2:DescribeNetworkAcls, ec2:DescribeVpcEndpoints, ec2:DescribeNatGateways, " +
                "ec2:DescribeInternetGateways, ec2:DescribeVpcPeeringConnections, ec2:DescribeManagedPrefixLists, ec2:GetManagedPrefixListEntries (see docs/iam.md for a policy)." +
                ALONE,
        );
        expect(server.requests.map((q) => q.action)).to.deep.equal(["DescribeNetworkInterfaces"]);
    });

    it("credentials EC2 does not accept (AuthFailure): the live commands' message", async () => {
        server = await startFakeEc2({ DescribeNetworkInterfaces: { error: "AuthFailure", message: "AWS was not able to validate the provided access credentials" } });
        expectNotChecked(
            await runCli(EXAMPLE_CHECK, server.url),
            "AWS did not accept your credentials in eu-west-1 (AuthFailure). Check AWS_PROFILE or the access keys, and that the region is enabled for your account." + ALONE,
        );
    });

    it("no credentials at all: 'No AWS credentials were found', not the SDK's CredentialsProviderError, and EC2 is never called", async () => {
        server = await startFakeEc2({});
        const r = await runCliProcess(EXAMPLE_CHECK, {
            AWS_ENDPOINT_URL_EC2: server.url,
            NODE_NO_WARNINGS: "1",
            AWS_ACCESS_KEY_ID: undefined,
            AWS_SECRET_ACCESS_KEY: undefined,
            AWS_CONFIG_FILE: path.join(dir, "no-such-config"),
            AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "no-such-credentials"),
        });
        expectNotChecked(
            r,
            "No AWS credentials were found. Set AWS_PROFILE (and run 'aws sso login' for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again. " +
                "'aws sts get-caller-identity' should answer." +
                ALONE,
        );
        expect(server.requests).to.deep.equal([]);
    });

    it("an endpoint that refuses the connection: 'Could not reach AWS', with the region", async () => {
        // A port that was just free: bind it, note it, close it; nothing listens there now.
        const probe = await startFakeEc2({});
        const refusing = probe.url;
        await probe.close();
        expectNotChecked(
            await runCli(EXAMPLE_CHECK, refusing),
            "Could not reach AWS in eu-west-1 (ECONNREFUSED). Check the region name, your network or proxy, and AWS_ENDPOINT_URL if you set it." + ALONE,
        );
    });
});

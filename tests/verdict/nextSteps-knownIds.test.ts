/**
 * Next steps with the ids the configuration check found: the evaluated interface's ENI, subnet,
 * security groups, network ACL and route table replace their placeholders; placeholders stay
 * without a check, and for interfaces the check did not evaluate.
 */
import { expect } from "chai";
import { nextSteps, KnownIds } from "../../analysis/verdict/advice";
import { AddressSet } from "../../analysis/core/ip";
import { fixtureDir } from "../helpers/configFixtures";
import { runJson, run } from "../helpers/cliInProcess";
import { outbound, query, scanLines, toLine } from "../helpers/analysisRecords";
import { LogFormat, resolveLogFormat } from "../../analysis/core/logFormat";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { runCliProcess } from "../helpers/cliProcess";
import { FakeEc2, startFakeEc2 } from "../helpers/fakeEc2";
import { diagnosisJson } from "../helpers/jsonContract";

const S3_TIMEOUT = ["--input", "examples/s3-timeout.log", "--src", "10.0.1.25", "--dst", "52.219.204.42"];
const SG_REJECT = ["--input", "examples/sg-reject.log", "--src", "10.0.1.25", "--dst", "52.219.204.42"];

const ROUTING_TAIL = [
    {
        step: "If the route is to an internet gateway, the task needs a public IP (awsvpc assignPublicIp=ENABLED); a private subnet needs a NAT gateway or a VPC endpoint instead.",
        commands: [],
    },
    { step: "If the route is to a gateway endpoint: it reaches buckets in its own region only (52.219.204.0/22 is S3 in ap-northeast-2); check the bucket's region.", commands: [] },
    { step: "If the route is to a NAT gateway: check that it is available and that its subnet routes 0.0.0.0/0 to an internet gateway.", commands: [] },
    {
        step: "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
        commands: [
            "aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp",
            "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
        ],
    },
];

describe("next steps with the ids the configuration check found", () => {
    it("--config-snapshot: the route table of the workload's subnet by id, and no step to find the subnet", async () => {
        const d = await runJson(...S3_TIMEOUT, "--config-snapshot", fixtureDir("engine/private-no-route"));
        expect(d.verdict).to.equal("routing");
        expect(d.config.eniId).to.equal("eni-0a1b2c3d4e5f60718");
        expect(d.nextSteps).to.deep.equal([
            {
                step: "Check the route table of subnet-0c1d2e3f4a5b6c7d8 (rtb-0aa11bb22cc33dd44): a route must cover 52.219.204.42 (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint).",
                commands: ["aws ec2 describe-route-tables --route-table-ids rtb-0aa11bb22cc33dd44 --query 'RouteTables[].Routes'"],
            },
            ...ROUTING_TAIL,
        ]);
    });

    it("without a snapshot the placeholders stay, as before", async () => {
        const d = await runJson(...S3_TIMEOUT);
        expect(d.nextSteps).to.deep.equal([
            {
                step: "Find the subnet and security groups of eni-0a1b2c3d4e5f60718.",
                commands: ["aws ec2 describe-network-interfaces --network-interface-ids eni-0a1b2c3d4e5f60718 --query 'NetworkInterfaces[0].[SubnetId,Groups]'"],
            },
            {
                step: "Check the route table of <subnet-id>: a route must cover 52.219.204.42 (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint). No result means the subnet uses the VPC's main route table (filter on association.main=true).",
                commands: ["aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<subnet-id> --query 'RouteTables[].Routes'"],
            },
            ...ROUTING_TAIL,
        ]);
    });

    it("a rejected conversation: the security groups and the network ACL of the evaluated interface, in the text output too", async () => {
        const r = await run(...SG_REJECT, "--config-snapshot", fixtureDir("engine/sg-egress-vpc-cidr-only"));
        expect(r.code).to.equal(0);
        expect(r.stdout.slice(r.stdout.indexOf("Next steps:"))).to.equal(
            [
                "Next steps:",
                "  1. Check the security groups of eni-0a1b2c3d4e5f60718: an egress rule must allow tcp 443 to 52.219.204.42 (or to the S3 prefix list).",
                "     $ aws ec2 describe-security-groups --group-ids sg-0123456789abcdef0 --query 'SecurityGroups[].IpPermissionsEgress'",
                "  2. Check the network ACL of subnet-0c1d2e3f4a5b6c7d8 (acl-0d1e2f3a4b5c6d7e8): an outbound rule allowing tcp 443 to 52.219.204.42 must have a lower rule number than any DENY that matches (network ACLs cannot use prefix lists).",
                "     $ aws ec2 describe-network-acls --network-acl-ids acl-0d1e2f3a4b5c6d7e8 --query 'NetworkAcls[].Entries'",
                "  3. Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
                "     $ aws ec2 create-network-insights-path --source eni-0a1b2c3d4e5f60718 --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp",
                "     $ aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
                "",
            ].join("\n"),
        );
    });

    it("a snapshot of another interface than the records' leaves the placeholders", async () => {
        // The lab's snapshot holds eni-0e2f4a6b8c0d2e4f6; the records are eni-0a1b2c3d4e5f60718's.
        const r = await run(...S3_TIMEOUT, "--config-snapshot", fixtureDir("lab/no-route"), "--output", "json");
        const d = diagnosisJson(r);
        expect(d.nextSteps.slice(0, 2).map((s: { commands: string[] }) => s.commands)).to.deep.equal([
            ["aws ec2 describe-network-interfaces --network-interface-ids eni-0a1b2c3d4e5f60718 --query 'NetworkInterfaces[0].[SubnetId,Groups]'"],
            ["aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<subnet-id> --query 'RouteTables[].Routes'"],
        ]);
    });

    describe("nextSteps itself", () => {
        const known: KnownIds = {
            eniId: "eni-0aaaaaaaaaaaaaaaa",
            subnetId: "subnet-0bbbbbbbbbbbbbbbb",
            routeTableId: "rtb-0cccccccccccccccc",
            networkAclId: "acl-0dddddddddddddddd",
            securityGroupIds: ["sg-01", "sg-02"],
        };
        // Records without interface-id: the ENI is unnamed, so it stands for the workload's.
        const noEniFormat: LogFormat = resolveLogFormat("${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action}", "--format", true);
        const evidence = () => scanLines([toLine(outbound("REJECT", 0), noEniFormat)], noEniFormat, query({ dst: AddressSet.parse("52.219.204.42", "--dst") })).evidence();

        it("fills the workload's ENI, groups and ACL when the records name no ENI, and only the workload's", () => {
            const e = evidence();
            const source = { side: "source" as const, enis: e.interfaces };
            const commands = (k?: KnownIds) => nextSteps({ verdict: "security-group-or-nacl", e, trafficType: "ALL", location: source, known: k }).flatMap((s) => s.commands);
            expect(commands(known)).to.deep.equal([
                "aws ec2 describe-security-groups --group-ids sg-01 sg-02 --query 'SecurityGroups[].IpPermissionsEgress'",
                "aws ec2 describe-network-acls --network-acl-ids acl-0dddddddddddddddd --query 'NetworkAcls[].Entries'",
                "aws ec2 create-network-insights-path --source eni-0aaaaaaaaaaaaaaaa --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ]);
            expect(commands(undefined)).to.deep.equal([
                "aws ec2 describe-network-interfaces --network-interface-ids <source-eni-id> --query 'NetworkInterfaces[0].[SubnetId,Groups]'",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissionsEgress'",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
                "aws ec2 create-network-insights-path --source <source-eni-id> --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp",
                "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
            ]);
            // The destination's interface is not the one evaluated: its placeholders stay.
            const destination = { side: "destination" as const, enis: e.interfaces };
            expect(nextSteps({ verdict: "security-group-or-nacl", e, trafficType: "ALL", location: destination, known }).flatMap((s) => s.commands).slice(0, 3)).to.deep.equal([
                "aws ec2 describe-network-interfaces --network-interface-ids <destination-eni-id> --query 'NetworkInterfaces[0].[SubnetId,Groups]'",
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissions'",
                "aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=<subnet-id> --query 'NetworkAcls[].Entries'",
            ]);
        });

        it("the return path: the inbound rules of the evaluated subnet's ACL", () => {
            const e = evidence();
            const steps = nextSteps({ verdict: "nacl-return-path", e, trafficType: "ALL", location: { side: "source", enis: e.interfaces }, known });
            expect(steps).to.deep.equal([
                {
                    step: "Check the inbound rules of the network ACL of subnet-0bbbbbbbbbbbbbbbb (acl-0dddddddddddddddd): they must allow tcp from 52.219.204.42 port 443 to the ephemeral ports 1024-65535. Network ACLs are stateless; security groups are stateful and are not the cause.",
                    commands: ["aws ec2 describe-network-acls --network-acl-ids acl-0dddddddddddddddd --query 'NetworkAcls[].Entries'"],
                },
            ]);
        });
    });
});

describe("next steps with the ids --check-config found (loopback EC2)", () => {
    let server: FakeEc2 | undefined;
    const dir = mkdtempSync(path.join(tmpdir(), "vpc-flow-next-steps-"));
    after(async () => {
        await server?.close();
        rmSync(dir, { recursive: true, force: true });
    });

    it("names the lab generator's subnet and network ACL in the return-path step", async () => {
        const lab = fixtureDir("lab/nacl-return-deny");
        const doc = (file: string) => JSON.parse(readFileSync(path.join(lab, file), "utf8"));
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
        const eni = "eni-0e2f4a6b8c0d2e4f6";
        const records = path.join(dir, "generator.log");
        writeFileSync(
            records,
            [
                `2 111122223333 ${eni} 10.42.0.12 52.219.204.42 43310 443 6 3 180 1795701725 1795701780 ACCEPT OK`,
                `2 111122223333 ${eni} 52.219.204.42 10.42.0.12 443 43310 6 3 180 1795701725 1795701780 REJECT OK`,
            ].join("\n") + "\n",
        );
        const r = await runCliProcess(["--input", records, "--src", "10.42.0.12", "--dst", "52.219.204.42", "--check-config", "--region", "ap-northeast-2", "--output", "json"], {
            AWS_ENDPOINT_URL_EC2: server.url,
            NODE_NO_WARNINGS: "1",
        });
        expect([r.code, r.stderr]).to.deep.equal([0, ""]);
        const out = diagnosisJson(r);
        expect([out.verdict, out.config.eniId]).to.deep.equal(["nacl-return-path", eni]);
        expect(out.nextSteps).to.deep.equal([
            {
                step: "Check the inbound rules of the network ACL of subnet-0a2b4c6d8e0f1a3b5 (acl-0b9c1d3e5f7a9b1c3): they must allow tcp from 52.219.204.42 port 443 to the ephemeral ports 1024-65535. Network ACLs are stateless; security groups are stateful and are not the cause.",
                commands: ["aws ec2 describe-network-acls --network-acl-ids acl-0b9c1d3e5f7a9b1c3 --query 'NetworkAcls[].Entries'"],
            },
        ]);
    });
});

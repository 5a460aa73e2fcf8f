import { expect } from "chai";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
    GetManagedPrefixListEntriesCommand,
} from "@aws-sdk/client-ec2";
import { Ec2Documents } from "../../analysis/verdict/config/ec2Documents";
import { readSnapshot } from "../../analysis/aws/snapshotFiles";
import { collectEc2Documents } from "../../analysis/aws/ec2ConfigCollector";
import { evaluateConfiguration } from "../../analysis/verdict/config/evaluate";
import { AddressSet } from "../../analysis/core/ip";
import { readFixture } from "../helpers/configFixtures";
import { answerEc2From } from "../helpers/ec2Answers";
import { diagnosisJson } from "../helpers/jsonContract";
import { mockAwsClasses, runCli, testClient } from "../helpers/mockedAws";

const aws = mockAwsClasses("ec2");
const { ec2: ec2Mock } = aws.mocks;
const ec2 = testClient("ec2", "ap-northeast-2");
const LAB_ENI = "eni-0e2f4a6b8c0d2e4f6";
const LAB_VPC = "vpc-0e1f2a3b4c5d6e7f8";
const S3_PL = "pl-78a54011";

/** Answers every describe call from a snapshot fixture, the way EC2 would (the SDK's output has the CLI's keys). */
function answerFrom(docs: Ec2Documents): void {
    answerEc2From(ec2Mock, docs);
    ec2Mock.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: docs.prefixListEntries[S3_PL] as never });
}

const inputOf = (command: Parameters<typeof ec2Mock.commandCalls>[0]) => ec2Mock.commandCalls(command).map((c) => c.args[0].input);

describe("configuration check: the EC2 collector", () => {
    beforeEach(() => ec2Mock.reset());

    it("makes one filtered call per kind and returns what they describe", async () => {
        const { documents } = await readFixture("lab/healthy");
        answerFrom(documents);
        const collected = await collectEc2Documents(ec2, LAB_ENI);
        expect(collected).to.deep.equal(documents);
        const vpc = [{ Name: "vpc-id", Values: [LAB_VPC] }];
        expect([
            inputOf(DescribeNetworkInterfacesCommand),
            inputOf(DescribeRouteTablesCommand),
            inputOf(DescribeSecurityGroupsCommand),
            inputOf(DescribeNetworkAclsCommand),
            inputOf(DescribeVpcEndpointsCommand),
            inputOf(DescribeNatGatewaysCommand),
            inputOf(DescribeInternetGatewaysCommand),
            inputOf(DescribeManagedPrefixListsCommand),
            inputOf(GetManagedPrefixListEntriesCommand),
        ]).to.deep.equal([
            [{ NetworkInterfaceIds: [LAB_ENI], NextToken: undefined }],
            [{ Filters: vpc, NextToken: undefined }],
            [{ GroupIds: ["sg-0f7a9b1c3d5e7f9a1"], NextToken: undefined }],
            [{ Filters: vpc, NextToken: undefined }],
            [{ Filters: vpc, NextToken: undefined }],
            [{ Filter: vpc, NextToken: undefined }],
            [{ InternetGatewayIds: ["igw-0c0d2e4f6a8b0c2d4"], NextToken: undefined }],
            [{ PrefixListIds: [S3_PL], NextToken: undefined }],
            [{ PrefixListId: S3_PL, MaxResults: 100, NextToken: undefined }],
        ]);
        expect(ec2Mock.calls()).to.have.length(9);
    });

    it("follows NextToken until the last page", async () => {
        const { documents } = await readFixture("lab/healthy");
        answerFrom(documents);
        const [a, b, c] = documents.routeTables;
        ec2Mock.on(DescribeRouteTablesCommand).resolvesOnce({ RouteTables: [a] as never, NextToken: "page-2" }).resolvesOnce({ RouteTables: [b] as never, NextToken: "page-3" }).resolves({ RouteTables: [c] as never });
        const entries = documents.prefixListEntries[S3_PL];
        ec2Mock
            .on(GetManagedPrefixListEntriesCommand)
            .resolvesOnce({ Entries: entries.slice(0, 5) as never, NextToken: "more" })
            .resolves({ Entries: entries.slice(5) as never });
        const collected = await collectEc2Documents(ec2, LAB_ENI);
        expect(collected.routeTables).to.deep.equal(documents.routeTables);
        expect(collected.prefixListEntries[S3_PL]).to.deep.equal(entries);
        expect(inputOf(DescribeRouteTablesCommand).map((i) => (i as { NextToken?: string }).NextToken)).to.deep.equal([undefined, "page-2", "page-3"]);
        expect(inputOf(GetManagedPrefixListEntriesCommand).map((i) => (i as { NextToken?: string }).NextToken)).to.deep.equal([undefined, "more"]);
    });

    it("asks for the VPC's attached internet gateways when no route names one, and skips prefix lists nobody uses", async () => {
        const { documents } = await readFixture("engine/nat-subnet-without-igw-route");
        answerFrom(documents);
        await collectEc2Documents(ec2, "eni-0a1b2c3d4e5f60718");
        expect(inputOf(DescribeInternetGatewaysCommand)).to.deep.equal([{ Filters: [{ Name: "attachment.vpc-id", Values: ["vpc-0a1b2c3d4e5f60789"] }], NextToken: undefined }]);
        expect([inputOf(DescribeManagedPrefixListsCommand), inputOf(GetManagedPrefixListEntriesCommand)]).to.deep.equal([[], []]);
    });

    it("reads the VPC's gateways instead when a route names an internet gateway that was deleted", async () => {
        const { documents } = await readFixture("lab/healthy");
        answerFrom(documents);
        const named = [...new Set(documents.routeTables.flatMap((t) => t.Routes ?? []).map((r) => r.GatewayId).filter((g) => g?.startsWith("igw-")))];
        expect(named).to.have.length(1);
        ec2Mock
            .on(DescribeInternetGatewaysCommand, { InternetGatewayIds: named as string[] })
            .rejects(Object.assign(new Error(`The internetGateway ID '${named[0]}' does not exist`), { name: "InvalidInternetGatewayID.NotFound" }));
        const collected = await collectEc2Documents(ec2, LAB_ENI);
        expect(collected.internetGateways).to.deep.equal(documents.internetGateways);
        expect(inputOf(DescribeInternetGatewaysCommand)).to.deep.equal([
            { InternetGatewayIds: named, NextToken: undefined },
            { Filters: [{ Name: "attachment.vpc-id", Values: [LAB_VPC] }], NextToken: undefined },
        ]);
    });

    it("asks for the peering connections the routes name, and only those", async () => {
        const { documents } = await readFixture("engine/peering-default-route");
        answerFrom(documents);
        ec2Mock.on(DescribeVpcPeeringConnectionsCommand).resolves({ VpcPeeringConnections: documents.vpcPeeringConnections as never });
        const collected = await collectEc2Documents(ec2, "eni-0a1b2c3d4e5f60718");
        expect(collected.vpcPeeringConnections).to.deep.equal(documents.vpcPeeringConnections);
        expect(inputOf(DescribeVpcPeeringConnectionsCommand)).to.deep.equal([{ VpcPeeringConnectionIds: ["pcx-0a1b2c3d4e5f60789"], NextToken: undefined }]);
    });

    it("a peering connection EC2 no longer knows: asks for each id alone and leaves the gone one out", async () => {
        const { documents } = await readFixture("engine/peering-default-route");
        const gone = "pcx-0fedcba9876543210";
        const routeTables = documents.routeTables.map((t, i) => (i === 0 ? { ...t, Routes: [...(t.Routes ?? []), { DestinationCidrBlock: "10.30.0.0/16", VpcPeeringConnectionId: gone, State: "blackhole" }] } : t));
        answerFrom({ ...documents, routeTables });
        const notFound = Object.assign(new Error(`The vpcPeeringConnection ID '${gone}' does not exist`), { name: "InvalidVpcPeeringConnectionID.NotFound" });
        ec2Mock.on(DescribeVpcPeeringConnectionsCommand).rejects(notFound);
        ec2Mock.on(DescribeVpcPeeringConnectionsCommand, { VpcPeeringConnectionIds: ["pcx-0a1b2c3d4e5f60789"] }).resolves({ VpcPeeringConnections: documents.vpcPeeringConnections as never });
        const collected = await collectEc2Documents(ec2, "eni-0a1b2c3d4e5f60718");
        expect(collected.vpcPeeringConnections).to.deep.equal(documents.vpcPeeringConnections);
        expect(inputOf(DescribeVpcPeeringConnectionsCommand).map((i) => (i as { VpcPeeringConnectionIds: string[] }).VpcPeeringConnectionIds)).to.deep.equal([
            ["pcx-0a1b2c3d4e5f60789", gone],
            ["pcx-0a1b2c3d4e5f60789"],
            [gone],
        ]);
    });

    it("a route to a failed NAT gateway: also reads the available NAT gateways' interfaces, whose zones pick the replacement", async () => {
        const { documents } = await readFixture("engine/nat-failed-blackhole");
        answerFrom(documents);
        const [workload, ...natEnis] = documents.networkInterfaces;
        ec2Mock.on(DescribeNetworkInterfacesCommand, { NetworkInterfaceIds: ["eni-0a1b2c3d4e5f60718"] }).resolves({ NetworkInterfaces: [workload] as never });
        ec2Mock.on(DescribeNetworkInterfacesCommand, { NetworkInterfaceIds: ["eni-0c1d2e3f4a5b6c7dc", "eni-0d2e3f4a5b6c7d8ea"] }).resolves({ NetworkInterfaces: natEnis as never });
        const collected = await collectEc2Documents(ec2, "eni-0a1b2c3d4e5f60718");
        expect(inputOf(DescribeNetworkInterfacesCommand).map((i) => (i as { NetworkInterfaceIds: string[] }).NetworkInterfaceIds)).to.deep.equal([
            ["eni-0a1b2c3d4e5f60718"],
            ["eni-0c1d2e3f4a5b6c7dc", "eni-0d2e3f4a5b6c7d8ea"],
        ]);
        const r = evaluateConfiguration(collected, "eni-0a1b2c3d4e5f60718", { dst: AddressSet.parse("52.219.204.42", "--dst"), port: 443, protocol: 6 });
        expect(r.culprits[0].fix).to.equal("aws ec2 replace-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-0d4e5f6a7b8c9d0e2");
    });

    it("names the IAM action of the call that was denied", async () => {
        const { documents } = await readFixture("lab/healthy");
        answerFrom(documents);
        ec2Mock.on(DescribeNetworkAclsCommand).rejects(Object.assign(new Error("You are not authorized to perform this operation."), { name: "UnauthorizedOperation" }));
        let error: Error | undefined;
        await collectEc2Documents(ec2, LAB_ENI).catch((e: Error) => (error = e));
        expect([error?.message, (error as { action?: string }).action]).to.deep.equal([
            "ec2:DescribeNetworkAcls failed: UnauthorizedOperation: You are not authorized to perform this operation.",
            "ec2:DescribeNetworkAcls",
        ]);
    });
});

describe("configuration check: live, through the CLI", () => {
    const dir = mkdtempSync(join(tmpdir(), "vpc-flow-live-config-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    beforeEach(() => ec2Mock.reset());

    async function run(...argv: string[]) {
        const regions = { ec2: [] as string[] };
        const r = await runCli(argv, { now: () => new Date("2026-11-26T15:00:00Z"), env: {}, ...aws.makers(regions) });
        return { ...r, regions: regions.ec2 };
    }

    const EXAMPLE = join(__dirname, "..", "..", "..", "examples", "s3-timeout.log");

    it("--check-config reads EC2 for the records' ENI and agrees with the routing verdict", async () => {
        const { documents } = await readFixture("engine/private-no-route");
        answerFrom(documents);
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--check-config", "--region", "ap-northeast-2", "--output", "json");
        expect([r.code, r.stderr, r.regions]).to.deep.equal([0, "", ["ap-northeast-2"]]);
        const config = diagnosisJson(r).config;
        expect([config.checked, config.source, config.checkedAt, config.eniId, config.verdict, config.agreement, config.culprits[0].id]).to.deep.equal([
            true,
            "live",
            "2026-11-26T15:00:00Z",
            "eni-0a1b2c3d4e5f60718",
            "routing",
            "agree",
            "rtb-0aa11bb22cc33dd44",
        ]);
        expect(inputOf(DescribeNetworkInterfacesCommand)).to.deep.equal([{ NetworkInterfaceIds: ["eni-0a1b2c3d4e5f60718"], NextToken: undefined }]);
    });

    it("AccessDenied: names the action, falls back to the flow-log verdict with not-checked, exit 0", async () => {
        const { documents } = await readFixture("engine/private-no-route");
        answerFrom(documents);
        ec2Mock.on(DescribeRouteTablesCommand).rejects(Object.assign(new Error("You are not authorized to perform this operation."), { name: "UnauthorizedOperation" }));
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--check-config", "--region", "ap-northeast-2", "--output", "json");
        // The same words as any live command's AccessDenied, on one line, naming the check's own actions.
        const reason =
            "AWS denied ec2:DescribeRouteTables in ap-northeast-2: You are not authorized to perform this operation. The configuration check needs these IAM actions: " +
            "ec2:DescribeNetworkInterfaces, ec2:DescribeRouteTables, ec2:DescribeSecurityGroups, ec2:DescribeNetworkAcls, ec2:DescribeVpcEndpoints, ec2:DescribeNatGateways, " +
            "ec2:DescribeInternetGateways, ec2:DescribeVpcPeeringConnections, ec2:DescribeManagedPrefixLists, ec2:GetManagedPrefixListEntries (see docs/iam.md for a policy). The verdict above is the flow logs' alone.";
        expect([r.code, r.stderr]).to.deep.equal([0, `warning: configuration not checked: ${reason}\n`]);
        const out = diagnosisJson(r);
        expect([out.verdict, out.config.checked, out.config.agreement, out.config.agreementReason, out.warnings]).to.deep.equal([
            "routing",
            false,
            "not-checked",
            reason,
            [`configuration not checked: ${reason}`],
        ]);
    });

    /** The command, in a region of the test's choosing. */
    const exampleCheck = (region: string) =>
        ["--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--check-config", "--eni", "eni-0a1b2c3d4e5f60718", "--region", region, "--output", "json"] as const;
    const reasonAndWarnings = (r: { code: number; stdout: string; stderr: string }) => {
        const out = diagnosisJson(r);
        return [r.code, r.stderr, out.verdict, out.warnings, out.config.agreement, out.config.agreementReason];
    };

    it("a region whose endpoint does not resolve (ENOTFOUND): 'Could not reach AWS' naming the region, exit 0, in warnings", async () => {
        ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(Object.assign(new Error("getaddrinfo ENOTFOUND ec2.eu-west-9.amazonaws.com"), { code: "ENOTFOUND" }));
        const reason = "Could not reach AWS in eu-west-9 (ENOTFOUND). Check the region name, your network or proxy, and AWS_ENDPOINT_URL if you set it. The verdict above is the flow logs' alone.";
        expect(reasonAndWarnings(await run(...exampleCheck("eu-west-9")))).to.deep.equal([
            0,
            `warning: configuration not checked: ${reason}\n`,
            "routing",
            [`configuration not checked: ${reason}`],
            "not-checked",
            reason,
        ]);
    });

    it("a timeout (the SDK's TimeoutError, no code): 'Could not reach AWS ... (timed out)'", async () => {
        ec2Mock
            .on(DescribeNetworkInterfacesCommand)
            .rejects(Object.assign(new Error("@smithy/node-http-handler - the request socket timed out after 3000 ms of inactivity (configured by client requestHandler)."), { name: "TimeoutError" }));
        const reason = "Could not reach AWS in eu-west-1 (timed out). Check the region name, your network or proxy, and AWS_ENDPOINT_URL if you set it. The verdict above is the flow logs' alone.";
        expect(reasonAndWarnings(await run(...exampleCheck("eu-west-1")))).to.deep.equal([
            0,
            `warning: configuration not checked: ${reason}\n`,
            "routing",
            [`configuration not checked: ${reason}`],
            "not-checked",
            reason,
        ]);
    });

    it("an error of EC2's own keeps AWS's words and the action that failed", async () => {
        ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(Object.assign(new Error("Request limit exceeded."), { name: "RequestLimitExceeded" }));
        const reason = "ec2:DescribeNetworkInterfaces failed: RequestLimitExceeded: Request limit exceeded.; the verdict above is the flow logs' alone.";
        expect(reasonAndWarnings(await run(...exampleCheck("eu-west-1")))).to.deep.equal([
            0,
            `warning: configuration not checked: ${reason}\n`,
            "routing",
            [`configuration not checked: ${reason}`],
            "not-checked",
            reason,
        ]);
    });

    it("a region that is not a region name: exit 2 naming where it came from, before EC2 is called", async () => {
        const bad = await run(...exampleCheck("eu-west-one"));
        expect([bad.code, bad.stdout, bad.stderr]).to.deep.equal([2, "", "Invalid --region 'eu-west-one'. Allowed: an AWS region name such as ap-northeast-2 or us-east-1.\n"]);
        const fromEnv = await runCli(["--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--check-config"], { env: { AWS_REGION: "Frankfurt" }, ...aws.makers() });
        expect([fromEnv.code, fromEnv.stderr]).to.deep.equal([2, "Invalid AWS_REGION 'Frankfurt'. Allowed: an AWS region name such as ap-northeast-2 or us-east-1.\n"]);
        expect(ec2Mock.calls()).to.have.length(0);
    });

    it("an ENI that no longer exists: says to use a snapshot", async () => {
        ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(Object.assign(new Error("The networkInterface ID 'eni-0a1b2c3d4e5f60718' does not exist"), { name: "InvalidNetworkInterfaceID.NotFound" }));
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--check-config", "--region", "ap-northeast-2");
        expect([r.code, r.stderr]).to.deep.equal([
            0,
            "warning: configuration not checked: eni-0a1b2c3d4e5f60718 does not exist in ap-northeast-2 (a stopped task's ENI is deleted): check a snapshot taken while it existed, with --config-snapshot.\n",
        ]);
    });

    it("snapshot writes the files --config-snapshot reads, with the same findings", async () => {
        const { documents } = await readFixture("lab/nacl-return-deny");
        answerFrom(documents);
        const out = join(dir, "snap");
        const r = await run("snapshot", "--eni", LAB_ENI, "--out", out, "--region", "ap-northeast-2");
        expect([r.code, r.stdout, r.stderr]).to.deep.equal([0, "", `Wrote 11 files to ${out}: the configuration of ${LAB_ENI}'s path in ap-northeast-2 at 2026-11-26T15:00:00Z.\n`]);
        expect(readdirSync(out).sort()).to.deep.equal([
            "describe-internet-gateways.json",
            "describe-managed-prefix-lists.json",
            "describe-nat-gateways.json",
            "describe-network-acls.json",
            "describe-network-interfaces.json",
            "describe-route-tables.json",
            "describe-security-groups.json",
            "describe-vpc-endpoints.json",
            "describe-vpc-peering-connections.json",
            `get-managed-prefix-list-entries-${S3_PL}.json`,
            "snapshot-info.json",
        ]);
        const back = await readSnapshot(out);
        expect([back.documents, back.info, back.missing]).to.deep.equal([
            documents,
            { NetworkInterfaceId: LAB_ENI, Region: "ap-northeast-2", TakenAt: "2026-11-26T15:00:00Z" },
            [],
        ]);
    });

    it("snapshot: AccessDenied names the action and the policy, exit 1", async () => {
        ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(Object.assign(new Error("You are not authorized to perform this operation."), { name: "UnauthorizedOperation" }));
        const r = await run("snapshot", "--eni", LAB_ENI, "--out", join(dir, "denied"), "--region", "ap-northeast-2");
        expect([r.code, r.stderr]).to.deep.equal([
            1,
            "AWS denied ec2:DescribeNetworkInterfaces in ap-northeast-2: You are not authorized to perform this operation.\n" +
                "The snapshot needs these IAM actions: ec2:DescribeNetworkInterfaces, ec2:DescribeRouteTables, ec2:DescribeSecurityGroups, ec2:DescribeNetworkAcls, ec2:DescribeVpcEndpoints, ec2:DescribeNatGateways, ec2:DescribeInternetGateways, ec2:DescribeVpcPeeringConnections, ec2:DescribeManagedPrefixLists, ec2:GetManagedPrefixListEntries (see docs/iam.md for a policy).\n",
        ]);
    });

    const bad: Array<[string, string[], string]> = [
        ["no --eni", ["--out", "x", "--region", "ap-northeast-2"], "Missing --eni: the workload's network interface, e.g. --eni eni-0a1b2c3d4e5f60718."],
        ["a bad --eni", ["--eni", "i-0abc", "--out", "x", "--region", "ap-northeast-2"], "Invalid --eni 'i-0abc'. Allowed: a network interface id, eni- and 8 or 17 hex digits, e.g. eni-0a1b2c3d4e5f60718."],
        ["no --out", ["--eni", LAB_ENI, "--region", "ap-northeast-2"], "Missing --out: the folder to write the snapshot to, e.g. --out ./snapshot."],
        ["no region", ["--eni", LAB_ENI, "--out", "x"], "No AWS region: pass --region or set AWS_REGION."],
    ];
    for (const [what, argv, message] of bad) {
        it(`snapshot refuses ${what} with exit 2`, async () => {
            const r = await run("snapshot", ...argv);
            expect([r.code, r.stdout, r.stderr, ec2Mock.calls().length]).to.deep.equal([2, "", message + "\n", 0]);
        });
    }
});

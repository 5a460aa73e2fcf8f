/**
 * Every `aws ec2 ...` command the tool can print (configuration fixes, their reasons and hints,
 * next steps, ECS steps, error messages) is checked against the EC2 API model the AWS CLI is
 * built from (tests/helpers/awsCliCommand.ts). The commands are produced by running the code over
 * every configuration fixture (and mutations of it that reach the other fixes), every verdict's
 * next steps, the ECS steps and the CLI; a guard then greps the source for `aws ec2 <command>`
 * and fails when an operation written there was never produced and checked here.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ec2CliOperationNames, ec2CommandProblems, extractAwsEc2Commands, shellWords, xformName } from "../helpers/awsCliCommand";
import { CONFIG_FIXTURES, fixtureDir } from "../helpers/configFixtures";
import { readSnapshot } from "../../analysis/aws/snapshotFiles";
import { ConfigCheckError, ConfigQuery, evaluateConfiguration } from "../../analysis/verdict/config/evaluate";
import { Ec2Documents, SNAPSHOT_FILES } from "../../analysis/verdict/config/ec2Documents";
import { AddressSet } from "../../analysis/core/ip";
import { nextSteps, AdviceReason, KnownIds, Location } from "../../analysis/verdict/advice";
import { VERDICTS } from "../../analysis/verdict/classify";
import { InterfaceEvidence, Side } from "../../analysis/evidence/conversation";
import { taskNextSteps, requireTaskEni } from "../../analysis/verdict/ecs/ecsTask";
import { UserInputError } from "../../analysis/core/errors";
import { run } from "../helpers/cliInProcess";
import { outbound, query, scanLines, toLine, TASK_ENI, NAT_ENI } from "../helpers/analysisRecords";
import { diagnosisJson } from "../helpers/jsonContract";

const REPO = path.join(__dirname, "..", "..", "..");

describe("aws ec2 commands: the checker", () => {
    it("names operations and members as botocore's xform_name does", () => {
        expect(
            ["ReplaceRoute", "RouteTableId", "DestinationIpv6CidrBlock", "CidrIp", "IpPermissions", "Ipv6CidrBlock", "DescribeVpcBlockPublicAccessOptions", "GatewayARNs", "NetworkAclId", "DryRun", "ListWebACLs"].map((n) =>
                xformName(n),
            ),
        ).to.deep.equal([
            "replace-route",
            "route-table-id",
            "destination-ipv6-cidr-block",
            "cidr-ip",
            "ip-permissions",
            "ipv6-cidr-block",
            "describe-vpc-block-public-access-options",
            "gateway-arns",
            "network-acl-id",
            "dry-run",
            "list-web-acls",
        ]);
    });

    it("splits words as a shell does, keeping a <placeholder> with spaces and quotes whole", () => {
        expect(shellWords(`aws ec2 associate-address --allocation-id <allocation-id from 'aws ec2 allocate-address --domain vpc'> --query 'A[0].[B,C]'`)).to.deep.equal([
            "aws",
            "ec2",
            "associate-address",
            "--allocation-id",
            "<allocation-id from 'aws ec2 allocate-address --domain vpc'>",
            "--query",
            "A[0].[B,C]",
        ]);
    });

    it("accepts right commands, with placeholders, booleans, renamed and customized parameters", () => {
        for (const command of [
            "aws ec2 replace-route --route-table-id <rtb> --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1",
            "aws ec2 create-network-acl-entry --network-acl-id acl-1 --ingress --rule-number 90 --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow",
            "aws ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 443 --cidr 10.0.0.0/16",
            "aws ec2 authorize-security-group-egress --group-id sg-1 --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=10.0.0.0/16}] --dry-run",
            "aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<subnet-id> --query 'RouteTables[].Routes' --output text --region eu-west-1",
            "aws ec2 create-network-insights-path --source eni-1 --destination-ip 52.219.204.42 --destination-port 443 --protocol tcp",
            "aws ec2 describe-security-groups --group-ids sg-1 sg-2",
        ]) {
            expect(ec2CommandProblems(command), command).to.deep.equal([]);
        }
    });

    it("names each mistake: operation, spelling, boolean values, shorthand members, required members, repeats", () => {
        expect(ec2CommandProblems("aws ec2 replace-routes --route-table-id rtb-1")).to.deep.equal(["replace-routes: no such EC2 operation"]);
        expect(ec2CommandProblems("aws ec2 replace-route --route-table rtb-1 --destination-ipv6-cidrblock ::/0 --gateway-id igw-1")).to.deep.equal([
            "replace-route: --route-table is not a parameter of ReplaceRoute",
            "replace-route: --destination-ipv6-cidrblock is not a parameter of ReplaceRoute (the CLI spells it --destination-ipv6-cidr-block)",
            "replace-route: the required --route-table-id is missing",
        ]);
        expect(ec2CommandProblems("aws ec2 create-network-acl-entry --network-acl-id acl-1 --egress true --rule-number 90 --protocol tcpip --cidr-block 0.0.0.0/0 --rule-action allow")).to.deep.equal([
            "create-network-acl-entry: --egress is a boolean and takes no value (got true)",
            "create-network-acl-entry: --protocol tcpip is neither a protocol number nor one of tcp, udp, icmp, all",
        ]);
        expect(ec2CommandProblems("aws ec2 create-network-acl-entry --network-acl-id acl-1 --no-egress --rule-number 90 --protocol 6 --cidr-block 0.0.0.0/0 --rule-action allow")).to.deep.equal([
            "create-network-acl-entry: --no-egress is not a parameter of CreateNetworkAclEntry",
            "create-network-acl-entry: --protocol 6 needs --port-range",
            "create-network-acl-entry: the required --egress is missing",
        ]);
        expect(ec2CommandProblems("aws ec2 authorize-security-group-egress --group-id sg-1 --ip-permissions IpProtocol=tcp,IpRanges=[{CidrIP=0.0.0.0/0}] --port 443")).to.deep.equal([
            "authorize-security-group-egress: --ip-permissions shorthand names CidrIP, which is not a member of IpPermissions (members: CidrIp, CidrIpv6, Description, FromPort, GroupId, GroupName, IpProtocol, IpRanges, Ipv6Ranges, PeeringStatus, PrefixListId, PrefixListIds, ToPort, UserId, UserIdGroupPairs, VpcId, VpcPeeringConnectionId)",
            "authorize-security-group-egress: --port cannot be used with --ip-permissions",
        ]);
        expect(ec2CommandProblems("aws ec2 create-network-acl-entry --network-acl-id acl-1 --egress --rule-number 90 --protocol icmp --cidr-block 0.0.0.0/0 --rule-action allow")).to.deep.equal([
            "create-network-acl-entry: --protocol icmp needs --icmp-type-code",
        ]);
        expect(ec2CommandProblems("aws ec2 create-network-acl-entry --network-acl-id acl-1 --egress --rule-number 90 --protocol 58 --ipv6-cidr-block ::/0 --rule-action allow")).to.deep.equal([
            "create-network-acl-entry: --protocol 58 with --ipv6-cidr-block needs --icmp-type-code",
        ]);
        expect(ec2CommandProblems("aws ec2 create-network-acl-entry --network-acl-id acl-1 --egress --rule-number 90 --protocol udp --cidr-block 0.0.0.0/0 --rule-action allow")).to.deep.equal([
            "create-network-acl-entry: --protocol udp needs --port-range",
        ]);
        expect(ec2CommandProblems("aws ec2 delete-route --route-table-id rtb-1 --route-table-id rtb-2 --destination-cidr-block")).to.deep.equal([
            "delete-route: --route-table-id is given twice",
            "delete-route: --destination-cidr-block needs a value",
        ]);
        expect(ec2CommandProblems("aws ec2 create-network-insights-path --destination-ip 1.2.3.4")).to.deep.equal([
            "create-network-insights-path: the required --protocol is missing",
            "create-network-insights-path: the required --source is missing",
        ]);
    });

    it("finds the commands inside sentences and quotes", () => {
        expect(
            extractAwsEc2Commands(
                "it forwards nothing. Create one first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>. Then run 'aws ec2 describe-nat-gateways --query \"NatGateways[0]\"', and read it: aws ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-1 --output text; in Pulumi, done",
            ),
        ).to.deep.equal([
            "aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>",
            'aws ec2 describe-nat-gateways --query "NatGateways[0]"',
            "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-1 --output text",
        ]);
    });
});

/** Every string inside a value (a diagnosis, a culprit, a step). */
function strings(value: unknown, out: string[] = []): string[] {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) for (const v of value) strings(v, out);
    else if (value !== null && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
    return out;
}

/** Each command produced, with where it came from (for the failure message). */
const produced = new Map<string, string>();
function collect(origin: string, value: unknown): void {
    for (const text of strings(value)) for (const command of extractAwsEc2Commands(text)) if (!produced.has(command)) produced.set(command, origin);
}

function fixtureNames(): string[] {
    return ["engine", "lab"].flatMap((group) => fs.readdirSync(path.join(CONFIG_FIXTURES, group)).map((name) => `${group}/${name}`)).sort();
}

const QUERIES: ReadonlyArray<{ name: string; query: ConfigQuery }> = [
    { name: "S3 tcp 443", query: { dst: AddressSet.parse("52.219.204.42", "--dst"), port: 443, protocol: 6, dstIsS3: true } },
    { name: "two S3 ranges", query: { dst: AddressSet.parse("52.219.204.0/22,3.5.140.0/22", "--dst"), port: 443, protocol: 6, dstIsS3: true } },
    { name: "internet udp 53", query: { dst: AddressSet.parse("8.8.8.8", "--dst"), port: 53, protocol: 17 } },
    { name: "icmp", query: { dst: AddressSet.parse("52.219.204.42", "--dst"), port: 0, protocol: 1 } },
    { name: "IPv6 icmpv6", query: { dst: AddressSet.parse("2600:1f18::1", "--dst"), port: 0, protocol: 58 } },
    { name: "IPv6 tcp 443", query: { dst: AddressSet.parse("2600:1f18::1", "--dst"), port: 443, protocol: 6 } },
    { name: "private tcp 5432", query: { dst: AddressSet.parse("10.9.9.9", "--dst"), port: 5432, protocol: 6 } },
    // Inside the peer VPC of the peering fixtures (10.20.0.0/16): the connection's own state decides.
    { name: "peer VPC tcp 5432", query: { dst: AddressSet.parse("10.20.5.5", "--dst"), port: 5432, protocol: 6 } },
];

type Mutation = (d: Ec2Documents) => Ec2Documents;
/** Changes that lead the evaluator to the fixes the fixtures do not show as they are. */
const MUTATIONS: ReadonlyArray<{ name: string; apply: Mutation }> = [
    { name: "as is", apply: (d) => d },
    { name: "internet gateways detached", apply: (d) => ({ ...d, internetGateways: d.internetGateways.map((g) => ({ ...g, Attachments: [] })) }) },
    ...["pending", "failed", "deleting", "deleted"].map((state) => ({
        name: `NAT gateways ${state}`,
        apply: (d: Ec2Documents) => ({ ...d, natGateways: d.natGateways.map((n) => ({ ...n, State: state })) }),
    })),
    { name: "NAT gateways gone", apply: (d) => ({ ...d, natGateways: [] }) },
    { name: "endpoints pending", apply: (d) => ({ ...d, vpcEndpoints: d.vpcEndpoints.map((e) => ({ ...e, State: "pending" })) }) },
    { name: "prefix-list routes gone", apply: (d) => ({ ...d, routeTables: d.routeTables.map((t) => ({ ...t, Routes: (t.Routes ?? []).filter((r) => r.DestinationPrefixListId === undefined) })) }) },
    { name: "internet gateway routes blackholed", apply: (d) => ({ ...d, routeTables: d.routeTables.map((t) => ({ ...t, Routes: (t.Routes ?? []).map((r) => (r.GatewayId?.startsWith("igw-") ? { ...r, State: "blackhole" } : r)) })) }) },
    // A narrower route to a terminated instance over the tables' own routes, and no NAT gateway to point it at: delete-route.
    {
        name: "a narrow blackhole route, NAT gateways gone",
        apply: (d) => ({
            ...d,
            natGateways: [],
            routeTables: d.routeTables.map((t) => ({ ...t, Routes: [...(t.Routes ?? []), { DestinationCidrBlock: "52.219.204.0/24", NetworkInterfaceId: "eni-0deadbeef00000001", State: "blackhole" }] })),
        }),
    },
    { name: "routes blackholed", apply: (d) => ({ ...d, routeTables: d.routeTables.map((t) => ({ ...t, Routes: (t.Routes ?? []).map((r) => (r.GatewayId === "local" ? r : { ...r, State: "blackhole" })) })) }) },
    {
        name: "no addresses but private ones",
        apply: (d) => ({
            ...d,
            networkInterfaces: d.networkInterfaces.map((n) => ({ ...n, Association: undefined, Ipv6Addresses: [], PrivateIpAddresses: (n.PrivateIpAddresses ?? []).map((a) => ({ ...a, Association: undefined })) })),
        }),
    },
    { name: "no egress rules", apply: (d) => ({ ...d, securityGroups: d.securityGroups.map((g) => ({ ...g, IpPermissionsEgress: [] })) }) },
    // Peering connections in each kind of state: accept it, wait for it, or make a new one.
    ...["pending-acceptance", "provisioning", "deleted"].map((code) => ({
        name: `peering connections ${code}`,
        apply: (d: Ec2Documents) => ({ ...d, vpcPeeringConnections: d.vpcPeeringConnections.map((p) => ({ ...p, Status: { Code: code } })) }),
    })),
    {
        // IPv6 open in the security groups and ACLs, ::/0 to the peering connection, and a peer VPC with an IPv6 block of its own.
        name: "IPv6 to a peering connection",
        apply: (d) => ({
            ...d,
            routeTables: d.routeTables.map((t) => ({
                ...t,
                Routes: (t.Routes ?? []).flatMap((r) => (r.VpcPeeringConnectionId && r.DestinationCidrBlock ? [r, { ...r, DestinationCidrBlock: undefined, DestinationIpv6CidrBlock: "::/0" }] : [r])),
            })),
            securityGroups: d.securityGroups.map((g) => ({ ...g, IpPermissionsEgress: [...(g.IpPermissionsEgress ?? []), { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] }] })),
            networkAcls: d.networkAcls.map((a) => ({
                ...a,
                Entries: [...(a.Entries ?? []), ...[true, false].map((Egress) => ({ Ipv6CidrBlock: "::/0", Egress, Protocol: "-1", RuleAction: "allow", RuleNumber: 101 }))],
            })),
            vpcPeeringConnections: d.vpcPeeringConnections.map((p) => ({
                ...p,
                AccepterVpcInfo: { ...p.AccepterVpcInfo, Ipv6CidrBlockSet: [{ Ipv6CidrBlock: "2600:1f28:abcd::/56" }] },
                RequesterVpcInfo: { ...p.RequesterVpcInfo, Ipv6CidrBlockSet: [{ Ipv6CidrBlock: "2600:1f28:1234::/56" }] },
            })),
        }),
    },
    { name: "ACLs deny all", apply: (d) => ({ ...d, networkAcls: d.networkAcls.map((a) => ({ ...a, Entries: (a.Entries ?? []).filter((e) => e.RuleNumber === 32767 || e.RuleNumber === 32768) })) }) },
    {
        // No free number below rule 1: the fix replaces that rule (replace-network-acl-entry).
        name: "ACLs deny all at rule 1",
        apply: (d) => ({
            ...d,
            networkAcls: d.networkAcls.map((a) => ({ ...a, Entries: [...[true, false].map((Egress) => ({ CidrBlock: "0.0.0.0/0", Egress, Protocol: "-1", RuleAction: "deny", RuleNumber: 1 })), ...(a.Entries ?? [])] })),
        }),
    },
];

/** What a configuration check found, for the next steps that use it. */
const KNOWN: KnownIds = { eniId: TASK_ENI, subnetId: "subnet-0c1d2e3f4a5b6c7d8", routeTableId: "rtb-0aa11bb22cc33dd44", networkAclId: "acl-0d1e2f3a4b5c6d7e8", securityGroupIds: ["sg-0123456789abcdef0"] };

const SIDES: readonly Side[] = ["source", "destination", "intermediate", "unknown"];
const REASONS: ReadonlyArray<AdviceReason | undefined> = [undefined, "traffic-type", "missing-action", "unknown-side", "malformed", "bpa"];

function interfaceEvidence(side: Side, named: boolean, subnet: boolean, hop?: "nat-gateway" | "intermediate"): InterfaceEvidence {
    const empty = { records: 0, packets: 0, bytes: 0 };
    const flows = { accept: empty, reject: empty };
    return {
        interfaceId: named ? (hop ? NAT_ENI : TASK_ENI) : "-",
        named,
        side,
        sideBasis: "test",
        ...(hop ? { hop } : {}),
        tally: { outbound: flows, inbound: flows } as unknown as InterfaceEvidence["tally"],
        noAction: { outbound: 0, inbound: 0 },
        subnetIds: subnet ? ["subnet-0c1d2e3f4a5b6c7d8"] : [],
        vpcIds: [],
        nodata: 0,
        skipdata: 0,
        rejectReasons: {},
    };
}

describe("aws ec2 commands: everything the code produces", function () {
    // The `before` hook evaluates every fixture x mutation x query: a few seconds here, but far longer
    // under mutation testing (instrumented code on a shared machine), which must not time it out.
    this.timeout(120000);

    before(async () => {
        // 1. The configuration check over every fixture, mutation and query.
        for (const name of fixtureNames()) {
            const snapshot = await readSnapshot(fixtureDir(name));
            for (const mutation of MUTATIONS) {
                for (const q of QUERIES) {
                    try {
                        collect(`${name}, ${mutation.name}, ${q.name}`, evaluateConfiguration(mutation.apply(snapshot.documents), snapshot.info.NetworkInterfaceId, q.query));
                    } catch (err) {
                        if (!(err instanceof ConfigCheckError)) throw err;
                    }
                }
            }
        }
        // 2. Every verdict's next steps, for every side, reason, kind of interface and destination.
        const destinations = [
            { dst: "52.219.204.42", protocol: 6 },
            { dst: "8.8.8.8", protocol: 17 },
            { dst: "10.9.9.9", protocol: 6 },
            { dst: "2600:1f18::1", protocol: 6 },
            { dst: "52.219.204.0/22", protocol: 1 },
        ];
        for (const d of destinations) {
            const q = query({ dst: AddressSet.parse(d.dst, "--dst"), protocol: d.protocol });
            const e = scanLines([toLine(outbound("ACCEPT", 0))], undefined, q).evidence();
            for (const named of [true, false]) {
                for (const subnet of [true, false]) {
                    e.interfaces = SIDES.map((side) => interfaceEvidence(side, named, subnet, side === "intermediate" ? "nat-gateway" : undefined));
                    const locations: Array<Location | undefined> = [
                        undefined,
                        ...SIDES.map((side) => ({ side, enis: [interfaceEvidence(side, named, subnet, side === "intermediate" ? "nat-gateway" : undefined)] })),
                        { side: "intermediate" as Side, enis: [interfaceEvidence("intermediate", named, subnet, "intermediate")] },
                    ];
                    for (const verdict of VERDICTS) {
                        for (const reason of REASONS) {
                            for (const location of locations) {
                                for (const known of [undefined, KNOWN]) {
                                    collect(`next steps ${verdict} ${reason} ${location?.side}${known ? " with known ids" : ""}`, nextSteps({ verdict, e, trafficType: "ALL", location, reason, known }));
                                }
                            }
                        }
                    }
                }
            }
        }
        // 3. The ECS steps for every service a stopped reason can name, and a private dial target.
        collect(
            "ECS next steps",
            taskNextSteps({ services: ["ecr", "s3", "secretsmanager", "ssm", "logs", "registry"], dialTargets: [{ address: "10.0.3.4", port: 443 }] } as never, "ap-northeast-2"),
        );
        try {
            requireTaskEni({ taskId: "t-1" } as never, "prod");
        } catch (err) {
            if (!(err instanceof UserInputError)) throw err;
            collect("task without an ENI", err.message);
        }
        // 4. The CLI with each snapshot, and the snapshot folder's error messages.
        for (const name of fixtureNames()) {
            const r = await run("--input", "examples/s3-timeout.log", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--config-snapshot", fixtureDir(name), "--output", "json");
            collect(`CLI --config-snapshot ${name}`, diagnosisJson(r));
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ec2-commands-"));
        try {
            const r = await run("--input", "examples/s3-timeout.log", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--config-snapshot", dir);
            collect("snapshot without describe-network-interfaces.json", r.stderr);
            fs.writeFileSync(path.join(dir, "describe-network-interfaces.json"), "{}");
            for (const spec of SNAPSHOT_FILES) {
                fs.writeFileSync(path.join(dir, spec.file), "{}");
                const bad = await run("--input", "examples/s3-timeout.log", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--config-snapshot", dir);
                collect(`snapshot with a bad ${spec.file}`, bad.stderr);
                fs.writeFileSync(path.join(dir, spec.file), JSON.stringify({ [spec.key]: [] }));
            }
            fs.writeFileSync(path.join(dir, "get-managed-prefix-list-entries-pl-1.json"), "{}");
            const bad = await run("--input", "examples/s3-timeout.log", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--config-snapshot", dir);
            collect("snapshot with bad prefix list entries", bad.stderr);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("every command is one the AWS CLI accepts: the operation exists, every parameter is a member, the required ones are there", () => {
        const problems = [...produced].flatMap(([command, origin]) => ec2CommandProblems(command).map((p) => `${p}\n    in ${command}\n    from ${origin}`));
        expect(problems, problems.join("\n")).to.deep.equal([]);
    });

    it("the source writes no `aws ec2` command that was not produced and checked here", () => {
        const producedWords = [...produced.keys()].map((c) => shellWords(c));
        const templates = sourceTemplates();
        const missing = templates
            .filter((t) => !producedWords.some((w) => w[2] === t.operation && t.params.every((p) => w.includes(p))))
            .map((t) => `aws ec2 ${t.operation} ${t.params.join(" ")} (${t.file})`);
        expect(missing, "write a case that produces them").to.deep.equal([]);
        // The grep itself works: it finds the templates of the fixes and of the next steps.
        expect(templates.map((t) => `${t.operation} ${t.params.join(" ")}`)).to.include.members([
            "modify-vpc-endpoint --vpc-endpoint-id --add-route-table-ids",
            "create-network-acl-entry --network-acl-id --rule-number --protocol --rule-action",
            "describe-route-tables --filters --query",
            "create-network-insights-path --source --destination-ip --destination-port --protocol",
        ]);
        const unknown = templates.filter((t) => !ec2CliOperationNames().has(t.operation)).map((t) => t.operation);
        expect(unknown, "operations in the source that EC2 does not have").to.deep.equal([]);
    });
});

/** `${...}` expressions of a template, taken out (nested braces included). */
function withoutExpressions(text: string): string {
    let out = "";
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
        if (depth === 0 && text[i] === "$" && text[i + 1] === "{") {
            depth = 1;
            i++;
            out += " ";
        } else if (depth > 0) {
            if (text[i] === "{") depth++;
            else if (text[i] === "}") depth--;
        } else {
            out += text[i];
        }
    }
    return out;
}

/**
 * The `aws ec2 <operation> --param ...` templates written in the tool's source (analysis/, bin/):
 * each with the `--params` it spells out literally (up to the end of its string). A template
 * that picks the operation (`aws ec2 ${found ? "replace-route" : "create-route"} ...`) counts
 * once for each quoted name in it.
 */
function sourceTemplates(): Array<{ operation: string; params: string[]; file: string }> {
    const out: Array<{ operation: string; params: string[]; file: string }> = [];
    const walk = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [path.join(dir, e.name)] : []));
    for (const file of [...walk(path.join(REPO, "analysis")), ...walk(path.join(REPO, "bin"))]) {
        const rel = path.relative(REPO, file);
        for (const line of fs.readFileSync(file, "utf8").split("\n")) {
            for (const m of line.matchAll(/aws ec2 (\$\{[^}]*\}|[a-z][a-z0-9-]*)/g)) {
                const operations = m[1].startsWith("${") ? [...m[1].matchAll(/"([a-z][a-z0-9-]*)"/g)].map((q) => q[1]) : [m[1]];
                // A template ends with its string, or where the sentence around it goes on ("..., then aws ec2 ...").
                const rest = withoutExpressions(line.slice((m.index ?? 0) + m[0].length))
                    .split(/[`"]/)[0]
                    .split(/,\s|\)/)[0]
                    .replace(/<[^>]*>/g, " ");
                const params = [...rest.matchAll(/(?:^|\s)(--[a-z0-9-]+)/g)].map((p) => p[1]);
                for (const operation of operations) out.push({ operation, params, file: rel });
            }
        }
    }
    return out;
}

describe("network ACL fixes for ICMP and ICMPv6", () => {
    it("name the ICMP type and code (all), and ICMPv6 by its number, as EC2 requires", async () => {
        const snapshot = await readSnapshot(fixtureDir("engine/nacl-inbound-1024-65535"));
        const fixes = (dst: string, protocol: number) =>
            evaluateConfiguration(snapshot.documents, snapshot.info.NetworkInterfaceId, { dst: AddressSet.parse(dst, "--dst"), port: 0, protocol })
                .culprits.filter((c) => c.kind === "network-acl")
                .map((c) => [c.fix, c.hint]);
        expect(fixes("52.219.204.42", 1)).to.deep.equal([
            [
                "aws ec2 create-network-acl-entry --network-acl-id acl-0c0ffee0c0ffee012 --egress --rule-number 110 --protocol icmp --icmp-type-code Type=-1,Code=-1 --cidr-block 52.219.204.42/32 --rule-action allow",
                'new aws.ec2.NetworkAclRule(..., { networkAclId: "acl-0c0ffee0c0ffee012", ruleNumber: 110, egress: true, protocol: "icmp", ruleAction: "allow", cidrBlock: "52.219.204.42/32", icmpType: -1, icmpCode: -1 })',
            ],
            [
                "aws ec2 create-network-acl-entry --network-acl-id acl-0c0ffee0c0ffee012 --ingress --rule-number 110 --protocol icmp --icmp-type-code Type=-1,Code=-1 --cidr-block 52.219.204.42/32 --rule-action allow",
                'new aws.ec2.NetworkAclRule(..., { networkAclId: "acl-0c0ffee0c0ffee012", ruleNumber: 110, egress: false, protocol: "icmp", ruleAction: "allow", cidrBlock: "52.219.204.42/32", icmpType: -1, icmpCode: -1 })',
            ],
        ]);
        expect(fixes("2600:1f18::1", 58).map(([fix]) => fix)).to.deep.equal([
            "aws ec2 create-network-acl-entry --network-acl-id acl-0c0ffee0c0ffee012 --egress --rule-number 110 --protocol 58 --icmp-type-code Type=-1,Code=-1 --ipv6-cidr-block 2600:1f18::1/128 --rule-action allow",
            "aws ec2 create-network-acl-entry --network-acl-id acl-0c0ffee0c0ffee012 --ingress --rule-number 110 --protocol 58 --icmp-type-code Type=-1,Code=-1 --ipv6-cidr-block 2600:1f18::1/128 --rule-action allow",
        ]);
    });
});

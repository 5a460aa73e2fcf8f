/**
 * A `--dst` range that narrower routes, prefix-list entries, security group or ACL rules govern only
 * in part: each part gets its own answer, a part that is blocked blocks the range (saying which part),
 * and rules that together cover the range allow it.
 */
import { expect } from "chai";
import * as path from "path";
import { main } from "../../../analysis/cli/cli";
import { ConfigEvaluation, evaluateConfiguration } from "../../../analysis/verdict/config/evaluate";
import { Ec2Documents, Ec2IpPermission, Ec2NetworkAclEntry } from "../../../analysis/verdict/config/ec2Documents";
import { AddressSet } from "../../../analysis/core/ip";
import { fixtureDir, readFixture } from "../../helpers/configFixtures";
import { diagnosisJson } from "../../helpers/jsonContract";

const FIXTURE = "engine/blackhole-inside-dst-range";
const RTB = "rtb-0aa11bb22cc33dd44";
const ACL = "acl-0d1e2f3a4b5c6d7e8";
const SG = "sg-0123456789abcdef0";
const ENI = "eni-0a1b2c3d4e5f60718";
const S3_TIMEOUT_LOG = path.join(__dirname, "..", "..", "..", "..", "examples", "s3-timeout.log");

const BLACKHOLE_REASON =
    "The route subnet-0c1d2e3f4a5b6c7d8 uses for 52.219.204.0/24 is 52.219.204.0/24 -> nat-06c018cbd8a1b2c3d, and it is a blackhole: NAT gateway nat-06c018cbd8a1b2c3d is deleted: it forwards nothing. " +
    "Create one in ap-northeast-2a first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>.";
const BLACKHOLE_CULPRIT = {
    kind: "route-table",
    id: RTB,
    direction: "outbound",
    rule: "52.219.204.0/24 -> nat-06c018cbd8a1b2c3d (blackhole)",
    reason: `${BLACKHOLE_REASON} It is for 52.219.204.0/24 of 52.219.204.0/22.`,
    fix: `aws ec2 replace-route --route-table-id ${RTB} --destination-cidr-block 52.219.204.0/24 --nat-gateway-id <new-nat-gateway-id>`,
    hint: "awsx.ec2.Vpc natGateways, or aws.ec2.NatGateway in a public subnet and aws.ec2.Route to it",
    effect: "drops-request",
    hop: "workload",
};
const SPLIT_NOTE = "Parts of 52.219.204.0/22 take different paths: nat-gateway for 52.219.204.0/24 of 52.219.204.0/22; internet-gateway for 52.219.204.0/22 outside 52.219.204.0/24.";

async function documents(): Promise<Ec2Documents> {
    return (await readFixture(FIXTURE)).documents;
}

function evaluate(docs: Ec2Documents, dst: string): ConfigEvaluation {
    return evaluateConfiguration(docs, undefined, { dst: AddressSet.parse(dst, "--dst"), port: 443, protocol: 6 });
}

/** The fixture without the blackhole /24 (0.0.0.0/0 to the attached internet gateway for all of the range), with other rules. */
function withRules(docs: Ec2Documents, egress: Ec2IpPermission[] | undefined, aclEntries: Ec2NetworkAclEntry[] | undefined): Ec2Documents {
    return {
        ...docs,
        routeTables: docs.routeTables.map((t) => (t.RouteTableId === RTB ? { ...t, Routes: (t.Routes ?? []).filter((r) => r.DestinationCidrBlock !== "52.219.204.0/24") } : t)),
        securityGroups: docs.securityGroups.map((g) => (egress === undefined ? g : { ...g, IpPermissionsEgress: egress })),
        networkAcls: docs.networkAcls.map((a) => (aclEntries === undefined ? a : { ...a, Entries: aclEntries })),
    };
}

const tcp443 = (...cidrs: string[]): Ec2IpPermission => ({ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: cidrs.map((CidrIp) => ({ CidrIp })), Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] });
const aclRule = (RuleNumber: number, Egress: boolean, RuleAction: string, CidrBlock: string, ports?: [number, number]): Ec2NetworkAclEntry => ({
    RuleNumber,
    Egress,
    RuleAction,
    CidrBlock,
    Protocol: ports ? "6" : "-1",
    ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
});
const FINAL = [aclRule(32767, true, "deny", "0.0.0.0/0"), aclRule(32767, false, "deny", "0.0.0.0/0")];

describe("configuration check: a destination range governed in part by narrower routes and rules", () => {
    it("a blackhole /24 route inside the /22 that 0.0.0.0/0 sends to the internet gateway: routing, that route the culprit, for that /24", async () => {
        const r = evaluate(await documents(), "52.219.204.0/22");
        expect(r).to.deep.equal({
            eniId: ENI,
            subnetId: "subnet-0c1d2e3f4a5b6c7d8",
            vpcId: "vpc-0a1b2c3d4e5f60789",
            routeTableId: RTB,
            networkAclId: ACL,
            securityGroupIds: ["sg-0123456789abcdef0"],
            path: "nat-gateway",
            verdict: "routing",
            culprits: [BLACKHOLE_CULPRIT],
            notes: [SPLIT_NOTE],
            consistentFlowVerdicts: ["routing"],
        });
    });

    it("an address inside that /24, and a range outside it, are answered as before", async () => {
        const docs = await documents();
        const address = evaluate(docs, "52.219.204.42");
        expect([address.path, address.verdict, address.culprits.map((c) => [c.rule, c.reason]), address.notes]).to.deep.equal([
            "nat-gateway",
            "routing",
            [["52.219.204.0/24 -> nat-06c018cbd8a1b2c3d (blackhole)", BLACKHOLE_REASON.replace("uses for 52.219.204.0/24", "uses for 52.219.204.42")]],
            [],
        ]);
        const rest = evaluate(docs, "52.219.205.0/24");
        expect([rest.path, rest.verdict, rest.culprits, rest.notes]).to.deep.equal(["internet-gateway", "network-ok", [], []]);
    });

    it("security group rules that together cover the range allow it (no single rule covers it)", async () => {
        const r = evaluate(withRules(await documents(), [tcp443("52.219.204.0/23"), tcp443("52.219.206.0/23")], undefined), "52.219.204.0/22");
        expect([r.path, r.verdict, r.culprits, r.notes]).to.deep.equal(["internet-gateway", "network-ok", [], []]);
    });

    it("a security group rule that allows only part of the range: the rest is rejected, and the culprit says which part", async () => {
        const r = evaluate(withRules(await documents(), [tcp443("52.219.204.0/24")], undefined), "52.219.204.0/22");
        expect([r.path, r.verdict, r.notes]).to.deep.equal(["internet-gateway", "security-group-or-nacl", []]);
        expect(r.culprits).to.deep.equal([
            {
                kind: "security-group",
                id: SG,
                direction: "outbound",
                rule: "(none)",
                reason: `No egress rule of ${SG} allows tcp 443 to 52.219.204.0/22 outside 52.219.204.0/24: the packets are rejected as they leave ${ENI}. It is for 52.219.204.0/22 outside 52.219.204.0/24.`,
                fix: `aws ec2 authorize-security-group-egress --group-id ${SG} --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=52.219.204.0/22}]`,
                hint: `new aws.vpc.SecurityGroupEgressRule(..., { securityGroupId: "${SG}", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "52.219.204.0/22" })`,
                effect: "drops-request",
                hop: "workload",
            },
        ]);
    });

    it("network ACL allow rules that together cover the range let it through (before, the final * deny was named)", async () => {
        const entries = [aclRule(100, true, "allow", "52.219.204.0/23", [443, 443]), aclRule(110, true, "allow", "52.219.206.0/23", [443, 443]), aclRule(100, false, "allow", "0.0.0.0/0"), ...FINAL];
        const r = evaluate(withRules(await documents(), undefined, entries), "52.219.204.0/22");
        expect([r.path, r.verdict, r.culprits, r.notes]).to.deep.equal(["internet-gateway", "network-ok", [], []]);
    });

    it("a network ACL deny rule for part of the range: that part is dropped, the culprit names the rule and the part", async () => {
        const entries = [aclRule(100, true, "deny", "52.219.206.0/23", [443, 443]), aclRule(110, true, "allow", "0.0.0.0/0"), aclRule(100, false, "allow", "0.0.0.0/0"), ...FINAL];
        const r = evaluate(withRules(await documents(), undefined, entries), "52.219.204.0/22");
        expect([r.path, r.verdict, r.notes]).to.deep.equal(["internet-gateway", "security-group-or-nacl", []]);
        expect(r.culprits.map((c) => [c.kind, c.id, c.direction, c.rule, c.reason, c.effect])).to.deep.equal([
            [
                "network-acl",
                ACL,
                "outbound",
                "100",
                `Outbound rule 100 deny tcp 443 to 52.219.206.0/23 of ${ACL} drops tcp 443 to 52.219.206.0/23 (the requests). It is for 52.219.206.0/23 of 52.219.204.0/22.`,
                "drops-request",
            ],
        ]);
    });

    it("IPv6: a blackhole /64 inside a /40 that ::/0 sends to the egress-only internet gateway", async () => {
        const docs = (await readFixture("engine/ipv6-egress-only-igw")).documents;
        const blackhole = { DestinationIpv6CidrBlock: "2406:da60:4000:2a00::/64", NatGatewayId: "nat-06c018cbd8a1b2c3d", Origin: "CreateRoute", State: "blackhole" };
        const withBlackhole = { ...docs, routeTables: docs.routeTables.map((t) => ({ ...t, Routes: [...(t.Routes ?? []), blackhole] })) };
        const r = evaluate(withBlackhole, "2406:da60:4000::/40");
        expect([r.path, r.verdict, r.culprits.map((c) => [c.kind, c.rule]), r.culprits[0].reason.endsWith(" It is for 2406:da60:4000:2a00::/64 of 2406:da60:4000::/40."), r.notes]).to.deep.equal([
            "nat-gateway",
            "routing",
            [["route-table", "2406:da60:4000:2a00::/64 -> nat-06c018cbd8a1b2c3d (blackhole)"]],
            true,
            ["Parts of 2406:da60:4000::/40 take different paths: internet-gateway for 2406:da60:4000::/40 outside 2406:da60:4000:2a00::/64; nat-gateway for 2406:da60:4000:2a00::/64 of 2406:da60:4000::/40."],
        ]);
    });

    it("vpc-flow-diagnose --input examples/s3-timeout.log --src 10.0.1.25 --dst 52.219.204.0/22 --config-snapshot <fixture>: routing, agree, the blackhole /24 named", async () => {
        let stdout = "";
        let stderr = "";
        const argv = ["--input", S3_TIMEOUT_LOG, "--src", "10.0.1.25", "--dst", "52.219.204.0/22", "--config-snapshot", fixtureDir(FIXTURE), "--output", "json"];
        const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: () => new Date("2026-11-26T14:30:00Z"), env: {} });
        expect([code, stderr]).to.deep.equal([0, ""]);
        const out = diagnosisJson({ stdout, stderr });
        expect([out.verdict, out.warnings]).to.deep.equal(["routing", []]);
        expect(out.config).to.deep.equal({
            checked: true,
            path: "nat-gateway",
            verdict: "routing",
            agreement: "agree",
            culprits: [BLACKHOLE_CULPRIT],
            checkedAt: null,
            source: "snapshot",
            eniId: ENI,
            eniBasis: "it holds 10.0.1.25",
            agreementReason: `The configuration shows the same failure: route-table ${RTB} (outbound).`,
            notes: [SPLIT_NOTE],
        });
    });
});

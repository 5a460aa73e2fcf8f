import { expect } from "chai";
import { AddressSet } from "../../../analysis/core/ip";
import { ConfigEvaluation, evaluateConfiguration, isDefaultEndpointPolicy } from "../../../analysis/verdict/config/evaluate";
import { evaluateAcl } from "../../../analysis/verdict/config/networkAcls";
import { parseIpRange } from "../../../analysis/core/ip";
import { readFixture } from "../../helpers/configFixtures";

const S3_IP = "52.219.204.42";

async function check(fixture: string, dst = S3_IP, port = 443, protocol = 6): Promise<ConfigEvaluation> {
    const { documents } = await readFixture(`engine/${fixture}`);
    return evaluateConfiguration(documents, undefined, { dst: AddressSet.parse(dst, "--dst"), port, protocol });
}

/** The fields a reader acts on: which component, which way, which rule. */
const located = (r: ConfigEvaluation) => r.culprits.map((c) => [c.kind, c.id, c.direction, c.rule, c.effect, c.hop]);

describe("configuration check: the evaluator", () => {
    const cases: Array<[string, string, string, string, string[], unknown[][]]> = [
        // fixture, dst, path, verdict, consistent flow verdicts, culprits
        ["private-no-route", S3_IP, "none", "routing", ["routing"], [["route-table", "rtb-0aa11bb22cc33dd44", "outbound", "(no route)", "drops-request", "workload"]]],
        [
            "public-no-public-ip",
            S3_IP,
            "internet-gateway",
            "routing",
            ["routing"],
            [["public-ip", "eni-0a1b2c3d4e5f60718", "outbound", "0.0.0.0/0 -> igw-0b1c2d3e4f5a6b7c8", "drops-request", "workload"]],
        ],
        [
            "blackhole-deleted-nat",
            S3_IP,
            "nat-gateway",
            "routing",
            ["routing"],
            [["route-table", "rtb-0aa11bb22cc33dd44", "outbound", "0.0.0.0/0 -> nat-06c018cbd8a1b2c3d (blackhole)", "drops-request", "workload"]],
        ],
        [
            "nat-subnet-without-igw-route",
            S3_IP,
            "nat-gateway",
            "routing",
            ["routing"],
            [["route-table", "rtb-0123abcd4567ef890", "outbound", "(no route)", "drops-request", "nat-gateway"]],
        ],
        [
            "nat-subnet-acl-denies-replies",
            S3_IP,
            "nat-gateway",
            "nacl-return-path",
            ["nacl-return-path", "routing"],
            [["network-acl", "acl-0c0ffee0c0ffee012", "inbound", "200", "drops-reply", "nat-gateway"]],
        ],
        [
            "gateway-endpoint-other-region",
            "54.231.1.10",
            "none",
            "routing",
            ["routing"],
            [["vpc-endpoint", "vpce-0a1b2c3d4e5f60789", "outbound", "pl-78a54011 -> vpce-0a1b2c3d4e5f60789", "drops-request", "workload"]],
        ],
        [
            "sg-egress-vpc-cidr-only",
            S3_IP,
            "gateway-endpoint",
            "security-group-or-nacl",
            ["security-group-or-nacl"],
            [["security-group", "sg-0123456789abcdef0", "outbound", "(none)", "drops-request", "workload"]],
        ],
        ["sg-egress-s3-prefix-list", S3_IP, "gateway-endpoint", "network-ok", ["network-ok"], []],
        ["nacl-inbound-1024-65535", S3_IP, "gateway-endpoint", "network-ok", ["network-ok"], []],
        [
            "nacl-inbound-49152-65535",
            S3_IP,
            "gateway-endpoint",
            "nacl-return-path",
            ["nacl-return-path"],
            [["network-acl", "acl-0c0ffee0c0ffee012", "inbound", "*", "drops-reply", "workload"]],
        ],
        [
            "endpoint-custom-policy",
            S3_IP,
            "gateway-endpoint",
            "network-ok",
            ["network-ok"],
            [["vpc-endpoint", "vpce-0a1b2c3d4e5f60789", "outbound", "endpoint policy", "may-deny", "workload"]],
        ],
        ["ipv6-egress-only-igw", "2406:da60:4000:2a00::1b", "internet-gateway", "network-ok", ["network-ok"], []],
    ];
    for (const [fixture, dst, path, verdict, consistent, culprits] of cases) {
        it(`${fixture}: path ${path}, verdict ${verdict}, ${culprits.length} culprit(s)`, async () => {
            const r = await check(fixture, dst);
            expect([r.path, r.verdict, r.consistentFlowVerdicts, located(r), r.notes]).to.deep.equal([path, verdict, consistent, culprits, []]);
        });
    }

    it("private subnet without a route: names the table and proposes a NAT gateway route", async () => {
        const [c] = (await check("private-no-route")).culprits;
        expect([c.reason, c.fix]).to.deep.equal([
            "rtb-0aa11bb22cc33dd44 (subnet-0c1d2e3f4a5b6c7d8's route table) has no route that matches 52.219.204.42: no NAT gateway, internet gateway or endpoint route, so the packets have nowhere to go.",
            "aws ec2 create-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-gateway-id>",
        ]);
    });

    it("public subnet without a public IP: the ENI is the culprit, the fix associates an Elastic IP", async () => {
        const [c] = (await check("public-no-public-ip")).culprits;
        expect(c.fix).to.equal(
            "aws ec2 associate-address --network-interface-id eni-0a1b2c3d4e5f60718 --allocation-id <allocation-id from 'aws ec2 allocate-address --domain vpc'>",
        );
        expect(c.reason).to.equal(
            "subnet-0f9e8d7c6b5a49382 routes 52.219.204.42 to internet gateway igw-0b1c2d3e4f5a6b7c8, but eni-0a1b2c3d4e5f60718 has no public IPv4 address: the gateway only translates addresses that have one, so nothing comes back.",
        );
    });

    it("blackhole route to a deleted NAT gateway: replace the route with a new NAT gateway (the VPC has no other)", async () => {
        const [c] = (await check("blackhole-deleted-nat")).culprits;
        expect(c.fix).to.equal("aws ec2 replace-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <new-nat-gateway-id>");
        expect(c.reason).to.equal(
            "The route subnet-0c1d2e3f4a5b6c7d8 uses for 52.219.204.42 is 0.0.0.0/0 -> nat-06c018cbd8a1b2c3d, and it is a blackhole: NAT gateway nat-06c018cbd8a1b2c3d is deleted: it forwards nothing. " +
                "Create one in ap-northeast-2a first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <allocation-id>.",
        );
    });

    it("NAT gateway in a subnet without an internet gateway route: the fix uses the VPC's attached gateway", async () => {
        const [c] = (await check("nat-subnet-without-igw-route")).culprits;
        expect(c.fix).to.equal("aws ec2 create-route --route-table-id rtb-0123abcd4567ef890 --destination-cidr-block 0.0.0.0/0 --gateway-id igw-0b1c2d3e4f5a6b7c8");
        expect(c.reason).to.contain("(the VPC's main table: the subnet has none of its own)");
    });

    it("NACL on the NAT gateway's subnet denying replies: an allow rule numbered before the deny, for the NAT gateway's ports", async () => {
        const [c] = (await check("nat-subnet-acl-denies-replies")).culprits;
        expect([c.reason, c.fix]).to.deep.equal([
            "Inbound rule 200 deny tcp 1024-65535 from 0.0.0.0/0 of acl-0c0ffee0c0ffee012 drops the replies from 52.219.204.42:443 to 10.0.0.149 on the NAT gateway's ports 1024-65535.",
            "aws ec2 create-network-acl-entry --network-acl-id acl-0c0ffee0c0ffee012 --ingress --rule-number 199 --protocol tcp --port-range From=1024,To=65535 --cidr-block 52.219.204.42/32 --rule-action allow",
        ]);
    });

    it("gateway endpoint, bucket in another region: says which region the endpoint reaches", async () => {
        const [c] = (await check("gateway-endpoint-other-region", "54.231.1.10")).culprits;
        expect(c.reason).to.equal(
            "rtb-0aa11bb22cc33dd44 (subnet-0c1d2e3f4a5b6c7d8's route table) has no route that matches 54.231.1.10: the S3 gateway endpoint vpce-0a1b2c3d4e5f60789 reaches S3 in ap-northeast-2 only (prefix list pl-78a54011), and 54.231.1.10 is not in it, so the bucket is in another region and nothing else routes there.",
        );
    });

    it("security group egress only to the VPC CIDR: the fix allows 443 to the S3 prefix list", async () => {
        const [c] = (await check("sg-egress-vpc-cidr-only")).culprits;
        expect(c.fix).to.equal(
            "aws ec2 authorize-security-group-egress --group-id sg-0123456789abcdef0 --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId=pl-78a54011}]",
        );
    });

    it("NACL allowing only 49152-65535 inbound: reports the gap of Linux ephemeral ports and fills it", async () => {
        const [c] = (await check("nacl-inbound-49152-65535")).culprits;
        expect([c.reason, c.fix]).to.deep.equal([
            "No inbound rule of acl-0c0ffee0c0ffee012 allows the replies from 52.219.204.42:443 to eni-0a1b2c3d4e5f60718's ephemeral ports 32768-60999: ports 32768-49151 fall through to the final * deny, so some connections fail and others work.",
            "aws ec2 create-network-acl-entry --network-acl-id acl-0c0ffee0c0ffee012 --ingress --rule-number 110 --protocol tcp --port-range From=32768,To=60999 --cidr-block 52.219.204.42/32 --rule-action allow",
        ]);
    });

    it("the same ACL is fine for a client whose ephemeral ports are 49152-65535 (Windows)", async () => {
        const { documents } = await readFixture("engine/nacl-inbound-49152-65535");
        const r = evaluateConfiguration(documents, undefined, { dst: AddressSet.parse(S3_IP, "--dst"), port: 443, protocol: 6, clientPorts: [49152, 65535] });
        expect([r.verdict, r.culprits]).to.deep.equal(["network-ok", []]);
    });

    it("non-default endpoint policy: flagged, with the reset command, without changing the verdict", async () => {
        const [c] = (await check("endpoint-custom-policy")).culprits;
        expect(c.fix).to.equal("aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0a1b2c3d4e5f60789 --reset-policy");
    });

    it("IPv6 through the egress-only gateway needs an IPv6 address on the ENI", async () => {
        const { documents } = await readFixture("engine/ipv6-egress-only-igw");
        const withoutV6 = { ...documents, networkInterfaces: documents.networkInterfaces.map((n) => ({ ...n, Ipv6Addresses: [] })) };
        const r = evaluateConfiguration(withoutV6, undefined, { dst: AddressSet.parse("2406:da60:4000:2a00::1b", "--dst"), port: 443, protocol: 6 });
        expect(located(r)).to.deep.equal([["public-ip", "eni-0a1b2c3d4e5f60718", "outbound", "::/0 -> eigw-015e0e244e24dfe8a", "drops-request", "workload"]]);
        expect(r.culprits[0].fix).to.equal("aws ec2 assign-ipv6-addresses --network-interface-id eni-0a1b2c3d4e5f60718 --ipv6-address-count 1");
    });

    it("IPv4 from the IPv6 fixture's private subnet still has no route: the address families are routed apart", async () => {
        const r = await check("ipv6-egress-only-igw", S3_IP);
        expect([r.path, r.verdict]).to.deep.equal(["none", "routing"]);
    });

    it("several destination ranges: one culprit per component, rules for everything", async () => {
        const r = await check("nacl-inbound-49152-65535", "52.219.204.0/22,52.219.56.0/22");
        expect(located(r)).to.deep.equal([["network-acl", "acl-0c0ffee0c0ffee012", "inbound", "*", "drops-reply", "workload"]]);
        expect(r.culprits[0].fix).to.contain("--cidr-block 0.0.0.0/0 --rule-action allow");
    });

    it("refuses to guess the ENI when the documents hold several", async () => {
        const { documents } = await readFixture("engine/private-no-route");
        const two = { ...documents, networkInterfaces: [...documents.networkInterfaces, { NetworkInterfaceId: "eni-0ffffffffffffffff" }] };
        expect(() => evaluateConfiguration(two, undefined, { dst: AddressSet.parse(S3_IP, "--dst"), port: 443, protocol: 6 })).to.throw(
            "describe-network-interfaces holds 2 network interfaces: name the workload's with --eni",
        );
        expect(() => evaluateConfiguration(two, "eni-0123456789abcdef0", { dst: AddressSet.parse(S3_IP, "--dst"), port: 443, protocol: 6 })).to.throw(
            "network interface eni-0123456789abcdef0 is not in describe-network-interfaces (it holds: eni-0a1b2c3d4e5f60718, eni-0ffffffffffffffff)",
        );
    });
});

describe("configuration check: network ACL rules", () => {
    const peer = parseIpRange(S3_IP, "--dst");
    const acl = (entries: object[]) => ({ NetworkAclId: "acl-1", Entries: entries });
    const e = (RuleNumber: number, RuleAction: string, extra: object = {}) => ({ RuleNumber, RuleAction, Egress: false, Protocol: "6", CidrBlock: "0.0.0.0/0", ...extra });

    it("applies rules by rule number even when the entries arrive out of order", () => {
        const v = evaluateAcl(acl([e(200, "allow", { PortRange: { From: 1024, To: 65535 } }), e(100, "deny", { PortRange: { From: 1024, To: 65535 } })]), {
            egress: false,
            protocol: 6,
            peer,
            ports: [32768, 60999],
        });
        expect([v.allowed, v.rule, v.deniedPorts]).to.deep.equal([false, "100", [[32768, 60999]]]);
    });

    it("an allow for part of the ports and a deny after it: only the rest is denied, by that rule", () => {
        const v = evaluateAcl(acl([e(100, "allow", { PortRange: { From: 32768, To: 40000 } }), e(110, "deny", { Protocol: "-1" })]), {
            egress: false,
            protocol: 6,
            peer,
            ports: [32768, 60999],
        });
        expect([v.allowed, v.rule, v.deniedPorts, v.gapPorts]).to.deep.equal([false, "110", [[40001, 60999]], []]);
    });

    it("an allow that covers only part of the peer range does not count; a deny that overlaps it does", () => {
        const range = parseIpRange("52.219.204.0/22", "--dst");
        const narrowAllow = evaluateAcl(acl([e(100, "allow", { Protocol: "-1", CidrBlock: "52.219.204.0/24" })]), { egress: false, protocol: 6, peer: range, ports: [443, 443] });
        expect([narrowAllow.allowed, narrowAllow.rule]).to.deep.equal([false, "*"]);
        const narrowDeny = evaluateAcl(acl([e(90, "deny", { Protocol: "-1", CidrBlock: "52.219.205.0/24" }), e(100, "allow", { Protocol: "-1" })]), {
            egress: false,
            protocol: 6,
            peer: range,
            ports: [443, 443],
        });
        expect([narrowDeny.allowed, narrowDeny.rule]).to.deep.equal([false, "90"]);
    });

    it("IPv4 rules do not apply to IPv6 packets", () => {
        const v = evaluateAcl(acl([e(100, "allow", { Protocol: "-1" })]), { egress: false, protocol: 6, peer: parseIpRange("2406:da60::1", "--dst"), ports: [443, 443] });
        expect([v.allowed, v.rule]).to.deep.equal([false, "*"]);
    });
});

describe("configuration check: the endpoint policy AWS gives by default", () => {
    const cases: Array<[string, string | undefined, boolean]> = [
        ["no policy at all", undefined, true],
        ["the CLI example's default", '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}', true],
        ["the default with an empty Sid", '{"Version":"2008-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}', true],
        ["one bucket only", '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}', false],
        ["full access with a condition", '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}', false],
        ["not JSON", "{", false],
    ];
    for (const [what, policy, expected] of cases) it(`${what}: ${expected ? "default" : "custom"}`, () => expect(isDefaultEndpointPolicy(policy)).to.equal(expected));
});

import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync, cpSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../analysis/cli/cli";
import { FlowRecord } from "../../analysis/core/records";
import { TASK, TASK_ENI, inbound, outbound, toLine } from "../helpers/analysisRecords";
import { fixtureDir } from "../helpers/configFixtures";
import { diagnosisJson } from "../helpers/jsonContract";

const NOW = new Date("2026-11-26T14:30:00Z");
const S3 = "52.219.204.42";
const OTHER_REGION_S3 = "54.231.1.10";
const TASK_V6 = "2406:da12:a3c:d100:8f1e:22c4:5b1a:9d03";
const DST_V6 = "2406:da60:4000:2a00::1b";

const dir = mkdtempSync(join(tmpdir(), "vpc-flow-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

type Shape = "routing" | "security-group-or-nacl" | "nacl-return-path" | "network-ok";

/** Records of one failure class, as the workload's ENI logs them, in the default format. */
function records(shape: Shape, src = TASK, dst = S3): string {
    const out: FlowRecord[] = [];
    for (let i = 0; i < 6; i++) {
        const addresses = { srcAddr: src, dstAddr: dst };
        const back = { srcAddr: dst, dstAddr: src };
        if (shape === "security-group-or-nacl") out.push(outbound("REJECT", i, addresses));
        else out.push(outbound("ACCEPT", i, addresses));
        if (shape === "nacl-return-path") out.push(inbound("REJECT", i, back));
        if (shape === "network-ok") out.push(inbound("ACCEPT", i, back));
    }
    const path = join(dir, `${shape}-${dst.replace(/:/g, "_")}.log`);
    writeFileSync(path, out.map((r) => toLine(r)).join("\n") + "\n");
    return path;
}

async function run(...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: () => NOW, env: {} });
    return { code, stdout, stderr };
}

async function configOf(fixture: string, shape: Shape, dst = S3, src = TASK) {
    const r = await run("--input", records(shape, src, dst), "--src", src, "--dst", dst, "--config-snapshot", fixture.startsWith("/") ? fixture : fixtureDir(fixture), "--output", "json");
    expect([r.code, r.stderr]).to.deep.equal([0, ""]);
    const out = diagnosisJson(r);
    return { verdict: out.verdict as string, config: out.config };
}

describe("vpc-flow-diagnose --config-snapshot: the configuration beside the records", () => {
    const cases: Array<[string, Shape, string, string, string, string, unknown[]]> = [
        // fixture, records, dst, path, config verdict, agreement, first culprit [kind, id, direction]
        ["engine/private-no-route", "routing", S3, "none", "routing", "agree", ["route-table", "rtb-0aa11bb22cc33dd44", "outbound"]],
        ["engine/public-no-public-ip", "routing", S3, "internet-gateway", "routing", "agree", ["public-ip", TASK_ENI, "outbound"]],
        ["engine/blackhole-deleted-nat", "routing", S3, "nat-gateway", "routing", "agree", ["route-table", "rtb-0aa11bb22cc33dd44", "outbound"]],
        ["engine/nat-subnet-without-igw-route", "routing", S3, "nat-gateway", "routing", "agree", ["route-table", "rtb-0123abcd4567ef890", "outbound"]],
        ["engine/nat-subnet-acl-denies-replies", "routing", S3, "nat-gateway", "nacl-return-path", "agree", ["network-acl", "acl-0c0ffee0c0ffee012", "inbound"]],
        ["engine/gateway-endpoint-other-region", "routing", OTHER_REGION_S3, "none", "routing", "agree", ["vpc-endpoint", "vpce-0a1b2c3d4e5f60789", "outbound"]],
        ["engine/sg-egress-vpc-cidr-only", "security-group-or-nacl", S3, "gateway-endpoint", "security-group-or-nacl", "agree", ["security-group", "sg-0123456789abcdef0", "outbound"]],
        ["engine/sg-egress-s3-prefix-list", "network-ok", S3, "gateway-endpoint", "network-ok", "agree", []],
        ["engine/nacl-inbound-1024-65535", "network-ok", S3, "gateway-endpoint", "network-ok", "agree", []],
        ["engine/nacl-inbound-49152-65535", "nacl-return-path", S3, "gateway-endpoint", "nacl-return-path", "agree", ["network-acl", "acl-0c0ffee0c0ffee012", "inbound"]],
        ["engine/endpoint-custom-policy", "network-ok", S3, "gateway-endpoint", "network-ok", "agree", ["vpc-endpoint", "vpce-0a1b2c3d4e5f60789", "outbound"]],
    ];
    for (const [fixture, shape, dst, path, verdict, agreement, culprit] of cases) {
        it(`${fixture} with ${shape} records: ${agreement}`, async () => {
            const { verdict: flow, config } = await configOf(fixture, shape, dst);
            const first = config.culprits[0];
            expect([flow, config.checked, config.path, config.verdict, config.agreement, first ? [first.kind, first.id, first.direction] : [], config.source, config.checkedAt]).to.deep.equal([
                shape,
                true,
                path,
                verdict,
                agreement,
                culprit,
                "snapshot",
                null,
            ]);
            if (first) expect(first.fix).to.match(/^aws ec2 [a-z-]+ /);
        });
    }

    it("engine/ipv6-egress-only-igw with IPv6 records that were answered: agree", async () => {
        const { verdict, config } = await configOf("engine/ipv6-egress-only-igw", "network-ok", DST_V6, TASK_V6);
        expect([verdict, config.path, config.verdict, config.agreement, config.culprits]).to.deep.equal(["network-ok", "internet-gateway", "network-ok", "agree", []]);
    });

    it("says so when the records show rejects and every rule allows: disagree", async () => {
        const { verdict, config } = await configOf("engine/sg-egress-s3-prefix-list", "security-group-or-nacl");
        expect([verdict, config.verdict, config.agreement, config.agreementReason]).to.deep.equal([
            "security-group-or-nacl",
            "network-ok",
            "disagree",
            "The records show rejected packets, but every security group and network ACL rule on this path allows them now: a rule changed since the records, the records come from another ENI, or the rejection happened on the destination's side.",
        ]);
    });

    it("says so when the records show replies and the configuration blocks: disagree", async () => {
        const { config } = await configOf("engine/private-no-route", "network-ok");
        expect([config.agreement, config.agreementReason]).to.deep.equal([
            "disagree",
            "The records show replies, but the configuration blocks the conversation (route-table rtb-0aa11bb22cc33dd44): it changed after the records were written, or the records come from another ENI or path.",
        ]);
    });

    it("puts the JSON config's fields in the documented order", async () => {
        const { config } = await configOf("engine/private-no-route", "routing");
        expect(Object.keys(config)).to.deep.equal(["checked", "path", "verdict", "agreement", "culprits", "checkedAt", "source", "eniId", "eniBasis", "agreementReason", "notes"]);
        expect(Object.keys(config.culprits[0])).to.deep.equal(["kind", "id", "direction", "rule", "reason", "fix", "hint", "effect", "hop"]);
    });

    it("text output: a Configuration section under the evidence, the verdict line still the flow logs'", async () => {
        const r = await run("--input", records("nacl-return-path"), "--src", TASK, "--dst", S3, "--config-snapshot", fixtureDir("engine/nacl-inbound-49152-65535"));
        expect(r.code).to.equal(0);
        expect(r.stdout.split("\n")[0]).to.equal("Verdict: nacl-return-path (confidence: high)");
        const section = r.stdout.slice(r.stdout.indexOf("Configuration ("), r.stdout.indexOf("Next steps:"));
        expect(section).to.equal(
            [
                "Configuration (snapshot, eni-0a1b2c3d4e5f60718): path gateway-endpoint, configuration verdict nacl-return-path",
                "  Evaluated eni-0a1b2c3d4e5f60718: it holds 10.0.1.25.",
                "  Agreement with the flow logs: agree. The configuration shows the same failure: network-acl acl-0c0ffee0c0ffee012 (inbound).",
                "  1. network-acl acl-0c0ffee0c0ffee012 (inbound, rule *): No inbound rule of acl-0c0ffee0c0ffee012 allows the replies from 52.219.204.42:443 to eni-0a1b2c3d4e5f60718's ephemeral ports 32768-60999: ports 32768-49151 fall through to the final * deny, so some connections fail and others work.",
                "     $ aws ec2 create-network-acl-entry --network-acl-id acl-0c0ffee0c0ffee012 --ingress --rule-number 110 --protocol tcp --port-range From=32768,To=60999 --cidr-block 52.219.204.42/32 --rule-action allow",
                '     Pulumi: new aws.ec2.NetworkAclRule(..., { networkAclId: "acl-0c0ffee0c0ffee012", ruleNumber: 110, egress: false, protocol: "tcp", ruleAction: "allow", cidrBlock: "52.219.204.42/32", fromPort: 32768, toPort: 60999 })',
                "",
                "",
            ].join("\n"),
        );
    });

    it("markdown output: the same section for a ticket", async () => {
        const r = await run("--input", records("routing"), "--src", TASK, "--dst", S3, "--config-snapshot", fixtureDir("engine/private-no-route"), "--output", "markdown");
        expect(r.stdout).to.contain(
            [
                "**Configuration** (snapshot, eni-0a1b2c3d4e5f60718): path `none`, configuration verdict `routing`.",
                "",
                "Evaluated eni-0a1b2c3d4e5f60718: it holds 10.0.1.25.",
                "",
                "Agreement with the flow logs: agree. The configuration shows the same failure: route-table rtb-0aa11bb22cc33dd44 (outbound).",
                "",
                "1. **route-table rtb-0aa11bb22cc33dd44 (outbound, no route)**: rtb-0aa11bb22cc33dd44 (subnet-0c1d2e3f4a5b6c7d8's route table) has no route that matches 52.219.204.42: no NAT gateway, internet gateway or S3 gateway endpoint route, so the packets to S3 have nowhere to go.",
                "   `aws ec2 create-vpc-endpoint --vpc-id vpc-0a1b2c3d4e5f60789 --vpc-endpoint-type Gateway --service-name com.amazonaws.ap-northeast-2.s3 --route-table-ids rtb-0aa11bb22cc33dd44`",
            ].join("\n"),
        );
    });

    it("fixes a missing route to S3 with the free gateway endpoint even when no document names S3's prefix list, and to the internet with a NAT gateway", async () => {
        // The snapshot names no S3 prefix list (no route or rule uses it): S3 is known from the address.
        const toS3 = (await configOf("engine/private-no-route", "routing")).config.culprits[0];
        expect(toS3.fix).to.equal(
            "aws ec2 create-vpc-endpoint --vpc-id vpc-0a1b2c3d4e5f60789 --vpc-endpoint-type Gateway --service-name com.amazonaws.ap-northeast-2.s3 --route-table-ids rtb-0aa11bb22cc33dd44",
        );
        const toInternet = (await configOf("engine/private-no-route", "routing", "203.0.113.10")).config.culprits[0];
        expect(toInternet.fix).to.equal("aws ec2 create-route --route-table-id rtb-0aa11bb22cc33dd44 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-gateway-id>");
    });

    it("a snapshot without some describe files: checks the rest and says what it did not see", async () => {
        const partial = join(dir, "partial");
        cpSync(fixtureDir("engine/private-no-route"), partial, { recursive: true });
        unlinkSync(join(partial, "describe-security-groups.json"));
        const { config } = await configOf(partial, "routing");
        expect([config.verdict, config.notes]).to.deep.equal([
            "routing",
            [
                "The snapshot has no describe-security-groups.json: that part of the path was not checked.",
                "Security groups sg-0123456789abcdef0 are not in describe-security-groups: their rules were not checked.",
            ],
        ]);
    });

    it("an ENI the snapshot does not hold: not-checked, with a warning on stderr and exit 0", async () => {
        const r = await run("--input", records("routing"), "--src", TASK, "--dst", S3, "--config-snapshot", fixtureDir("engine/private-no-route"), "--eni", "eni-0ffffffffffffffff", "--output", "json");
        const reason = `In --config-snapshot ${fixtureDir("engine/private-no-route")}: network interface eni-0ffffffffffffffff is not in describe-network-interfaces (it holds: eni-0a1b2c3d4e5f60718).`;
        expect([r.code, r.stderr]).to.deep.equal([0, `warning: configuration not checked: ${reason}\n`]);
        const config = diagnosisJson(r).config;
        expect([config.checked, config.agreement, config.agreementReason, config.path, config.verdict]).to.deep.equal([false, "not-checked", reason, null, null]);
    });

    const bad: Array<[string, string[], string]> = [
        [
            "a folder that does not exist",
            ["--config-snapshot", "/nonexistent/snap"],
            "Invalid --config-snapshot '/nonexistent/snap': not a folder. Give the folder 'vpc-flow-diagnose snapshot --eni <id> --out <dir>' wrote.",
        ],
        ["a bad --eni", ["--config-snapshot", "x", "--eni", "eni-xyz"], "Invalid --eni 'eni-xyz'. Allowed: a network interface id, eni- and 8 or 17 hex digits, e.g. eni-0a1b2c3d4e5f60718."],
        ["--eni alone", ["--eni", "eni-0a1b2c3d4e5f60718"], "--eni names the network interface for the configuration check: add --config-snapshot <dir> or --check-config."],
        ["both ways in", ["--config-snapshot", "x", "--check-config"], "Give --config-snapshot <dir> (a saved configuration) or --check-config (read it from EC2 now), not both."],
    ];
    for (const [what, argv, message] of bad) {
        it(`refuses ${what} with exit 2 and one line`, async () => {
            const r = await run("--input", records("routing"), "--src", TASK, "--dst", S3, ...argv);
            expect([r.code, r.stdout, r.stderr]).to.deep.equal([2, "", message + "\n"]);
        });
    }

    it("a file that is not the CLI's JSON: exit 2 naming the file and the command", async () => {
        const broken = join(dir, "broken");
        cpSync(fixtureDir("engine/private-no-route"), broken, { recursive: true });
        writeFileSync(join(broken, "describe-route-tables.json"), '{"Routes": []}');
        const r = await run("--input", records("routing"), "--src", TASK, "--dst", S3, "--config-snapshot", broken);
        expect([r.code, r.stderr]).to.deep.equal([
            2,
            `Invalid --config-snapshot file '${join(broken, "describe-route-tables.json")}': expected an object with a "RouteTables" list, as 'aws ec2 describe-route-tables --output json' prints it.\n`,
        ]);
    });
});

/**
 * The configuration check evaluates the workload's interface, or says why it cannot: a snapshot of
 * another VPC must not give a culprit and a fix for someone else's path (issue 18).
 */
import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AddressSet } from "../../../analysis/core/ip";
import { Ec2Documents, Ec2NetworkInterface } from "../../../analysis/verdict/config/ec2Documents";
import { chooseInterface, interfaceAddresses } from "../../../analysis/verdict/config/scope";
import { run } from "../../helpers/cliInProcess";
import { fixtureDir, readFixture } from "../../helpers/configFixtures";
import { diagnosisJson } from "../../helpers/jsonContract";
import { ec2Documents } from "../../helpers/ec2Documents";

const OTHER_VPC = fixtureDir("scope/other-vpc");
const SISTER = fixtureDir("scope/sister-same-subnet");
const WORKLOAD_SUBNET = "subnet-0c1d2e3f4a5b6c7d8";

const eni = (id: string, ip: string, subnet = WORKLOAD_SUBNET, vpc = "vpc-0a1b2c3d4e5f60789", extra: Partial<Ec2NetworkInterface> = {}): Ec2NetworkInterface => ({
    NetworkInterfaceId: id,
    PrivateIpAddress: ip,
    PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
    SubnetId: subnet,
    VpcId: vpc,
    ...extra,
});

const docsOf = (...enis: Ec2NetworkInterface[]): Ec2Documents => ec2Documents({ networkInterfaces: enis });

const src = (text: string) => AddressSet.parse(text, "--src");

describe("configuration check scope: which interface is evaluated, and why", () => {
    const A = "eni-0a1b2c3d4e5f60718";
    const B = "eni-0b2c3d4e5f6071829";
    const C = "eni-0c3d4e5f607182930";
    const cases: Array<[string, Ec2Documents, Parameters<typeof chooseInterface>[1], unknown]> = [
        ["the interface that holds --src", docsOf(eni(A, "10.0.1.25")), { src: src("10.0.1.25"), recordsEnis: [], recordsSubnets: [] }, { checked: true, eniId: A, basis: "it holds 10.0.1.25" }],
        [
            "a secondary address counts",
            docsOf(eni(A, "10.0.1.25", WORKLOAD_SUBNET, "vpc-1", { PrivateIpAddresses: [{ PrivateIpAddress: "10.0.1.25" }, { PrivateIpAddress: "10.0.1.26" }] })),
            { src: src("10.0.1.26"), recordsEnis: [], recordsSubnets: [] },
            { checked: true, eniId: A, basis: "it holds 10.0.1.26" },
        ],
        [
            "an IPv6 address counts",
            docsOf(eni(A, "10.0.1.25", WORKLOAD_SUBNET, "vpc-1", { Ipv6Addresses: [{ Ipv6Address: "2406:da12:a3c:d100::9" }] })),
            { src: src("2406:da12:a3c:d100::/64"), recordsEnis: [], recordsSubnets: [] },
            { checked: true, eniId: A, basis: "it holds 2406:da12:a3c:d100::9" },
        ],
        ["a --src CIDR that contains it", docsOf(eni(A, "10.0.1.25"), eni(B, "10.0.2.9")), { src: src("10.0.1.0/24"), recordsEnis: [], recordsSubnets: [] }, { checked: true, eniId: A, basis: "it holds 10.0.1.25" }],
        [
            "the records' interface, though it does not hold --src",
            docsOf(eni(A, "10.0.0.25"), eni(B, "10.0.2.9")),
            { src: src("10.0.1.25"), recordsEnis: [A], recordsSubnets: [] },
            { checked: true, eniId: A, basis: "the records show it for 10.0.1.25 (their interface-id)" },
        ],
        [
            "the records' interface among several that hold a --src CIDR",
            docsOf(eni(A, "10.0.1.25"), eni(B, "10.0.1.26")),
            { src: src("10.0.1.0/24"), recordsEnis: [B], recordsSubnets: [] },
            { checked: true, eniId: B, basis: "it holds 10.0.1.26" },
        ],
        [
            "several that hold --src and no records to tell",
            docsOf(eni(A, "10.0.1.25"), eni(B, "10.0.1.26")),
            { src: src("10.0.1.0/24"), recordsEnis: [], recordsSubnets: [] },
            { checked: false, reason: `several of its interfaces hold addresses of 10.0.1.0/24 (${A}, ${B}): name one with --eni` },
        ],
        [
            "named with --eni though it does not hold --src",
            docsOf(eni(B, "10.9.1.40", "subnet-9", "vpc-9")),
            { src: src("10.0.1.25"), named: B, recordsEnis: [A], recordsSubnets: [] },
            { checked: true, eniId: B, basis: "named with --eni (it does not hold 10.0.1.25)" },
        ],
        [
            "named with --eni and not in the snapshot",
            docsOf(eni(A, "10.0.1.25")),
            { src: src("10.0.1.25"), named: B, recordsEnis: [], recordsSubnets: [] },
            { checked: false, reason: `network interface ${B} is not in describe-network-interfaces (it holds: ${A})` },
        ],
        [
            "a sister in the workload's subnet (from the records' subnet-id)",
            docsOf(eni(B, "10.0.1.77"), eni(C, "10.0.2.9", "subnet-0ffffffffffffffff")),
            { src: src("10.0.1.25"), recordsEnis: [A], recordsSubnets: [WORKLOAD_SUBNET] },
            {
                checked: true,
                eniId: B,
                basis: `in ${WORKLOAD_SUBNET} like the workload, which the snapshot does not hold: its route table and network ACL are the workload's, its security groups may not be`,
            },
        ],
        [
            "several sisters: the one the snapshot was taken for",
            docsOf(eni(B, "10.0.1.77"), eni(C, "10.0.1.78")),
            { src: src("10.0.1.25"), recordsEnis: [], recordsSubnets: [WORKLOAD_SUBNET], snapshotEni: C },
            {
                checked: true,
                eniId: C,
                basis: `in ${WORKLOAD_SUBNET} like the workload, which the snapshot does not hold: its route table and network ACL are the workload's, its security groups may not be`,
            },
        ],
        [
            "several sisters and nothing to choose",
            docsOf(eni(B, "10.0.1.77"), eni(C, "10.0.1.78")),
            { src: src("10.0.1.25"), recordsEnis: [], recordsSubnets: [WORKLOAD_SUBNET] },
            { checked: false, reason: `it does not hold 10.0.1.25, and several of its interfaces are in the workload's ${WORKLOAD_SUBNET} (${B}, ${C}): name one with --eni` },
        ],
        [
            "another VPC's interface only, and the snapshot was taken for it",
            docsOf(eni(B, "10.9.1.40", "subnet-0e4d3c2b1a0f9e8d7", "vpc-0b7c6d5e4f3a2b1c0")),
            { src: src("10.0.1.25"), recordsEnis: [A], recordsSubnets: [], snapshotEni: B },
            {
                checked: false,
                reason:
                    `none of its network interfaces holds 10.0.1.25 or is the records' ${A}: it holds ${B} (10.9.1.40; vpc-0b7c6d5e4f3a2b1c0, subnet-0e4d3c2b1a0f9e8d7). ` +
                    "Check a snapshot of the workload's interface ('vpc-flow-diagnose snapshot --eni <eni-id> --out <dir>'), or name a stand-in with --eni",
            },
        ],
    ];
    for (const [what, docs, question, expected] of cases) {
        it(what, () => expect(chooseInterface(docs, question)).to.deep.equal(expected));
    }

    it("never evaluates an interface that is not the workload's, named, or in the workload's subnet (property, fixed seed)", () => {
        const ids = ["eni-0a1b2c3d4e5f60718", "eni-0b2c3d4e5f6071829", "eni-0c3d4e5f607182930", "eni-0d4e5f60718293041"];
        const subnets = ["subnet-0a", "subnet-0b", "subnet-0c"];
        const address = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 6 })).map(([c, d]) => `10.0.${c}.${d}`);
        const anEni = fc.record({ id: fc.constantFrom(...ids), ip: address, extra: fc.option(address, { nil: undefined }), subnet: fc.constantFrom(...subnets) });
        fc.assert(
            fc.property(
                fc.uniqueArray(anEni, { selector: (e) => e.id, maxLength: 4 }),
                fc.oneof(address, fc.constantFrom("10.0.1.0/24", "10.0.0.0/16")),
                fc.subarray(ids, { maxLength: 2 }),
                fc.subarray(subnets, { maxLength: 2 }),
                fc.option(fc.constantFrom(...ids), { nil: undefined }),
                fc.option(fc.constantFrom(...ids), { nil: undefined }),
                (enis, srcText, recordsEnis, recordsSubnets, named, snapshotEni) => {
                    const docs = docsOf(
                        ...enis.map((e) =>
                            eni(e.id, e.ip, e.subnet, "vpc-1", { PrivateIpAddresses: [{ PrivateIpAddress: e.ip }, ...(e.extra ? [{ PrivateIpAddress: e.extra }] : [])] }),
                        ),
                    );
                    const set = src(srcText);
                    const scope = chooseInterface(docs, { src: set, named, recordsEnis, recordsSubnets, snapshotEni });
                    if (!scope.checked) return;
                    const chosen = docs.networkInterfaces.find((n) => n.NetworkInterfaceId === scope.eniId) as Ec2NetworkInterface;
                    const holds = interfaceAddresses(chosen).some((a) => set.contains(a));
                    const allowed =
                        scope.eniId === named ||
                        (named === undefined &&
                            (holds || recordsEnis.includes(scope.eniId) || (recordsSubnets.length === 1 && chosen.SubnetId === recordsSubnets[0])));
                    expect(allowed, JSON.stringify({ enis, srcText, recordsEnis, recordsSubnets, named, scope })).to.equal(true);
                    // A stand-in is only chosen when no interface holds --src or is the records'.
                    const workloads = docs.networkInterfaces.filter((n) => interfaceAddresses(n).some((a) => set.contains(a)) || recordsEnis.includes(n.NetworkInterfaceId ?? ""));
                    if (named === undefined && workloads.length > 0) expect(workloads.map((n) => n.NetworkInterfaceId)).to.include(scope.eniId);
                },
            ),
            { seed: 18, numRuns: 300 },
        );
    });
});

describe("vpc-flow-diagnose --config-snapshot of another VPC's interface", () => {
    const dir = mkdtempSync(join(tmpdir(), "vpc-flow-scope-"));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("says it cannot check instead of naming the other VPC's route table: not-checked, a warning on stderr and in JSON warnings", async () => {
        const r = await run("--input", "examples/s3-timeout.log", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--config-snapshot", OTHER_VPC, "--output", "json");
        const reason =
            `In --config-snapshot ${OTHER_VPC}: none of its network interfaces holds 10.0.1.25 or is the records' eni-0a1b2c3d4e5f60718: ` +
            "it holds eni-0f1e2d3c4b5a69788 (10.9.1.40; vpc-0b7c6d5e4f3a2b1c0, subnet-0e4d3c2b1a0f9e8d7). " +
            "Check a snapshot of the workload's interface ('vpc-flow-diagnose snapshot --eni <eni-id> --out <dir>'), or name a stand-in with --eni.";
        expect([r.code, r.stderr]).to.deep.equal([0, `warning: configuration not checked: ${reason}\n`]);
        const out = diagnosisJson(r);
        expect([out.verdict, out.config.checked, out.config.agreement, out.config.culprits, out.config.eniId, out.config.eniBasis, out.config.agreementReason]).to.deep.equal([
            "routing",
            false,
            "not-checked",
            [],
            null,
            null,
            reason,
        ]);
        expect(out.warnings).to.deep.equal([`configuration not checked: ${reason}`]);
    });

    it("evaluates it when named with --eni, and says so", async () => {
        const r = await run(
            "--input", "examples/s3-timeout.log", "--src", "10.0.1.25", "--dst", "52.219.204.42",
            "--config-snapshot", OTHER_VPC, "--eni", "eni-0f1e2d3c4b5a69788",
        );
        expect([r.code, r.stderr]).to.deep.equal([0, ""]);
        const lines = r.stdout.split("\n");
        const at = lines.indexOf("Configuration (snapshot, eni-0f1e2d3c4b5a69788): path none, configuration verdict routing");
        expect(lines.slice(at, at + 2)).to.deep.equal([
            "Configuration (snapshot, eni-0f1e2d3c4b5a69788): path none, configuration verdict routing",
            "  Evaluated eni-0f1e2d3c4b5a69788: named with --eni (it does not hold 10.0.1.25).",
        ]);
    });

    it("uses an interface of the workload's subnet (from the records' subnet-id) and says it stands in", async () => {
        const format = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${subnet-id}";
        const records = join(dir, "with-subnet.log");
        writeFileSync(
            records,
            [
                `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.25 52.219.204.42 43310 443 6 3 180 1795701727 1795701785 ACCEPT OK ${WORKLOAD_SUBNET}`,
                `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.25 52.219.204.42 43311 443 6 3 180 1795701787 1795701845 ACCEPT OK ${WORKLOAD_SUBNET}`,
            ].join("\n") + "\n",
        );
        const r = await run("--input", records, "--format", format, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--config-snapshot", SISTER, "--output", "markdown");
        expect([r.code, r.stderr]).to.deep.equal([0, ""]);
        expect(r.stdout).to.contain(
            [
                "**Configuration** (snapshot, eni-0d3e4f5a6b7c8d9e0): path `none`, configuration verdict `routing`.",
                "",
                `Evaluated eni-0d3e4f5a6b7c8d9e0: in ${WORKLOAD_SUBNET} like the workload, which the snapshot does not hold: its route table and network ACL are the workload's, its security groups may not be.`,
                "",
                "Agreement with the flow logs: agree. The configuration shows the same failure: route-table rtb-0aa11bb22cc33dd44 (outbound).",
            ].join("\n"),
        );
    });

    it("the same sister without the records' subnet-id: not-checked (nothing says it is the workload's subnet)", async () => {
        const r = await run("--input", "examples/s3-timeout.log", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--config-snapshot", SISTER, "--output", "json");
        const out = diagnosisJson(r);
        expect([r.code, out.config.checked, out.config.agreement, out.warnings.length]).to.deep.equal([0, false, "not-checked", 1]);
        expect(out.config.agreementReason).to.contain("it holds eni-0d3e4f5a6b7c8d9e0 (10.0.1.77; vpc-0a1b2c3d4e5f60789, subnet-0c1d2e3f4a5b6c7d8)");
    });

    it("the workload's own snapshot: the fixtures' interface holds --src", async () => {
        const { documents } = await readFixture("engine/private-no-route");
        expect(chooseInterface(documents, { src: src("10.0.1.25"), recordsEnis: [], recordsSubnets: [] })).to.deep.equal({
            checked: true,
            eniId: "eni-0a1b2c3d4e5f60718",
            basis: "it holds 10.0.1.25",
        });
    });
});

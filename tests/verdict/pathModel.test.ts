import { expect } from "chai";
import fc from "fast-check";
import { Culprit, CONFIG_PATHS } from "../../analysis/verdict/config/evaluate";
import { pathModel, recordsPath } from "../../analysis/verdict/pathModel";
import { NAT_ENI } from "../helpers/analysisRecords";
import { CONFIG_CASES, RECORD_SHAPES, Reported, reported } from "../helpers/pathCases";

const states = (d: Reported, trafficPaths?: Record<string, number>) => {
    const p = pathModel(d, trafficPaths);
    return [p.source, p.culprit, p.hops.map((h) => `${h.key}:${h.state}`)];
};

describe("path model: the hops of the conversation and where the packets stop", () => {
    const CONFIG = ["interface", "security-groups", "network-acl-out", "route-table"];
    const expected: Record<string, [string | null, string[]]> = {
        "engine/private-no-route": ["route-table", ["allows", "allows", "allows", "blocks", "destination:not-checked", "network-acl-in:allows"]],
        "engine/public-no-public-ip": ["interface", ["blocks", "allows", "allows", "allows", "target:allows", "destination:not-checked", "network-acl-in:allows"]],
        "engine/blackhole-deleted-nat": ["route-table", ["allows", "allows", "allows", "blocks", "nat-gateway:allows", "internet-gateway:allows", "destination:not-checked", "network-acl-in:allows"]],
        "engine/nat-subnet-without-igw-route": ["nat-gateway", ["allows", "allows", "allows", "allows", "nat-gateway:blocks", "internet-gateway:allows", "destination:not-checked", "network-acl-in:allows"]],
        "engine/nat-subnet-acl-denies-replies": ["nat-gateway", ["allows", "allows", "allows", "allows", "nat-gateway:blocks", "internet-gateway:allows", "destination:not-checked", "network-acl-in:allows"]],
        "engine/gateway-endpoint-other-region": ["route-table", ["allows", "allows", "allows", "blocks", "destination:not-checked", "network-acl-in:allows"]],
        "engine/sg-egress-vpc-cidr-only": ["security-groups", ["allows", "blocks", "allows", "allows", "target:allows", "destination:not-checked", "network-acl-in:allows"]],
        "engine/sg-egress-s3-prefix-list": [null, ["allows", "allows", "allows", "allows", "target:allows", "destination:not-checked", "network-acl-in:allows"]],
        "engine/nacl-inbound-49152-65535": ["network-acl-in", ["allows", "allows", "allows", "allows", "target:allows", "destination:not-checked", "network-acl-in:blocks"]],
        "engine/endpoint-custom-policy": [null, ["allows", "allows", "allows", "allows", "target:may-deny", "destination:not-checked", "network-acl-in:allows"]],
        "engine/nat-failed-blackhole": ["route-table", ["allows", "allows", "allows", "blocks", "nat-gateway:allows", "internet-gateway:allows", "destination:not-checked", "network-acl-in:allows"]],
        "engine/igw-deleted-blackhole": ["route-table", ["allows", "allows", "allows", "blocks", "target:allows", "destination:not-checked", "network-acl-in:allows"]],
        "engine/peering-default-route": ["route-table", ["allows", "allows", "allows", "blocks", "target:not-checked", "destination:not-checked", "network-acl-in:allows"]],
    };
    for (const [fixture, shape, dst] of CONFIG_CASES) {
        it(`${fixture} (${shape} records): the hops the configuration check saw`, async () => {
            const d = await reported(shape, fixture, dst);
            const [culprit, hops] = expected[fixture];
            const full = hops.map((h, n) => (n < CONFIG.length ? `${CONFIG[n]}:${h}` : h));
            expect(states(d)).to.deep.equal(["configuration", culprit, full]);
            // Every culprit sits on exactly one hop, the fix beside it.
            const placed = pathModel(d).hops.flatMap((h) => h.culprits);
            expect(placed.map((c) => c.id).sort()).to.deep.equal(d.config!.culprits.map((c) => c.id).sort());
        });
    }

    it("names the culprit's rule and fix on the blocking hop", async () => {
        const p = pathModel(await reported("security-group-or-nacl", "engine/sg-egress-vpc-cidr-only"));
        const hop = p.hops.find((h) => h.key === p.culprit)!;
        expect([hop.label, hop.culprits.map((c) => [c.id, c.rule, c.fix.split(" ").slice(0, 3).join(" ")]), p.summary]).to.deep.equal([
            "security groups (outbound)",
            [["sg-0123456789abcdef0", "(none)", "aws ec2 authorize-security-group-egress"]],
            "The packets stop at the security groups (outbound) (sg-0123456789abcdef0).",
        ]);
    });

    it("marks every hop without a culprit not checked when the check could not follow the path", async () => {
        const d = await reported("routing", "engine/peering-default-route");
        const p = pathModel({ ...d, config: { ...d.config!, verdict: "inconclusive", culprits: [] } });
        expect([p.culprit, p.hops.map((h) => h.state), p.summary]).to.deep.equal([
            null,
            ["not-checked", "not-checked", "not-checked", "not-checked", "not-checked", "not-checked", "not-checked"],
            "The configuration check could not follow the whole path: the hops it could not see are marked not checked.",
        ]);
    });

    const RECORDS: Record<string, [string | null, string[]]> = {
        routing: [null, ["workload:allows", "route-table:not-checked", "gateway:not-checked", "destination:not-checked", "network-acl-in:not-checked"]],
        "security-group-or-nacl": ["workload", ["workload:blocks", "route-table:not-checked", "gateway:not-checked", "destination:not-checked", "network-acl-in:not-checked"]],
        "nacl-return-path": ["network-acl-in", ["workload:allows", "route-table:not-checked", "gateway:not-checked", "destination:not-checked", "network-acl-in:blocks"]],
        "network-ok": [null, ["workload:allows", "route-table:not-checked", "gateway:not-checked", "destination:allows", "network-acl-in:allows"]],
        mixed: [null, ["workload:allows", "route-table:not-checked", "gateway:not-checked", "destination:allows", "network-acl-in:allows"]],
        "no-traffic": [null, ["workload:not-checked", "route-table:not-checked", "gateway:not-checked", "destination:not-checked", "network-acl-in:not-checked"]],
    };
    for (const shape of RECORD_SHAPES) {
        it(`${shape} records without a configuration check: what the records show, the rest not checked`, async () => {
            const d = await reported(shape);
            expect(d.verdict).to.equal(shape);
            expect(states(d)).to.deep.equal(["records", ...RECORDS[shape]]);
        });
    }

    it("takes the gateway from traffic-path and the NAT gateway's leg from its interface, never the route", async () => {
        const d = await reported("routing");
        const nat = { ...d.interfaces[0], interfaceId: NAT_ENI, side: "intermediate" as const, hop: "nat-gateway" as const, subnetIds: ["subnet-0nat"] };
        const p = recordsPath({ ...d, interfaces: [...d.interfaces, nat] }, { "1": 6 });
        expect(p.hops.map((h) => [h.key, h.label, h.detail, h.state])).to.deep.equal([
            ["workload", "workload's interface (security groups and network ACL)", "eni-0a1b2c3d4e5f60718", "allows"],
            ["route-table", "route table", "", "not-checked"],
            ["gateway", "gateway", "traffic-path 1: another resource in the VPC (this includes a NAT gateway)", "not-checked"],
            ["hop-1", "NAT gateway's interface", `${NAT_ENI}, subnet-0nat`, "not-checked"],
            ["destination", "destination", "52.219.204.42:443/tcp", "not-checked"],
            ["network-acl-in", "network ACL (inbound, the replies)", "eni-0a1b2c3d4e5f60718", "not-checked"],
        ]);
        expect(p.hops[2].basis).to.equal("outbound packets left through it (6 records); whether it passed them on is not in the records");
        expect(recordsPath(d).hops[2].basis).to.equal("the traffic-path values are not at hand here (the evidence notes list them when the records carry them)");
        expect(recordsPath(d, {}).hops[2].basis).to.equal("the records carry no traffic-path value");
    });

    it("places any set of culprits each on exactly one hop; the first blocking hop is the culprit (property)", async () => {
        const base = await reported("routing", "engine/private-no-route");
        const culprit = fc.record({
            kind: fc.constantFrom("route-table", "security-group", "network-acl", "vpc-endpoint", "nat-gateway", "internet-gateway", "public-ip", "vpc-peering-connection"),
            id: fc.uuid(),
            direction: fc.constantFrom("outbound", "inbound"),
            rule: fc.constant("100"),
            reason: fc.constant("r."),
            fix: fc.constant("aws ec2 x"),
            effect: fc.constantFrom("drops-request", "drops-reply", "may-deny"),
            hop: fc.constantFrom("workload", "nat-gateway"),
        }) as fc.Arbitrary<Culprit>;
        fc.assert(
            fc.property(fc.array(culprit, { maxLength: 5 }), fc.constantFrom(...CONFIG_PATHS), (culprits, path) => {
                const p = pathModel({ ...base, config: { ...base.config!, path, verdict: "routing", culprits } });
                expect(p.hops.flatMap((h) => h.culprits.map((c) => c.id)).sort()).to.deep.equal(culprits.map((c) => c.id).sort());
                const blocking = p.hops.filter((h) => h.culprits.some((c) => c.effect !== "may-deny"));
                expect(p.culprit).to.equal(blocking[0]?.key ?? null);
                for (const h of p.hops) expect(h.state === "blocks").to.equal(blocking.includes(h));
                expect(new Set(p.hops.map((h) => h.key)).size).to.equal(p.hops.length);
            }),
            { seed: 21, numRuns: 300 },
        );
    });
});

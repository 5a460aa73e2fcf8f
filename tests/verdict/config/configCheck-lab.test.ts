import { expect } from "chai";
import { AddressSet } from "../../../analysis/core/ip";
import { evaluateConfiguration } from "../../../analysis/verdict/config/evaluate";
import { LAB_SCENARIO_NAMES, resolveLabScenario } from "../../../components/labScenarios";
import { readFixture } from "../../helpers/configFixtures";

/** What each lab scenario breaks, as the configuration check must name it (docs/lab.md). */
const EXPECTED_CULPRIT: Record<string, unknown[]> = {
    "no-route": ["route-table", "rtb-0c4d6e8f0a2b4c6d8", "outbound", "(no route)"],
    "public-no-ip": ["public-ip", "eni-0e2f4a6b8c0d2e4f6", "outbound", "0.0.0.0/0 -> igw-0c0d2e4f6a8b0c2d4"],
    "sg-egress-deny": ["security-group", "sg-0f7a9b1c3d5e7f9a1", "outbound", "(none)"],
    "nacl-return-deny": ["network-acl", "acl-0b9c1d3e5f7a9b1c3", "inbound", "100"],
    healthy: [],
};

describe("configuration check: the lab's scenarios as snapshots", () => {
    for (const name of LAB_SCENARIO_NAMES) {
        it(`${name}: gives the scenario's verdict and names the component it broke`, async () => {
            const scenario = resolveLabScenario(name);
            const { documents, info } = await readFixture(`lab/${name}`);
            // The snapshot is the lab as components/lab.ts builds it for this scenario.
            const eni = documents.networkInterfaces[0];
            expect([eni.PrivateIpAddress, eni.SubnetId === "subnet-0b3c5d7e9f1a2b4c6" ? "public" : "private", documents.vpcEndpoints.length > 0]).to.deep.equal([
                scenario.generatorPrivateIp,
                scenario.subnet,
                scenario.s3GatewayEndpoint,
            ]);
            // The lab's command asks about every S3 range of the region.
            const dst = AddressSet.parse(Object.values(documents.prefixListEntries)[0]?.map((e) => e.Cidr).join(",") ?? "52.219.204.0/22", "--dst");
            const r = evaluateConfiguration(documents, info.NetworkInterfaceId, { dst, port: 443, protocol: 6 });
            const culprits = r.culprits.map((c) => [c.kind, c.id, c.direction, c.rule]);
            expect([r.verdict, culprits, r.notes]).to.deep.equal([scenario.expectedVerdict, EXPECTED_CULPRIT[name].length > 0 ? [EXPECTED_CULPRIT[name]] : [], []]);
        });
    }
});

/**
 * The advice names the destination the records went to, in its address family, and speaks of S3
 * when --dst is S3's published ranges, whatever else the --dst list holds.
 */
import { expect } from "chai";
import { main } from "../../analysis/cli/cli";
import { diagnosisJson } from "../helpers/jsonContract";

async function json(...argv: string[]): Promise<any> {
    let stdout = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: () => undefined, now: () => new Date("2026-11-27T12:00:00Z") });
    expect(code).to.equal(0);
    return diagnosisJson(stdout);
}

const ROUTE_STEP =
    "Check the route table of <subnet-id>: a route must cover 52.219.204.42 (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint). No result means the subnet uses the VPC's main route table (filter on association.main=true).";
const IPV4_ROUTING = "consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).";

describe("advice for the destination the records show", () => {
    it("gives IPv4 routing advice for IPv4 records when the --dst list also holds an IPv6 range", async () => {
        const d = await json("--input", "examples/s3-timeout.log", "--src", "10.0.1.25", "--dst", "52.219.204.0/22,2406:da60:f000::/40", "--output", "json");
        expect(d.verdict).to.equal("routing");
        expect(d.summary.endsWith(IPV4_ROUTING)).to.equal(true);
        expect(d.nextSteps[1].step).to.equal(ROUTE_STEP);
    });

    it("names the matched address, not the first --dst range, and speaks of S3 for --dst s3:<region>", async () => {
        const d = await json(
            "--input", "examples/s3-timeout.log", "--src", "10.0.1.25",
            "--dst", "s3:ap-northeast-2", "--ip-ranges", "tests/fixtures/ip-ranges-sample.json", "--output", "json",
        );
        expect(d.summary.endsWith(IPV4_ROUTING)).to.equal(true);
        expect(d.nextSteps[1].step).to.equal(ROUTE_STEP);
    });

    it("names the IPv6 address the records show when --dst also holds an IPv4 range", async () => {
        const d = await json(
            "--input", "tests/fixtures/flow-log-corpus/aws-vpc-user-guide/ipv6.log",
            "--src", "2001:db8:1234:a100:8d6e:3477:df66:f105", "--dst", "10.0.0.0/8,2001:db8:1234:a102:3304:8879:34cf:4071",
            "--port", "22", "--output", "json",
        );
        expect(d.verdict).to.equal("inconclusive");
        // The IPv4 range in --dst does not turn the matched IPv6 address into the first range's.
        expect(d.nextSteps[1].step).to.equal(
            "If it is the source's: the packets left and nothing came back, consistent with a routing problem; check the route table of its subnet for 2001:db8:1234:a102:3304:8879:34cf:4071.",
        );
    });
});

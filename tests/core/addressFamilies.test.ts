/**
 * --src and --dst of different address families (issue 18): a flow never changes family, so a pair
 * that shares none is refused (exit 2), and the entries of a mixed list that can never match are
 * left out with a warning, except in S3's ranges, which the tool expands itself.
 */
import { expect } from "chai";
import * as path from "path";
import * as fc from "fast-check";
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand, GetQueryResultsCommand, StartQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTasksCommand } from "@aws-sdk/client-ecs";
import { mockAwsInstances, runCli } from "../helpers/mockedAws";
import { matchAddressFamilies } from "../../analysis/core/addressFamilies";
import { AddressSet, IpRange, parseIpRange } from "../../analysis/core/ip";
import { UserInputError } from "../../analysis/core/errors";
import { run } from "../helpers/cliInProcess";
import { userErrorOf } from "../helpers/userErrors";
import { FIXTURES, TASK_ARN, sdkTask, stoppedTaskWire } from "../helpers/ecsFixtures";
import { diagnosisJson } from "../helpers/jsonContract";

const EXAMPLE = path.join(__dirname, "..", "..", "..", "examples", "s3-timeout.log");
const IP_RANGES = path.join(FIXTURES, "ip-ranges-sample.json");
const NEVER = "a flow never changes address family (a record's source and destination are both IPv4 or both IPv6), so no record can match.";

describe("address families: --src and --dst with --input", () => {
    it("an IPv4 --src with an IPv6 --dst is refused, naming both", async () => {
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "2600:1f18::1");
        expect([r.code, r.stdout, r.stderr]).to.deep.equal([2, "", `--src 10.0.1.25 is IPv4 and --dst 2600:1f18::1 is IPv6: ${NEVER}\n`]);
    });

    it("an IPv6 --src with an IPv4 --dst is refused, with the address NAT64 would show", async () => {
        const r = await run("--input", EXAMPLE, "--src", "2600:1f18::5", "--dst", "52.219.204.0/22");
        expect([r.code, r.stdout, r.stderr]).to.deep.equal([
            2,
            "",
            `--src 2600:1f18::5 is IPv6 and --dst 52.219.204.0/22 is IPv4: ${NEVER} ` +
                "If the workload is IPv6-only and reaches IPv4 through NAT64, its records show the destination as 64:ff9b::<IPv4>, e.g. --dst 64:ff9b::52.219.204.0/118.\n",
        ]);
    });

    it("the NAT64 form it suggests is a valid --dst (no-traffic in an IPv4-only file, no error)", async () => {
        const r = await run("--input", EXAMPLE, "--src", "2600:1f18::5", "--dst", "64:ff9b::52.219.204.0/118", "--output", "json");
        expect([r.code, r.stderr, diagnosisJson(r).verdict]).to.deep.equal([0, "", "no-traffic"]);
    });

    const MIXED_WARNING = "2600:1f18::/32 in --dst 52.219.204.42,2600:1f18::/32 is IPv6 and --src 10.0.1.25 is IPv4 only: a flow never changes address family, so it can never match; left out.";

    it("a --dst list of both families keeps the --src's and warns about the rest, on stderr and in JSON", async () => {
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42,2600:1f18::/32", "--output", "json");
        expect([r.code, r.stderr]).to.deep.equal([0, `warning: ${MIXED_WARNING}\n`]);
        const out = diagnosisJson(r);
        expect([out.verdict, out.conversation.dst, out.counts.outbound.accept, out.warnings]).to.deep.equal(["routing", ["52.219.204.42"], 12, [MIXED_WARNING]]);
    });

    it("the same with --dst repeated (the values add up first)", async () => {
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25", "--dst", "52.219.204.42", "--dst", "2600:1f18::/32", "--output", "json");
        expect(diagnosisJson(r).warnings).to.deep.equal([MIXED_WARNING]);
    });

    it("a --src list of both families: the entries of the other family are named", async () => {
        const r = await run("--input", EXAMPLE, "--src", "10.0.1.25,2600:1f18::5,2600:1f18::6", "--dst", "52.219.204.42", "--output", "json");
        const out = diagnosisJson(r);
        expect([out.verdict, out.conversation.src, out.warnings]).to.deep.equal([
            "routing",
            ["10.0.1.25"],
            [
                "2600:1f18::5, 2600:1f18::6 in --src 10.0.1.25,2600:1f18::5,2600:1f18::6 are IPv6 and --dst 52.219.204.42 is IPv4 only: a flow never changes address family, so they can never match; left out.",
            ],
        ]);
    });

    it("--dst s3:<region>: S3's ranges of the other family are left out without a word", async () => {
        // The sample's ap-northeast-2 has IPv4 ranges and 2406:da60:f000::/40.
        const r = await run("--input", EXAMPLE, "--src", "2406:da60::5", "--dst", "s3:ap-northeast-2", "--ip-ranges", IP_RANGES, "--output", "json");
        expect([r.code, r.stderr]).to.deep.equal([0, ""]);
        const out = diagnosisJson(r);
        expect([out.verdict, out.conversation.dst, out.warnings]).to.deep.equal(["no-traffic", ["2406:da60:f000::/40"], []]);
    });

    it("--dst s3:<region> with no range of the --src's family is refused, naming where the ranges came from", async () => {
        // The sample's eu-central-1 has one S3 range, IPv4.
        const r = await run("--input", EXAMPLE, "--src", "2600:1f18::5", "--dst", "s3:eu-central-1", "--ip-ranges", IP_RANGES);
        expect([r.code, r.stderr]).to.deep.equal([
            2,
            `--src 2600:1f18::5 is IPv6 and --dst s3:eu-central-1 (S3's ranges in ${IP_RANGES}) is IPv4: ${NEVER} ` +
                "If the workload is IPv6-only and reaches IPv4 through NAT64, its records show the destination as 64:ff9b::<IPv4>, e.g. --dst 64:ff9b::52.219.168.0/120.\n",
        ]);
    });
});

describe("address families: live (Logs Insights and ECS mocked)", () => {
    const GROUP = "/vpc-flow-logs/dev";
    const REGION = "ap-northeast-2";

    function world() {
        const aws = mockAwsInstances(REGION, "logs", "ecs");
        const w = {
            ...aws.mocks,
            run: (argv: string[]) => runCli(argv, { now: () => new Date("2026-11-26T15:00:00Z"), env: {}, sleep: async () => undefined, ...aws.makers() }),
        };
        w.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, creationTime: Date.parse("2026-11-20T00:00:00Z"), logGroupClass: "STANDARD" }] });
        w.logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "eni-0a1b2c3d4e5f60718-all" }] });
        w.logs.on(StartQueryCommand).resolves({ queryId: "q" });
        w.logs.on(GetQueryResultsCommand).resolves({ status: "Complete", statistics: { recordsScanned: 0, recordsMatched: 0, bytesScanned: 0 }, results: [] });
        return w;
    }

    it("--log-group with an IPv4 --src and an IPv6 --dst is refused before any query", async () => {
        const w = world();
        const r = await w.run(["--log-group", GROUP, "--region", REGION, "--src", "10.0.1.25", "--dst", "2600:1f18::1", "--since", "1h"]);
        expect([r.code, r.stdout, r.stderr]).to.deep.equal([2, "", `--src 10.0.1.25 is IPv4 and --dst 2600:1f18::1 is IPv6: ${NEVER}\n`]);
        expect(w.logs.commandCalls(StartQueryCommand)).to.have.length(0);
    });

    it("a mixed --src list: the sources and the query keep the --dst's family", async () => {
        const w = world();
        const r = await w.run(["--log-group", GROUP, "--region", REGION, "--src", "10.0.1.25,2600:1f18::5", "--dst", "52.219.204.42", "--since", "1h", "--output", "json"]);
        const out = diagnosisJson(r);
        expect([r.code, out.sources.src, out.conversation.src, out.warnings[0]]).to.deep.equal([
            0,
            { value: ["10.0.1.25"], from: "--src" },
            ["10.0.1.25"],
            "2600:1f18::5 in --src 10.0.1.25,2600:1f18::5 is IPv6 and --dst 52.219.204.42 is IPv4 only: a flow never changes address family, so it can never match; left out.",
        ]);
    });

    it("--ecs-task: the task's IPv4 address with an IPv6 --dst is refused, naming the task's address", async () => {
        const w = world();
        w.ecs.on(DescribeTasksCommand).resolves({ tasks: [sdkTask(stoppedTaskWire())], failures: [] });
        const r = await w.run(["--ecs-task", TASK_ARN, "--log-group", GROUP, "--dst", "2600:1f18::1"]);
        expect([r.code, r.stdout, r.stderr]).to.deep.equal([
            2,
            "",
            `10.0.1.25 (the task's private IP on eni-0a1b2c3d4e5f60718 (subnet-0123456789abcdef0), from ECS DescribeTasks) is IPv4 and --dst 2600:1f18::1 is IPv6: ${NEVER}\n`,
        ]);
        expect(w.logs.commandCalls(StartQueryCommand)).to.have.length(0);
    });

    it("a mixed --dst list: the query keeps the --src's family, the warning is on stderr and in JSON", async () => {
        const w = world();
        const r = await w.run(["--log-group", GROUP, "--region", REGION, "--src", "10.0.1.25", "--dst", "52.219.204.42,2600:1f18::/32", "--since", "1h", "--output", "json"]);
        const warning = "2600:1f18::/32 in --dst 52.219.204.42,2600:1f18::/32 is IPv6 and --src 10.0.1.25 is IPv4 only: a flow never changes address family, so it can never match; left out.";
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr.split("\n")[0]).to.equal(`warning: ${warning}`);
        const out = diagnosisJson(r);
        expect([out.verdict, out.conversation.dst, out.sources.dst, out.warnings]).to.deep.equal(["no-traffic", ["52.219.204.42"], { value: ["52.219.204.42"], from: "--dst" }, [
            warning,
            "The window's last 10 min (from 2026-11-26T14:50:00Z) may not be delivered yet: flow logs reach CloudWatch Logs 5-10 minutes late, so replies in that stretch may still be missing.",
        ]]);
        const query = w.logs.commandCalls(StartQueryCommand)[0].args[0].input.queryString as string;
        expect(query).to.not.include("2600");
        expect(query).to.include('dstAddr = "52.219.204.42"');
    });
});

describe("address families: the rule itself", () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 8, max: 32 })).map(([a, b, p]) => `10.${a}.${b}.0/${p}`);
    const v6 = fc.tuple(fc.nat(0xffff), fc.integer({ min: 16, max: 128 })).map(([g, p]) => `2600:${g.toString(16)}::/${p}`);
    const list = fc.array(fc.oneof(v4, v6), { minLength: 1, maxLength: 5 });
    const setOf = (entries: string[]) => new AddressSet(entries.map((e) => parseIpRange(e, "--x")));
    const families = (ranges: readonly IpRange[]) => new Set(ranges.map((r) => r.version));

    it("keeps exactly the entries of the families both sides have, warns for each named side that lost some, refuses when none is shared", () => {
        fc.assert(
            fc.property(list, list, fc.boolean(), (srcEntries, dstEntries, expanded) => {
                const src = setOf(srcEntries);
                const dst = setOf(dstEntries);
                const common = [...families(src.ranges)].filter((v) => families(dst.ranges).has(v));
                const call = () => matchAddressFamilies({ addresses: src, described: "S" }, { addresses: dst, described: "D", expanded });
                if (common.length === 0) {
                    expect(() => call()).to.throw(UserInputError);
                    return;
                }
                const result = call();
                const kept = (s: AddressSet) => s.ranges.filter((r) => common.includes(r.version)).map((r) => r.text);
                expect(result.src.toStrings()).to.deep.equal(kept(src));
                expect(result.dst.toStrings()).to.deep.equal(kept(dst));
                const srcLost = src.ranges.length > kept(src).length;
                const dstLost = dst.ranges.length > kept(dst).length;
                expect(result.warnings.length).to.equal((srcLost ? 1 : 0) + (dstLost && !expanded ? 1 : 0));
                // Every entry left out of a named side is named in a warning.
                for (const r of src.ranges.filter((r) => !common.includes(r.version))) expect(result.warnings.join("\n")).to.include(`${r.text}`);
            }),
            { seed: 18, numRuns: 300 },
        );
    });

    it("both families on both sides: nothing left out, no warning", () => {
        const both = setOf(["10.0.1.0/24", "2600:1f18::/32"]);
        const result = matchAddressFamilies({ addresses: both, described: "--src x" }, { addresses: both, described: "--dst y" });
        expect([result.src, result.dst, result.warnings]).to.deep.equal([both, both, []]);
    });

    it("the message names both sides as described", () => {
        expect(
            userErrorOf(() => matchAddressFamilies({ addresses: setOf(["10.0.1.25/32"]), described: "--src 10.0.1.25" }, { addresses: setOf(["2600::/16", "2601::/16"]), described: "--dst 2600::/16,2601::/16" })),
        ).to.equal(`--src 10.0.1.25 is IPv4 and --dst 2600::/16,2601::/16 is IPv6: ${NEVER}`);
    });
});

/**
 * The JSON contract: the schemas in docs/schema/ are strict (a field cannot appear, vanish or change
 * type unnoticed), their versions are the ones the CLI writes and CHANGELOG.md names, and every
 * warning the CLI prints on stderr is in the JSON's `warnings`, live as well as from files.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand, FilterLogEventsCommand, GetQueryResultsCommand, StartQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeFlowLogsCommand } from "@aws-sdk/client-ec2";
import { packageVersion } from "../../analysis/cli/cli";
import { DIAGNOSIS_SCHEMA_VERSION, STATUS_SCHEMA_VERSION } from "../../analysis/core/jsonContract";
import { run } from "../helpers/cliInProcess";
import { diagnosisJson, schemaErrors, schemaOf, statusJson, stderrWarnings } from "../helpers/jsonContract";
import { mockAwsClasses, runCli } from "../helpers/mockedAws";

const ROOT = path.join(__dirname, "..", "..", "..");
const EXAMPLE = "examples/s3-timeout.log";
const CONVERSATION = ["--src", "10.0.1.25", "--dst", "52.219.204.42"];

describe("JSON contract: schemas", () => {
    it("each schema's schemaVersion is the version the CLI writes", () => {
        expect(schemaOf("diagnosis").properties?.schemaVersion.const).to.equal(DIAGNOSIS_SCHEMA_VERSION);
        expect(schemaOf("status").oneOf?.map((shape) => shape.properties.schemaVersion.const)).to.deep.equal([STATUS_SCHEMA_VERSION, STATUS_SCHEMA_VERSION]);
    });

    it("a diagnosis with a field added, removed, retyped or out of its enum does not validate", async () => {
        const r = await run("--input", EXAMPLE, ...CONVERSATION, "--output", "json");
        const d = diagnosisJson(r);
        expect(d.schemaVersion).to.equal("1.0.0");
        const without = (key: string) => Object.fromEntries(Object.entries(d).filter(([k]) => k !== key));
        expect(schemaErrors("diagnosis", { ...d, extra: 1 })).to.deep.equal(['/ must NOT have additional properties {"additionalProperty":"extra"}']);
        expect(schemaErrors("diagnosis", without("verdict"))).to.deep.equal(["/ must have required property 'verdict' {\"missingProperty\":\"verdict\"}"]);
        expect(schemaErrors("diagnosis", { ...d, conversation: { ...d.conversation, port: "443" } })).to.deep.equal([
            '/conversation/port must be integer,null {"type":["integer","null"]}',
        ]);
        expect(schemaErrors("diagnosis", { ...d, verdict: "firewall" })).to.deep.equal([
            '/verdict must be equal to one of the allowed values {"allowedValues":["security-group-or-nacl","nacl-return-path","routing","network-ok","mixed","no-traffic","inconclusive"]}',
        ]);
        expect(schemaErrors("diagnosis", { ...d, counts: { ...d.counts, outbound: { accept: 12 } } })).to.deep.equal([
            "/counts/outbound must have required property 'reject' {\"missingProperty\":\"reject\"}",
        ]);
        expect(schemaErrors("diagnosis", { ...d, schemaVersion: "2.0.0" })).to.deep.equal(['/schemaVersion must be equal to constant {"allowedValue":"1.0.0"}']);
    });

    it("docs/output.md's field table names every top-level field of the diagnosis schema, in its order", () => {
        const page = fs.readFileSync(path.join(ROOT, "docs", "output.md"), "utf8");
        const table = page.slice(page.indexOf("### Diagnosis fields"), page.indexOf("### Status fields"));
        const rows = [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
        expect(rows).to.deep.equal(Object.keys(schemaOf("diagnosis").properties ?? {}));
    });

    it("the verdicts the schema allows are exactly the CLI's", async () => {
        const { VERDICTS } = await import("../../analysis/verdict/verdicts");
        const schema = schemaOf("diagnosis") as { properties: { verdict: { enum: string[] } } };
        expect(schema.properties.verdict.enum).to.deep.equal([...VERDICTS]);
    });
});

describe("JSON contract: --version and CHANGELOG.md", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };

    it("--version prints package.json's version and exits 0", async () => {
        const r = await run("--version");
        expect([r.code, r.stdout, r.stderr]).to.deep.equal([0, `${pkg.version}\n`, ""]);
        expect(packageVersion()).to.equal(pkg.version);
    });

    it("CHANGELOG.md has an entry for package.json's version that names each schema's version", () => {
        const changelog = fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8");
        const entry = new RegExp(`^## \\[${pkg.version.replace(/\./g, "\\.")}\\] - \\d{4}-\\d{2}-\\d{2}$`, "m").exec(changelog);
        expect(entry, `a '## [${pkg.version}] - YYYY-MM-DD' heading`).to.not.equal(null);
        const section = changelog.slice(entry!.index, changelog.indexOf("\n## [", entry!.index + 1) >>> 0 || undefined);
        expect(section).to.include(`docs/schema/diagnosis.schema.json\` ${DIAGNOSIS_SCHEMA_VERSION}`);
        expect(section).to.include(`docs/schema/status.schema.json\` ${STATUS_SCHEMA_VERSION}`);
    });
});

describe("JSON contract: every warning on stderr is in the JSON's warnings (live, Logs Insights, mocked AWS)", () => {
    const aws = mockAwsClasses("logs", "ec2");
    const { logs, ec2 } = aws.mocks;
    const NOW = new Date("2026-11-26T15:00:00Z");
    const GROUP = "/vpc-flow-logs/dev";
    const ENI = "eni-0a1b2c3d4e5f60718";
    const at = (iso: string) => String(Date.parse(iso) / 1000);

    beforeEach(() => aws.reset());

    function row(minute: number, action: string) {
        const mm = `14:${String(minute).padStart(2, "0")}`;
        return [
            { field: "records", value: "1" },
            { field: "packetsTotal", value: "3" },
            { field: "bytesTotal", value: "180" },
            { field: "firstStart", value: at(`2026-11-26T${mm}:05Z`) },
            { field: "lastEnd", value: at(`2026-11-26T${mm}:50Z`) },
            { field: "interfaceId", value: ENI },
            { field: "srcAddr", value: "10.0.1.25" },
            { field: "dstAddr", value: "52.219.204.42" },
            { field: "action", value: action },
            { field: "logStatus", value: "OK" },
            { field: "bin(1m)", value: `2026-11-26 ${mm}:00.000` },
        ];
    }

    function answer(rows: ReturnType<typeof row>[]) {
        logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, creationTime: Date.parse("2026-11-20T00:00:00Z"), storedBytes: 1000 }] });
        logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: `${ENI}-all` }] });
        logs.on(StartQueryCommand).resolves({ queryId: "q-contract" });
        logs.on(GetQueryResultsCommand).resolves({ status: "Complete", statistics: { recordsScanned: 20000, bytesScanned: 2e6, recordsMatched: rows.length }, results: rows });
    }

    async function live(argv: string[]) {
        return runCli([...argv, "--output", "json"], { now: () => NOW, env: {}, sleep: async () => undefined, ...aws.makers() });
    }

    const CAP =
        "The query returned 10000 rows, Logs Insights' cap: some evidence is missing. Narrow the window (--since, --start/--end) or the addresses (--src, --dst).";
    const LAG =
        "The window's last 10 min (from 2026-11-26T14:50:00Z) may not be delivered yet: flow logs reach CloudWatch Logs 5-10 minutes late, so replies in that stretch may still be missing.";

    it("the Logs Insights cap (10000 rows), said on stderr only before, is in warnings", async () => {
        answer(Array.from({ length: 10000 }, (_, i) => row(i % 50, "ACCEPT")));
        const r = await live(["--log-group", GROUP, "--region", "eu-west-1", ...CONVERSATION, "--since", "1h"]);
        expect(r.code).to.equal(0);
        expect(stderrWarnings(r.stderr)).to.deep.equal([CAP, LAG]);
        expect(diagnosisJson(r).warnings).to.deep.equal([CAP, LAG]);
    });

    it("a --dst list of both address families, said on stderr, is in warnings in the order said", async () => {
        answer([row(20, "ACCEPT")]);
        const r = await live(["--log-group", GROUP, "--region", "eu-west-1", "--src", "10.0.1.25", "--dst", "52.219.204.42,2600:1f18::1", "--since", "1h"]);
        expect(r.code, r.stderr).to.equal(0);
        const mixed = "2600:1f18::1 in --dst 52.219.204.42,2600:1f18::1 is IPv6 and --src 10.0.1.25 is IPv4 only: a flow never changes address family, so it can never match; left out.";
        expect(stderrWarnings(r.stderr)).to.deep.equal([mixed, LAG]);
        expect(diagnosisJson(r).warnings).to.deep.equal([mixed, LAG]);
    });

    // `ip addr` prints 10.0.1.25/24; pasted as --src it is the whole network, said on both channels,
    // live and from a file alike, and the same words.
    it("a --src with host bits set (10.0.1.25/24), said on stderr, is in warnings, live and from a file", async () => {
        const hostBits =
            "--src 10.0.1.25/24 has host bits set (the form 'ip addr' prints): it is read as the network 10.0.1.0/24, every address in it, so records of other hosts there count too. For the one address, give --src 10.0.1.25.";
        answer([row(20, "ACCEPT")]);
        const r = await live(["--log-group", GROUP, "--region", "eu-west-1", "--src", "10.0.1.25/24", "--dst", "52.219.204.42", "--since", "1h"]);
        expect(r.code, r.stderr).to.equal(0);
        expect(stderrWarnings(r.stderr)).to.deep.equal([hostBits, LAG]);
        expect(diagnosisJson(r).warnings).to.deep.equal([hostBits, LAG]);
        const f = await run("--input", EXAMPLE, "--src", "10.0.1.25/24", "--dst", "52.219.204.42", "--output", "json");
        expect(f.code, f.stderr).to.equal(0);
        expect(stderrWarnings(f.stderr)).to.deep.equal([hostBits]);
        expect(diagnosisJson(f).warnings).to.deep.equal([hostBits]);
    });

    it("status --output json validates against docs/schema/status.schema.json (CloudWatch Logs)", async () => {
        ec2.on(DescribeFlowLogsCommand).resolves({
            FlowLogs: [{ FlowLogId: "fl-0abc", ResourceId: "vpc-0123456789abcdef0", FlowLogStatus: "ACTIVE", DeliverLogsStatus: "SUCCESS", TrafficType: "ALL" }],
        });
        logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, storedBytes: 2048, retentionInDays: 7 }] });
        logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: `${ENI}-all`, lastEventTimestamp: Date.parse("2026-11-26T14:58:00Z") }] });
        logs.on(FilterLogEventsCommand).resolves({ events: [], searchedLogStreams: [] });
        const { code, stdout, stderr } = await runCli(["status", "--log-group", GROUP, "--region", "eu-west-1", "--output", "json"], { now: () => NOW, env: {}, ...aws.makers() });
        expect([code, stderr]).to.deep.equal([0, ""]);
        const status = statusJson(stdout);
        expect([status.schemaVersion, status.logGroupName, status.flowLogs.length, status.newestRecord.outcome]).to.deep.equal(["1.0.0", GROUP, 1, "none"]);
        expect(schemaErrors("status", { ...status, logStreams: "1" })).to.have.length.greaterThan(0);
    });
});

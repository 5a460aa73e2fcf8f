import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { userErrorOf, userErrorOfAsync } from "../helpers/userErrors";
import { listSources } from "../helpers/importGraph";
import { commandsSent } from "../helpers/sdkCommands";
import { parseStackOutputs, readOutputsFile, readStackOutputs } from "../../analysis/aws/stackSource";
import { resolveLiveWindow, undeliveredFrom } from "../../analysis/core/timeWindow";
import { CLI_POLICY_ACTIONS, explainAwsError } from "../../analysis/aws/awsErrors";

const NOW = new Date("2026-11-26T15:00:00Z");
const OUTPUTS = {
    logGroupName: "/vpc-flow-logs/dev",
    region: "ap-northeast-2",
    logFormat: "${version} ${srcaddr}",
    trafficType: "ALL",
    flowLogIds: { "vpc-0123456789abcdef0": "fl-0abc" },
    cleanup: "Run 'pulumi destroy'",
};

describe("live sources: stack outputs, time window, AWS errors", () => {
    describe("stack outputs", () => {
        it("reads log group, region, format, filter and flow log ids", () => {
            expect(parseStackOutputs(JSON.stringify(OUTPUTS), "Stack 'dev'")).to.deep.equal({
                logGroupName: "/vpc-flow-logs/dev",
                region: "ap-northeast-2",
                logFormat: "${version} ${srcaddr}",
                trafficType: "ALL",
                flowLogIds: { "vpc-0123456789abcdef0": "fl-0abc" },
            });
        });

        it("runs 'pulumi stack output --json --stack <name>' in the project folder", async () => {
            const calls: string[] = [];
            const source = await readStackOutputs("dev", "/project", async (file, args, cwd) => {
                calls.push(`${cwd}: ${file} ${args.join(" ")}`);
                return { stdout: JSON.stringify(OUTPUTS) };
            });
            expect(calls).to.deep.equal(["/project: pulumi stack output --json --stack dev"]);
            expect(source).to.include({ logGroupName: "/vpc-flow-logs/dev" });
        });

        it("says what to do when the pulumi binary is missing", async () => {
            const missing = () => Promise.reject(Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" }));
            expect(await userErrorOfAsync(readStackOutputs("dev", "/project", missing))).to.equal(
                "The 'pulumi' command was not found on PATH. Install the Pulumi CLI, or save the outputs where it is installed " +
                    "('pulumi stack output --json --stack <name> > outputs.json') and pass --outputs-file outputs.json, or pass --log-group and --region.",
            );
        });

        it("passes on the last line of pulumi's own error", async () => {
            const fails = () =>
                Promise.reject(Object.assign(new Error("exit 255"), { code: 255, stderr: "warning: x\nerror: no stack named 'prod' found\n" }));
            expect(await userErrorOfAsync(readStackOutputs("prod", "/project", fails))).to.equal(
                "'pulumi stack output --json --stack prod' failed: error: no stack named 'prod' found",
            );
        });

        const bad: [string, string, string][] = [
            ["a stack with no outputs", "{}", "Stack 'dev' has no outputs: the stack has not been deployed. Run 'pulumi up' first."],
            ["text that is not JSON", "Current stack outputs (0):", "Stack 'dev' is not JSON. Expected the output of 'pulumi stack output --json'."],
            ["a JSON list", "[]", "Stack 'dev' is not a JSON object of stack outputs. Expected the output of 'pulumi stack output --json'."],
            [
                "another project's stack",
                '{"url":"https://example.com"}',
                "Stack 'dev' has no 'logGroupName' output: it is not a vpc-flow-logs stack, or it was deployed by an older version. Run 'pulumi up', or pass --log-group and --region.",
            ],
        ];
        for (const [what, text, message] of bad) {
            it(`refuses ${what}`, () => expect(userErrorOf(() => parseStackOutputs(text, "Stack 'dev'"))).to.equal(message));
        }

        it("reads a saved outputs file, and names a missing one", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outputs-"));
            try {
                const file = path.join(dir, "outputs.json");
                fs.writeFileSync(file, JSON.stringify(OUTPUTS));
                expect((await readOutputsFile(file)).region).to.equal("ap-northeast-2");
                expect(await userErrorOfAsync(readOutputsFile(path.join(dir, "nope.json")))).to.equal(`--outputs-file '${path.join(dir, "nope.json")}' does not exist.`);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe("time window", () => {
        const at = (iso: string) => Date.parse(iso) / 1000;

        it("reads --since as the last stretch up to now", () => {
            expect(resolveLiveWindow({ since: "30m" }, NOW)).to.deep.equal({ start: at("2026-11-26T14:30:00Z"), end: at("2026-11-26T15:00:00Z") });
        });

        it("reads --start and --end as ISO times or durations before now", () => {
            expect(resolveLiveWindow({ start: "2026-11-26T13:00:00Z", end: "1h" }, NOW)).to.deep.equal({
                start: at("2026-11-26T13:00:00Z"),
                end: at("2026-11-26T14:00:00Z"),
            });
        });

        const bad: [string, Parameters<typeof resolveLiveWindow>[0], string][] = [
            ["no window", {}, "A live query needs a time window: --since 30m, or --start (and optionally --end)."],
            ["both --since and --start", { since: "1h", start: "2h" }, "Give either --since or --start, not both."],
            ["a bad --since", { since: "yesterday" }, "Invalid --since 'yesterday'. Allowed: a duration such as 30m, 2h or 1d."],
            [
                "a bad --start",
                { start: "26/11/2026" },
                "Invalid --start '26/11/2026'. Allowed: an ISO 8601 time like 2026-11-26T14:00:00Z, or a time relative to now like 30m, 2h or 1d.",
            ],
            [
                "start after end",
                { start: "2026-11-26T14:00:00Z", end: "2026-11-26T13:00:00Z" },
                "The window starts (2026-11-26T14:00:00Z) at or after it ends (2026-11-26T13:00:00Z). Start must come before end.",
            ],
            ["an end in the future", { start: "1h", end: "2026-11-26T16:00:00Z" }, "--end 2026-11-26T16:00:00Z is in the future (now is 2026-11-26T15:00:00Z)."],
            ["a window over 24 h", { since: "2d" }, "The window is 48.0 h long; over 24 h scans (and bills) a lot of data. Narrow it, or pass --allow-wide-window."],
        ];
        for (const [what, flags, message] of bad) {
            it(`refuses ${what}`, () => expect(userErrorOf(() => resolveLiveWindow(flags, NOW))).to.equal(message));
        }

        it("allows a wide window when asked", () => {
            expect(resolveLiveWindow({ since: "2d", allowWideWindow: true }, NOW).start).to.equal(at("2026-11-24T15:00:00Z"));
        });

        it("finds where the part of the window that may not be delivered yet begins", () => {
            expect(undeliveredFrom(resolveLiveWindow({ since: "30m" }, NOW), NOW)).to.equal(at("2026-11-26T14:50:00Z"));
            expect(undeliveredFrom(resolveLiveWindow({ since: "5m" }, NOW), NOW)).to.equal(at("2026-11-26T14:55:00Z"));
            expect(undeliveredFrom(resolveLiveWindow({ start: "2h", end: "1h" }, NOW), NOW)).to.equal(undefined);
        });
    });

    describe("AWS errors", () => {
        const ctx = { logGroupName: "/vpc-flow-logs/dev", region: "ap-northeast-2", query: "fields @timestamp\n| bad" };
        const cases: [string, object, string][] = [
            [
                "missing credentials",
                { name: "CredentialsProviderError", message: "Could not load credentials from any providers" },
                "No AWS credentials were found. Set AWS_PROFILE (and run 'aws sso login' for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again. 'aws sts get-caller-identity' should answer.",
            ],
            [
                "a log group that does not exist",
                { name: "ResourceNotFoundException", message: "The specified log group does not exist." },
                "Log group '/vpc-flow-logs/dev' was not found in ap-northeast-2. Deploy the stack ('pulumi up'), or point at the region it lives in with --region.",
            ],
            [
                "access denied",
                { name: "AccessDeniedException", message: "User: arn:aws:iam::123456789012:user/a is not authorized to perform: logs:StartQuery" },
                "AWS denied the request in ap-northeast-2: User: arn:aws:iam::123456789012:user/a is not authorized to perform: logs:StartQuery\n" +
                    "The CLI needs these IAM actions: logs:StartQuery, logs:GetQueryResults, logs:StopQuery, logs:DescribeLogGroups, logs:DescribeLogStreams, logs:FilterLogEvents, ec2:DescribeFlowLogs, ecs:DescribeTasks, ec2:DescribeManagedPrefixLists, ec2:GetManagedPrefixListEntries, athena:StartQueryExecution, athena:GetQueryExecution, athena:GetQueryResults, athena:StopQueryExecution, glue:GetDatabase, glue:GetTable, s3:GetBucketLocation, s3:GetObject, s3:PutObject, s3:ListBucket, cloudwatch:DescribeAlarms (see docs/iam.md for a policy).",
            ],
            [
                "a malformed query",
                { name: "MalformedQueryException", message: "unexpected symbol found bad at line 2" },
                "Logs Insights rejected the query: unexpected symbol found bad at line 2\nThe query was:\nfields @timestamp\n| bad",
            ],
            [
                "a missing region",
                { name: "Error", message: "Region is missing" },
                "No AWS region: pass --region, set AWS_REGION, or use --stack so the stack's region is used.",
            ],
            [
                "a region that does not resolve",
                { name: "Error", code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND logs.ap-nowhere-1.amazonaws.com" },
                "Could not reach AWS in ap-northeast-2 (ENOTFOUND). Check the region name, your network or proxy, and AWS_ENDPOINT_URL if you set it.",
            ],
            ["anything else", { name: "InternalFailure", message: "boom" }, "AWS request failed in ap-northeast-2: InternalFailure: boom"],
        ];
        for (const [what, err, message] of cases) {
            it(`explains ${what}`, () => expect(explainAwsError(err, ctx)).to.equal(message));
        }

        it("grants the IAM action of every AWS SDK command the CLI's code sends", () => {
            // The IAM prefix of each SDK client; ListObjectsV2 is authorised by s3:ListBucket (S3 API reference).
            const prefixes: Record<string, string> = { "cloudwatch-logs": "logs", cloudwatch: "cloudwatch", ec2: "ec2", ecs: "ecs", athena: "athena", glue: "glue", s3: "s3" };
            const actionNames: Record<string, string> = { "s3:ListObjectsV2": "s3:ListBucket" };
            const root = path.join(__dirname, "..", "..", "..");
            const sent = new Set<string>();
            for (const { file, command, client } of commandsSent(root, listSources(root, ["analysis"], []))) {
                expect(client, `${file}: ${command} is imported from an @aws-sdk client`).to.not.equal(undefined);
                const prefix = prefixes[client as string];
                expect(prefix, `IAM prefix of @aws-sdk/client-${client}`).to.not.equal(undefined);
                const action = `${prefix}:${command.replace(/Command$/, "")}`;
                sent.add(actionNames[action] ?? action);
            }
            expect(sent.size).to.equal(24);
            expect([...sent].filter((a) => !CLI_POLICY_ACTIONS.includes(a))).to.deep.equal([]);
        });

        it("lists exactly the IAM actions the policy in docs/iam.md grants", () => {
            const iamPage = fs.readFileSync(path.join(__dirname, "..", "..", "..", "docs", "iam.md"), "utf8");
            const blocks = [...iamPage.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]);
            const policy = blocks.filter((b) => b.includes('"Sid": "VpcFlowDiagnoseCli"'));
            expect(policy, "docs/iam.md has the CLI's IAM policy once").to.have.length(1);
            const actions = (JSON.parse(policy[0]).Statement as { Action: string[] }[]).flatMap((s) => s.Action);
            expect(actions).to.deep.equal([...CLI_POLICY_ACTIONS]);
        });
    });
});

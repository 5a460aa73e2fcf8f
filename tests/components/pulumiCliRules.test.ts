/**
 * Holds the project to the Pulumi CLI's own rules (tests/helpers/pulumiCliRules.ts ports them from
 * pulumi/pulumi: the embedded project.json schema, RewriteShorthandConfigValues and
 * (*Project).Validate in sdk/go/common/workspace/project.go, mergeConfig in
 * pkg/workspace/config.go). Mocks skip every one of these checks, so without this a project can
 * pass its tests while `pulumi up` refuses every stack.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { registrations, resetRecordings } from "../helpers/pulumiMocks";
import { outputsOf, runProgramWithConfig } from "../helpers/program";
import { Project, StackConfig, loadProject, loadStackConfig, mergeConfig, projectSchemaErrors, validateProject } from "../helpers/pulumiCliRules";
import { STACK_PAGES, readmeRuns, shellWords } from "../helpers/readmeStacks";

const ROOT = path.join(__dirname, "..", "..", "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

function committedStacks(): Map<string, StackConfig> {
    const files = fs.readdirSync(ROOT).filter((f) => STACK_FILE.test(f));
    return new Map(files.map((f) => [STACK_FILE.exec(f)![1], loadStackConfig(read(f))]));
}

function errorOf(fn: () => unknown): string {
    try {
        fn();
    } catch (err) {
        return (err as Error).message;
    }
    throw new Error("expected an error, nothing was thrown");
}

/** Flow-log targets the program registered: `vpcId vpc-...`, `subnetId subnet-...`, `eniId eni-...`. */
function flowLogTargets(): string[] {
    return registrations
        .filter((r) => r.type === "aws:ec2/flowLog:FlowLog")
        .map((r) => ["vpcId", "subnetId", "eniId"].filter((k) => r.inputs[k] !== undefined).map((k) => `${k} ${r.inputs[k]}`).join(""));
}

describe("the project against the Pulumi CLI's rules", () => {
    let project: Project;
    before(() => {
        project = loadProject(read("Pulumi.yaml"));
    });
    beforeEach(resetRecordings);

    it("Pulumi.yaml passes the CLI's schema and Validate, and declares no project key without a default", () => {
        expect(projectSchemaErrors(require("js-yaml").load(read("Pulumi.yaml")))).to.deep.equal([]);
        expect(Object.entries(project.config).filter(([, d]) => d.default === undefined && d.value === undefined).map(([k]) => k)).to.deep.equal([]);
    });

    it("keeps existingLogGroupName and existingRoleArn undeclared (no sensible default) and names them in the comment block", () => {
        expect(Object.keys(project.config).filter((k) => k.startsWith("existing"))).to.deep.equal([]);
        const comments = read("Pulumi.yaml").split("\n").filter((line) => line.trim().startsWith("#"));
        expect(["existingLogGroupName", "existingRoleArn"].map((key) => comments.some((line) => line.trim().startsWith(`#   ${key} `)))).to.deep.equal([true, true]);
    });

    it("the committed Pulumi.dev.yaml is accepted and the program stops at the missing target before creating anything", () => {
        const stacks = committedStacks();
        expect([...stacks.keys()]).to.deep.equal(["dev"]);
        const config = mergeConfig("dev", project, stacks.get("dev")!);
        expect(config).to.deep.equal({
            "aws:region": "ap-northeast-2",
            "vpc-flow-logs:trafficType": "ALL",
            "vpc-flow-logs:alarms": "false",
            "vpc-flow-logs:alarmEvaluationPeriods": "1",
            "vpc-flow-logs:alarmPeriodSeconds": "300",
            "vpc-flow-logs:alarmPort": "443",
            "vpc-flow-logs:alarmRejectThreshold": "5",
            "vpc-flow-logs:alarmUnansweredThreshold": "3",
            "vpc-flow-logs:athenaBytesScannedCutoffMb": "1000",
            "vpc-flow-logs:capture": "true",
            "vpc-flow-logs:destination": "cloudwatch",
            "vpc-flow-logs:fileFormat": "parquet",
            "vpc-flow-logs:eniIds": "[]",
            "vpc-flow-logs:maxAggregationInterval": "60",
            "vpc-flow-logs:retainLogsOnDestroy": "false",
            "vpc-flow-logs:retentionInDays": "7",
            "vpc-flow-logs:savedQueries": "true",
            "vpc-flow-logs:subnetIds": "[]",
        });
        let thrown: unknown;
        try {
            runProgramWithConfig(config);
        } catch (err) {
            thrown = err;
        }
        expect(pulumi.RunError.isInstance(thrown)).to.equal(true);
        expect((thrown as Error).message).to.equal(
            "No flow log target: set vpcId, or subnetIds or eniIds (a list of 'subnet-...' / 'eni-...' ids). At least one is required.",
        );
        expect(registrations).to.deep.equal([]);
    });

    it("every `pulumi up` the README and its stack pages tell a user to run passes the CLI's checks and creates the flow logs it promises", async () => {
        // Read in this order, as one text: the front door's stack first, then the pages that add to it.
        const runs = readmeRuns(STACK_PAGES.map(read).join("\n"), project.name, (name) => committedStacks().get(name));
        const seen: { line: number; stack: string; targets: string[] }[] = [];
        for (const run of runs) {
            resetRecordings();
            const config = mergeConfig(run.stack, project, run.config);
            // Resolving every output waits until every resource is registered.
            await outputsOf(runProgramWithConfig(config));
            seen.push({ line: run.line, stack: run.stack, targets: flowLogTargets() });
        }
        // One stack of each kind the pages describe: a VPC (the README's, paused and resumed, then
        // the workflow page's, with its filter changed), subnets only, one ENI, S3, the lab.
        expect(seen.map(({ stack, targets }) => ({ stack, targets }))).to.deep.equal([
            { stack: "dev", targets: ["vpcId vpc-0abc1234def567890"] },
            { stack: "dev", targets: [] },
            { stack: "dev", targets: ["vpcId vpc-0abc1234def567890"] },
            { stack: "dev", targets: ["vpcId vpc-0abc1234def567890"] },
            { stack: "dev", targets: ["vpcId vpc-0abc1234def567890"] },
            { stack: "subnets", targets: ["subnetId subnet-0abc1234def567890", "subnetId subnet-0def567890abc1234"] },
            { stack: "task-eni", targets: ["eniId eni-0abc1234def567890"] },
            { stack: "s3", targets: ["vpcId vpc-0abc1234def567890"] },
            { stack: "lab", targets: ["vpcId vpc-0aaaabbbbccccdddd"] },
            { stack: "lab", targets: ["vpcId vpc-0aaaabbbbccccdddd"] },
        ]);
    });

    it("reproduces the CLI's refusal of keys declared without a default (the project as it was)", () => {
        const before = loadProject(
            [
                "name: vpc-flow-logs",
                "runtime: nodejs",
                "config:",
                ...["vpcId", "logFormat", "logGroupName", "kmsKeyArn", "existingRoleArn", "lab"].flatMap((k) => [`  ${k}:`, "    type: string"]),
            ].join("\n"),
        );
        const stack = loadStackConfig("config:\n  aws:region: ap-northeast-2\n  vpc-flow-logs:vpcId: vpc-0123456789abcdef0\n");
        expect(errorOf(() => mergeConfig("dev", before, stack))).to.equal(
            "Stack 'dev' is missing configuration values 'existingRoleArn', 'kmsKeyArn', 'lab', 'logFormat' and 'logGroupName'",
        );
        const one = loadProject("name: vpc-flow-logs\nruntime: nodejs\nconfig:\n  vpcId:\n    type: string\n");
        expect(errorOf(() => mergeConfig("dev", one, new Map()))).to.equal("Stack 'dev' is missing configuration value 'vpcId'");
    });

    it("refuses a stack value of the wrong type for a declared key, as the CLI does", () => {
        const cases: [string, string, string][] = [
            ["vpc-flow-logs:retentionInDays: seven", "retentionInDays", "integer"],
            ["vpc-flow-logs:retainLogsOnDestroy: yes-please", "retainLogsOnDestroy", "boolean"],
            ["vpc-flow-logs:capture: paused", "capture", "boolean"],
            ["vpc-flow-logs:subnetIds: subnet-0abc1234def567890", "subnetIds", "array<string>"],
            ["vpc-flow-logs:eniIds:\n    - 5\n    - [eni-1]", "eniIds", "array<string>"],
        ];
        for (const [line, key, type] of cases) {
            const stack = loadStackConfig(`config:\n  ${line}\n`);
            expect(errorOf(() => mergeConfig("dev", project, stack)), line).to.equal(`Stack 'dev' with configuration key '${key}' must be of type '${type}'`);
        }
        // What `pulumi config set` writes (strings) passes where the CLI lets it.
        const ok = loadStackConfig("config:\n  vpc-flow-logs:retentionInDays: '14'\n  vpc-flow-logs:retainLogsOnDestroy: 'true'\n");
        expect(mergeConfig("dev", project, ok)["vpc-flow-logs:retentionInDays"]).to.equal("14");
    });

    it("applies the schema, then Validate's rules: items for arrays, typed defaults, and only a value for another namespace", () => {
        const load = (config: string) => errorOf(() => loadProject(`name: vpc-flow-logs\nruntime: nodejs\nconfig:\n${config}`));
        expect(load("  ids:\n    type: array\n    default: []\n")).to.contain("#/config/ids: must have required property 'items'");
        expect(load("  trafficType:\n    type: string\n    defualt: ALL\n")).to.contain("#/config/trafficType: must NOT have additional properties");
        expect(load("  retentionInDays:\n    type: integer\n    default: seven\n")).to.equal(
            "The default value specified for configuration key 'retentionInDays' is not of the expected type 'integer'",
        );
        const validate = (config: Project["config"]) => errorOf(() => validateProject({ name: "vpc-flow-logs", config }));
        expect(validate({ ids: { type: "array" } })).to.equal(
            "The configuration key 'ids' declares an array but does not specify the underlying type via the 'items' attribute",
        );
        expect(validate({ "aws:region": { type: "string", value: "ap-northeast-2" } })).to.equal(
            "Configuration key 'aws:region' is not namespaced by the project and should not define a type",
        );
        expect(validate({ "aws:region": { default: "ap-northeast-2" } })).to.equal(
            "Configuration key 'aws:region' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?",
        );
        expect(validate({ "aws:region": {} })).to.equal("Configuration key 'aws:region' is namespaced and must provide an attribute 'value'");
        expect(validate({ size: { default: 1, value: 2 } })).to.equal("project config 'size' cannot have both a 'default' and 'value' attribute");
        // The shorthand form is a value for another namespace, which Validate accepts...
        expect(loadProject("name: p\nruntime: nodejs\nconfig:\n  aws:region: ap-northeast-2\n").config["aws:region"]).to.deep.equal({ value: "ap-northeast-2" });
        // ...and a default for the project's own namespace.
        expect(loadProject("name: p\nruntime: nodejs\nconfig:\n  size: 3\n").config.size).to.deep.equal({ default: 3 });
    });

    it("reads shell words and `--path` settings the way the README writes them", () => {
        expect(shellWords(`pulumi config set logFormat '\${srcaddr} \${dstaddr}'   # custom`)).to.deep.equal([
            "pulumi",
            "config",
            "set",
            "logFormat",
            "${srcaddr} ${dstaddr}",
        ]);
        const runs = readmeRuns(
            [
                "```sh",
                "pulumi stack init x",
                "pulumi config set --path 'subnetIds[0]' subnet-1",
                "pulumi config set --path 'subnetIds[1]' subnet-2",
                "pulumi config set --path tags.team network",
                "pulumi config set vpcId vpc-1 && pulumi up",
                "pulumi config rm vpcId",
                "pulumi preview",
                "```",
            ].join("\n"),
            "vpc-flow-logs",
            () => undefined,
        );
        expect(runs.map((r) => ({ line: r.line, stack: r.stack, config: Object.fromEntries(r.config) }))).to.deep.equal([
            {
                line: 6,
                stack: "x",
                config: {
                    "vpc-flow-logs:subnetIds": { text: '["subnet-1","subnet-2"]', object: true },
                    "vpc-flow-logs:tags": { text: '{"team":"network"}', object: true },
                    "vpc-flow-logs:vpcId": { text: "vpc-1", object: false },
                },
            },
            {
                line: 8,
                stack: "x",
                config: {
                    "vpc-flow-logs:subnetIds": { text: '["subnet-1","subnet-2"]', object: true },
                    "vpc-flow-logs:tags": { text: '{"team":"network"}', object: true },
                },
            },
        ]);
    });
});

import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, MOCK_ROLES, REGION, byName, invokes, promiseOf, registeredUnder, registrations, requestFor, resetRecordings } from "../helpers/pulumiMocks";
import * as fs from "fs";
import * as path from "path";
import { outputsOf, runProgram, runProgramWithConfig } from "../helpers/program";
import { loadProject, mergeConfig } from "../helpers/pulumiCliRules";
import { readmeRuns } from "../helpers/readmeStacks";
import { VpcFlowLogs } from "../../components/vpcFlowLogs";

const VPC = "vpc-0123456789abcdef0";
const GROUP = "/central/flow-logs";
const GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${GROUP}`;
const ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/delivery`;
const STATEMENT = `{"Sid":"AllowVpcFlowLogsToAssumeRole","Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"${ACCOUNT_ID}"},"ArnLike":{"aws:SourceArn":"arn:aws:ec2:${REGION}:${ACCOUNT_ID}:vpc-flow-log/*"}}}`;
const QUERY_KEYS = ["log-status", "rejects-443", "tcp-443", "top-talkers", "unanswered-443"];

const typesOf = (prefix: string) =>
    registeredUnder(prefix)
        .map((r) => `${r.type} ${r.name}`)
        .sort();
const queryTypes = QUERY_KEYS.map((key) => `aws:cloudwatch/queryDefinition:QueryDefinition flow-logs-query-${key}`);

/** Lets the mocks record what the program registered once its inputs resolved. */
async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** The program's refusal once the provider has answered: the RunError's message, with nothing registered. */
async function refusedAfterRead(config: Record<string, string>): Promise<string> {
    try {
        await runProgram({ vpcId: VPC, ...config });
    } catch (err) {
        expect(pulumi.RunError.isInstance(err), String(err)).to.equal(true);
        await settle();
        expect(registrations.map((r) => r.name)).to.deep.equal([]);
        return (err as Error).message;
    }
    throw new Error("expected a RunError");
}

function refusedAtOnce(config: Record<string, string>): string {
    try {
        runProgram({ vpcId: VPC, ...config });
    } catch (err) {
        expect(pulumi.RunError.isInstance(err), String(err)).to.equal(true);
        expect(registrations).to.deep.equal([]);
        return (err as Error).message;
    }
    throw new Error("expected a RunError");
}

describe("existingLogGroupName: the program under mocks", () => {
    beforeEach(resetRecordings);

    it("creates the flow log, the role, its policy scoped to the existing group, the saved queries, and no log group", async () => {
        const outputs = await outputsOf(runProgram({ vpcId: VPC, existingLogGroupName: GROUP }));
        expect(typesOf("flow-logs")).to.deep.equal([
            ...queryTypes,
            `aws:ec2/flowLog:FlowLog flow-logs-${VPC}`,
            "aws:iam/policy:Policy flow-logs-policy",
            "aws:iam/role:Role flow-logs-role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment flow-logs-policy-attachment",
            "vpc-flow-logs:network:VpcFlowLogs flow-logs",
        ]);
        expect(registrations.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")).to.deep.equal([]);
        expect(JSON.parse(byName("flow-logs-policy").inputs.policy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DeliverFlowLogsToOneLogGroup",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                    Resource: `${GROUP_ARN}:*`,
                },
            ],
        });
        expect(byName("flow-logs-role").inputs.description).to.equal(`Lets VPC Flow Logs deliver records to ${GROUP}`);
        expect(byName(`flow-logs-${VPC}`).inputs).to.deep.include({ logDestinationType: "cloud-watch-logs", logDestination: GROUP_ARN, iamRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/flow-logs-role` });
        expect(requestFor(`flow-logs-${VPC}`).dependencies).to.deep.equal(["flow-logs-policy-attachment", "flow-logs-role"]);
        expect(byName("flow-logs-query-tcp-443").inputs.logGroupNames).to.deep.equal([GROUP]);
        expect(requestFor("flow-logs-query-tcp-443").dependencies).to.deep.equal([]);
        expect([outputs.logGroupName, outputs.logGroupArn, outputs.roleArn]).to.deep.equal([GROUP, GROUP_ARN, `arn:aws:iam::${ACCOUNT_ID}:role/flow-logs-role`]);
        expect(String(outputs.insightsConsoleUrl).endsWith("~source~(~'*2Fcentral*2Fflow-logs))")).to.equal(true);
        expect(outputs.cleanup).to.equal(
            `Run 'pulumi destroy --stack dev' to delete the flow logs, the IAM role and policy, and the saved queries; the log group ${GROUP} is not the stack's and stays, with its records, retention and encryption as they are. ${pauseLine(true)}`,
        );
        expect(invokes.filter((t) => t === "aws:cloudwatch/getLogGroup:getLogGroup")).to.have.length(1);
        expect(invokes).to.not.include("aws:iam/getRole:getRole");
    });

    it("with an existing role creates only the flow log and the saved queries, reading the group and the role once each", async () => {
        const outputs = await outputsOf(runProgram({ vpcId: VPC, existingLogGroupName: GROUP, existingRoleArn: ROLE }));
        expect(typesOf("flow-logs")).to.deep.equal([...queryTypes, `aws:ec2/flowLog:FlowLog flow-logs-${VPC}`, "vpc-flow-logs:network:VpcFlowLogs flow-logs"]);
        expect(byName(`flow-logs-${VPC}`).inputs).to.deep.include({ logDestination: GROUP_ARN, iamRoleArn: ROLE });
        expect(requestFor(`flow-logs-${VPC}`).dependencies).to.deep.equal([]);
        expect(outputs.roleArn).to.equal(ROLE);
        expect(outputs.cleanup).to.equal(
            `Run 'pulumi destroy --stack dev' to delete the flow logs and the saved queries; the log group ${GROUP} is not the stack's and stays, with its records, retention and encryption as they are. ${pauseLine(false)}`,
        );
        expect(invokes.filter((t) => t === "aws:cloudwatch/getLogGroup:getLogGroup" || t === "aws:iam/getRole:getRole").sort()).to.deep.equal([
            "aws:cloudwatch/getLogGroup:getLogGroup",
            "aws:iam/getRole:getRole",
        ]);
    });

    it("with savedQueries false creates no query either, and the cleanup line names only the flow logs", async () => {
        const outputs = await outputsOf(runProgram({ vpcId: VPC, existingLogGroupName: GROUP, existingRoleArn: ROLE, savedQueries: "false" }));
        expect(typesOf("flow-logs")).to.deep.equal([`aws:ec2/flowLog:FlowLog flow-logs-${VPC}`, "vpc-flow-logs:network:VpcFlowLogs flow-logs"]);
        expect(outputs.cleanup).to.equal(
            `Run 'pulumi destroy --stack dev' to delete the flow logs; the log group ${GROUP} is not the stack's and stays, with its records, retention and encryption as they are. ` +
                `To stop paying for ingest but keep the records in the log group ${GROUP}, pause capture instead: 'pulumi config set capture false --stack dev && pulumi up --stack dev' deletes the flow logs only, ` +
                "and the records then cost storage only, kept for as long as the log group's own retention setting keeps them; 'pulumi config set capture true --stack dev && pulumi up --stack dev' brings the flow logs back.",
        );
    });

    it("with an existing role and the stack's own log group, the cleanup line does not promise to delete the role", async () => {
        const outputs = await outputsOf(runProgram({ vpcId: VPC, existingRoleArn: ROLE }));
        expect(registrations.filter((r) => r.type.startsWith("aws:iam/"))).to.deep.equal([]);
        expect(outputs.cleanup).to.equal(
            `Run 'pulumi destroy --stack dev' to delete the flow logs, the saved queries, and the log group /vpc-flow-logs/dev with its records (ingest stops at once). To keep the records, run 'pulumi config set retainLogsOnDestroy true' and 'pulumi up' first: destroy uses the setting of the last update. ` +
                "To stop paying for ingest but keep the log group /vpc-flow-logs/dev with its records and the saved queries, pause capture instead: 'pulumi config set capture false --stack dev && pulumi up --stack dev' deletes the flow logs only, and the records then cost storage only, kept for 7 days (retentionInDays), so a pause longer than 7 days leaves none; 'pulumi config set capture true --stack dev && pulumi up --stack dev' brings the flow logs back.",
        );
    });

    it("with an existing role, the stack's own log group kept on destroy, and no saved queries", async () => {
        const outputs = await outputsOf(runProgram({ vpcId: VPC, existingRoleArn: ROLE, retainLogsOnDestroy: "true", savedQueries: "false" }));
        expect(registrations.filter((r) => r.type.startsWith("aws:iam/"))).to.deep.equal([]);
        expect(outputs.cleanup).to.equal(
            "Run 'pulumi destroy --stack dev' to delete the flow logs; the log group /vpc-flow-logs/dev is kept (retainLogsOnDestroy, as of the last update: after changing it, run 'pulumi up' before destroying). Delete it later with 'aws logs delete-log-group --log-group-name /vpc-flow-logs/dev --region ap-northeast-2'. " +
                "To stop paying for ingest but keep the log group /vpc-flow-logs/dev with its records, pause capture instead: 'pulumi config set capture false --stack dev && pulumi up --stack dev' deletes the flow logs only, and the records then cost storage only, kept for 7 days (retentionInDays), so a pause longer than 7 days leaves none; 'pulumi config set capture true --stack dev && pulumi up --stack dev' brings the flow logs back.",
        );
    });

    it("a group that does not exist stops the program at preview, naming it, with nothing registered", async () => {
        expect(await refusedAfterRead({ existingLogGroupName: "/central/flowlogs" })).to.equal(
            `existingLogGroupName '/central/flowlogs' cannot be read in ${REGION} (account ${ACCOUNT_ID}): reading CloudWatch Logs Log Group (/central/flowlogs): empty result. ` +
                `Allowed: the name of a log group that exists there (aws logs describe-log-groups --log-group-name-prefix /central/flowlogs --region ${REGION}), or no existingLogGroupName and the stack creates its own.`,
        );
    });

    it("refuses each setting of a group the stack would create, before asking the provider anything", () => {
        const conflict = (named: string, key: string) =>
            `existingLogGroupName '${GROUP}' cannot be combined with ${named}: that setting is for a log group the stack creates, and the existing group keeps its own retention, encryption and lifetime. ` +
            `Remove ${key} (pulumi config rm ${key}), or remove existingLogGroupName.`;
        const kms = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/k1`;
        const cases: [Record<string, string>, string][] = [
            [{ logGroupName: "/team/flow-logs" }, conflict("logGroupName '/team/flow-logs'", "logGroupName")],
            [{ retentionInDays: "30" }, conflict("retentionInDays 30", "retentionInDays")],
            [{ kmsKeyArn: kms }, conflict(`kmsKeyArn '${kms}'`, "kmsKeyArn")],
            [{ retainLogsOnDestroy: "true" }, conflict("retainLogsOnDestroy true", "retainLogsOnDestroy")],
            [
                { destination: "s3" },
                `existingLogGroupName '${GROUP}' applies to destination cloudwatch; this stack delivers to S3. Remove existingLogGroupName, or set destination to cloudwatch.`,
            ],
            [
                { existingLogGroupName: "/central/flow logs" },
                "Invalid existingLogGroupName '/central/flow logs'. Allowed: 1-512 characters of letters, digits, '_', '-', '/', '.', '#'.",
            ],
        ];
        for (const [config, message] of cases) {
            resetRecordings();
            expect(refusedAtOnce({ existingLogGroupName: GROUP, ...config }), JSON.stringify(config)).to.equal(message);
            expect(invokes, JSON.stringify(config)).to.deep.equal([]);
        }
    });

    it("accepts the settings at their defaults (what Pulumi.yaml gives every stack)", async () => {
        const outputs = await outputsOf(runProgram({ vpcId: VPC, existingLogGroupName: GROUP, retentionInDays: "7", retainLogsOnDestroy: "false" }));
        expect(outputs.logGroupName).to.equal(GROUP);
    });
});

describe("existingRoleArn checked before use: the program under mocks", () => {
    beforeEach(resetRecordings);

    it("a role whose trust policy names another service is refused at preview, with what it trusts and the statement to add", async () => {
        const arn = `arn:aws:iam::${ACCOUNT_ID}:role/ec2-app`;
        expect(await refusedAfterRead({ existingRoleArn: arn })).to.equal(
            `existingRoleArn '${arn}': its trust policy does not let vpc-flow-logs.amazonaws.com assume it: no Allow statement lets vpc-flow-logs.amazonaws.com call sts:AssumeRole for a flow log of account ${ACCOUNT_ID} in ${REGION}; it trusts ec2.amazonaws.com. ` +
                `Add this statement to its trust policy (IAM console: Roles, ec2-app, Trust relationships): ${STATEMENT}; or remove existingRoleArn and the stack creates a role.`,
        );
    });

    it("a role that does not exist is refused at preview", async () => {
        const arn = `arn:aws:iam::${ACCOUNT_ID}:role/flow-logs-delivry`;
        expect(await refusedAfterRead({ existingRoleArn: arn, existingLogGroupName: GROUP })).to.equal(
            `existingRoleArn '${arn}': role flow-logs-delivry cannot be read in account ${ACCOUNT_ID}: reading IAM Role (flow-logs-delivry): operation error IAM: GetRole, https response error StatusCode: 404, RequestID: 0a1b2c3d-0000-4000-8000-000000000000, NoSuchEntity: The role with name flow-logs-delivry cannot be found.. ` +
                `Allowed: a role of this account whose trust policy has ${STATEMENT}, or no existingRoleArn and the stack creates one.`,
        );
    });

    it("a role with a trust policy the check cannot decide is used, with a warning", async () => {
        MOCK_ROLES.set("org-delivery", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } } }] }));
        const warned: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (message: string) => {
            warned.push(message);
        };
        try {
            const arn = `arn:aws:iam::${ACCOUNT_ID}:role/org-delivery`;
            const outputs = await outputsOf(runProgram({ vpcId: VPC, existingRoleArn: arn }));
            expect(outputs.roleArn).to.equal(arn);
            expect(warned).to.deep.equal([
                `existingRoleArn '${arn}': the trust policy was not fully checked: an Allow statement depends on condition StringEquals on aws:SourceOrgID. ` +
                    `If vpc-flow-logs.amazonaws.com cannot assume the role, the flow logs show "Access error" (vpc-flow-diagnose status). It needs ${STATEMENT}.`,
            ]);
        } finally {
            (pulumi.log as { warn: typeof pulumi.log.warn }).warn = warn;
            MOCK_ROLES.delete("org-delivery");
        }
    });
});

describe("existingLogGroupName: the component on its own", () => {
    beforeEach(resetRecordings);

    it("reads the group itself (getLogGroup) when the caller has not, and delivers into it", async () => {
        const component = new VpcFlowLogs("own", { vpcId: VPC, existingLogGroupName: GROUP, savedQueries: false });
        await promiseOf(pulumi.all([component.flowLogIds, component.logGroupArn!, component.urn]));
        expect(typesOf("own")).to.deep.equal([
            `aws:ec2/flowLog:FlowLog own-${VPC}`,
            "aws:iam/policy:Policy own-policy",
            "aws:iam/role:Role own-role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment own-policy-attachment",
            "vpc-flow-logs:network:VpcFlowLogs own",
        ]);
        expect(byName(`own-${VPC}`).inputs.logDestination).to.equal(GROUP_ARN);
        expect(await promiseOf(component.logGroupName!)).to.equal(GROUP);
        expect(invokes.filter((t) => t === "aws:cloudwatch/getLogGroup:getLogGroup")).to.have.length(1);
    });

    it("reads the role itself when the caller has not, and says so instead of reading a role of another account", async () => {
        const warned: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (message: string) => {
            warned.push(message);
        };
        try {
            const own = new VpcFlowLogs("ownrole", { vpcId: VPC, existingRoleArn: ROLE, savedQueries: false });
            await promiseOf(pulumi.all([own.flowLogIds, own.roleArn!, own.urn]));
            expect(invokes.filter((t) => t === "aws:iam/getRole:getRole")).to.have.length(1);
            expect(byName(`ownrole-${VPC}`).inputs.iamRoleArn).to.equal(ROLE);
            resetRecordings();
            const other = "arn:aws:iam::210987654321:role/delivery";
            const foreign = new VpcFlowLogs("foreign", { vpcId: VPC, existingRoleArn: other, savedQueries: false });
            await promiseOf(pulumi.all([foreign.flowLogIds, foreign.roleArn!, foreign.urn]));
            expect(invokes).to.not.include("aws:iam/getRole:getRole");
            expect(byName(`foreign-${VPC}`).inputs.iamRoleArn).to.equal(other);
            expect(warned).to.deep.equal([
                `existingRoleArn '${other}': the role is in account 210987654321, the stack deploys with account ${ACCOUNT_ID}, whose GetRole cannot read it: its trust policy was not checked. It needs ${STATEMENT}.`,
            ]);
        } finally {
            (pulumi.log as { warn: typeof pulumi.log.warn }).warn = warn;
        }
    });

    it("uses the group the caller read and asks nothing", async () => {
        const place = { region: REGION, partition: "aws", accountId: ACCOUNT_ID };
        const component = new VpcFlowLogs("given", {
            vpcId: VPC,
            existingLogGroupName: GROUP,
            savedQueries: false,
            providerPlace: place,
            existing: { logGroup: { name: GROUP, arn: GROUP_ARN }, roleChecked: false },
        });
        await promiseOf(pulumi.all([component.flowLogIds, component.logGroupArn!, component.urn]));
        expect(byName(`given-${VPC}`).inputs.logDestination).to.equal(GROUP_ARN);
        expect(invokes).to.not.include("aws:cloudwatch/getLogGroup:getLogGroup");
    });
});

describe("docs/existing-resources.md: every `pulumi preview` and `pulumi up` it shows", () => {
    beforeEach(resetRecordings);
    const ROOT = path.join(__dirname, "..", "..", "..");
    const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

    it("passes the CLI's checks and creates exactly what the page says the stack owns", async () => {
        const project = loadProject(read("Pulumi.yaml"));
        const runs = readmeRuns(read("docs/existing-resources.md"), project.name, () => undefined);
        const seen: { stack: string; types: string[]; cleanup: unknown }[] = [];
        for (const run of runs) {
            resetRecordings();
            const outputs = await outputsOf(runProgramWithConfig(mergeConfig(run.stack, project, run.config)));
            seen.push({ stack: run.stack, types: [...new Set(registrations.map((r) => r.type))].sort(), cleanup: outputs.cleanup });
        }
        const group = [
            "aws:cloudwatch/queryDefinition:QueryDefinition",
            "aws:ec2/flowLog:FlowLog",
            "aws:iam/policy:Policy",
            "aws:iam/role:Role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "vpc-flow-logs:network:VpcFlowLogs",
        ];
        const both = ["aws:cloudwatch/queryDefinition:QueryDefinition", "aws:ec2/flowLog:FlowLog", "vpc-flow-logs:network:VpcFlowLogs"];
        const stays = `the log group ${GROUP} is not the stack's and stays, with its records, retention and encryption as they are.`;
        // The stack name in the cleanup line is the mocks' (dev); the page's own example says 'central'.
        expect(seen).to.deep.equal([
            { stack: "central", types: group, cleanup: `Run 'pulumi destroy --stack dev' to delete the flow logs, the IAM role and policy, and the saved queries; ${stays} ${pauseLine(true)}` },
            { stack: "central", types: group, cleanup: `Run 'pulumi destroy --stack dev' to delete the flow logs, the IAM role and policy, and the saved queries; ${stays} ${pauseLine(true)}` },
            { stack: "shared-role", types: both, cleanup: `Run 'pulumi destroy --stack dev' to delete the flow logs and the saved queries; ${stays} ${pauseLine(false)}` },
            { stack: "shared-role", types: both, cleanup: `Run 'pulumi destroy --stack dev' to delete the flow logs and the saved queries; ${stays} ${pauseLine(false)}` },
        ]);
        expect(read("docs/existing-resources.md")).to.contain(`Run 'pulumi destroy --stack central' to delete the flow logs, the IAM role and policy, and the saved queries; ${stays}`);
    });

    it("quotes the refusals exactly as the program words them", async () => {
        const doc = read("docs/existing-resources.md");
        const missing = await refusedAfterRead({ existingLogGroupName: "/central/flowlogs" });
        resetRecordings();
        const conflict = refusedAtOnce({ existingLogGroupName: GROUP, retentionInDays: "30" });
        resetRecordings();
        const ec2 = await refusedAfterRead({ existingRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/ec2-app` });
        for (const message of [missing, conflict, ec2]) expect(doc).to.contain(`error: ${message}\n`);
    });
});

/** The pause step the cleanup output offers after the destroy line; the existing group keeps the records by its own retention. */
function pauseLine(ownRole: boolean): string {
    const kept = ownRole ? `the records in the log group ${GROUP}, the saved queries and the IAM role and policy` : `the records in the log group ${GROUP} and the saved queries`;
    return (
        `To stop paying for ingest but keep ${kept}, pause capture instead: 'pulumi config set capture false --stack dev && pulumi up --stack dev' deletes the flow logs only, ` +
        "and the records then cost storage only, kept for as long as the log group's own retention setting keeps them; 'pulumi config set capture true --stack dev && pulumi up --stack dev' brings the flow logs back."
    );
}

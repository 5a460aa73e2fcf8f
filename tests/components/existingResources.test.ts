import { expect } from "chai";
import { userErrorOf, userErrorOfAsync } from "../helpers/userErrors";
import { checkExistingLogGroupConflicts, checkRoleTrust, oneLineReason, readExistingResources, roleNameOf } from "../../components/existingResources";

const ACCOUNT = "123456789012";
const REGION = "ap-northeast-2";
const PLACE = { accountId: ACCOUNT, region: REGION, partition: "aws" };
const GROUP = "/central/flow-logs";
const STATEMENT = `{"Sid":"AllowVpcFlowLogsToAssumeRole","Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"${ACCOUNT}"},"ArnLike":{"aws:SourceArn":"arn:aws:ec2:${REGION}:${ACCOUNT}:vpc-flow-log/*"}}}`;
const trust = (principal: object) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }] });

describe("existing resources: settings that conflict with an existing log group", () => {
    it("accepts the defaults (retentionInDays 7 is declared in Pulumi.yaml, so every stack has it)", () => {
        checkExistingLogGroupConflicts(GROUP, {});
        checkExistingLogGroupConflicts(GROUP, { retentionInDays: 7, retainLogsOnDestroy: false });
    });

    it("refuses each setting of a group the stack would create, naming it and the command that removes it", () => {
        const cases: [object, string][] = [
            [{ logGroupName: "/vpc-flow-logs/dev" }, "logGroupName '/vpc-flow-logs/dev'"],
            [{ retentionInDays: 30 }, "retentionInDays 30"],
            [{ kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1` }, `kmsKeyArn 'arn:aws:kms:${REGION}:${ACCOUNT}:key/k1'`],
            [{ retainLogsOnDestroy: true }, "retainLogsOnDestroy true"],
        ];
        for (const [own, named] of cases) {
            const key = named.split(" ")[0];
            expect(userErrorOf(() => checkExistingLogGroupConflicts(GROUP, own))).to.equal(
                `existingLogGroupName '${GROUP}' cannot be combined with ${named}: that setting is for a log group the stack creates, and the existing group keeps its own retention, encryption and lifetime. ` +
                    `Remove ${key} (pulumi config rm ${key}), or remove existingLogGroupName.`,
            );
        }
    });

    it("names every conflict at once", () => {
        expect(userErrorOf(() => checkExistingLogGroupConflicts(GROUP, { retentionInDays: 0, retainLogsOnDestroy: true }))).to.equal(
            `existingLogGroupName '${GROUP}' cannot be combined with retentionInDays 0, retainLogsOnDestroy true: those settings are for a log group the stack creates, and the existing group keeps its own retention, encryption and lifetime. ` +
                "Remove retentionInDays, retainLogsOnDestroy (pulumi config rm retentionInDays; pulumi config rm retainLogsOnDestroy), or remove existingLogGroupName.",
        );
    });
});

describe("existing resources: the role's trust policy", () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/platform/ec2-app`;

    it("takes the role name without its path, as GetRole wants it", () => {
        expect(roleNameOf(arn)).to.equal("ec2-app");
        expect(roleNameOf(`arn:aws:iam::${ACCOUNT}:role/delivery`)).to.equal("delivery");
    });

    it("refuses a role that trusts another service, naming it, what it trusts and the statement to add", () => {
        expect(userErrorOf(() => checkRoleTrust(arn, trust({ Service: "ec2.amazonaws.com" }), PLACE))).to.equal(
            `existingRoleArn '${arn}': its trust policy does not let vpc-flow-logs.amazonaws.com assume it: no Allow statement lets vpc-flow-logs.amazonaws.com call sts:AssumeRole for a flow log of account ${ACCOUNT} in ${REGION}; it trusts ec2.amazonaws.com. ` +
                `Add this statement to its trust policy (IAM console: Roles, ec2-app, Trust relationships): ${STATEMENT}; or remove existingRoleArn and the stack creates a role.`,
        );
    });

    it("accepts the role in both shapes getRole may give (JSON, URL-encoded), and warns when it cannot decide", () => {
        const good = trust({ Service: "vpc-flow-logs.amazonaws.com" });
        expect(checkRoleTrust(arn, good, PLACE)).to.deep.equal([]);
        expect(checkRoleTrust(arn, encodeURIComponent(good), PLACE)).to.deep.equal([]);
        expect(checkRoleTrust(arn, trust({ AWS: "*" }), PLACE)).to.deep.equal([
            `existingRoleArn '${arn}': the trust policy was not fully checked: an Allow statement depends on principal {"AWS":"*"}. ` +
                `If vpc-flow-logs.amazonaws.com cannot assume the role, the flow logs show "Access error" (vpc-flow-diagnose status). It needs ${STATEMENT}.`,
        ]);
        expect(checkRoleTrust(arn, "<xml/>", PLACE)).to.deep.equal([
            `existingRoleArn '${arn}': the trust policy was not checked (the trust policy is neither JSON nor URL-encoded JSON: <xml/>). It needs ${STATEMENT}.`,
        ]);
    });
});

describe("existing resources: reading them before anything is registered", () => {
    const readers = (groups: Record<string, string>, roles: Record<string, string>) => {
        const calls: string[] = [];
        return {
            calls,
            readers: {
                async getLogGroup(name: string) {
                    calls.push(`getLogGroup ${name}`);
                    if (!(name in groups)) throw new Error(`invocation of aws:cloudwatch/getLogGroup:getLogGroup returned an error: 1 error occurred:\n\t* reading CloudWatch Logs Log Group (${name}): empty result\n\n`);
                    return { name, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`, logGroupClass: groups[name] };
                },
                async getRole(name: string) {
                    calls.push(`getRole ${name}`);
                    if (!(name in roles)) throw new Error(`NoSuchEntity: The role with name ${name} cannot be found.`);
                    return { assumeRolePolicy: roles[name] };
                },
            },
        };
    };

    it("reads the group and the role by name and returns the group", async () => {
        const r = readers({ [GROUP]: "INFREQUENT_ACCESS" }, { delivery: trust({ Service: "vpc-flow-logs.amazonaws.com" }) });
        const warnings: string[] = [];
        const existing = await readExistingResources({ existingLogGroupName: GROUP, existingRoleArn: `arn:aws:iam::${ACCOUNT}:role/team/delivery` }, PLACE, r.readers, (m) => warnings.push(m));
        expect(existing).to.deep.equal({ logGroup: { name: GROUP, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${GROUP}`, logGroupClass: "INFREQUENT_ACCESS" }, roleChecked: true });
        expect(r.calls).to.deep.equal([`getLogGroup ${GROUP}`, "getRole delivery"]);
        expect(warnings).to.deep.equal([]);
    });

    it("reads nothing when neither is set", async () => {
        const r = readers({}, {});
        expect(await readExistingResources({}, PLACE, r.readers, () => undefined)).to.deep.equal({ roleChecked: false });
        expect(r.calls).to.deep.equal([]);
    });

    it("a missing group: one line naming it, the place and how to look for it", async () => {
        const r = readers({}, {});
        expect(await userErrorOfAsync(readExistingResources({ existingLogGroupName: "/central/flowlogs" }, PLACE, r.readers, () => undefined))).to.equal(
            `existingLogGroupName '/central/flowlogs' cannot be read in ${REGION} (account ${ACCOUNT}): invocation of aws:cloudwatch/getLogGroup:getLogGroup returned an error: 1 error occurred: * reading CloudWatch Logs Log Group (/central/flowlogs): empty result. ` +
                `Allowed: the name of a log group that exists there (aws logs describe-log-groups --log-group-name-prefix /central/flowlogs --region ${REGION}), or no existingLogGroupName and the stack creates its own.`,
        );
    });

    it("a missing role: one line naming it, with the trust policy it needs", async () => {
        const r = readers({}, {});
        const arn = `arn:aws:iam::${ACCOUNT}:role/flow-logs-delivry`;
        expect(await userErrorOfAsync(readExistingResources({ existingRoleArn: arn }, PLACE, r.readers, () => undefined))).to.equal(
            `existingRoleArn '${arn}': role flow-logs-delivry cannot be read in account ${ACCOUNT}: NoSuchEntity: The role with name flow-logs-delivry cannot be found.. ` +
                `Allowed: a role of this account whose trust policy has ${STATEMENT}, or no existingRoleArn and the stack creates one.`,
        );
    });

    it("a role of another account is not read (GetRole reads this account's roles only) and says so", async () => {
        const r = readers({}, {});
        const warnings: string[] = [];
        const arn = "arn:aws:iam::210987654321:role/delivery";
        expect(await readExistingResources({ existingRoleArn: arn }, PLACE, r.readers, (m) => warnings.push(m))).to.deep.equal({ roleChecked: true });
        expect(r.calls).to.deep.equal([]);
        expect(warnings).to.deep.equal([
            `existingRoleArn '${arn}': the role is in account 210987654321, the stack deploys with account ${ACCOUNT}, whose GetRole cannot read it: its trust policy was not checked. It needs ${STATEMENT}.`,
        ]);
    });

    it("makes an error one line", () => {
        expect(oneLineReason(new Error("a\n\t* b\n\n"))).to.equal("a * b");
        expect(oneLineReason("plain")).to.equal("plain");
    });
});

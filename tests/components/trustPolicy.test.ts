import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { TrustVerdict, evaluateTrust, parseTrustPolicy, requiredTrustStatement, trustedPrincipals } from "../../components/trustPolicy";

const ACCOUNT = "123456789012";
const REGION = "ap-northeast-2";
const CTX = { accountId: ACCOUNT, region: REGION, partition: "aws" };
const FIXTURES = path.join(__dirname, "..", "..", "..", "tests", "fixtures", "trust-policies");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");

const FLOW_LOGS = "vpc-flow-logs.amazonaws.com";
const NO_ALLOW = `no Allow statement lets ${FLOW_LOGS} call sts:AssumeRole for a flow log of account ${ACCOUNT} in ${REGION}`;
const policy = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const allow = (extra: object = {}) => ({ Effect: "Allow", Principal: { Service: FLOW_LOGS }, Action: "sts:AssumeRole", ...extra });

/** The guide's trust policy with its recommended condition block, placeholders filled in. */
function documentedWithConditions(account: string, region: string, flowLogId: string): object {
    const doc = JSON.parse(fixture("flow-logs-cwl-trust-policy.json"));
    const block = fixture("flow-logs-cwl-condition-block.json").replace(/account_id/g, account).replace(/region/g, region).replace(/flow-log-id/g, flowLogId);
    doc.Statement[0].Condition = JSON.parse(block).Condition;
    return doc;
}

describe("trust policy reader: AWS's documented shapes", () => {
    it("the VPC user guide's trust policy for flow logs is trusted, as is the same with its condition block and a wildcard flow-log id", () => {
        expect(evaluateTrust(JSON.parse(fixture("flow-logs-cwl-trust-policy.json")), CTX)).to.deep.equal({ kind: "trusted" });
        expect(evaluateTrust(documentedWithConditions(ACCOUNT, REGION, "*"), CTX)).to.deep.equal({ kind: "trusted" });
    });

    it("refuses the condition block when it names one flow log (new flow logs have other ids), another account or another region", () => {
        for (const doc of [
            documentedWithConditions(ACCOUNT, REGION, "fl-0123456789abcdef0"),
            documentedWithConditions("210987654321", REGION, "*"),
            documentedWithConditions(ACCOUNT, "us-east-1", "*"),
        ]) {
            expect(evaluateTrust(doc, CTX)).to.deep.equal({ kind: "refused", reason: NO_ALLOW });
        }
    });

    it("reads the principal as a string, in a list, or as '*'", () => {
        expect(evaluateTrust(policy(allow({ Principal: { Service: ["ec2.amazonaws.com", FLOW_LOGS] } })), CTX).kind).to.equal("trusted");
        expect(evaluateTrust(policy(allow({ Principal: "*" })), CTX).kind).to.equal("trusted");
        expect(evaluateTrust(policy(allow({ Principal: { Service: "ec2.amazonaws.com" } })), CTX)).to.deep.equal({ kind: "refused", reason: NO_ALLOW });
        expect(evaluateTrust(policy(allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })), CTX).kind).to.equal("refused");
    });

    it("reads the action as a string, a list, a wildcard (any case) or NotAction", () => {
        for (const Action of ["sts:AssumeRole", ["sts:TagSession", "sts:AssumeRole"], "sts:*", "*", "STS:assumerole", "sts:Assume*"]) {
            expect(evaluateTrust(policy(allow({ Action })), CTX).kind, JSON.stringify(Action)).to.equal("trusted");
        }
        for (const Action of ["sts:AssumeRoleWithWebIdentity", ["sts:TagSession"], "iam:*"]) {
            expect(evaluateTrust(policy(allow({ Action })), CTX).kind, JSON.stringify(Action)).to.equal("refused");
        }
        const notAction = { Effect: "Allow", Principal: { Service: FLOW_LOGS } };
        expect(evaluateTrust(policy({ ...notAction, NotAction: "sts:TagSession" }), CTX).kind).to.equal("trusted");
        expect(evaluateTrust(policy({ ...notAction, NotAction: ["sts:Assume*"] }), CTX).kind).to.equal("refused");
    });

    it("reads several statements, and a Statement that is one object", () => {
        const ec2 = { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" };
        expect(evaluateTrust(policy(ec2, allow()), CTX).kind).to.equal("trusted");
        expect(evaluateTrust({ Version: "2012-10-17", Statement: allow() }, CTX).kind).to.equal("trusted");
        expect(evaluateTrust({ Version: "2012-10-17", Statement: [] }, CTX)).to.deep.equal({ kind: "refused", reason: NO_ALLOW });
    });

    it("an explicit Deny wins over an Allow, unless its condition leaves this account's flow logs out", () => {
        const deny = { Sid: "NoFlowLogs", Effect: "Deny", Principal: { Service: FLOW_LOGS }, Action: "sts:AssumeRole" };
        expect(evaluateTrust(policy(allow(), deny), CTX)).to.deep.equal({
            kind: "refused",
            reason: 'a Deny statement "NoFlowLogs" denies it sts:AssumeRole (an explicit Deny wins over any Allow)',
        });
        // Deny for every account but ours (the confused-deputy guard written as a Deny).
        const denyOthers = { ...deny, Condition: { StringNotEquals: { "aws:SourceAccount": ACCOUNT } } };
        expect(evaluateTrust(policy(allow(), denyOthers), CTX).kind).to.equal("trusted");
        expect(evaluateTrust(policy(allow(), { ...denyOthers, Condition: { StringNotEquals: { "aws:SourceAccount": "210987654321" } } }), CTX).kind).to.equal("refused");
        const denyAll = { Effect: "Deny", Principal: "*", Action: "sts:*" };
        expect(evaluateTrust(policy(allow(), denyAll), CTX).kind).to.equal("refused");
    });

    it("NotPrincipal grants nothing with Allow (AWS: not supported in a trust policy) and denies every other principal with Deny", () => {
        expect(evaluateTrust(policy({ Effect: "Allow", NotPrincipal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), CTX).kind).to.equal("refused");
        const denyAllBut = (Service: string) => ({ Effect: "Deny", NotPrincipal: { Service }, Action: "sts:AssumeRole" });
        expect(evaluateTrust(policy(allow(), denyAllBut("ec2.amazonaws.com")), CTX).kind).to.equal("refused");
        expect(evaluateTrust(policy(allow(), denyAllBut(FLOW_LOGS)), CTX).kind).to.equal("trusted");
    });

    it("matches condition keys in any case, operators with IfExists, and any of several values", () => {
        const conditioned = (Condition: object) => evaluateTrust(policy(allow({ Condition })), CTX).kind;
        expect(conditioned({ StringEqualsIfExists: { "AWS:SourceAccount": ["210987654321", ACCOUNT] } })).to.equal("trusted");
        expect(conditioned({ ArnEquals: { "aws:SourceArn": `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc-flow-log/fl-0123456789abcdef0` } })).to.equal("refused");
        expect(conditioned({ StringLike: { "aws:SourceArn": `arn:aws:ec2:*:${ACCOUNT}:*` } })).to.equal("trusted");
        expect(conditioned({ ArnNotLike: { "aws:SourceArn": "arn:aws:ec2:*:210987654321:*" } })).to.equal("trusted");
    });

    it("says what it cannot decide instead of guessing: another condition key, a set operator, {AWS: '*'}, a pattern that fits some flow-log ids", () => {
        expect(evaluateTrust(policy(allow({ Condition: { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } } })), CTX)).to.deep.equal({
            kind: "unknown",
            reason: "an Allow statement depends on condition StringEquals on aws:SourceOrgID",
        });
        expect(evaluateTrust(policy(allow({ Condition: { "ForAnyValue:StringEquals": { "aws:SourceAccount": ACCOUNT } } })), CTX)).to.deep.equal({
            kind: "unknown",
            reason: "an Allow statement depends on condition ForAnyValue:StringEquals on aws:SourceAccount",
        });
        expect(evaluateTrust(policy(allow({ Principal: { AWS: "*" } })), CTX)).to.deep.equal({ kind: "unknown", reason: 'an Allow statement depends on principal {"AWS":"*"}' });
        const some = `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc-flow-log/fl-0*`;
        expect(evaluateTrust(policy(allow({ Condition: { ArnLike: { "aws:SourceArn": some } } })), CTX)).to.deep.equal({
            kind: "unknown",
            reason: `an Allow statement depends on condition ArnLike on aws:SourceArn ("${some}") may hold for some flow logs only`,
        });
        // A Deny that may apply makes an allowed role unknown, not trusted; without an Allow it changes nothing.
        const maybeDeny = { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { Bool: { "aws:SecureTransport": "false" } } };
        expect(evaluateTrust(policy(maybeDeny), CTX)).to.deep.equal({ kind: "refused", reason: NO_ALLOW });
        // An undecided Allow beside a decided one does not make the role undecided.
        expect(evaluateTrust(policy(allow(), allow({ Principal: { AWS: "*" } })), CTX)).to.deep.equal({ kind: "trusted" });
        expect(evaluateTrust(policy(allow(), { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { Bool: { "aws:SecureTransport": "false" } } }), CTX)).to.deep.equal({
            kind: "unknown",
            reason: "a Deny statement may apply: condition Bool on aws:SecureTransport",
        });
    });

    it("reads the trust policy as the provider gives it (JSON) and as GetRole returns it (URL-encoded, spaces as %20 or +)", () => {
        const text = fixture("flow-logs-cwl-trust-policy.json");
        expect(parseTrustPolicy(encodeURIComponent(text))).to.deep.equal(JSON.parse(text));
        expect(parseTrustPolicy(encodeURIComponent(text).replace(/%20/g, "+"))).to.deep.equal(JSON.parse(text));
        // A '+' or '%' inside plain JSON is kept as written.
        expect(parseTrustPolicy('{"Sid":"a+b%20"}')).to.deep.equal({ Sid: "a+b%20" });
        expect(() => parseTrustPolicy("not a policy")).to.throw("the trust policy is neither JSON nor URL-encoded JSON: not a policy");
    });

    it("names what the policy trusts instead, and the statement to add", () => {
        const ec2AndRoot = policy(
            { Effect: "Allow", Principal: { Service: ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"] }, Action: "sts:AssumeRole" },
            { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" },
            { Effect: "Deny", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        );
        expect(trustedPrincipals(ec2AndRoot)).to.deep.equal(["ec2.amazonaws.com", "ecs-tasks.amazonaws.com", `arn:aws:iam::${ACCOUNT}:root`]);
        expect(requiredTrustStatement(CTX)).to.equal(
            `{"Sid":"AllowVpcFlowLogsToAssumeRole","Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"${ACCOUNT}"},"ArnLike":{"aws:SourceArn":"arn:aws:ec2:${REGION}:${ACCOUNT}:vpc-flow-log/*"}}}`,
        );
        expect(evaluateTrust(policy(JSON.parse(requiredTrustStatement(CTX))), CTX).kind).to.equal("trusted");
    });
});

describe("trust policy reader: properties over generated trust policies", () => {
    const principal = fc.constantFrom<unknown>("*", { Service: FLOW_LOGS }, { Service: ["ec2.amazonaws.com", FLOW_LOGS] }, { Service: "ec2.amazonaws.com" }, { AWS: "*" }, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
    const action = fc.constantFrom<unknown>("sts:AssumeRole", "sts:*", ["sts:TagSession"], "sts:AssumeRoleWithSAML", "*");
    const condition = fc.constantFrom<unknown>(
        undefined,
        { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        { StringEquals: { "aws:SourceAccount": "210987654321" } },
        { ArnLike: { "aws:SourceArn": `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc-flow-log/*` } },
        { StringNotEquals: { "aws:SourceAccount": ACCOUNT } },
        { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } },
    );
    const statement = fc.record({ Effect: fc.constantFrom("Allow", "Allow", "Deny"), Principal: principal, Action: action, Condition: condition }).map((s) => {
        const { Condition, ...rest } = s;
        return Condition === undefined ? rest : { ...rest, Condition };
    });
    const statements = fc.array(statement, { maxLength: 5 });
    const kind = (v: TrustVerdict) => v.kind;
    const applicableDeny = { Effect: "Deny", Principal: { Service: FLOW_LOGS }, Action: "sts:AssumeRole" };

    it("the verdict does not depend on statement order or on the encoding; an applicable Deny always refuses; the required statement makes a policy without Deny trusted", () => {
        let trusted = 0;
        let refused = 0;
        let unknown = 0;
        fc.assert(
            fc.property(statements, (list) => {
                const verdict = evaluateTrust(policy(...list), CTX);
                ({ trusted: () => trusted++, refused: () => refused++, unknown: () => unknown++ })[verdict.kind]();
                expect(kind(evaluateTrust(policy(...[...list].reverse()), CTX))).to.equal(verdict.kind);
                expect(kind(evaluateTrust(parseTrustPolicy(encodeURIComponent(JSON.stringify(policy(...list)))), CTX))).to.equal(verdict.kind);
                expect(kind(evaluateTrust(policy(...list, applicableDeny), CTX))).to.equal("refused");
                const withRequired = kind(evaluateTrust(policy(...list, JSON.parse(requiredTrustStatement(CTX))), CTX));
                if (list.every((s) => s.Effect === "Allow")) expect(withRequired).to.equal("trusted");
            }),
            { seed: 24, numRuns: 400 },
        );
        // Every verdict was reached.
        expect([trusted > 20, refused > 20, unknown > 20]).to.deep.equal([true, true, true]);
    });
});

import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, REGION, byName, invokes, promiseOf, registeredUnder, requestFor, resetRecordings } from "../helpers/pulumiMocks";
import { VpcFlowLogs, VpcFlowLogsArgs } from "../../components/vpcFlowLogs";
import { buildLogStatusQuery, buildRecordsQuery, buildRejectsQuery, buildTopTalkersQuery, buildUnansweredQuery } from "../../analysis/queries/insightsQuery";
import { DEFAULT_FORMAT as DEFAULT_FIELDS, DIAGNOSTIC_FORMAT as DIAGNOSTIC_FIELDS } from "../../analysis/core/logFormat";

const VPC = "vpc-0123456789abcdef0";
const SUBNET_A = "subnet-0aaaaaaaaaaaaaaaa";
const SUBNET_B = "subnet-0bbbbbbbbbbbbbbbb";
const DEFAULT_FORMAT =
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

/** Builds the component and waits until every child is registered. */
async function deploy(name: string, args: VpcFlowLogsArgs): Promise<VpcFlowLogs> {
    const component = new VpcFlowLogs(name, args);
    await promiseOf(pulumi.all([component.flowLogIds, component.roleArn, component.logGroupArn, component.savedQueryIds, component.urn]));
    return component;
}

/** The five saved queries' registrations, as `type name` lines in typesOf's order. */
function savedQueryTypes(prefix: string): string[] {
    return ["log-status", "rejects-443", "tcp-443", "top-talkers", "unanswered-443"].map(
        (key) => `aws:cloudwatch/queryDefinition:QueryDefinition ${prefix}-query-${key}`,
    );
}

function typesOf(prefix: string): string[] {
    return registeredUnder(prefix)
        .map((r) => `${r.type} ${r.name}`)
        .sort();
}

describe("VpcFlowLogs component", () => {
    beforeEach(resetRecordings);

    it("creates exactly the role, policy, attachment, log group, one flow log for a VPC and the five saved queries", async () => {
        await deploy("fl", { vpcId: VPC });
        expect(typesOf("fl")).to.deep.equal([
            "aws:cloudwatch/logGroup:LogGroup fl-log-group",
            ...savedQueryTypes("fl"),
            `aws:ec2/flowLog:FlowLog fl-${VPC}`,
            "aws:iam/policy:Policy fl-policy",
            "aws:iam/role:Role fl-role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment fl-policy-attachment",
            "vpc-flow-logs:network:VpcFlowLogs fl",
        ]);
    });

    it("trusts only vpc-flow-logs.amazonaws.com, for flow logs of this account and region", async () => {
        await deploy("trust", { vpcId: VPC });
        expect(JSON.parse(byName("trust-role").inputs.assumeRolePolicy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowVpcFlowLogsToAssumeRole",
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                        ArnLike: { "aws:SourceArn": `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:vpc-flow-log/*` },
                    },
                },
            ],
        });
    });

    it("grants the four delivery actions on the log group's streams only", async () => {
        await deploy("perm", { vpcId: VPC });
        expect(JSON.parse(byName("perm-policy").inputs.policy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DeliverFlowLogsToOneLogGroup",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                    Resource: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/vpc-flow-logs/perm:*`,
                },
            ],
        });
        expect(byName("perm-policy-attachment").inputs).to.deep.equal({
            role: "perm-role",
            policyArn: `arn:aws:iam::${ACCOUNT_ID}:policy/perm-policy`,
        });
    });

    it("passes the exact flow log and log group inputs, with the defaults applied", async () => {
        const component = await deploy("inputs", { vpcId: VPC });
        expect(byName(`inputs-${VPC}`).inputs).to.deep.equal({
            vpcId: VPC,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/vpc-flow-logs/inputs`,
            iamRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/inputs-role`,
            maxAggregationInterval: 60,
            logFormat: DEFAULT_FORMAT,
            tags: {},
        });
        expect(byName("inputs-log-group").inputs).to.deep.equal({ name: "/vpc-flow-logs/inputs", retentionInDays: 7, tags: {} });
        expect(component.logFormat).to.equal(DEFAULT_FORMAT);
        expect(component.trafficType).to.equal("ALL");
        expect(await promiseOf(component.flowLogIds)).to.deep.equal({ [VPC]: `fl-inputs-${VPC}` });
        expect(await promiseOf(component.roleArn!)).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/inputs-role`);
        expect(await promiseOf(component.logGroupName!)).to.equal("/vpc-flow-logs/inputs");
        expect(await promiseOf(component.region)).to.equal(REGION);
    });

    it("orders every flow log after the policy attachment and parents every child to the component", async () => {
        await deploy("order", { vpcId: VPC, subnetIds: [SUBNET_A] });
        for (const child of ["order-log-group", "order-role", "order-policy", "order-policy-attachment", `order-${VPC}`, `order-${SUBNET_A}`]) {
            expect(requestFor(child).parent, child).to.equal("order");
        }
        for (const flowLog of [`order-${VPC}`, `order-${SUBNET_A}`]) {
            expect(requestFor(flowLog).dependencies, flowLog).to.deep.equal(["order-log-group", "order-policy-attachment", "order-role"]);
        }
        expect(requestFor("order-policy-attachment").dependencies).to.deep.equal(["order-policy", "order-role"]);
    });

    it("replaces a flow log by deleting the old one first, and nothing else that way", async () => {
        await deploy("replace", { vpcId: VPC, subnetIds: [SUBNET_A] });
        const deletedFirst = ["replace", "replace-log-group", "replace-role", "replace-policy", "replace-policy-attachment", `replace-${VPC}`, `replace-${SUBNET_A}`]
            .filter((name) => requestFor(name).deleteBeforeReplace);
        expect(deletedFirst).to.deep.equal([`replace-${VPC}`, `replace-${SUBNET_A}`]);
    });

    it("creates one flow log per target for a VPC plus subnets and ENIs, named after each target", async () => {
        const eni = "eni-0123456789abcdef0";
        const component = await deploy("multi", { vpcId: VPC, subnetIds: [SUBNET_A, SUBNET_B], eniIds: [eni] });
        const flowLogs = registeredUnder("multi").filter((r) => r.type === "aws:ec2/flowLog:FlowLog");
        expect(flowLogs.map((r) => [r.name, r.inputs.vpcId ?? r.inputs.subnetId ?? r.inputs.eniId])).to.deep.equal([
            [`multi-${VPC}`, VPC],
            [`multi-${SUBNET_A}`, SUBNET_A],
            [`multi-${SUBNET_B}`, SUBNET_B],
            [`multi-${eni}`, eni],
        ]);
        expect(registeredUnder("multi")).to.have.length(14);
        expect(await promiseOf(component.flowLogIds)).to.deep.equal({
            [VPC]: `fl-multi-${VPC}`,
            [SUBNET_A]: `fl-multi-${SUBNET_A}`,
            [SUBNET_B]: `fl-multi-${SUBNET_B}`,
            [eni]: `fl-multi-${eni}`,
        });
    });

    it("with an existing role creates no role, policy or attachment and delivers with that role", async () => {
        const existing = "arn:aws:iam::123456789012:role/platform/flow-logs-delivery";
        const component = await deploy("ext", { subnetIds: [SUBNET_A], existingRoleArn: existing });
        expect(typesOf("ext")).to.deep.equal([
            "aws:cloudwatch/logGroup:LogGroup ext-log-group",
            ...savedQueryTypes("ext"),
            `aws:ec2/flowLog:FlowLog ext-${SUBNET_A}`,
            "vpc-flow-logs:network:VpcFlowLogs ext",
        ]);
        expect(byName(`ext-${SUBNET_A}`).inputs.iamRoleArn).to.equal(existing);
        expect(requestFor(`ext-${SUBNET_A}`).dependencies).to.deep.equal(["ext-log-group"]);
        expect(await promiseOf(component.roleArn!)).to.equal(existing);
    });

    it("normalises the console's traffic filter words and applies interval, retention, KMS and tags", async () => {
        const kms = "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const tags = { team: "platform", purpose: "s3-timeout-debugging" };
        const component = await deploy("opts", {
            vpcId: VPC,
            trafficType: "Rejected",
            maxAggregationInterval: 600,
            retentionInDays: 30,
            kmsKeyArn: kms,
            logGroupName: "/custom/flow-logs",
            tags,
        });
        expect(component.trafficType).to.equal("REJECT");
        expect(byName(`opts-${VPC}`).inputs).to.include({ trafficType: "REJECT", maxAggregationInterval: 600 });
        expect(byName("opts-log-group").inputs).to.deep.equal({ name: "/custom/flow-logs", retentionInDays: 30, kmsKeyId: kms, tags });
        for (const taggable of ["opts-log-group", "opts-role", "opts-policy", `opts-${VPC}`]) {
            expect(byName(taggable).inputs.tags, taggable).to.deep.equal(tags);
        }
        expect(byName("opts-policy-attachment").inputs).to.not.have.property("tags");
    });

    it("writes the diagnostic preset as 23 fields in order", async () => {
        const component = await deploy("diag", { vpcId: VPC, logFormat: "diagnostic" });
        const expected =
            DEFAULT_FORMAT +
            " ${vpc-id} ${subnet-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path} ${pkt-dst-aws-service}";
        expect(byName(`diag-${VPC}`).inputs.logFormat).to.equal(expected);
        expect(component.logFormat).to.equal(expected);
        expect(component.logFormatKind).to.equal("diagnostic");
    });

    it("passes a custom format through exactly", async () => {
        const custom = "${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${tcp-flags}";
        const component = await deploy("custom", { vpcId: VPC, logFormat: custom });
        expect(byName(`custom-${VPC}`).inputs.logFormat).to.equal(custom);
        expect(component.logFormatKind).to.equal("custom");
    });

    it("keeps the log group on destroy only when asked", async () => {
        await deploy("keep", { vpcId: VPC, retainLogsOnDestroy: true });
        await deploy("drop", { vpcId: VPC });
        expect(requestFor("keep-log-group").retainOnDelete).to.equal(true);
        expect(requestFor("drop-log-group").retainOnDelete).to.equal(false);
    });

    it("accepts target ids that are outputs of other resources, naming those flow logs by position", async () => {
        const component = await deploy("lab", { vpcId: pulumi.output(VPC), subnetIds: [pulumi.output(SUBNET_A)] });
        expect(registeredUnder("lab").filter((r) => r.type === "aws:ec2/flowLog:FlowLog").map((r) => r.name)).to.deep.equal([
            "lab-vpc-0",
            "lab-subnet-1",
        ]);
        expect(await promiseOf(component.flowLogIds)).to.deep.equal({ [VPC]: "fl-lab-vpc-0", [SUBNET_A]: "fl-lab-subnet-1" });
    });

    it("asks the provider for account, region and partition, and nothing else", async () => {
        await deploy("ctx", { vpcId: VPC });
        expect([...new Set(invokes)].sort()).to.deep.equal([
            "aws:index/getCallerIdentity:getCallerIdentity",
            "aws:index/getPartition:getPartition",
            "aws:index/getRegion:getRegion",
        ]);
    });

    describe("saved queries", () => {
        const queryDefinitions = (prefix: string) =>
            registeredUnder(prefix).filter((r) => r.type === "aws:cloudwatch/queryDefinition:QueryDefinition");

        it("saves five queries on the log group, in the folder, and outputs their ids by name", async () => {
            const component = await deploy("sq", { vpcId: VPC, logGroupName: "/vpc-flow-logs/dev", savedQueryFolder: "vpc-flow-logs/dev" });
            expect(queryDefinitions("sq").map((r) => [r.name, r.inputs])).to.deep.equal([
                [
                    "sq-query-tcp-443",
                    {
                        name: "vpc-flow-logs/dev/TCP 443 conversations",
                        queryString: [
                            "fields @timestamp, interfaceId, srcAddr, srcPort, dstAddr, dstPort, action, packets, bytes, logStatus",
                            "filter protocol = 6 and ((dstPort = 443) or (srcPort = 443))",
                            "sort @timestamp desc",
                            "limit 1000",
                        ].join("\n| "),
                        logGroupNames: ["/vpc-flow-logs/dev"],
                    },
                ],
                [
                    "sq-query-rejects-443",
                    {
                        name: "vpc-flow-logs/dev/REJECTs toward S3 (TCP 443) by ENI and destination",
                        queryString: buildRejectsQuery(DEFAULT_FIELDS),
                        logGroupNames: ["/vpc-flow-logs/dev"],
                    },
                ],
                [
                    "sq-query-unanswered-443",
                    {
                        name: "vpc-flow-logs/dev/Accepted TCP 443 with no reply by ENI and minute",
                        queryString: buildUnansweredQuery(DEFAULT_FIELDS),
                        logGroupNames: ["/vpc-flow-logs/dev"],
                    },
                ],
                [
                    "sq-query-top-talkers",
                    {
                        name: "vpc-flow-logs/dev/Top talkers by bytes",
                        queryString: buildTopTalkersQuery(DEFAULT_FIELDS),
                        logGroupNames: ["/vpc-flow-logs/dev"],
                    },
                ],
                [
                    "sq-query-log-status",
                    {
                        name: "vpc-flow-logs/dev/NODATA and SKIPDATA by ENI",
                        queryString: buildLogStatusQuery(DEFAULT_FIELDS),
                        logGroupNames: ["/vpc-flow-logs/dev"],
                    },
                ],
            ]);
            expect(await promiseOf(component.savedQueryIds)).to.deep.equal({
                "vpc-flow-logs/dev/TCP 443 conversations": "qd-sq-query-tcp-443",
                "vpc-flow-logs/dev/REJECTs toward S3 (TCP 443) by ENI and destination": "qd-sq-query-rejects-443",
                "vpc-flow-logs/dev/Accepted TCP 443 with no reply by ENI and minute": "qd-sq-query-unanswered-443",
                "vpc-flow-logs/dev/Top talkers by bytes": "qd-sq-query-top-talkers",
                "vpc-flow-logs/dev/NODATA and SKIPDATA by ENI": "qd-sq-query-log-status",
            });
        });

        it("are children of the component that wait for the log group, and the folder defaults to the component name", async () => {
            await deploy("sqdef", { vpcId: VPC });
            for (const definition of queryDefinitions("sqdef")) {
                expect(requestFor(definition.name).parent, definition.name).to.equal("sqdef");
                expect(requestFor(definition.name).dependencies, definition.name).to.deep.equal(["sqdef-log-group"]);
                expect(definition.inputs.name.startsWith("vpc-flow-logs/sqdef/"), definition.inputs.name).to.equal(true);
                expect(definition.inputs.logGroupNames).to.deep.equal(["/vpc-flow-logs/sqdef"]);
            }
            expect(queryDefinitions("sqdef")).to.have.length(5);
        });

        it("read the diagnostic format with parse @message", async () => {
            await deploy("sqdiag", { vpcId: VPC, logFormat: "diagnostic" });
            expect(queryDefinitions("sqdiag").map((r) => r.inputs.queryString)).to.deep.equal([
                buildRecordsQuery(DIAGNOSTIC_FIELDS, { port: 443, protocol: 6 }),
                buildRejectsQuery(DIAGNOSTIC_FIELDS),
                buildUnansweredQuery(DIAGNOSTIC_FIELDS),
                buildTopTalkersQuery(DIAGNOSTIC_FIELDS),
                buildLogStatusQuery(DIAGNOSTIC_FIELDS),
            ]);
            expect(queryDefinitions("sqdiag").every((r) => r.inputs.queryString.includes('parse @message "* * * * * * * * * * * * * * * * * * * * * * *" as version, '))).to.equal(true);
        });

        it("leave out top talkers and NODATA/SKIPDATA for a custom format without bytes or log-status", async () => {
            const custom = "${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${tcp-flags}";
            const component = await deploy("sqcustom", { vpcId: VPC, logFormat: custom, savedQueryFolder: "team/flows" });
            expect(queryDefinitions("sqcustom").map((r) => r.inputs.name)).to.deep.equal([
                "team/flows/TCP 443 conversations",
                "team/flows/REJECTs toward S3 (TCP 443) by ENI and destination",
                "team/flows/Accepted TCP 443 with no reply by ENI and minute",
            ]);
            expect(Object.keys(await promiseOf(component.savedQueryIds))).to.have.length(3);
            expect(registeredUnder("sqcustom")).to.have.length(9);
        });

        it("savedQueries false creates none, and exactly the resources of before", async () => {
            const component = await deploy("nosq", { vpcId: VPC, savedQueries: false });
            expect(typesOf("nosq")).to.deep.equal([
                "aws:cloudwatch/logGroup:LogGroup nosq-log-group",
                `aws:ec2/flowLog:FlowLog nosq-${VPC}`,
                "aws:iam/policy:Policy nosq-policy",
                "aws:iam/role:Role nosq-role",
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment nosq-policy-attachment",
                "vpc-flow-logs:network:VpcFlowLogs nosq",
            ]);
            expect(await promiseOf(component.savedQueryIds)).to.deep.equal({});
        });

        it("refuses a folder with an empty level before registering anything", () => {
            let thrown: unknown;
            try {
                new VpcFlowLogs("badfolder", { vpcId: VPC, savedQueryFolder: "vpc-flow-logs/" });
            } catch (err) {
                thrown = err;
            }
            expect(pulumi.RunError.isInstance(thrown)).to.equal(true);
            expect((thrown as Error).message).to.equal(
                "Invalid savedQueryFolder 'vpc-flow-logs/'. Allowed: 1-204 characters, folder levels separated by single '/', no leading or trailing '/'.",
            );
            expect(registeredUnder("badfolder")).to.deep.equal([]);
        });
    });

    it("rejects a bad value before registering anything, with a one-line error and no stack", () => {
        let thrown: unknown;
        try {
            new VpcFlowLogs("bad", { vpcId: VPC, maxAggregationInterval: 300 });
        } catch (err) {
            thrown = err;
        }
        expect(pulumi.RunError.isInstance(thrown)).to.equal(true);
        expect((thrown as Error).message).to.equal("Invalid maxAggregationInterval 300. Allowed: 60, 600 (seconds).");
        expect(registeredUnder("bad")).to.deep.equal([]);
    });

    it("rejects a component without any target", () => {
        expect(() => new VpcFlowLogs("none", {})).to.throw(
            "No flow log target: set vpcId, or subnetIds or eniIds (a list of 'subnet-...' / 'eni-...' ids). At least one is required.",
        );
        expect(registeredUnder("none")).to.deep.equal([]);
    });
});


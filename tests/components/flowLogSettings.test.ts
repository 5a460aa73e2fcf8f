import { expect } from "chai";
import { userErrorOf } from "../helpers/userErrors";
import {
    FlowLogSettingsInput,
    PENDING_ID,
    readIdList,
    readTags,
    resolveFlowLogSettings,
    validateLogGroupName,
    validateTargets,
} from "../../components/flowLogSettings";

const VPC = "vpc-0123456789abcdef0";
const FIELDS =
    "version, account-id, interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log-status, " +
    "vpc-id, subnet-id, instance-id, tcp-flags, type, pkt-srcaddr, pkt-dstaddr, region, az-id, sublocation-type, sublocation-id, " +
    "pkt-src-aws-service, pkt-dst-aws-service, flow-direction, traffic-path, ecs-cluster-arn, ecs-cluster-name, " +
    "ecs-container-instance-arn, ecs-container-instance-id, ecs-container-id, ecs-second-container-id, ecs-service-name, " +
    "ecs-task-definition-arn, ecs-task-arn, ecs-task-id, reject-reason";

describe("flow-log settings", () => {
    describe("defaults and normalisation", () => {
        it("applies every default", () => {
            const settings = resolveFlowLogSettings({});
            expect({ ...settings, logFormat: settings.logFormat.kind }).to.deep.equal({
                trafficType: "ALL",
                maxAggregationInterval: 60,
                logFormat: "default",
                retentionInDays: 7,
                retainLogsOnDestroy: false,
                kmsKeyArn: undefined,
                existingRoleArn: undefined,
                tags: {},
            });
        });

        const trafficTypes: [string, string][] = [
            ["ALL", "ALL"],
            ["All", "ALL"],
            ["all", "ALL"],
            ["Accepted", "ACCEPT"],
            ["ACCEPT", "ACCEPT"],
            ["accept", "ACCEPT"],
            ["Rejected", "REJECT"],
            ["REJECTED", "REJECT"],
            ["reject", "REJECT"],
            [" Rejected ", "REJECT"],
        ];
        for (const [given, expected] of trafficTypes) {
            it(`reads trafficType '${given}' as ${expected}`, () => {
                expect(resolveFlowLogSettings({ trafficType: given }).trafficType).to.equal(expected);
            });
        }

        it("accepts every retention CloudWatch Logs accepts, and 0 for never expire", () => {
            for (const days of [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]) {
                expect(resolveFlowLogSettings({ retentionInDays: days }).retentionInDays).to.equal(days);
            }
        });

        it("reads the presets in any case", () => {
            expect(resolveFlowLogSettings({ logFormat: "Diagnostic" }).logFormat.kind).to.equal("diagnostic");
            expect(resolveFlowLogSettings({ logFormat: "DEFAULT" }).logFormat.kind).to.equal("default");
            expect(resolveFlowLogSettings({ logFormat: "ECS" }).logFormat.kind).to.equal("ecs");
        });

        it("the ecs preset is diagnostic plus the task's cluster, service, id and ARN (version 7 fields)", () => {
            const ecs = resolveFlowLogSettings({ logFormat: "ecs" }).logFormat;
            expect(ecs.formatString).to.equal(
                "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} " +
                    "${vpc-id} ${subnet-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path} ${pkt-dst-aws-service} " +
                    "${ecs-cluster-name} ${ecs-service-name} ${ecs-task-id} ${ecs-task-arn}",
            );
            // The same fields written out by hand are the preset, not a custom format.
            expect(resolveFlowLogSettings({ logFormat: ecs.formatString }).logFormat.kind).to.equal("ecs");
        });
    });

    describe("bad values fail with one message naming the key, the value and what is allowed", () => {
        const cases: [string, FlowLogSettingsInput, string][] = [
            [
                "unknown traffic type",
                { trafficType: "Rejectd" },
                "Invalid trafficType 'Rejectd'. Allowed: ALL, ACCEPT, REJECT (aliases: All, Accepted, Rejected, any case).",
            ],
            ["empty traffic type", { trafficType: "" }, "Invalid trafficType (empty). Allowed: ALL, ACCEPT, REJECT (aliases: All, Accepted, Rejected, any case)."],
            ["interval 300", { maxAggregationInterval: 300 }, "Invalid maxAggregationInterval 300. Allowed: 60, 600 (seconds)."],
            [
                "retention 10",
                { retentionInDays: 10 },
                "Invalid retentionInDays 10. Allowed: 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (0 = never expire).",
            ],
            [
                "unknown preset",
                { logFormat: "verbose" },
                "Invalid logFormat 'verbose'. Allowed: default, diagnostic, ecs, or a custom format of ${field} tokens separated by single spaces, e.g. '${srcaddr} ${dstaddr} ${action}'.",
            ],
            [
                "unknown format field",
                { logFormat: "${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${src-port}" },
                `Invalid logFormat '\${srcaddr} \${dstaddr} \${srcport} \${dstport} \${protocol} \${action} \${src-port}': unknown field 'src-port'. Allowed fields: ${FIELDS}.`,
            ],
            [
                "trailing space in a custom format",
                { logFormat: "${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} " },
                "Invalid logFormat '${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ': it has a leading or trailing space. Allowed: ${field} tokens separated by single spaces, with nothing before the first or after the last.",
            ],
            [
                "double space in a custom format",
                { logFormat: "${srcaddr}  ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}" },
                "Invalid logFormat '${srcaddr}  ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}': fields must be separated by exactly one space.",
            ],
            [
                "a token without ${}",
                { logFormat: "${srcaddr} dstaddr ${srcport} ${dstport} ${protocol} ${action}" },
                "Invalid logFormat '${srcaddr} dstaddr ${srcport} ${dstport} ${protocol} ${action}': 'dstaddr' is not a ${field} token. Each field is written as ${name}, e.g. ${srcaddr}.",
            ],
            [
                "a field twice",
                { logFormat: "${srcaddr} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}" },
                "Invalid logFormat '${srcaddr} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}': field 'srcaddr' appears twice.",
            ],
            [
                "a custom format the diagnosis cannot read",
                { logFormat: "${srcaddr} ${dstaddr} ${action}" },
                "Invalid logFormat '${srcaddr} ${dstaddr} ${action}': it lacks ${srcport} ${dstport} ${protocol}, which the diagnosis needs. Add them, or use 'default', 'diagnostic' or 'ecs'.",
            ],
            [
                "malformed role ARN",
                { existingRoleArn: "arn:aws:iam::1234:role/x" },
                "Invalid existingRoleArn 'arn:aws:iam::1234:role/x'. Allowed: an IAM role ARN, 'arn:<partition>:iam::<12-digit account>:role/<name>', e.g. 'arn:aws:iam::123456789012:role/flow-logs-delivery'.",
            ],
            [
                "a user ARN instead of a role",
                { existingRoleArn: "arn:aws:iam::123456789012:user/alice" },
                "Invalid existingRoleArn 'arn:aws:iam::123456789012:user/alice'. Allowed: an IAM role ARN, 'arn:<partition>:iam::<12-digit account>:role/<name>', e.g. 'arn:aws:iam::123456789012:role/flow-logs-delivery'.",
            ],
            [
                "a KMS alias",
                { kmsKeyArn: "alias/logs" },
                "Invalid kmsKeyArn 'alias/logs'. Allowed: a KMS key ARN, 'arn:<partition>:kms:<region>:<account>:key/<key id>' (an alias is not accepted by CloudWatch Logs).",
            ],
            ["an aws: tag key", { tags: { "aws:owner": "me" } }, "Invalid tags key 'aws:owner'. Allowed: 1-128 characters, not starting with 'aws:'."],
            ["a tag value that is not a string", { tags: { cost: 5 } }, "Invalid tags value for 'cost': 5. Allowed: a string of 0-256 characters."],
        ];
        for (const [what, input, message] of cases) {
            it(what, () => expect(userErrorOf(() => resolveFlowLogSettings(input))).to.equal(message));
        }

        it("accepts role ARNs of every partition, with paths", () => {
            for (const arn of [
                "arn:aws:iam::123456789012:role/flow-logs",
                "arn:aws-cn:iam::123456789012:role/team/flow-logs",
                "arn:aws-us-gov:iam::123456789012:role/flow_logs+delivery",
            ]) {
                expect(resolveFlowLogSettings({ existingRoleArn: arn }).existingRoleArn).to.equal(arn);
            }
        });

        it("refuses a log group name CloudWatch would refuse", () => {
            expect(userErrorOf(() => validateLogGroupName("/vpc flow logs"))).to.equal(
                "Invalid logGroupName '/vpc flow logs'. Allowed: 1-512 characters of letters, digits, '_', '-', '/', '.', '#'.",
            );
        });
    });

    describe("targets", () => {
        const cases: [string, Parameters<typeof validateTargets>[0], string][] = [
            [
                "no target at all",
                { subnetIds: [], eniIds: [] },
                "No flow log target: set vpcId, or subnetIds or eniIds (a list of 'subnet-...' / 'eni-...' ids). At least one is required.",
            ],
            [
                "a malformed VPC id",
                { vpcId: "vpc-123", subnetIds: [], eniIds: [] },
                "Invalid vpcId 'vpc-123'. Allowed: 'vpc-' followed by 8 or 17 lowercase hex digits, e.g. 'vpc-0123456789abcdef0'.",
            ],
            [
                "a subnet id where a VPC id belongs",
                { vpcId: "subnet-0123456789abcdef0", subnetIds: [], eniIds: [] },
                "Invalid vpcId 'subnet-0123456789abcdef0'. Allowed: 'vpc-' followed by 8 or 17 lowercase hex digits, e.g. 'vpc-0123456789abcdef0'.",
            ],
            [
                "a malformed subnet id",
                { vpcId: VPC, subnetIds: ["subnet-0123456789ABCDEF0"], eniIds: [] },
                "Invalid subnetIds 'subnet-0123456789ABCDEF0'. Allowed: 'subnet-' followed by 8 or 17 lowercase hex digits, e.g. 'subnet-0123456789abcdef0'.",
            ],
            [
                "a malformed ENI id",
                { subnetIds: [], eniIds: ["eni-xyz"] },
                "Invalid eniIds 'eni-xyz'. Allowed: 'eni-' followed by 8 or 17 lowercase hex digits, e.g. 'eni-0123456789abcdef0'.",
            ],
            [
                "a subnet listed twice",
                { subnetIds: ["subnet-0123abcd", "subnet-0123abcd"], eniIds: [] },
                "Invalid subnetIds: 'subnet-0123abcd' is listed twice. Each target may appear once.",
            ],
        ];
        for (const [what, targets, message] of cases) {
            it(what, () => expect(userErrorOf(() => validateTargets(targets))).to.equal(message));
        }

        it("accepts 8- and 17-digit ids and trusts ids known only after deployment", () => {
            expect(() => validateTargets({ vpcId: "vpc-0123abcd", subnetIds: ["subnet-0123456789abcdef0", PENDING_ID], eniIds: [] })).to.not.throw();
            expect(() => validateTargets({ vpcId: PENDING_ID, subnetIds: [], eniIds: [] })).to.not.throw();
        });
    });

    describe("lists and maps from stack config", () => {
        it("reads absent lists as empty and keeps a list of ids", () => {
            expect(readIdList("subnetIds", undefined)).to.deep.equal([]);
            expect(readIdList("eniIds", ["eni-0123abcd"])).to.deep.equal(["eni-0123abcd"]);
        });

        it("refuses a plain string where a list belongs, and says how to set a list", () => {
            expect(userErrorOf(() => readIdList("subnetIds", "subnet-0123abcd"))).to.equal(
                `Invalid subnetIds 'subnet-0123abcd'. Allowed: a list of ids, set with 'pulumi config set --path "subnetIds[0]" subnet-0123456789abcdef0'.`,
            );
        });

        it("reads tags as a map of strings and refuses a list", () => {
            expect(readTags({ team: "platform" })).to.deep.equal({ team: "platform" });
            expect(readTags(undefined)).to.deep.equal({});
            expect(userErrorOf(() => readTags(["team"]))).to.equal(
                `Invalid tags ["team"]. Allowed: a map of strings, set with 'pulumi config set --path tags.team network'.`,
            );
        });
    });
});

import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, REGION, byName, registeredUnder, resetRecordings } from "../helpers/pulumiMocks";
import { outputsOf, runProgram } from "../helpers/program";

const VPC = "vpc-0123456789abcdef0";

describe("the Pulumi program (index.ts) under mocks", () => {
    beforeEach(resetRecordings);

    it("reads the stack config, normalises it and exports every output", async () => {
        const program = runProgram({
            vpcId: VPC,
            subnetIds: JSON.stringify(["subnet-0aaaaaaaaaaaaaaaa"]),
            trafficType: "Rejected",
            retentionInDays: "14",
            tags: JSON.stringify({ team: "platform" }),
        });
        const outputs = await outputsOf(program);
        const logGroup = "/vpc-flow-logs/dev";
        const query = [
            "fields @timestamp, interfaceId, srcAddr, srcPort, dstAddr, dstPort, action, packets, bytes, logStatus",
            "filter protocol = 6 and ((dstPort = 443) or (srcPort = 443))",
            "sort @timestamp desc",
            "limit 1000",
        ].join("\n| ");
        expect(outputs).to.deep.equal({
            destination: "cloudwatch",
            logGroupName: logGroup,
            logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${logGroup}`,
            roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/flow-logs-role`,
            flowLogIds: { [VPC]: `fl-flow-logs-${VPC}`, "subnet-0aaaaaaaaaaaaaaaa": "fl-flow-logs-subnet-0aaaaaaaaaaaaaaaa" },
            logFormat:
                "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
            logFormatKind: "default",
            trafficType: "REJECT",
            maxAggregationInterval: 60,
            region: REGION,
            capture: "on",
            insightsQuery: query,
            insightsConsoleUrl:
                `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#logsV2:logs-insights$3FqueryDetail$3D` +
                "~(end~0~start~-3600~timeType~'RELATIVE~unit~'seconds~editorString~'" +
                "fields*20*40timestamp*2C*20interfaceId*2C*20srcAddr*2C*20srcPort*2C*20dstAddr*2C*20dstPort*2C*20action*2C*20packets*2C*20bytes*2C*20logStatus" +
                "*0A*7C*20filter*20protocol*20*3D*206*20and*20*28*28dstPort*20*3D*20443*29*20or*20*28srcPort*20*3D*20443*29*29" +
                "*0A*7C*20sort*20*40timestamp*20desc*0A*7C*20limit*201000" +
                "~source~(~'*2Fvpc-flow-logs*2Fdev))",
            savedQueries: {
                "vpc-flow-logs/dev/TCP 443 conversations": "qd-flow-logs-query-tcp-443",
                "vpc-flow-logs/dev/REJECTs toward S3 (TCP 443) by ENI and destination": "qd-flow-logs-query-rejects-443",
                "vpc-flow-logs/dev/Accepted TCP 443 with no reply by ENI and minute": "qd-flow-logs-query-unanswered-443",
                "vpc-flow-logs/dev/Top talkers by bytes": "qd-flow-logs-query-top-talkers",
                "vpc-flow-logs/dev/NODATA and SKIPDATA by ENI": "qd-flow-logs-query-log-status",
            },
            cleanup:
                "Run 'pulumi destroy --stack dev' to delete the flow logs, the IAM role and policy, the saved queries, and the log group /vpc-flow-logs/dev with its records (ingest stops at once). " +
                "To keep the records, run 'pulumi config set retainLogsOnDestroy true' and 'pulumi up' first: destroy uses the setting of the last update. " +
                "To stop paying for ingest but keep the log group /vpc-flow-logs/dev with its records, the saved queries and the IAM role and policy, pause capture instead: " +
                "'pulumi config set capture false --stack dev && pulumi up --stack dev' deletes the flow logs only, and the records then cost storage only, " +
                "kept for 14 days (retentionInDays), so a pause longer than 14 days leaves none; 'pulumi config set capture true --stack dev && pulumi up --stack dev' brings the flow logs back.",
        });
        expect(byName("flow-logs-log-group").inputs).to.deep.equal({ name: logGroup, retentionInDays: 14, tags: { team: "platform" } });
        expect(registeredUnder("flow-logs")).to.have.length(12);
        // The first saved query is the insightsQuery output, on the stack's log group.
        expect(byName("flow-logs-query-tcp-443").inputs).to.deep.equal({
            name: "vpc-flow-logs/dev/TCP 443 conversations",
            queryString: query,
            logGroupNames: [logGroup],
        });
    });

    it("savedQueries false (stack config) saves none: the resources of before and an empty output", async () => {
        const outputs = await outputsOf(runProgram({ vpcId: VPC, savedQueries: "false" }));
        expect(outputs.savedQueries).to.deep.equal({});
        expect(registeredUnder("flow-logs").map((r) => r.type).sort()).to.deep.equal([
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:ec2/flowLog:FlowLog",
            "aws:iam/policy:Policy",
            "aws:iam/role:Role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "vpc-flow-logs:network:VpcFlowLogs",
        ]);
    });

    it("builds the query with parse @message for the diagnostic format, and says the kept log group survives destroy", async () => {
        const outputs = await outputsOf(
            runProgram({ vpcId: VPC, logFormat: "diagnostic", retainLogsOnDestroy: "true", logGroupName: "/team/flow-logs" }),
        );
        expect(outputs.insightsQuery).to.equal(
            [
                'parse @message "* * * * * * * * * * * * * * * * * * * * * * *" as version, accountId, interfaceId, srcAddr, dstAddr, srcPort, dstPort, protocol, packets, bytes, startTime, endTime, action, logStatus, vpcId, subnetId, tcpFlags, type, pktSrcAddr, pktDstAddr, flowDirection, trafficPath, pktDstAwsService',
                "fields @timestamp, interfaceId, srcAddr, srcPort, dstAddr, dstPort, action, packets, bytes, tcpFlags, flowDirection, trafficPath, pktSrcAddr, pktDstAddr, logStatus",
                "filter protocol = 6 and ((dstPort = 443) or (srcPort = 443))",
                "sort @timestamp desc",
                "limit 1000",
            ].join("\n| "),
        );
        expect(outputs.cleanup).to.equal(
            "Run 'pulumi destroy --stack dev' to delete the flow logs, the IAM role and policy, and the saved queries; the log group /team/flow-logs is kept (retainLogsOnDestroy, as of the last update: after changing it, run 'pulumi up' before destroying). " +
                `Delete it later with 'aws logs delete-log-group --log-group-name /team/flow-logs --region ${REGION}'. ` +
                "To stop paying for ingest but keep the log group /team/flow-logs with its records, the saved queries and the IAM role and policy, pause capture instead: " +
                "'pulumi config set capture false --stack dev && pulumi up --stack dev' deletes the flow logs only, and the records then cost storage only, " +
                "kept for 7 days (retentionInDays), so a pause longer than 7 days leaves none; 'pulumi config set capture true --stack dev && pulumi up --stack dev' brings the flow logs back.",
        );
    });

    it("stops with the validation message, before creating anything, on a bad config value", () => {
        let thrown: unknown;
        try {
            runProgram({ vpcId: VPC, retentionInDays: "10" });
        } catch (err) {
            thrown = err;
        }
        expect(pulumi.RunError.isInstance(thrown)).to.equal(true);
        expect((thrown as Error).message).to.equal(
            "Invalid retentionInDays 10. Allowed: 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (0 = never expire).",
        );
        expect(registeredUnder("flow-logs")).to.deep.equal([]);
    });

    it("says how to set a list when subnetIds is given as a plain string", () => {
        expect(() => runProgram({ subnetIds: JSON.stringify("subnet-0aaaaaaaaaaaaaaaa") })).to.throw(
            `Invalid subnetIds 'subnet-0aaaaaaaaaaaaaaaa'. Allowed: a list of ids, set with 'pulumi config set --path "subnetIds[0]" subnet-0123456789abcdef0'.`,
        );
    });

    it("needs a target", () => {
        expect(() => runProgram({})).to.throw(
            "No flow log target: set vpcId, or subnetIds or eniIds (a list of 'subnet-...' / 'eni-...' ids). At least one is required.",
        );
    });
});

import { expect } from "chai";
import { cleanupInstruction, existingLogGroupCleanupInstruction, insightsConsoleUrl } from "../../components/stackOutputs";

describe("stack output text", () => {
    const cases: [string, string, string][] = [
        ["aws", "us-east-1", "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1"],
        ["aws-cn", "cn-north-1", "https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1"],
        ["aws-us-gov", "us-gov-west-1", "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1"],
    ];
    for (const [partition, region, base] of cases) {
        it(`links Logs Insights on the ${partition} console, escaping the query and the group name`, () => {
            expect(insightsConsoleUrl(partition, region, "/vpc-flow-logs/dev", "fields @message\n| filter action = 'REJECT' (x) ~!*")).to.equal(
                `${base}#logsV2:logs-insights$3FqueryDetail$3D~(end~0~start~-3600~timeType~'RELATIVE~unit~'seconds` +
                    "~editorString~'fields*20*40message*0A*7C*20filter*20action*20*3D*20*27REJECT*27*20*28x*29*20*7E*21*2A" +
                    "~source~(~'*2Fvpc-flow-logs*2Fdev))",
            );
        });
    }

    it("says that destroy deletes the records unless retainLogsOnDestroy was set before the last update", () => {
        expect(cleanupInstruction("dev", "/vpc-flow-logs/dev", "ap-northeast-2", false, true, true)).to.equal(
            "Run 'pulumi destroy --stack dev' to delete the flow logs, the IAM role and policy, the saved queries, and the log group /vpc-flow-logs/dev with its records (ingest stops at once). " +
                "To keep the records, run 'pulumi config set retainLogsOnDestroy true' and 'pulumi up' first: destroy uses the setting of the last update.",
        );
    });

    it("tells how to delete a kept log group, and that a changed setting needs an update first", () => {
        expect(cleanupInstruction("prod", "/vpc-flow-logs/prod", "eu-west-1", true, true, true)).to.equal(
            "Run 'pulumi destroy --stack prod' to delete the flow logs, the IAM role and policy, and the saved queries; the log group /vpc-flow-logs/prod is kept (retainLogsOnDestroy, as of the last update: after changing it, run 'pulumi up' before destroying). " +
                "Delete it later with 'aws logs delete-log-group --log-group-name /vpc-flow-logs/prod --region eu-west-1'.",
        );
    });

    it("with existingRoleArn names no IAM role or policy: destroy leaves the user's role", () => {
        expect(cleanupInstruction("dev", "/vpc-flow-logs/dev", "ap-northeast-2", false, false, true)).to.equal(
            "Run 'pulumi destroy --stack dev' to delete the flow logs, the saved queries, and the log group /vpc-flow-logs/dev with its records (ingest stops at once). " +
                "To keep the records, run 'pulumi config set retainLogsOnDestroy true' and 'pulumi up' first: destroy uses the setting of the last update.",
        );
        expect(cleanupInstruction("prod", "/vpc-flow-logs/prod", "eu-west-1", true, false, true)).to.equal(
            "Run 'pulumi destroy --stack prod' to delete the flow logs and the saved queries; the log group /vpc-flow-logs/prod is kept (retainLogsOnDestroy, as of the last update: after changing it, run 'pulumi up' before destroying). " +
                "Delete it later with 'aws logs delete-log-group --log-group-name /vpc-flow-logs/prod --region eu-west-1'.",
        );
    });

    it("with savedQueries false names no saved queries: the stack made none", () => {
        const cases: [boolean, boolean, string][] = [
            [false, true, "the flow logs, the IAM role and policy, and the log group /vpc-flow-logs/dev with its records (ingest stops at once)."],
            [false, false, "the flow logs and the log group /vpc-flow-logs/dev with its records (ingest stops at once)."],
            [true, true, "the flow logs and the IAM role and policy; the log group /vpc-flow-logs/dev is kept"],
            [true, false, "the flow logs; the log group /vpc-flow-logs/dev is kept"],
        ];
        for (const [retain, ownRole, deleted] of cases) {
            const line = cleanupInstruction("dev", "/vpc-flow-logs/dev", "ap-northeast-2", retain, ownRole, false);
            const start = `Run 'pulumi destroy --stack dev' to delete ${deleted}`;
            expect(line.slice(0, start.length), `${retain} ${ownRole}`).to.equal(start);
        }
    });

    it("an existing log group: names the role and the saved queries only when the stack created them", () => {
        const stays = "the log group /central is not the stack's and stays, with its records, retention and encryption as they are.";
        const cases: [boolean, boolean, string][] = [
            [true, true, "the flow logs, the IAM role and policy, and the saved queries"],
            [true, false, "the flow logs and the IAM role and policy"],
            [false, true, "the flow logs and the saved queries"],
            [false, false, "the flow logs"],
        ];
        for (const [ownRole, savedQueries, ours] of cases) {
            expect(existingLogGroupCleanupInstruction("dev", "/central", ownRole, savedQueries), `${ownRole} ${savedQueries}`).to.equal(`Run 'pulumi destroy --stack dev' to delete ${ours}; ${stays}`);
        }
    });
});

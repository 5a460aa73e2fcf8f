import { expect } from "chai";
import { AwsService, awsClient } from "../../analysis/aws/clients";

describe("aws/clients: the one client factory", () => {
    const SERVICES: readonly [AwsService, string][] = [
        ["logsClient", "CloudWatchLogsClient"],
        ["ec2Client", "EC2Client"],
        ["ecsClient", "ECSClient"],
        ["athenaClient", "AthenaClient"],
        ["s3Client", "S3Client"],
    ];

    it("uses the caller's maker for that service, with the region asked for", async () => {
        for (const [service] of SERVICES) {
            const asked: string[] = [];
            const fake = { send: async () => ({}) };
            const client = await awsClient({ [service]: (region: string) => (asked.push(region), fake) }, service, "eu-west-1");
            expect([client === fake, asked]).to.deep.equal([true, ["eu-west-1"]]);
        }
    });

    it("makes the real SDK client in that region when the caller gave no maker", async () => {
        for (const [service, className] of SERVICES) {
            const client = (await awsClient({}, service, "ap-northeast-2")) as unknown as { constructor: { name: string }; config: { region: () => Promise<string> } };
            expect([client.constructor.name, await client.config.region()]).to.deep.equal([className, "ap-northeast-2"]);
        }
    });
});

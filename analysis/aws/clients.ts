/**
 * The one place that builds AWS SDK clients. A caller may hand in its own maker per service (tests
 * pass mocks or loopback fakes); otherwise the real client is made, and its SDK package is loaded
 * only then, so a file diagnosis or --help never loads the SDK. The real clients honour the
 * standard AWS_ENDPOINT_URL variables by themselves.
 */
import type { AthenaClient } from "@aws-sdk/client-athena";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { S3Client } from "@aws-sdk/client-s3";

/** What the code needs of each client: `send`, which is also all a mock provides. */
export interface AwsApis {
    readonly logsClient: Pick<CloudWatchLogsClient, "send">;
    readonly ec2Client: Pick<EC2Client, "send">;
    readonly ecsClient: Pick<ECSClient, "send">;
    readonly athenaClient: Pick<AthenaClient, "send">;
    readonly s3Client: Pick<S3Client, "send">;
    readonly cloudWatchClient: Pick<CloudWatchClient, "send">;
}

export type AwsService = keyof AwsApis;

/** Makers given by the caller, by region; any left out is the real client. */
export type AwsClientMakers = { readonly [K in AwsService]?: (region: string) => AwsApis[K] };

const REAL_CLIENTS: { readonly [K in AwsService]: (region: string) => Promise<AwsApis[K]> } = {
    logsClient: async (region) => new (await import("@aws-sdk/client-cloudwatch-logs")).CloudWatchLogsClient({ region }),
    ec2Client: async (region) => new (await import("@aws-sdk/client-ec2")).EC2Client({ region }),
    ecsClient: async (region) => new (await import("@aws-sdk/client-ecs")).ECSClient({ region }),
    athenaClient: async (region) => new (await import("@aws-sdk/client-athena")).AthenaClient({ region }),
    s3Client: async (region) => new (await import("@aws-sdk/client-s3")).S3Client({ region }),
    cloudWatchClient: async (region) => new (await import("@aws-sdk/client-cloudwatch")).CloudWatchClient({ region }),
};

/** The client of `service` in `region`: the caller's maker when it gave one, else the real one. */
export async function awsClient<K extends AwsService>(makers: AwsClientMakers, service: K, region: string): Promise<AwsApis[K]> {
    const given = makers[service] as ((region: string) => AwsApis[K]) | undefined;
    return given !== undefined ? given(region) : REAL_CLIENTS[service](region);
}

/**
 * The live tests' AWS, set up in one place: aws-sdk-client-mock on the SDK clients the CLI makes
 * (`analysis/aws/clients.ts`), the client makers that hand the CLI clients those mocks answer,
 * and the CLI run in process with what it writes collected. Every live test mocks alike, and a
 * new service or a change to how clients are made is one edit here.
 */
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { AthenaClient } from "@aws-sdk/client-athena";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECSClient } from "@aws-sdk/client-ecs";
import { S3Client } from "@aws-sdk/client-s3";
import { main } from "../../analysis/cli/cli";
import type { CliIo } from "../../analysis/cli/cli";
import type { AwsClientMakers, AwsService } from "../../analysis/aws/clients";

/** Credentials of no account: the mocks answer before any request is signed for real. */
export const TEST_CREDENTIALS = { accessKeyId: "AKIATEST", secretAccessKey: "test" };

const CLIENT_CLASSES = {
    logs: CloudWatchLogsClient,
    ec2: EC2Client,
    ecs: ECSClient,
    athena: AthenaClient,
    s3: S3Client,
    cloudWatch: CloudWatchClient,
};

/** The services by the short names the tests give their mocks. */
export type MockedService = keyof typeof CLIENT_CLASSES;
export type ClientOf<S extends MockedService> = InstanceType<(typeof CLIENT_CLASSES)[S]>;
export type MockOf<S extends MockedService> = AwsClientStub<ClientOf<S>>;

/** The CLI's maker (`CliIo`, `AwsClientMakers`) of each service's client. */
const MAKER: { readonly [S in MockedService]: AwsService } = {
    logs: "logsClient",
    ec2: "ec2Client",
    ecs: "ecsClient",
    athena: "athenaClient",
    s3: "s3Client",
    cloudWatch: "cloudWatchClient",
};

/** The regions the CLI asked each service's client for, in order; pass the lists to be filled. */
export type RegionLog = { [S in MockedService]?: string[] };

/** A real SDK client of `service` in `region` with test credentials: the mock of its class (or instance) answers it. */
export function testClient<S extends MockedService>(service: S, region: string): ClientOf<S> {
    const Client = CLIENT_CLASSES[service] as unknown as new (config: { region: string; credentials: typeof TEST_CREDENTIALS }) => ClientOf<S>;
    return new Client({ region, credentials: TEST_CREDENTIALS });
}

function makersFor(services: readonly MockedService[], client: (service: MockedService, region: string) => unknown, regions: RegionLog): AwsClientMakers {
    const makers: Record<string, (region: string) => unknown> = {};
    for (const service of services) {
        makers[MAKER[service]] = (region) => {
            regions[service]?.push(region);
            return client(service, region);
        };
    }
    return makers as AwsClientMakers;
}

export interface MockedClasses<S extends MockedService> {
    /** One mock per service on the client class: every client of that class, made anywhere, answers from it. */
    readonly mocks: { readonly [K in S]: MockOf<K> };
    /**
     * Forgets every mock's answers and calls; for `beforeEach`. It also installs the mock again:
     * other test files mock the same classes, and the last one to do so holds the class.
     */
    reset(): void;
    /** Makers for the CLI: a new client in the region it asks for, each region noted in `regions`. */
    makers(regions?: RegionLog): AwsClientMakers;
}

/** Mocks `services` on their client classes (module level in a test file, reset before each test). */
export function mockAwsClasses<S extends MockedService>(...services: S[]): MockedClasses<S> {
    const mocks = Object.fromEntries(services.map((service) => [service, mockClient(CLIENT_CLASSES[service] as never)])) as unknown as { [K in S]: MockOf<K> };
    return {
        mocks,
        reset: () => {
            for (const service of services) mocks[service].reset();
        },
        makers: (regions = {}) => makersFor(services, testClient, regions),
    };
}

export interface MockedInstances<S extends MockedService> {
    /** One client per service, in the region given. */
    readonly clients: { readonly [K in S]: ClientOf<K> };
    /** One mock per client, on that instance alone: nothing another test mocks reaches it. */
    readonly mocks: { readonly [K in S]: MockOf<K> };
    /** Makers for the CLI: always this set's client of the service, whatever region it asks for, noted in `regions`. */
    makers(regions?: RegionLog): AwsClientMakers;
}

/** Fresh clients, each mocked on its own instance: a test makes its own set and shares it with no other. */
export function mockAwsInstances<S extends MockedService>(region: string, ...services: S[]): MockedInstances<S> {
    const clients = Object.fromEntries(services.map((service) => [service, testClient(service, region)])) as { [K in S]: ClientOf<K> };
    const mocks = Object.fromEntries(services.map((service) => [service, mockClient(clients[service] as never)])) as unknown as { [K in S]: MockOf<K> };
    return { clients, mocks, makers: (regions = {}) => makersFor(services, (service) => clients[service as S], regions) };
}

/**
 * What the live tests hand the CLI besides the clients: their clock, an empty environment (no
 * AWS_REGION or profile of the machine's), a project folder for the stack's outputs, and pauses
 * between polls that do not wait.
 */
export function offlineIo(now: Date): Pick<CliIo, "now" | "env" | "cwd" | "sleep"> {
    return { now: () => now, env: {}, cwd: "/project", sleep: async () => undefined };
}

export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs `vpc-flow-diagnose` in process with `io` (clients, clock, stack command), collecting what it writes. */
export async function runCli(argv: readonly string[], io: Omit<CliIo, "stdout" | "stderr">): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { ...io, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

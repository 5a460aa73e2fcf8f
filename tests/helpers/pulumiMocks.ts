/**
 * Pulumi mocks shared by every infrastructure test: import this module before any component.
 * Every resource registration is recorded with its resolved inputs, and with what the engine would
 * be told about it besides (parent, dependencies, retainOnDelete). Invokes the mocks do not know
 * throw, so a new data source cannot slip in untested.
 */
import * as pulumi from "@pulumi/pulumi";
// The public mocks API does not expose parent, dependencies or retainOnDelete; the mock monitor
// sees them on each registration request, so the tests wrap it. Pinned with @pulumi/pulumi ~3.248.
import { getMonitor } from "@pulumi/pulumi/runtime/settings";

export const ACCOUNT_ID = "123456789012";
export const REGION = "ap-northeast-2";
export const PARTITION = "aws";

/** What the reproduction lab's data sources and its VPC answer under these mocks. */
export const LAB_MOCK = {
    vpcId: "vpc-0aaaabbbbccccdddd",
    /**
     * Zones that offer the generator's instance type, as DescribeInstanceTypeOfferings lists them
     * (not sorted): the first zone of the region is missing, as where AWS stopped offering a type
     * in an old zone. A Local Zone is listed too.
     */
    instanceTypeZones: ["ap-northeast-2c", "ap-northeast-2-wl1-cjj-wlz-1", "ap-northeast-2b", "ap-northeast-2d"],
    amiParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    amiId: "ami-0123456789abcdef0",
    s3PrefixListName: `com.amazonaws.${REGION}.s3`,
    s3PrefixListId: "pl-78a54011",
    /** Deliberately not in address order. */
    s3Cidrs: ["52.219.204.0/22", "3.5.140.0/22", "52.219.56.0/22"],
} as const;

/** A trust policy that lets the flow-logs service of this account and region assume a role (the stack's own). */
export const FLOW_LOGS_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        {
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

/**
 * The account's IAM roles (name -> trust policy, as the provider's getRole returns it: decoded
 * JSON) and log groups (name -> log class) the getRole / getLogGroup invokes answer for; any other
 * name fails as the provider does. Tests may add entries and must remove them.
 */
export const MOCK_ROLES = new Map<string, string>([
    ["delivery", FLOW_LOGS_TRUST],
    ["flow-logs-delivery", FLOW_LOGS_TRUST],
    [
        "ec2-app",
        JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    ],
]);
export const MOCK_LOG_GROUPS = new Map<string, string>([["/central/flow-logs", "STANDARD"]]);

/**
 * A failed invoke as the engine reports it: a gRPC error whose `details` the SDK turns into the
 * Error the program sees (runtime/invoke.js, `new Error(err.details)`).
 */
function invokeError(text: string): Error {
    return Object.assign(new Error(text), { details: text });
}

export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
}

/** What the engine is told about a resource besides its inputs. */
export interface RegistrationRequest {
    readonly type: string;
    readonly name: string;
    /** Logical name of the parent ("" for the stack). */
    readonly parent: string;
    /** Logical names of every resource it waits for: dependsOn plus those whose outputs it uses. */
    readonly dependencies: string[];
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly ignoreChanges: string[];
    /** The URN the engine gives it: the parent's type chain, then its own type and name. */
    readonly urn: string;
}

export const registrations: Registration[] = [];
export const invokes: string[] = [];
const requests: RegistrationRequest[] = [];

/** Forgets what earlier tests registered. */
export function resetRecordings(): void {
    registrations.length = 0;
    invokes.length = 0;
    requests.length = 0;
}

function stateFor(args: pulumi.runtime.MockResourceArgs): Record<string, any> {
    switch (args.type) {
        case "aws:cloudwatch/logGroup:LogGroup":
            return { ...args.inputs, arn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${args.inputs.name}` };
        case "aws:iam/role:Role":
            return { ...args.inputs, name: args.name, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${args.name}` };
        case "aws:iam/policy:Policy":
            return { ...args.inputs, name: args.name, arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${args.name}` };
        case "aws:s3/bucket:Bucket":
            // Pulumi auto-names a bucket from its resource name and a random suffix.
            return { ...args.inputs, bucket: `${args.name}-1a2b3c4`, arn: `arn:aws:s3:::${args.name}-1a2b3c4` };
        case "aws:sns/topic:Topic":
            return { ...args.inputs, arn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${args.inputs.name}` };
        case "aws:cloudwatch/queryDefinition:QueryDefinition":
            // AWS generates the id (a UUID) on PutQueryDefinition; the mock derives one from the name.
            return { ...args.inputs, queryDefinitionId: `qd-${args.name}` };
        case "aws:ec2/instance:Instance":
            // privateIp is what the program asked for; AWS would pick one otherwise.
            return { ...args.inputs, primaryNetworkInterfaceId: `eni-${args.name}`, privateIp: args.inputs.privateIp ?? "10.0.0.99" };
        default:
            return args.inputs;
    }
}

pulumi.runtime.setMocks(
    {
        newResource(args) {
            registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
            const id =
                args.type === "aws:ec2/flowLog:FlowLog" ? `fl-${args.name}` : args.type === "aws:ec2/vpc:Vpc" ? LAB_MOCK.vpcId : `${args.name}-id`;
            return { id, state: stateFor(args) };
        },
        call(args) {
            invokes.push(args.token);
            switch (args.token) {
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/test`, userId: "AIDATEST", id: ACCOUNT_ID };
                case "aws:index/getRegion:getRegion":
                    return { region: REGION, name: REGION, endpoint: `ec2.${REGION}.amazonaws.com`, description: "Asia Pacific (Seoul)", id: REGION };
                case "aws:index/getPartition:getPartition":
                    return { partition: PARTITION, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: PARTITION };
                case "aws:ssm/getParameter:getParameter":
                    // Only the parameter the lab must ask for: any other name is a bug.
                    if (args.inputs.name !== LAB_MOCK.amiParameter) throw new Error(`Mock not implemented: SSM parameter ${args.inputs.name}`);
                    return { arn: `arn:aws:ssm:${REGION}::parameter${LAB_MOCK.amiParameter}`, id: LAB_MOCK.amiParameter, name: LAB_MOCK.amiParameter, type: "String", value: LAB_MOCK.amiId, insecureValue: LAB_MOCK.amiId, version: 1 };
                case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
                    const wanted = { filters: [{ name: "instance-type", values: ["t3.micro"] }], locationType: "availability-zone" };
                    if (JSON.stringify(args.inputs) !== JSON.stringify(wanted)) {
                        throw new Error(`Mock not implemented: instance type offerings for ${JSON.stringify(args.inputs)}`);
                    }
                    return {
                        ...wanted,
                        id: REGION,
                        region: REGION,
                        instanceTypes: LAB_MOCK.instanceTypeZones.map(() => "t3.micro"),
                        locationTypes: LAB_MOCK.instanceTypeZones.map(() => "availability-zone"),
                        locations: LAB_MOCK.instanceTypeZones,
                    };
                }
                case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
                    if (args.inputs.name !== LAB_MOCK.s3PrefixListName) throw new Error(`Mock not implemented: prefix list ${args.inputs.name}`);
                    return {
                        id: LAB_MOCK.s3PrefixListId,
                        name: LAB_MOCK.s3PrefixListName,
                        addressFamily: "IPv4",
                        arn: `arn:aws:ec2:${REGION}:aws:prefix-list/${LAB_MOCK.s3PrefixListId}`,
                        entries: LAB_MOCK.s3Cidrs.map((cidr) => ({ cidr, description: "" })),
                        maxEntries: LAB_MOCK.s3Cidrs.length,
                        ownerId: "AWS",
                        region: REGION,
                        tags: {},
                        version: 1,
                    };
                case "aws:cloudwatch/getLogGroup:getLogGroup": {
                    const name = args.inputs.name as string;
                    const logGroupClass = MOCK_LOG_GROUPS.get(name);
                    // The provider's text for a group that does not exist (logs group_data_source.go, tfresource empty result).
                    if (logGroupClass === undefined) throw invokeError(`reading CloudWatch Logs Log Group (${name}): empty result`);
                    return {
                        // The provider trims the ':*' DescribeLogGroups puts at the end of the ARN.
                        arn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${name}`,
                        creationTime: Date.parse("2026-11-01T00:00:00Z"),
                        deletionProtectionEnabled: false,
                        id: name,
                        kmsKeyId: "",
                        logGroupClass,
                        name,
                        region: REGION,
                        retentionInDays: 365,
                        tags: {},
                    };
                }
                case "aws:iam/getRole:getRole": {
                    const name = args.inputs.name as string;
                    const trust = MOCK_ROLES.get(name);
                    if (trust === undefined) {
                        throw invokeError(
                            `reading IAM Role (${name}): operation error IAM: GetRole, https response error StatusCode: 404, RequestID: 0a1b2c3d-0000-4000-8000-000000000000, NoSuchEntity: The role with name ${name} cannot be found.`,
                        );
                    }
                    return {
                        arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}`,
                        assumeRolePolicy: trust,
                        createDate: "2026-11-01T00:00:00Z",
                        description: "",
                        id: name,
                        maxSessionDuration: 3600,
                        name,
                        path: "/",
                        permissionsBoundary: "",
                        roleLastUseds: [],
                        tags: {},
                        uniqueId: "AROATESTROLE",
                    };
                }
                default:
                    throw new Error(`Mock not implemented: ${args.token}`);
            }
        },
    },
    "vpc-flow-logs",
    "dev",
    false,
);

const nameFromUrn = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const monitor = getMonitor() as unknown as { registerResource(req: any, callback: unknown): Promise<void> };
const registerResource = monitor.registerResource.bind(monitor);
/** `urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`, as the engine builds it. */
function childUrn(parentUrn: string, type: string, name: string): string {
    if (!parentUrn) return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${name}`;
    const head = parentUrn.slice(0, parentUrn.lastIndexOf("::"));
    const parentType = head.slice(head.lastIndexOf("::") + 2);
    const prefix = head.slice(0, head.lastIndexOf("::"));
    // The stack resource's type is not part of its children's URNs.
    const chain = parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
    return `${prefix}::${chain}::${name}`;
}

monitor.registerResource = (req: any, callback: unknown) => {
    requests.push({
        urn: childUrn(req.getParent(), req.getType(), req.getName()),
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent() ? nameFromUrn(req.getParent()) : "",
        dependencies: (req.getDependenciesList() as string[]).map(nameFromUrn).sort(),
        retainOnDelete: req.getRetainondelete() === true,
        deleteBeforeReplace: req.getDeletebeforereplace() === true,
        ignoreChanges: req.getIgnorechangesList() as string[],
    });
    return registerResource(req, callback);
};

/** Everything the program told the engine, one entry per resource, in registration order. */
export function registrationRequests(): readonly RegistrationRequest[] {
    return [...requests];
}

/** What the program told the engine about the named resource. */
export function requestFor(name: string): RegistrationRequest {
    const found = requests.filter((r) => r.name === name);
    if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
    return found[0];
}

/** Resolves an output to its value (outputs are resolved in tests: mocks run without preview). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Registrations whose name starts with the prefix, as `type name` lines, in a stable order. */
export function registeredUnder(prefix: string): Registration[] {
    return registrations.filter((r) => r.name === prefix || r.name.startsWith(prefix + "-"));
}

export function byName(name: string): Registration {
    const found = registrations.filter((r) => r.name === name);
    if (found.length !== 1) throw new Error(`expected one registration named ${name}, found ${found.length}`);
    return found[0];
}

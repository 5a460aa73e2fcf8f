/**
 * Regenerates components/awsModelConstraints.ts from a botocore checkout: for each AWS API member a
 * value of this program reaches, the `min`, `max`, `pattern` and `enum` of its shape in the
 * service's `service-2.json` (and of the list or map that holds it), and nothing else.
 *
 *   node dist/scripts/extractAwsConstraints.js <botocore git dir or work tree> [commit]
 *
 * With a git directory (e.g. a bare mirror of boto/botocore) the files are read with `git show`
 * at the commit (default HEAD); with a work tree, from disk. The output is committed; review its diff.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Service directory and API version of each model read. */
const SERVICES = {
    iam: "2010-05-08",
    logs: "2014-03-28",
    ec2: "2016-11-15",
    s3: "2006-03-01",
    glue: "2017-03-31",
    athena: "2017-05-18",
} as const;
type Service = keyof typeof SERVICES;

/**
 * The members, as `<Operation>.<member>[.<member>...]` from the operation's input shape; `member`
 * steps into a list, `key` / `value` into a map. The id is what the validators look up.
 */
const MEMBERS: readonly { id: string; service: Service; path: string }[] = [
    { id: "iam.roleName", service: "iam", path: "CreateRole.RoleName" },
    { id: "iam.rolePath", service: "iam", path: "CreateRole.Path" },
    { id: "iam.roleDescription", service: "iam", path: "CreateRole.Description" },
    { id: "iam.assumeRolePolicyDocument", service: "iam", path: "CreateRole.AssumeRolePolicyDocument" },
    { id: "iam.roleTags", service: "iam", path: "CreateRole.Tags" },
    { id: "iam.tagKey", service: "iam", path: "CreateRole.Tags.member.Key" },
    { id: "iam.tagValue", service: "iam", path: "CreateRole.Tags.member.Value" },
    { id: "iam.policyName", service: "iam", path: "CreatePolicy.PolicyName" },
    { id: "iam.policyDescription", service: "iam", path: "CreatePolicy.Description" },
    { id: "iam.policyDocument", service: "iam", path: "CreatePolicy.PolicyDocument" },
    { id: "iam.policyTags", service: "iam", path: "CreatePolicy.Tags" },
    { id: "logs.logGroupName", service: "logs", path: "CreateLogGroup.logGroupName" },
    { id: "logs.kmsKeyId", service: "logs", path: "CreateLogGroup.kmsKeyId" },
    { id: "logs.tags", service: "logs", path: "CreateLogGroup.tags" },
    { id: "logs.tagKey", service: "logs", path: "CreateLogGroup.tags.key" },
    { id: "logs.tagValue", service: "logs", path: "CreateLogGroup.tags.value" },
    { id: "logs.retentionInDays", service: "logs", path: "PutRetentionPolicy.retentionInDays" },
    { id: "logs.queryDefinitionName", service: "logs", path: "PutQueryDefinition.name" },
    { id: "logs.queryDefinitionString", service: "logs", path: "PutQueryDefinition.queryString" },
    { id: "ec2.flowLogTrafficType", service: "ec2", path: "CreateFlowLogs.TrafficType" },
    { id: "ec2.flowLogDestinationType", service: "ec2", path: "CreateFlowLogs.LogDestinationType" },
    { id: "ec2.flowLogFormat", service: "ec2", path: "CreateFlowLogs.LogFormat" },
    { id: "ec2.flowLogMaxAggregationInterval", service: "ec2", path: "CreateFlowLogs.MaxAggregationInterval" },
    { id: "ec2.flowLogFileFormat", service: "ec2", path: "CreateFlowLogs.DestinationOptions.FileFormat" },
    { id: "ec2.tagKey", service: "ec2", path: "CreateTags.Tags.member.Key" },
    { id: "ec2.tagValue", service: "ec2", path: "CreateTags.Tags.member.Value" },
    { id: "s3.bucket", service: "s3", path: "CreateBucket.Bucket" },
    { id: "s3.tagKey", service: "s3", path: "PutBucketTagging.Tagging.TagSet.member.Key" },
    { id: "s3.tagValue", service: "s3", path: "PutBucketTagging.Tagging.TagSet.member.Value" },
    { id: "s3.lifecycleRuleId", service: "s3", path: "PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules.member.ID" },
    { id: "s3.lifecycleFilterPrefix", service: "s3", path: "PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules.member.Filter.Prefix" },
    { id: "s3.kmsMasterKeyId", service: "s3", path: "PutBucketEncryption.ServerSideEncryptionConfiguration.Rules.member.ApplyServerSideEncryptionByDefault.KMSMasterKeyID" },
    { id: "glue.databaseName", service: "glue", path: "CreateDatabase.DatabaseInput.Name" },
    { id: "glue.databaseDescription", service: "glue", path: "CreateDatabase.DatabaseInput.Description" },
    { id: "glue.tableName", service: "glue", path: "CreateTable.TableInput.Name" },
    { id: "glue.tableLocation", service: "glue", path: "CreateTable.TableInput.StorageDescriptor.Location" },
    { id: "athena.workGroupName", service: "athena", path: "CreateWorkGroup.Name" },
    { id: "athena.workGroupDescription", service: "athena", path: "CreateWorkGroup.Description" },
    { id: "athena.bytesScannedCutoffPerQuery", service: "athena", path: "CreateWorkGroup.Configuration.BytesScannedCutoffPerQuery" },
    { id: "athena.resultKmsKey", service: "athena", path: "CreateWorkGroup.Configuration.ResultConfiguration.EncryptionConfiguration.KmsKey" },
    { id: "athena.tags", service: "athena", path: "CreateWorkGroup.Tags" },
    { id: "athena.tagKey", service: "athena", path: "CreateWorkGroup.Tags.member.Key" },
    { id: "athena.tagValue", service: "athena", path: "CreateWorkGroup.Tags.member.Value" },
];

interface Shape {
    type: string;
    min?: number;
    max?: number;
    pattern?: string;
    enum?: string[];
    members?: Record<string, { shape: string }>;
    member?: { shape: string };
    key?: { shape: string };
    value?: { shape: string };
}
interface Model {
    operations: Record<string, { input?: { shape: string } }>;
    shapes: Record<string, Shape>;
}

function readModel(botocore: string, commit: string, service: Service): { model: Model; path: string } {
    const path = `botocore/data/${service}/${SERVICES[service]}/service-2.json`;
    const text = existsSync(join(botocore, path))
        ? readFileSync(join(botocore, path), "utf8")
        : execFileSync("git", [`--git-dir=${botocore}`, "show", `${commit}:${path}`], { encoding: "utf8", maxBuffer: 1 << 28 });
    return { model: JSON.parse(text) as Model, path };
}

function resolveMember(model: Model, path: string): { shapeName: string; shape: Shape } {
    const [operation, ...steps] = path.split(".");
    let shapeName = model.operations[operation]?.input?.shape;
    if (shapeName === undefined) throw new Error(`no operation ${operation}`);
    for (const step of steps) {
        const shape: Shape = model.shapes[shapeName];
        const next =
            step === "member" ? shape.member?.shape : step === "key" ? shape.key?.shape : step === "value" ? shape.value?.shape : shape.members?.[step]?.shape;
        if (next === undefined) throw new Error(`${path}: no ${step} in ${shapeName}`);
        shapeName = next;
    }
    return { shapeName, shape: model.shapes[shapeName] };
}

function main(): void {
    const [botocore, commitArg] = process.argv.slice(2);
    if (botocore === undefined) throw new Error("usage: extractAwsConstraints <botocore git dir or work tree> [commit]");
    const isWorkTree = existsSync(join(botocore, "botocore", "data"));
    const git = (args: string[]) => execFileSync("git", isWorkTree ? ["-C", botocore, ...args] : [`--git-dir=${botocore}`, ...args], { encoding: "utf8" }).trim();
    const commit = git(["rev-parse", commitArg ?? "HEAD"]);
    const date = git(["show", "-s", "--format=%cI", commit]);
    const models = new Map<Service, { model: Model; path: string }>();
    const modelOf = (service: Service) => {
        if (!models.has(service)) models.set(service, readModel(botocore, commit, service));
        return models.get(service)!;
    };
    const members: Record<string, object> = {};
    for (const { id, service, path } of MEMBERS) {
        const { shapeName, shape } = resolveMember(modelOf(service).model, path);
        members[id] = {
            member: `${service}:${path}`,
            shape: shapeName,
            type: shape.type,
            ...(shape.min !== undefined ? { min: shape.min } : {}),
            ...(shape.max !== undefined ? { max: shape.max } : {}),
            ...(shape.pattern !== undefined ? { pattern: shape.pattern } : {}),
            ...(shape.enum !== undefined ? { enum: shape.enum } : {}),
        };
    }
    const provenance = {
        repo: "https://github.com/boto/botocore",
        commit,
        date,
        files: Object.fromEntries([...models].map(([service, { path }]) => [service, path])),
    };
    const out = join(__dirname, "..", "..", "components", "awsModelConstraints.ts");
    writeFileSync(
        out,
        [
            "// Generated by scripts/extractAwsConstraints.ts from botocore's service models: do not edit by hand.",
            "// Patterns are the models' own (Java regular expressions); components/awsConstraints.ts translates them.",
            `export const MODEL_PROVENANCE = ${JSON.stringify(provenance, null, 4)} as const;`,
            "",
            `export const MODEL_CONSTRAINTS = ${JSON.stringify(members, null, 4)} as const;`,
            "",
        ].join("\n"),
    );
    console.log(`${Object.keys(members).length} members from botocore ${commit} -> ${out}`);
}

main();

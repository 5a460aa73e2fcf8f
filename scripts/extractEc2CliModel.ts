/**
 * Extracts from botocore's EC2 model (`botocore/data/ec2/2016-11-15/service-2.json`) only what
 * tests/helpers/awsCliCommand.ts needs to check an `aws ec2 ...` command: every operation's name,
 * its input members with their shape type, which are required, which are idempotency tokens (the
 * AWS CLI fills those itself), and, for a structure or list parameter, the member names its
 * shorthand syntax can use (`IpProtocol=tcp,IpRanges=[{CidrIp=...}]`).
 *
 *   node dist/scripts/extractEc2CliModel.js <service-2.json> <botocore commit> > tests/fixtures/aws-models/ec2-cli-model.json
 *
 * Not part of the tool: a script run by hand to refresh the vendored fixture.
 */
import * as fs from "fs";

interface Shape {
    type: string;
    members?: Record<string, { shape: string; idempotencyToken?: boolean }>;
    required?: string[];
    member?: { shape: string };
    key?: { shape: string };
    value?: { shape: string };
}

interface Model {
    metadata: { apiVersion: string };
    operations: Record<string, { name: string; input?: { shape: string } }>;
    shapes: Record<string, Shape>;
}

/** Every member name a shorthand value of this shape can name, at any depth. */
function shorthandKeys(model: Model, shapeName: string, seen = new Set<string>()): Set<string> {
    const keys = new Set<string>();
    if (seen.has(shapeName)) return keys;
    seen.add(shapeName);
    const shape = model.shapes[shapeName];
    const children: string[] = [];
    if (shape.type === "structure") {
        for (const [name, ref] of Object.entries(shape.members ?? {})) {
            keys.add(name);
            children.push(ref.shape);
        }
    } else if (shape.type === "list" && shape.member) {
        children.push(shape.member.shape);
    } else if (shape.type === "map" && shape.value) {
        children.push(shape.value.shape);
    }
    for (const child of children) for (const k of shorthandKeys(model, child, seen)) keys.add(k);
    return keys;
}

export function extract(model: Model, commit: string): { source: unknown; operations: Record<string, unknown> } {
    const operations: Record<string, unknown> = {};
    for (const name of Object.keys(model.operations).sort()) {
        const inputName = model.operations[name].input?.shape;
        const input = inputName ? model.shapes[inputName] : undefined;
        const members: Record<string, string> = {};
        const shorthand: Record<string, string[]> = {};
        const tokens: string[] = [];
        for (const [member, ref] of Object.entries(input?.members ?? {})) {
            const type = model.shapes[ref.shape].type;
            members[member] = type;
            if (ref.idempotencyToken) tokens.push(member);
            if (type === "structure" || type === "list" || type === "map") {
                const keys = [...shorthandKeys(model, ref.shape)].sort();
                if (keys.length > 0) shorthand[member] = keys;
            }
        }
        operations[name] = {
            members,
            required: [...(input?.required ?? [])].sort(),
            ...(tokens.length > 0 ? { idempotencyTokens: tokens } : {}),
            ...(Object.keys(shorthand).length > 0 ? { shorthandKeys: shorthand } : {}),
        };
    }
    return {
        source: { repository: "boto/botocore", path: "botocore/data/ec2/2016-11-15/service-2.json", commit, apiVersion: model.metadata.apiVersion },
        operations,
    };
}

/** One operation a line: a refresh shows up in a diff as the operations that changed. */
function toJsonLines(doc: { source: unknown; operations: Record<string, unknown> }): string {
    const ops = Object.entries(doc.operations).map(([name, op]) => `  ${JSON.stringify(name)}: ${JSON.stringify(op)}`);
    return `{\n "source": ${JSON.stringify(doc.source)},\n "operations": {\n${ops.join(",\n")}\n }\n}\n`;
}

if (require.main === module) {
    const [file, commit] = process.argv.slice(2);
    if (!file || !commit) {
        process.stderr.write("usage: node dist/scripts/extractEc2CliModel.js <service-2.json> <botocore commit>\n");
        process.exit(2);
    }
    const model = JSON.parse(fs.readFileSync(file, "utf8")) as Model;
    process.stdout.write(toJsonLines(extract(model, commit)));
}

/**
 * Checks an `aws ec2 <command> --param value ...` text against the EC2 API model the AWS CLI is
 * built from (tests/fixtures/aws-models/, see PROVENANCE.md there): the operation exists, every
 * `--param` is a member of its input (or an AWS CLI global option or documented customization),
 * spelled as the CLI spells it, with the value the CLI expects (none for a boolean), and every
 * required member is given. Values may be `<placeholders>`, which may hold spaces and quotes.
 *
 * Use `ec2CommandProblems(command)` for the list of problems (empty when the command is right),
 * `extractAwsEc2Commands(text)` to find the commands inside a sentence or a step.
 */
import * as fs from "fs";
import * as path from "path";

const MODELS = path.join(__dirname, "..", "..", "..", "tests", "fixtures", "aws-models");

interface OperationModel {
    members: Record<string, string>;
    required: string[];
    idempotencyTokens?: string[];
    shorthandKeys?: Record<string, string[]>;
}

interface Customizations {
    globalOptions: { options: string[]; flags: string[] };
    argumentRenames: { renames: Record<string, string> };
    securityGroupShorthand: { operations: string[]; params: Record<string, string>; notWith: string };
    protocolNames: { operations: string[]; values: Record<string, string> };
    documentedRequirements: { rules: Array<{ operations: string[]; when: { protocol: string[]; given?: string }; requires: string }> };
}

let cache: { operations: Record<string, OperationModel>; byCliName: Map<string, string>; custom: Customizations } | undefined;

function models() {
    if (cache === undefined) {
        const ec2 = JSON.parse(fs.readFileSync(path.join(MODELS, "ec2-cli-model.json"), "utf8")) as { operations: Record<string, OperationModel> };
        const custom = JSON.parse(fs.readFileSync(path.join(MODELS, "aws-cli-ec2-customizations.json"), "utf8")) as Customizations;
        const byCliName = new Map(Object.keys(ec2.operations).map((name) => [xformName(name), name]));
        cache = { operations: ec2.operations, byCliName, custom };
    }
    return cache;
}

/**
 * botocore's `xform_name(name, '-')` (botocore/__init__.py): how the AWS CLI names an operation
 * or a member. `ReplaceRoute` -> `replace-route`, `DestinationIpv6CidrBlock` ->
 * `destination-ipv6-cidr-block`, `CidrIp` -> `cidr-ip`, `GatewayARNs` -> `gateway-arns`. The
 * special-cased names botocore caches (iSCSI, PartiQL, OAuth2, WhatsApp, ...) are no EC2 names.
 */
export function xformName(name: string, sep = "-"): string {
    if (name.includes(sep)) return name;
    let s = name;
    // An acronym made plural at the end (ARNs, ACLs) becomes one lower-case word.
    const special = /[A-Z]{2,}s$/.exec(s);
    if (special) s = `${s.slice(0, -special[0].length)}${sep}${special[0].toLowerCase()}`;
    s = s.replace(/(.)([A-Z][a-z]+)/g, `$1${sep}$2`);
    return s.replace(/([a-z0-9])([A-Z])/g, `$1${sep}$2`).toLowerCase();
}

/** Splits a command as a shell would, except that `<...>` (nested) is one word with its quotes. */
export function shellWords(command: string): string[] {
    const words: string[] = [];
    let word = "";
    let started = false;
    for (let i = 0; i < command.length; i++) {
        const c = command[i];
        if (c === " " || c === "\t" || c === "\n") {
            if (started) words.push(word);
            word = "";
            started = false;
        } else if (c === "'" || c === '"') {
            const end = command.indexOf(c, i + 1);
            if (end < 0) throw new Error(`unbalanced ${c} in ${command}`);
            word += command.slice(i + 1, end);
            started = true;
            i = end;
        } else if (c === "<" && !started) {
            let depth = 0;
            let j = i;
            for (; j < command.length; j++) {
                if (command[j] === "<") depth++;
                else if (command[j] === ">" && --depth === 0) break;
            }
            if (j >= command.length) throw new Error(`unbalanced < in ${command}`);
            word += command.slice(i, j + 1);
            started = true;
            i = j;
        } else {
            word += c;
            started = true;
        }
    }
    if (started) words.push(word);
    return words;
}

const isPlaceholder = (value: string) => value.startsWith("<") && value.endsWith(">");

/** The member names a shorthand value names: `IpProtocol=tcp,IpRanges=[{CidrIp=...}]` -> IpProtocol, IpRanges, CidrIp. */
function shorthandKeysOf(value: string): string[] {
    return [...value.matchAll(/(?:^|[,{[])\s*([A-Za-z][A-Za-z0-9]*)=/g)].map((m) => m[1]);
}

/** Every problem of one `aws ec2 ...` command; empty when the AWS CLI would accept it. */
export function ec2CommandProblems(command: string): string[] {
    const { operations, byCliName, custom } = models();
    const all = shellWords(command);
    // A shell redirect or pipe ends the command: `... --output json > file`.
    const end = all.findIndex((w) => w === ">" || w === "|" || w === ">>");
    const words = end < 0 ? all : all.slice(0, end);
    if (words[0] !== "aws" || words[1] !== "ec2" || words[2] === undefined) return [`not an 'aws ec2 <command>': ${command}`];
    const cliOp = words[2];
    const opName = byCliName.get(cliOp);
    if (opName === undefined) return [`${cliOp}: no such EC2 operation`];
    const op = operations[opName];
    const problems: string[] = [];
    // The CLI's argument table for this operation: name -> member (or customization) and kind.
    const table = new Map<string, { member?: string; kind: "flag" | "value"; negative?: boolean }>();
    for (const [member, type] of Object.entries(op.members)) {
        const name = xformName(member);
        if (type === "boolean") {
            table.set(name, { member, kind: "flag" });
            table.set(`no-${name}`, { member, kind: "flag", negative: true });
        } else {
            table.set(name, { member, kind: "value" });
        }
    }
    for (const [from, to] of Object.entries(custom.argumentRenames.renames)) {
        const [opPart, arg] = from.split(".");
        if ((opPart === "*" || opPart === cliOp) && table.has(arg)) {
            table.set(to, table.get(arg) as { member?: string; kind: "flag" | "value" });
            table.delete(arg);
        }
    }
    const simplified = custom.securityGroupShorthand.operations.includes(cliOp);
    if (simplified) for (const name of Object.keys(custom.securityGroupShorthand.params)) table.set(name, { kind: "value" });
    for (const name of custom.globalOptions.options) {
        if (!table.has(name)) table.set(name, { kind: custom.globalOptions.flags.includes(name) ? "flag" : "value" });
    }

    const given = new Map<string, string[]>();
    let i = 3;
    if (words[i] !== undefined && !words[i].startsWith("--")) problems.push(`${cliOp}: ${JSON.stringify(words[i])} is not a --parameter`);
    for (; i < words.length; i++) {
        if (!words[i].startsWith("--")) continue;
        const name = words[i].slice(2);
        const values: string[] = [];
        while (i + 1 < words.length && !words[i + 1].startsWith("--")) values.push(words[++i]);
        if (given.has(name)) problems.push(`${cliOp}: --${name} is given twice`);
        given.set(name, values);
        const arg = table.get(name);
        if (arg === undefined) {
            const near = [...table.keys()].filter((k) => k.replace(/-/g, "") === name.replace(/-/g, ""));
            problems.push(`${cliOp}: --${name} is not a parameter of ${opName}${near.length > 0 ? ` (the CLI spells it --${near[0]})` : ""}`);
            continue;
        }
        if (arg.kind === "flag" && values.length > 0) problems.push(`${cliOp}: --${name} is a boolean and takes no value (got ${values.join(" ")})`);
        if (arg.kind === "value" && values.length === 0) problems.push(`${cliOp}: --${name} needs a value`);
        const member = arg.member;
        const keys = member !== undefined ? op.shorthandKeys?.[member] : undefined;
        if (keys !== undefined) {
            for (const value of values) {
                if (isPlaceholder(value) || value.startsWith("[{\"") || value.startsWith("{\"")) continue;
                for (const key of shorthandKeysOf(value)) {
                    if (!keys.includes(key)) problems.push(`${cliOp}: --${name} shorthand names ${key}, which is not a member of ${member} (members: ${keys.join(", ")})`);
                }
            }
        }
        if (name === "protocol" && custom.protocolNames.operations.includes(cliOp)) {
            for (const value of values) {
                if (!isPlaceholder(value) && !/^-?\d+$/.test(value) && !(value in custom.protocolNames.values)) {
                    problems.push(`${cliOp}: --protocol ${value} is neither a protocol number nor one of ${Object.keys(custom.protocolNames.values).join(", ")}`);
                }
            }
        }
    }
    if (simplified && given.has(custom.securityGroupShorthand.notWith)) {
        for (const name of Object.keys(custom.securityGroupShorthand.params)) {
            if (given.has(name)) problems.push(`${cliOp}: --${name} cannot be used with --${custom.securityGroupShorthand.notWith}`);
        }
    }
    // Members the documentation requires for some values of --protocol (network ACL entries).
    const protocol = given.get("protocol")?.[0];
    const protocolNumber = protocol === undefined ? undefined : (custom.protocolNames.values[protocol] ?? protocol);
    for (const rule of custom.documentedRequirements.rules) {
        if (!rule.operations.includes(cliOp) || protocolNumber === undefined || !rule.when.protocol.includes(protocolNumber)) continue;
        if (rule.when.given !== undefined && !given.has(rule.when.given)) continue;
        if (!given.has(rule.requires)) problems.push(`${cliOp}: --protocol ${protocol}${rule.when.given ? ` with --${rule.when.given}` : ""} needs --${rule.requires}`);
    }
    const tokens = op.idempotencyTokens ?? [];
    for (const member of op.required) {
        if (tokens.includes(member)) continue;
        const names = [...table.entries()].filter(([, a]) => a.member === member).map(([n]) => n);
        if (!names.some((n) => given.has(n))) problems.push(`${cliOp}: the required --${names[0] ?? xformName(member)} is missing`);
    }
    return problems;
}

/**
 * The `aws ec2 ...` commands in a text: a whole command, a step, or a sentence that quotes one
 * ("Create one first: aws ec2 create-nat-gateway --subnet-id <public-subnet-id> ..."). A command
 * quoted with ' or " ends at the closing quote; otherwise at a word ending in `;`, `.` or `,`
 * (the end of the clause), or the end of the text.
 */
export function extractAwsEc2Commands(text: string): string[] {
    const out: string[] = [];
    let from = 0;
    for (;;) {
        const at = text.indexOf("aws ec2 ", from);
        if (at < 0) return out;
        from = at + 1;
        const quote = text[at - 1] === "'" || text[at - 1] === '"' ? text[at - 1] : undefined;
        if (quote !== undefined) {
            const end = text.indexOf(quote, at);
            out.push(text.slice(at, end < 0 ? undefined : end));
            continue;
        }
        const words = shellWordsWithEnds(text.slice(at));
        out.push(words);
    }
}

/** The command at the start of `rest`, up to the word that ends its clause. */
function shellWordsWithEnds(rest: string): string {
    let i = 0;
    let depth = 0;
    let quote: string | undefined;
    for (; i < rest.length; i++) {
        const c = rest[i];
        if (quote !== undefined) {
            if (c === quote) quote = undefined;
            continue;
        }
        if (c === "'" || c === '"') quote = c;
        else if (c === "<") depth++;
        else if (c === ">") depth--;
        else if (depth === 0 && (c === ";" || c === "." || c === ",") && (i + 1 === rest.length || rest[i + 1] === " ")) break;
    }
    return rest.slice(0, i).trim();
}

/** The EC2 CLI command names of the operations in the model (for the source guard). */
export function ec2CliOperationNames(): Set<string> {
    return new Set(models().byCliName.keys());
}

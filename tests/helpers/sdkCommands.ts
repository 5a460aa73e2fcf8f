/**
 * Which AWS SDK commands a source file constructs, read with the TypeScript compiler's parser
 * (no type check): every `new X(...)` whose X is a `...Command` bound to an `@aws-sdk/client-*`
 * package, however it is imported (named, renamed with `as`, as a namespace, or through a
 * dynamic `import()`). A `new ...Command(...)` bound to nothing from `@aws-sdk` is reported with
 * no client, so a test can refuse it rather than miss a call.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

export interface SentCommand {
    /** Repository path of the file, with forward slashes. */
    readonly file: string;
    /** The command's exported name, e.g. `StartQueryCommand`. */
    readonly command: string;
    /** The package's client name after `@aws-sdk/client-` (`cloudwatch-logs`), or undefined when not from an SDK client. */
    readonly client: string | undefined;
}

const SDK_CLIENT = /^@aws-sdk\/client-([a-z0-9-]+)$/;

export function commandsSentIn(file: string, text: string): SentCommand[] {
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    // Local name -> [client, exported name] for named imports; namespace name -> client.
    const named = new Map<string, [string, string]>();
    const namespaces = new Map<string, string>();
    for (const statement of sf.statements) {
        if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
        const client = SDK_CLIENT.exec(statement.moduleSpecifier.text)?.[1];
        const bindings = statement.importClause?.namedBindings;
        if (client === undefined || bindings === undefined) continue;
        if (ts.isNamespaceImport(bindings)) namespaces.set(bindings.name.text, client);
        else for (const e of bindings.elements) named.set(e.name.text, [client, (e.propertyName ?? e.name).text]);
    }
    /** The client of `import("@aws-sdk/client-x")`, awaited and in parentheses or not. */
    const dynamicClient = (node: ts.Expression): string | undefined => {
        while (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node)) node = node.expression;
        if (!ts.isCallExpression(node) || node.expression.kind !== ts.SyntaxKind.ImportKeyword) return undefined;
        const arg = node.arguments[0];
        return arg !== undefined && ts.isStringLiteral(arg) ? SDK_CLIENT.exec(arg.text)?.[1] : undefined;
    };
    const sent: SentCommand[] = [];
    const visit = (node: ts.Node): void => {
        if (ts.isNewExpression(node)) {
            const callee = node.expression;
            const binding = ts.isIdentifier(callee) ? named.get(callee.text) : undefined;
            if (binding !== undefined && binding[1].endsWith("Command")) {
                sent.push({ file, command: binding[1], client: binding[0] });
            } else if (ts.isIdentifier(callee) && callee.text.endsWith("Command")) {
                sent.push({ file, command: callee.text, client: undefined });
            } else if (ts.isPropertyAccessExpression(callee) && callee.name.text.endsWith("Command")) {
                const owner = callee.expression;
                const client = ts.isIdentifier(owner) ? namespaces.get(owner.text) : dynamicClient(owner);
                sent.push({ file, command: callee.name.text, client });
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(sf);
    return sent;
}

/** The commands constructed in the given repository files, file by file in the order given. */
export function commandsSent(root: string, files: readonly string[]): SentCommand[] {
    return files.flatMap((file) => commandsSentIn(file, fs.readFileSync(path.join(root, file), "utf8")));
}

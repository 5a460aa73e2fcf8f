/**
 * The project's import graph, read with the TypeScript compiler's parser (no type check, so it is
 * fast): every import, export-from, `import x = require()`, `import()` type, and `require()` /
 * `import()` call with a literal module name. Relative names are resolved to repository paths
 * (`analysis/core/ip.ts`); package names are kept as written (`@aws-sdk/client-ec2`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

export interface ImportEdge {
    /** Repository path of the importing file, with forward slashes. */
    readonly from: string;
    /** Repository path of the imported file, or the package name for a non-relative import. */
    readonly to: string;
}

/** Every .ts file under the given folders (repository-relative), sorted, plus the given single files. */
export function listSources(root: string, folders: readonly string[], files: readonly string[]): string[] {
    const walk = (dir: string): string[] =>
        fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
            const rel = `${dir}/${e.name}`;
            return e.isDirectory() ? walk(rel) : e.name.endsWith(".ts") ? [rel] : [];
        });
    return [...folders.flatMap(walk), ...files].sort();
}

/** The module names a source text imports, in order of appearance. */
export function moduleNames(fileName: string, text: string): string[] {
    const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const names: string[] = [];
    const visit = (node: ts.Node): void => {
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            names.push(node.moduleSpecifier.text);
        } else if (ts.isExternalModuleReference(node) && ts.isStringLiteral(node.expression)) {
            names.push(node.expression.text);
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
            names.push(node.argument.literal.text);
        } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
            const callee = node.expression;
            const isRequire = ts.isIdentifier(callee) && callee.text === "require";
            if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) names.push(node.arguments[0].text);
        }
        ts.forEachChild(node, visit);
    };
    visit(sf);
    return names;
}

/** Resolves a relative module name the way `moduleResolution: node` does for our sources; throws when nothing matches. */
export function resolveRelative(root: string, from: string, name: string): string {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), name));
    for (const candidate of [`${base}.ts`, `${base}.d.ts`, `${base}/index.ts`, base]) {
        const full = path.join(root, candidate);
        if (fs.existsSync(full) && fs.statSync(full).isFile()) return candidate;
    }
    throw new Error(`${from}: cannot resolve '${name}'`);
}

/** The edges of the given files (a file imported twice gives one edge). */
export function importEdges(root: string, files: readonly string[]): ImportEdge[] {
    const edges: ImportEdge[] = [];
    for (const from of files) {
        const names = moduleNames(from, fs.readFileSync(path.join(root, from), "utf8"));
        const targets = new Set(names.map((name) => (name.startsWith(".") ? resolveRelative(root, from, name) : name)));
        for (const to of targets) edges.push({ from, to });
    }
    return edges;
}

/** One import circle per strongly connected group of files (Tarjan), as a path that returns to its start; none when the graph has no circle. */
export function importCircles(edges: readonly ImportEdge[]): string[][] {
    const next = new Map<string, string[]>();
    for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const groups: string[][] = [];
    const connect = (v: string): void => {
        index.set(v, index.size);
        low.set(v, index.get(v)!);
        stack.push(v);
        onStack.add(v);
        for (const w of next.get(v) ?? []) {
            if (!index.has(w)) {
                connect(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) {
                low.set(v, Math.min(low.get(v)!, index.get(w)!));
            }
        }
        if (low.get(v) === index.get(v)) {
            const group: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                group.push(w);
            } while (w !== v);
            const selfLoop = (next.get(v) ?? []).includes(v);
            if (group.length > 1 || selfLoop) groups.push(group);
        }
    };
    for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
    // A path through each group: breadth-first from its first file (sorted) back to itself.
    return groups.map((group) => {
        const members = new Set(group);
        const start = [...group].sort()[0];
        const previous = new Map<string, string>();
        const queue = [start];
        while (queue.length > 0) {
            const v = queue.shift()!;
            for (const w of next.get(v) ?? []) {
                if (!members.has(w)) continue;
                if (w === start) {
                    const cycle = [start];
                    for (let u = v; u !== start; u = previous.get(u)!) cycle.splice(1, 0, u);
                    return [...cycle, start];
                }
                if (!previous.has(w)) {
                    previous.set(w, v);
                    queue.push(w);
                }
            }
        }
        throw new Error(`no circle found through ${start}`);
    });
}

/**
 * The stacks the README tells a user to create, replayed from its shell blocks: every
 * `pulumi stack init`, `pulumi stack select`, `pulumi config set [--path]` and `pulumi config rm`,
 * in reading order, starting from the committed Pulumi.<stack>.yaml when there is one (as
 * `pulumi stack init` does). Each `pulumi up` or `pulumi preview` records the stack's config at that
 * moment, so the tests can hold every one of those runs to the CLI's rules and run the program on it.
 */
import { StackConfig, StackValue, toStackValue } from "./pulumiCliRules";

export interface ReadmeRun {
    /** The README line that runs `pulumi up` or `pulumi preview`, for the failure message. */
    readonly line: number;
    readonly stack: string;
    readonly config: StackConfig;
}

/** Splits a shell line into words: single and double quotes, and a `#` comment outside quotes. */
export function shellWords(line: string): string[] {
    const words: string[] = [];
    let word: string | undefined;
    let quote: string | undefined;
    for (const ch of line) {
        if (quote !== undefined) {
            if (ch === quote) quote = undefined;
            else word = (word ?? "") + ch;
        } else if (ch === "'" || ch === '"') {
            quote = ch;
            word = word ?? "";
        } else if (ch === "#" && word === undefined) {
            break;
        } else if (/\s/.test(ch)) {
            if (word !== undefined) words.push(word);
            word = undefined;
        } else {
            word = (word ?? "") + ch;
        }
    }
    if (quote !== undefined) throw new Error(`unterminated quote in: ${line}`);
    if (word !== undefined) words.push(word);
    return words;
}

/** `pulumi config set --path 'a[0]' v` / `--path a.b v`: sets v inside the JSON value of key a. */
function setPath(config: StackConfig, projectName: string, pathExpr: string, value: string): void {
    const parts = pathExpr.split(/\.|(?=\[)/).map((p) => (p.startsWith("[") ? Number(p.slice(1, -1)) : p));
    const key = namespacedKey(projectName, String(parts[0]));
    const existing: StackValue | undefined = config.get(key);
    let root: any = existing?.object ? JSON.parse(existing.text) : typeof parts[1] === "number" ? [] : {};
    let node = root;
    for (let i = 1; i < parts.length - 1; i++) {
        const next = parts[i] as string | number;
        node[next] ??= typeof parts[i + 1] === "number" ? [] : {};
        node = node[next];
    }
    node[parts[parts.length - 1] as string | number] = value;
    if (parts.length === 1) root = value;
    config.set(key, toStackValue(root));
}

function namespacedKey(projectName: string, key: string): string {
    return key.includes(":") ? key : `${projectName}:${key}`;
}

/**
 * Replays the README's ```sh blocks. `committedStack` returns the config of a committed
 * Pulumi.<name>.yaml, or undefined.
 */
/**
 * The pages that tell a user which stacks to create, in reading order: the front door's stack
 * first, then the pages that add to it. Tests that replay "every stack the docs create" read these.
 */
export const STACK_PAGES = ["README.md", "docs/configuration.md", "docs/s3-athena.md", "docs/lab.md"] as const;

export function readmeRuns(readme: string, projectName: string, committedStack: (name: string) => StackConfig | undefined): ReadmeRun[] {
    const stacks = new Map<string, StackConfig>();
    const runs: ReadmeRun[] = [];
    let current: string | undefined;
    let inShell = false;
    readme.split("\n").forEach((text, index) => {
        if (/^```/.test(text)) {
            inShell = !inShell && /^```(sh|bash|shell)\s*$/.test(text);
            return;
        }
        if (!inShell) return;
        // `a && b` runs both; each part is a command of its own.
        for (const part of text.split("&&")) {
            const words = shellWords(part);
            if (words[0] !== "pulumi") continue;
            const [verb, sub, ...rest] = words.slice(1);
            const args = rest.filter((w) => !w.startsWith("--") || w === "--path");
            if (verb === "stack" && (sub === "init" || sub === "select")) {
                current = args[0];
                if (!stacks.has(current)) stacks.set(current, new Map(committedStack(current) ?? []));
                continue;
            }
            const needStack = (): StackConfig => {
                if (current === undefined) throw new Error(`README line ${index + 1} runs '${text.trim()}' before any 'pulumi stack init'`);
                return stacks.get(current)!;
            };
            if (verb === "config" && sub === "set") {
                if (args[0] === "--path") setPath(needStack(), projectName, args[1], args[2]);
                else needStack().set(namespacedKey(projectName, args[0]), toStackValue(args[1]));
            } else if (verb === "config" && sub === "rm") {
                needStack().delete(namespacedKey(projectName, args[0]));
            } else if (verb === "up" || verb === "preview") {
                runs.push({ line: index + 1, stack: current ?? "(none)", config: new Map(needStack()) });
            }
        }
    });
    return runs;
}

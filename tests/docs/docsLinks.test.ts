/**
 * The README and the pages in docs/ link to each other: every relative link must resolve to a file
 * of the repository and, with a #fragment into a Markdown file, to one of its headings, as GitHub
 * makes their anchors.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..", "..");

/** README.md and every Markdown page of docs/, relative to the repository's root. */
export function documentationPages(): string[] {
    return ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
}

/** The lines outside fenced code blocks (``` or longer fences), with their numbers. */
function proseLines(markdown: string): { line: number; text: string }[] {
    const out: { line: number; text: string }[] = [];
    let fence: string | undefined;
    markdown.split("\n").forEach((text, i) => {
        const open = /^(`{3,})/.exec(text);
        if (fence === undefined && open) fence = open[1];
        else if (fence !== undefined && text.trim() === fence) fence = undefined;
        else if (fence === undefined) out.push({ line: i + 1, text });
    });
    return out;
}

/** GitHub's heading anchor: lower case, punctuation but `-` and `_` dropped, spaces to `-`; repeats get -1, -2. */
export function githubAnchors(markdown: string): Set<string> {
    const seen = new Map<string, number>();
    const anchors = new Set<string>();
    for (const { text } of proseLines(markdown)) {
        const heading = /^#{1,6} (.*)$/.exec(text);
        if (!heading) continue;
        const slug = heading[1]
            .trim()
            .toLowerCase()
            .replace(/[^\p{L}\p{N}_\- ]/gu, "")
            .replace(/ /g, "-");
        const n = seen.get(slug) ?? 0;
        seen.set(slug, n + 1);
        anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    return anchors;
}

/** The relative links of a page, outside code: `[text](target)`, without web, mail or absolute targets. */
export function relativeLinks(markdown: string): { line: number; target: string }[] {
    const links: { line: number; target: string }[] = [];
    for (const { line, text } of proseLines(markdown)) {
        // Inline code is not a link, even when it looks like one.
        const prose = text.replace(/`[^`]*`/g, "");
        for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
            if (/^[a-z][a-z0-9+.-]*:/i.test(m[1])) continue;
            links.push({ line, target: m[1] });
        }
    }
    return links;
}

/** Why a link does not resolve, or undefined when it does. */
export function brokenLink(fromPage: string, target: string): string | undefined {
    const [file, fragment] = target.split("#", 2) as [string, string | undefined];
    const resolved = file === "" ? fromPage : path.posix.normalize(path.posix.join(path.posix.dirname(fromPage), file));
    const absolute = path.join(ROOT, resolved);
    if (resolved.startsWith("..") || !fs.existsSync(absolute)) return `${target}: no file ${resolved}`;
    if (fragment === undefined) return undefined;
    if (!resolved.endsWith(".md")) return `${target}: a #fragment into ${resolved}, which is not Markdown`;
    return githubAnchors(fs.readFileSync(absolute, "utf8")).has(fragment) ? undefined : `${target}: no heading #${fragment} in ${resolved}`;
}

describe("documentation links", () => {
    it("makes GitHub's anchors: code marks and punctuation dropped, repeats numbered", () => {
        expect([...githubAnchors("# Diagnose: `vpc-flow-diagnose`\n## CloudWatch Logs or S3: choosing the destination\n## Notes\n## Notes\n```sh\n# not a heading\n```\n")]).to.deep.equal([
            "diagnose-vpc-flow-diagnose",
            "cloudwatch-logs-or-s3-choosing-the-destination",
            "notes",
            "notes-1",
        ]);
    });

    it("finds a missing file and a missing heading", () => {
        expect(brokenLink("README.md", "docs/nothing-here.md")).to.equal("docs/nothing-here.md: no file docs/nothing-here.md");
        expect(brokenLink("docs/cli.md", "output.md#no-such-heading")).to.equal("output.md#no-such-heading: no heading #no-such-heading in docs/output.md");
        expect(brokenLink("docs/cli.md", "../README.md#3-turn-flow-logs-off")).to.equal(undefined);
        expect(relativeLinks("see [a](b.md) and `[c](d.md)` and [web](https://example.com)\n```\n[e](f.md)\n```\n")).to.deep.equal([{ line: 1, target: "b.md" }]);
    });

    for (const page of documentationPages()) {
        it(`every relative link in ${page} resolves, #anchors included`, () => {
            const broken = relativeLinks(fs.readFileSync(path.join(ROOT, page), "utf8"))
                .map(({ line, target }) => ({ line, why: brokenLink(page, target) }))
                .filter((l) => l.why !== undefined)
                .map(({ line, why }) => `${page}:${line}: ${why}`);
            expect(broken).to.deep.equal([]);
        });
    }

    it("the README links to every page in docs/", () => {
        const readme = relativeLinks(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).map((l) => l.target.split("#")[0]);
        expect(documentationPages().filter((page) => page !== "README.md" && !readme.includes(page))).to.deep.equal([]);
    });
});

describe("the README is a front door", () => {
    it("stays short: at most 200 lines", () => {
        expect(fs.readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n").length).to.be.at.most(200);
    });
});

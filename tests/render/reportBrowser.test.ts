/**
 * The Markdown's Mermaid diagrams and the HTML report page in a real browser (Debian's Chromium):
 * every diagram parses with Mermaid's own parser; every page shows its verdict, culprit, fix and one
 * bar per minute, logs no console error and sends no request. Screenshots go to test-output/report/
 * (gitignored) for people to look at.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { pathModel } from "../../analysis/verdict/pathModel";
import { mermaidFlowchart } from "../../analysis/render/pathMermaid";
import { timelineColumns } from "../../analysis/render/htmlReport";
import { S3, TASK } from "../helpers/analysisRecords";
import { launchChromium } from "../helpers/browser";
import { fixtureDir } from "../helpers/configFixtures";
import { CONFIG_CASES, RECORD_SHAPES, ROOT, Shape, cli, records, reported } from "../helpers/pathCases";

// The functions passed to page.evaluate run in the page; the project compiles without the DOM library.
declare const window: any, document: any, getComputedStyle: any;

const SHOTS = join(ROOT, "test-output", "report");
const dir = mkdtempSync(join(tmpdir(), "vpc-flow-html-"));

function argv(shape: Shape, fixture: string | undefined, dst: string, output: string): string[] {
    return ["--input", records(shape, dst), "--src", TASK, "--dst", dst, ...(fixture ? ["--config-snapshot", fixtureDir(fixture)] : []), "--output", output];
}

async function output(shape: Shape, fixture: string | undefined, dst: string, format: string): Promise<string> {
    const r = await cli(...argv(shape, fixture, dst, format));
    expect([r.code, r.stderr]).to.deep.equal([0, ""]);
    return r.stdout;
}

/** A page that records console errors, page errors and every request other than the page's own file. */
async function watchedPage(browser: Browser, colorScheme: "light" | "dark" = "light") {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    const finished: string[] = [];
    const failed: string[] = [];
    page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    page.on("requestfinished", (r) => finished.push(r.url()));
    page.on("requestfailed", (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    return { page, problems, requests, finished, failed, close: () => context.close() };
}

const ALL_CASES: ReadonlyArray<readonly [string, Shape, string | undefined, string]> = [
    ...RECORD_SHAPES.map((s) => [`records-${s}`, s, undefined, S3] as const),
    ...CONFIG_CASES.map(([f, s, dst]) => [`${f.replace("/", "-")}`, s, f, dst] as const),
];
/** The pages opened: every verdict kind from the records, and one configuration case per kind of blocking hop. */
const PAGE_CASES = ALL_CASES.filter(
    ([name]) =>
        name.startsWith("records-") ||
        ["engine-private-no-route", "engine-public-no-public-ip", "engine-sg-egress-vpc-cidr-only", "engine-nacl-inbound-49152-65535", "engine-nat-subnet-acl-denies-replies", "engine-endpoint-custom-policy"].includes(name),
);

describe("report page and Mermaid diagrams in Chromium", function () {
    this.timeout(120000);
    let browser: Browser;
    before(async () => {
        browser = await launchChromium();
        mkdirSync(SHOTS, { recursive: true });
    });
    after(async () => browser?.close());

    it("every Mermaid diagram of every verdict and path kind parses with Mermaid's own parser (a broken one does not), and one renders", async () => {
        const diagrams: string[] = [];
        for (const [, shape, fixture, dst] of ALL_CASES) {
            const md = await output(shape, fixture, dst, "markdown");
            const blocks = [...md.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
            expect(blocks).to.have.length(1);
            diagrams.push(blocks[0]);
        }
        // Labels that would end a quoted label or open a tag, through the entity codes.
        const d = await reported("security-group-or-nacl", "engine/sg-egress-vpc-cidr-only");
        const p = pathModel(d);
        diagrams.push(mermaidFlowchart({ ...p, hops: p.hops.map((h) => ({ ...h, detail: `say "hi" <b>#1</b> & ]) --> x; end` })) }));
        const { page, problems, close } = await watchedPage(browser);
        await page.addScriptTag({ path: require.resolve("mermaid/dist/mermaid.min.js") });
        const results = await page.evaluate(async (texts) => {
            const m = (window as any).mermaid;
            m.initialize({ startOnLoad: false, securityLevel: "strict" });
            const out: string[] = [];
            for (const text of texts) {
                try {
                    out.push((await m.parse(text)) ? "ok" : "false");
                } catch (e) {
                    out.push(String((e as Error).message));
                }
            }
            // The check can fail: an unclosed label is refused.
            out.push(await m.parse('flowchart LR\n    a["x"] --> b["y"\n').then(() => "broken one parsed", () => "broken one refused"));
            const { svg } = await m.render("rendered", texts[1]);
            out.push(`nodes ${(svg.match(/class="node /g) ?? []).length}`);
            return out;
        }, diagrams);
        await close();
        const hops = pathModel(await reported(ALL_CASES[1][1])).hops.length;
        expect(results).to.deep.equal([...diagrams.map(() => "ok"), "broken one refused", `nodes ${hops}`]);
        expect(problems).to.deep.equal([]);
    });

    for (const [name, shape, fixture, dst] of PAGE_CASES) {
        it(`${name}: banner, culprit, fix, one bar per minute; no console error, no request`, async () => {
            const html = await output(shape, fixture, dst, "html");
            const d = await reported(shape, fixture, dst);
            const model = pathModel(d);
            const file = join(dir, `${name}.html`);
            writeFileSync(file, html);
            const url = pathToFileURL(file).href;
            const { page, problems, requests, close } = await watchedPage(browser);
            await page.goto(url);
            const seen = await page.evaluate(() => {
                const text = (sel: string) => document.querySelector(sel)?.textContent ?? null;
                return {
                    banner: text("#banner h1"),
                    culpritBox: [...document.querySelectorAll("#path-svg g.hop.culprit")].map((g) => g.getAttribute("data-hop")),
                    culpritItem: [...document.querySelectorAll("#hops li.culprit")].map((g) => g.getAttribute("data-hop")),
                    fixes: [...document.querySelectorAll("#hops li.culprit code[id^=fix-]")].map((c) => c.textContent),
                    hops: [...document.querySelectorAll("#path-svg g.hop")].map((g) => `${g.getAttribute("data-hop")}:${g.getAttribute("data-state")}`),
                    out: document.querySelectorAll('#timeline-svg g.panel[data-direction="outbound"] g.minute').length,
                    in: document.querySelectorAll('#timeline-svg g.panel[data-direction="inbound"] g.minute').length,
                    headersWithoutScope: document.querySelectorAll("th:not([scope])").length,
                    svgsWithoutName: [...document.querySelectorAll("svg")].filter((s) => s.getAttribute("role") !== "img" || !(s.getAttribute("aria-labelledby") ?? "").split(" ").every((id: string) => document.getElementById(id)?.textContent)).length,
                };
            });
            await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
            await close();
            const culprit = model.hops.find((h) => h.key === model.culprit);
            const minutes = timelineColumns(d.timeline).length;
            expect(seen).to.deep.equal({
                banner: `VPC flow diagnosis: ${d.verdict}`,
                culpritBox: culprit ? [culprit.key] : [],
                culpritItem: culprit ? [culprit.key] : [],
                fixes: culprit ? culprit.culprits.map((c) => c.fix) : [],
                hops: model.hops.map((h) => `${h.key}:${h.state}`),
                out: minutes,
                in: minutes,
                headersWithoutScope: 0,
                svgsWithoutName: 0,
            });
            expect(minutes).to.equal(d.verdict === "no-traffic" ? 0 : 6);
            expect(problems).to.deep.equal([]);
            expect(requests).to.deep.equal([url]);
        });
    }

    it("the policy stops a request the page would make, and the browser says so", async () => {
        const html = (await output("routing", undefined, S3, "html")).replace("\n</main>", '<img src="http://198.51.100.7/x.png" alt="x"><link rel="stylesheet" href="https://example.com/x.css"></main>');
        const file = join(dir, "injected.html");
        writeFileSync(file, html);
        const { page, problems, finished, failed, close } = await watchedPage(browser);
        await page.goto(pathToFileURL(file).href);
        await page.waitForLoadState("load");
        await close();
        // Chromium stops them before the network: "csp" is the policy's refusal, not a closed network's.
        expect([finished, failed.sort()]).to.deep.equal([[pathToFileURL(file).href], ["http://198.51.100.7/x.png csp", "https://example.com/x.css csp"]]);
        expect(problems.map((p) => /violates the following Content Security Policy/.test(p))).to.deep.equal([true, true]);
    });

    it("reads in dark mode and in print: contrast of at least 4.5:1, buttons hidden on paper", async () => {
        const html = await output("security-group-or-nacl", "engine/sg-egress-vpc-cidr-only", S3, "html");
        const file = join(dir, "modes.html");
        writeFileSync(file, html);
        const measure = (page: Page) =>
            page.evaluate(() => {
                const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
                const lum = (c: string) => {
                    const [r, g, b] = rgb(c).map((v) => {
                        const s = v / 255;
                        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
                    });
                    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                };
                const ratio = (fg: string, bg: string) => {
                    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
                    return Math.round(((a + 0.05) / (b + 0.05)) * 10) / 10;
                };
                const body = getComputedStyle(document.body);
                const banner = getComputedStyle(document.querySelector("#banner")!);
                const h1 = getComputedStyle(document.querySelector("#banner h1")!);
                const box = document.querySelector("#path-svg g.hop.culprit")!;
                return {
                    background: body.backgroundColor,
                    text: ratio(body.color, body.backgroundColor),
                    banner: ratio(h1.color, banner.backgroundColor),
                    culprit: ratio(getComputedStyle(box.querySelector("text")!).fill, getComputedStyle(box.querySelector("rect")!).fill),
                    buttons: [...document.querySelectorAll("button")].filter((b) => getComputedStyle(b).display !== "none").length,
                };
            });
        const light = await watchedPage(browser, "light");
        await light.page.goto(pathToFileURL(file).href);
        const lightSeen = await measure(light.page);
        await light.page.emulateMedia({ media: "print" });
        const printSeen = await measure(light.page);
        await light.page.pdf({ path: join(SHOTS, "print.pdf") }).catch(() => undefined);
        await light.close();
        const dark = await watchedPage(browser, "dark");
        await dark.page.goto(pathToFileURL(file).href);
        const darkSeen = await measure(dark.page);
        await dark.page.screenshot({ path: join(SHOTS, "dark.png"), fullPage: true });
        await dark.close();
        expect([lightSeen.background, darkSeen.background, printSeen.background]).to.deep.equal(["rgb(255, 255, 255)", "rgb(18, 18, 18)", "rgb(255, 255, 255)"]);
        for (const seen of [lightSeen, darkSeen, printSeen]) {
            expect(Math.min(seen.text, seen.banner, seen.culprit), JSON.stringify(seen)).to.be.at.least(4.5);
        }
        expect([lightSeen.buttons > 0, printSeen.buttons]).to.deep.equal([true, 0]);
    });
});

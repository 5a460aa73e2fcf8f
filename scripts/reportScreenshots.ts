/**
 * Regenerates the report-page screenshots in docs/images/ (docs/report.md shows them): the demo's
 * `routing` case (examples/s3-timeout.log, no configuration check) and a `security-group-or-nacl`
 * case with a configuration snapshot (examples/sg-reject.log with the engine fixture whose security
 * group allows only the VPC's range). Run after `npm run build`:
 *
 *   node dist/scripts/reportScreenshots.js
 *
 * Needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium); makes no network request.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { main } from "../analysis/cli/cli";

const ROOT = join(__dirname, "..", "..");
const OUT = join(ROOT, "docs", "images");
const CONVERSATION = ["--src", "10.0.1.25", "--dst", "52.219.204.42"];

const CASES: ReadonlyArray<readonly [string, string[]]> = [
    ["report-routing.png", ["--input", join(ROOT, "examples", "s3-timeout.log"), ...CONVERSATION]],
    [
        "report-security-group-config.png",
        ["--input", join(ROOT, "examples", "sg-reject.log"), ...CONVERSATION, "--config-snapshot", join(ROOT, "tests", "fixtures", "config", "engine", "sg-egress-vpc-cidr-only")],
    ],
];

async function page(argv: readonly string[]): Promise<string> {
    let stdout = "";
    let stderr = "";
    const code = await main([...argv, "--output", "html"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
    if (code !== 0) throw new Error(`vpc-flow-diagnose exited ${code}: ${stderr}`);
    return stdout;
}

async function run(): Promise<void> {
    mkdirSync(OUT, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), "report-shots-"));
    const browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
        for (const [name, argv] of CASES) {
            const file = join(dir, name.replace(/\.png$/, ".html"));
            writeFileSync(file, await page(argv));
            const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, colorScheme: "light" });
            const tab = await context.newPage();
            await tab.goto(pathToFileURL(file).href);
            // The top of the page: banner, evidence, path and timeline.
            const until = await tab.evaluate("document.querySelector('#timeline-svg').getBoundingClientRect().bottom + window.scrollY + 16");
            await tab.screenshot({ path: join(OUT, name), fullPage: true, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(until as number) } });
            await context.close();
            process.stdout.write(`wrote docs/images/${name}\n`);
        }
    } finally {
        await browser.close();
    }
}

run().catch((error) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
});

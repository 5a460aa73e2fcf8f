/** Debian's Chromium through playwright-core, for the report-page and Mermaid tests. Fails (never skips) when it cannot start. */
import { existsSync } from "node:fs";
import { Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const INSTALL = "apt-get update && apt-get install -y chromium";

export async function launchChromium(): Promise<Browser> {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: run '${INSTALL}' (.ci/run does).`);
    try {
        // The network is closed: without these flags Chromium keeps dialling its own services.
        // playwright gives each launch a new empty profile of its own.
        return await chromium.launch({
            executablePath: CHROMIUM,
            args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    } catch (error) {
        throw new Error(`Chromium at ${CHROMIUM} did not start (${(error as Error).message.split("\n")[0]}): run '${INSTALL}'.`);
    }
}

/** docs/cli.md is generated from the CLI's help and option tables; the committed page must be current. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { CLI_DOC, cliDoc } from "../../scripts/generateCliDoc";
import { COMMAND_OPTIONS, DIAGNOSE_HELP } from "../../analysis/cli/cli";

const ROOT = path.join(__dirname, "..", "..", "..");

describe("docs/cli.md", () => {
    it("is what scripts/generateCliDoc.ts prints (run `node dist/scripts/generateCliDoc.js` after a flag or help change)", () => {
        expect(fs.readFileSync(path.join(ROOT, CLI_DOC), "utf8")).to.equal(cliDoc());
    });

    it("has the help of every command verbatim and a row for every flag of every option table", () => {
        const page = cliDoc();
        expect(page).to.include(DIAGNOSE_HELP.replace(/\n+$/, ""));
        for (const [command, options] of Object.entries(COMMAND_OPTIONS)) {
            const section = page.slice(page.indexOf(`\n## ${command}\n`));
            for (const name of Object.keys(options)) expect(section, `${command} --${name}`).to.match(new RegExp(`\\n\\| (\`-\\w\`, )?\`--${name}\` \\|`));
        }
    });
});

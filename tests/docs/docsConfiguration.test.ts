/** docs/configuration.md's key table agrees with Pulumi.yaml, where the keys with a default are declared. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.join(__dirname, "..", "..", "..");

interface Declared {
    readonly type: string;
    readonly items?: { readonly type: string };
    readonly default?: unknown;
}

/** The rows of the key table: key -> [type, default, meaning, example]. */
function keyTable(): Map<string, string[]> {
    const rows = new Map<string, string[]>();
    for (const line of fs.readFileSync(path.join(ROOT, "docs", "configuration.md"), "utf8").split("\n")) {
        const cells = /^\| `(\w+)` \| (.*) \|$/.exec(line);
        if (cells && line.split(" | ").length === 5) rows.set(cells[1], cells[2].split(" | "));
    }
    return rows;
}

describe("docs/configuration.md", () => {
    const declared = (yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, Declared> }).config;
    const table = keyTable();

    it("lists every key Pulumi.yaml declares, with its type and default", () => {
        const fromYaml = Object.entries(declared).map(([key, d]) => [key, d.type === "array" ? `array of ${d.items?.type}s` : d.type, `\`${JSON.stringify(d.default)}\``]);
        const fromPage = Object.keys(declared).map((key) => [key, ...(table.get(key) ?? ["(missing)", "(missing)"]).slice(0, 2)]);
        expect(fromPage).to.deep.equal(fromYaml.map(([key, type, value]) => [key, type, value.replace(/^`"(.*)"`$/, "`$1`")]));
    });

    it("gives every key an example that sets it", () => {
        expect([...table].filter(([key, cells]) => !cells[3].startsWith("`pulumi config set ") || !cells[3].includes(key)).map(([key]) => key)).to.deep.equal([]);
    });

    it("lists exactly the declared keys and the optional keys Pulumi.yaml's comment block names", () => {
        // The keys without a sensible default stay undeclared (the CLI would make them required) and
        // are named in the comment block above `config:` instead: `#   key   description`.
        const undeclared = [...fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8").matchAll(/^ {2}# {3}(\w+) {2,}/gm)].map((m) => m[1]);
        expect([...table.keys()].sort()).to.deep.equal([...Object.keys(declared), ...undeclared].sort());
    });
});

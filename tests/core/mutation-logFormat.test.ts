/**
 * The flow-log format: presets, custom `${field}` strings and S3 header lines, with the exact message a
 * user sees for each mistake.
 *
 * AWS's rule (VPC user guide, "Flow log records", custom format; reference.md "Provisioning"):
 * "`${field}` tokens separated by single spaces, no trailing space". The header line of a flow-log file
 * in S3 lists the field names in record order (AWS's examples, tests/fixtures/flow-log-corpus): the
 * format decides which text is srcaddr and which is dstaddr, so a header read wrongly swaps direction.
 */
import { expect } from "chai";
import fc from "fast-check";
import {
    DEFAULT_FIELDS,
    DIAGNOSTIC_FIELDS,
    ECS_FIELDS,
    FLOW_LOG_FIELDS,
    fieldSpec,
    formatFromHeader,
    resolveLogFormat,
    toFormatString,
    unknownFields,
    unknownFieldsWarning,
} from "../../analysis/core/logFormat";
import { userErrorOf } from "../helpers/userErrors";

const tokens = (names: readonly string[]) => names.map((n) => "$" + "{" + n + "}").join(" ");
const ALLOWED = FLOW_LOG_FIELDS.map((f) => f.name).join(", ");

describe("core/logFormat: presets, custom strings and headers (issue 28)", () => {
    it("names a preset in any case and with spaces around it, and reports a custom string equal to a preset as that preset", () => {
        const kinds = ["default", " DIAGNOSTIC ", "Ecs", tokens(DEFAULT_FIELDS), tokens(DIAGNOSTIC_FIELDS), tokens(ECS_FIELDS), tokens(DEFAULT_FIELDS.slice(0, 13))].map(
            (v) => resolveLogFormat(v, "--format").kind,
        );
        expect(kinds).to.deep.equal(["default", "diagnostic", "ecs", "default", "diagnostic", "ecs", "custom"]);
        // The exact string AWS stores for the default format (what the stack creates and compares).
        expect(resolveLogFormat("default", "logFormat").formatString).to.equal(
            "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
        );
        expect(resolveLogFormat(tokens(["dstaddr", "srcaddr", "action"]), "--format")).to.deep.equal({
            kind: "custom",
            fields: ["dstaddr", "srcaddr", "action"],
            formatString: "${dstaddr} ${srcaddr} ${action}",
        });
        expect(toFormatString([])).to.equal("");
    });

    it("refuses each mistake in a custom string with the message that names it", () => {
        const cases: [string, string][] = [
            ["srcaddr dstaddr", "Invalid --format 'srcaddr dstaddr'. Allowed: default, diagnostic, ecs, or a custom format of ${field} tokens separated by single spaces, e.g. '${srcaddr} ${dstaddr} ${action}'."],
            ["", "Invalid --format (empty). Allowed: default, diagnostic, ecs, or a custom format of ${field} tokens separated by single spaces, e.g. '${srcaddr} ${dstaddr} ${action}'."],
            [" ${srcaddr} ${dstaddr}", "Invalid --format ' ${srcaddr} ${dstaddr}': it has a leading or trailing space. Allowed: ${field} tokens separated by single spaces, with nothing before the first or after the last."],
            ["${srcaddr}\t${dstaddr}", "Invalid --format '${srcaddr}\t${dstaddr}': fields must be separated by exactly one space."],
            ["${srcaddr}\n${dstaddr}", "Invalid --format '${srcaddr}\n${dstaddr}': fields must be separated by exactly one space."],
            ["${srcaddr}  ${dstaddr}", "Invalid --format '${srcaddr}  ${dstaddr}': fields must be separated by exactly one space."],
            ["${srcaddr}${dstaddr}", "Invalid --format '${srcaddr}${dstaddr}': '${srcaddr}${dstaddr}' is not a ${field} token. Each field is written as ${name}, e.g. ${srcaddr}."],
            ["${srcaddr} ${Dstaddr}", "Invalid --format '${srcaddr} ${Dstaddr}': '${Dstaddr}' is not a ${field} token. Each field is written as ${name}, e.g. ${srcaddr}."],
            ["${srcaddr} ${dst-addr}", `Invalid --format '\${srcaddr} \${dst-addr}': unknown field 'dst-addr'. Allowed fields: ${ALLOWED}.`],
            ["${srcaddr} ${dstaddr} ${srcaddr}", "Invalid --format '${srcaddr} ${dstaddr} ${srcaddr}': field 'srcaddr' appears twice."],
        ];
        expect(cases.map(([v]) => [v, userErrorOf(() => resolveLogFormat(v, "--format"))])).to.deep.equal(cases);
    });

    it("lets a field it does not know through only when asked, and only when it has a field name's shape", () => {
        // AWS keeps adding fields (next-hop and tag fields were reported in 2026, reference.md): a record
        // reader keeps them as opaque text; a stack's own format keeps them out (AWS would refuse a typo).
        const value = tokens(["srcaddr", "dstaddr", "next-hop"]);
        expect(resolveLogFormat(value, "--format", true)).to.deep.equal({ kind: "custom", fields: ["srcaddr", "dstaddr", "next-hop"], formatString: value });
        expect(userErrorOf(() => resolveLogFormat(value, "logFormat"))).to.equal(`Invalid logFormat '${value}': unknown field 'next-hop'. Allowed fields: ${ALLOWED}.`);
        for (const bad of ["next--hop", "-next", "next-", "9lives"]) {
            const v = tokens(["srcaddr", bad]);
            expect(userErrorOf(() => resolveLogFormat(v, "--format", true))).to.equal(`Invalid --format '${v}': unknown field '${bad}'. Allowed fields: ${ALLOWED}.`);
        }
        expect(unknownFields(resolveLogFormat(value, "--format", true))).to.deep.equal(["next-hop"]);
    });

    it("reads a header line of AWS field names in its own order, and tells a header from a line of words", () => {
        const cases: [string, { kind: string; fields: string[] } | undefined][] = [
            // The header of AWS's version 5 example (service-traffic-path-flow-direction.log), its first fields.
            ["version srcaddr dstaddr srcport dstport", { kind: "custom", fields: ["version", "srcaddr", "dstaddr", "srcport", "dstport"] }],
            [DEFAULT_FIELDS.join(" "), { kind: "default", fields: [...DEFAULT_FIELDS] }],
            ["  " + DIAGNOSTIC_FIELDS.join("\t") + " \r", { kind: "diagnostic", fields: [...DIAGNOSTIC_FIELDS] }],
            // Two known names and as many unknown: a header of a newer flow log.
            ["srcaddr dstaddr next-hop tag-name", { kind: "custom", fields: ["srcaddr", "dstaddr", "next-hop", "tag-name"] }],
            // Fewer known names than unknown, or a single known name: words, not a header.
            ["srcaddr dstaddr next-hop tag-name other", undefined],
            ["srcaddr hello", undefined],
            ["srcaddr", undefined],
            ["", undefined],
            ["srcaddr dstaddr srcaddr", undefined],
            ["srcaddr dstaddr Action", undefined],
            ["srcaddr dstaddr 10.0.1.25", undefined],
        ];
        expect(cases.map(([line]) => {
            const f = formatFromHeader(line);
            return [line, f === undefined ? undefined : { kind: f.kind, fields: [...f.fields] }];
        })).to.deep.equal(cases);
        expect(formatFromHeader("srcaddr dstaddr next-hop tag-name")?.formatString).to.equal("${srcaddr} ${dstaddr} ${next-hop} ${tag-name}");
    });

    it("reads back every shuffled choice of known fields, from a custom string and from a header, in the same order", () => {
        const names = FLOW_LOG_FIELDS.map((f) => f.name);
        fc.assert(
            fc.property(fc.shuffledSubarray(names, { minLength: 2 }), (chosen) => {
                const fromString = resolveLogFormat(tokens(chosen), "--format");
                const fromHeader = formatFromHeader(chosen.join(" "));
                expect([...fromString.fields]).to.deep.equal(chosen);
                expect(fromHeader).to.deep.equal(fromString);
                expect(chosen.map((n) => fieldSpec(n)?.name)).to.deep.equal(chosen);
            }),
            { seed: 28, numRuns: 200 },
        );
        expect([fieldSpec("srcaddr"), fieldSpec("next-hop")]).to.deep.equal([{ name: "srcaddr", version: 2, insightsName: "srcAddr" }, undefined]);
    });

    it("warns of unknown fields in the singular and the plural, and says nothing when there are none", () => {
        expect([
            unknownFieldsWarning([], "The input's header"),
            unknownFieldsWarning(["next-hop"], "The input's header"),
            unknownFieldsWarning(["next-hop", "tag-name"], "--format"),
        ]).to.deep.equal([
            undefined,
            "The input's header has a field this tool does not know yet (next-hop): its values are kept as opaque text.",
            "--format has fields this tool does not know yet (next-hop, tag-name): their values are kept as opaque text.",
        ]);
    });
});

/**
 * Generates raw flow-log files full of the cases a fast scan could get wrong, and counts what the
 * engine must find in them: format sections switched by header lines (the AWS user guide's own
 * example sections among them, headers and all), CRLF, blank, padded and over-long lines, runs of
 * spaces, IPv6, NODATA/SKIPDATA, malformed lines, EVENTS lines and tab-joined messages, NAT legs
 * tied through pkt-srcaddr/pkt-dstaddr, exact duplicates, and small REJECTs (late-reject candidates).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, LogFormat, formatFromHeader } from "../../analysis/core/logFormat";
import { FlowRecord, RECORD_FIELDS } from "../../analysis/core/records";
import { NAT_ENI, NAT_IP, S3, TASK, TASK_ENI, inbound, outbound, statusRecord, toLine } from "./analysisRecords";
import { seededRandom } from "./seededRandom";

const AWS_EXAMPLES = join(__dirname, "..", "..", "..", "tests", "fixtures", "flow-log-corpus", "aws-vpc-user-guide");

function header(text: string): LogFormat {
    const format = formatFromHeader(text);
    if (!format) throw new Error(`not a header: ${text}`);
    return format;
}

/** Formats the generated sections switch between, each announced by its header line. */
const SECTION_FORMATS: readonly LogFormat[] = [
    DEFAULT_FORMAT,
    DIAGNOSTIC_FORMAT,
    header("srcaddr dstaddr srcport dstport protocol action interface-id packets bytes start end log-status"),
    // AWS's NAT gateway example format: addresses and pkt-* addresses only.
    header("instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr"),
    // A field AWS may add later: kept as opaque text, with a warning.
    header("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status next-hop"),
];

/**
 * The diagnostic format with region and az-id where pkt-srcaddr and pkt-dstaddr were: as many
 * fields, so a range that assumes one of the two while reading the other splits every line
 * cleanly and misses the NAT legs. Only the rescan up to the range's first header gets them right.
 */
export const DIAGNOSTIC_LOOKALIKE: LogFormat = header(
    DIAGNOSTIC_FORMAT.fields.map((f) => (f === "pkt-srcaddr" ? "region" : f === "pkt-dstaddr" ? "az-id" : f)).join(" "),
);

/** The fields Conversation's duplicate test compares (recordKey), by format field name. */
const KEY_FIELDS = ["interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "pkt-srcaddr", "pkt-dstaddr", "tcp-flags", "flow-direction"];

export interface ExpectedCounts {
    records: number;
    matched: number;
    duplicates: number;
    malformed: number;
    nodata: number;
    skipdata: number;
}

export interface EdgeCaseOptions {
    readonly seed: number;
    readonly sections: number;
    /** Generated lines per section, before decorations. */
    readonly linesPerSection: number;
    /** Share of related small REJECTs (late-reject candidates), to push past the 1000 kept. */
    readonly rejectShare?: number;
    /** Formats of the generated sections (default: five of them); AWS's example sections only with the default. */
    readonly formats?: readonly LogFormat[];
    /** A header line to start the file with (else it starts headerless, in the default format). */
    readonly startFormat?: LogFormat;
}

export function edgeCaseFlowLog(options: EdgeCaseOptions): { text: string; expected: ExpectedCounts } {
    const next = seededRandom(options.seed);
    const pick = (n: number) => Math.floor(next() * n);
    const expected: ExpectedCounts = { records: 0, matched: 0, duplicates: 0, malformed: 0, nodata: 0, skipdata: 0 };
    const out: string[] = [];
    const seenKeys = new Set<string>();
    const recent: { line: string; format: LogFormat }[] = [];
    let format = options.startFormat ?? DEFAULT_FORMAT;
    if (options.startFormat) out.push(options.startFormat.fields.join(" "));
    const formats = options.formats ?? SECTION_FORMATS;
    let minute = 0;

    const keyOf = (record: FlowRecord, f: LogFormat) =>
        KEY_FIELDS.map((name) => {
            const key = RECORD_FIELDS.get(name)?.key;
            return f.fields.includes(name) && key !== undefined ? String(record[key] ?? "") : "";
        }).join(" ");
    const hasPkt = (f: LogFormat) => f.fields.includes("pkt-srcaddr");
    const hasFields = (f: LogFormat, ...names: string[]) => names.every((n) => f.fields.includes(n));

    /** Wraps a record line the way files and CLI output do; none of it changes what the line is. */
    const decorate = (line: string): string => {
        const r = next();
        if (r < 0.05) return line + "\r";
        if (r < 0.07) return "  " + line + " \t";
        if (r < 0.09) return line.replace(" ", "  ");
        if (r < 0.11) return ["EVENTS", `3${pick(1e6)}`, "1795701790000", `${TASK_ENI}-all`, line, "1795701725000"].join("\t");
        return line;
    };
    const emitRecord = (record: FlowRecord, related: boolean) => {
        const line = toLine(record, format);
        expected.records++;
        if (related) {
            const key = keyOf(record, format);
            if (seenKeys.has(key)) expected.duplicates++;
            else expected.matched++;
            seenKeys.add(key);
            recent.push({ line, format });
            if (recent.length > 20) recent.shift();
        }
        out.push(decorate(line));
    };
    const randomAddress = () => (next() < 0.5 ? `10.0.${pick(16)}.${1 + pick(250)}` : `${3 + pick(50)}.${pick(256)}.${pick(256)}.${pick(256)}`);

    const generatedLine = () => {
        const r = next();
        const i = minute++;
        if (options.rejectShare !== undefined && r < options.rejectShare && hasFields(format, "action", "packets")) {
            return emitRecord(outbound("REJECT", i, { packets: 1, bytes: 40 }), true);
        }
        if (r < 0.45) {
            return emitRecord({ ...outbound("ACCEPT", i), srcAddr: randomAddress(), dstAddr: randomAddress(), interfaceId: `eni-0${pick(9)}aa` }, false);
        }
        if (r < 0.5) return emitRecord({ ...outbound("ACCEPT", i), dstAddr: randomAddress() }, false);
        if (r < 0.56) return emitRecord(outbound(next() < 0.5 ? "ACCEPT" : "REJECT", i, { packets: 1 + pick(3) }), true);
        if (r < 0.6) return emitRecord(inbound(next() < 0.5 ? "ACCEPT" : "REJECT", i), true);
        if (r < 0.64 && hasPkt(format)) {
            // The NAT gateway's leg: its own address stands in for the task's, pkt-srcaddr keeps the task's.
            return emitRecord(outbound("ACCEPT", i, { interfaceId: NAT_ENI, srcAddr: NAT_IP, pktSrcAddr: TASK, pktDstAddr: S3, instanceId: undefined }), true);
        }
        if (r < 0.67 && recent.length > 0) {
            const repeat = recent[pick(recent.length)];
            if (repeat.format === format) {
                expected.records++;
                expected.duplicates++;
                out.push(decorate(repeat.line));
                return;
            }
        }
        if (r < 0.7 && hasFields(format, "log-status", "start", "end")) {
            const status = next() < 0.7 ? "NODATA" : "SKIPDATA";
            expected[status === "NODATA" ? "nodata" : "skipdata"]++;
            return emitRecord(statusRecord(status, i, next() < 0.5 ? TASK_ENI : "eni-0ffff1"), false);
        }
        if (r < 0.73 && format.fields.includes("srcaddr")) {
            return emitRecord({ ...outbound("ACCEPT", i), srcAddr: "2001:db8::1", dstAddr: `2001:db8::${pick(99)}` }, false);
        }
        if (r < 0.75) {
            // Two records joined by a tab, as 'filter-log-events --query events[].message --output text' prints them.
            const a = { ...outbound("ACCEPT", i), srcAddr: randomAddress(), dstAddr: randomAddress() };
            const b = { ...inbound("ACCEPT", i), srcAddr: randomAddress(), dstAddr: randomAddress() };
            expected.records += 2;
            out.push(toLine(a, format) + "\t" + toLine(b, format));
            return;
        }
        if (r < 0.78) {
            const fields = toLine(outbound("ACCEPT", i), format).split(" ");
            const malformed = [
                fields.slice(1).join(" "),
                [...fields, "extra"].join(" "),
                toLine({ ...outbound("ACCEPT", i), srcAddr: "10.0.1.300" }, format),
                `connection to ${TASK} timed out`,
                `{"message": "not a record"}`,
            ][pick(5)];
            expected.malformed++;
            out.push(malformed);
            return;
        }
        if (r < 0.8) {
            out.push(["", " ", "\r", "\t"][pick(4)]);
            return;
        }
        if (r < 0.81) {
            out.push("SEARCHEDLOGSTREAMS\t" + TASK_ENI + "-all\tTrue");
            return;
        }
        if (r < 0.812) {
            expected.malformed++;
            out.push(toLine(outbound("ACCEPT", i), format) + " " + "x".repeat(70 * 1024));
            return;
        }
        emitRecord({ ...inbound("ACCEPT", i), srcAddr: randomAddress(), dstAddr: randomAddress() }, false);
    };

    const awsExamples = readdirSync(AWS_EXAMPLES).filter((f) => f.endsWith(".log")).sort();
    for (let s = 0; s < options.sections; s++) {
        if (s > 0) {
            const kind = next();
            if (kind < 0.25 && options.formats === undefined) {
                // One of AWS's example sections, verbatim; headerless ones are in the default format.
                const lines = readFileSync(join(AWS_EXAMPLES, awsExamples[pick(awsExamples.length)]), "utf8").split("\n").filter((l) => l.trim() !== "");
                const ownHeader = formatFromHeader(lines[0]);
                if (!ownHeader) out.push(DEFAULT_FORMAT.fields.join(" "));
                format = ownHeader ?? DEFAULT_FORMAT;
                for (const line of ownHeader ? lines.slice(1) : lines) {
                    expected.records++;
                    if (line.endsWith(" NODATA")) expected.nodata++;
                    if (line.endsWith(" SKIPDATA")) expected.skipdata++;
                }
                out.push(...lines);
            } else if (kind < 0.3) {
                // A truncated header (no dstaddr): malformed, and the format stays.
                out.push("version account-id interface-id srcaddr");
                expected.malformed++;
            } else {
                format = formats[pick(formats.length)];
                out.push((next() < 0.2 ? "  " : "") + format.fields.join(" ") + (next() < 0.2 ? "\r" : ""));
            }
        }
        const count = 1 + pick(options.linesPerSection * 2);
        for (let k = 0; k < count; k++) generatedLine();
    }
    return { text: out.join("\n") + (next() < 0.5 ? "\n" : ""), expected };
}

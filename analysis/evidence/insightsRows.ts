/**
 * CloudWatch Logs Insights result rows (`GetQueryResults.results`: `{field, value}[][]`) turned into
 * records or aggregates for the Conversation accumulator.
 *
 * Three shapes are accepted, told apart per row:
 * - discovered or parsed fields (`srcAddr`, `dstPort`, `logStatus`, `startTime` or `start`, ...), also
 *   in the snake_case of the widely shared `parse @message "* * ..." as version, account_id,
 *   interface_id, ...` query;
 * - a raw `@message` (a custom format without `parse`), parsed as a raw line; a row that has both
 *   uses the message when it has the format's number of fields, since a `parse` pattern that does
 *   not fit the format names the wrong columns;
 * - an aggregated row from a `stats` query, recognised by its `records` column (the group's count).
 */
import { Conversation } from "./conversation";
import { RawLineScanner } from "./rawLines";
import { AggregateRow, FlowRecord, RECORD_FIELDS, RecordField, buildRecord, isInvalid } from "../core/records";

/** The SDK's ResultField: both members are optional in its types. */
export interface InsightsField {
    readonly field?: string;
    readonly value?: string;
}
export type InsightsRow = readonly InsightsField[];

export type ParsedInsightsRow =
    | { readonly kind: "record"; readonly record: FlowRecord }
    | { readonly kind: "aggregate"; readonly aggregate: AggregateRow }
    | { readonly kind: "message"; readonly message: string }
    | { readonly kind: "malformed"; readonly reason: string };

/** Column names are matched without regard to case, so `srcAddr`, `srcaddr` and `log-status` all work. */
const FIELDS_BY_COLUMN: ReadonlyMap<string, RecordField> = (() => {
    const map = new Map<string, RecordField>();
    for (const field of RECORD_FIELDS.values()) {
        map.set(field.spec.name.toLowerCase(), field);
        map.set(field.spec.insightsName.toLowerCase(), field);
        map.set(field.spec.name.replace(/-/g, "").toLowerCase(), field);
        map.set(field.spec.name.replace(/-/g, "_").toLowerCase(), field);
    }
    return map;
})();

/** Sums and min/max over a group can exceed what a single record allows (decimals, large counts). */
const AGGREGATED_NUMBERS = new Set(["packets", "bytes", "start", "end"]);
const ENI_IN_STREAM = /^(eni-[0-9a-f]+)/;

/**
 * Turns one result row into a record, an aggregate, a raw message to parse, or a reason it is
 * unusable. `messageFields` is the field count of the format `@message` is read in.
 */
export function parseInsightsRow(row: InsightsRow, messageFields?: number): ParsedInsightsRow {
    let message: string | undefined;
    let logStream: string | undefined;
    let recordsText: string | undefined;
    let minute: string | undefined;
    const fields: RecordField[] = [];
    const texts: string[] = [];
    for (const { field, value } of row) {
        if (field === undefined || value === undefined) continue;
        if (field === "@message") message = value;
        else if (field === "@logStream") logStream = value;
        else if (field === "records") recordsText = value;
        else if (field === "minute" || field === "bin(1m)") minute = value;
        else {
            const known = FIELDS_BY_COLUMN.get(field.toLowerCase());
            // Other columns (@ptr, @timestamp, extra stats) carry nothing the diagnosis needs.
            if (known && value !== "") {
                fields.push(known);
                texts.push(value);
            }
        }
    }

    if (recordsText !== undefined) return parseAggregate(fields, texts, recordsText, minute, logStream);
    if (message !== undefined && messageFields !== undefined && message.trim().split(/\s+/).length === messageFields) {
        return { kind: "message", message };
    }
    const hasFields = fields.some((f) => ["srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr", "log-status"].includes(f.spec.name));
    if (!hasFields) {
        if (message !== undefined) return { kind: "message", message };
        return { kind: "malformed", reason: "it has no srcAddr, dstAddr, logStatus or @message column" };
    }
    const record = buildRecord(fields, texts);
    if (isInvalid(record)) return { kind: "malformed", reason: `${record.field} is '${record.text}'` };
    fillInterfaceFromStream(record, logStream);
    return { kind: "record", record };
}

function parseAggregate(
    fields: RecordField[],
    texts: string[],
    recordsText: string,
    minute: string | undefined,
    logStream: string | undefined,
): ParsedInsightsRow {
    const records = Number(recordsText);
    if (recordsText.trim() === "" || !Number.isInteger(records) || records < 0) {
        return { kind: "malformed", reason: `records is '${recordsText}', not a count` };
    }
    const strictFields: RecordField[] = [];
    const strictTexts: string[] = [];
    const sums: Record<string, number> = {};
    for (let i = 0; i < fields.length; i++) {
        const field = fields[i];
        if (AGGREGATED_NUMBERS.has(field.spec.name)) {
            if (texts[i] === "-") continue;
            const value = Number(texts[i]);
            if (texts[i].trim() === "" || !Number.isFinite(value) || value < 0) {
                return { kind: "malformed", reason: `${field.spec.insightsName} is '${texts[i]}'` };
            }
            sums[field.key as string] = value;
        } else {
            strictFields.push(field);
            strictTexts.push(texts[i]);
        }
    }
    const record = buildRecord(strictFields, strictTexts);
    if (isInvalid(record)) return { kind: "malformed", reason: `${record.field} is '${record.text}'` };
    if (record.srcAddr === undefined && record.pktSrcAddr === undefined && record.logStatus === undefined) {
        return { kind: "malformed", reason: "an aggregated row needs srcAddr (or pktSrcAddr) to tell the direction" };
    }
    fillInterfaceFromStream(record, logStream);
    const aggregate: AggregateRow = { ...record, ...sums, records };
    if (minute !== undefined) aggregate.minute = minute;
    return { kind: "aggregate", aggregate };
}

/** Flow logs write one stream per ENI (`eni-0a1b...-all`), so the stream names the ENI when no column does. */
function fillInterfaceFromStream(record: FlowRecord, logStream: string | undefined): void {
    if (record.interfaceId !== undefined || logStream === undefined) return;
    const m = ENI_IN_STREAM.exec(logStream);
    if (m) record.interfaceId = m[1];
}

export interface InsightsFeedStats {
    rows: number;
    records: number;
    aggregates: number;
    messages: number;
    malformed: number;
}

/**
 * Feeds GetQueryResults rows into the conversation. `messages` parses rows that only have `@message`
 * (its format is the flow log's); call `messages.flush()` afterwards if you pass one you keep using.
 */
export function feedInsightsResults(
    results: readonly InsightsRow[],
    conversation: Conversation,
    messages: RawLineScanner,
): InsightsFeedStats {
    const stats: InsightsFeedStats = { rows: 0, records: 0, aggregates: 0, messages: 0, malformed: 0 };
    for (const row of results) {
        stats.rows++;
        const parsed = parseInsightsRow(row, messages.format.fields.length);
        switch (parsed.kind) {
            case "record":
                stats.records++;
                conversation.addRecord(parsed.record);
                break;
            case "aggregate":
                stats.aggregates++;
                conversation.addAggregate(parsed.aggregate);
                break;
            case "message":
                stats.messages++;
                messages.scanText(parsed.message, `row ${stats.rows}`);
                break;
            case "malformed":
                stats.malformed++;
                conversation.addMalformed(1, `row ${stats.rows}: ${parsed.reason}`, false, { location: `row ${stats.rows}` });
                break;
        }
    }
    messages.flush();
    return stats;
}

/**
 * Athena SQL over the flow-log table of analysis/queries/glueTable.ts. Pure string building, tested
 * with exact strings. The diagnosis query mirrors the Logs Insights one (insightsQuery.ts,
 * buildDiagnosisQuery): the same conversation filter (either address pair, the packet's original
 * addresses where the format has them, SKIPDATA kept), the same group-by fields and a per-minute
 * bin, so its rows feed the same engine.
 *
 * Syntax: Athena engine version 3 (Trino): `contains(network, address)` and `CAST(x AS IPADDRESS)`
 * for CIDRs (TRY_CAST, so a text file's `-` is NULL, not a failed query), `from_unixtime`,
 * `date_format` with MySQL-style patterns; `end` is a reserved word and is quoted.
 */
import { UserInputError, quote } from "../core/errors";
import { GROUP_BY_FIELDS, LISTED_FIELDS } from "./insightsQuery";
import { ConversationSelector, FilterDialect, conversationPredicate } from "./conversationFilter";
import { LogFormat } from "../core/logFormat";
import { TimeWindow } from "../core/timeWindow";
import { athenaColumn } from "./glueTable";

/** A Glue database or table name as Athena reads it: lowercase letters, digits and '_'. */
const GLUE_NAME = /^[a-z0-9_]{1,255}$/;

export interface AthenaTableRef {
    readonly database: string;
    readonly table: string;
}

/** `--athena-table db.table`. */
export function parseAthenaTable(value: string, flag = "--athena-table"): AthenaTableRef {
    const parts = value.split(".");
    if (parts.length !== 2 || !parts.every((p) => GLUE_NAME.test(p))) {
        throw new UserInputError(
            `Invalid ${flag} ${quote(value)}. Allowed: <database>.<table>, each of lowercase letters, digits and '_', e.g. vpc_flow_logs_dev.flow_logs.`,
        );
    }
    return { database: parts[0], table: parts[1] };
}

const tableName = (t: AthenaTableRef) => `"${t.database}"."${t.table}"`;

/** Column expression of a field; `end` is reserved in Athena's SQL. */
export function sqlColumn(field: string): string {
    const name = athenaColumn(field);
    return name === "end" ? `"end"` : name;
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Records are written to the hour folder of their file, which holds records that ended in its
 * 5 minutes; a record that started in the window ends at most one aggregation interval (10 minutes)
 * later. Reading 15 minutes past the window's end keeps those, for the price of one more hour folder
 * at most.
 */
export const PARTITION_PAD_SECONDS = 15 * 60;

/**
 * The partitions (year, month, day, hour folders) a window can have records in, as a predicate
 * Athena prunes with: one term per UTC day, the day's hours listed unless all 24 are needed.
 */
export function partitionPredicate(window: TimeWindow, padSeconds = PARTITION_PAD_SECONDS): string {
    const days = new Map<string, { date: Date; hours: string[] }>();
    const first = Math.floor(window.start / 3600) * 3600;
    const last = Math.floor((window.end + padSeconds) / 3600) * 3600;
    for (let hour = first; hour <= last; hour += 3600) {
        const date = new Date(hour * 1000);
        const key = date.toISOString().slice(0, 10);
        const day = days.get(key) ?? { date, hours: [] };
        day.hours.push(two(date.getUTCHours()));
        days.set(key, day);
    }
    const terms = [...days.values()].map(({ date, hours }) => {
        const dayTerms = [`year = '${date.getUTCFullYear()}'`, `month = '${two(date.getUTCMonth() + 1)}'`, `day = '${two(date.getUTCDate())}'`];
        if (hours.length < 24) dayTerms.push(`hour IN (${hours.map((h) => `'${h}'`).join(", ")})`);
        return `(${dayTerms.join(" AND ")})`;
    });
    return terms.length === 1 ? terms[0] : `(${terms.join(" OR ")})`;
}

function two(n: number): string {
    return String(n).padStart(2, "0");
}

/** `srcaddr = '10.0.1.25'` for an address, `contains('10.0.1.0/24', TRY_CAST(srcaddr AS IPADDRESS))` for a CIDR. */
export function sqlAddressPredicate(column: string, addresses: readonly string[]): string {
    const terms = addresses.map((a) => (a.includes("/") ? `contains(${literal(a)}, TRY_CAST(${column} AS IPADDRESS))` : `${column} = ${literal(a)}`));
    return terms.length === 1 ? terms[0] : `(${terms.join(" OR ")})`;
}

/** Athena's SQL (Presto/Trino), for the one conversation filter (conversationFilter.ts). */
export const ATHENA_DIALECT: FilterDialect = {
    column: sqlColumn,
    address: sqlAddressPredicate,
    text: literal,
    and: "AND",
    or: "OR",
};

/** Both directions of the conversation, the same filter as Logs Insights' (conversationFilter.ts). */
export function sqlConversationPredicate(sel: ConversationSelector, format: LogFormat): string {
    return conversationPredicate(sel, format, ATHENA_DIALECT);
}

/** The minute of a record's start, printed as Logs Insights prints `bin(1m)` (UTC, no zone). */
export const MINUTE_EXPRESSION = `date_format(from_unixtime("start" - "start" % 60), '%Y-%m-%d %H:%i:00')`;

/** Athena has no row cap of its own; the diagnosis asks for at most this many groups. */
export const ATHENA_ROW_LIMIT = 10000;

/** The aggregate columns' aliases and the record fields the engine reads them as. */
export const ATHENA_AGGREGATE_COLUMNS: Readonly<Record<string, string>> = {
    records: "records",
    packets_total: "packets",
    bytes_total: "bytes",
    first_start: "start",
    last_end: "end",
    minute: "minute",
};

export interface AthenaDiagnosisOptions {
    /** Only this interface's records (`--eni`, an ECS task's ENI), where the format has interface-id. */
    readonly interfaceId?: string;
    readonly limit?: number;
}

/**
 * The query behind a live diagnosis from S3: the window's partitions only, the records that overlap
 * the window, the conversation (and SKIPDATA records, which mean gaps), aggregated per interface,
 * direction, action and minute.
 */
export function buildAthenaDiagnosisQuery(
    format: LogFormat,
    table: AthenaTableRef,
    sel: ConversationSelector,
    window: TimeWindow,
    options: AthenaDiagnosisOptions = {},
): string {
    const has = (f: string) => format.fields.includes(f);
    // Rows matched by the AWS service alone need it to be tied to the conversation again.
    const serviceFields = sel.s3Service ? ["pkt-dst-aws-service", "pkt-src-aws-service"] : [];
    const groupBy = [...GROUP_BY_FIELDS, ...serviceFields].filter(has).map(sqlColumn);
    const minute = has("start") ? [MINUTE_EXPRESSION] : [];
    const select = [
        "count(*) AS records",
        ...(has("packets") ? ["sum(packets) AS packets_total"] : []),
        ...(has("bytes") ? ["sum(bytes) AS bytes_total"] : []),
        ...(has("start") ? [`min("start") AS first_start`] : []),
        ...(has("end") ? [`max("end") AS last_end`] : []),
        ...groupBy,
        ...minute.map((m) => `${m} AS minute`),
    ];
    const conversation = sqlConversationPredicate(sel, format);
    const where = [
        partitionPredicate(window),
        ...(has("end") ? [`"end" >= ${window.start}`] : []),
        ...(has("start") ? [`"start" <= ${window.end}`] : []),
        ...(options.interfaceId !== undefined && has("interface-id") ? [`interface_id = ${literal(options.interfaceId)}`] : []),
        has("log-status") ? `(log_status = 'SKIPDATA' OR (${conversation}))` : `(${conversation})`,
    ];
    const groupColumns = [...groupBy, ...minute];
    return [
        `SELECT ${select.join(", ")}`,
        `FROM ${tableName(table)}`,
        `WHERE ${where.join("\n  AND ")}`,
        ...(groupColumns.length > 0 ? [`GROUP BY ${groupColumns.join(", ")}`] : []),
        `LIMIT ${options.limit ?? ATHENA_ROW_LIMIT}`,
    ].join("\n");
}

/**
 * A query a person pastes into the Athena console: today's (UTC) records on the port, newest
 * first, before anyone knows the task's address. `current_date` is a constant of the query, so
 * Athena still reads today's partitions only.
 */
export function buildAthenaRecordsQuery(format: LogFormat, table: AthenaTableRef, sel: ConversationSelector, limit = 1000): string {
    const has = (f: string) => format.fields.includes(f);
    const columns = [...(has("start") ? [`from_unixtime("start") AS start_time`] : []), ...LISTED_FIELDS.filter(has).map(sqlColumn)];
    return [
        `SELECT ${columns.join(", ")}`,
        `FROM ${tableName(table)}`,
        "WHERE year = date_format(current_date, '%Y') AND month = date_format(current_date, '%m') AND day = date_format(current_date, '%d')",
        `  AND ${sqlConversationPredicate(sel, format)}`,
        ...(has("start") ? [`ORDER BY "start" DESC`] : []),
        `LIMIT ${limit}`,
    ].join("\n");
}

/** A cell of an Athena result row: `undefined` for SQL NULL. */
export type AthenaCell = string | undefined;

/**
 * Athena rows as the `{field, value}` rows the Insights reader takes: aggregates renamed to the
 * record fields (`packets_total` -> `packets`), other columns kept (`interface_id`, `log_status`
 * are read by their underscore names), NULLs left out.
 */
export function athenaRowsToFields(columns: readonly string[], rows: readonly (readonly AthenaCell[])[]): { field: string; value: string }[][] {
    const names = columns.map((c) => ATHENA_AGGREGATE_COLUMNS[c] ?? c);
    return rows.map((row) => row.flatMap((value, i) => (value === undefined || names[i] === undefined ? [] : [{ field: names[i], value }])));
}

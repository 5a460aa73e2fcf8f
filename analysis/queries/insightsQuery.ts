/**
 * Builds CloudWatch Logs Insights queries over flow-log records. Pure string building, tested with
 * exact strings. The stack output `insightsQuery` and the live diagnosis both come from here.
 *
 * Field names: for the default format Logs Insights discovers `srcAddr`, `dstPort`, ... by itself;
 * for any other format the query starts with `parse @message` and names the columns the same way
 * (see `insightsName` in logFormat.ts), so everything downstream reads one set of names.
 * Syntax: CloudWatch Logs user guide, "CloudWatch Logs Insights language query syntax".
 */
import { LogFormat, fieldSpec } from "../core/logFormat";
import { protocolHasPorts } from "../core/records";
import { ConversationSelector, FilterDialect, conversationPredicate } from "./conversationFilter";

/** Logs Insights column name for a flow-log field. */
export function insightsField(name: string): string {
    const spec = fieldSpec(name);
    if (!spec) throw new Error(`Unknown flow-log field '${name}'`);
    return spec.insightsName;
}

/**
 * Column name of a field this project does not know (`unknownField3` for the third field): it keeps
 * its place in the parse pattern, as file mode keeps it in the line, and no query reads it. The
 * prefix keeps it from shadowing a known column, whatever the user called the field.
 */
export function unknownFieldColumn(position: number): string {
    return `unknownField${position}`;
}

/** `parse @message "* * ..." as a, b, ...` for formats Logs Insights does not discover; empty for default. */
export function parseClause(format: LogFormat): string[] {
    if (format.kind === "default") return [];
    const stars = format.fields.map(() => "*").join(" ");
    const columns = format.fields.map((name, i) => (fieldSpec(name) === undefined ? unknownFieldColumn(i + 1) : insightsField(name)));
    return [`parse @message "${stars}" as ${columns.join(", ")}`];
}

export type { ConversationSelector } from "./conversationFilter";

/** `srcAddr = "10.0.1.25"` for an address, `isIpInSubnet(srcAddr, "10.0.1.0/24")` for a CIDR. */
export function addressPredicate(column: string, addresses: readonly string[]): string {
    const terms = addresses.map((a) => (a.includes("/") ? `isIpInSubnet(${column}, "${a}")` : `${column} = "${a}"`));
    return terms.length === 1 ? terms[0] : `(${terms.join(" or ")})`;
}

/** The Logs Insights query language, for the one conversation filter (conversationFilter.ts). */
export const INSIGHTS_DIALECT: FilterDialect = {
    column: insightsField,
    address: addressPredicate,
    text: (value) => `"${value}"`,
    and: "and",
    or: "or",
};

/** The conversation as a Logs Insights `filter` command; see conversationPredicate for what it keeps. */
export function conversationFilter(sel: ConversationSelector, format?: LogFormat): string {
    return `filter ${conversationPredicate(sel, format, INSIGHTS_DIALECT)}`;
}

/** Columns worth reading by eye, in this order, where the format has them. */
export const LISTED_FIELDS = [
    "interface-id",
    "srcaddr",
    "srcport",
    "dstaddr",
    "dstport",
    "action",
    "packets",
    "bytes",
    "tcp-flags",
    "flow-direction",
    "traffic-path",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "log-status",
];

/**
 * A query a person pastes into the Logs Insights console: the conversation's records, newest
 * first. Without src/dst it lists every record on the port, which is what the stack output offers
 * before anyone knows the task's address.
 */
export function buildRecordsQuery(format: LogFormat, sel: ConversationSelector, limit = 1000): string {
    const columns = LISTED_FIELDS.filter((f) => format.fields.includes(f)).map(insightsField);
    return [
        ...parseClause(format),
        `fields @timestamp, ${columns.join(", ")}`,
        conversationFilter(sel, format),
        "sort @timestamp desc",
        `limit ${limit}`,
    ].join("\n| ");
}

/** Logs Insights returns at most this many rows per query (the default and the cap of `limit`). */
export const INSIGHTS_ROW_CAP = 10000;

/**
 * Group-by columns the diagnosis can use, where the format has them. Ports and protocol are fixed by
 * the filter. The ECS task id and service name (the `ecs` preset) tie records to a task.
 */
export const GROUP_BY_FIELDS = [
    "interface-id",
    "srcaddr",
    "dstaddr",
    "action",
    "log-status",
    "tcp-flags",
    "flow-direction",
    "traffic-path",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "ecs-task-id",
    "ecs-service-name",
];

/** The column `bin(1m)` produces; the rows reader takes it as `minute`. */
export const MINUTE_COLUMN = "bin(1m)";

/**
 * The aggregates' aliases, kept apart from the field names they aggregate (`sum(packets) as
 * packets` would shadow the field inside the query), and the record names the engine reads them as.
 */
export const AGGREGATE_COLUMNS: Readonly<Record<string, string>> = {
    packetsTotal: "packets",
    bytesTotal: "bytes",
    firstStart: "startTime",
    lastEnd: "endTime",
};

/** Renames the diagnosis query's aggregate columns to the record names the engine reads. */
export function toRecordColumns<T extends { readonly field?: string; readonly value?: string }>(rows: readonly (readonly T[])[]): T[][] {
    return rows.map((row) => row.map((cell) => (cell.field !== undefined && cell.field in AGGREGATE_COLUMNS ? { ...cell, field: AGGREGATE_COLUMNS[cell.field] } : cell)));
}

/**
 * The query behind a live diagnosis. The conversation is filtered and aggregated server-side, per
 * interface, direction, action and minute, so the bytes are scanned once and the rows returned stay
 * far below the 10,000-row cap however long the window. SKIPDATA records (no addresses) are kept:
 * they mean the evidence has gaps.
 *
 * Result columns: records, packetsTotal, bytesTotal, firstStart (earliest start), lastEnd (latest
 * end), the group-by columns named as in logFormat.ts, and `bin(1m)`; toRecordColumns renames the
 * aggregates for the engine.
 */
export function buildDiagnosisQuery(format: LogFormat, sel: ConversationSelector, limit = INSIGHTS_ROW_CAP, options: DiagnosisQueryOptions = {}): string {
    // Rows matched by the AWS service alone need it to be tied to the conversation again here.
    const serviceFields = sel.s3Service ? ["pkt-dst-aws-service", "pkt-src-aws-service"] : [];
    const groupBy = [...GROUP_BY_FIELDS, ...serviceFields].filter((f) => format.fields.includes(f)).map(insightsField);
    const conversation = conversationFilter(sel, format).replace(/^filter /, "");
    const skipped = format.fields.includes("log-status") ? 'logStatus = "SKIPDATA" or ' : "";
    const stats = [
        "count(*) as records",
        ...(format.fields.includes("packets") ? ["sum(packets) as packetsTotal"] : []),
        ...(format.fields.includes("bytes") ? ["sum(bytes) as bytesTotal"] : []),
        ...(format.fields.includes("start") ? ["min(startTime) as firstStart"] : []),
        ...(format.fields.includes("end") ? ["max(endTime) as lastEnd"] : []),
    ];
    const portFlags = options.portColumns === true && protocolHasPorts(sel.protocol);
    return [
        ...parseClause(format),
        `filter ${skipped}(${conversation})`,
        ...(portFlags ? [portFlagsClause(sel.port)] : []),
        `stats ${stats.join(", ")} by ${[...groupBy, ...(portFlags ? PORT_FLAG_COLUMNS : []), MINUTE_COLUMN].join(", ")}`,
        `limit ${limit}`,
    ].join("\n| ");
}

export interface DiagnosisQueryOptions {
    /**
     * Also group by whether dstPort and srcPort are the port (PORT_FLAG_COLUMNS). Then the filter
     * reads nothing outside a row's group, so a record's whole group is in a query's result or
     * none of it: what lets rows of queries split by address be merged exactly
     * (insightsQueryPlan.ts).
     */
    readonly portColumns?: boolean;
}

/** The 0/1 columns of DiagnosisQueryOptions.portColumns: 1 when dstPort (toPort) or srcPort (fromPort) is the port. */
export const PORT_FLAG_COLUMNS: readonly string[] = ["toPort", "fromPort"];

/** Documented functions only, as in buildUnansweredQuery: `1 - least(abs(x - port), 1)` is 1 exactly when x is the port. */
function portFlagsClause(port: number): string {
    return `fields 1 - least(abs(dstPort - ${port}), 1) as toPort, 1 - least(abs(srcPort - ${port}), 1) as fromPort`;
}

/*
 * Saved queries for the console (the `VpcFlowLogs` component saves them per stack). Each one reads
 * the whole log group, before anyone knows the task's address: TCP to the port S3 listens on (443),
 * or the log group's own health. Logs Insights has no joins, so "no reply" is shown as counts side
 * by side per interface and minute, not as a filtered list. A query starts with `#` comment lines
 * that say how to read it (the console shows them with the query).
 */

/** The column naming the interface: `interfaceId` where the format has it, else the log stream, which the flow log names after the ENI. */
export function interfaceColumn(format: LogFormat): string {
    return format.fields.includes("interface-id") ? insightsField("interface-id") : "@logStream";
}

/**
 * Outbound TCP records to the port that were rejected, per interface and destination. The packet's
 * own destination and the AWS service it belongs to come along where the format has them: on a NAT
 * gateway's interface `dstAddr` is the gateway and only `pktDstAddr` names S3.
 */
export function buildRejectsQuery(format: LogFormat, port = 443, limit = 1000): string {
    const extras = ["pkt-dstaddr", "pkt-dst-aws-service"].filter((f) => format.fields.includes(f)).map(insightsField);
    const stats = ["count(*) as records", ...(format.fields.includes("packets") ? ["sum(packets) as packetsTotal"] : [])];
    return [
        `# Outbound TCP ${port} (S3 over HTTPS among it) dropped by a security group or network ACL; a few right after a connection closed are normal.`,
        [
            ...parseClause(format),
            `filter action = "REJECT" and protocol = 6 and dstPort = ${port}`,
            `stats ${stats.join(", ")} by ${[interfaceColumn(format), "srcAddr", "dstAddr", ...extras].join(", ")}`,
            "sort records desc",
            `limit ${limit}`,
        ].join("\n| "),
    ].join("\n");
}

/**
 * Per interface and minute: TCP records to the port (outbound) and from it (inbound, the replies),
 * each split by action. Logs Insights has no joins and no conditional aggregate, so each record
 * gets 0/1 columns first, from documented functions only: `strcontains` returns 1 or 0, and
 * `1 - least(abs(dstPort - port), 1)` is 1 exactly when dstPort is the port (ports are integers);
 * `stats` then sums products of them (AWS's own samples aggregate arithmetic expressions).
 * Rows with outbound ACCEPTs and no inbound records are the routing signature; sorting on inbound
 * ACCEPTs puts the unanswered minutes first.
 */
export function buildUnansweredQuery(format: LogFormat, port = 443, limit = 1000): string {
    const sums = [
        "sum(accepted * outbound) as outboundAccepted",
        "sum(rejected * outbound) as outboundRejected",
        "sum(accepted * (1 - outbound)) as inboundAccepted",
        "sum(rejected * (1 - outbound)) as inboundRejected",
    ];
    return [
        "# outboundAccepted > 0 with inboundAccepted = 0 and inboundRejected = 0: packets left and nothing came back, consistent with a routing problem (route table, NAT/internet gateway, endpoint).",
        "# outboundRejected > 0: a security group or network ACL blocks them on the way out. inboundRejected > 0 (beyond a few after a close): the network ACL drops the replies.",
        [
            ...parseClause(format),
            `filter protocol = 6 and (dstPort = ${port} or srcPort = ${port})`,
            `fields strcontains(action, "ACCEPT") as accepted, strcontains(action, "REJECT") as rejected, 1 - least(abs(dstPort - ${port}), 1) as outbound`,
            `stats ${sums.join(", ")} by ${interfaceColumn(format)}, ${MINUTE_COLUMN}`,
            "sort inboundAccepted asc",
            `limit ${limit}`,
        ].join("\n| "),
    ].join("\n");
}

/**
 * The conversations that moved the most bytes, per interface (a conversation inside the VPC is
 * logged by both interfaces; grouping by interface keeps them apart instead of adding them up).
 * Undefined for a format without `bytes`.
 */
export function buildTopTalkersQuery(format: LogFormat, limit = 25): string | undefined {
    if (!format.fields.includes("bytes")) return undefined;
    const stats = [
        "sum(bytes) as bytesTotal",
        ...(format.fields.includes("packets") ? ["sum(packets) as packetsTotal"] : []),
        "count(*) as records",
    ];
    return [
        ...parseClause(format),
        // NODATA and SKIPDATA records carry no addresses or bytes.
        ...(format.fields.includes("log-status") ? ['filter logStatus = "OK"'] : []),
        `stats ${stats.join(", ")} by ${[interfaceColumn(format), "srcAddr", "dstAddr"].join(", ")}`,
        "sort bytesTotal desc",
        `limit ${limit}`,
    ].join("\n| ");
}

/**
 * NODATA and SKIPDATA records per interface, SKIPDATA first. Undefined for a format without
 * `log-status`.
 */
export function buildLogStatusQuery(format: LogFormat, limit = 1000): string | undefined {
    if (!format.fields.includes("log-status")) return undefined;
    return [
        "# SKIPDATA: records were skipped in those intervals, so the evidence has gaps. NODATA: no traffic on the interface in the interval (normal when idle).",
        [
            ...parseClause(format),
            'filter logStatus = "NODATA" or logStatus = "SKIPDATA"',
            `stats count(*) as records, min(@timestamp) as firstSeen, max(@timestamp) as lastSeen by ${interfaceColumn(format)}, logStatus`,
            "sort logStatus desc",
            `limit ${limit}`,
        ].join("\n| "),
    ].join("\n");
}

/** How a query is limited to some log streams: one per ENI in a flow log's log group. */
export interface StreamScope {
    readonly logStreams: readonly string[];
    /**
     * True when the group has field indexes (the Standard log class indexes `@logStream` by
     * default): `filterIndex` then skips the other streams' data instead of scanning it. False
     * gives a plain `filter` (same result, no skipping), for groups without indexes.
     */
    readonly indexed: boolean;
}

/**
 * Puts a log-stream filter in front of a query, so it reads only those streams. CloudWatch Logs
 * names a flow log's streams after the ENI (`eni-1235b8ca123456789-all`). Syntax: CloudWatch Logs
 * user guide, "filterIndex" (`filterIndex field = "v"`, `filterIndex field in ["a", "b"]`).
 */
export function scopeToLogStreams(query: string, scope: StreamScope): string {
    if (scope.logStreams.length === 0) return query;
    const command = scope.indexed ? "filterIndex" : "filter";
    const names = scope.logStreams.map((n) => `"${n.replace(/["\\]/g, "\\$&")}"`);
    const predicate = names.length === 1 ? `@logStream = ${names[0]}` : `@logStream in [${names.join(", ")}]`;
    return `${command} ${predicate}\n| ${query}`;
}

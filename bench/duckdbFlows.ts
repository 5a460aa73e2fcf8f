/**
 * DuckDB, the tool a user with downloaded flow-log files would reach for, as the benchmark's peer
 * (dev dependency @duckdb/node-api; never used by analysis/). Two commands, each run as its own
 * process so the benchmark times the whole process as it times the CLI:
 *
 *   node dist/bench/duckdbFlows.js write <text file> <parquet file> <GZIP|SNAPPY> [row group rows]
 *     writes the text file's records as Parquet in AWS's flow-log schema (VPC user guide, "Flow log
 *     records": version, srcport, dstport, protocol INT_32; packets, bytes, start, end INT_64; the
 *     rest STRING; `-` is null), with DuckDB's own writer (dictionary pages where they pay, several
 *     row groups);
 *   node dist/bench/duckdbFlows.js query <file> <src> <dst> [threads]
 *     answers the benchmark's question on a text or Parquet file and prints
 *     "outbound-accept outbound-reject inbound-accept inbound-reject nodata skipdata", the line the
 *     awk program prints.
 */
import { DuckDBInstance } from "@duckdb/node-api";

/** The default format's columns as AWS names them in Parquet, with the types AWS documents. */
export const FLOW_COLUMNS: readonly (readonly [string, string])[] = [
    ["version", "INTEGER"],
    ["account_id", "VARCHAR"],
    ["interface_id", "VARCHAR"],
    ["srcaddr", "VARCHAR"],
    ["dstaddr", "VARCHAR"],
    ["srcport", "INTEGER"],
    ["dstport", "INTEGER"],
    ["protocol", "INTEGER"],
    ["packets", "BIGINT"],
    ["bytes", "BIGINT"],
    ["start", "BIGINT"],
    ["end", "BIGINT"],
    ["action", "VARCHAR"],
    ["log_status", "VARCHAR"],
];

const sqlText = (text: string) => `'${text.replace(/'/g, "''")}'`;

function textSource(path: string): string {
    const columns = FLOW_COLUMNS.map(([name, type]) => `${sqlText(name)}: ${sqlText(type)}`).join(", ");
    return `read_csv(${sqlText(path)}, delim = ' ', header = false, nullstr = '-', columns = {${columns}})`;
}

function source(path: string): string {
    return path.endsWith(".parquet") ? `read_parquet(${sqlText(path)})` : textSource(path);
}

/** The awk program's question: both directions of src <-> dst:443/tcp by action, and NODATA/SKIPDATA. */
export function questionSql(path: string, src: string, dst: string): string {
    const s = sqlText(src);
    const d = sqlText(dst);
    return `SELECT
  count(*) FILTER (WHERE srcaddr = ${s} AND dstaddr = ${d} AND dstport = 443 AND protocol = 6 AND action = 'ACCEPT'),
  count(*) FILTER (WHERE srcaddr = ${s} AND dstaddr = ${d} AND dstport = 443 AND protocol = 6 AND action <> 'ACCEPT'),
  count(*) FILTER (WHERE srcaddr = ${d} AND dstaddr = ${s} AND srcport = 443 AND protocol = 6 AND action = 'ACCEPT'),
  count(*) FILTER (WHERE srcaddr = ${d} AND dstaddr = ${s} AND srcport = 443 AND protocol = 6 AND action <> 'ACCEPT'),
  count(*) FILTER (WHERE log_status = 'NODATA'),
  count(*) FILTER (WHERE log_status = 'SKIPDATA')
FROM ${source(path)}`;
}

async function main(argv: string[]): Promise<void> {
    const [command, ...args] = argv;
    if (command === "write" && args.length >= 3) {
        const [text, parquet, codec, rowGroupRows] = args;
        if (codec !== "GZIP" && codec !== "SNAPPY") throw new Error(`codec '${codec}': GZIP or SNAPPY`);
        const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
        const connection = await instance.connect();
        // Rows in file order: the row groups then hold the records in the text file's order.
        await connection.run("SET preserve_insertion_order = true");
        const groupRows = rowGroupRows ? `, ROW_GROUP_SIZE ${Number(rowGroupRows)}` : "";
        await connection.run(`COPY (SELECT * FROM ${textSource(text)}) TO ${sqlText(parquet)} (FORMAT parquet, COMPRESSION ${codec}${groupRows})`);
        connection.closeSync();
        return;
    }
    if (command === "query" && args.length >= 3) {
        const [path, src, dst, threads] = args;
        const instance = await DuckDBInstance.create(":memory:", { threads: threads ?? "2" });
        const connection = await instance.connect();
        const reader = await connection.runAndReadAll(questionSql(path, src, dst));
        console.log(reader.getRows()[0].map((v) => String(v)).join(" "));
        connection.closeSync();
        return;
    }
    throw new Error("usage: duckdbFlows.js write <text> <parquet> <GZIP|SNAPPY> [row group rows] | query <file> <src> <dst> [threads]");
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((err: unknown) => {
        console.error(err instanceof Error ? err.message : String(err));
        process.exitCode = 2;
    });
}

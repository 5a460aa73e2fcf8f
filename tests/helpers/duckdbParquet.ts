/**
 * Writes flow-log records as Parquet with DuckDB's own writer (@duckdb/node-api, a dev dependency),
 * which writes what most Parquet writers write and hyparquet-writer does not: data pages v1,
 * dictionary pages chosen per column chunk, row groups of whole 2,048-row vectors. The column types
 * are AWS's (VPC user guide, "Flow log records": INT_32 / INT_64 / STRING); `-` is written as null.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

const INT32_FIELDS = new Set(["version", "srcport", "dstport", "protocol", "tcp-flags", "traffic-path"]);
const INT64_FIELDS = new Set(["packets", "bytes", "start", "end"]);

export interface DuckDbWriteChoices {
    readonly codec: "GZIP" | "SNAPPY";
    /** Rows per row group; DuckDB rounds it up to whole vectors of 2,048 rows. */
    readonly rowGroupSize?: number;
    /** Field names in the order the columns are written (default: the lines' order). */
    readonly columnOrder?: readonly string[];
}

let connection: Promise<DuckDBConnection> | undefined;

/** Parquet bytes for raw lines in `fields` order. */
export async function linesToParquetWithDuckDb(lines: readonly string[], fields: readonly string[], choices: DuckDbWriteChoices): Promise<Buffer> {
    connection ??= DuckDBInstance.create(":memory:", { threads: "1" }).then((instance) => instance.connect());
    const db = await connection;
    const dir = mkdtempSync(join(tmpdir(), "duckdb-parquet-"));
    try {
        const text = join(dir, "records.log");
        const parquet = join(dir, "records.parquet");
        writeFileSync(text, lines.join("\n") + "\n");
        const sqlText = (t: string) => `'${t.replace(/'/g, "''")}'`;
        const type = (f: string) => (INT32_FIELDS.has(f) ? "INTEGER" : INT64_FIELDS.has(f) ? "BIGINT" : "VARCHAR");
        const name = (f: string) => f.replace(/-/g, "_");
        const columns = fields.map((f) => `${sqlText(name(f))}: ${sqlText(type(f))}`).join(", ");
        const order = (choices.columnOrder ?? fields).map((f) => `"${name(f)}"`).join(", ");
        await db.run("SET preserve_insertion_order = true");
        await db.run(
            `COPY (SELECT ${order} FROM read_csv(${sqlText(text)}, delim = ' ', header = false, nullstr = '-', quote = '', escape = '', columns = {${columns}})) ` +
                `TO ${sqlText(parquet)} (FORMAT parquet, COMPRESSION ${choices.codec}, ROW_GROUP_SIZE ${choices.rowGroupSize ?? 2048})`,
        );
        return readFileSync(parquet);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

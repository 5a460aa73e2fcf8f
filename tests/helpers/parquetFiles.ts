/**
 * Writes flow-log records as Parquet the way flow logs delivered to S3 do (VPC user guide, "Flow
 * log records": one column per field, `-` in a name written `_`, INT_32 / INT_64 / STRING types),
 * with a real writer (hyparquet-writer), from the same text lines a text-file test uses, so both
 * inputs hold exactly the same records.
 */
import { gzipSync } from "node:zlib";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { ColumnSource } from "hyparquet-writer";

/** The VPC user guide's Parquet data types; every other field is STRING. */
const INT32_FIELDS = new Set(["version", "srcport", "dstport", "protocol", "tcp-flags", "traffic-path"]);
const INT64_FIELDS = new Set(["packets", "bytes", "start", "end"]);

export interface ParquetWriteChoices {
    /** Parquet codec: AWS writes GZIP; the writer's default is SNAPPY. */
    readonly codec?: "GZIP" | "SNAPPY" | "UNCOMPRESSED";
    readonly rowGroupSize?: number;
    /** Field names in the order the columns are written (default: the lines' order). */
    readonly columnOrder?: readonly string[];
    /** Write `-` in string columns as null instead of the text AWS writes. */
    readonly nullStrings?: boolean;
    /** More columns, written as given (unknown fields, odd types). */
    readonly extraColumns?: readonly ColumnSource[];
    /** Target uncompressed page size in bytes (the writer's default: 1 MiB). */
    readonly pageSize?: number;
    /** String values written in place of the texts of the lines (values a line cannot hold: spaces, the empty string). */
    readonly stringValues?: Readonly<Record<string, string>>;
    /** Value encoding per field (default: the writer's choice, a dictionary where it at least halves the size). */
    readonly encodings?: Readonly<Record<string, ColumnSource["encoding"]>>;
}

/** Parquet bytes for raw lines in `fields` order: numbers that do not apply are null, strings keep `-`. */
export function linesToParquet(lines: readonly string[], fields: readonly string[], choices: ParquetWriteChoices = {}): Buffer {
    const rows = lines.map((line) => line.split(" "));
    const columnData: ColumnSource[] = (choices.columnOrder ?? fields).map((field) => {
        const at = fields.indexOf(field);
        if (at < 0) throw new Error(`no field ${field} in the lines`);
        const texts = rows.map((r) => r[at]);
        const name = field.replace(/-/g, "_");
        const encoding = choices.encodings?.[field] === undefined ? {} : { encoding: choices.encodings[field] };
        if (INT32_FIELDS.has(field)) return { name, type: "INT32", nullable: true, data: texts.map((t) => (t === "-" ? null : Number(t))), ...encoding };
        if (INT64_FIELDS.has(field)) return { name, type: "INT64", nullable: true, data: texts.map((t) => (t === "-" ? null : BigInt(t))), ...encoding };
        return { name, type: "STRING", nullable: true, data: texts.map((t) => (t === "-" && choices.nullStrings ? null : (choices.stringValues?.[t] ?? t))), ...encoding };
    });
    const buffer = parquetWriteBuffer({
        columnData: [...columnData, ...(choices.extraColumns ?? [])],
        codec: choices.codec ?? "GZIP",
        compressors: { GZIP: (input: Uint8Array) => gzipSync(input) },
        rowGroupSize: choices.rowGroupSize ?? 1000,
        ...(choices.pageSize === undefined ? {} : { pageSize: choices.pageSize }),
    });
    return Buffer.from(buffer);
}

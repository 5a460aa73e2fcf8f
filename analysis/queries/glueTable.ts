/**
 * The Glue (Athena) table over flow logs delivered to S3 with Hive-compatible, per-hour partitions:
 * its columns, storage and partition projection. Pure, so the exact table is tested.
 *
 * Source: Amazon Athena user guide, "Create tables for flow logs in Apache Parquet format"
 * (https://docs.aws.amazon.com/athena/latest/ug/vpc-flow-logs-parquet.html): columns are the
 * flow-log field names with '-' written '_' (`account_id`, `log_status`, `pkt_dst_aws_service`), typed
 * `int` (version, srcport, dstport, tcp_flags, traffic_path), `bigint` (protocol, packets, bytes,
 * start, end) and `string` (every other field); the Hive-partitioned table is
 * `PARTITIONED BY (aws-account-id, aws-service, aws-region, year, month, day, hour)`, all strings,
 * over ParquetHiveSerDe. Here the table's LOCATION is one account's and region's folder
 * (`.../aws-account-id=<id>/aws-service=vpcflowlogs/aws-region=<region>/`), so the partitions left are
 * year, month, day and hour, projected ("Use partition projection with Amazon Athena": integer type,
 * `digits` for the zero-padded month, day and hour folders, `storage.location.template`), and
 * queries need no MSCK REPAIR TABLE and no crawler.
 */
import { LogFormat } from "../core/logFormat";

export type AthenaColumnType = "int" | "bigint" | "string";

export interface GlueColumn {
    readonly name: string;
    readonly type: AthenaColumnType;
}

/** Types from AWS's Parquet table; every field not listed is a string (ECS names, reject-reason, ...). */
const COLUMN_TYPES: Readonly<Record<string, AthenaColumnType>> = {
    version: "int",
    srcport: "int",
    dstport: "int",
    "tcp-flags": "int",
    "traffic-path": "int",
    protocol: "bigint",
    packets: "bigint",
    bytes: "bigint",
    start: "bigint",
    end: "bigint",
};

/** `log-status` -> `log_status`: the Parquet files' own column names. */
export function athenaColumn(field: string): string {
    return field.replace(/-/g, "_");
}

/** The table's columns, in the format's order (a plain-text file is read by position). */
export function glueColumns(format: LogFormat): GlueColumn[] {
    return format.fields.map((f) => ({ name: athenaColumn(f), type: COLUMN_TYPES[f] ?? "string" }));
}

export const PARTITION_KEYS: readonly GlueColumn[] = ["year", "month", "day", "hour"].map((name) => ({ name, type: "string" as const }));

/**
 * Partition projection: the year from 2021 (Hive-compatible prefixes for flow logs date from then)
 * to 2100; month, day and hour as the zero-padded numbers of the folder names.
 */
export function projectionParameters(location: string): Record<string, string> {
    return {
        "projection.enabled": "true",
        "projection.year.type": "integer",
        "projection.year.range": "2021,2100",
        "projection.month.type": "integer",
        "projection.month.range": "1,12",
        "projection.month.digits": "2",
        "projection.day.type": "integer",
        "projection.day.range": "1,31",
        "projection.day.digits": "2",
        "projection.hour.type": "integer",
        "projection.hour.range": "0,23",
        "projection.hour.digits": "2",
        "storage.location.template": `${location}year=$` + "{year}/month=$" + "{month}/day=$" + "{day}/hour=$" + "{hour}/",
    };
}

export interface GlueTableInput {
    readonly tableType: "EXTERNAL_TABLE";
    readonly parameters: Record<string, string>;
    readonly partitionKeys: GlueColumn[];
    readonly storageDescriptor: {
        readonly location: string;
        readonly inputFormat: string;
        readonly outputFormat: string;
        readonly serDeInfo: { readonly serializationLibrary: string; readonly parameters?: Record<string, string> };
        readonly columns: GlueColumn[];
    };
}

/**
 * Everything the Glue table is made of. Parquet files carry their column names; plain-text files
 * are space-separated in the format's order with a header line (AWS's text table: LazySimpleSerDe,
 * `FIELDS TERMINATED BY ' '`, `skip.header.line.count` 1), and `-` in a number column reads as NULL.
 */
export function glueTableInput(format: LogFormat, fileFormat: "parquet" | "plain-text", location: string): GlueTableInput {
    const parquet = fileFormat === "parquet";
    return {
        tableType: "EXTERNAL_TABLE",
        parameters: {
            EXTERNAL: "TRUE",
            classification: parquet ? "parquet" : "csv",
            ...(parquet ? {} : { "skip.header.line.count": "1" }),
            ...projectionParameters(location),
        },
        partitionKeys: [...PARTITION_KEYS],
        storageDescriptor: {
            location,
            inputFormat: parquet ? "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat" : "org.apache.hadoop.mapred.TextInputFormat",
            outputFormat: parquet
                ? "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
                : "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            serDeInfo: parquet
                ? { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" }
                : { serializationLibrary: "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", parameters: { "field.delim": " ", "serialization.format": " " } },
            columns: glueColumns(format),
        },
    };
}

/**
 * The Glue table and the Athena SQL, as exact values. Column names and types are those of AWS's
 * table in the Athena user guide, "Create tables for flow logs in Apache Parquet format"
 * (https://docs.aws.amazon.com/athena/latest/ug/vpc-flow-logs-parquet.html, read 2026-11-27):
 * version int, account_id string, interface_id string, srcaddr string, dstaddr string, srcport int,
 * dstport int, protocol bigint, packets bigint, bytes bigint, start bigint, `end` bigint, action
 * string, log_status string, vpc_id string, subnet_id string, instance_id string, tcp_flags int,
 * type string, pkt_srcaddr string, pkt_dstaddr string, region string, az_id string,
 * sublocation_type string, sublocation_id string, pkt_src_aws_service string, pkt_dst_aws_service
 * string, flow_direction string, traffic_path int.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import { PARTITION_KEYS, glueColumns, glueTableInput, projectionParameters } from "../../analysis/queries/glueTable";
import {
    athenaRowsToFields,
    buildAthenaDiagnosisQuery,
    buildAthenaRecordsQuery,
    parseAthenaTable,
    partitionPredicate,
    sqlConversationPredicate,
} from "../../analysis/queries/athenaQuery";
import { DEFAULT_FORMAT, DIAGNOSTIC_FORMAT, resolveLogFormat } from "../../analysis/core/logFormat";
import { userErrorOf } from "../helpers/userErrors";
import { projectedLocation, projectedValues, projectionProblems } from "../helpers/partitionProjection";

const AWS_PARQUET_TABLE: Record<string, string> = {
    version: "int", account_id: "string", interface_id: "string", srcaddr: "string", dstaddr: "string", srcport: "int",
    dstport: "int", protocol: "bigint", packets: "bigint", bytes: "bigint", start: "bigint", end: "bigint", action: "string",
    log_status: "string", vpc_id: "string", subnet_id: "string", instance_id: "string", tcp_flags: "int", type: "string",
    pkt_srcaddr: "string", pkt_dstaddr: "string", region: "string", az_id: "string", sublocation_type: "string",
    sublocation_id: "string", pkt_src_aws_service: "string", pkt_dst_aws_service: "string", flow_direction: "string", traffic_path: "int",
};

const LOCATION = "s3://flow-logs-bucket/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-2/";
const TABLE = { database: "vpc_flow_logs_dev", table: "flow_logs" };
const epoch = (iso: string) => Date.parse(iso) / 1000;

describe("Glue table over S3 flow logs", () => {
    it("has the default format's 14 columns, typed as AWS's Parquet table", () => {
        expect(glueColumns(DEFAULT_FORMAT)).to.deep.equal([
            { name: "version", type: "int" },
            { name: "account_id", type: "string" },
            { name: "interface_id", type: "string" },
            { name: "srcaddr", type: "string" },
            { name: "dstaddr", type: "string" },
            { name: "srcport", type: "int" },
            { name: "dstport", type: "int" },
            { name: "protocol", type: "bigint" },
            { name: "packets", type: "bigint" },
            { name: "bytes", type: "bigint" },
            { name: "start", type: "bigint" },
            { name: "end", type: "bigint" },
            { name: "action", type: "string" },
            { name: "log_status", type: "string" },
        ]);
    });

    it("types every diagnostic column as AWS's table does, in the format's order", () => {
        const columns = glueColumns(DIAGNOSTIC_FORMAT);
        expect(columns.map((c) => c.name)).to.deep.equal([
            "version", "account_id", "interface_id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log_status",
            "vpc_id", "subnet_id", "tcp_flags", "type", "pkt_srcaddr", "pkt_dstaddr", "flow_direction", "traffic_path", "pkt_dst_aws_service",
        ]);
        for (const c of columns) expect([c.name, c.type]).to.deep.equal([c.name, AWS_PARQUET_TABLE[c.name]]);
    });

    it("follows a custom format's order, with ECS and reject-reason fields as strings", () => {
        const format = resolveLogFormat("${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${tcp-flags} ${ecs-task-id} ${reject-reason}", "logFormat");
        expect(glueColumns(format)).to.deep.equal([
            { name: "interface_id", type: "string" },
            { name: "srcaddr", type: "string" },
            { name: "dstaddr", type: "string" },
            { name: "srcport", type: "int" },
            { name: "dstport", type: "int" },
            { name: "protocol", type: "bigint" },
            { name: "action", type: "string" },
            { name: "tcp_flags", type: "int" },
            { name: "ecs_task_id", type: "string" },
            { name: "reject_reason", type: "string" },
        ]);
    });

    describe("partition projection: the table reads the folders AWS writes", () => {
        // With Hive-compatible prefixes and per-hour partitions, flow logs land in
        // <bucket-and-prefix>/AWSLogs/aws-account-id=<id>/aws-service=vpcflowlogs/aws-region=<region>/year=<year>/month=<month>/day=<day>/hour=<hour>/
        // (VPC user guide, "Flow log files"), month, day and hour in two digits as in the guide's examples.
        // LOCATION is the folder of one account and region, so the table's partitions are the rest.
        const parameters = projectionParameters(LOCATION);
        const two = (n: number) => String(n).padStart(2, "0");
        const partitionOf = (t: Date) => ({ year: String(t.getUTCFullYear()), month: two(t.getUTCMonth() + 1), day: two(t.getUTCDate()), hour: two(t.getUTCHours()) });
        const awsFolder = (t: Date) => {
            const p = partitionOf(t);
            return `${LOCATION}year=${p.year}/month=${p.month}/day=${p.day}/hour=${p.hour}/`;
        };
        const FIRST_HOUR = Date.UTC(2021, 0, 1, 0);
        const LAST_HOUR = Date.UTC(2100, 11, 31, 23);

        it("projects the year, month, day and hour folders, zero-padded", () => {
            expect(projectionProblems(parameters, PARTITION_KEYS.map((k) => k.name))).to.deep.equal([]);
            for (const iso of ["2021-01-01T00:00:00Z", "2024-02-29T13:00:00Z", "2026-11-26T14:00:00Z", "2100-12-31T23:00:00Z"]) {
                const t = new Date(iso);
                expect(projectedLocation(parameters, partitionOf(t)), iso).to.equal(awsFolder(t));
            }
            fc.assert(
                fc.property(fc.integer({ min: 0, max: (LAST_HOUR - FIRST_HOUR) / 3_600_000 }), (hours) => {
                    const t = new Date(FIRST_HOUR + hours * 3_600_000);
                    expect(projectedLocation(parameters, partitionOf(t)), t.toISOString()).to.equal(awsFolder(t));
                }),
                { seed: 1902, numRuns: 300 },
            );
        });

        it("projects no folder AWS never writes: months 01-12, days 01-31, hours 00-23, the years 2021-2100", () => {
            const range = (from: number, to: number, digits: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(digits, "0"));
            expect(Object.fromEntries(PARTITION_KEYS.map((k) => [k.name, projectedValues(parameters, k.name)]))).to.deep.equal({
                year: range(2021, 2100, 4),
                month: range(1, 12, 2),
                day: range(1, 31, 2),
                hour: range(0, 23, 2),
            });
        });
    });

    it("reads Parquet with ParquetHiveSerDe, and plain text space-separated after its header line", () => {
        const parquet = glueTableInput(DEFAULT_FORMAT, "parquet", LOCATION);
        expect([parquet.tableType, parquet.parameters.EXTERNAL, parquet.parameters.classification, parquet.parameters["skip.header.line.count"]]).to.deep.equal([
            "EXTERNAL_TABLE", "TRUE", "parquet", undefined,
        ]);
        expect(parquet.partitionKeys).to.deep.equal(["year", "month", "day", "hour"].map((name) => ({ name, type: "string" })));
        expect({ ...parquet.storageDescriptor, columns: parquet.storageDescriptor.columns.length }).to.deep.equal({
            location: LOCATION,
            inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
            columns: 14,
        });
        const text = glueTableInput(DEFAULT_FORMAT, "plain-text", LOCATION);
        expect([text.parameters.classification, text.parameters["skip.header.line.count"], text.storageDescriptor.inputFormat, text.storageDescriptor.serDeInfo]).to.deep.equal([
            "csv",
            "1",
            "org.apache.hadoop.mapred.TextInputFormat",
            { serializationLibrary: "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", parameters: { "field.delim": " ", "serialization.format": " " } },
        ]);
    });
});

describe("Athena SQL for flow logs", () => {
    const windows: [string, string, string, string][] = [
        ["inside one hour", "2026-11-26T14:05:00Z", "2026-11-26T14:20:00Z", "(year = '2026' AND month = '11' AND day = '26' AND hour IN ('14'))"],
        ["ending near the hour: the next folder too", "2026-11-26T14:05:00Z", "2026-11-26T14:50:00Z", "(year = '2026' AND month = '11' AND day = '26' AND hour IN ('14', '15'))"],
        [
            "across midnight",
            "2026-11-26T23:30:00Z",
            "2026-11-27T00:30:00Z",
            "((year = '2026' AND month = '11' AND day = '26' AND hour IN ('23')) OR (year = '2026' AND month = '11' AND day = '27' AND hour IN ('00')))",
        ],
        [
            "across a month's end",
            "2026-11-30T22:10:00Z",
            "2026-12-01T01:00:00Z",
            "((year = '2026' AND month = '11' AND day = '30' AND hour IN ('22', '23')) OR (year = '2026' AND month = '12' AND day = '01' AND hour IN ('00', '01')))",
        ],
        [
            "across a year's end",
            "2026-12-31T23:50:00Z",
            "2027-01-01T00:05:00Z",
            "((year = '2026' AND month = '12' AND day = '31' AND hour IN ('23')) OR (year = '2027' AND month = '01' AND day = '01' AND hour IN ('00')))",
        ],
        [
            "over a whole day: the day without hours",
            "2026-02-27T23:00:00Z",
            "2026-03-01T00:00:00Z",
            "((year = '2026' AND month = '02' AND day = '27' AND hour IN ('23')) OR (year = '2026' AND month = '02' AND day = '28') OR (year = '2026' AND month = '03' AND day = '01' AND hour IN ('00')))",
        ],
    ];
    for (const [what, start, end, predicate] of windows) {
        it(`prunes partitions for a window ${what}`, () => expect(partitionPredicate({ start: epoch(start), end: epoch(end) })).to.equal(predicate));
    }

    it("builds the diagnosis query for the default format: addresses, either pair, window and SKIPDATA", () => {
        const window = { start: epoch("2026-11-26T14:00:00Z"), end: epoch("2026-11-26T14:30:00Z") };
        expect(buildAthenaDiagnosisQuery(DEFAULT_FORMAT, TABLE, { src: ["10.0.1.25"], dst: ["52.219.204.42"], port: 443, protocol: 6 }, window)).to.equal(
            [
                `SELECT count(*) AS records, sum(packets) AS packets_total, sum(bytes) AS bytes_total, min("start") AS first_start, max("end") AS last_end, interface_id, srcaddr, dstaddr, action, log_status, date_format(from_unixtime("start" - "start" % 60), '%Y-%m-%d %H:%i:00') AS minute`,
                `FROM "vpc_flow_logs_dev"."flow_logs"`,
                `WHERE (year = '2026' AND month = '11' AND day = '26' AND hour IN ('14'))`,
                `  AND "end" >= 1795701600`,
                `  AND "start" <= 1795703400`,
                `  AND (log_status = 'SKIPDATA' OR (protocol = 6 AND ((srcaddr = '10.0.1.25' AND dstaddr = '52.219.204.42' AND dstport = 443) OR (srcaddr = '52.219.204.42' AND srcport = 443 AND dstaddr = '10.0.1.25'))))`,
                `GROUP BY interface_id, srcaddr, dstaddr, action, log_status, date_format(from_unixtime("start" - "start" % 60), '%Y-%m-%d %H:%i:00')`,
                `LIMIT 10000`,
            ].join("\n"),
        );
    });

    it("matches CIDRs and the packet's original addresses with the diagnostic format, and one ENI", () => {
        const window = { start: epoch("2026-11-26T14:00:00Z"), end: epoch("2026-11-26T14:30:00Z") };
        const sql = buildAthenaDiagnosisQuery(DIAGNOSTIC_FORMAT, TABLE, { src: ["10.0.1.0/24"], dst: ["52.219.204.42", "3.5.140.0/22"], port: 443, protocol: 6 }, window, {
            interfaceId: "eni-0a1b2c3d4e5f60718",
            limit: 500,
        });
        expect(sql.split("\n").slice(0, 1)[0]).to.equal(
            `SELECT count(*) AS records, sum(packets) AS packets_total, sum(bytes) AS bytes_total, min("start") AS first_start, max("end") AS last_end, interface_id, srcaddr, dstaddr, action, log_status, tcp_flags, flow_direction, traffic_path, pkt_srcaddr, pkt_dstaddr, date_format(from_unixtime("start" - "start" % 60), '%Y-%m-%d %H:%i:00') AS minute`,
        );
        expect(sql.split("\n").slice(4)).to.deep.equal([
            `  AND "start" <= 1795703400`,
            `  AND interface_id = 'eni-0a1b2c3d4e5f60718'`,
            "  AND (log_status = 'SKIPDATA' OR (protocol = 6 AND (((contains('10.0.1.0/24', TRY_CAST(srcaddr AS IPADDRESS)) OR contains('10.0.1.0/24', TRY_CAST(pkt_srcaddr AS IPADDRESS))) AND " +
                "((dstaddr = '52.219.204.42' OR contains('3.5.140.0/22', TRY_CAST(dstaddr AS IPADDRESS))) OR (pkt_dstaddr = '52.219.204.42' OR contains('3.5.140.0/22', TRY_CAST(pkt_dstaddr AS IPADDRESS)))) AND dstport = 443) OR " +
                "(((srcaddr = '52.219.204.42' OR contains('3.5.140.0/22', TRY_CAST(srcaddr AS IPADDRESS))) OR (pkt_srcaddr = '52.219.204.42' OR contains('3.5.140.0/22', TRY_CAST(pkt_srcaddr AS IPADDRESS)))) AND srcport = 443 AND " +
                "(contains('10.0.1.0/24', TRY_CAST(dstaddr AS IPADDRESS)) OR contains('10.0.1.0/24', TRY_CAST(pkt_dstaddr AS IPADDRESS)))))))",
            "GROUP BY interface_id, srcaddr, dstaddr, action, log_status, tcp_flags, flow_direction, traffic_path, pkt_srcaddr, pkt_dstaddr, date_format(from_unixtime(\"start\" - \"start\" % 60), '%Y-%m-%d %H:%i:00')",
            "LIMIT 500",
        ]);
    });

    it("keeps to the fields a custom format has: no times, no log-status, no ports for ICMP", () => {
        const format = resolveLogFormat("${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}", "logFormat");
        const window = { start: epoch("2026-11-26T14:00:00Z"), end: epoch("2026-11-26T14:30:00Z") };
        expect(buildAthenaDiagnosisQuery(format, TABLE, { src: ["10.0.1.25"], dst: ["10.0.2.9"], port: 443, protocol: 1 }, window)).to.equal(
            [
                "SELECT count(*) AS records, srcaddr, dstaddr, action",
                `FROM "vpc_flow_logs_dev"."flow_logs"`,
                "WHERE (year = '2026' AND month = '11' AND day = '26' AND hour IN ('14'))",
                "  AND (protocol = 1 AND ((srcaddr = '10.0.1.25' AND dstaddr = '10.0.2.9') OR (srcaddr = '10.0.2.9' AND dstaddr = '10.0.1.25')))",
                "GROUP BY srcaddr, dstaddr, action",
                "LIMIT 10000",
            ].join("\n"),
        );
        expect(sqlConversationPredicate({ port: 443, protocol: 6 }, format)).to.equal("protocol = 6 AND ((dstport = 443) OR (srcport = 443))");
    });

    it("offers today's TCP 443 records as the stack's ready query", () => {
        expect(buildAthenaRecordsQuery(DIAGNOSTIC_FORMAT, TABLE, { port: 443, protocol: 6 })).to.equal(
            [
                `SELECT from_unixtime("start") AS start_time, interface_id, srcaddr, srcport, dstaddr, dstport, action, packets, bytes, tcp_flags, flow_direction, traffic_path, pkt_srcaddr, pkt_dstaddr, log_status`,
                `FROM "vpc_flow_logs_dev"."flow_logs"`,
                "WHERE year = date_format(current_date, '%Y') AND month = date_format(current_date, '%m') AND day = date_format(current_date, '%d')",
                "  AND protocol = 6 AND ((dstport = 443) OR (srcport = 443))",
                `ORDER BY "start" DESC`,
                "LIMIT 1000",
            ].join("\n"),
        );
    });

    it("turns Athena rows into the rows the Insights reader takes, NULLs left out", () => {
        const columns = ["records", "packets_total", "bytes_total", "first_start", "last_end", "interface_id", "srcaddr", "log_status", "minute"];
        expect(athenaRowsToFields(columns, [["3", "9", "540", "1796133600", "1796133660", "eni-0a1b2c3d4e5f60718", undefined, "SKIPDATA", "2026-11-26 14:00:00"]])).to.deep.equal([
            [
                { field: "records", value: "3" },
                { field: "packets", value: "9" },
                { field: "bytes", value: "540" },
                { field: "start", value: "1796133600" },
                { field: "end", value: "1796133660" },
                { field: "interface_id", value: "eni-0a1b2c3d4e5f60718" },
                { field: "log_status", value: "SKIPDATA" },
                { field: "minute", value: "2026-11-26 14:00:00" },
            ],
        ]);
    });

    it("reads --athena-table as database.table and refuses anything else", () => {
        expect(parseAthenaTable("vpc_flow_logs_dev.flow_logs")).to.deep.equal(TABLE);
        expect(userErrorOf(() => parseAthenaTable("flow_logs"))).to.equal(
            "Invalid --athena-table 'flow_logs'. Allowed: <database>.<table>, each of lowercase letters, digits and '_', e.g. vpc_flow_logs_dev.flow_logs.",
        );
        expect(userErrorOf(() => parseAthenaTable("db.Flow-Logs"))).to.contain("Invalid --athena-table 'db.Flow-Logs'.");
    });
});

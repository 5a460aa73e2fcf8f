/**
 * Builders for flow-log test data: one scenario (a list of records) can be written as raw lines in
 * any format, as Logs Insights rows (discovered fields or @message) or as aggregated rows, so every
 * verdict is checked through every source.
 */
import { AddressSet } from "../../analysis/core/ip";
import { Conversation, ConversationQuery } from "../../analysis/evidence/conversation";
import { DEFAULT_FORMAT, LogFormat } from "../../analysis/core/logFormat";
import { RECORD_FIELDS, FlowRecord } from "../../analysis/core/records";
import { InsightsField } from "../../analysis/core/insightsResults";
import { RawLineScanner } from "../../analysis/evidence/rawLines";
import { Diagnosis, TrafficType, diagnose } from "../../analysis/verdict/classify";

export const TASK = "10.0.1.25";
export const S3 = "52.219.204.42";
export const TASK_ENI = "eni-0a1b2c3d4e5f60718";
export const OTHER_ENI = "eni-07e6d5c4b3a291807";
export const NAT_ENI = "eni-0f9e8d7c6b5a43210";
export const NAT_IP = "10.0.0.77";
/** 2026-11-26T14:02:00Z */
export const T0 = 1795701720;

export function query(overrides: Partial<ConversationQuery> = {}): ConversationQuery {
    return { src: AddressSet.parse(TASK, "--src"), dst: AddressSet.parse(S3, "--dst"), port: 443, protocol: 6, ...overrides };
}

const BASE: FlowRecord = { version: 2, accountId: "123456789012", interfaceId: TASK_ENI, protocol: 6, logStatus: "OK" };

/** The task's packets to S3, in minute `i` of the window. */
export function outbound(action: "ACCEPT" | "REJECT", i: number, extra: FlowRecord = {}): FlowRecord {
    const start = T0 + i * 60 + 5;
    return { ...BASE, srcAddr: TASK, dstAddr: S3, srcPort: 43310 + i, dstPort: 443, packets: 3, bytes: 180, startTime: start, endTime: start + 55, action, ...extra };
}

/** S3's replies to the task, in minute `i` of the window. */
export function inbound(action: "ACCEPT" | "REJECT", i: number, extra: FlowRecord = {}): FlowRecord {
    const start = T0 + i * 60 + 5;
    return { ...BASE, srcAddr: S3, dstAddr: TASK, srcPort: 443, dstPort: 43310 + i, packets: 4, bytes: 5200, startTime: start, endTime: start + 55, action, ...extra };
}

/** Traffic of other conversations, which must never count. */
export function noise(i: number): FlowRecord[] {
    const start = T0 + i * 60 + 9;
    const t = { startTime: start, endTime: start + 50 };
    return [
        { ...BASE, ...t, srcAddr: "10.0.0.141", dstAddr: TASK, srcPort: 51022, dstPort: 8080, packets: 5, bytes: 420, action: "ACCEPT" },
        { ...BASE, ...t, srcAddr: TASK, dstAddr: "10.0.0.141", srcPort: 8080, dstPort: 51022, packets: 4, bytes: 610, action: "ACCEPT" },
        // Same addresses, wrong port: the task to S3 on 80.
        { ...BASE, ...t, srcAddr: TASK, dstAddr: S3, srcPort: 40000, dstPort: 80, packets: 2, bytes: 120, action: "REJECT" },
        // Same addresses and port, wrong protocol.
        { ...BASE, ...t, srcAddr: TASK, dstAddr: S3, srcPort: 40001, dstPort: 443, protocol: 17, packets: 2, bytes: 120, action: "ACCEPT" },
        { ...BASE, ...t, interfaceId: OTHER_ENI, srcAddr: "10.0.2.14", dstAddr: "10.0.3.50", srcPort: 38812, dstPort: 5432, packets: 22, bytes: 4410, action: "ACCEPT" },
    ];
}

export function statusRecord(status: "NODATA" | "SKIPDATA", i: number, interfaceId = TASK_ENI): FlowRecord {
    const start = T0 + i * 60;
    return { version: 2, accountId: "123456789012", interfaceId, startTime: start, endTime: start + 60, logStatus: status };
}

/** Writes a record as a raw line in the given format; absent fields are `-`. */
export function toLine(record: FlowRecord, format: LogFormat = DEFAULT_FORMAT): string {
    return format.fields
        .map((name) => {
            const key = RECORD_FIELDS.get(name)?.key;
            const value = key === undefined ? undefined : record[key];
            return value === undefined ? "-" : String(value);
        })
        .join(" ");
}

/** A GetQueryResults row: discovered fields (as for the default format) or only @message. */
export function toInsightsRow(record: FlowRecord, mode: "discovered" | "message", format: LogFormat = DEFAULT_FORMAT): InsightsField[] {
    const row: InsightsField[] = [{ field: "@timestamp", value: "2026-11-26 14:02:05.000" }];
    if (mode === "message") {
        row.push({ field: "@message", value: toLine(record, format) });
    } else {
        for (const name of format.fields) {
            const field = RECORD_FIELDS.get(name);
            if (!field?.key) continue;
            const value = record[field.key];
            if (value !== undefined) row.push({ field: field.spec.insightsName, value: String(value) });
        }
        row.push({ field: "@message", value: toLine(record, format) });
    }
    row.push({ field: "@ptr", value: "CmAKJwoj..." });
    return row;
}

/**
 * Rows as the live `stats count(*) as records, sum(packets) as packets, sum(bytes) as bytes,
 * min(start) as startTime, max(end) as endTime by interfaceId, srcAddr, dstAddr, action, logStatus,
 * bin(1m) as minute` query returns them: no ports or protocol, because the query filtered on them.
 * Records of other ports and protocols are left out here, as the query's filter would.
 */
export function toAggregateRows(records: readonly FlowRecord[]): InsightsField[][] {
    const groups = new Map<string, { key: FlowRecord; minute: string; records: number; packets: number; bytes: number; start: number; end: number }>();
    for (const r of records) {
        if (r.logStatus === "OK" && (r.protocol !== 6 || (r.dstPort !== 443 && r.srcPort !== 443))) continue;
        const minuteEpoch = (r.startTime ?? 0) - ((r.startTime ?? 0) % 60);
        const minute = new Date(minuteEpoch * 1000).toISOString().replace("T", " ").replace("Z", "");
        const k = [r.interfaceId, r.srcAddr, r.dstAddr, r.action, r.logStatus, minute].join("|");
        let g = groups.get(k);
        if (!g) {
            g = { key: r, minute, records: 0, packets: 0, bytes: 0, start: Infinity, end: 0 };
            groups.set(k, g);
        }
        g.records++;
        g.packets += r.packets ?? 0;
        g.bytes += r.bytes ?? 0;
        g.start = Math.min(g.start, r.startTime ?? Infinity);
        g.end = Math.max(g.end, r.endTime ?? 0);
    }
    return [...groups.values()].map((g) => {
        const row: InsightsField[] = [
            { field: "interfaceId", value: g.key.interfaceId },
            { field: "srcAddr", value: g.key.srcAddr ?? "-" },
            { field: "dstAddr", value: g.key.dstAddr ?? "-" },
            { field: "action", value: g.key.action ?? "-" },
            { field: "logStatus", value: g.key.logStatus },
            { field: "minute", value: g.minute },
            { field: "records", value: String(g.records) },
            { field: "packets", value: String(g.packets) },
            { field: "bytes", value: String(g.bytes) },
            { field: "startTime", value: String(g.start) },
            { field: "endTime", value: String(g.end) },
        ];
        return row;
    });
}

export function scanLines(lines: readonly string[], format: LogFormat = DEFAULT_FORMAT, q: ConversationQuery = query()): Conversation {
    const conversation = new Conversation(q);
    const scanner = new RawLineScanner(conversation, q.src, q.dst, format);
    for (const line of lines) scanner.scanText(line);
    scanner.flush();
    return conversation;
}

export function diagnoseLines(lines: readonly string[], format: LogFormat = DEFAULT_FORMAT, trafficType: TrafficType = "ALL"): Diagnosis {
    return diagnose(scanLines(lines, format).evidence(), { trafficType });
}

export function recordCounts(d: Diagnosis): [number, number, number, number] {
    return [d.counts.outbound.accept, d.counts.outbound.reject, d.counts.inbound.accept, d.counts.inbound.reject];
}

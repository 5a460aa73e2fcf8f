/**
 * The record model: one flow-log record with every field AWS can write, keyed by the field's
 * `insightsName` (see logFormat.ts), so a raw line, a Logs Insights row and an aggregated row all
 * produce the same shape. A field whose value is `-` (does not apply) is absent.
 */
import { FLOW_LOG_FIELDS, FlowLogFieldSpec } from "./logFormat";
import { isIpAddress } from "./ip";

export type Action = "ACCEPT" | "REJECT";
export type LogStatus = "OK" | "NODATA" | "SKIPDATA";
export type FlowDirection = "ingress" | "egress";

export interface FlowRecord {
    version?: number;
    accountId?: string;
    interfaceId?: string;
    srcAddr?: string;
    dstAddr?: string;
    srcPort?: number;
    dstPort?: number;
    protocol?: number;
    packets?: number;
    bytes?: number;
    /** Epoch seconds. */
    startTime?: number;
    /** Epoch seconds. */
    endTime?: number;
    action?: Action;
    logStatus?: LogStatus;
    vpcId?: string;
    subnetId?: string;
    instanceId?: string;
    /** OR of FIN=1, SYN=2, RST=4, SYN-ACK=18 seen in the aggregation interval. */
    tcpFlags?: number;
    type?: string;
    pktSrcAddr?: string;
    pktDstAddr?: string;
    region?: string;
    azId?: string;
    sublocationType?: string;
    sublocationId?: string;
    pktSrcAwsService?: string;
    pktDstAwsService?: string;
    flowDirection?: FlowDirection;
    /** 1 in-VPC (incl. NAT gateway), 2 IGW or gateway endpoint, 3 VGW, 4/5 peering, 6 local gateway, 7 gateway endpoint (Nitro), 8 IGW (Nitro). */
    trafficPath?: number;
    ecsClusterArn?: string;
    ecsClusterName?: string;
    ecsContainerInstanceArn?: string;
    ecsContainerInstanceId?: string;
    ecsContainerId?: string;
    ecsSecondContainerId?: string;
    ecsServiceName?: string;
    ecsTaskDefinitionArn?: string;
    ecsTaskArn?: string;
    ecsTaskId?: string;
    /** Why a packet was rejected (version 8); `BPA` is VPC Block Public Access. */
    rejectReason?: string;
    /**
     * True when `instance-id` is `-`: the ENI is requester-managed (a NAT gateway, a transit gateway
     * attachment, an endpoint), per the instance-id row of AWS's field table.
     */
    requesterManaged?: boolean;
}

/**
 * A pre-aggregated group of records, as a server-side `stats count(*) as records, sum(packets) as
 * packets ... by srcAddr, dstAddr, action, ...` query returns it. Group-by fields that the query
 * did not use are absent; `startTime`/`endTime` are the group's min start and max end.
 */
export interface AggregateRow extends FlowRecord {
    /** How many raw records the group stands for. */
    records: number;
    /** The `bin(1m)` value the group belongs to, e.g. "2026-11-26 14:05:00.000" (UTC). */
    minute?: string;
}

type FieldValue = string | number;
/** Returns the parsed value, or undefined when the text is not allowed for the field. */
type ValueParser = (text: string) => FieldValue | undefined;

const UNSIGNED = /^\d{1,15}$/;
const unsigned: ValueParser = (t) => (UNSIGNED.test(t) ? Number(t) : undefined);
const oneOf =
    (...allowed: string[]): ValueParser =>
    (t) =>
        allowed.includes(t) ? t : undefined;
const address: ValueParser = (t) => (isIpAddress(t) ? t : undefined);
const anyText: ValueParser = (t) => t;

/** Fields whose values are not free text. Everything else (ids, ARNs, names) is kept as written. */
const TYPED_FIELDS: Readonly<Record<string, ValueParser>> = {
    version: unsigned,
    srcaddr: address,
    dstaddr: address,
    srcport: unsigned,
    dstport: unsigned,
    protocol: unsigned,
    packets: unsigned,
    bytes: unsigned,
    start: unsigned,
    end: unsigned,
    action: oneOf("ACCEPT", "REJECT"),
    "log-status": oneOf("OK", "NODATA", "SKIPDATA"),
    "tcp-flags": unsigned,
    "pkt-srcaddr": address,
    "pkt-dstaddr": address,
    "flow-direction": oneOf("ingress", "egress"),
    "traffic-path": unsigned,
};

export interface RecordField {
    readonly spec: FlowLogFieldSpec;
    /** Undefined for a field this project does not know: its value is skipped, not refused. */
    readonly key: keyof FlowRecord | undefined;
    readonly parse: ValueParser;
}

/** A field seen in a header that this project does not know yet: kept in place, its value ignored. */
export function opaqueField(name: string): RecordField {
    return { spec: { name, version: 0, insightsName: name }, key: undefined, parse: anyText };
}

export const RECORD_FIELDS: ReadonlyMap<string, RecordField> = new Map(
    FLOW_LOG_FIELDS.map((spec) => [
        spec.name,
        { spec, key: spec.insightsName as keyof FlowRecord, parse: TYPED_FIELDS[spec.name] ?? anyText },
    ]),
);

/** Marks a record that has a value its field does not allow. */
export const INVALID = Symbol("invalid");

/**
 * Builds a record from field names (AWS names, `srcaddr`) and their texts. `-` means the field does
 * not apply. Returns INVALID and the offending field when a value is not allowed for its field.
 */
export function buildRecord(
    fields: readonly RecordField[],
    texts: readonly string[],
): FlowRecord | { invalid: typeof INVALID; field: string; text: string } {
    const record: Record<string, FieldValue | boolean> = {};
    for (let i = 0; i < fields.length; i++) {
        const text = texts[i];
        const field = fields[i];
        if (field.key === undefined) continue;
        if (text === "-") {
            if (field.key === "instanceId") record.requesterManaged = true;
            continue;
        }
        const value = field.parse(text);
        if (value === undefined) return { invalid: INVALID, field: field.spec.name, text };
        record[field.key] = value;
    }
    return record as unknown as FlowRecord;
}

export function isInvalid(value: unknown): value is { invalid: typeof INVALID; field: string; text: string } {
    return typeof value === "object" && value !== null && (value as { invalid?: unknown }).invalid === INVALID;
}

/** IANA protocol numbers for the names the CLI accepts. */
export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/** Only TCP (6) and UDP (17) records carry ports worth matching; ICMP's port fields mean nothing. */
export function protocolHasPorts(protocol: number): boolean {
    return protocol === 6 || protocol === 17;
}

export function protocolName(protocol: number): string {
    const name = Object.keys(PROTOCOL_NUMBERS).find((k) => PROTOCOL_NUMBERS[k] === protocol);
    return name ?? String(protocol);
}

/** What `traffic-path` says about the gateway egress traffic took (flow-log-records docs). */
export const TRAFFIC_PATHS: Readonly<Record<number, string>> = {
    1: "another resource in the VPC (this includes a NAT gateway)",
    2: "an internet gateway or a gateway VPC endpoint",
    3: "a virtual private gateway",
    4: "an intra-region VPC peering connection",
    5: "an inter-region VPC peering connection",
    6: "a local gateway",
    7: "a gateway VPC endpoint (Nitro)",
    8: "an internet gateway (Nitro)",
};

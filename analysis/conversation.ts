/**
 * The accumulator every source feeds (raw lines, Logs Insights rows, aggregated rows): it decides
 * which records belong to the conversation and in which direction, and keeps counts, per-ENI
 * tallies, flag and path observations and a per-minute timeline. Its memory depends on the number
 * of ENIs and minutes seen, never on the number of records.
 */
import { AddressSet } from "./ip";
import { Action, AggregateRow, FlowRecord, protocolHasPorts } from "./records";

export type Direction = "outbound" | "inbound";

export interface ConversationQuery {
    /** The workload (ECS task): addresses and CIDRs. */
    readonly src: AddressSet;
    /** The destination (S3): addresses and CIDRs. */
    readonly dst: AddressSet;
    readonly port: number;
    /** IANA protocol number; ports are ignored for protocols without ports (ICMP). */
    readonly protocol: number;
    /** Epoch seconds; records that end before `start` or begin after `end` are left out. */
    readonly window?: { readonly start?: number; readonly end?: number };
}

export interface Tally {
    records: number;
    packets: number;
    bytes: number;
}

export interface DirectionTally {
    accept: Tally;
    reject: Tally;
}

export interface FlowTally {
    outbound: DirectionTally;
    inbound: DirectionTally;
}

export interface FlagObservations {
    /** Records whose tcp-flags field was present. */
    withFlags: number;
    /** Records with tcp-flags exactly 2: SYN seen, nothing else (no SYN-ACK, no FIN). */
    synOnly: number;
    fin: number;
    rst: number;
    synAck: number;
}

export interface InterfaceEvidence {
    interfaceId: string;
    /**
     * `direct`: the ENI logged the conversation's own addresses (the task's ENI).
     * `relay`: matched only through pkt-srcaddr/pkt-dstaddr, the legs a NAT gateway's ENI logs.
     */
    role: "direct" | "relay";
    tally: FlowTally;
    subnetIds: string[];
    vpcIds: string[];
    nodata: number;
    skipdata: number;
}

/** A REJECT that may be a straggler after the connection closed, judged once everything is in. */
export interface RejectCandidate {
    direction: Direction;
    relay: boolean;
    records: number;
    packets: number;
    startTime?: number;
    tcpFlags?: number;
}

export interface TimelineMinute {
    /** Epoch seconds at the start of the minute. */
    minute: number;
    packets: FlowTally;
}

export interface ConversationEvidence {
    query: ConversationQuery;
    /** What the workload's own ENI (or, failing that, any ENI) logged: the basis of the verdict. */
    direct: FlowTally;
    /** The NAT-gateway legs tied to the conversation through pkt-srcaddr/pkt-dstaddr. */
    relay: FlowTally;
    flags: Record<Direction, Record<Action, FlagObservations>>;
    /** traffic-path values of direct outbound records, with record counts. */
    trafficPaths: Record<string, number>;
    /** flow-direction of direct records as the ENI saw them, e.g. `outbound egress: 12`. */
    flowDirections: Record<string, number>;
    pktDstAwsServices: Record<string, number>;
    interfaces: InterfaceEvidence[];
    /** Epoch seconds, over matched records. */
    firstSeen?: number;
    lastSeen?: number;
    timeline: TimelineMinute[];
    rejectCandidates: RejectCandidate[];
    /** True when more small rejects arrived than are kept for the late-reject judgement. */
    rejectCandidatesOverflow: boolean;
    /** Accepted direct records, both directions: first start, last start, and whether one carried FIN. */
    accepted: { firstStart?: number; lastStart?: number; finSeen: boolean };
    skipped: { malformed: number; nodata: number; skipdata: number };
    input: {
        /** Records and rows read (aggregated rows count the records they stand for). */
        records: number;
        matched: number;
        outsideWindow: number;
    };
    /** Examples of malformed input, for the user to see what was skipped. */
    malformedSamples: string[];
}

export type Disposition = "outbound" | "inbound" | "unrelated" | "outside-window" | "nodata" | "skipdata";

const MAX_REJECT_CANDIDATES = 1000;
const MAX_MALFORMED_SAMPLES = 3;
/** A REJECT of at most this many packets per record can be a straggler after a close (FIN/ACK, RST). */
export const LATE_REJECT_MAX_PACKETS = 2;
const UNKNOWN_INTERFACE = "(unknown)";


export function emptyTally(): Tally {
    return { records: 0, packets: 0, bytes: 0 };
}

export function emptyFlowTally(): FlowTally {
    return {
        outbound: { accept: emptyTally(), reject: emptyTally() },
        inbound: { accept: emptyTally(), reject: emptyTally() },
    };
}

function emptyFlags(): FlagObservations {
    return { withFlags: 0, synOnly: 0, fin: 0, rst: 0, synAck: 0 };
}

interface InterfaceState {
    tally: FlowTally;
    relayRecords: number;
    directRecords: number;
    subnetIds: Set<string>;
    vpcIds: Set<string>;
    nodata: number;
    skipdata: number;
}

export class Conversation {
    private readonly query: ConversationQuery;
    private readonly direct = emptyFlowTally();
    private readonly relay = emptyFlowTally();
    private readonly flags: Record<Direction, Record<Action, FlagObservations>> = {
        outbound: { ACCEPT: emptyFlags(), REJECT: emptyFlags() },
        inbound: { ACCEPT: emptyFlags(), REJECT: emptyFlags() },
    };
    private readonly trafficPaths = new Map<string, number>();
    private readonly flowDirections = new Map<string, number>();
    private readonly pktDstAwsServices = new Map<string, number>();
    private readonly interfaces = new Map<string, InterfaceState>();
    private readonly timeline = new Map<number, FlowTally>();
    private readonly rejectCandidates: RejectCandidate[] = [];
    private rejectCandidatesOverflow = false;
    private readonly accepted: { firstStart?: number; lastStart?: number; finSeen: boolean } = { finSeen: false };
    private firstSeen?: number;
    private lastSeen?: number;
    private readonly skipped = { malformed: 0, nodata: 0, skipdata: 0 };
    private readonly input = { records: 0, matched: 0, outsideWindow: 0 };
    private readonly malformedSamples: string[] = [];
    private readonly portsApply: boolean;

    constructor(query: ConversationQuery) {
        this.query = query;
        this.portsApply = protocolHasPorts(query.protocol);
    }

    /** Counts a line or row that could not be read; `sample` is kept (a few) to show the user. */
    addMalformed(count = 1, sample?: string): void {
        this.skipped.malformed += count;
        if (sample !== undefined && this.malformedSamples.length < MAX_MALFORMED_SAMPLES) {
            this.malformedSamples.push(sample.length > 200 ? sample.slice(0, 200) + "..." : sample);
        }
    }

    /** Counts records that a fast scanner already knows are unrelated, without building them. */
    addUnrelated(count: number): void {
        this.input.records += count;
    }

    addRecord(record: FlowRecord): Disposition {
        return this.add(record, 1, undefined);
    }

    addAggregate(row: AggregateRow): Disposition {
        return this.add(row, row.records, row.minute);
    }

    private add(record: FlowRecord, records: number, minuteText: string | undefined): Disposition {
        this.input.records += records;
        const window = this.query.window;
        if (window) {
            if (window.start !== undefined && record.endTime !== undefined && record.endTime < window.start) {
                this.input.outsideWindow += records;
                return "outside-window";
            }
            if (window.end !== undefined && record.startTime !== undefined && record.startTime > window.end) {
                this.input.outsideWindow += records;
                return "outside-window";
            }
        }
        if (record.logStatus === "NODATA" || record.logStatus === "SKIPDATA") {
            const state = record.interfaceId !== undefined ? this.interfaceState(record.interfaceId) : undefined;
            if (record.logStatus === "NODATA") {
                this.skipped.nodata += records;
                if (state) state.nodata += records;
                return "nodata";
            }
            this.skipped.skipdata += records;
            if (state) state.skipdata += records;
            return "skipdata";
        }
        const direction = this.directionOf(record);
        if (direction === undefined || record.action === undefined) return "unrelated";

        const relay =
            (record.pktSrcAddr !== undefined && record.srcAddr !== undefined && record.pktSrcAddr !== record.srcAddr) ||
            (record.pktDstAddr !== undefined && record.dstAddr !== undefined && record.pktDstAddr !== record.dstAddr);
        const packets = record.packets ?? 0;
        const bytes = record.bytes ?? 0;
        const action = record.action;
        const key = action === "ACCEPT" ? "accept" : "reject";
        this.input.matched += records;
        addTo((relay ? this.relay : this.direct)[direction][key], records, packets, bytes);

        const state = this.interfaceState(record.interfaceId ?? UNKNOWN_INTERFACE);
        addTo(state.tally[direction][key], records, packets, bytes);
        if (relay) state.relayRecords += records;
        else state.directRecords += records;
        if (record.subnetId !== undefined) state.subnetIds.add(record.subnetId);
        if (record.vpcId !== undefined) state.vpcIds.add(record.vpcId);

        if (record.tcpFlags !== undefined) this.observeFlags(this.flags[direction][action], record.tcpFlags, records);
        if (!relay) {
            if (direction === "outbound" && record.trafficPath !== undefined) {
                increment(this.trafficPaths, String(record.trafficPath), records);
            }
            if (record.flowDirection !== undefined) {
                increment(this.flowDirections, `${direction} ${record.flowDirection}`, records);
            }
            if (direction === "outbound" && record.pktDstAwsService !== undefined) {
                increment(this.pktDstAwsServices, record.pktDstAwsService, records);
            }
        }

        const start = record.startTime;
        if (start !== undefined) {
            if (this.firstSeen === undefined || start < this.firstSeen) this.firstSeen = start;
            if (this.lastSeen === undefined || start > this.lastSeen) this.lastSeen = start;
        }
        if (record.endTime !== undefined && (this.lastSeen === undefined || record.endTime > this.lastSeen)) {
            this.lastSeen = record.endTime;
        }

        if (action === "ACCEPT" && !relay && start !== undefined) {
            const a = this.accepted;
            if (a.firstStart === undefined || start < a.firstStart) a.firstStart = start;
            if (a.lastStart === undefined || start > a.lastStart) a.lastStart = start;
        }
        if (action === "ACCEPT" && !relay && record.tcpFlags !== undefined && (record.tcpFlags & 1) !== 0) {
            this.accepted.finSeen = true;
        }
        if (action === "REJECT" && packets <= LATE_REJECT_MAX_PACKETS * records) {
            if (this.rejectCandidates.length < MAX_REJECT_CANDIDATES) {
                this.rejectCandidates.push({ direction, relay, records, packets, startTime: start, tcpFlags: record.tcpFlags });
            } else {
                this.rejectCandidatesOverflow = true;
            }
        }

        const minute = minuteOf(minuteText, start);
        if (minute !== undefined) {
            let bucket = this.timeline.get(minute);
            if (!bucket) this.timeline.set(minute, (bucket = emptyFlowTally()));
            addTo(bucket[direction][key], records, packets, bytes);
        }
        return direction;
    }

    private directionOf(record: FlowRecord): Direction | undefined {
        const { src, dst, port, protocol } = this.query;
        if (record.protocol !== undefined && record.protocol !== protocol) return undefined;
        // The packet's original addresses, when logged, are the truth on a NAT gateway's ENI.
        const from = record.pktSrcAddr ?? record.srcAddr;
        const to = record.pktDstAddr ?? record.dstAddr;
        const ports = this.portsApply;
        if (src.contains(from) && dst.contains(to) && (!ports || record.dstPort === undefined || record.dstPort === port)) {
            return "outbound";
        }
        if (dst.contains(from) && src.contains(to) && (!ports || record.srcPort === undefined || record.srcPort === port)) {
            return "inbound";
        }
        return undefined;
    }

    private observeFlags(observations: FlagObservations, flags: number, records: number): void {
        observations.withFlags += records;
        if (flags === 2) observations.synOnly += records;
        if ((flags & 1) !== 0) observations.fin += records;
        if ((flags & 4) !== 0) observations.rst += records;
        if ((flags & 18) === 18) observations.synAck += records;
    }

    private interfaceState(interfaceId: string): InterfaceState {
        let state = this.interfaces.get(interfaceId);
        if (!state) {
            state = {
                tally: emptyFlowTally(),
                relayRecords: 0,
                directRecords: 0,
                subnetIds: new Set(),
                vpcIds: new Set(),
                nodata: 0,
                skipdata: 0,
            };
            this.interfaces.set(interfaceId, state);
        }
        return state;
    }

    /** A snapshot of everything gathered so far; feeding more records afterwards does not change it. */
    evidence(): ConversationEvidence {
        const interfaces: InterfaceEvidence[] = [];
        for (const [interfaceId, s] of this.interfaces) {
            // NODATA/SKIPDATA records carry no addresses, so every ENI in the log has some; only the
            // ENIs that logged the conversation are evidence.
            if (matchedRecords(s.tally) === 0) continue;
            interfaces.push({
                interfaceId,
                role: s.relayRecords > 0 && s.directRecords === 0 ? "relay" : "direct",
                tally: clone(s.tally),
                subnetIds: [...s.subnetIds].sort(),
                vpcIds: [...s.vpcIds].sort(),
                nodata: s.nodata,
                skipdata: s.skipdata,
            });
        }
        // The workload's ENIs first, busiest first: the first one is the ENI the next steps name.
        interfaces.sort(
            (a, b) =>
                Number(a.role === "relay") - Number(b.role === "relay") ||
                matchedRecords(b.tally) - matchedRecords(a.tally) ||
                a.interfaceId.localeCompare(b.interfaceId),
        );
        return {
            query: this.query,
            direct: clone(this.direct),
            relay: clone(this.relay),
            flags: clone(this.flags),
            trafficPaths: Object.fromEntries([...this.trafficPaths].sort()),
            flowDirections: Object.fromEntries([...this.flowDirections].sort()),
            pktDstAwsServices: Object.fromEntries([...this.pktDstAwsServices].sort()),
            interfaces,
            firstSeen: this.firstSeen,
            lastSeen: this.lastSeen,
            timeline: [...this.timeline]
                .sort((a, b) => a[0] - b[0])
                .map(([minute, packets]) => ({ minute, packets: clone(packets) })),
            rejectCandidates: this.rejectCandidates.map((c) => ({ ...c })),
            rejectCandidatesOverflow: this.rejectCandidatesOverflow,
            accepted: { ...this.accepted },
            skipped: { ...this.skipped },
            input: { ...this.input },
            malformedSamples: [...this.malformedSamples],
        };
    }
}

export function matchedRecords(t: FlowTally): number {
    return t.outbound.accept.records + t.outbound.reject.records + t.inbound.accept.records + t.inbound.reject.records;
}

function addTo(t: Tally, records: number, packets: number, bytes: number): void {
    t.records += records;
    t.packets += packets;
    t.bytes += bytes;
}

function increment(map: Map<string, number>, key: string, by: number): void {
    map.set(key, (map.get(key) ?? 0) + by);
}

function clone<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

const BIN_MINUTE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(\.\d+)?)?Z?$/;

/**
 * The minute a record or row belongs to: the `bin(1m)` value when the row has one (Logs Insights
 * prints it in UTC without a zone), else the minute of the record's start.
 */
export function minuteOf(minuteText: string | undefined, startTime: number | undefined): number | undefined {
    if (minuteText !== undefined) {
        const m = BIN_MINUTE.exec(minuteText.trim());
        if (m) {
            const ms = Date.parse(`${m[1]}T${m[2]}:00Z`);
            if (!Number.isNaN(ms)) return ms / 1000;
        }
    }
    return startTime === undefined ? undefined : startTime - (startTime % 60);
}

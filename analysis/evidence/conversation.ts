/**
 * The accumulator every source feeds (raw lines, Logs Insights rows, aggregated rows): it decides
 * which records belong to the conversation and in which direction, which side of the
 * conversation each ENI belongs to, and keeps counts, per-ENI tallies, flag and path observations
 * and a per-minute timeline. Its memory depends on the number of ENIs and minutes seen (and the
 * matched records, for duplicate detection), never on the number of unrelated records.
 *
 * Whose ENI? A record is written by the ENI it passed through, which can be either end of the
 * conversation or a hop between (AWS VPC user guide, flow-logs-records-examples):
 * - `flow-direction` says it outright (ingress/egress as the ENI saw it);
 * - otherwise the addresses: an ENI logs its own private IPv4 address (flow-log-records field
 *   table: "The IPv4 address of the network interface is always its private IPv4 address"), so a
 *   public address on one side and a private one on the other names the private side's ENI;
 * - an ENI tied to the conversation only through `pkt-srcaddr`/`pkt-dstaddr` is an intermediate hop
 *   (NAT gateway, transit gateway attachment, middlebox; EKS pods and secondary IPs also make them
 *   differ). It is called a NAT gateway only when it is requester-managed (`instance-id` `-`) and
 *   its own address stands in for a public destination, as in AWS's NAT gateway example.
 */
import { AddressSet, isPrivateIpv4 } from "../core/ip";
import { Action, AggregateRow, FlowRecord, protocolHasPorts } from "../core/records";
import { ANY_RECORD, LineQuery, UnreadableReading, readUnreadableLine, readingKey } from "./unreadableLines";

export type Direction = "outbound" | "inbound";
/** Which end of the conversation an ENI belongs to, or that it is a hop between them. */
export type Side = "source" | "destination" | "intermediate" | "unknown";
export type End = "source" | "destination";

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
    /**
     * The rows come from a query that already kept only this protocol and port (the live Logs
     * Insights stats query groups them away): a row without those columns is not a weaker match.
     */
    readonly filteredOnProtocolAndPort?: boolean;
    /** `--dst` is S3's published ranges (`--dst s3`), so the advice speaks of S3. */
    readonly dstIsS3?: boolean;
    /**
     * With `--dst s3` and a format that has both pkt-dst-aws-service and pkt-src-aws-service: a
     * record also belongs to the conversation when AWS marks its far end as S3 (a bucket in a region
     * whose ranges --dst does not hold). Both fields are needed, or the replies would go unmatched
     * and an answered conversation would look unanswered.
     */
    readonly matchS3Service?: boolean;
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

/**
 * tcp-flags as AWS records them: the OR of FIN 1, SYN 2, RST 4 and SYN-ACK 18 over the aggregation
 * interval, ACK only together with SYN. So a record of only SYN (2) that carried many packets is an
 * established connection whose later ACKs are not recorded, not a failed handshake.
 */
export interface FlagObservations {
    /** Records whose tcp-flags field was present. */
    withFlags: number;
    /** Records with tcp-flags exactly 2 (SYN only). */
    synOnly: number;
    /** SYN-only records of a few small packets: what unanswered connection attempts look like. */
    synRetries: number;
    fin: number;
    rst: number;
    synAck: number;
}

/** At most this many packets, each at most SYN_MAX_BYTES on average, in a SYN-only record: retransmitted SYNs. */
export const SYN_RETRY_MAX_PACKETS = 6;
const SYN_MAX_BYTES = 100;

export interface InterfaceEvidence {
    interfaceId: string;
    /** False when the records carry no interface-id (the format lacks it). */
    named: boolean;
    side: Side;
    /** Why the side is what it is, in words. */
    sideBasis: string;
    /** For an intermediate: `nat-gateway` only on evidence, else `intermediate`. */
    hop?: "nat-gateway" | "intermediate";
    /** For an intermediate: which end's address its own address stands in for. */
    standsInFor?: End;
    tally: FlowTally;
    /** Matched records without an action field, per direction. */
    noAction: { outbound: number; inbound: number };
    subnetIds: string[];
    vpcIds: string[];
    /** NODATA/SKIPDATA records of this ENI whose interval overlaps the conversation's. */
    nodata: number;
    skipdata: number;
    /** reject-reason values of its REJECT records, with counts. */
    rejectReasons: Record<string, number>;
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
    /** What the ENIs at either end logged (every ENI that is not an intermediate): the basis of the verdict. */
    endpoint: FlowTally;
    /** The same, per side of the ENI that logged it. */
    bySide: Record<"source" | "destination" | "unknown", FlowTally>;
    /** What intermediate hops logged (tied through pkt-srcaddr/pkt-dstaddr only). */
    intermediate: FlowTally;
    /** Matched records that carry no action field. */
    noAction: { endpoint: number; intermediate: number };
    /** Fields a verdict needs that matched records did not carry, with how many records lacked them. */
    missing: { protocol: number; ports: number; interfaceId: number; times: number };
    flags: Record<Direction, Record<Action, FlagObservations>>;
    /** traffic-path values of direct outbound records, with record counts. */
    trafficPaths: Record<string, number>;
    /** flow-direction of direct records as the ENI saw them, e.g. `outbound egress: 12`. */
    flowDirections: Record<string, number>;
    pktDstAwsServices: Record<string, number>;
    /** The destination side's addresses in matched records (at most 64 kept), with record counts. */
    destinations: Record<string, number>;
    /** pkt-src-aws-service of inbound records: the service that answered. */
    pktSrcAwsServices: Record<string, number>;
    /** reject-reason values of the ends' REJECT records, with counts. */
    rejectReasons: Record<string, number>;
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
    /** Malformed lines or rows that mention an address of the conversation. */
    malformedRelated: number;
    input: {
        /** Records and rows read (aggregated rows count the records they stand for). */
        records: number;
        matched: number;
        outsideWindow: number;
        /** Exact repeats of a matched record (a file given twice; two flow logs during a replacement), counted once. */
        duplicates: number;
    };
    /** Examples of malformed input, for the user to see what was skipped. */
    malformedSamples: string[];
    /**
     * The malformed lines and rows by what could be read of them (unreadableLines.ts readingKey),
     * sorted by key, with the first few places (`flows.log:43`) of each.
     */
    unreadable: UnreadableGroup[];
}

export interface UnreadableGroup {
    key: string;
    count: number;
    locations: string[];
    /** For each location, how many malformed lines came before it: the input order across groups. */
    order: number[];
}

/** What a scanner knows of a line it could not read: its tokens in the format, or a reading of its own, and where it is. */
export interface UnreadableLine {
    readonly tokens?: readonly string[];
    readonly fields?: readonly string[];
    readonly reading?: UnreadableReading;
    readonly location?: string;
}

export type Disposition = "outbound" | "inbound" | "unrelated" | "outside-window" | "nodata" | "skipdata" | "duplicate";

const MAX_REJECT_CANDIDATES = 1000;
const MAX_MALFORMED_SAMPLES = 3;
/** Places kept per kind of unreadable line: enough to find them, bounded for a file of garbage. */
const MAX_UNREADABLE_LOCATIONS = 5;
/** Duplicate detection keeps the keys of matched records; past this many it stops (and says nothing more). */
const MAX_DEDUPLICATED = 500_000;
/** Distinct destination addresses kept for the advice: enough to name the usual few, bounded for wide --dst ranges. */
const MAX_DESTINATIONS = 64;
/** NODATA/SKIPDATA intervals kept per ENI (merged when they touch); past this, new ones join the last. */
const MAX_STATUS_INTERVALS = 4096;
/** A REJECT of at most this many packets per record can be a straggler after a close (FIN/ACK, RST). */
export const LATE_REJECT_MAX_PACKETS = 2;
export const UNKNOWN_INTERFACE = "(unknown)";

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
    return { withFlags: 0, synOnly: 0, synRetries: 0, fin: 0, rst: 0, synAck: 0 };
}

interface StatusInterval {
    start: number;
    end: number;
    nodata: number;
    skipdata: number;
}

interface InterfaceState {
    tally: FlowTally;
    noAction: { outbound: number; inbound: number };
    directRecords: number;
    pktOnlyRecords: number;
    votes: { source: number; destination: number; byFlowDirection: number; byAddresses: number };
    /** Why direct records could not tell the end, with counts. */
    undecided: { bothPrivate: number; neitherPrivate: number; ipv6: number };
    requesterManaged: number;
    instanceNamed: number;
    standsIn: { source: number; destination: number };
    natLike: number;
    subnetIds: Set<string>;
    vpcIds: Set<string>;
    status: StatusInterval[];
    /** NODATA/SKIPDATA records without times: they may overlap anything. */
    timelessStatus: { nodata: number; skipdata: number };
    rejectReasons: Map<string, number>;
}

export class Conversation {
    private readonly query: ConversationQuery;
    private readonly flags: Record<Direction, Record<Action, FlagObservations>> = {
        outbound: { ACCEPT: emptyFlags(), REJECT: emptyFlags() },
        inbound: { ACCEPT: emptyFlags(), REJECT: emptyFlags() },
    };
    private readonly trafficPaths = new Map<string, number>();
    private readonly flowDirections = new Map<string, number>();
    private readonly pktDstAwsServices = new Map<string, number>();
    private readonly pktSrcAwsServices = new Map<string, number>();
    private readonly interfaces = new Map<string, InterfaceState>();
    private readonly timeline = new Map<number, FlowTally>();
    private readonly rejectCandidates: RejectCandidate[] = [];
    private rejectCandidatesOverflow = false;
    private readonly accepted: { firstStart?: number; lastStart?: number; finSeen: boolean } = { finSeen: false };
    private firstSeen?: number;
    private lastSeen?: number;
    private readonly skipped = { malformed: 0, nodata: 0, skipdata: 0 };
    private malformedRelated = 0;
    private readonly input = { records: 0, matched: 0, outsideWindow: 0, duplicates: 0 };
    private readonly missing = { protocol: 0, ports: 0, interfaceId: 0, times: 0 };
    private readonly destinations = new Map<string, number>();
    private readonly malformedSamples: string[] = [];
    private readonly unreadable = new Map<string, UnreadableGroup>();
    private readonly portsApply: boolean;
    private readonly lineQuery: LineQuery;
    private readonly seen = new Set<string>();

    constructor(query: ConversationQuery) {
        this.query = query;
        this.portsApply = protocolHasPorts(query.protocol);
        this.lineQuery = { ...query, portsApply: this.portsApply };
    }

    /**
     * Counts a line or row that could not be read; `sample` is kept (a few) to show the user.
     * `related` marks one that mentions an address of the conversation: many of those mean the
     * evidence itself went unread. `line` says what can be read of it (by the format's field
     * positions) and where it is; without it, a related line could be any record of the conversation.
     */
    addMalformed(count = 1, sample?: string, related = false, line: UnreadableLine = {}): void {
        this.skipped.malformed += count;
        if (related) this.malformedRelated += count;
        const reading =
            line.reading ??
            (line.tokens !== undefined && line.fields !== undefined
                ? readUnreadableLine(line.tokens, line.fields, this.lineQuery, related)
                : related
                  ? ANY_RECORD
                  : { fit: "unrelated" as const, reason: "no-conversation-address" as const });
        const key = readingKey(reading);
        let group = this.unreadable.get(key);
        if (group === undefined) this.unreadable.set(key, (group = { key, count: 0, locations: [], order: [] }));
        if (line.location !== undefined && group.locations.length < MAX_UNREADABLE_LOCATIONS) {
            group.locations.push(line.location);
            group.order.push(this.skipped.malformed - count);
        }
        group.count += count;
        if (sample !== undefined && this.malformedSamples.length < MAX_MALFORMED_SAMPLES) {
            this.malformedSamples.push(sample.length > 200 ? sample.slice(0, 200) + "..." : sample);
        }
    }

    /**
     * The AWS service whose records belong to the conversation by `pkt-dst-aws-service` /
     * `pkt-src-aws-service` alone (`--dst s3`): scanners then keep every record that names an
     * address of the conversation, not only those with an address on both sides.
     */
    get awsService(): "S3" | undefined {
        return this.query.matchS3Service ? "S3" : undefined;
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
            this.addStatus(record, records);
            return record.logStatus === "NODATA" ? "nodata" : "skipdata";
        }
        const match = this.match(record);
        if (match === undefined) return "unrelated";
        const { direction, direct } = match;
        if (records === 1 && this.seen.size < MAX_DEDUPLICATED) {
            const key = recordKey(record);
            if (this.seen.has(key)) {
                this.input.duplicates++;
                return "duplicate";
            }
            this.seen.add(key);
        }

        const packets = record.packets ?? 0;
        const bytes = record.bytes ?? 0;
        const action = record.action;
        this.input.matched += records;
        if (!this.query.filteredOnProtocolAndPort) {
            if (record.protocol === undefined) this.missing.protocol += records;
            if (this.portsApply && (direction === "outbound" ? record.dstPort : record.srcPort) === undefined) this.missing.ports += records;
        }
        const far = direction === "outbound" ? (direct ? record.dstAddr : (record.pktDstAddr ?? record.dstAddr)) : direct ? record.srcAddr : (record.pktSrcAddr ?? record.srcAddr);
        if (far !== undefined && (this.destinations.has(far) || this.destinations.size < MAX_DESTINATIONS)) increment(this.destinations, far, records);
        if (record.interfaceId === undefined) this.missing.interfaceId += records;
        if (record.startTime === undefined) this.missing.times += records;

        const state = this.interfaceState(record.interfaceId ?? UNKNOWN_INTERFACE);
        if (record.subnetId !== undefined) state.subnetIds.add(record.subnetId);
        if (record.vpcId !== undefined) state.vpcIds.add(record.vpcId);
        if (record.requesterManaged) state.requesterManaged += records;
        else if (record.instanceId !== undefined) state.instanceNamed += records;
        if (direct) {
            state.directRecords += records;
            this.voteSide(state, record, direction, records);
        } else {
            state.pktOnlyRecords += records;
            this.noteStandIn(state, record, direction, records);
        }

        if (action === undefined) {
            state.noAction[direction] += records;
        } else {
            const key = action === "ACCEPT" ? "accept" : "reject";
            addTo(state.tally[direction][key], records, packets, bytes);
            if (action === "REJECT" && record.rejectReason !== undefined) increment(state.rejectReasons, record.rejectReason, records);
            if (direct && record.tcpFlags !== undefined) this.observeFlags(this.flags[direction][action], record, records);
            const minute = minuteOf(minuteText, record.startTime);
            if (minute !== undefined) {
                let bucket = this.timeline.get(minute);
                if (!bucket) this.timeline.set(minute, (bucket = emptyFlowTally()));
                addTo(bucket[direction][key], records, packets, bytes);
            }
        }
        if (direct) {
            if (direction === "outbound" && record.trafficPath !== undefined) increment(this.trafficPaths, String(record.trafficPath), records);
            if (record.flowDirection !== undefined) increment(this.flowDirections, `${direction} ${record.flowDirection}`, records);
            if (direction === "outbound" && record.pktDstAwsService !== undefined) increment(this.pktDstAwsServices, record.pktDstAwsService, records);
            if (direction === "inbound" && record.pktSrcAwsService !== undefined) increment(this.pktSrcAwsServices, record.pktSrcAwsService, records);
        }

        const start = record.startTime;
        if (start !== undefined) {
            if (this.firstSeen === undefined || start < this.firstSeen) this.firstSeen = start;
            if (this.lastSeen === undefined || start > this.lastSeen) this.lastSeen = start;
        }
        if (record.endTime !== undefined && (this.lastSeen === undefined || record.endTime > this.lastSeen)) {
            this.lastSeen = record.endTime;
        }

        if (action === "ACCEPT" && direct && start !== undefined) {
            const a = this.accepted;
            if (a.firstStart === undefined || start < a.firstStart) a.firstStart = start;
            if (a.lastStart === undefined || start > a.lastStart) a.lastStart = start;
        }
        if (action === "ACCEPT" && direct && record.tcpFlags !== undefined && (record.tcpFlags & 1) !== 0) {
            this.accepted.finSeen = true;
        }
        if (action === "REJECT" && packets <= LATE_REJECT_MAX_PACKETS * records) {
            if (this.rejectCandidates.length < MAX_REJECT_CANDIDATES) {
                this.rejectCandidates.push({ direction, relay: !direct, records, packets, startTime: start, tcpFlags: record.tcpFlags });
            } else {
                this.rejectCandidatesOverflow = true;
            }
        }
        return direction;
    }

    /**
     * A record belongs to the conversation when its srcaddr/dstaddr match (direct: the ENI saw the
     * conversation's own addresses) or, failing that, its pkt-srcaddr/pkt-dstaddr do.
     */
    private match(record: FlowRecord): { direction: Direction; direct: boolean } | undefined {
        const { protocol } = this.query;
        if (record.protocol !== undefined && record.protocol !== protocol) return undefined;
        const direct = this.directionOf(record.srcAddr, record.dstAddr, record);
        if (direct !== undefined) return { direction: direct, direct: true };
        if (record.pktSrcAddr !== undefined || record.pktDstAddr !== undefined) {
            const viaPkt = this.directionOf(record.pktSrcAddr ?? record.srcAddr, record.pktDstAddr ?? record.dstAddr, record);
            if (viaPkt !== undefined) return { direction: viaPkt, direct: false };
        }
        return this.viaAwsService(record);
    }

    /**
     * With `--dst s3`: a record of the workload to or from an address that AWS marks as S3
     * (`pkt-dst-aws-service` / `pkt-src-aws-service`), e.g. a bucket in another region whose ranges
     * --dst does not hold.
     */
    private viaAwsService(record: FlowRecord): { direction: Direction; direct: boolean } | undefined {
        if (!this.query.matchS3Service) return undefined;
        const { src, port } = this.query;
        const ports = this.portsApply;
        if (record.pktDstAwsService === "S3" && src.contains(record.pktSrcAddr ?? record.srcAddr) && (!ports || record.dstPort === undefined || record.dstPort === port)) {
            return { direction: "outbound", direct: src.contains(record.srcAddr) };
        }
        if (record.pktSrcAwsService === "S3" && src.contains(record.pktDstAddr ?? record.dstAddr) && (!ports || record.srcPort === undefined || record.srcPort === port)) {
            return { direction: "inbound", direct: src.contains(record.dstAddr) };
        }
        return undefined;
    }

    private directionOf(from: string | undefined, to: string | undefined, record: FlowRecord): Direction | undefined {
        const { src, dst, port } = this.query;
        const ports = this.portsApply;
        if (src.contains(from) && dst.contains(to) && (!ports || record.dstPort === undefined || record.dstPort === port)) {
            return "outbound";
        }
        if (dst.contains(from) && src.contains(to) && (!ports || record.srcPort === undefined || record.srcPort === port)) {
            return "inbound";
        }
        return undefined;
    }

    private voteSide(state: InterfaceState, record: FlowRecord, direction: Direction, records: number): void {
        const votes = state.votes;
        let side: End | undefined;
        if (record.flowDirection !== undefined) {
            const sending = record.flowDirection === "egress";
            // Outbound packets leave the source and arrive at the destination; replies the other way.
            side = (direction === "outbound") === sending ? "source" : "destination";
            votes.byFlowDirection += records;
        } else {
            const sourceAddr = direction === "outbound" ? record.srcAddr : record.dstAddr;
            const destinationAddr = direction === "outbound" ? record.dstAddr : record.srcAddr;
            const sourcePrivate = isPrivateIpv4(sourceAddr);
            const destinationPrivate = isPrivateIpv4(destinationAddr);
            if (sourcePrivate === true && destinationPrivate === false) side = "source";
            else if (destinationPrivate === true && sourcePrivate === false) side = "destination";
            if (side !== undefined) votes.byAddresses += records;
            else if (sourcePrivate === undefined || destinationPrivate === undefined) state.undecided.ipv6 += records;
            else if (sourcePrivate) state.undecided.bothPrivate += records;
            else state.undecided.neitherPrivate += records;
        }
        if (side !== undefined) votes[side] += records;
    }

    private noteStandIn(state: InterfaceState, record: FlowRecord, direction: Direction, records: number): void {
        const srcDiffers = record.pktSrcAddr !== undefined && record.srcAddr !== undefined && record.pktSrcAddr !== record.srcAddr;
        const dstDiffers = record.pktDstAddr !== undefined && record.dstAddr !== undefined && record.pktDstAddr !== record.dstAddr;
        // The sender of an outbound packet is the source; of a reply, the destination.
        const senderEnd: End = direction === "outbound" ? "source" : "destination";
        const receiverEnd: End = direction === "outbound" ? "destination" : "source";
        if (srcDiffers) state.standsIn[senderEnd] += records;
        if (dstDiffers) state.standsIn[receiverEnd] += records;
        const destinationAddr = direction === "outbound" ? record.pktDstAddr : record.pktSrcAddr;
        const standsForDestination = direction === "outbound" ? dstDiffers && !srcDiffers : srcDiffers && !dstDiffers;
        if (record.requesterManaged && standsForDestination && isPrivateIpv4(destinationAddr) === false) state.natLike += records;
    }

    private addStatus(record: FlowRecord, records: number): void {
        const nodata = record.logStatus === "NODATA" ? records : 0;
        const skipdata = records - nodata;
        this.skipped.nodata += nodata;
        this.skipped.skipdata += skipdata;
        if (record.interfaceId === undefined) return;
        const state = this.interfaceState(record.interfaceId);
        if (record.startTime === undefined || record.endTime === undefined) {
            state.timelessStatus.nodata += nodata;
            state.timelessStatus.skipdata += skipdata;
            return;
        }
        const list = state.status;
        const last = list[list.length - 1];
        if (last && (record.startTime <= last.end + 1 || list.length >= MAX_STATUS_INTERVALS) && record.startTime >= last.start) {
            last.end = Math.max(last.end, record.endTime);
            last.nodata += nodata;
            last.skipdata += skipdata;
        } else {
            list.push({ start: record.startTime, end: record.endTime, nodata, skipdata });
        }
    }

    private observeFlags(observations: FlagObservations, record: FlowRecord, records: number): void {
        const flags = record.tcpFlags as number;
        observations.withFlags += records;
        if (flags === 2) {
            observations.synOnly += records;
            const packets = record.packets;
            const small =
                packets !== undefined &&
                packets <= SYN_RETRY_MAX_PACKETS * records &&
                (record.bytes === undefined || record.bytes <= SYN_MAX_BYTES * Math.max(packets, 1));
            if (small) observations.synRetries += records;
        }
        if ((flags & 1) !== 0) observations.fin += records;
        if ((flags & 4) !== 0) observations.rst += records;
        if ((flags & 18) === 18) observations.synAck += records;
    }

    private interfaceState(interfaceId: string): InterfaceState {
        let state = this.interfaces.get(interfaceId);
        if (!state) {
            state = {
                tally: emptyFlowTally(),
                noAction: { outbound: 0, inbound: 0 },
                directRecords: 0,
                pktOnlyRecords: 0,
                votes: { source: 0, destination: 0, byFlowDirection: 0, byAddresses: 0 },
                undecided: { bothPrivate: 0, neitherPrivate: 0, ipv6: 0 },
                requesterManaged: 0,
                instanceNamed: 0,
                standsIn: { source: 0, destination: 0 },
                natLike: 0,
                subnetIds: new Set(),
                vpcIds: new Set(),
                status: [],
                timelessStatus: { nodata: 0, skipdata: 0 },
                rejectReasons: new Map(),
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
            if (s.directRecords + s.pktOnlyRecords === 0) continue;
            const overlap = this.overlappingStatus(s);
            interfaces.push({
                interfaceId,
                named: interfaceId !== UNKNOWN_INTERFACE,
                ...sideOf(s),
                tally: clone(s.tally),
                noAction: { ...s.noAction },
                subnetIds: [...s.subnetIds].sort(),
                vpcIds: [...s.vpcIds].sort(),
                nodata: overlap.nodata,
                skipdata: overlap.skipdata,
                rejectReasons: Object.fromEntries([...s.rejectReasons].sort()),
            });
        }
        inferSidesFromHops(interfaces);
        // The ends first (source, destination, unknown), busiest first; intermediates last.
        const order: Record<Side, number> = { source: 0, destination: 1, unknown: 2, intermediate: 3 };
        interfaces.sort(
            (a, b) =>
                order[a.side] - order[b.side] ||
                recordsOf(b) - recordsOf(a) ||
                a.interfaceId.localeCompare(b.interfaceId),
        );

        const endpoint = emptyFlowTally();
        const intermediate = emptyFlowTally();
        const bySide = { source: emptyFlowTally(), destination: emptyFlowTally(), unknown: emptyFlowTally() };
        const noAction = { endpoint: 0, intermediate: 0 };
        for (const i of interfaces) {
            const missingAction = i.noAction.outbound + i.noAction.inbound;
            if (i.side === "intermediate") {
                addFlow(intermediate, i.tally);
                noAction.intermediate += missingAction;
                continue;
            }
            addFlow(endpoint, i.tally);
            addFlow(bySide[i.side], i.tally);
            noAction.endpoint += missingAction;
        }
        const rejectReasons = this.endpointRejectReasons(interfaces);
        return {
            query: this.query,
            endpoint,
            bySide,
            intermediate,
            noAction,
            missing: { ...this.missing },
            destinations: Object.fromEntries([...this.destinations].sort()),
            flags: clone(this.flags),
            trafficPaths: Object.fromEntries([...this.trafficPaths].sort()),
            flowDirections: Object.fromEntries([...this.flowDirections].sort()),
            pktDstAwsServices: Object.fromEntries([...this.pktDstAwsServices].sort()),
            pktSrcAwsServices: Object.fromEntries([...this.pktSrcAwsServices].sort()),
            rejectReasons,
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
            malformedRelated: this.malformedRelated,
            input: { ...this.input },
            malformedSamples: [...this.malformedSamples],
            unreadable: [...this.unreadable.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((g) => ({ ...g, locations: [...g.locations], order: [...g.order] })),
        };
    }

    /** reject-reason counts over the ends' REJECT records (both directions: a reason names the blocker, not the way). */
    private endpointRejectReasons(interfaces: InterfaceEvidence[]): Record<string, number> {
        const total: Record<string, number> = {};
        for (const i of interfaces) {
            if (i.side === "intermediate") continue;
            for (const [reason, n] of Object.entries(i.rejectReasons)) total[reason] = (total[reason] ?? 0) + n;
        }
        return total;
    }

    /**
     * NODATA and SKIPDATA say something about the conversation only when their interval overlaps it:
     * an idle ENI logs NODATA every interval, before and after.
     */
    private overlappingStatus(s: InterfaceState): { nodata: number; skipdata: number } {
        const result = { ...s.timelessStatus };
        if (this.firstSeen === undefined || this.lastSeen === undefined) {
            for (const i of s.status) {
                result.nodata += i.nodata;
                result.skipdata += i.skipdata;
            }
            return result;
        }
        for (const i of s.status) {
            if (i.end < this.firstSeen || i.start > this.lastSeen) continue;
            result.nodata += i.nodata;
            result.skipdata += i.skipdata;
        }
        return result;
    }
}

function sideOf(s: InterfaceState): Pick<InterfaceEvidence, "side" | "sideBasis" | "hop" | "standsInFor"> {
    if (s.directRecords === 0) {
        const standsInFor: End | undefined =
            s.standsIn.destination > 0 && s.standsIn.source === 0 ? "destination" : s.standsIn.source > 0 && s.standsIn.destination === 0 ? "source" : undefined;
        if (s.natLike > 0 && s.natLike === s.pktOnlyRecords) {
            return {
                side: "intermediate",
                hop: "nat-gateway",
                standsInFor,
                sideBasis:
                    "a NAT gateway: requester-managed (instance-id '-') and its own address stands in for the public destination (pkt-srcaddr/pkt-dstaddr keep the real one)",
            };
        }
        const maybeInstance =
            s.instanceNamed > 0 ? "; pkt-* also differ on an instance's ENI for EKS pods and secondary IPs" : "";
        return {
            side: "intermediate",
            hop: "intermediate",
            standsInFor,
            sideBasis: `intermediate (NAT gateway, transit gateway attachment or middlebox): tied to the conversation only through pkt-srcaddr/pkt-dstaddr${maybeInstance}`,
        };
    }
    const v = s.votes;
    const by = v.byFlowDirection > 0 ? "flow-direction" : "the addresses (an ENI logs its own private IPv4 address)";
    if (v.source > 0 && v.destination === 0) return { side: "source", sideBasis: `from ${by}` };
    if (v.destination > 0 && v.source === 0) return { side: "destination", sideBasis: `from ${by}` };
    if (v.source > 0 && v.destination > 0) {
        return { side: "unknown", sideBasis: "its records disagree on which end it belongs to" };
    }
    const u = s.undecided;
    const why =
        u.ipv6 >= u.bothPrivate && u.ipv6 >= u.neitherPrivate
            ? "the addresses are IPv6, which an ENI owns globally"
            : u.bothPrivate >= u.neitherPrivate
              ? "both addresses are private"
              : "neither address is private, though an ENI logs its own private IPv4 address";
    return { side: "unknown", sideBasis: `${why}, and the records carry no flow-direction` };
}

/**
 * When an intermediate hop stands in for one end's address (a transit gateway attachment carrying
 * the client, a NAT gateway carrying the destination), an ENI in the same VPC that sees that end's
 * own address directly cannot be that end's: the end is reached through the hop. AWS's transit
 * gateway example is the case: the web server's ENI is told apart from the client this way.
 */
function inferSidesFromHops(interfaces: InterfaceEvidence[]): void {
    const hops = interfaces.filter((i) => i.side === "intermediate" && i.standsInFor !== undefined);
    if (hops.length === 0) return;
    for (const i of interfaces) {
        if (i.side !== "unknown" || i.sideBasis.startsWith("its records disagree")) continue;
        const hop = hops.find((h) => h.vpcIds.length === 0 || i.vpcIds.length === 0 || h.vpcIds.some((v) => i.vpcIds.includes(v)));
        if (!hop) continue;
        const reached = hop.standsInFor as End;
        i.side = reached === "source" ? "destination" : "source";
        i.sideBasis = `the ${reached} is reached through the intermediate ${hop.interfaceId} in the same VPC, so this ENI is the ${i.side}'s`;
    }
}

function recordsOf(i: InterfaceEvidence): number {
    return matchedRecords(i.tally) + i.noAction.outbound + i.noAction.inbound;
}

export function matchedRecords(t: FlowTally): number {
    return t.outbound.accept.records + t.outbound.reject.records + t.inbound.accept.records + t.inbound.reject.records;
}

function recordKey(r: FlowRecord): string {
    return [
        r.interfaceId, r.srcAddr, r.dstAddr, r.srcPort, r.dstPort, r.protocol, r.packets, r.bytes, r.startTime, r.endTime,
        r.action, r.pktSrcAddr, r.pktDstAddr, r.tcpFlags, r.flowDirection,
    ].join(" ");
}

function addTo(t: Tally, records: number, packets: number, bytes: number): void {
    t.records += records;
    t.packets += packets;
    t.bytes += bytes;
}

function addFlow(into: FlowTally, from: FlowTally): void {
    for (const d of ["outbound", "inbound"] as const) {
        for (const a of ["accept", "reject"] as const) addTo(into[d][a], from[d][a].records, from[d][a].packets, from[d][a].bytes);
    }
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

/**
 * From evidence to an answer: the verdict, how sure it is and why. What to check next lives in
 * advice.ts.
 *
 * The rules follow ../shared/docs/reference.md ("Reading the evidence") and AWS's flow-log record
 * examples: security groups are stateful and network ACLs are not; a REJECT can be a straggler
 * after a close; the ENI that logged a record can be either end's (or a hop between), which decides
 * whether a REJECT is an egress or an ingress rule; a flow log that captures only ACCEPT or only
 * REJECT cannot show an absence; and AWS does not document that packets without a route are
 * logged as ACCEPT, so a routing verdict is only ever "consistent with".
 */
import { ConversationEvidence, Direction, FlowTally, InterfaceEvidence, Side, Tally, matchedRecords } from "../evidence/conversation";
import { TRAFFIC_PATHS, protocolName, protocolHasPorts } from "../core/records";
import { bracketIpv6 } from "../core/ip";
import { adviceDestination, destinationKind } from "./destination";
import { AdviceReason, KnownIds, Location, nextSteps } from "./advice";
import { UnreadableReading, UnrelatedReason, VerdictCounts, couldChangeVerdict, readingFromKey } from "../evidence/unreadableLines";

import type { NextStep, Verdict } from "./verdicts";
export { VERDICTS } from "./verdicts";
export type { NextStep, Verdict } from "./verdicts";
export type Confidence = "high" | "medium" | "low";
import type { TrafficType } from "../core/trafficType";
import { epochToIso } from "../core/isoTime";
export type { TrafficType } from "../core/trafficType";

export interface ActionCounts {
    accept: number;
    reject: number;
}
export interface DirectionCounts {
    outbound: ActionCounts;
    inbound: ActionCounts;
}

export interface InterfaceSummary {
    interfaceId: string;
    /** Which end of the conversation the ENI belongs to, or `intermediate` for a hop between. */
    side: Side;
    /** Why, in words. */
    sideBasis: string;
    /** For an intermediate: `nat-gateway` only on evidence, else `intermediate`; null for an end. */
    hop: "nat-gateway" | "intermediate" | null;
    subnetIds: string[];
    vpcIds: string[];
    counts: DirectionCounts;
    packets: DirectionCounts;
    /** Matched records without an action field. */
    noAction: { outbound: number; inbound: number };
    /** NODATA/SKIPDATA records whose interval overlaps the conversation's. */
    nodata: number;
    skipdata: number;
    rejectReasons: Record<string, number>;
}

export interface TimelineEntry {
    /** ISO 8601, UTC. */
    minute: string;
    packets: DirectionCounts;
}

export interface Diagnosis {
    verdict: Verdict;
    summary: string;
    confidence: Confidence;
    confidenceReason: string;
    conversation: {
        src: string[];
        dst: string[];
        /** Null for protocols without ports (ICMP). */
        port: number | null;
        protocol: string;
        trafficType: TrafficType;
        window: { start: string | null; end: string | null };
    };
    /** In records, from the ENIs at the ends (the basis of the verdict). */
    counts: DirectionCounts;
    packets: DirectionCounts;
    bytes: DirectionCounts;
    /** REJECT records judged stragglers after a close, left out of the verdict (still in `counts`). */
    lateRejects: { outbound: number; inbound: number };
    /** What intermediate hops (NAT gateways, transit gateway attachments) logged, in records. */
    intermediateLegs: DirectionCounts;
    firstSeen: string | null;
    lastSeen: string | null;
    interfaces: InterfaceSummary[];
    evidence: string[];
    nextSteps: NextStep[];
    skipped: { malformed: number; nodata: number; skipdata: number };
    /** The malformed lines and rows, set aside, by why: whether they could change the verdict, or are not about it. Absent when none. */
    setAside?: { total: number; reasons: SetAsideReason[] };
    input: { records: number; matched: number; outsideWindow: number; duplicates: number };
    timeline: TimelineEntry[];
    warnings: string[];
}

export type SetAsideWhy = "could-change-verdict" | "repeats-known" | UnrelatedReason;

export interface SetAsideReason {
    reason: SetAsideWhy;
    count: number;
    /** The first few places, `flows.log:43` (none for rows without a place). */
    locations: string[];
}

export interface DiagnoseOptions {
    /** What the flow log captures (its traffic type). Default ALL. */
    readonly trafficType?: TrafficType;
    /** Problems met while reading the input, carried into the JSON output. */
    readonly warnings?: readonly string[];
    /** Ids the configuration check found for the workload's interface: the next steps use them. */
    readonly known?: KnownIds;
}

const LEVELS: readonly Confidence[] = ["high", "medium", "low"];

function lower(confidence: Confidence, cap: Confidence): Confidence {
    return LEVELS[Math.max(LEVELS.indexOf(confidence), LEVELS.indexOf(cap))];
}

function downgrade(confidence: Confidence): Confidence {
    return LEVELS[Math.min(LEVELS.indexOf(confidence) + 1, LEVELS.length - 1)];
}

/** Each connection can leave a straggler or two; more small rejects than accepted records is a pattern. */
export function countLateRejects(e: ConversationEvidence): { outbound: number; inbound: number } {
    const late = { outbound: 0, inbound: 0 };
    const d = e.endpoint;
    const acceptedRecords = d.outbound.accept.records + d.inbound.accept.records;
    if (d.outbound.accept.records === 0 || d.inbound.accept.records === 0 || e.rejectCandidatesOverflow) return late;
    let budget = acceptedRecords;
    for (const c of e.rejectCandidates) {
        if (c.relay) continue;
        if (c.startTime !== undefined && e.accepted.firstStart !== undefined && c.startTime < e.accepted.firstStart) continue;
        const closingFlags = c.tcpFlags !== undefined && (c.tcpFlags & (1 | 4)) !== 0;
        const atTheEnd = c.startTime !== undefined && e.accepted.lastStart !== undefined && c.startTime >= e.accepted.lastStart;
        if (!(closingFlags || e.accepted.finSeen || atTheEnd)) continue;
        if (c.records > budget) continue;
        budget -= c.records;
        late[c.direction] += c.records;
    }
    return late;
}

function counts(t: FlowTally, pick: (x: Tally) => number): DirectionCounts {
    return {
        outbound: { accept: pick(t.outbound.accept), reject: pick(t.outbound.reject) },
        inbound: { accept: pick(t.inbound.accept), reject: pick(t.inbound.reject) },
    };
}

export function isoTime(epochSeconds: number | undefined): string | null {
    return epochSeconds === undefined ? null : epochToIso(epochSeconds);
}

export function plural(n: number, word: string, many = word + "s"): string {
    return `${n} ${n === 1 ? word : many}`;
}

/** How an ENI is named in text: its id, or a description when the records do not carry one. */
export function eniText(i: InterfaceEvidence): string {
    return i.named ? i.interfaceId : "an ENI the records do not name (the format has no interface-id)";
}

function owner(side: Side): string {
    switch (side) {
        case "source":
            return "the source's";
        case "destination":
            return "the destination's";
        case "intermediate":
            return "an intermediate hop";
        case "unknown":
            return "either end's";
    }
}

/** `eni-a (the source's)`, or several of them. */
function enisWithOwner(list: readonly InterfaceEvidence[]): string {
    return list
        .map((i) => (i.side === "unknown" ? eniText(i) : `${eniText(i)} (${i.side === "intermediate" && i.hop === "nat-gateway" ? "a NAT gateway" : owner(i.side)})`))
        .join(", ");
}

const isNat = (i: InterfaceEvidence): boolean => i.hop === "nat-gateway";

/** Intermediate hops by name: NAT gateways as such, others as hops of a kind the records do not tell. */
function hopText(hops: readonly InterfaceEvidence[]): string {
    const list = hops.map(eniText).join(", ");
    return hops.every(isNat) ? `the NAT gateway's ENI ${list}` : `the intermediate hop ${list} (a NAT gateway, transit gateway attachment or middlebox)`;
}

/** What rejects packets at an intermediate hop: a NAT gateway has no security groups, a middlebox instance has. */
function hopBlocks(hops: readonly InterfaceEvidence[]): string {
    return hops.every(isNat)
        ? "the network ACL of the NAT gateway's subnet blocks them (NAT gateways have no security groups)"
        : "the network ACL of its subnet (or, for a middlebox instance, its security group) blocks them";
}

/** The single side a group of ENIs shares, or `unknown` when they differ. */
function sideOfAll(list: readonly InterfaceEvidence[]): Side {
    const sides = new Set(list.map((i) => i.side));
    // Stryker disable next-line StringLiteral: equivalent: readers of a Location test its side for source, destination and intermediate only (advice.ts), never for "unknown", so any other text reads the same.
    return sides.size === 1 ? [...sides][0] : "unknown";
}

/** `52.219.204.42:443/tcp`, `[2001:db8::1]:22/tcp`, `203.0.113.12/icmp`. */
export function serviceText(dst: readonly string[], port: number | null, protocol: string): string {
    if (port === null) return `${dst.join(",")}/${protocol}`;
    return `${dst.map(bracketIpv6).join(",")}:${port}/${protocol}`;
}

interface Finding {
    verdict: Verdict;
    summary: string;
    confidence: Confidence;
    reason: string;
    /** Where the rejects or accepts that decided it were logged, for the advice. */
    location?: Location;
    /** Why an inconclusive verdict is inconclusive (the advice differs). */
    adviceReason?: AdviceReason;
}

/** Which records speak for the conversation: the ends' ENIs, or the intermediate hops when no end is in the input. */
interface View {
    readonly useIntermediate: boolean;
    readonly tally: FlowTally;
    readonly enis: readonly InterfaceEvidence[];
    readonly late: { readonly outbound: number; readonly inbound: number };
    /** Records of each direction and action that decide the verdict (late rejects taken out). */
    readonly outAcc: number;
    readonly outRej: number;
    readonly inAcc: number;
    readonly inRej: number;
    readonly noAction: number;
    readonly allRejectsBpa: boolean;
}

/** How the findings name the conversation. */
interface Words {
    readonly srcText: string;
    readonly service: string;
    /** `<src> <-> <service>` */
    readonly conv: string;
}

/**
 * Intermediate hops see the conversation a second time; their legs are kept apart so they are not
 * counted twice, and used on their own only when no ENI at either end is in the input.
 */
function selectView(e: ConversationEvidence): View {
    const endsSeen = matchedRecords(e.endpoint) + e.noAction.endpoint > 0;
    const useIntermediate = !endsSeen && matchedRecords(e.intermediate) + e.noAction.intermediate > 0;
    const tally = useIntermediate ? e.intermediate : e.endpoint;
    const late = useIntermediate ? { outbound: 0, inbound: 0 } : countLateRejects(e);
    const bpa = e.rejectReasons.BPA ?? 0;
    return {
        useIntermediate,
        tally,
        enis: e.interfaces.filter((i) => (i.side === "intermediate") === useIntermediate),
        late,
        outAcc: tally.outbound.accept.records,
        outRej: tally.outbound.reject.records - late.outbound,
        inAcc: tally.inbound.accept.records,
        inRej: tally.inbound.reject.records - late.inbound,
        noAction: useIntermediate ? e.noAction.intermediate : e.noAction.endpoint,
        allRejectsBpa: bpa > 0 && bpa >= tally.outbound.reject.records + tally.inbound.reject.records,
    };
}

function withTally(v: View, dir: Direction, key: "accept" | "reject"): InterfaceEvidence[] {
    return v.enis.filter((i) => i.tally[dir][key].records > 0);
}

/** The packets were rejected on their way out (or in, at the destination). */
function rejectedOut(v: View, w: Words): Finding {
    const { srcText, service } = w;
    const where = withTally(v, "outbound", "reject");
    const side = sideOfAll(where);
    const n = plural(v.outRej, "record");
    const location: Location = { side, enis: where };
    if (v.allRejectsBpa) {
        return {
            verdict: "security-group-or-nacl",
            summary: `Packets from ${srcText} to ${service} were rejected (${n}) at ${enisWithOwner(where)} by VPC Block Public Access (reject-reason BPA), neither a security group nor a network ACL: the VPC or subnet blocks internet traffic through its internet gateway unless excluded.`,
            confidence: "high",
            reason: "the REJECT records carry reject-reason BPA",
            location,
            adviceReason: "bpa",
        };
    }
    const summary =
        side === "source"
            ? `Packets from ${srcText} to ${service} were rejected (${n}) as they left ${enisWithOwner(where)} and never accepted: a security group egress rule or a network ACL outbound rule blocks them.`
            : side === "destination"
              ? `Packets from ${srcText} to ${service} were rejected (${n}) as they arrived at ${enisWithOwner(where)} and never accepted there: a security group inbound rule or a network ACL inbound rule of the destination blocks them.`
              : side === "intermediate"
                ? `Packets from ${srcText} to ${service} were rejected (${n}) at ${hopText(where)} and never accepted: ${hopBlocks(where)}.`
                : // `where` holds the ENIs that logged the rejected packets; this rung is reached only with some (outRej > 0).
                `Packets from ${srcText} to ${service} were rejected (${n}) at ${enisWithOwner(where)} and never accepted. The records cannot tell whether that is the source's or the destination's ENI (${where[0].sideBasis}): either the source's security group egress or network ACL outbound rules, or the destination's security group inbound or network ACL inbound rules block them.`;
    return { verdict: "security-group-or-nacl", summary, confidence: "high", reason: "the ENI logged REJECT for the packets and no ACCEPT", location };
}

/** The replies were rejected: a network ACL on the return path. */
function rejectedReplies(v: View, w: Words, confidence: Confidence, reason: string, accepted: boolean): Finding {
    const { srcText, service } = w;
    const where = withTally(v, "inbound", "reject");
    const side = sideOfAll(where);
    const n = plural(v.inRej, "record");
    const first = accepted ? `Packets from ${srcText} to ${service} were accepted, and the replies` : `Replies from ${service} to ${srcText}`;
    const summary =
        side === "source"
            ? `${first} were rejected (${n}) as they arrived at ${enisWithOwner(where)} and never accepted: a network ACL inbound rule of the source's subnet drops the return traffic (security groups are stateful and would let it in).`
            : side === "destination"
              ? `${first} were rejected (${n}) as they left ${enisWithOwner(where)} and never accepted: a network ACL outbound rule of the destination's subnet drops the return traffic (security groups are stateful and would let it out).`
              : side === "intermediate"
                ? `${first} were rejected (${n}) at ${hopText(where)} on their way back and never accepted: the network ACL of ${where.every(isNat) ? "the NAT gateway's subnet" : "its subnet"} drops the return traffic.`
                : `${first} were rejected (${n}) at ${enisWithOwner(where)} and never accepted. The records cannot tell whether that is the source's or the destination's ENI: a network ACL drops the return traffic, either the source subnet's inbound rules or the destination subnet's outbound rules (security groups are stateful).`;
    return { verdict: "nacl-return-path", summary, confidence, reason, location: { side, enis: where } };
}

/** The decision ladder: the first rung whose evidence is there decides the verdict. */
function decide(e: ConversationEvidence, v: View, w: Words, trafficType: TrafficType): Finding {
    const { srcText, service, conv } = w;
    const { outAcc, outRej, inAcc, inRej, noAction, enis } = v;
    if (outAcc + v.tally.outbound.reject.records + inAcc + v.tally.inbound.reject.records === 0 && noAction > 0) {
        const all = e.noAction.endpoint + e.noAction.intermediate;
        const hopsOnly = all - noAction;
        // noAction > 0 holds on this rung, so records at hops as well is all the split needs.
        const split =
            hopsOnly > 0
                ? ` (${noAction} at ${noAction === 1 ? "an end's ENI" : "the ends' ENIs"}, ${hopsOnly} at ${hopsOnly === 1 ? "an intermediate hop" : "intermediate hops"})`
                : "";
        return {
            verdict: "inconclusive",
            summary: `${plural(all, "record")} of ${conv} ${all === 1 ? "matches" : "match"}${split}, but the flow-log format has no action field: whether the packets were accepted or rejected cannot be told from them.`,
            confidence: "low",
            reason: "the records carry no action (ACCEPT or REJECT)",
            location: { side: sideOfAll(enis), enis },
            adviceReason: "missing-action",
        };
    }
    if (trafficType === "REJECT") {
        if (outRej > 0) {
            return { ...rejectedOut(v, w), confidence: "medium", reason: "the flow log captures REJECT only, so accepted packets are invisible and a mix of accepted and rejected traffic cannot be ruled out" };
        }
        if (inRej > 0) {
            return rejectedReplies(v, w, "medium", "the flow log captures REJECT only, so it cannot show whether some replies were accepted, or whether these were stragglers after a close", false);
        }
        return {
            verdict: "inconclusive",
            summary: `No REJECT record for ${conv}, and the flow log captures REJECT only: nothing was rejected, but whether packets left and were answered cannot be seen.`,
            confidence: "low",
            reason: "a REJECT-only flow log says nothing about accepted traffic or routing",
            adviceReason: "traffic-type",
        };
    }
    if (outRej > 0 && outAcc > 0 && !rejectedOnlyAtDestination(enis)) {
        return {
            verdict: "mixed",
            summary: `Packets from ${srcText} to ${service} were both accepted (${plural(outAcc, "record")}) and rejected (${plural(outRej, "record")}) in the window: rules changed, or the tasks differ (security groups, subnets).`,
            confidence: "high",
            reason: "both outcomes are logged for the same conversation",
            location: { side: sideOfAll(withTally(v, "outbound", "reject")), enis: withTally(v, "outbound", "reject") },
        };
    }
    if (outRej > 0) return rejectedOut(v, w);
    if (outAcc > 0 && inAcc > 0) {
        return {
            verdict: "network-ok",
            summary: `Packets from ${srcText} to ${service} were accepted and answered: the network path works; look at DNS, TLS, proxy settings, permissions, and application timeouts.`,
            confidence: inRej > 0 ? "medium" : "high",
            reason:
                inRej > 0
                    ? `replies were accepted, but ${plural(inRej, "inbound record")} ${inRej === 1 ? "was" : "were"} also rejected in the window (an intermittent network ACL rule or ephemeral-port range?)`
                    : "accepted records in both directions",
        };
    }
    if (outAcc > 0 && inRej > 0) return rejectedReplies(v, w, "high", "the ENI logged ACCEPT for the packets and REJECT for the replies", true);
    if (outAcc > 0) return unanswered(e, enis, srcText, service, outAcc, trafficType);
    if (inAcc > 0) {
        return {
            verdict: "network-ok",
            summary: `Replies from ${service} to ${srcText} were accepted, so packets got out and were answered; the outbound records are missing from the input (window edge, or another ENI).`,
            confidence: "medium",
            reason: "only the return direction was logged",
        };
    }
    if (inRej > 0) return rejectedReplies(v, w, "medium", "the outbound packets are not in the input, only the rejected replies", false);
    if (trafficType === "ACCEPT") {
        return {
            verdict: "inconclusive",
            summary: `No record of ${conv}, and the flow log captures ACCEPT only: rejected packets are not logged, so this is as consistent with a rejection as with no traffic.`,
            confidence: "low",
            reason: "in an ACCEPT-only flow log the absence of rejects is not evidence",
            // Stryker disable next-line StringLiteral: advice.ts's inconclusive writer gives the traffic-type steps in its else branch, so any other text here gives the same steps.
            adviceReason: "traffic-type",
        };
    }
    return {
        verdict: "no-traffic",
        summary: `No record of ${conv} in the input: wrong address or window, DNS resolved another address, delivery lag (5-10 minutes), or the flow log is not delivering.`,
        confidence: "medium",
        reason: "an absence of records has several explanations besides no traffic",
    };
}

/**
 * An intermediate hop sees the conversation a second time; when the source's ENI shows the packets
 * leaving unanswered, a rejection at the hop names the culprit.
 */
function blameHop(e: ConversationEvidence, v: View, w: Words, f: Finding): Finding {
    if (v.useIntermediate || f.verdict !== "routing") return f;
    const { srcText, service } = w;
    const hops = e.interfaces.filter((i) => i.side === "intermediate");
    const relay = e.intermediate;
    if (relay.outbound.reject.records > 0 && relay.outbound.accept.records === 0) {
        const where = hops.filter((i) => i.tally.outbound.reject.records > 0);
        const nat = where.every((i) => i.hop === "nat-gateway");
        return {
            verdict: "security-group-or-nacl",
            summary: nat
                ? `Packets from ${srcText} to ${service} left the source's ENI but were rejected at the NAT gateway's ENI ${where.map(eniText).join(", ")} (${plural(relay.outbound.reject.records, "record")}): the NAT subnet's network ACL blocks them (NAT gateways have no security groups).`
                : `Packets from ${srcText} to ${service} left the source's ENI but were rejected at the intermediate hop ${where.map(eniText).join(", ")} (${plural(relay.outbound.reject.records, "record")}; a NAT gateway, transit gateway attachment or middlebox): the network ACL of its subnet (or, for a middlebox instance, its security group) blocks them.`,
            confidence: "high",
            reason: "the intermediate hop logged REJECT for the packets (matched through pkt-srcaddr/pkt-dstaddr)",
            location: { side: "intermediate", enis: where },
        };
    }
    if (relay.inbound.reject.records > 0 && relay.inbound.accept.records === 0) {
        const where = hops.filter((i) => i.tally.inbound.reject.records > 0);
        return {
            verdict: "nacl-return-path",
            summary: `Replies from ${service} reached the intermediate hop ${where.map(eniText).join(", ")} but were rejected on their way back to ${srcText} (${plural(relay.inbound.reject.records, "record")}): the network ACL of its subnet blocks the return leg.`,
            confidence: "high",
            reason: "the intermediate hop logged REJECT for the replies (matched through pkt-srcaddr/pkt-dstaddr)",
            location: { side: "intermediate", enis: where },
        };
    }
    return f;
}

/**
 * Unreadable lines that could be records which change the verdict (unreadableLines.ts): as many as
 * the readable records, and there is no verdict; fewer, and the confidence goes down (`lowered`).
 */
function weighUnreadable(e: ConversationEvidence, v: View, f: Finding, trafficType: TrafficType): { finding: Finding; setAside: SetAsideReason[]; changing?: SetAsideReason; lowered: boolean } {
    const setAside = setAsideReasons(e, { outAcc: v.outAcc, outRej: v.outRej, inAcc: v.inAcc, inRej: v.inRej }, trafficType);
    const changing = setAside.find((r) => r.reason === "could-change-verdict");
    const lowered = changing !== undefined && f.verdict !== "inconclusive";
    if (lowered && changing.count >= e.input.matched) {
        const sample = e.malformedSamples.length > 0 ? ` (e.g. '${e.malformedSamples[0]}')` : "";
        const finding: Finding = {
            verdict: "inconclusive",
            summary: `${plural(changing.count, "line or row", "lines or rows")} that mention the conversation's addresses could not be read${sample}, against ${plural(e.input.matched, "readable record")}: no verdict from evidence that was mostly skipped.`,
            confidence: "low",
            reason: "most of the input about this conversation is malformed",
            adviceReason: "malformed",
        };
        return { finding, setAside, changing, lowered };
    }
    return { finding: f, setAside, changing, lowered };
}

/** The finding's confidence, lowered for what may be missing from the evidence, and the reasons said. */
function confidenceOf(
    e: ConversationEvidence,
    v: View,
    f: Finding,
    unreadable: { readonly changing?: SetAsideReason; readonly lowered: boolean },
    trafficType: TrafficType,
): { confidence: Confidence; reasons: string[] } {
    const reasons = [f.reason];
    let confidence = f.confidence;
    const { changing, lowered } = unreadable;
    if (lowered && changing !== undefined && f.verdict !== "inconclusive") {
        confidence = downgrade(confidence);
        reasons.push(`${plural(changing.count, "unreadable line or row", "unreadable lines or rows")} could be ${changing.count === 1 ? "a record" : "records"} of the conversation that would change the verdict`);
    }
    // With no ENI tied to the conversation, any ENI's SKIPDATA may have swallowed its records, but a
    // NODATA elsewhere (every idle ENI logs them) says nothing about it.
    const skipdata = v.enis.length > 0 ? sum(v.enis.map((i) => i.skipdata)) : e.skipped.skipdata;
    const nodata = v.enis.length > 0 ? sum(v.enis.map((i) => i.nodata)) : 0;
    if (skipdata > 0) {
        confidence = downgrade(confidence);
        reasons.push(`${plural(skipdata, "SKIPDATA record")} ${skipdata === 1 ? "means" : "mean"} some records were not captured, so the evidence is incomplete`);
    }
    if (nodata > 0) {
        confidence = downgrade(confidence);
        reasons.push(`${plural(nodata, "NODATA record")} overlapping the conversation: intervals in which the ENI logged no traffic at all`);
    }
    if (f.verdict === "routing" && trafficType === "ACCEPT") confidence = lower(confidence, "medium");
    return { confidence, reasons };
}

/** Evidence in, diagnosis out: the view, the decision ladder, the confidence, then the report assembled. */
export function diagnose(e: ConversationEvidence, options: DiagnoseOptions = {}): Diagnosis {
    const trafficType = options.trafficType ?? "ALL";
    const q = e.query;
    const port = protocolHasPorts(q.protocol) ? q.port : null;
    const srcText = q.src.toString();
    const service = serviceText(q.dst.toStrings(), port, protocolName(q.protocol));
    const words: Words = { srcText, service, conv: `${srcText} <-> ${service}` };

    const view = selectView(e);
    const unreadable = weighUnreadable(e, view, blameHop(e, view, words, decide(e, view, words, trafficType)), trafficType);
    const f = unreadable.finding;
    const { confidence, reasons } = confidenceOf(e, view, f, unreadable, trafficType);

    const warnings = [...(options.warnings ?? [])];
    const setAsideNote = setAsideText(unreadable.setAside, unreadable.lowered ? (f.verdict === "inconclusive" ? "no-verdict" : "lowered") : "kept");
    if (setAsideNote !== undefined) warnings.push(setAsideNote);
    const contradiction = trafficTypeContradiction(view.tally, trafficType);
    if (contradiction) warnings.push(contradiction);
    const { useIntermediate, late } = view;
    const setAside = unreadable.setAside;

    return {
        verdict: f.verdict,
        summary: f.summary,
        confidence,
        confidenceReason: capitalize(reasons.join("; ")) + ".",
        conversation: {
            src: q.src.toStrings(),
            dst: q.dst.toStrings(),
            port,
            protocol: protocolName(q.protocol),
            trafficType,
            window: { start: isoTime(q.window?.start), end: isoTime(q.window?.end) },
        },
        counts: counts(view.tally, (t) => t.records),
        packets: counts(view.tally, (t) => t.packets),
        bytes: counts(view.tally, (t) => t.bytes),
        lateRejects: late,
        intermediateLegs: counts(useIntermediate ? emptyFlow() : e.intermediate, (t) => t.records),
        firstSeen: isoTime(e.firstSeen),
        lastSeen: isoTime(e.lastSeen),
        interfaces: e.interfaces.map(summarizeInterface),
        evidence: setAsideNote === undefined ? evidenceNotes(e, late, useIntermediate) : [...evidenceNotes(e, late, useIntermediate), setAsideNote],
        nextSteps: nextSteps({ verdict: f.verdict, e, trafficType, location: f.location, reason: f.adviceReason, known: options.known }),
        skipped: { ...e.skipped },
        ...(setAside.length > 0 ? { setAside: { total: sum(setAside.map((r) => r.count)), reasons: setAside } } : {}),
        input: { ...e.input },
        timeline: e.timeline.map((m) => ({ minute: isoTime(m.minute) as string, packets: counts(m.packets, (t) => t.packets) })),
        warnings,
    };
}

function rejectedOnlyAtDestination(enis: readonly InterfaceEvidence[]): boolean {
    const rejecting = enis.filter((i) => i.tally.outbound.reject.records > 0);
    const accepting = enis.filter((i) => i.tally.outbound.accept.records > 0);
    return rejecting.every((i) => i.side === "destination") && accepting.every((i) => i.side === "source");
}

/** Records the flow log's traffic type should not contain: the --traffic-type given is probably wrong. */
export function trafficTypeContradiction(view: FlowTally, trafficType: TrafficType): string | undefined {
    const accepted = view.outbound.accept.records + view.inbound.accept.records;
    const rejected = view.outbound.reject.records + view.inbound.reject.records;
    if (trafficType === "REJECT" && accepted > 0) {
        return `The input has ${plural(accepted, "ACCEPT record")} although --traffic-type is REJECT: the flow log probably captures ALL; diagnose again with --traffic-type ALL.`;
    }
    if (trafficType === "ACCEPT" && rejected > 0) {
        return `The input has ${plural(rejected, "REJECT record")} although --traffic-type is ACCEPT: the flow log probably captures ALL; diagnose again with --traffic-type ALL.`;
    }
    return undefined;
}

/**
 * Outbound packets accepted and nothing back. Where they were logged decides the reading: leaving
 * the source, that is consistent with routing; arriving at the destination, the network delivered
 * them; at an ENI whose end cannot be told, both readings stay open.
 */
function unanswered(
    e: ConversationEvidence,
    enis: readonly InterfaceEvidence[],
    srcText: string,
    service: string,
    outAcc: number,
    trafficType: TrafficType,
): Finding {
    const accepting = enis.filter((i) => i.tally.outbound.accept.records > 0);
    const atDestination = accepting.filter((i) => i.side === "destination");
    const atSource = accepting.filter((i) => i.side === "source" || i.side === "intermediate");
    if (atDestination.length > 0) {
        return {
            verdict: "network-ok",
            summary:
                `Packets from ${srcText} to ${service} reached ${enisWithOwner(atDestination)} and were accepted (${plural(atDestination.reduce((n, i) => n + i.tally.outbound.accept.records, 0), "record")}); ` +
                "no reply from it is in the input: the network delivered them, so look at the destination (is the service listening, does a host firewall drop them?) or at replies outside the input.",
            confidence: "medium",
            reason: "the destination's ENI accepted the packets, but no reply is logged",
            location: { side: "destination", enis: atDestination },
        };
    }
    if (atSource.length === 0) {
        return {
            verdict: "inconclusive",
            summary:
                // `accepting` holds the ENIs that logged the accepted packets; this rung is reached only with some (outAcc > 0).
                `Packets from ${srcText} to ${service} were accepted (${plural(outAcc, "record")}) at ${enisWithOwner(accepting)} and nothing came back. The records cannot tell whether that is the source's or the destination's ENI (${accepting[0].sideBasis}): ` +
                "at the source's it would be consistent with a routing problem; at the destination's the packets arrived and the destination did not answer.",
            confidence: "low",
            reason: "which end logged the records is unknown, and the two readings differ",
            // Stryker disable next-line StringLiteral: equivalent: readers of a Location never test its side for "unknown" (see sideOfAll).
            location: { side: "unknown", enis: accepting },
            adviceReason: "unknown-side",
        };
    }
    return routingFinding(e, srcText, service, outAcc, trafficType, atSource);
}

function routingFinding(
    e: ConversationEvidence,
    srcText: string,
    service: string,
    outAcc: number,
    trafficType: TrafficType,
    atSource: readonly InterfaceEvidence[],
): Finding {
    const location: Location = { side: "source", enis: atSource };
    const summary =
        `Packets from ${srcText} to ${service} were accepted on the way out (${plural(outAcc, "record")}) and nothing came back: ` +
        `consistent with a routing problem${routingExamples(e)}.`;
    const finding = (confidence: Confidence, reason: string): Finding => ({ verdict: "routing", summary, confidence, reason, location });
    if (trafficType === "ACCEPT") {
        return finding("medium", "the flow log captures ACCEPT only, so replies rejected by a network ACL would look the same as no replies");
    }
    if (e.query.protocol === 17) {
        return finding("medium", "UDP has no handshake and one-way UDP can be normal (a client that expects no reply), so missing replies are weaker evidence than for TCP");
    }
    const flags = e.flags.outbound.ACCEPT;
    if (flags.synRetries > 0 && flags.synRetries === flags.synOnly && flags.withFlags === flags.synOnly) {
        return outAcc >= 2
            ? finding("high", `${plural(flags.synRetries, "outbound record")} with tcp-flags 2 (SYN only) of a few small packets and no reply in either action: connection attempts that were never answered`)
            : finding("medium", "a single unanswered connection attempt (one SYN-only record of a few small packets): little traffic to judge from");
    }
    if (flags.withFlags > 0) {
        const reason =
            "the outbound records carried data or closing flags, not only retransmitted SYNs (AWS records ACK only with SYN, so SYN-only records with many packets are established connections): the connections were established earlier and their replies may be outside the input";
        return finding(outAcc >= 2 ? "medium" : "low", reason);
    }
    if (outAcc >= 2) return finding("high", `${plural(outAcc, "outbound record")} accepted and no reply logged in either action`);
    return finding("medium", "a single outbound record and no reply: little traffic to judge from");
}

/** The usual causes, for the kind of destination: S3's own only when the destination is S3. */
function routingExamples(e: ConversationEvidence): string {
    if (adviceDestination(e)?.ipv6) {
        return " (no route for ::/0 to an internet gateway or egress-only internet gateway: IPv6 has no NAT)";
    }
    const kind = destinationKind(e);
    if (kind === "s3") return " (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region)";
    if (kind === "private") return " (no local, peering or transit gateway route to the destination, or none back from it)";
    return " (no route to a NAT gateway or internet gateway; a public subnet without a public IP)";
}

function emptyFlow(): FlowTally {
    const t = () => ({ records: 0, packets: 0, bytes: 0 });
    return { outbound: { accept: t(), reject: t() }, inbound: { accept: t(), reject: t() } };
}

function sum(values: number[]): number {
    return values.reduce((a, b) => a + b, 0);
}

function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

function summarizeInterface(i: InterfaceEvidence): InterfaceSummary {
    return {
        interfaceId: i.interfaceId,
        side: i.side,
        sideBasis: i.sideBasis,
        hop: i.hop ?? null,
        subnetIds: i.subnetIds,
        vpcIds: i.vpcIds,
        counts: counts(i.tally, (t) => t.records),
        packets: counts(i.tally, (t) => t.packets),
        noAction: { ...i.noAction },
        nodata: i.nodata,
        skipdata: i.skipdata,
        rejectReasons: { ...i.rejectReasons },
    };
}

function evidenceNotes(e: ConversationEvidence, late: { outbound: number; inbound: number }, useIntermediate: boolean): string[] {
    const notes: string[] = [];
    const ends = e.interfaces.filter((i) => i.side !== "intermediate");
    if (useIntermediate) {
        notes.push("Only intermediate hops (matched through pkt-srcaddr/pkt-dstaddr) are in the input; neither end's own ENI is.");
    }
    if (ends.length > 1) {
        notes.push(
            `${ends.length} ENIs logged the conversation directly (${ends.map((i) => `${eniText(i)}: ${owner(i.side)}`).join(", ")}): several tasks, or both ends are in the input; see the per-ENI counts.`,
        );
    }
    const matched = e.input.matched;
    if (e.missing.protocol > 0 || e.missing.ports > 0) {
        const which = [e.missing.protocol > 0 ? "protocol" : "", e.missing.ports > 0 ? "ports" : ""].filter((s) => s).join(" or ");
        const n = Math.max(e.missing.protocol, e.missing.ports);
        notes.push(`${plural(n, "matched record")} ${n === 1 ? "carries" : "carry"} no ${which}: ${n === 1 ? "it was" : "they were"} matched on addresses alone and may belong to other traffic between the same hosts.`);
    }
    if (e.missing.interfaceId > 0) {
        notes.push(`${plural(e.missing.interfaceId, "matched record")} ${e.missing.interfaceId === 1 ? "carries" : "carry"} no interface-id: the ENI cannot be named (add $` + "{interface-id} to the format).");
    }
    if (matched > 0 && e.missing.times === matched) notes.push("The records carry no start/end times: the timeline and the late-reject judgement need them.");
    const out = e.flags.outbound;
    const inb = e.flags.inbound;
    const withFlags = out.ACCEPT.withFlags + out.REJECT.withFlags + inb.ACCEPT.withFlags + inb.REJECT.withFlags;
    if (matched > 0 && withFlags === 0 && Object.keys(e.trafficPaths).length === 0 && protocolHasPorts(e.query.protocol) && e.query.protocol === 6) {
        notes.push(
            "The records carry no tcp-flags or traffic-path (the default format has neither): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
        );
    }
    const synAckBack = inb.ACCEPT.synAck + inb.REJECT.synAck;
    if (out.ACCEPT.withFlags > 0) {
        const established = out.ACCEPT.synOnly - out.ACCEPT.synRetries;
        if (out.ACCEPT.synRetries > 0 && synAckBack === 0) {
            notes.push(
                `tcp-flags: ${out.ACCEPT.synRetries} of ${plural(out.ACCEPT.withFlags, "accepted outbound record")} ${out.ACCEPT.synRetries === 1 ? "is" : "are"} SYN only (2) of a few small packets and no SYN-ACK (18) came back: those handshakes never completed.`,
            );
        } else if (out.ACCEPT.synRetries > 0) {
            notes.push(`tcp-flags: ${out.ACCEPT.synRetries} of ${plural(out.ACCEPT.withFlags, "accepted outbound record")} ${out.ACCEPT.synRetries === 1 ? "is" : "are"} SYN only (2) of a few small packets.`);
        }
        if (established > 0) {
            notes.push(
                `tcp-flags: ${plural(established, "accepted outbound record")} ${established === 1 ? "is" : "are"} SYN only (2) but carried more than a few small packets: established connections (AWS ORs the flags over the interval and records ACK only with SYN), not failed handshakes.`,
            );
        }
        if (out.ACCEPT.synOnly === 0) {
            notes.push(
                out.ACCEPT.withFlags === 1
                    ? "tcp-flags: the accepted outbound record is not SYN only."
                    : `tcp-flags: none of the ${plural(out.ACCEPT.withFlags, "accepted outbound record")} is SYN only.`,
            );
        }
    }
    if (synAckBack > 0) notes.push(`tcp-flags: the destination answered with SYN-ACK (18/19) in ${plural(synAckBack, "inbound record")}.`);
    const rst = out.ACCEPT.rst + out.REJECT.rst + inb.ACCEPT.rst + inb.REJECT.rst;
    if (rst > 0) notes.push(`tcp-flags: RST (4) in ${plural(rst, "record")}: one side reset connections.`);
    for (const [path, n] of Object.entries(e.trafficPaths)) {
        const meaning = TRAFFIC_PATHS[Number(path)] ?? "an unknown path";
        notes.push(`traffic-path ${path}: outbound packets left through ${meaning} (${plural(n, "record")}).`);
    }
    const directions = Object.entries(e.flowDirections).map(([k, n]) => `${k} ${n}`);
    if (directions.length > 0) notes.push(`flow-direction (as the logging ENI saw it): ${directions.join(", ")}.`);
    const services = Object.entries(e.pktDstAwsServices).map(([k, n]) => `${k} (${plural(n, "record")})`);
    if (services.length > 0) notes.push(`pkt-dst-aws-service: ${services.join(", ")}.`);
    const reasons = Object.entries(e.rejectReasons).map(([k, n]) => `${k} (${plural(n, "record")})`);
    if (reasons.length > 0) notes.push(`reject-reason: ${reasons.join(", ")}${e.rejectReasons.BPA ? "; BPA is VPC Block Public Access, neither a security group nor a network ACL" : ""}.`);
    for (const dir of ["outbound", "inbound"] as Direction[]) {
        if (late[dir] > 0) {
            notes.push(
                `Left out ${plural(late[dir], `late ${dir} REJECT record`)}: a few packets after an accepted conversation closed (FIN/RST or at its end) are rejected normally and prove nothing.`,
            );
        }
    }
    if (!useIntermediate) {
        for (const i of e.interfaces.filter((x) => x.side === "intermediate")) {
            const c = counts(i.tally, (t) => t.records);
            const what = i.hop === "nat-gateway" ? "NAT gateway leg" : "Intermediate hop";
            const seen =
                matchedRecords(i.tally) === 0
                    ? `outbound ${i.noAction.outbound}, inbound ${i.noAction.inbound} (no action field)`
                    : `outbound ${c.outbound.accept} accepted, ${c.outbound.reject} rejected; inbound ${c.inbound.accept} accepted, ${c.inbound.reject} rejected`;
            notes.push(`${what} on ${eniText(i)} (tied through pkt-srcaddr/pkt-dstaddr, not added to the counts above): ${seen}.`);
        }
    }
    if (e.query.protocol === 17 && e.endpoint.outbound.accept.records > 0 && e.endpoint.inbound.accept.records + e.endpoint.inbound.reject.records === 0) {
        notes.push("UDP: no reply is logged, which can be normal for one-way UDP (no handshake, no acknowledgement).");
    }
    if (e.input.duplicates > 0) {
        notes.push(`Counted once: ${plural(e.input.duplicates, "exact duplicate record")} (the same file given twice, or two flow logs writing while one replaces the other).`);
    }
    if (e.skipped.malformed > 0) {
        const sample = e.malformedSamples.length > 0 ? `, e.g. '${e.malformedSamples[0]}'` : "";
        const related = e.malformedRelated > 0 ? ` (${e.malformedRelated} of them ${e.malformedRelated === 1 ? "mentions" : "mention"} the conversation's addresses)` : "";
        notes.push(`Skipped ${plural(e.skipped.malformed, "malformed line or row", "malformed lines or rows")}${related}${sample}.`);
    }
    if (e.input.outsideWindow > 0) {
        notes.push(`${plural(e.input.outsideWindow, "record")} fell outside --start/--end and ${e.input.outsideWindow === 1 ? "was" : "were"} left out.`);
    }
    return notes;
}

/** The order reasons are told in: what lowers the verdict first. */
const SET_ASIDE_ORDER: readonly SetAsideWhy[] = [
    "could-change-verdict",
    "repeats-known",
    "other-addresses",
    "other-protocol",
    "other-port",
    "no-conversation-address",
    "broken-header",
    "too-long",
];

const SET_ASIDE_WORDS: Record<SetAsideWhy, [string, string]> = {
    "could-change-verdict": ["could be a record of the conversation that would change the verdict", "could be records of the conversation that would change the verdict"],
    "repeats-known": ["could only repeat what the readable records show", "could only repeat what the readable records show"],
    "other-addresses": ["names addresses of another conversation", "name addresses of other conversations"],
    "other-protocol": ["is of another protocol", "are of other protocols"],
    "other-port": ["is of another port", "are of other ports"],
    "no-conversation-address": ["names no address of the conversation", "name no address of the conversation"],
    "broken-header": ["is a header line without srcaddr and dstaddr", "are header lines without srcaddr and dstaddr"],
    "too-long": ["is too long to be a record", "are too long to be records"],
};

/**
 * The malformed lines by why they were set aside. Those that could be records of the conversation
 * are judged against the counts the verdict rests on (couldChangeVerdict).
 */
function setAsideReasons(e: ConversationEvidence, counts: VerdictCounts, trafficType: TrafficType): SetAsideReason[] {
    const byWhy = new Map<SetAsideWhy, SetAsideReason>();
    const places: Array<{ why: SetAsideWhy; where: string; order: number }> = [];
    for (const group of e.unreadable) {
        const reading: UnreadableReading = readingFromKey(group.key);
        const why: SetAsideWhy = reading.fit === "unrelated" ? reading.reason : couldChangeVerdict(reading, counts, trafficType) ? "could-change-verdict" : "repeats-known";
        let reason = byWhy.get(why);
        if (reason === undefined) byWhy.set(why, (reason = { reason: why, count: 0, locations: [] }));
        reason.count += group.count;
        group.locations.forEach((where, i) => places.push({ why, where, order: group.order[i] }));
    }
    // In input order, the first few of each reason.
    places.sort((a, b) => a.order - b.order);
    for (const { why, where } of places) {
        const reason = byWhy.get(why) as SetAsideReason;
        if (reason.locations.length < MAX_SET_ASIDE_LOCATIONS) reason.locations.push(where);
    }
    return SET_ASIDE_ORDER.filter((why) => byWhy.has(why)).map((why) => byWhy.get(why) as SetAsideReason);
}

const MAX_SET_ASIDE_LOCATIONS = 5;

/**
 * `Set aside 8 unreadable lines or rows: 4 could be records ... (m.log:43, m.log:44); 1 ...`, and
 * what became of the verdict, or undefined when none.
 */
export function setAsideText(reasons: readonly SetAsideReason[], outcome: "lowered" | "no-verdict" | "kept"): string | undefined {
    const total = sum(reasons.map((r) => r.count));
    if (total === 0) return undefined;
    const parts = reasons.map((r) => {
        const [one, many] = SET_ASIDE_WORDS[r.reason];
        const where = r.locations.length === 0 ? "" : ` (${r.locations.join(", ")}${r.count > r.locations.length ? ", ..." : ""})`;
        return `${r.count} ${r.count === 1 ? one : many}${where}`;
    });
    const changing = reasons.some((r) => r.reason === "could-change-verdict");
    const outcomeText =
        outcome === "lowered"
            ? " The verdict rests on the readable records, with lower confidence."
            : outcome === "no-verdict"
              ? " No verdict: they are as many as the readable records."
              : changing
                ? ""
                : " None of them could change the verdict.";
    return `Set aside ${plural(total, "unreadable line or row", "unreadable lines or rows")}: ${parts.join("; ")}.${outcomeText}`;
}

/**
 * From evidence to an answer: the verdict, how sure it is and why, and what to check next.
 *
 * The rules follow ../shared/docs/reference.md ("Reading the evidence"): security groups are
 * stateful and network ACLs are not; a REJECT can be a straggler after a close; a flow log that
 * captures only ACCEPT or only REJECT cannot show an absence; and AWS does not document that packets
 * without a route are logged as ACCEPT, so a routing verdict is only ever "consistent with".
 */
import { ConversationEvidence, Direction, FlowTally, InterfaceEvidence, Tally, matchedRecords } from "./conversation";
import { TRAFFIC_PATHS, protocolName, protocolHasPorts } from "./records";
import { parseIpRange } from "./ip";

export const VERDICTS = [
    "security-group-or-nacl",
    "nacl-return-path",
    "routing",
    "network-ok",
    "mixed",
    "no-traffic",
    "inconclusive",
] as const;
export type Verdict = (typeof VERDICTS)[number];
export type Confidence = "high" | "medium" | "low";
export const TRAFFIC_TYPES = ["ALL", "ACCEPT", "REJECT"] as const;
export type TrafficType = (typeof TRAFFIC_TYPES)[number];

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
    /** `workload`: logged the conversation's own addresses; `nat-leg`: matched through pkt-srcaddr/pkt-dstaddr. */
    role: "workload" | "nat-leg";
    subnetIds: string[];
    vpcIds: string[];
    counts: DirectionCounts;
    packets: DirectionCounts;
    nodata: number;
    skipdata: number;
}

export interface NextStep {
    step: string;
    /** Commands that show what the step asks to check, in order. */
    commands: string[];
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
        port: number;
        protocol: string;
        trafficType: TrafficType;
        window: { start: string | null; end: string | null };
    };
    /** In records, from the workload's ENI (the basis of the verdict). */
    counts: DirectionCounts;
    packets: DirectionCounts;
    bytes: DirectionCounts;
    /** REJECT records judged stragglers after a close, left out of the verdict (still in `counts`). */
    lateRejects: { outbound: number; inbound: number };
    /** The NAT gateway legs tied to the conversation through pkt-srcaddr/pkt-dstaddr, in records. */
    natLegs: DirectionCounts;
    firstSeen: string | null;
    lastSeen: string | null;
    interfaces: InterfaceSummary[];
    evidence: string[];
    nextSteps: NextStep[];
    skipped: { malformed: number; nodata: number; skipdata: number };
    input: { records: number; matched: number; outsideWindow: number };
    timeline: TimelineEntry[];
    warnings: string[];
}

export interface DiagnoseOptions {
    /** What the flow log captures (its traffic type). Default ALL. */
    readonly trafficType?: TrafficType;
    /** Problems met while reading the input, carried into the JSON output. */
    readonly warnings?: readonly string[];
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
    const d = e.direct;
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
    return epochSeconds === undefined ? null : new Date(epochSeconds * 1000).toISOString().replace(".000Z", "Z");
}

function plural(n: number, word: string, many = word + "s"): string {
    return `${n} ${n === 1 ? word : many}`;
}

interface Finding {
    verdict: Verdict;
    summary: string;
    confidence: Confidence;
    reason: string;
}

export function diagnose(e: ConversationEvidence, options: DiagnoseOptions = {}): Diagnosis {
    const trafficType = options.trafficType ?? "ALL";
    const q = e.query;
    const dstText = q.dst.toString();
    const srcText = q.src.toString();
    // ICMP and other protocols without ports: the port is not part of the conversation.
    const service = protocolHasPorts(q.protocol) ? `${dstText}:${q.port}/${protocolName(q.protocol)}` : `${dstText}/${protocolName(q.protocol)}`;

    // With the default format a NAT gateway's ENI logs other addresses, so only the workload's ENI
    // matches; with pkt-* fields its legs match too and are kept apart so they are not counted twice.
    const useRelay = matchedRecords(e.direct) === 0 && matchedRecords(e.relay) > 0;
    const view = useRelay ? e.relay : e.direct;
    const late = useRelay ? { outbound: 0, inbound: 0 } : countLateRejects(e);
    const outAcc = view.outbound.accept.records;
    const outRej = view.outbound.reject.records - late.outbound;
    const inAcc = view.inbound.accept.records;
    const inRej = view.inbound.reject.records - late.inbound;
    const relayOutAcc = e.relay.outbound.accept.records;
    const relayOutRej = e.relay.outbound.reject.records;
    const relayInAcc = e.relay.inbound.accept.records;
    const relayInRej = e.relay.inbound.reject.records;
    const synOnly = e.flags.outbound.ACCEPT.synOnly;

    let f: Finding;
    if (trafficType === "REJECT") {
        if (outRej > 0) {
            f = {
                verdict: "security-group-or-nacl",
                summary: `Packets from ${srcText} to ${service} were rejected on the way out: a security group egress rule or a network ACL outbound rule blocks them.`,
                confidence: "medium",
                reason: "the flow log captures REJECT only, so accepted packets are invisible and a mix of accepted and rejected traffic cannot be ruled out",
            };
        } else if (inRej > 0) {
            f = {
                verdict: "nacl-return-path",
                summary: `Return traffic from ${service} to ${srcText} was rejected: a network ACL inbound rule drops the replies (security groups are stateful and would let them in).`,
                confidence: "medium",
                reason: "the flow log captures REJECT only, so it cannot show whether some replies were accepted, or whether these were stragglers after a close",
            };
        } else {
            f = {
                verdict: "inconclusive",
                summary: `No REJECT record for ${srcText} <-> ${service}, and the flow log captures REJECT only: nothing was rejected, but whether packets left and were answered cannot be seen.`,
                confidence: "low",
                reason: "a REJECT-only flow log says nothing about accepted traffic or routing",
            };
        }
    } else if (outAcc > 0 && outRej > 0 && trafficType === "ALL") {
        f = {
            verdict: "mixed",
            summary: `Packets from ${srcText} to ${service} were both accepted (${plural(outAcc, "record")}) and rejected (${plural(outRej, "record")}) in the window: rules changed, or the tasks differ (security groups, subnets).`,
            confidence: "high",
            reason: "both outcomes are logged for the same conversation",
        };
    } else if (outRej > 0 && trafficType === "ALL") {
        f = {
            verdict: "security-group-or-nacl",
            summary: `Packets from ${srcText} to ${service} were rejected on the way out (${plural(outRej, "record")}) and never accepted: a security group egress rule or a network ACL outbound rule blocks them.`,
            confidence: "high",
            reason: "the ENI logged REJECT for the outbound packets and no ACCEPT",
        };
    } else if (outAcc > 0 && inAcc > 0) {
        f = {
            verdict: "network-ok",
            summary: `Packets from ${srcText} to ${service} were accepted and answered: the network path works; look at DNS, TLS, proxy settings, IAM or bucket policy, and application timeouts.`,
            confidence: inRej > 0 ? "medium" : "high",
            reason:
                inRej > 0
                    ? `replies were accepted, but ${plural(inRej, "inbound record")} were also rejected in the window (an intermittent network ACL rule or ephemeral-port range?)`
                    : "accepted records in both directions",
        };
    } else if (outAcc > 0 && inRej > 0) {
        f = {
            verdict: "nacl-return-path",
            summary: `Packets from ${srcText} to ${service} were accepted, and the replies were rejected (${plural(inRej, "record")}) and never accepted: a network ACL inbound rule drops the return traffic (security groups are stateful and would let it in).`,
            confidence: "high",
            reason: "the ENI logged ACCEPT outbound and REJECT for the replies",
        };
    } else if (outAcc > 0) {
        f = routingFinding(e, srcText, service, outAcc, synOnly, trafficType);
    } else if (inAcc > 0) {
        f = {
            verdict: "network-ok",
            summary: `Replies from ${service} to ${srcText} were accepted, so packets got out and were answered; the outbound records are missing from the input (window edge, or another ENI).`,
            confidence: "medium",
            reason: "only the return direction was logged",
        };
    } else if (inRej > 0) {
        f = {
            verdict: "nacl-return-path",
            summary: `Replies from ${service} to ${srcText} were rejected and never accepted: a network ACL inbound rule drops the return traffic (security groups are stateful and would let it in).`,
            confidence: "medium",
            reason: "the outbound packets are not in the input, only the rejected replies",
        };
    } else if (trafficType === "ACCEPT") {
        f = {
            verdict: "inconclusive",
            summary: `No record of ${srcText} <-> ${service}, and the flow log captures ACCEPT only: rejected packets are not logged, so this is as consistent with a rejection as with no traffic.`,
            confidence: "low",
            reason: "in an ACCEPT-only flow log the absence of rejects is not evidence",
        };
    } else {
        f = {
            verdict: "no-traffic",
            summary: `No record of ${srcText} <-> ${service} in the input: wrong address or window, DNS resolved another address, delivery lag (5-10 minutes), or the flow log is not delivering.`,
            confidence: "medium",
            reason: "an absence of records has several explanations besides no traffic",
        };
    }

    // The NAT gateway's ENI sees the conversation a second time; when the workload's ENI shows the
    // packets leaving unanswered, a rejection on the NAT leg names the culprit.
    if (!useRelay && f.verdict === "routing" && relayOutRej > 0 && relayOutAcc === 0) {
        f = {
            verdict: "security-group-or-nacl",
            summary: `Packets from ${srcText} to ${service} left the task's ENI but were rejected at the NAT gateway's ENI (${plural(relayOutRej, "record")}): the NAT subnet's network ACL blocks them (NAT gateways have no security groups).`,
            confidence: "high",
            reason: "the NAT gateway's ENI logged REJECT for the task's packets (matched through pkt-srcaddr/pkt-dstaddr)",
        };
    } else if (!useRelay && f.verdict === "routing" && relayInRej > 0 && relayInAcc === 0) {
        f = {
            verdict: "nacl-return-path",
            summary: `Replies from ${service} reached the NAT gateway but were rejected on their way back to ${srcText} (${plural(relayInRej, "record")}): the NAT subnet's network ACL blocks the return leg.`,
            confidence: "high",
            reason: "the NAT gateway's ENI logged REJECT for the replies to the task (matched through pkt-srcaddr/pkt-dstaddr)",
        };
    }

    const reasons = [f.reason];
    let confidence = f.confidence;
    const involved = e.interfaces.filter((i) => i.role === "direct" || useRelay);
    // With no ENI tied to the conversation, any ENI's SKIPDATA may have swallowed its records, but a
    // NODATA elsewhere (every idle ENI logs them) says nothing about it.
    const skipdata = involved.length > 0 ? sum(involved.map((i) => i.skipdata)) : e.skipped.skipdata;
    const nodata = involved.length > 0 ? sum(involved.map((i) => i.nodata)) : 0;
    if (skipdata > 0) {
        confidence = downgrade(confidence);
        reasons.push(`${plural(skipdata, "SKIPDATA record")} mean some records were not captured, so the evidence is incomplete`);
    }
    if (nodata > 0) {
        confidence = downgrade(confidence);
        reasons.push(`${plural(nodata, "NODATA record")}: intervals in which the ENI logged no traffic at all`);
    }
    if (f.verdict === "routing" && trafficType === "ACCEPT") confidence = lower(confidence, "medium");

    return {
        verdict: f.verdict,
        summary: f.summary,
        confidence,
        confidenceReason: capitalize(reasons.join("; ")) + ".",
        conversation: {
            src: q.src.toStrings(),
            dst: q.dst.toStrings(),
            port: q.port,
            protocol: protocolName(q.protocol),
            trafficType,
            window: { start: isoTime(q.window?.start), end: isoTime(q.window?.end) },
        },
        counts: counts(view, (t) => t.records),
        packets: counts(view, (t) => t.packets),
        bytes: counts(view, (t) => t.bytes),
        lateRejects: late,
        natLegs: counts(useRelay ? emptyFlow() : e.relay, (t) => t.records),
        firstSeen: isoTime(e.firstSeen),
        lastSeen: isoTime(e.lastSeen),
        interfaces: e.interfaces.map(summarizeInterface),
        evidence: evidenceNotes(e, late, useRelay),
        nextSteps: nextSteps(f.verdict, e, trafficType),
        skipped: { ...e.skipped },
        input: { ...e.input },
        timeline: e.timeline.map((m) => ({ minute: isoTime(m.minute) as string, packets: counts(m.packets, (t) => t.packets) })),
        warnings: [...(options.warnings ?? [])],
    };
}

function routingFinding(
    e: ConversationEvidence,
    srcText: string,
    service: string,
    outAcc: number,
    synOnly: number,
    trafficType: TrafficType,
): Finding {
    const summary =
        `Packets from ${srcText} to ${service} were accepted on the way out (${plural(outAcc, "record")}) and nothing came back: ` +
        `consistent with a routing problem (no route to a NAT gateway, internet gateway or endpoint; a public subnet without a public IP; a gateway endpoint in another region).`;
    if (trafficType === "ACCEPT") {
        return {
            verdict: "routing",
            summary,
            confidence: "medium",
            reason: "the flow log captures ACCEPT only, so replies rejected by a network ACL would look the same as no replies",
        };
    }
    const withFlags = e.flags.outbound.ACCEPT.withFlags;
    if (synOnly > 0) {
        return {
            verdict: "routing",
            summary,
            confidence: "high",
            reason: `${plural(synOnly, "outbound record")} with tcp-flags 2 (SYN only) and no reply in either action: connection attempts that were never answered`,
        };
    }
    if (outAcc >= 2) {
        return {
            verdict: "routing",
            summary,
            confidence: withFlags > 0 ? "medium" : "high",
            reason:
                withFlags > 0
                    ? "outbound packets were accepted and never answered, but their tcp-flags are not SYN-only (connections may have been established earlier)"
                    : `${plural(outAcc, "outbound record")} accepted and no reply logged in either action`,
        };
    }
    return {
        verdict: "routing",
        summary,
        confidence: "medium",
        reason: "a single outbound record and no reply: little traffic to judge from",
    };
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
        role: i.role === "direct" ? "workload" : "nat-leg",
        subnetIds: i.subnetIds,
        vpcIds: i.vpcIds,
        counts: counts(i.tally, (t) => t.records),
        packets: counts(i.tally, (t) => t.packets),
        nodata: i.nodata,
        skipdata: i.skipdata,
    };
}

function evidenceNotes(e: ConversationEvidence, late: { outbound: number; inbound: number }, useRelay: boolean): string[] {
    const notes: string[] = [];
    const direct = e.interfaces.filter((i) => i.role === "direct");
    if (useRelay) {
        notes.push("Only NAT gateway legs (matched through pkt-srcaddr/pkt-dstaddr) are in the input; the task's own ENI is not.");
    }
    if (direct.length > 1) {
        notes.push(
            `${direct.length} ENIs logged the conversation directly (${direct.map((i) => i.interfaceId).join(", ")}): several tasks, or both ends are in the VPC; see the per-ENI counts.`,
        );
    }
    const out = e.flags.outbound;
    const inb = e.flags.inbound;
    const withFlags = out.ACCEPT.withFlags + out.REJECT.withFlags + inb.ACCEPT.withFlags + inb.REJECT.withFlags;
    if (e.input.matched > 0 && withFlags === 0 && Object.keys(e.trafficPaths).length === 0) {
        notes.push(
            "The records carry no tcp-flags or traffic-path (the default format): the diagnostic format would show whether handshakes completed and which gateway the packets took.",
        );
    }
    if (out.ACCEPT.withFlags > 0) {
        if (out.ACCEPT.synOnly > 0) {
            notes.push(`tcp-flags: ${out.ACCEPT.synOnly} of ${plural(out.ACCEPT.withFlags, "accepted outbound record")} are SYN only (2): the handshake never completed.`);
        } else {
            notes.push(`tcp-flags: none of the ${plural(out.ACCEPT.withFlags, "accepted outbound record")} is SYN only.`);
        }
    }
    if (inb.ACCEPT.synAck > 0) notes.push(`tcp-flags: the destination answered with SYN-ACK (18/19) in ${plural(inb.ACCEPT.synAck, "inbound record")}.`);
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
    for (const dir of ["outbound", "inbound"] as Direction[]) {
        if (late[dir] > 0) {
            notes.push(
                `Left out ${plural(late[dir], `late ${dir} REJECT record`)}: a few packets after an accepted conversation closed (FIN/RST or at its end) are rejected normally and prove nothing.`,
            );
        }
    }
    const nat = e.interfaces.filter((i) => i.role === "relay");
    if (nat.length > 0 && !useRelay) {
        for (const i of nat) {
            const c = counts(i.tally, (t) => t.records);
            notes.push(
                `NAT gateway leg on ${i.interfaceId} (tied through pkt-srcaddr/pkt-dstaddr, not added to the counts above): outbound ${c.outbound.accept} accepted, ${c.outbound.reject} rejected; inbound ${c.inbound.accept} accepted, ${c.inbound.reject} rejected.`,
            );
        }
    }
    if (e.skipped.malformed > 0) {
        const sample = e.malformedSamples.length > 0 ? `, e.g. '${e.malformedSamples[0]}'` : "";
        notes.push(`Skipped ${plural(e.skipped.malformed, "malformed line or row", "malformed lines or rows")}${sample}.`);
    }
    if (e.input.outsideWindow > 0) notes.push(`${plural(e.input.outsideWindow, "record")} fell outside --start/--end and were left out.`);
    return notes;
}

const SEOUL_S3 = parseIpRange("52.219.204.0/22", "range");

function inSeoulS3(e: ConversationEvidence): boolean {
    return e.query.dst.ranges.some((r) => r.version === 4 && r.first >= SEOUL_S3.first && r.last <= SEOUL_S3.last);
}

function nextSteps(verdict: Verdict, e: ConversationEvidence, trafficType: TrafficType): NextStep[] {
    const workload = e.interfaces.find((i) => i.role === "direct");
    const nat = e.interfaces.find((i) => i.role === "relay");
    const eni = workload?.interfaceId ?? "<task-eni-id>";
    const subnet = workload?.subnetIds[0] ?? "<subnet-id>";
    const dst = e.query.dst.ranges[0]?.text.replace(/\/32$/, "") ?? "<destination>";
    const port = e.query.port;
    const proto = protocolName(e.query.protocol);
    const steps: NextStep[] = [];
    const step = (text: string, ...commands: string[]) => steps.push({ step: text, commands });
    const findSubnet = () => {
        if (workload?.subnetIds[0] === undefined) {
            step(
                `Find the subnet and security groups of ${eni}.`,
                `aws ec2 describe-network-interfaces --network-interface-ids ${eni} --query 'NetworkInterfaces[0].[SubnetId,Groups]'`,
            );
        }
    };
    const nacl = (s: string) => `aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=${s} --query 'NetworkAcls[].Entries'`;
    const reachability = () =>
        step(
            "Cross-check with Reachability Analyzer, which names the blocking component (route table, security group, network ACL) from the configuration.",
            `aws ec2 create-network-insights-path --source ${eni} --destination-ip ${dst} --destination-port ${port} --protocol ${proto}`,
            "aws ec2 start-network-insights-analysis --network-insights-path-id <path-id>",
        );
    switch (verdict) {
        case "security-group-or-nacl":
            if (nat && e.relay.outbound.reject.records > 0 && e.direct.outbound.reject.records === 0) {
                step(
                    `Check the network ACL of the NAT gateway's subnet (ENI ${nat.interfaceId}): it must allow inbound ${proto} ${port} from the task's subnet and outbound ${proto} ${port} to ${dst}.`,
                    nacl(nat.subnetIds[0] ?? "<nat-subnet-id>"),
                );
                break;
            }
            findSubnet();
            step(
                `Check the security groups of ${eni}: an egress rule must allow ${proto} ${port} to ${dst} (or to the S3 prefix list).`,
                "aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[].IpPermissionsEgress'",
            );
            step(
                `Check the network ACL of ${subnet}: an outbound rule allowing ${proto} ${port} to ${dst} must have a lower rule number than any DENY that matches (network ACLs cannot use prefix lists).`,
                nacl(subnet),
            );
            reachability();
            break;
        case "nacl-return-path":
            if (nat && e.relay.inbound.reject.records > 0 && e.direct.inbound.reject.records === 0) {
                step(
                    `Check the network ACL of the NAT gateway's subnet (ENI ${nat.interfaceId}): it must allow inbound ${proto} from ${dst} port ${port} to the ephemeral ports 1024-65535, and outbound to the task's subnet.`,
                    nacl(nat.subnetIds[0] ?? "<nat-subnet-id>"),
                );
                break;
            }
            findSubnet();
            step(
                `Check the inbound rules of the network ACL of ${subnet}: they must allow ${proto} from ${dst} port ${port} to the ephemeral ports 1024-65535. Network ACLs are stateless; security groups are stateful and are not the cause.`,
                nacl(subnet),
            );
            break;
        case "routing":
            findSubnet();
            step(
                `Check the route table of ${subnet}: a route must cover ${dst} (0.0.0.0/0 to a NAT gateway or an internet gateway, or the S3 prefix list to a gateway endpoint). No result means the subnet uses the VPC's main route table (filter on association.main=true).`,
                `aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=${subnet} --query 'RouteTables[].Routes'`,
            );
            step("If the route is to an internet gateway, the task needs a public IP (awsvpc assignPublicIp=ENABLED); a private subnet needs a NAT gateway or a VPC endpoint instead.");
            step(
                `If the route is to a gateway endpoint: it reaches buckets in its own region only${inSeoulS3(e) ? " (52.219.204.0/22 is S3 in ap-northeast-2)" : ""}; check the bucket's region.`,
            );
            step(
                nat
                    ? `The packets reached the NAT gateway (ENI ${nat.interfaceId}): check that the NAT subnet's route table sends 0.0.0.0/0 to an internet gateway.`
                    : "If the route is to a NAT gateway: check that it is available and that its subnet routes 0.0.0.0/0 to an internet gateway.",
            );
            reachability();
            break;
        case "network-ok":
            step(
                "The network delivered packets both ways; look above it: DNS (does the bucket name resolve to the address diagnosed?), TLS and proxy settings (HTTPS_PROXY, NO_PROXY), the task role and the bucket policy (aws:SourceVpce conditions), and the client's timeouts.",
            );
            step(
                "Reproduce from inside the task.",
                "aws ecs execute-command --cluster <cluster> --task <task-id> --interactive --command 'curl -sv https://s3.<region>.amazonaws.com'",
            );
            break;
        case "mixed":
            step(
                "Compare the timeline: if rejects start or stop at a point in time, a rule changed; find the change in CloudTrail (AuthorizeSecurityGroupEgress, RevokeSecurityGroupEgress, CreateNetworkAclEntry, ReplaceNetworkAclEntry, ReplaceNetworkAclAssociation).",
                "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=RevokeSecurityGroupEgress",
            );
            step("Compare the per-ENI counts: ENIs that only reject belong to tasks with other security groups or in another subnet; check the service's network configuration.");
            step(`Check the security groups of the rejecting ENIs and the network ACLs of their subnets for ${proto} ${port} to ${dst}.`);
            break;
        case "no-traffic":
            step(
                "Check the address: resolve the bucket's endpoint from the task (S3 answers from many addresses) and widen --dst to the S3 range, e.g. 52.219.204.0/22.",
            );
            step("Check the window: delivery to CloudWatch Logs takes about 5-10 minutes; widen --start/--end.");
            step(
                "Check that the flow log delivers.",
                "aws ec2 describe-flow-logs --query 'FlowLogs[].[FlowLogId,ResourceId,TrafficType,DeliverLogsStatus,DeliverLogsErrorMessage]'",
            );
            break;
        case "inconclusive":
            step(
                `The flow log captures ${trafficType} only. Set its traffic type to ALL (AWS replaces the flow log to change it), wait 10 minutes, reproduce the failure and diagnose again.`,
            );
            break;
    }
    return steps;
}

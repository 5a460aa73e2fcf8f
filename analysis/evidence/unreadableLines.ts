/**
 * Lines that cannot be fully read: what can still be read of them, and whether they could change
 * the verdict. Pure functions; the scanner reads, the conversation counts, the diagnosis judges.
 *
 * The rule. A line that cannot be fully read is set aside and counted, and it lowers the verdict
 * only when a record it could have been would change the verdict:
 * - its readable fields (read by their position in the format, each only when its value is valid
 *   for the field) say it is not about this conversation: an address of neither side, another
 *   protocol or port, or no address of the conversation anywhere in it. No effect.
 * - otherwise it could be a record of the conversation, in the directions its addresses allow and
 *   with the action it shows (either, when the action cannot be read; only the one the flow log
 *   captures, with --traffic-type ACCEPT or REJECT). If one more such record would give another
 *   verdict (countVerdict: a reply accepted turns `routing` into `network-ok`, an outbound REJECT
 *   turns it into `mixed`), the line could change the verdict and the confidence is lowered; if
 *   not (the workload's own accepted outbound attempt, under `routing`), it only repeats what is
 *   known. No effect.
 */
import { AddressSet } from "../core/ip";
import { Action, RECORD_FIELDS } from "../core/records";

export type LineDirection = "outbound" | "inbound";

/** Why a line that is not about the conversation was set aside. */
export type UnrelatedReason = "other-addresses" | "no-conversation-address" | "other-protocol" | "other-port" | "too-long" | "broken-header";

/** What can be read of a line that cannot be fully read. */
export type UnreadableReading =
    | { readonly fit: "unrelated"; readonly reason: UnrelatedReason }
    | { readonly fit: "possible"; readonly directions: readonly LineDirection[]; readonly actions: readonly Action[] };

/** The conversation as far as reading a broken line needs it. */
export interface LineQuery {
    readonly src: AddressSet;
    readonly dst: AddressSet;
    readonly protocol: number;
    readonly port: number;
    /** False for protocols without ports (ICMP): ports are then not compared. */
    readonly portsApply: boolean;
    /** `--dst s3` with pkt-*-aws-service fields: the far end may be any address AWS marks as S3 (ConversationQuery.matchS3Service). */
    readonly matchS3Service?: boolean;
}

const BOTH_DIRECTIONS: readonly LineDirection[] = ["outbound", "inbound"];
const BOTH_ACTIONS: readonly Action[] = ["ACCEPT", "REJECT"];

/** A line or row that mentions the conversation but whose fields cannot be told apart (a Parquet row, an Insights row). */
export const ANY_RECORD: UnreadableReading = { fit: "possible", directions: BOTH_DIRECTIONS, actions: BOTH_ACTIONS };

/** A side of an address field: which end of the conversation it names, `other`, or `unknown` (unreadable, `-`, or not in the line). */
type AddressSide = "src" | "dst" | "both" | "other" | "unknown";

/**
 * Reads what can be read of a line (its whitespace-separated `tokens`) in a format with `fields`.
 * A field is read by its position only when the line has no more tokens than the format has
 * fields (a truncated line keeps its positions; an extra token shifts them) and its value is valid
 * for the field. `mentions` says whether the line names an address of the conversation anywhere (the
 * scanner has found it out already; the tokens are searched when it is not given): a line that
 * names none is not a record of it, whatever its shape.
 */
export function readUnreadableLine(
    tokens: readonly string[],
    fields: readonly string[],
    query: LineQuery,
    mentions = tokens.some((t) => query.src.contains(t) || query.dst.contains(t)),
): UnreadableReading {
    const positional = tokens.length <= fields.length;
    const value = (name: string): string | undefined => {
        const p = fields.indexOf(name);
        if (!positional || p < 0 || p >= tokens.length || tokens[p] === "-") return undefined;
        const parse = RECORD_FIELDS.get(name)?.parse;
        return parse !== undefined && parse(tokens[p]) !== undefined ? tokens[p] : undefined;
    };
    if (!mentions) {
        const addressRead = ["srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr"].some((name) => value(name) !== undefined);
        return { fit: "unrelated", reason: addressRead ? "other-addresses" : "no-conversation-address" };
    }
    if (!positional) return ANY_RECORD;
    const protocol = value("protocol");
    if (protocol !== undefined && Number(protocol) !== query.protocol) return { fit: "unrelated", reason: "other-protocol" };

    const side = (address: string | undefined): AddressSide => {
        // `value` gives only texts valid for an address field: one of neither side is another's.
        if (address === undefined) return "unknown";
        const inSrc = query.src.contains(address);
        const inDst = query.dst.contains(address);
        return inSrc && inDst ? "both" : inSrc ? "src" : inDst ? "dst" : "other";
    };
    const can = (s: AddressSide, end: "src" | "dst") => s === "unknown" || s === "both" || s === end;
    const srcaddr = value("srcaddr");
    const dstaddr = value("dstaddr");
    // As Conversation.match: the record's own addresses, or the packet's (pkt-*, where present).
    const pairs: Array<[AddressSide, AddressSide]> = [
        [side(srcaddr), side(dstaddr)],
        [side(value("pkt-srcaddr") ?? srcaddr), side(value("pkt-dstaddr") ?? dstaddr)],
    ];
    const portFits = (name: string) => {
        if (!query.portsApply) return true;
        const port = value(name);
        return port === undefined || Number(port) === query.port;
    };
    // As Conversation.viaAwsService: the workload's packet with S3 named as its far end, unless the field says otherwise.
    const mayNameS3 = (name: string) => {
        const p = fields.indexOf(name);
        return p >= 0 && (!positional || p >= tokens.length || tokens[p] === "S3");
    };
    const s3 = query.matchS3Service === true;
    const addressFits: Record<LineDirection, boolean> = {
        outbound: pairs.some(([from, to]) => can(from, "src") && can(to, "dst")) || (s3 && can(pairs[1][0], "src") && mayNameS3("pkt-dst-aws-service")),
        inbound: pairs.some(([from, to]) => can(from, "dst") && can(to, "src")) || (s3 && can(pairs[1][1], "src") && mayNameS3("pkt-src-aws-service")),
    };
    if (!addressFits.outbound && !addressFits.inbound) return { fit: "unrelated", reason: "other-addresses" };
    const directions = BOTH_DIRECTIONS.filter((d) => addressFits[d] && portFits(d === "outbound" ? "dstport" : "srcport"));
    if (directions.length === 0) return { fit: "unrelated", reason: "other-port" };
    const action = value("action");
    return { fit: "possible", directions, actions: action === undefined ? BOTH_ACTIONS : [action as Action] };
}

/** Records at the ends of the conversation, by direction and action: what the verdict is counted from. */
export interface VerdictCounts {
    readonly outAcc: number;
    readonly outRej: number;
    readonly inAcc: number;
    readonly inRej: number;
}

export type CountVerdict = "mixed" | "security-group-or-nacl" | "network-ok" | "nacl-return-path" | "routing" | "no-traffic";

/**
 * The verdict the records' directions and actions alone point to, in the order classify.ts
 * decides them (REJECTs out first, then answered, rejected replies, unanswered, replies only).
 */
export function countVerdict(c: VerdictCounts): CountVerdict {
    if (c.outRej > 0 && c.outAcc > 0) return "mixed";
    if (c.outRej > 0) return "security-group-or-nacl";
    if (c.outAcc > 0 && c.inAcc > 0) return "network-ok";
    if (c.outAcc > 0 && c.inRej > 0) return "nacl-return-path";
    if (c.outAcc > 0) return "routing";
    if (c.inAcc > 0) return "network-ok";
    if (c.inRej > 0) return "nacl-return-path";
    return "no-traffic";
}

export type TrafficCaptured = "ALL" | "ACCEPT" | "REJECT";

/**
 * The rule: true when one record this line could be (any of its directions and actions, among the
 * actions the flow log captures) would give another verdict than the readable records do.
 */
export function couldChangeVerdict(reading: UnreadableReading, counts: VerdictCounts, captured: TrafficCaptured): boolean {
    if (reading.fit === "unrelated") return false;
    const now = countVerdict(counts);
    const actions = reading.actions.filter((a) => captured === "ALL" || a === captured);
    for (const direction of reading.directions) {
        for (const action of actions) {
            const key = direction === "outbound" ? (action === "ACCEPT" ? "outAcc" : "outRej") : action === "ACCEPT" ? "inAcc" : "inRej";
            if (countVerdict({ ...counts, [key]: counts[key] + 1 }) !== now) return true;
        }
    }
    return false;
}

/** The key under which lines of one reading are counted: `unrelated other-port`, `possible inbound ACCEPT,REJECT`. */
export function readingKey(reading: UnreadableReading): string {
    return reading.fit === "unrelated" ? `unrelated ${reading.reason}` : `possible ${reading.directions.join(",")} ${reading.actions.join(",")}`;
}

export function readingFromKey(key: string): UnreadableReading {
    const [fit, a, b] = key.split(" ");
    if (fit === "unrelated") return { fit, reason: a as UnrelatedReason };
    return { fit: "possible", directions: a.split(",") as LineDirection[], actions: b.split(",") as Action[] };
}

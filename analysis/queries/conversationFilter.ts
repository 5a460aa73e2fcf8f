/**
 * The one conversation filter of the live queries, written once and spoken in two dialects: Logs
 * Insights (insightsQuery.ts) and Athena's SQL (athenaQuery.ts). Two copies could drift, and then the
 * two destinations of the same flow logs would give different verdicts.
 */
import type { LogFormat } from "../core/logFormat";
import { protocolHasPorts } from "../core/records";

/** The conversation to look at. Addresses are IPs or CIDRs; an absent side matches any address. */
export interface ConversationSelector {
    readonly src?: readonly string[];
    readonly dst?: readonly string[];
    readonly port: number;
    /** IANA protocol number: 6 TCP, 17 UDP. */
    readonly protocol: number;
    /**
     * Also the workload's records whose far end AWS marks as S3 (pkt-dst-aws-service /
     * pkt-src-aws-service), for `--dst s3` with a format that has both fields.
     */
    readonly s3Service?: boolean;
}

/** How a query language writes the filter's parts. */
export interface FilterDialect {
    /** The column of a flow-log field (`pkt-srcaddr` -> `pktSrcAddr` or `pkt_srcaddr`). */
    readonly column: (field: string) => string;
    /** One column equal to an address or inside a CIDR, any of several. */
    readonly address: (column: string, addresses: readonly string[]) => string;
    /** A string literal. */
    readonly text: (value: string) => string;
    readonly and: string;
    readonly or: string;
}

/**
 * Both directions of the conversation: outbound src -> dst:port and inbound dst:port -> src.
 * Ports are compared as numbers, which works for discovered and parsed columns alike, and only for
 * TCP and UDP. When the format has the packet's original addresses (`pkt-srcaddr`,
 * `pkt-dstaddr`), an address may match either column: on a NAT gateway's interface `dstAddr` is
 * the gateway itself and only `pktDstAddr` names S3, and those legs are evidence too.
 */
export function conversationPredicate(sel: ConversationSelector, format: LogFormat | undefined, dialect: FilterDialect): string {
    const hasField = (name: string) => format?.fields.includes(name) ?? false;
    const col = dialect.column;
    const [and, or] = [` ${dialect.and} `, ` ${dialect.or} `];
    const columns = {
        src: hasField("pkt-srcaddr") ? [col("srcaddr"), col("pkt-srcaddr")] : [col("srcaddr")],
        dst: hasField("pkt-dstaddr") ? [col("dstaddr"), col("pkt-dstaddr")] : [col("dstaddr")],
    };
    const side = (which: "src" | "dst", addresses?: readonly string[]) => {
        if (!addresses || addresses.length === 0) return [];
        const terms = columns[which].map((column) => dialect.address(column, addresses));
        return [terms.length === 1 ? terms[0] : `(${terms.join(or)})`];
    };
    const ports = protocolHasPorts(sel.protocol);
    const dstPort = ports ? [`${col("dstport")} = ${sel.port}`] : [];
    const srcPort = ports ? [`${col("srcport")} = ${sel.port}`] : [];
    const protocol = `${col("protocol")} = ${sel.protocol}`;
    const outbound = [...side("src", sel.src), ...side("dst", sel.dst), ...dstPort];
    const inbound = [...side("src", sel.dst), ...srcPort, ...side("dst", sel.src)];
    if (outbound.length === 0) return protocol;
    const s3 = dialect.text("S3");
    const byService =
        sel.s3Service && hasField("pkt-dst-aws-service") && hasField("pkt-src-aws-service")
            ? [
                  [...side("src", sel.src), `${col("pkt-dst-aws-service")} = ${s3}`, ...dstPort],
                  [`${col("pkt-src-aws-service")} = ${s3}`, ...srcPort, ...side("dst", sel.src)],
              ]
            : [];
    return `${protocol}${and}(${[outbound, inbound, ...byService].map((terms) => `(${terms.join(and)})`).join(or)})`;
}

/**
 * Fits the diagnosis query into StartQuery's length limit (queryLimits.ts), and merges the rows
 * back when it had to be split. Pure.
 *
 * 1. A query within the limit is sent as built, byte for byte.
 * 2. Otherwise the CIDRs of --src and --dst are compacted (cidrCompaction.ts: the same addresses,
 *    fewer terms).
 * 3. Still too long, the address lists are split into chunks and one query runs per chunk pair.
 *    The filter is a disjunction of terms each of which needs the source side in the --src list
 *    and the other side in the --dst list (or neither, for SKIPDATA and the AWS-service terms), so
 *    a record matches the whole lists exactly when it matches some chunk pair: nothing is lost.
 *    A record can match several chunk pairs (srcAddr in one chunk, pktSrcAddr in another; and
 *    SKIPDATA or AWS-service records match them all), so rows repeat across queries. The split
 *    queries group by port flags as well (insightsQuery.ts, DiagnosisQueryOptions), which makes
 *    the filter depend only on a row's own group columns: a group is then either wholly in a
 *    query's result or not at all, so repeated rows are identical and are dropped, and the rest,
 *    summed over the port flags, are the rows of the one unsplit query.
 *
 * The pkt-* duplicates (`srcAddr` or `pktSrcAddr` in a list) stay two terms: the columns differ
 * exactly on the records that matter (on a NAT gateway's interface dstAddr is the gateway and only
 * pktDstAddr is S3), so one column alone would match other rows, and Logs Insights has no single
 * term for "either column".
 */
import { compactAddresses } from "../core/cidrCompaction";
import { AGGREGATE_COLUMNS, ConversationSelector, PORT_FLAG_COLUMNS } from "./insightsQuery";
import { InsightsField } from "../evidence/insightsRows";
import { INSIGHTS_QUERY_MAX_LENGTH, queryLength } from "./queryLimits";

export interface QueryPlan {
    /** The queries to run: one, unless the lists had to be split. A query still over the limit is left for the runner's check to refuse. */
    readonly queries: string[];
    /** Length of the query as first built. */
    readonly fullLength: number;
    readonly compacted: boolean;
    /** Address terms before and after compaction (src and dst together), when compacted. */
    readonly terms?: { readonly before: number; readonly after: number };
}

/** Builds the final query string of a selector; `split` asks for the port-flag columns. */
export type QueryBuilder = (sel: ConversationSelector, split: boolean) => string;

export function planDiagnosisQueries(build: QueryBuilder, sel: ConversationSelector, max = INSIGHTS_QUERY_MAX_LENGTH): QueryPlan {
    const whole = build(sel, false);
    const fits = (q: string) => queryLength(q) <= max;
    if (fits(whole)) return { queries: [whole], fullLength: queryLength(whole), compacted: false };

    const compact = {
        ...sel,
        ...(sel.src ? { src: compactAddresses(sel.src) } : {}),
        ...(sel.dst ? { dst: compactAddresses(sel.dst) } : {}),
    };
    const count = (s: ConversationSelector) => (s.src?.length ?? 0) + (s.dst?.length ?? 0);
    const base = { fullLength: queryLength(whole), compacted: true, terms: { before: count(sel), after: count(compact) } };
    const compacted = build(compact, false);
    if (fits(compacted)) return { ...base, queries: [compacted] };
    return { ...base, queries: splitQueries(build, compact, fits) };
}

/**
 * One query per chunk pair. The shorter list stays whole when each entry of the other fits with
 * it; otherwise it is cut too. Chunks are packed greedily, so the count of queries (each of which
 * scans the whole window: the cost) stays low.
 */
function splitQueries(build: QueryBuilder, sel: ConversationSelector, fits: (q: string) => boolean): string[] {
    const src = sel.src ?? [];
    const dst = sel.dst ?? [];
    const textLength = (list: readonly string[]) => list.reduce((n, a) => n + a.length, 0);
    const srcIsOuter = textLength(src) <= textLength(dst);
    const [outer, inner] = srcIsOuter ? [src, dst] : [dst, src];
    const query = (o: readonly string[], i: readonly string[]) =>
        build(
            {
                ...sel,
                ...(srcIsOuter ? { src: side(sel.src, o), dst: side(sel.dst, i) } : { src: side(sel.src, i), dst: side(sel.dst, o) }),
            },
            true,
        );
    const innerSingles = inner.length === 0 ? [[]] : inner.map((a) => [a]);
    const outerChunks = pack(outer, (chunk) => innerSingles.every((single) => fits(query(chunk, single))));
    return outerChunks.flatMap((o) => pack(inner, (chunk) => fits(query(o, chunk))).map((i) => query(o, i)));
}

/** An absent side stays absent (any address); a present one takes the chunk. */
const side = (original: readonly string[] | undefined, chunk: readonly string[]) => (original === undefined ? undefined : [...chunk]);

/** Consecutive chunks, each as long as `ok` allows (at least one entry, even when that does not fit). */
function pack(list: readonly string[], ok: (chunk: string[]) => boolean): string[][] {
    if (list.length === 0) return [[]];
    const chunks: string[][] = [];
    let current: string[] = [];
    for (const entry of list) {
        if (current.length > 0 && !ok([...current, entry])) {
            chunks.push(current);
            current = [];
        }
        current.push(entry);
    }
    chunks.push(current);
    return chunks;
}

const AGGREGATES = new Set(Object.keys(AGGREGATE_COLUMNS).concat("records"));
const SUMMED = new Set(["records", "packetsTotal", "bytesTotal"]);

/**
 * The rows of split queries as the one unsplit query would give them: rows repeated across
 * queries dropped, then rows that differ only in the port flags combined (counts and sums added,
 * earliest start, latest end), without the port-flag columns. Rows in first-seen order.
 */
export function mergeSplitRows(results: readonly (readonly (readonly InsightsField[])[])[]): InsightsField[][] {
    const seen = new Set<string>();
    const groups = new Map<string, InsightsField[]>();
    const sortedKey = (cells: readonly InsightsField[]) => JSON.stringify(cells.map((c) => [c.field ?? "", c.value ?? ""]).sort());
    for (const rows of results) {
        for (const row of rows) {
            const whole = sortedKey(row);
            if (seen.has(whole)) continue;
            seen.add(whole);
            const cells = row.filter((c) => c.field === undefined || !PORT_FLAG_COLUMNS.includes(c.field));
            const numeric = (c: InsightsField) => c.value !== undefined && c.value.trim() !== "" && Number.isFinite(Number(c.value));
            // Aggregates that are not numbers (none expected) keep their rows apart rather than be added wrongly.
            const key = sortedKey(cells.filter((c) => c.field === undefined || !AGGREGATES.has(c.field) || !numeric(c)));
            const group = groups.get(key);
            if (group === undefined) {
                groups.set(key, cells.map((c) => ({ ...c })));
                continue;
            }
            for (const cell of cells) {
                if (cell.field === undefined || !AGGREGATES.has(cell.field)) continue;
                const target = group.find((c) => c.field === cell.field);
                if (target === undefined) {
                    group.push({ ...cell });
                    continue;
                }
                const [a, b] = [Number(target.value), Number(cell.value)];
                const value = SUMMED.has(cell.field) ? a + b : cell.field === "firstStart" ? Math.min(a, b) : Math.max(a, b);
                (target as { value?: string }).value = String(value);
            }
        }
    }
    return [...groups.values()];
}

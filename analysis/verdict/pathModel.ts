/**
 * The path of the conversation, hop by hop, for the pictures (the Mermaid flowchart, the report
 * page): where the packets go and which hop stops them.
 *
 * Two sources, never mixed: when the configuration check ran, the hops are the ones it evaluated
 * (interface, security groups, network ACL out, route table, the route's target, the destination,
 * the network ACL on the way back), each allowing or blocking as its culprits say. Without a check
 * the hops are what the records show (the interfaces that logged the conversation, the gateway
 * `traffic-path` names, the NAT gateway's leg); a hop the records cannot see is `not-checked`,
 * never guessed.
 */
import { TRAFFIC_PATHS } from "../core/records";
import { Diagnosis, InterfaceSummary, plural, serviceText } from "./classify";
import { ConfigReport } from "./config/report";
import { ConfigPath, Culprit } from "./config/evaluate";

/** `may-deny`: the packets pass, but the hop can refuse the request (an endpoint policy). */
export const HOP_STATES = ["allows", "blocks", "may-deny", "not-checked"] as const;
export type HopState = (typeof HOP_STATES)[number];

export interface PathHop {
    /** Unique within the path, safe as an identifier (letters, digits, `-`). */
    readonly key: string;
    /** What the hop is: `security groups`, `route table`, `NAT gateway`. */
    readonly label: string;
    /** Which one: ids, the route taken; empty when the source says nothing more. */
    readonly detail: string;
    readonly state: HopState;
    /** Why the state is what it is, in words. */
    readonly basis: string;
    /** `reply`: the answers' way back. */
    readonly leg: "request" | "reply";
    /** The configuration check's culprits on this hop: the rule and the fix. */
    readonly culprits: readonly Culprit[];
}

export interface PathModel {
    /** Where the hops come from. */
    readonly source: "configuration" | "records";
    readonly hops: readonly PathHop[];
    /** Key of the first hop that blocks (request leg first, then the reply leg), or null. */
    readonly culprit: string | null;
    /** One sentence: where the packets stop, or why that is not known. */
    readonly summary: string;
}

function stateOf(culprits: readonly Culprit[], otherwise: HopState): HopState {
    if (culprits.some((c) => c.effect !== "may-deny")) return "blocks";
    if (culprits.length > 0) return "may-deny";
    return otherwise;
}

/** The gateway (or none) a route target kind leads to, as the check names it. */
const TARGET_LABELS: Readonly<Record<ConfigPath, string | null>> = {
    local: "local route (inside the VPC)",
    "gateway-endpoint": "gateway VPC endpoint",
    "nat-gateway": "NAT gateway",
    "internet-gateway": "internet gateway",
    "transit-gateway": "transit gateway",
    peering: "VPC peering connection",
    other: "another target",
    none: null,
};

/** Targets past which the check does not follow the packets. */
const BEYOND_VIEW: readonly ConfigPath[] = ["transit-gateway", "peering", "other"];

/** The hops the configuration check evaluated, each culprit on exactly one of them. */
export function configurationPath(d: Diagnosis, r: ConfigReport): PathModel {
    const path = r.path ?? "none";
    const inconclusive = r.verdict === "inconclusive";
    const checkedState: HopState = inconclusive ? "not-checked" : "allows";
    const checkedBasis = inconclusive ? "the check could not follow the whole path (see its notes)" : "the configuration allows the conversation here";
    const taken = new Set<Culprit>();
    const pick = (test: (c: Culprit) => boolean): Culprit[] => {
        const found = r.culprits.filter((c) => !taken.has(c) && test(c));
        for (const c of found) taken.add(c);
        return found;
    };
    const hop = (key: string, label: string, detail: string, culprits: Culprit[], leg: PathHop["leg"] = "request", otherwise = checkedState, basis = checkedBasis): PathHop => {
        const state = stateOf(culprits, otherwise);
        return { key, label, detail, state, basis: culprits.length > 0 ? culprits.map((c) => c.reason).join(" ") : basis, leg, culprits };
    };
    const workload = (c: Culprit) => c.hop === "workload";
    const interfaceHop = hop("interface", "network interface", [r.eniId ?? "", r.eniBasis ?? ""].filter((s) => s).join(": "), pick((c) => workload(c) && c.kind === "public-ip"));
    const groups = hop("security-groups", "security groups (outbound)", "", pick((c) => workload(c) && c.kind === "security-group"));
    const aclOut = hop("network-acl-out", "network ACL (outbound)", "", pick((c) => workload(c) && c.kind === "network-acl" && c.direction === "outbound"));
    const aclIn = hop("network-acl-in", "network ACL (inbound, the replies)", "", pick((c) => workload(c) && c.kind === "network-acl" && c.direction === "inbound"), "reply");
    // Without a route the packets stop at the route table, whatever the route should have reached (an endpoint in another region).
    const routeCulprits = pick((c) => (workload(c) && c.kind === "route-table") || path === "none");
    const route = hop("route-table", "route table", path === "none" ? "no route to the destination" : `route to ${TARGET_LABELS[path]}`, routeCulprits);
    const hops: PathHop[] = [interfaceHop, groups, aclOut, route];
    const targetLabel = TARGET_LABELS[path];
    const beyond = BEYOND_VIEW.includes(path);
    if (path === "nat-gateway") {
        hops.push(hop("nat-gateway", "NAT gateway", "its subnet's network ACL and route table", pick((c) => c.hop === "nat-gateway" && c.kind !== "internet-gateway")));
        hops.push(hop("internet-gateway", "internet gateway", "", pick((c) => c.kind === "internet-gateway")));
    } else if (targetLabel !== null) {
        hops.push(
            hop("target", targetLabel, "", pick(() => true), "request", beyond ? "not-checked" : checkedState, beyond ? "the check does not follow the packets past this target" : checkedBasis),
        );
    }
    // What no hop above holds (a gateway endpoint in another region with no route to it): the target the route should reach.
    const rest = pick(() => true);
    if (rest.length > 0) hops.push(hop("target", rest[0].kind === "vpc-endpoint" ? "gateway VPC endpoint" : rest[0].kind, rest.map((c) => c.id).join(", "), rest));
    hops.push(destinationHop(d, "not-checked", "the configuration check does not see the destination's side"));
    hops.push(aclIn);
    return withCulprit("configuration", hops, (first) =>
        first === null
            ? inconclusive
                ? "The configuration check could not follow the whole path: the hops it could not see are marked not checked."
                : "No hop on this path blocks the conversation."
            : `The packets stop at the ${first.label}${first.culprits[0] ? ` (${first.culprits[0].id})` : ""}.`,
    );
}

function destinationHop(d: Diagnosis, state: HopState, basis: string): PathHop {
    const c = d.conversation;
    return { key: "destination", label: "destination", detail: serviceText(c.dst, c.port, c.protocol), state, basis, leg: "request", culprits: [] };
}

function withCulprit(source: PathModel["source"], hops: PathHop[], summary: (first: PathHop | null) => string): PathModel {
    const first = hops.find((h) => h.state === "blocks") ?? null;
    return { source, hops, culprit: first?.key ?? null, summary: summary(first) };
}

function interfaceDetail(i: InterfaceSummary): string {
    return [i.interfaceId, ...i.subnetIds].join(", ");
}

function seenText(i: InterfaceSummary): string {
    const o = i.counts.outbound;
    const n = i.counts.inbound;
    return `the records show ${o.accept} accepted / ${o.reject} rejected out, ${n.accept} accepted / ${n.reject} rejected in`;
}

/**
 * The hops the records show, without a configuration check. `trafficPaths` are the `traffic-path`
 * values of the outbound records with their record counts (absent when the caller has none).
 */
export function recordsPath(d: Diagnosis, trafficPaths?: Readonly<Record<string, number>>): PathModel {
    const out = d.counts.outbound;
    const back = d.counts.inbound;
    const src = d.interfaces.filter((i) => i.side === "source");
    const hops: PathHop[] = [];
    const rejectedOut = d.verdict === "security-group-or-nacl";
    hops.push({
        key: "workload",
        label: "workload's interface (security groups and network ACL)",
        detail: src.length > 0 ? src.map(interfaceDetail).join("; ") : d.conversation.src.join(", "),
        state: rejectedOut ? "blocks" : out.accept > 0 ? "allows" : "not-checked",
        basis: rejectedOut
            ? `${plural(out.reject, "record")} rejected on the way out: a security group or the network ACL (the records do not say which)`
            : out.accept > 0
              ? `${plural(out.accept, "record")} accepted on the way out`
              : "the records show nothing accepted on the way out",
        leg: "request",
        culprits: [],
    });
    hops.push({
        key: "route-table",
        label: "route table",
        detail: "",
        state: "not-checked",
        basis: "flow logs do not show routes: run the configuration check (--config-snapshot or --check-config)",
        leg: "request",
        culprits: [],
    });
    const paths = Object.keys(trafficPaths ?? {}).sort();
    hops.push({
        key: "gateway",
        label: "gateway",
        detail: paths.map((p) => `traffic-path ${p}: ${TRAFFIC_PATHS[Number(p)] ?? "an unknown path"}`).join("; "),
        state: "not-checked",
        basis:
            paths.length > 0
                ? `outbound packets left through it (${plural(paths.reduce((n, p) => n + (trafficPaths?.[p] ?? 0), 0), "record")}); whether it passed them on is not in the records`
                : trafficPaths === undefined
                  ? "the traffic-path values are not at hand here (the evidence notes list them when the records carry them)"
                  : "the records carry no traffic-path value",
        leg: "request",
        culprits: [],
    });
    d.interfaces
        .filter((i) => i.side === "intermediate")
        .forEach((i, n) =>
            hops.push({
                key: `hop-${n + 1}`,
                label: i.hop === "nat-gateway" ? "NAT gateway's interface" : "intermediate interface",
                detail: interfaceDetail(i),
                state: "not-checked",
                basis: seenText(i),
                leg: "request",
                culprits: [],
            }),
        );
    const answered = back.accept > 0;
    hops.push(destinationHop(d, answered ? "allows" : "not-checked", answered ? `${plural(back.accept, "record")} of replies accepted` : "no reply in the records"));
    const returnBlocked = d.verdict === "nacl-return-path";
    hops.push({
        key: "network-acl-in",
        label: "network ACL (inbound, the replies)",
        detail: src.map((i) => i.interfaceId).join(", "),
        state: returnBlocked ? "blocks" : answered ? "allows" : "not-checked",
        basis: returnBlocked
            ? `${plural(back.reject, "reply record")} rejected on the way in: security groups let replies in, so the network ACL drops them`
            : answered
              ? "replies were accepted on the way in"
              : "no reply reached it",
        leg: "reply",
        culprits: [],
    });
    return withCulprit("records", hops, (first) => {
        if (first !== null) return `The packets stop at the ${first.label} (from the records).`;
        if (d.verdict === "routing") return "The packets left the workload's interface and nothing came back: the hop that drops them is past what the records show (the configuration check names it).";
        if (d.verdict === "network-ok") return "The records show the conversation both ways.";
        return "The records do not show where the packets stop.";
    });
}

/** The path for a diagnosis: the configuration check's when it ran, else the records'. */
export function pathModel(d: Diagnosis & { readonly config?: ConfigReport }, trafficPaths?: Readonly<Record<string, number>>): PathModel {
    return d.config?.checked === true ? configurationPath(d, d.config) : recordsPath(d, trafficPaths);
}

/**
 * What a flow log captures (its filter), in AWS's words, and the console's words for the same:
 * one vocabulary for the stack config and the CLI.
 */
export const TRAFFIC_TYPES = ["ALL", "ACCEPT", "REJECT"] as const;
export type TrafficType = (typeof TRAFFIC_TYPES)[number];

/** The console's words (All / Accepted / Rejected) and AWS's, in any case. */
const ALIASES: Readonly<Record<string, TrafficType>> = {
    all: "ALL",
    accept: "ACCEPT",
    accepted: "ACCEPT",
    reject: "REJECT",
    rejected: "REJECT",
};

/** The allowed values as error messages list them. */
export const TRAFFIC_TYPES_ALLOWED = "ALL, ACCEPT, REJECT (aliases: All, Accepted, Rejected, any case)";

/** The traffic type a word names, or undefined. */
export function trafficTypeOf(value: string): TrafficType | undefined {
    return ALIASES[value.trim().toLowerCase()];
}

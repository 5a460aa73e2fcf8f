/**
 * The verdicts a diagnosis can reach and the shape of a next step. In a file of their own because
 * both the decision (classify.ts) and the advice it asks for (advice.ts) use them: with them in
 * classify.ts, the two imported each other.
 */
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

export interface NextStep {
    step: string;
    /** Commands that show what the step asks to check, in order. */
    commands: string[];
}

/**
 * An error caused by what the user typed or configured (a stack config value, a CLI flag, an input
 * file). The CLI prints only its message and exits 2; the Pulumi program lets it surface as the
 * preview's error, before any resource is registered. Anything else is a bug or an outage and keeps
 * its stack.
 */
export class UserInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UserInputError";
    }
}

/**
 * Shows a bad value the way every message in this project does: a string in quotes (`'Rejectd'`,
 * or `(empty)`), anything else as JSON (`300`, `["a"]`).
 */
export function quote(value: unknown): string {
    if (value === undefined) return "(missing)";
    if (typeof value !== "string") return JSON.stringify(value);
    return value === "" ? "(empty)" : `'${value}'`;
}

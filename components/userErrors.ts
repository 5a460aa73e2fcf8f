import * as pulumi from "@pulumi/pulumi";
import { UserInputError } from "../analysis/core/errors";

/**
 * Runs validation and turns a UserInputError into a pulumi.RunError, which the Pulumi CLI prints as
 * a one-line error without the program's stack trace: a typo in stack config is not a crash.
 */
export function validateOrFail<T>(validate: () => T): T {
    try {
        return validate();
    } catch (err) {
        if (err instanceof UserInputError) throw new pulumi.RunError(err.message);
        throw err;
    }
}

/** The same for an asynchronous check (one that asks the provider first). */
export async function validateOrFailAsync<T>(validate: () => Promise<T>): Promise<T> {
    try {
        return await validate();
    } catch (err) {
        if (err instanceof UserInputError) throw new pulumi.RunError(err.message);
        throw err;
    }
}

/** The message of the UserInputError a call throws; fails the test if it throws nothing or something else. */
import { expect } from "chai";
import { UserInputError } from "../../analysis/core/errors";

export function userErrorOf(fn: () => unknown): string {
    try {
        fn();
    } catch (err) {
        expect(err).to.be.instanceOf(UserInputError);
        return (err as Error).message;
    }
    throw new Error("expected a UserInputError, nothing was thrown");
}

/** The same for a promise that should reject with a UserInputError. */
export async function userErrorOfAsync(promise: Promise<unknown>): Promise<string> {
    try {
        await promise;
    } catch (err) {
        expect(err).to.be.instanceOf(UserInputError);
        return (err as Error).message;
    }
    throw new Error("expected a UserInputError, nothing was thrown");
}

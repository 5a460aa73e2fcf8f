/**
 * Errors cross from a worker thread to the main thread as plain data: a UserInputError must arrive
 * as a UserInputError with the same message (the CLI prints it and exits 2), and a read error keeps
 * its code so the main thread words it as it words its own read errors.
 */
import { UserInputError } from "../../core/errors";

export interface SerializedError {
    readonly name: string;
    readonly message: string;
    readonly code?: string;
    readonly stack?: string;
}

export function serializeError(err: unknown): SerializedError {
    if (!(err instanceof Error)) return { name: "Error", message: String(err) };
    const code = (err as NodeJS.ErrnoException).code;
    return { name: err.name, message: err.message, code: typeof code === "string" ? code : undefined, stack: err.stack };
}

export function deserializeError(data: SerializedError): Error {
    if (data.name === "UserInputError") return new UserInputError(data.message);
    const err = new Error(data.message) as NodeJS.ErrnoException;
    err.name = data.name;
    if (data.code !== undefined) err.code = data.code;
    if (data.stack !== undefined) err.stack = data.stack;
    return err;
}

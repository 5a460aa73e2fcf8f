/** Reading a file a user named on the command line, with the flag in the message when it fails. */
import { readFile } from "fs/promises";
import { UserInputError, quote } from "../core/errors";

/** The file's text; a missing or unreadable file is a UserInputError naming the flag and the path. */
export async function readUserTextFile(flag: string, path: string): Promise<string> {
    try {
        return await readFile(path, "utf8");
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UserInputError(
            code === "ENOENT" ? `${flag} ${quote(path)} does not exist.` : `${flag} ${quote(path)} cannot be read (${code}).`,
        );
    }
}

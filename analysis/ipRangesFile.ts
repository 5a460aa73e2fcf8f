/** Reads AWS's ip-ranges.json for `--dst s3` (the file; the parsing is in s3Ranges.ts). */
import { readFile } from "fs/promises";
import { UserInputError, quote } from "./errors";
import { ResolvedRanges, s3RangesFromIpRanges } from "./s3Ranges";

export async function readIpRangesFile(path: string, region: string): Promise<ResolvedRanges> {
    let text: string;
    try {
        text = await readFile(path, "utf8");
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UserInputError(
            code === "ENOENT" ? `--ip-ranges ${quote(path)} does not exist.` : `--ip-ranges ${quote(path)} cannot be read (${code}).`,
        );
    }
    return s3RangesFromIpRanges(text, region, `--ip-ranges ${quote(path)}`);
}

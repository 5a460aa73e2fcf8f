/** Reads AWS's ip-ranges.json for `--dst s3` (the file; the parsing is in s3Ranges.ts). */
import { quote } from "../core/errors";
import { ResolvedRanges, s3RangesFromIpRanges } from "../core/s3Ranges";
import { readUserTextFile } from "./userFiles";

export async function readIpRangesFile(path: string, region: string): Promise<ResolvedRanges> {
    return s3RangesFromIpRanges(await readUserTextFile("--ip-ranges", path), region, `--ip-ranges ${quote(path)}`);
}

/**
 * A configuration snapshot on disk: one JSON file per EC2 describe call, named after the AWS CLI
 * command and holding exactly what `aws ec2 <command> --output json` prints, so a snapshot can be
 * made by hand with the AWS CLI as well as by `vpc-flow-diagnose snapshot`, attached to a ticket,
 * and checked again later by anyone, without credentials.
 */
import { promises as fs } from "fs";
import * as path from "path";
import { UserInputError, quote } from "../core/errors";
import { PREFIX_LIST_ENTRIES_FILE, SNAPSHOT_FILES, SNAPSHOT_INFO_FILE, Ec2Documents, Ec2PrefixListEntry, SnapshotInfo, prefixListEntriesFile } from "../verdict/config/ec2Documents";

const REQUIRED_FILE = "describe-network-interfaces.json";

async function readJson(dir: string, file: string): Promise<unknown | undefined> {
    let text: string;
    try {
        text = await fs.readFile(path.join(dir, file), "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new UserInputError(`Cannot read ${quote(path.join(dir, file))} in --config-snapshot: ${(err as Error).message}.`);
    }
    try {
        return JSON.parse(text);
    } catch (err) {
        throw new UserInputError(`Invalid --config-snapshot file ${quote(path.join(dir, file))}: not JSON (${(err as Error).message}).`);
    }
}

function listIn(doc: unknown, key: string, dir: string, file: string, command: string): unknown[] {
    const list = (doc as Record<string, unknown> | null)?.[key];
    if (typeof doc !== "object" || doc === null || !Array.isArray(list)) {
        throw new UserInputError(
            `Invalid --config-snapshot file ${quote(path.join(dir, file))}: expected an object with a "${key}" list, as 'aws ec2 ${command} --output json' prints it.`,
        );
    }
    return list;
}

export interface Snapshot {
    readonly documents: Ec2Documents;
    readonly info: SnapshotInfo;
    /** Describe files that were not in the folder: their parts of the path were not checked. */
    readonly missing: readonly string[];
}

export async function readSnapshot(dir: string): Promise<Snapshot> {
    let names: string[];
    try {
        names = await fs.readdir(dir);
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UserInputError(
            code === "ENOENT" || code === "ENOTDIR"
                ? `Invalid --config-snapshot ${quote(dir)}: not a folder. Give the folder 'vpc-flow-diagnose snapshot --eni <id> --out <dir>' wrote.`
                : `Cannot read --config-snapshot ${quote(dir)}: ${(err as Error).message}.`,
        );
    }
    if (!names.includes(REQUIRED_FILE)) {
        throw new UserInputError(
            `Invalid --config-snapshot ${quote(dir)}: it has no ${REQUIRED_FILE}. Make one with 'vpc-flow-diagnose snapshot --eni <id> --out ${dir}', ` +
                `or 'aws ec2 describe-network-interfaces --network-interface-ids <id> --output json > ${path.join(dir, REQUIRED_FILE)}'.`,
        );
    }
    const documents: Record<string, unknown> = {};
    const missing: string[] = [];
    const unread: string[] = [];
    for (const spec of SNAPSHOT_FILES) {
        const command = spec.file.replace(/\.json$/, "");
        const doc = await readJson(dir, spec.file);
        if (doc === undefined && !("optional" in spec)) {
            missing.push(spec.file);
            unread.push(spec.field);
        }
        documents[spec.field] = doc === undefined ? [] : listIn(doc, spec.key, dir, spec.file, command);
    }
    const prefixListEntries: Record<string, Ec2PrefixListEntry[]> = {};
    for (const name of names.sort()) {
        const match = PREFIX_LIST_ENTRIES_FILE.exec(name);
        if (!match) continue;
        const doc = await readJson(dir, name);
        prefixListEntries[match[1]] = listIn(doc, "Entries", dir, name, `get-managed-prefix-list-entries --prefix-list-id ${match[1]}`) as Ec2PrefixListEntry[];
    }
    const info = ((await readJson(dir, SNAPSHOT_INFO_FILE)) ?? {}) as SnapshotInfo;
    const read = { ...(documents as unknown as Omit<Ec2Documents, "prefixListEntries" | "unread">), prefixListEntries };
    return { documents: unread.length > 0 ? { ...read, unread } : read, info, missing };
}

/** Writes the documents as `aws ec2 ... --output json` would print them (4-space indent, as the CLI does). */
export async function writeSnapshot(dir: string, documents: Ec2Documents, info: SnapshotInfo): Promise<string[]> {
    await fs.mkdir(dir, { recursive: true });
    const written: string[] = [];
    const put = async (file: string, doc: unknown) => {
        await fs.writeFile(path.join(dir, file), JSON.stringify(doc, null, 4) + "\n", "utf8");
        written.push(file);
    };
    for (const spec of SNAPSHOT_FILES) await put(spec.file, { [spec.key]: documents[spec.field] });
    for (const [id, entries] of Object.entries(documents.prefixListEntries)) await put(prefixListEntriesFile(id), { Entries: entries });
    await put(SNAPSHOT_INFO_FILE, info);
    return written;
}

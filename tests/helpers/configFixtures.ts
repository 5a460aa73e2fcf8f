/** Reads the configuration snapshots in tests/fixtures/config (see its README for where their shapes come from). */
import * as path from "path";
import { Snapshot, readSnapshot } from "../../analysis/aws/snapshotFiles";

export const CONFIG_FIXTURES = path.join(__dirname, "..", "..", "..", "tests", "fixtures", "config");

export function fixtureDir(name: string): string {
    return path.join(CONFIG_FIXTURES, name);
}

export function readFixture(name: string): Promise<Snapshot> {
    return readSnapshot(fixtureDir(name));
}

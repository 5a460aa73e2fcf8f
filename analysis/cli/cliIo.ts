/**
 * What the CLI's commands write to and read from, injectable so tests run them in-process. In a
 * file of its own so that the commands (diagnoseCommand.ts, loaded when a diagnosis runs) and the
 * dispatcher (cli.ts) both import it without importing each other.
 */
// Types only: the live commands (with the AWS SDK behind them) load when one runs, so --help and
// a bad flag answer before any of it is read.
import type { LiveIo } from "./liveCommands";
import type { RawScanSettings } from "../evidence/rawFile/plainFile";
import type { ParquetScanSettings } from "../evidence/inputSummary";

export interface CliIo extends LiveIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    /** The clock relative times (`--start 30m`) count back from; injectable for tests. */
    readonly now?: () => Date;
    /** How files of raw lines are read (threads, range size); tests compare the paths with it. */
    readonly rawScan?: RawScanSettings;
    /** How Parquet files are read (the general reader only, the split threshold); tests compare the paths with it. */
    readonly parquetScan?: ParquetScanSettings;
}

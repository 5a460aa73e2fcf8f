/**
 * `vpc-flow-diagnose snapshot --eni <id> --out <dir>`: saves the EC2 configuration of one ENI's
 * path as the files `--config-snapshot` reads, so it can go with a ticket and be checked again by
 * anyone, without credentials, after the ENI itself is gone.
 */
import { isNetworkInterfaceId } from "../core/awsNames";
import { chooseRegion } from "../core/region";
import { EXIT_FAILURE, EXIT_OK, PROGRAM, parseOptions, repeatHelp, required } from "./cliOptions";
import { SNAPSHOT_OPTIONS } from "./liveOptions";
import { CONFIG_CHECK_IAM_ACTIONS } from "../verdict/config/ec2Documents";
import { writeSnapshot } from "../aws/snapshotFiles";
import { UserInputError, quote } from "../core/errors";
import { explainAwsError } from "../aws/awsErrors";
import { Ec2CollectionError, collectEc2Documents, isAccessDenied } from "../aws/ec2ConfigCollector";
import { AwsClientMakers, awsClient } from "../aws/clients";
import { dateToIso } from "../core/isoTime";

export const SNAPSHOT_HELP = `Usage: ${PROGRAM} snapshot --eni <eni-id> --out <dir> [--region <region>]

Saves the EC2 configuration of the ENI's path (the ENI, its VPC's route tables, network ACLs,
gateway endpoints and NAT gateways, its security groups, the internet gateways, peering
connections and prefix lists they name) into <dir>, one file per call as 'aws ec2 <command> --output json' prints it. Check it
later, anywhere, without credentials: ${PROGRAM} --input <records> ... --config-snapshot <dir>

  --eni <eni-id>      The workload's network interface, e.g. eni-0a1b2c3d4e5f60718.
  --out <dir>         Folder to write (created if needed; files of the same names are replaced).
  --region <region>   AWS region (default: AWS_REGION).

${repeatHelp(SNAPSHOT_OPTIONS)}
IAM actions: ${CONFIG_CHECK_IAM_ACTIONS.join(", ")}.
`;

export interface SnapshotIo extends Pick<AwsClientMakers, "ec2Client"> {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    readonly env?: NodeJS.ProcessEnv;
    readonly now?: () => Date;
}

export async function runSnapshot(argv: string[], io: SnapshotIo): Promise<number> {
    const values = parseOptions(argv, SNAPSHOT_OPTIONS);
    if (values.help) {
        io.stdout(SNAPSHOT_HELP);
        return EXIT_OK;
    }
    const eniId = required(values, "eni", "the workload's network interface, e.g. --eni eni-0a1b2c3d4e5f60718");
    if (!isNetworkInterfaceId(eniId)) {
        throw new UserInputError(`Invalid --eni ${quote(eniId)}. Allowed: a network interface id, eni- and 8 or 17 hex digits, e.g. eni-0a1b2c3d4e5f60718.`);
    }
    const out = required(values, "out", "the folder to write the snapshot to, e.g. --out ./snapshot");
    const env = io.env ?? process.env;
    const region = chooseRegion([{ region: values.region as string | undefined, origin: "--region" }], env, "No AWS region: pass --region or set AWS_REGION.");
    const ec2 = await awsClient(io, "ec2Client", region);
    try {
        const documents = await collectEc2Documents(ec2, eniId);
        const takenAt = dateToIso((io.now ?? (() => new Date()))());
        const files = await writeSnapshot(out, documents, { NetworkInterfaceId: eniId, Region: region, TakenAt: takenAt });
        io.stderr(`Wrote ${files.length} files to ${out}: the configuration of ${eniId}'s path in ${region} at ${takenAt}.\n`);
        return EXIT_OK;
    } catch (err) {
        if (err instanceof Ec2CollectionError) {
            const cause = err.cause as { name?: string; message?: string };
            io.stderr(
                isAccessDenied(err.cause)
                    ? `AWS denied ${err.action} in ${region}: ${cause.message ?? ""}\nThe snapshot needs these IAM actions: ${CONFIG_CHECK_IAM_ACTIONS.join(", ")} (see docs/iam.md for a policy).\n`
                    : cause.name === "InvalidNetworkInterfaceID.NotFound"
                      ? `${eniId} does not exist in ${region}: is this its region? A stopped task's ENI is deleted with it.\n`
                      : `${err.action}: ${explainAwsError(err.cause, { region })}\n`,
            );
            return EXIT_FAILURE;
        }
        throw err;
    }
}

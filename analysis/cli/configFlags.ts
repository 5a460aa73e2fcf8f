/**
 * The configuration check's flags, their help and their checks: what every run of the CLI reads,
 * kept apart from the evaluator, which loads only when a check is asked for.
 */
import { OptionTable, ParsedValues } from "./cliOptions";
import { UserInputError, quote } from "../core/errors";
import { isNetworkInterfaceId } from "../core/awsNames";
import type { ConfigCheckRequest } from "../app/configStep";

/** The diagnose flags of the configuration check (kept apart so other flags can grow beside them). */
export const CONFIG_OPTIONS = {
    "config-snapshot": { type: "string", repeat: "once" },
    "check-config": { type: "boolean", repeat: "union" },
    // One interface: the check follows one ENI's route table, security groups and network ACL.
    eni: { type: "string", repeat: "once" },
} as const satisfies OptionTable;

export const CONFIG_HELP = `Configuration check (names the route table, security group or network ACL at fault):
  --config-snapshot <dir> Check the EC2 configuration saved in <dir> ('${"vpc-flow-diagnose"} snapshot').
  --check-config          Check it live with EC2 Describe* calls (needs ec2:Describe* permissions).
  --eni <eni-id>          The interface to check (default: the source's ENI in the records); live,
                          it also limits the query to that interface's log streams.
`;

export function configRequested(values: ParsedValues): boolean {
    return values["config-snapshot"] !== undefined || values["check-config"] === true;
}

/** Checks the flags before anything is read, so a typo stops the run at once (exit 2). */
export function validateConfigFlags(values: ParsedValues): void {
    const eni = values.eni as string | undefined;
    if (eni !== undefined && !isNetworkInterfaceId(eni)) {
        throw new UserInputError(`Invalid --eni ${quote(eni)}. Allowed: a network interface id, eni- and 8 or 17 hex digits, e.g. eni-0a1b2c3d4e5f60718.`);
    }
    if (values["config-snapshot"] !== undefined && values["check-config"] === true) {
        throw new UserInputError("Give --config-snapshot <dir> (a saved configuration) or --check-config (read it from EC2 now), not both.");
    }
}

/**
 * The configuration check asked for, as the typed request the use case takes; undefined when none
 * was. `eni` is the one the user named: a live diagnosis may put the ECS task's in its place.
 */
export function configCheckRequest(values: ParsedValues): ConfigCheckRequest | undefined {
    if (!configRequested(values)) return undefined;
    return {
        snapshotDir: values["config-snapshot"] as string | undefined,
        eni: values.eni as string | undefined,
        region: values.region as string | undefined,
    };
}

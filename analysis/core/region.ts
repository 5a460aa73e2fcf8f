/**
 * The one region fallback of every command that calls AWS: what the caller was given (flags, then
 * the stack's outputs, in its order), then AWS_REGION, then AWS_DEFAULT_REGION, as the AWS CLI does.
 * The region is always checked to be a region name, and a bad one is named by where it came from.
 */
import { AWS_REGION_NAME } from "./awsNames";
import { UserInputError, quote } from "./errors";

export interface RegionCandidate {
    readonly region: string | undefined;
    /** How the error names it: `--region`, `region (stack output)`. */
    readonly origin: string;
}

/** `missing` is the caller's own message for "no region anywhere" (it says what that command accepts). */
export function chooseRegion(given: readonly RegionCandidate[], env: NodeJS.ProcessEnv, missing: string): string {
    const candidates: RegionCandidate[] = [...given, { region: env.AWS_REGION, origin: "AWS_REGION" }, { region: env.AWS_DEFAULT_REGION, origin: "AWS_DEFAULT_REGION" }];
    // The first one set wins, even when empty: an empty AWS_REGION is "no region", not a reason to look further.
    const chosen = candidates.find((c) => c.region !== undefined);
    if (chosen === undefined || !chosen.region) throw new UserInputError(missing);
    if (!AWS_REGION_NAME.test(chosen.region)) {
        throw new UserInputError(`Invalid ${chosen.origin} ${quote(chosen.region)}. Allowed: an AWS region name such as ap-northeast-2 or us-east-1.`);
    }
    return chosen.region;
}

/**
 * Resources the stack uses but does not own: a log group (`existingLogGroupName`) and a delivery
 * role (`existingRoleArn`). The decisions are pure (which settings conflict, what a read failure
 * or a trust policy means, the messages); {@link readExistingResources} reads both through the
 * provider's invokes, given as functions, before anything is registered.
 */
import { UserInputError, quote } from "../analysis/core/errors";
import { DEFAULTS } from "./flowLogSettings";
import { AccountContext, FLOW_LOGS_SERVICE_PRINCIPAL } from "./policies";
import { ProviderPlace } from "./preflight";
import { evaluateTrust, parseTrustPolicy, requiredTrustStatement, trustedPrincipals } from "./trustPolicy";

/** The user's log group, as getLogGroup answers (the ARN without `:*`). */
export interface ExistingLogGroup {
    readonly name: string;
    readonly arn: string;
    /** `STANDARD`, `INFREQUENT_ACCESS`, ...: field indexes (filterIndex) exist in Standard only. */
    readonly logGroupClass?: string;
}

/** What the caller (index.ts) read before registering anything; the component then reads nothing itself. */
export interface ExistingResources {
    readonly logGroup?: ExistingLogGroup;
    /** The existing role was read and its trust policy checked (or said to be unchecked). */
    readonly roleChecked: boolean;
}

/** Settings of a log group the stack creates, with the value that means "not set". */
export interface OwnLogGroupSettings {
    readonly logGroupName?: string;
    readonly retentionInDays?: number;
    readonly kmsKeyArn?: string;
    readonly retainLogsOnDestroy?: boolean;
}

/**
 * With an existing group, the settings of a group the stack would create mean nothing: refused
 * together, naming each, unless at their defaults (retentionInDays is declared in Pulumi.yaml with
 * its default, so every stack has it).
 */
export function checkExistingLogGroupConflicts(existingLogGroupName: string, own: OwnLogGroupSettings): void {
    const conflicts: string[] = [];
    if (own.logGroupName !== undefined) conflicts.push(`logGroupName ${quote(own.logGroupName)}`);
    if (own.retentionInDays !== undefined && own.retentionInDays !== DEFAULTS.retentionInDays) conflicts.push(`retentionInDays ${quote(own.retentionInDays)}`);
    if (own.kmsKeyArn !== undefined) conflicts.push(`kmsKeyArn ${quote(own.kmsKeyArn)}`);
    if (own.retainLogsOnDestroy === true) conflicts.push("retainLogsOnDestroy true");
    if (conflicts.length === 0) return;
    const keys = conflicts.map((c) => c.split(" ")[0]);
    throw new UserInputError(
        `existingLogGroupName ${quote(existingLogGroupName)} cannot be combined with ${conflicts.join(", ")}: ` +
            `${keys.length === 1 ? "that setting is" : "those settings are"} for a log group the stack creates, and the existing group keeps its own retention, encryption and lifetime. ` +
            `Remove ${keys.join(", ")} (${keys.map((k) => `pulumi config rm ${k}`).join("; ")}), or remove existingLogGroupName.`,
    );
}

/** `arn:aws:iam::123456789012:role/platform/flow-logs` -> `flow-logs` (GetRole takes the name without its path). */
export function roleNameOf(roleArn: string): string {
    return roleArn.slice(roleArn.lastIndexOf("/") + 1);
}

/** `arn:aws:iam::123456789012:role/x` -> `123456789012`. */
export function roleAccountOf(roleArn: string): string {
    return roleArn.split(":")[4];
}

/** An invoke's error as one line: the provider's text without line breaks or the SDK's stack. */
export function oneLineReason(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err);
    return text.replace(/\s+/g, " ").trim();
}

const where = (place: ProviderPlace) => `${place.region} (account ${place.accountId})`;

export function missingLogGroupMessage(name: string, place: ProviderPlace, reason: string): string {
    return (
        `existingLogGroupName ${quote(name)} cannot be read in ${where(place)}: ${reason}. ` +
        `Allowed: the name of a log group that exists there (aws logs describe-log-groups --log-group-name-prefix ${name} --region ${place.region}), ` +
        `or no existingLogGroupName and the stack creates its own.`
    );
}

const contextOf = (place: ProviderPlace): AccountContext => ({ accountId: place.accountId, region: place.region, partition: place.partition });

export function missingRoleMessage(roleArn: string, place: ProviderPlace, reason: string): string {
    return (
        `existingRoleArn ${quote(roleArn)}: role ${roleNameOf(roleArn)} cannot be read in account ${place.accountId}: ${reason}. ` +
        `Allowed: a role of this account whose trust policy has ${requiredTrustStatement(contextOf(place))}, or no existingRoleArn and the stack creates one.`
    );
}

/**
 * Checks an existing role's trust policy (as getRole returns it) for delivery by the flow logs of
 * this account and region. Throws UserInputError when the service cannot assume the role; returns
 * the warnings when the policy holds what cannot be decided here.
 */
export function checkRoleTrust(roleArn: string, assumeRolePolicy: string, place: ProviderPlace): string[] {
    const ctx = contextOf(place);
    const statement = requiredTrustStatement(ctx);
    let policy: unknown;
    try {
        policy = parseTrustPolicy(assumeRolePolicy);
    } catch (err) {
        return [`existingRoleArn ${quote(roleArn)}: the trust policy was not checked (${oneLineReason(err)}). It needs ${statement}.`];
    }
    const verdict = evaluateTrust(policy, ctx);
    if (verdict.kind === "trusted") return [];
    if (verdict.kind === "unknown") {
        return [
            `existingRoleArn ${quote(roleArn)}: the trust policy was not fully checked: ${verdict.reason}. ` +
                `If ${FLOW_LOGS_SERVICE_PRINCIPAL} cannot assume the role, the flow logs show "Access error" (vpc-flow-diagnose status). It needs ${statement}.`,
        ];
    }
    const trusted = trustedPrincipals(policy);
    const instead = trusted.length === 0 ? "it trusts no principal" : `it trusts ${trusted.join(", ")}`;
    throw new UserInputError(
        `existingRoleArn ${quote(roleArn)}: its trust policy does not let ${FLOW_LOGS_SERVICE_PRINCIPAL} assume it: ${verdict.reason}; ${instead}. ` +
            `Add this statement to its trust policy (IAM console: Roles, ${roleNameOf(roleArn)}, Trust relationships): ${statement}; or remove existingRoleArn and the stack creates a role.`,
    );
}

/** GetRole reads this account's roles only: a role of another account is not checked, and that is said. */
export function otherAccountRoleWarning(roleArn: string, place: ProviderPlace): string {
    return (
        `existingRoleArn ${quote(roleArn)}: the role is in account ${roleAccountOf(roleArn)}, the stack deploys with account ${place.accountId}, whose GetRole cannot read it: its trust policy was not checked. ` +
        `It needs ${requiredTrustStatement(contextOf(place))}.`
    );
}

/** The provider's invokes, as functions (aws.cloudwatch.getLogGroup, aws.iam.getRole). */
export interface ExistingResourceReaders {
    getLogGroup(name: string): Promise<{ name: string; arn: string; logGroupClass?: string }>;
    getRole(name: string): Promise<{ assumeRolePolicy: string }>;
}

/**
 * Reads the existing log group and role before anything is registered: a group or role that
 * cannot be read, or a role the flow-logs service may not assume, stops the program with one
 * line (UserInputError). Warnings go to `warn`.
 */
export async function readExistingResources(
    wanted: { readonly existingLogGroupName?: string; readonly existingRoleArn?: string },
    place: ProviderPlace,
    readers: ExistingResourceReaders,
    warn: (message: string) => void,
): Promise<ExistingResources> {
    let logGroup: ExistingLogGroup | undefined;
    if (wanted.existingLogGroupName !== undefined) {
        const name = wanted.existingLogGroupName;
        try {
            const group = await readers.getLogGroup(name);
            logGroup = { name: group.name, arn: group.arn, ...(group.logGroupClass ? { logGroupClass: group.logGroupClass } : {}) };
        } catch (err) {
            throw new UserInputError(missingLogGroupMessage(name, place, oneLineReason(err)));
        }
    }
    if (wanted.existingRoleArn !== undefined) {
        const arn = wanted.existingRoleArn;
        if (roleAccountOf(arn) !== place.accountId) {
            warn(otherAccountRoleWarning(arn, place));
        } else {
            let role: { assumeRolePolicy: string };
            try {
                role = await readers.getRole(roleNameOf(arn));
            } catch (err) {
                throw new UserInputError(missingRoleMessage(arn, place, oneLineReason(err)));
            }
            for (const warning of checkRoleTrust(arn, role.assumeRolePolicy, place)) warn(warning);
        }
    }
    return { ...(logGroup !== undefined ? { logGroup } : {}), roleChecked: wanted.existingRoleArn !== undefined };
}

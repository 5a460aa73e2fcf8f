/**
 * The preflight: every value the program sends to AWS, checked against what AWS accepts
 * (awsConstraints.ts) before the resource that carries it is registered, so a value AWS would
 * refuse half-way through `pulumi up` is refused at preview with the config key, the value and
 * the rule. Pure; every failure is a UserInputError.
 */
import { createHash } from "node:crypto";
import { UserInputError, quote } from "../analysis/core/errors";
import {
    ConstraintId,
    GUIDE_RULES,
    GuideRule,
    MAX_TAGS_PER_RESOURCE,
    PORTABLE_TAG_KEY,
    PORTABLE_TAG_VALUE,
    TagRules,
    constraintOf,
    modelViolation,
} from "./awsConstraints";

/** Refuses a value outside the model's constraints, naming the setting it came from. */
export function checkModel(key: string, value: string | number, id: ConstraintId): void {
    const violation = modelViolation(id, value);
    if (violation !== undefined) throw new UserInputError(`Invalid ${key} ${quote(value)}. Allowed: ${violation}.`);
}

/** The same tags go to resources of several services; `extraKeys` are the tags the program adds there. */
export interface TagTarget {
    readonly rules: TagRules;
    readonly extraKeys?: readonly string[];
}

const PORTABLE = `${GUIDE_RULES.portableTagCharacters.rule} (${GUIDE_RULES.portableTagCharacters.source})`;

/**
 * Checks the stack's tags for every service they reach, in the order given: the count (the
 * program's own tags included), each key and value, and IAM's case-insensitive keys.
 */
export function checkTags(tags: Readonly<Record<string, string>>, targets: readonly TagTarget[]): void {
    for (const { rules, extraKeys = [] } of targets) {
        const added = extraKeys.filter((k) => !(k in tags));
        const count = Object.keys(tags).length + added.length;
        const listMax = rules.list !== undefined ? constraintOf(rules.list).max : undefined;
        const limit = listMax ?? MAX_TAGS_PER_RESOURCE;
        if (count > limit) {
            const why = rules.list !== undefined && listMax !== undefined ? `${constraintOf(rules.list).member} max ${listMax}` : (rules.guide as GuideRule).source;
            const ours = added.length > 0 ? ` (${count - added.length} set and ${added.map((k) => quote(k)).join(", ")} added by the program)` : "";
            throw new UserInputError(`Invalid tags: ${count} tags on the ${rules.service}${ours}. Allowed: at most ${limit} per resource (${why}).`);
        }
        for (const [key, value] of Object.entries(tags)) {
            const keyViolation = rules.key !== undefined ? modelViolation(rules.key, key) : undefined;
            const keyPortable = (rules.key === undefined || constraintOf(rules.key).pattern === undefined) && !PORTABLE_TAG_KEY.test(key);
            if (keyViolation !== undefined || keyPortable) {
                throw new UserInputError(`Invalid tags key ${quote(key)} for the ${rules.service}. Allowed: ${keyViolation ?? `1-128 characters: ${PORTABLE}`}.`);
            }
            const valueViolation = rules.value !== undefined ? modelViolation(rules.value, value) : undefined;
            const valuePortable = (rules.value === undefined || constraintOf(rules.value).pattern === undefined) && !PORTABLE_TAG_VALUE.test(value);
            if (valueViolation !== undefined || valuePortable) {
                throw new UserInputError(
                    `Invalid tags value for ${quote(key)}: ${quote(value)} on the ${rules.service}. Allowed: ${valueViolation ?? `0-256 characters: ${PORTABLE}`}.`,
                );
            }
        }
        if (rules.keysIgnoreCase === true) {
            const seen = new Map<string, string>();
            for (const key of [...Object.keys(tags), ...added]) {
                const other = seen.get(key.toLowerCase());
                if (other !== undefined) {
                    throw new UserInputError(
                        `Invalid tags: ${quote(other)} and ${quote(key)} differ only in case. Allowed: one of them (${GUIDE_RULES.iamTagKeysIgnoreCase.rule}, ${GUIDE_RULES.iamTagKeysIgnoreCase.source}).`,
                    );
                }
                seen.set(key.toLowerCase(), key);
            }
        }
    }
}

/** Where the stack deploys, as the provider says (aws.getRegion, aws.getPartition, aws.getCallerIdentity). */
export interface ProviderPlace {
    readonly region: string;
    readonly partition: string;
    readonly accountId: string;
}

const ARN = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/;

/**
 * An ARN from config used where AWS requires its partition and, with `sameRegion`, its region to
 * be the stack's. Returns the ARN; throws with the place the stack deploys to.
 */
export function checkArnPlace(key: string, arn: string, place: ProviderPlace, sameRegion?: GuideRule): string {
    const m = ARN.exec(arn);
    if (m === null) throw new UserInputError(`Invalid ${key} ${quote(arn)}. Allowed: an ARN, 'arn:<partition>:<service>:<region>:<account>:<resource>'.`);
    const [, partition, , region] = m;
    if (partition !== place.partition) {
        throw new UserInputError(
            `Invalid ${key} ${quote(arn)}: it is in partition ${partition}, this stack deploys to partition ${place.partition} (${place.region}, account ${place.accountId}). Allowed: an ARN of partition ${place.partition} (${GUIDE_RULES.arnPartition.source}).`,
        );
    }
    if (sameRegion !== undefined && region !== place.region) {
        throw new UserInputError(
            `Invalid ${key} ${quote(arn)}: it is in ${region}, this stack deploys to ${place.region} (account ${place.accountId}). Allowed: a key in ${place.region}; ${sameRegion.rule} (${sameRegion.source}).`,
        );
    }
    return arn;
}

/**
 * A name derived from the stack name, folded to the characters AWS allows there. Pulumi allows
 * stack names that fold to the same name (`team-a`, `team_a`, `Team-A`), and the derived name must
 * be unique in the account and region: a stack name that folding changed gets `_` and 8 hex digits
 * of the SHA-256 of the stack name itself. A stack name that folding leaves alone keeps its name,
 * as before this rule, so existing stacks are not replaced.
 */
export function foldedStackName(stack: string, fold: (s: string) => string): string {
    const folded = fold(stack);
    return folded === stack ? folded : `${folded}_${createHash("sha256").update(stack, "utf8").digest("hex").slice(0, 8)}`;
}

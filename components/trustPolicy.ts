/**
 * Reads an IAM role's trust policy and says whether the VPC Flow Logs service may assume the role
 * for a new flow log of this account and region. Pure: a policy document and where the stack
 * deploys in, a verdict out.
 *
 * Evaluation facts (AWS IAM user guide):
 * - "The difference between explicit and implicit denies": a Deny statement that applies wins over
 *   any Allow; without an applicable Allow the request is implicitly denied.
 * - "AWS JSON policy elements: NotPrincipal": NotPrincipal must be used with Deny; it cannot be used
 *   in a role trust policy (so an Allow with NotPrincipal grants nothing).
 * - "AWS JSON policy elements: Principal": `"Principal": "*"` is every principal.
 * - "Condition": values of one key are ORed, keys and operators are ANDed; `...IfExists` is the
 *   operator itself when the key is present (the flow-logs service sends both keys below).
 * What the service sends when it assumes the role (VPC user guide, "IAM role for publishing flow
 * logs to CloudWatch Logs"): `aws:SourceAccount` (the flow log's owner) and `aws:SourceArn` (the
 * flow log's ARN, `arn:<partition>:ec2:<region>:<account>:vpc-flow-log/<flow log id>`). The flow logs
 * this stack creates do not exist yet, so a condition must hold for every flow-log id.
 * Anything else (another condition key, a `ForAnyValue:` set operator, `{"AWS": "*"}`) cannot be
 * decided here and is reported as such, never guessed.
 */
import { AccountContext, FLOW_LOGS_SERVICE_PRINCIPAL, flowLogsTrustPolicy } from "./policies";

export const ASSUME_ROLE_ACTION = "sts:AssumeRole";

/** `trusted`: the service may assume the role; `refused`: it may not; `unknown`: the policy holds something this reader cannot decide. */
export type TrustVerdict =
    | { readonly kind: "trusted" }
    | { readonly kind: "refused"; readonly reason: string }
    | { readonly kind: "unknown"; readonly reason: string };

type Match = "yes" | "no" | "unknown";

/**
 * The trust policy as a string: GetRole returns it URL-encoded (RFC 3986); the Pulumi provider's
 * getRole decodes it (terraform-provider-aws `role_data_source.go`, url.QueryUnescape). Both shapes
 * are read: plain JSON first, then form-decoded JSON. Throws on neither.
 */
export function parseTrustPolicy(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        // Not plain JSON: the raw API shape, e.g. `%7B%22Version%22...`.
    }
    try {
        return JSON.parse(decodeURIComponent(text.replace(/\+/g, " ")));
    } catch {
        throw new Error(`the trust policy is neither JSON nor URL-encoded JSON: ${text.slice(0, 80)}`);
    }
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** IAM wildcards: `*` any run of characters, `?` one character. */
function globMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${body}$`, ignoreCase ? "is" : "s").test(value);
}

/** Action names are case-insensitive (IAM user guide, "Action"); `sts:*` and `*` cover AssumeRole. */
function actionMatches(statement: Record<string, unknown>): boolean {
    if (statement.NotAction !== undefined) return !list(statement.NotAction).some((a) => typeof a === "string" && globMatches(a, ASSUME_ROLE_ACTION, true));
    return list(statement.Action).some((a) => typeof a === "string" && globMatches(a, ASSUME_ROLE_ACTION, true));
}

function namesService(principal: unknown): Match {
    if (principal === "*") return "yes";
    if (typeof principal !== "object" || principal === null) return "no";
    const p = principal as Record<string, unknown>;
    if (list(p.Service).includes(FLOW_LOGS_SERVICE_PRINCIPAL)) return "yes";
    // Whether `{"AWS": "*"}` covers service principals is not something the IAM guide states.
    if (list(p.AWS).includes("*")) return "unknown";
    return "no";
}

function principalMatches(statement: Record<string, unknown>): Match {
    if (statement.NotPrincipal !== undefined) {
        // Only meaningful with Deny: every principal except those listed.
        if (statement.Effect !== "Deny") return "no";
        const listed = namesService(statement.NotPrincipal);
        return listed === "yes" ? "no" : listed === "no" ? "yes" : "unknown";
    }
    return namesService(statement.Principal);
}

/** Flow-log ids of both lengths at the ends of the hex range: a pattern that holds for all three holds for any id, one that holds for none names other flow logs. */
const SAMPLE_FLOW_LOG_IDS = ["fl-00000000000000000", "fl-fffffffffffffffff", "fl-8a8a8a8a"];

/**
 * One condition value against what the service sends. For `aws:SourceArn` the flow-log id is not
 * known yet: the value must match (or, negated, miss) the ARN for every id, tried with sample ids.
 */
function valueMatches(key: string, operator: string, value: string, ctx: AccountContext): Match {
    const ignoreCase = operator.includes("IgnoreCase");
    const like = operator.includes("Like");
    const compare = (actual: string) => (like ? globMatches(value, actual, ignoreCase) : ignoreCase ? value.toLowerCase() === actual.toLowerCase() : value === actual);
    if (key === "aws:sourceaccount") return compare(ctx.accountId) ? "yes" : "no";
    if (key === "aws:sourcearn") {
        const results = SAMPLE_FLOW_LOG_IDS.map((id) => compare(`arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:vpc-flow-log/${id}`));
        return results.every((r) => r) ? "yes" : results.every((r) => !r) ? "no" : "unknown";
    }
    return "unknown";
}

const OPERATOR = /^(String|Arn)(Not)?(Equals|EqualsIgnoreCase|Like)(IfExists)?$/;

function conditionMatches(condition: unknown, ctx: AccountContext): { match: Match; unknownWhy?: string } {
    if (condition === undefined) return { match: "yes" };
    let result: Match = "yes";
    let unknownWhy: string | undefined;
    for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
        const op = OPERATOR.exec(operator);
        for (const [rawKey, values] of Object.entries((block ?? {}) as Record<string, unknown>)) {
            const key = rawKey.toLowerCase();
            let match: Match;
            if (op === null || (key !== "aws:sourceaccount" && key !== "aws:sourcearn")) {
                match = "unknown";
                unknownWhy ??= `condition ${operator} on ${rawKey}`;
            } else {
                const negated = op[2] === "Not";
                // Values of one key are ORed; a negated operator holds when no value matches.
                const each = list(values).map((v) => valueMatches(key, operator, String(v), ctx));
                const any: Match = each.includes("yes") ? "yes" : each.includes("unknown") ? "unknown" : "no";
                match = negated ? (any === "yes" ? "no" : any === "no" ? "yes" : "unknown") : any;
                if (match === "unknown") unknownWhy ??= `condition ${operator} on ${rawKey} (${JSON.stringify(values)}) may hold for some flow logs only`;
            }
            if (match === "no") return { match: "no" };
            if (match === "unknown") result = "unknown";
        }
    }
    return { match: result, unknownWhy };
}

/** Whether the statement applies to vpc-flow-logs.amazonaws.com calling sts:AssumeRole for a new flow log here. */
function statementApplies(statement: Record<string, unknown>, ctx: AccountContext): { match: Match; unknownWhy?: string } {
    if (!actionMatches(statement)) return { match: "no" };
    const principal = principalMatches(statement);
    if (principal === "no") return { match: "no" };
    const condition = conditionMatches(statement.Condition, ctx);
    if (condition.match === "no") return { match: "no" };
    if (principal === "unknown") return { match: "unknown", unknownWhy: `principal ${JSON.stringify(statement.Principal)}` };
    return condition;
}

function statementsOf(policy: unknown): Record<string, unknown>[] {
    const statements = list((policy as { Statement?: unknown } | null)?.Statement);
    return statements.filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null);
}

/**
 * Explicit Deny first (it wins), then any Allow; without one, an implicit deny. Undecided is said
 * only when it could change the answer: a Deny that may apply to an allowed role, or an Allow that
 * may apply when no other does.
 */
export function evaluateTrust(policy: unknown, ctx: AccountContext): TrustVerdict {
    const statements = statementsOf(policy);
    let denyUnknown: string | undefined;
    for (const statement of statements.filter((s) => s.Effect === "Deny")) {
        const { match, unknownWhy } = statementApplies(statement, ctx);
        const sid = statement.Sid !== undefined ? ` ${JSON.stringify(statement.Sid)}` : "";
        if (match === "yes") return { kind: "refused", reason: `a Deny statement${sid} denies it ${ASSUME_ROLE_ACTION} (an explicit Deny wins over any Allow)` };
        if (match === "unknown") denyUnknown ??= `a Deny statement${sid} may apply: ${unknownWhy}`;
    }
    let allowed = false;
    let allowUnknown: string | undefined;
    for (const statement of statements.filter((s) => s.Effect === "Allow")) {
        const { match, unknownWhy } = statementApplies(statement, ctx);
        if (match === "yes") allowed = true;
        else if (match === "unknown") allowUnknown ??= `an Allow statement depends on ${unknownWhy}`;
    }
    if (!allowed && allowUnknown === undefined) {
        return { kind: "refused", reason: `no Allow statement lets ${FLOW_LOGS_SERVICE_PRINCIPAL} call ${ASSUME_ROLE_ACTION} for a flow log of account ${ctx.accountId} in ${ctx.region}` };
    }
    if (denyUnknown !== undefined) return { kind: "unknown", reason: denyUnknown };
    if (!allowed) return { kind: "unknown", reason: allowUnknown as string };
    return { kind: "trusted" };
}

/** Who the policy's Allow statements name, for the message: `ec2.amazonaws.com, arn:aws:iam::...:root`. */
export function trustedPrincipals(policy: unknown): string[] {
    const names = new Set<string>();
    for (const statement of statementsOf(policy).filter((s) => s.Effect === "Allow")) {
        const principal = statement.Principal;
        if (principal === "*") names.add("*");
        else if (typeof principal === "object" && principal !== null) {
            for (const value of Object.values(principal as Record<string, unknown>).flatMap(list)) names.add(String(value));
        }
    }
    return [...names];
}

/** The statement to add, exactly as the stack's own role has it. */
export function requiredTrustStatement(ctx: AccountContext): string {
    return JSON.stringify(flowLogsTrustPolicy(ctx).Statement[0]);
}

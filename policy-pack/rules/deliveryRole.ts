/**
 * Mandatory: a flow log's delivery role (the role a flow log names in iamRoleArn, or any role that
 * trusts the flow-logs service) is assumable only by vpc-flow-logs.amazonaws.com, on behalf of one
 * account (aws:SourceAccount, against the confused deputy), and may only deliver: the four
 * delivery actions on one log group's ARN, never on "*", never logs:CreateLogGroup.
 *
 * Source: AWS VPC user guide, "IAM role for publishing flow logs to CloudWatch Logs"
 * (flow-logs-iam-role.html); logs:CreateLogGroup left out as terraform-aws-modules/terraform-aws-vpc
 * issue 435 / PR 550 explain (in-flight delivery re-creates a deleted group).
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { Statement, conditionValues, listOf, principalsOf, statementsOf } from "./iamDocuments";
import { TYPES, named, ofType, refersTo, valueNames } from "./stackGraph";

export const FLOW_LOG_DELIVERY_ROLE = "flow-log-delivery-role";
export const FLOW_LOGS_SERVICE_PRINCIPAL = "vpc-flow-logs.amazonaws.com";
export const DELIVERY_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"] as const;

/** One log group, or its streams (`:*`): no wildcard in the name. */
const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[.\-_/#A-Za-z0-9]+(:\*)?$/;
const SCOPE_HINT = "arn:<partition>:logs:<region>:<account>:log-group:<name>:*";

interface PermissionDocument {
    /** How a violation names it: `policy 'x'`, `inline policy 'y'`. */
    readonly label: string;
    readonly document: unknown;
}

const trustsFlowLogs = (role: PolicyResource) => {
    const statements = statementsOf(role.props.assumeRolePolicy);
    return Array.isArray(statements) && statements.some((s) => s.Effect === "Allow" && principalsOf(s.Principal).includes(FLOW_LOGS_SERVICE_PRINCIPAL));
};

export function validateDeliveryRoles(args: StackValidationArgs, reportViolation: ReportViolation): void {
    const flowLogs = ofType(args.resources, TYPES.flowLog);
    const roles = ofType(args.resources, TYPES.role).filter((role) => flowLogs.some((f) => refersTo(f, "iamRoleArn", role)) || trustsFlowLogs(role));
    for (const role of roles) {
        checkTrust(role, reportViolation);
        checkPermissions(role, permissionDocuments(role, args.resources, reportViolation), reportViolation);
    }
}

function checkTrust(role: PolicyResource, reportViolation: ReportViolation): void {
    const statements = statementsOf(role.props.assumeRolePolicy);
    // Not known during preview when computed from outputs: `pulumi up` checks the deployed value.
    if (statements === undefined) return;
    if (statements === "invalid") {
        reportViolation(`Role ${named(role)} has an assume-role policy that is not an IAM policy document.`, role.urn);
        return;
    }
    const allows = statements.filter((s) => s.Effect === "Allow");
    for (const statement of allows) {
        const others = statement.NotPrincipal !== undefined ? ["everyone outside NotPrincipal"] : principalsOf(statement.Principal).filter((p) => p !== FLOW_LOGS_SERVICE_PRINCIPAL);
        for (const other of others) {
            reportViolation(`Role ${named(role)} trusts ${other}: a flow-log delivery role must be assumable only by ${FLOW_LOGS_SERVICE_PRINCIPAL}.`, role.urn);
        }
    }
    const forFlowLogs = allows.filter((s) => principalsOf(s.Principal).includes(FLOW_LOGS_SERVICE_PRINCIPAL));
    if (forFlowLogs.length === 0) {
        reportViolation(`Role ${named(role)} delivers a flow log but its trust policy does not let ${FLOW_LOGS_SERVICE_PRINCIPAL} assume it.`, role.urn);
    } else if (forFlowLogs.some((s) => conditionValues(s.Condition, "StringEquals", "aws:SourceAccount").length === 0)) {
        reportViolation(
            `Role ${named(role)} lets ${FLOW_LOGS_SERVICE_PRINCIPAL} assume it without a StringEquals aws:SourceAccount condition: add one with your account id, so no other account's flow log can use the role (confused deputy).`,
            role.urn,
        );
    }
}

/** The role's permission documents: inline ones, and the policies attached to it in the stack. */
function permissionDocuments(role: PolicyResource, resources: readonly PolicyResource[], reportViolation: ReportViolation): PermissionDocument[] | undefined {
    const documents: PermissionDocument[] = [];
    let unknown = false;
    const policies = ofType(resources, TYPES.policy);
    const attach = (policyArn: unknown, policy: PolicyResource | undefined) => {
        if (policy !== undefined) documents.push({ label: `policy ${named(policy)}`, document: policy.props.policy });
        else if (typeof policyArn === "string") {
            reportViolation(
                `Role ${named(role)} has ${policyArn} attached, a policy outside this stack: a delivery role's permissions must be a policy of the stack, granting only ${DELIVERY_ACTIONS.join(", ")}.`,
                role.urn,
            );
        } else unknown = true;
    };
    // The deployed role lists no inline policy as an entry without a document: not a policy.
    for (const inline of listOfObjects(role.props.inlinePolicies).filter((p) => p.policy !== undefined && p.policy !== "")) {
        documents.push({ label: `inline policy '${String(inline.name ?? "")}'`, document: inline.policy });
    }
    for (const arn of listOf(role.props.managedPolicyArns)) attach(arn, policies.find((p) => valueNames(arn, p)));
    for (const attachment of ofType(resources, TYPES.rolePolicyAttachment).filter((a) => refersTo(a, "role", role))) {
        attach(attachment.props.policyArn, policies.find((p) => refersTo(attachment, "policyArn", p)));
    }
    for (const rolePolicy of ofType(resources, TYPES.rolePolicy).filter((p) => refersTo(p, "role", role))) {
        documents.push({ label: `inline policy ${named(rolePolicy)}`, document: rolePolicy.props.policy });
    }
    // A deployed role also lists in managedPolicyArns the policies its attachments attach: read each once.
    return unknown ? undefined : documents.filter((d, i) => documents.findIndex((other) => other.label === d.label) === i);
}

function listOfObjects(value: unknown): Record<string, unknown>[] {
    return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null) : [];
}

function checkPermissions(role: PolicyResource, documents: PermissionDocument[] | undefined, reportViolation: ReportViolation): void {
    const granted = new Set<string>();
    let complete = documents !== undefined;
    for (const { label, document } of documents ?? []) {
        const statements = statementsOf(document);
        if (statements === undefined) {
            complete = false;
            continue;
        }
        const of = `${label[0].toUpperCase()}${label.slice(1)} of role ${named(role)}`;
        if (statements === "invalid") {
            reportViolation(`${of} is not an IAM policy document.`, role.urn);
            continue;
        }
        for (const statement of statements.filter((s) => s.Effect === "Allow")) checkStatement(of, statement, granted, reportViolation, role.urn);
    }
    const missing = DELIVERY_ACTIONS.filter((a) => !granted.has(a.toLowerCase()));
    if (complete && missing.length > 0) {
        reportViolation(
            `Role ${named(role)} is not granted ${missing.join(", ")}: flow-log delivery needs ${DELIVERY_ACTIONS.join(", ")} on its log group.`,
            role.urn,
        );
    }
}

function checkStatement(of: string, statement: Statement, granted: Set<string>, reportViolation: ReportViolation, urn: string): void {
    for (const key of ["NotAction", "NotResource"] as const) {
        if (statement[key] !== undefined) reportViolation(`${of} uses ${key}: list the actions and the log group instead.`, urn);
    }
    // Granted only when every resource is one log group (a statement without Resource grants nothing).
    let scoped = statement.NotResource === undefined && listOf(statement.Resource).length > 0;
    for (const resource of listOf(statement.Resource)) {
        if (resource === "*") {
            reportViolation(`${of} grants on Resource "*": scope it to the log group, ${SCOPE_HINT}.`, urn);
            scoped = false;
        } else if (!LOG_GROUP_ARN.test(resource)) {
            reportViolation(`${of} grants on '${resource}', which is not one log group's ARN: scope it to ${SCOPE_HINT}.`, urn);
            scoped = false;
        }
    }
    const allowed = DELIVERY_ACTIONS.map((a) => a.toLowerCase());
    for (const action of listOf(statement.Action)) {
        const lower = action.toLowerCase();
        if (lower === "logs:createloggroup") {
            reportViolation(
                `${of} grants logs:CreateLogGroup: after a destroy, in-flight delivery would re-create the deleted log group and the next deploy fail with "already exists". Remove it.`,
                urn,
            );
        } else if (!allowed.includes(lower)) {
            reportViolation(`${of} grants '${action}', which flow-log delivery does not need. Allowed: ${DELIVERY_ACTIONS.join(", ")}.`, urn);
        } else if (scoped) {
            granted.add(lower);
        }
    }
}

export const flowLogDeliveryRole: StackValidationPolicy = {
    name: FLOW_LOG_DELIVERY_ROLE,
    description: `Flow-log delivery roles are assumable only by ${FLOW_LOGS_SERVICE_PRINCIPAL} with aws:SourceAccount, and grant only ${DELIVERY_ACTIONS.join(", ")} on a log group's ARN.`,
    enforcementLevel: "mandatory",
    validateStack: validateDeliveryRoles,
};

/**
 * What the policy pack would see of a program run under the shared mocks: every registration as
 * a @pulumi/policy PolicyResource (type token, name, URN, outputs as props, parent, dependencies
 * and property dependencies), taken from the registration requests and the mock monitor's answers
 * the way the engine takes them from its state. Import ./pulumiMocks first.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";

interface Captured {
    readonly type: string;
    readonly name: string;
    readonly parent: string;
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
    /** What the program passed, resolved. */
    readonly inputs: Record<string, any>;
    urn?: string;
    props?: Record<string, any>;
}

const captured: Captured[] = [];
let recording = false;

const monitor = getMonitor() as unknown as { registerResource(req: any, callback: (err: unknown, resp: any) => void): Promise<void> };
const next = monitor.registerResource.bind(monitor);
monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) => {
    if (!recording) return next(req, callback);
    const propertyDependencies: Record<string, string[]> = {};
    const map = req.getPropertydependenciesMap();
    for (const [key, value] of map.entries() as Iterable<[string, { getUrnsList(): string[] }]>) propertyDependencies[key] = value.getUrnsList();
    const entry: Captured = {
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent(),
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        inputs: pulumi.runtime.deserializeProperties(req.getObject()),
    };
    captured.push(entry);
    return next(req, (err: unknown, resp: any) => {
        if (!err && resp) {
            entry.urn = resp.getUrn();
            // Outputs as the engine's state holds them; secrets unwrapped, as the analyzer gets them.
            entry.props = pulumi.runtime.deserializeProperties(resp.getObject());
        }
        callback(err, resp);
    });
};

/** Starts recording afresh: what the next program run registers. */
export function startRecording(): void {
    captured.length = 0;
    recording = true;
}

export function stopRecording(): void {
    recording = false;
}

/**
 * The recorded registrations as the stack's resources, linked as the analyzer links them.
 * `asInPreview`: the props a first `pulumi preview` has instead of the outputs: the inputs, without
 * every input computed from another resource's output (a property with dependencies), which the
 * engine cannot know before that resource exists and the analyzer passes as undefined.
 */
export function recordedResources(options: { asInPreview?: boolean } = {}): PolicyResource[] {
    const propsOf = (c: Captured) =>
        options.asInPreview
            ? Object.fromEntries(Object.entries(c.inputs).filter(([key]) => (c.propertyDependencies[key] ?? []).length === 0))
            : (c.props ?? {});
    const resources = captured
        .filter((c) => c.urn !== undefined)
        .map((c) => policyResource(c.type, c.name, propsOf(c), c.urn));
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    captured
        .filter((c) => c.urn !== undefined)
        .forEach((c, i) => {
            const resource = resources[i];
            const parent = byUrn.get(c.parent);
            if (parent !== undefined) resource.parent = parent;
            resource.dependencies = c.dependencies.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
            for (const [key, urns] of Object.entries(c.propertyDependencies)) {
                resource.propertyDependencies[key] = urns.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
            }
        });
    return resources;
}

/** A resource as the analyzer hands it to a stack policy; links are set by the caller. */
export function policyResource(type: string, name: string, props: Record<string, any>, urn = `urn:pulumi:dev::crafted::${type}::${name}`): PolicyResource {
    return {
        type,
        name,
        urn,
        props,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    };
}

export interface Violation {
    readonly message: string;
    readonly urn?: string;
}

/** Runs a stack policy as the engine would, with the policy's config; returns what it reported. */
export async function violationsOf(policy: StackValidationPolicy, resources: PolicyResource[], config: object = {}): Promise<Violation[]> {
    const violations: Violation[] = [];
    const report: ReportViolation = (message: string, urn?: string) => {
        violations.push(urn === undefined ? { message } : { message, urn });
    };
    const args: StackValidationArgs = {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string) => {
            throw new Error(`not applicable: ${reason}`);
        },
    };
    await policy.validateStack(args, report);
    return violations;
}

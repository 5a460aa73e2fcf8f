/**
 * Reads what an ECS task's stop reasons say about the network: the address and port a connection
 * timed out to (`dial tcp 52.219.204.42:443: i/o timeout`), and which AWS services the failing
 * step needed (ECR, S3, Secrets Manager, SSM, CloudWatch Logs, or a registry on the internet).
 *
 * Message shapes: the ECS developer guide's CannotPullContainerError and ResourceInitializationError
 * troubleshooting pages, and stopped reasons quoted in public issues; the cases are in
 * tests/fixtures/ecs-stopped-reasons.json with their sources.
 */
import { isIpAddress } from "../../core/ip";

/** A service whose endpoint the task needed when it failed. `registry` is an image registry outside AWS. */
export type EndpointService = "ecr" | "s3" | "secretsmanager" | "ssm" | "logs" | "registry";

export interface DialTarget {
    readonly address: string;
    readonly port: number;
}

export interface ReasonFacts {
    /** Distinct `dial tcp` targets, in the order they appear. */
    readonly dialTargets: DialTarget[];
    /** Services the reasons name, in a fixed order (ecr, s3, secretsmanager, ssm, logs, registry). */
    readonly services: EndpointService[];
}

// IPv4 `dial tcp 1.2.3.4:443` and IPv6 `dial tcp [2001:db8::1]:443`, as Go's net package writes them.
const DIAL_TCP = /dial tcp (?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9A-Fa-f:.]+)\]):(\d{1,5})/g;

const SERVICE_PATTERNS: ReadonlyArray<readonly [EndpointService, RegExp]> = [
    // The registry API and the Docker endpoint of ECR, or the agent's "ecr registry auth" step.
    ["ecr", /\.dkr\.ecr\.|api\.ecr\.|ecr registry auth|\bECR\b|\.ecr\.[a-z0-9-]+\.amazonaws\.com/],
    // ECR serves image layers from S3 (prod-<region>-starport-layer-bucket).
    ["s3", /starport-layer-bucket|\bs3[.-][a-z0-9.-]*amazonaws\.com|\bS3\b/],
    ["secretsmanager", /secrets?manager|from asm\b|Secrets Manager/i],
    ["ssm", /from ssm\b|\bssm\.[a-z0-9-]+\.amazonaws\.com|\bSSM\b/],
    ["logs", /logger|log stream|\blogs\.[a-z0-9-]+\.amazonaws\.com|CloudWatch ?Logs|awslogs/i],
];

const SERVICE_ORDER: readonly EndpointService[] = ["ecr", "s3", "secretsmanager", "ssm", "logs", "registry"];

/** Reads every `dial tcp` target and the services named, across all the given reason texts. */
export function parseTaskReasons(reasons: readonly (string | undefined)[]): ReasonFacts {
    const targets: DialTarget[] = [];
    const services = new Set<EndpointService>();
    for (const text of reasons) {
        if (!text) continue;
        for (const match of text.matchAll(DIAL_TCP)) {
            const address = match[1] ?? match[2];
            const port = Number(match[3]);
            if (!isIpAddress(address) || port > 65535) continue;
            if (!targets.some((t) => t.address === address && t.port === port)) targets.push({ address, port });
        }
        for (const [service, pattern] of SERVICE_PATTERNS) if (pattern.test(text)) services.add(service);
        // An image pull from ECR also fetches the layers from S3.
        if (/CannotPullContainerError/.test(text)) {
            if (services.has("ecr")) services.add("s3");
            else if (/docker\.io|ghcr\.io|quay\.io|registry-1\./.test(text)) services.add("registry");
        }
    }
    return { dialTargets: targets, services: SERVICE_ORDER.filter((s) => services.has(s)) };
}

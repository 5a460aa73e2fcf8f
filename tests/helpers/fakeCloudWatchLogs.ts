/**
 * A loopback HTTP server that answers the AWS JSON 1.1 protocol (CloudWatch Logs, ECS: the
 * operation is in X-Amz-Target) and the EC2 query protocol (a form body with Action=..., answered
 * in XML) with canned responses, so the real CLI process can be run end to end without AWS. It
 * listens on 127.0.0.1 only, on a port the OS picks, and records each request's operation and body.
 */
import * as http from "http";
import { AddressInfo } from "net";

export interface RecordedRequest {
    readonly operation: string;
    readonly body: Record<string, unknown>;
}

/**
 * Operation name -> the successive responses to give (the last one repeats): an object for the
 * JSON protocol (`__type` makes it an error), an XML string for EC2 (`<Response><Errors>` makes it
 * an error).
 */
export type CannedResponses = Record<string, (Record<string, unknown> | string)[]>;

/**
 * FilterLogEvents requests as the service's model allows them (botocore
 * `botocore/data/logs/2014-03-28/service-2.json`, FilterLogEventsRequest and its shapes; the API
 * reference for the rules between members): the members it knows, one of logGroupName and
 * logGroupIdentifier, not both logStreamNames and logStreamNamePrefix, limit 1-10000, times as
 * non-negative integers (milliseconds), a non-empty nextToken, and `startFromHead: false` only
 * with a startTime on or after 2024-01-01. The reason a request breaks them, else undefined.
 */
export function filterLogEventsRequestProblem(body: Record<string, unknown>): string | undefined {
    const members = ["logGroupName", "logGroupIdentifier", "logStreamNames", "logStreamNamePrefix", "startTime", "endTime", "filterPattern", "nextToken", "limit", "startFromHead", "interleaved", "unmask"];
    const unknown = Object.keys(body).filter((k) => !members.includes(k));
    if (unknown.length > 0) return `unknown member(s) ${unknown.join(", ")}`;
    if ((body.logGroupName === undefined) === (body.logGroupIdentifier === undefined)) return "give exactly one of logGroupName and logGroupIdentifier";
    if (body.logGroupName !== undefined && !(typeof body.logGroupName === "string" && /^[.\-_/#A-Za-z0-9]{1,512}$/.test(body.logGroupName))) return "logGroupName breaks its pattern";
    if (body.logStreamNames !== undefined && body.logStreamNamePrefix !== undefined) return "logStreamNames and logStreamNamePrefix together";
    for (const key of ["startTime", "endTime"]) {
        if (body[key] !== undefined && !(Number.isInteger(body[key]) && (body[key] as number) >= 0)) return `${key} is not a non-negative integer of milliseconds`;
    }
    if (body.limit !== undefined && !(Number.isInteger(body.limit) && (body.limit as number) >= 1 && (body.limit as number) <= 10000)) return "limit is not 1-10000";
    if (body.nextToken !== undefined && !(typeof body.nextToken === "string" && body.nextToken.length >= 1)) return "nextToken is empty";
    for (const key of ["startFromHead", "interleaved", "unmask"]) {
        if (body[key] !== undefined && typeof body[key] !== "boolean") return `${key} is not a boolean`;
    }
    if (body.startFromHead === false && !(typeof body.startTime === "number" && body.startTime >= Date.parse("2024-01-01T00:00:00Z"))) {
        return "startFromHead false needs a startTime on or after 2024-01-01";
    }
    return undefined;
}

/** Requests the fake checks against the service's model before answering (InvalidParameterException if broken). */
const REQUEST_CHECKS: Record<string, (body: Record<string, unknown>) => string | undefined> = {
    FilterLogEvents: filterLogEventsRequestProblem,
};

export interface FakeCloudWatchLogs {
    readonly url: string;
    readonly requests: RecordedRequest[];
    close(): Promise<void>;
}

export async function startFakeCloudWatchLogs(responses: CannedResponses): Promise<FakeCloudWatchLogs> {
    const requests: RecordedRequest[] = [];
    const served: Record<string, number> = {};
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const target = String(req.headers["x-amz-target"] ?? "");
            const form = String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
            const body: Record<string, unknown> = form ? Object.fromEntries(new URLSearchParams(text)) : text ? JSON.parse(text) : {};
            const operation = form ? String(body.Action) : target.slice(target.indexOf(".") + 1);
            requests.push({ operation, body });
            const problem = REQUEST_CHECKS[operation]?.(body);
            if (problem !== undefined) {
                res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
                res.end(JSON.stringify({ __type: "InvalidParameterException", message: `fake server: ${operation} request refused: ${problem}` }));
                return;
            }
            const canned = responses[operation];
            if (!canned || canned.length === 0) {
                res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
                res.end(JSON.stringify({ __type: "UnknownOperationException", message: `fake server has no answer for ${operation}` }));
                return;
            }
            const index = Math.min(served[operation] ?? 0, canned.length - 1);
            served[operation] = index + 1;
            const answer = canned[index];
            if (typeof answer === "string") {
                res.writeHead(answer.startsWith("<Response><Errors>") ? 400 : 200, { "content-type": "text/xml;charset=UTF-8" });
                res.end(answer);
                return;
            }
            const status = typeof answer.__type === "string" ? 400 : 200;
            res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `req-${requests.length}` });
            res.end(JSON.stringify(answer));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

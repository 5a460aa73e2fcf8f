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

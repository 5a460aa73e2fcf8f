/**
 * How long a query string may be, per service, and the check every query passes before it is
 * sent. Pure.
 *
 * - Logs Insights: StartQuery's `queryString` is at most 10,000 long (CloudWatch Logs API
 *   reference, StartQuery, "Length Constraints: Minimum length of 0. Maximum length of 10000";
 *   botocore `logs` service-2.json, shape QueryString, max 10000).
 * - Athena: StartQueryExecution's `QueryString` is at most 262,144 bytes (botocore `athena`
 *   service-2.json, shape QueryString, max 262144; AWS Knowledge Center, "athena query string
 *   length": "262,144 bytes", not adjustable).
 *
 * Both are measured here in UTF-8 bytes. That is never less than the string's length however a
 * service counts it (characters, UTF-16 units or bytes), so a query that passes is never refused
 * for its length; for ASCII, which every query built here is unless a log stream name is not,
 * all counts are equal.
 */

export const INSIGHTS_QUERY_MAX_LENGTH = 10000;
export const ATHENA_QUERY_MAX_BYTES = 262144;

export function queryLength(query: string): number {
    return Buffer.byteLength(query, "utf8");
}

/** Why the Logs Insights query cannot be sent, or undefined when it fits. */
export function insightsQueryTooLong(query: string, max = INSIGHTS_QUERY_MAX_LENGTH): string | undefined {
    const length = queryLength(query);
    if (length <= max) return undefined;
    return (
        `The Logs Insights query is ${length} characters long, over StartQuery's limit of ${max}: it was not sent. ` +
        "Give fewer or wider addresses (--src, --dst), or fewer log streams."
    );
}

/** Why the Athena query cannot be sent, or undefined when it fits. */
export function athenaQueryTooLong(query: string, max = ATHENA_QUERY_MAX_BYTES): string | undefined {
    const length = queryLength(query);
    if (length <= max) return undefined;
    return `The Athena query is ${length} bytes long, over StartQueryExecution's limit of ${max} bytes: it was not sent. Give fewer or wider addresses (--src, --dst).`;
}

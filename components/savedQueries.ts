/**
 * The Logs Insights queries a stack saves in the console (CloudWatch Logs "query definitions"):
 * names, folder and query strings, pure. The query strings come from analysis/insightsQuery.ts, the
 * same builder as the stack output `insightsQuery` and the CLI.
 *
 * A `/` in a query definition's name makes folders in the console ("folder-name/query-name");
 * names are 1-255 characters (AWS::Logs::QueryDefinition, CloudFormation template reference;
 * QueryDefinition, CloudWatch Logs API reference).
 */
import { UserInputError, quote } from "../analysis/core/errors";
import {
    buildLogStatusQuery,
    buildRecordsQuery,
    buildRejectsQuery,
    buildTopTalkersQuery,
    buildUnansweredQuery,
} from "../analysis/queries/insightsQuery";
import { LogFormat } from "../analysis/core/logFormat";

export interface SavedQuery {
    /** Stable part of the Pulumi resource name: renaming a query in the console text does not replace it. */
    readonly key: string;
    /** `<folder>/<title>`, as PutQueryDefinition takes it. */
    readonly name: string;
    readonly queryString: string;
}

const NAME_MAX = 255;
const FOLDER = /^[^/]+(\/[^/]+)*$/;

/** In console order. `build` returns undefined when the format lacks the fields the query needs. */
const QUERIES: readonly { key: string; title: string; build: (format: LogFormat) => string | undefined }[] = [
    { key: "tcp-443", title: "TCP 443 conversations", build: (f) => buildRecordsQuery(f, { port: 443, protocol: 6 }) },
    { key: "rejects-443", title: "REJECTs toward S3 (TCP 443) by ENI and destination", build: (f) => buildRejectsQuery(f) },
    { key: "unanswered-443", title: "Accepted TCP 443 with no reply by ENI and minute", build: (f) => buildUnansweredQuery(f) },
    { key: "top-talkers", title: "Top talkers by bytes", build: buildTopTalkersQuery },
    { key: "log-status", title: "NODATA and SKIPDATA by ENI", build: buildLogStatusQuery },
];

/** The longest folder that leaves room for every title within the 255-character name. */
const FOLDER_MAX = NAME_MAX - 1 - Math.max(...QUERIES.map((q) => q.title.length));

/** Every saved query for the format, in console order. Queries the format cannot answer are left out. */
export function savedQueries(format: LogFormat, folder: string): SavedQuery[] {
    const checkedFolder = validateSavedQueryFolder(folder);
    return QUERIES.flatMap(({ key, title, build }) => {
        const queryString = build(format);
        return queryString === undefined ? [] : [{ key, name: `${checkedFolder}/${title}`, queryString }];
    });
}

/** No empty folder level (a leading, trailing or doubled `/`), and room for the titles. */
export function validateSavedQueryFolder(folder: string): string {
    if (!FOLDER.test(folder) || folder.length > FOLDER_MAX) {
        throw new UserInputError(
            `Invalid savedQueryFolder ${quote(folder)}. Allowed: 1-${FOLDER_MAX} characters, folder levels separated by single '/', no leading or trailing '/'.`,
        );
    }
    return folder;
}

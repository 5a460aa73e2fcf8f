/**
 * The shape of a CloudWatch Logs Insights result (`GetQueryResults.results`: `{field, value}[][]`),
 * shared by the query plan (which merges the rows of split queries) and the row reader (which turns
 * rows into records), so neither imports the other.
 */

/** The SDK's ResultField: both members are optional in its types. */
export interface InsightsField {
    readonly field?: string;
    readonly value?: string;
}

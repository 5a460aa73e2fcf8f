/** Shapes of AWS names that several parts check: one definition, so they agree. */

/** `us-east-1`, `ap-northeast-2`, `us-gov-west-1`; the trailing number may grow past one digit. */
export const AWS_REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** CloudWatch Logs group names: 1-512 characters of letters, digits, '_', '-', '/', '.', '#'. */
export const LOG_GROUP_NAME = /^[\w\-/.#]{1,512}$/;
export const LOG_GROUP_NAME_RULE = "1-512 characters of letters, digits, '_', '-', '/', '.', '#'";

/** A network interface id: eni- and 8 or 17 hex digits. */
export function isNetworkInterfaceId(value: string): boolean {
    return /^eni-[0-9a-f]{8}([0-9a-f]{9})?$/.test(value);
}

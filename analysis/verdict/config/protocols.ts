/** Protocol fields of security group rules (`tcp`, `6`, `-1`) and ACL entries (`6`, `-1`) against an IANA number. */
import { PROTOCOL_NUMBERS } from "../../core/records";

export function protocolNumber(text: string | undefined): number | "all" | undefined {
    if (text === undefined) return undefined;
    if (text === "-1" || text.toLowerCase() === "all") return "all";
    const named = PROTOCOL_NUMBERS[text.toLowerCase()];
    if (named !== undefined) return named;
    return /^\d{1,3}$/.test(text) ? Number(text) : undefined;
}

export function protocolMatches(ruleProtocol: string | undefined, protocol: number): boolean {
    const n = protocolNumber(ruleProtocol);
    return n === "all" || n === protocol;
}

/**
 * Security group matching and network ACL evaluation: the rules mutation testing (stryker.config.mjs)
 * still found unpinned after mutation-rules.test.ts. Each test is one situation with the whole answer.
 */
import { expect } from "chai";
import { parseIpRange } from "../../../analysis/core/ip";
import { describeEntry, evaluateAcl } from "../../../analysis/verdict/config/networkAcls";
import { evaluateEgress } from "../../../analysis/verdict/config/securityGroups";
import { Ec2Documents, Ec2NetworkAcl, Ec2NetworkAclEntry } from "../../../analysis/verdict/config/ec2Documents";
import { ec2Documents } from "../../helpers/ec2Documents";

const S3 = parseIpRange("52.219.204.42", "--dst");
const SG = "sg-0123456789abcdef0";

const DOCS: Ec2Documents = ec2Documents();

const acl = (entries: readonly Ec2NetworkAclEntry[]): Ec2NetworkAcl => ({ NetworkAclId: "acl-0d1e2f3a4b5c6d7e8", Entries: entries });
const tcpRule = (RuleNumber: number | undefined, Egress: boolean, RuleAction: string, From: number, To: number): Ec2NetworkAclEntry => ({
    ...(RuleNumber === undefined ? {} : { RuleNumber }),
    Protocol: "6",
    RuleAction,
    Egress,
    CidrBlock: "0.0.0.0/0",
    PortRange: { From, To },
});
const finalDeny = (Egress: boolean): Ec2NetworkAclEntry => ({ RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" });

describe("security group matching (mutation-tested): the rule that lets the packets out", () => {
    // EC2 API reference, IpPermission: FromPort "If the protocol is TCP or UDP, this is the start of the port
    // range"; ToPort "... this is the end of the port range". The evidence names the allowing rule as the
    // console shows it (`tcp 443-8443`, `udp 53`, `all traffic`), so a reader can find it in the group.
    it("names the first rule that allows the packets: a port range as From-To, one port alone, all traffic", () => {
        const group = {
            GroupId: SG,
            IpPermissionsEgress: [
                { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
                { IpProtocol: "tcp", FromPort: 443, ToPort: 8443, IpRanges: [{ CidrIp: "10.0.0.0/8" }, { CidrIp: "52.219.192.0/18" }] },
                { IpProtocol: "udp", FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: "52.219.204.0/24" }] },
                { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
            ],
        };
        expect([evaluateEgress(DOCS, [group], 6, 443, S3), evaluateEgress(DOCS, [group], 6, 22, S3), evaluateEgress(DOCS, [group], 17, 53, S3), evaluateEgress(DOCS, [group], 17, 123, S3)]).to.deep.equal([
            { allowed: true, allowedBy: `${SG}: tcp 443-8443 to 52.219.192.0/18`, unknownPrefixLists: [] },
            { allowed: true, allowedBy: `${SG}: tcp 22 to 0.0.0.0/0`, unknownPrefixLists: [] },
            { allowed: true, allowedBy: `${SG}: udp 53 to 52.219.204.0/24`, unknownPrefixLists: [] },
            { allowed: true, allowedBy: `${SG}: all traffic to 0.0.0.0/0`, unknownPrefixLists: [] },
        ]);
    });
});

describe("network ACL evaluation (mutation-tested): reply ports split by several rules", () => {
    // EC2 API reference, NetworkAclEntry RuleNumber: "ACL entries are processed in ascending order by rule
    // number." VPC user guide, default network ACL, on the rule numbered *: "This rule ensures that if a
    // packet doesn't match any of the other numbered rules, it's denied." Each reply port is decided by the first rule that matches it:
    // an allow for 40000-45000 leaves two pieces of the client's 32768-60999; a deny for 50000-65535 takes
    // part of the second piece only; what is left of both goes to the final rule.
    it("an inbound ACL allowing replies only on 40000-45000 and denying 50000-65535: every other client port is dropped, in port order", () => {
        const entries = [tcpRule(100, false, "allow", 40000, 45000), tcpRule(110, false, "deny", 50000, 65535), finalDeny(false), tcpRule(100, true, "allow", 443, 443), finalDeny(true)];
        expect(evaluateAcl(acl(entries), { egress: false, protocol: 6, peer: S3, ports: [32768, 60999] })).to.deep.equal({
            allowed: false,
            rule: "110",
            ruleText: "110 deny tcp 50000-65535 from 0.0.0.0/0",
            deniedPorts: [
                [32768, 39999],
                [45001, 49999],
                [50000, 60999],
            ],
            gapPorts: [],
        });
        // Without the final rule in the document (a trimmed snapshot) the same ports are left over: a gap the final rule drops.
        expect(evaluateAcl(acl(entries.filter((e) => e.RuleNumber !== 32767)), { egress: false, protocol: 6, peer: S3, ports: [32768, 60999] })).to.deep.equal({
            allowed: false,
            rule: "110",
            ruleText: "110 deny tcp 50000-65535 from 0.0.0.0/0",
            deniedPorts: [[50000, 60999]],
            gapPorts: [
                [32768, 39999],
                [45001, 49999],
            ],
        });
    });

    // The culprit names the deciding rule by its number, which is what `aws ec2 replace-network-acl-entry
    // --rule-number` and the console use; a document without the number (hand-trimmed) shows "?" there, never
    // an empty field that reads as part of the action.
    it("a deciding rule without a RuleNumber is named ?", () => {
        const entries = [tcpRule(undefined, true, "deny", 443, 443), finalDeny(true)];
        expect(evaluateAcl(acl(entries), { egress: true, protocol: 6, peer: S3, ports: [443, 443] })).to.deep.equal({
            allowed: false,
            rule: "?",
            ruleText: "? deny tcp 443 to 0.0.0.0/0",
            deniedPorts: [[443, 443]],
            gapPorts: [],
        });
        expect(describeEntry(tcpRule(undefined, false, "allow", 1024, 65535))).to.equal("? allow tcp 1024-65535 from 0.0.0.0/0");
    });
});

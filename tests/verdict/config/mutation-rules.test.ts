/**
 * Network ACL and security group rules that mutation testing (stryker.config.mjs) found unpinned.
 * Each test names the rule and quotes the AWS sentence it rests on.
 */
import { expect } from "chai";
import { parseIpRange } from "../../../analysis/core/ip";
import { describeEntry, evaluateAcl, freeRuleNumber } from "../../../analysis/verdict/config/networkAcls";
import { evaluateEgress } from "../../../analysis/verdict/config/securityGroups";
import { Ec2Documents, Ec2NetworkAcl, Ec2NetworkAclEntry, Ec2SecurityGroup } from "../../../analysis/verdict/config/ec2Documents";
import { ec2Documents } from "../../helpers/ec2Documents";

const S3 = parseIpRange("52.219.204.42", "--dst");
const S3_LIST = "pl-78a54011";

function docs(prefixListEntries: Ec2Documents["prefixListEntries"] = {}): Ec2Documents {
    return ec2Documents({ prefixListEntries });
}

function acl(entries: readonly Ec2NetworkAclEntry[]): Ec2NetworkAcl {
    return { NetworkAclId: "acl-0a1b2c3d4e5f60718", Entries: entries };
}

const finalDeny = (egress: boolean): Ec2NetworkAclEntry => ({ RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: egress, CidrBlock: "0.0.0.0/0" });

describe("network ACL rules (mutation-tested)", () => {
    // EC2 API reference, NetworkAclEntry / CreateNetworkAclEntry RuleNumber: "ACL entries are processed
    // in ascending order by rule number." Each reply port is decided by the first rule that matches it, so the
    // dropped ports are reported in port order whatever the rule order.
    it("reports the dropped reply ports in port order, whichever rule (the first deny, a later deny, the final rule) took them", () => {
        const entries: Ec2NetworkAclEntry[] = [
            { RuleNumber: 100, Protocol: "6", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0", PortRange: { From: 60000, To: 65535 } },
            { RuleNumber: 110, Protocol: "6", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0", PortRange: { From: 32768, To: 40000 } },
            { RuleNumber: 120, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0", PortRange: { From: 40001, To: 50000 } },
            finalDeny(false),
        ];
        expect(evaluateAcl(acl(entries), { egress: false, protocol: 6, peer: S3, ports: [32768, 65535] })).to.deep.equal({
            allowed: false,
            rule: "100",
            ruleText: "100 deny tcp 60000-65535 from 0.0.0.0/0",
            deniedPorts: [
                [32768, 40000],
                [50001, 59999],
                [60000, 65535],
            ],
            gapPorts: [],
        });
    });

    it("names each protocol of a rule as a person reads it: udp, icmp, icmpv6, another number, all traffic", () => {
        const entry = (Protocol: string, PortRange?: { From: number; To: number }): Ec2NetworkAclEntry => ({
            RuleNumber: 90,
            Protocol,
            RuleAction: "deny",
            Egress: true,
            CidrBlock: "0.0.0.0/0",
            PortRange,
        });
        expect(describeEntry(entry("17", { From: 53, To: 53 }))).to.equal("90 deny udp 53 to 0.0.0.0/0");
        expect(describeEntry(entry("1"))).to.equal("90 deny icmp to 0.0.0.0/0");
        expect(describeEntry(entry("58"))).to.equal("90 deny icmpv6 to 0.0.0.0/0");
        expect(describeEntry(entry("47"))).to.equal("90 deny protocol 47 to 0.0.0.0/0");
        expect(describeEntry(entry("-1", { From: 0, To: 65535 }))).to.equal("90 deny all traffic to 0.0.0.0/0");
        expect(describeEntry({ RuleNumber: 32767, Egress: false })).to.equal("* ? protocol ? from ?");
    });

    // EC2 API reference: "ACL entries are processed in ascending order by rule number." A new rule that must act before rule 100 needs a free number below it: the nearest one, so rules
    // numbered lower keep deciding first.
    it("a new rule that must act before rule 100 gets the nearest free number below it", () => {
        const entries: Ec2NetworkAclEntry[] = [
            { RuleNumber: 98, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" },
            { RuleNumber: 99, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" },
            { RuleNumber: 100, Protocol: "6", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0" },
            { RuleNumber: 97, Protocol: "6", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" },
        ];
        expect(freeRuleNumber(acl(entries), false, "100")).to.equal(97);
        expect(freeRuleNumber(acl(entries), true, "100")).to.equal(99);
    });

    // CreateNetworkAclEntry refuses a number in use in that direction (NetworkAclEntryAlreadyExists): numbers
    // already proposed for other new rules in the same answer count as taken, before a rule and at the end.
    it("numbers already proposed in the same answer are taken too", () => {
        const entries: Ec2NetworkAclEntry[] = [
            { RuleNumber: 100, Protocol: "-1", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0" },
            { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0" },
        ];
        expect(freeRuleNumber(acl(entries), false, "100", new Set([99]))).to.equal(98);
        expect(freeRuleNumber(acl(entries), false, "*", new Set([110]))).to.equal(120);
        expect(freeRuleNumber(acl(entries), false, "*", new Set([99]))).to.equal(110);
        expect(freeRuleNumber(acl(entries), true, "*", new Set([10]))).to.equal(20);
        expect(freeRuleNumber(acl(entries), true, "*")).to.equal(10);
    });
});

describe("security group rules (mutation-tested)", () => {
    const group = (rules: Ec2SecurityGroup["IpPermissionsEgress"]): Ec2SecurityGroup => ({ GroupId: "sg-0a1b2c3d4e5f60718", IpPermissionsEgress: rules });

    // EC2 API reference, IpPermission FromPort: "If the protocol is TCP or UDP, this is the start of the
    // port range. If the protocol is ICMP or ICMPv6, this is the ICMP type or -1 (all ICMP types)."
    // ICMP has no ports: an ICMP rule of any type
    // matches the protocol; a TCP rule with no port range (a hand-trimmed document) matches every port.
    it("an ICMP rule matches ICMP whatever its type fields; a TCP rule without a port range matches any port", () => {
        const icmp = group([{ IpProtocol: "icmp", FromPort: 8, ToPort: 0, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }]);
        expect(evaluateEgress(docs(), [icmp], 1, 0, S3).allowed).to.equal(true);
        const tcpNoPorts = group([{ IpProtocol: "tcp", IpRanges: [{ CidrIp: "52.219.204.0/22" }] }]);
        expect(evaluateEgress(docs(), [tcpNoPorts], 6, 443, S3).allowed).to.equal(true);
        const tcp22 = group([{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }]);
        expect(evaluateEgress(docs(), [tcp22], 6, 443, S3)).to.deep.equal({ allowed: false, unknownPrefixLists: [] });
    });

    // EC2 API reference, IpPermission PrefixListIds: "The prefix list IDs." A rule's destination can be
    // a prefix list, which stands for its entries. Without the
    // list's entries the check cannot say whether the rule allows the destination, so it names the
    // list instead of answering "blocked" silently.
    it("a rule to a prefix list whose entries are not in the documents: not allowed by it, and the list is named as unknown", () => {
        const sg = group([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: S3_LIST }] }]);
        expect(evaluateEgress(docs(), [sg], 6, 443, S3)).to.deep.equal({ allowed: false, unknownPrefixLists: [S3_LIST] });
        expect(evaluateEgress(docs({ [S3_LIST]: [{ Cidr: "52.219.192.0/18" }] }), [sg], 6, 443, S3)).to.deep.equal({
            allowed: true,
            allowedBy: `sg-0a1b2c3d4e5f60718: tcp 443 to ${S3_LIST}`,
            unknownPrefixLists: [],
        });
    });

    it("a group without egress rules allows nothing; IPv6 rules never allow an IPv4 destination", () => {
        const v6Only = group([{ IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] }]);
        expect(evaluateEgress(docs(), [{ GroupId: "sg-0empty" }, v6Only], 6, 443, S3)).to.deep.equal({ allowed: false, unknownPrefixLists: [] });
        const v4Only = group([{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }]);
        expect(evaluateEgress(docs(), [v4Only], 6, 443, parseIpRange("2600:1f18::1", "--dst"))).to.deep.equal({ allowed: false, unknownPrefixLists: [] });
    });
});

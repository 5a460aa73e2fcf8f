/**
 * The network ACL fixes the configuration check proposes, applied: whatever rules the workload's
 * subnet and the NAT gateway's subnet hold, running every `create-network-acl-entry` the answer gives
 * must be accepted by EC2 (no rule number in use in that direction) and must leave no network ACL
 * culprit behind. The check that finds the culprits (analysis/verdict/config/networkAcls.ts) and the
 * texts that propose the fixes (evaluate.ts) are separate code: this holds them against each other.
 * Found by it: one rule dropping both legs of a direction at the NAT gateway's subnet named only the
 * first leg, and two new rules of one direction got the same number.
 *
 * EC2 API reference, CreateNetworkAclEntry: "We process the entries in the ACL according to the rule
 * numbers, in ascending order"; a rule number already used in that direction is refused
 * (NetworkAclEntryAlreadyExists); rule numbers run from 1 to 32766.
 */
import { expect } from "chai";
import fc from "fast-check";
import { AddressSet } from "../../../analysis/core/ip";
import { evaluateConfiguration } from "../../../analysis/verdict/config/evaluate";
import { Ec2Documents, Ec2NetworkAcl, Ec2NetworkAclEntry } from "../../../analysis/verdict/config/ec2Documents";
import { ENI, PUBLIC_SUBNET, SUBNET, VPC, natGateway, natInterface, world } from "../../helpers/gatewayWorld";

const NAT = "nat-0d4e5f6a7b8c9d0e2";
const WORKLOAD_ACL = "acl-0a0a0a0a0a0a0a0a1";
const NAT_ACL = "acl-0b0b0b0b0b0b0b0b2";
const nat = natGateway(NAT, PUBLIC_SUBNET, "10.0.0.90");

/** The workload reaches the destination through a NAT gateway, so both subnets' ACLs are on the path. */
function docsWith(workloadEntries: Ec2NetworkAclEntry[], natEntries: Ec2NetworkAclEntry[]): Ec2Documents {
    const base = world({ workloadRoutes: [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: NAT, Origin: "CreateRoute", State: "active" }], natGateways: [nat], interfaces: [natInterface(nat)] });
    const acl = (NetworkAclId: string, SubnetId: string, Entries: Ec2NetworkAclEntry[]): Ec2NetworkAcl => ({ NetworkAclId, VpcId: VPC, IsDefault: false, Associations: [{ SubnetId, NetworkAclId }], Entries });
    return { ...base, networkAcls: [acl(WORKLOAD_ACL, SUBNET, workloadEntries), acl(NAT_ACL, PUBLIC_SUBNET, natEntries)] };
}

const PROTOCOLS: Record<string, string> = { tcp: "6", udp: "17", icmp: "1" };

/** One proposed command, applied as EC2 would: refused when the number is in use in that direction. */
function apply(docs: Ec2Documents, command: string): Ec2Documents {
    const words = command.split(" ");
    const value = (flag: string) => words[words.indexOf(flag) + 1];
    const replace = words[2] === "replace-network-acl-entry";
    expect(words.slice(0, 2), command).to.deep.equal(["aws", "ec2"]);
    expect(["create-network-acl-entry", "replace-network-acl-entry"], command).to.include(words[2]);
    const id = value("--network-acl-id");
    const egress = words.includes("--egress");
    const ruleNumber = Number(value("--rule-number"));
    const range = words.includes("--port-range") ? /From=(\d+),To=(\d+)/.exec(value("--port-range")) : null;
    const entry: Ec2NetworkAclEntry = {
        RuleNumber: ruleNumber,
        Protocol: PROTOCOLS[value("--protocol")] ?? value("--protocol"),
        RuleAction: value("--rule-action"),
        Egress: egress,
        ...(words.includes("--cidr-block") ? { CidrBlock: value("--cidr-block") } : { Ipv6CidrBlock: value("--ipv6-cidr-block") }),
        ...(range ? { PortRange: { From: Number(range[1]), To: Number(range[2]) } } : {}),
    };
    expect(ruleNumber, `${command}: rule numbers run from 1 to 32766`).to.be.within(1, 32766);
    return {
        ...docs,
        networkAcls: docs.networkAcls.map((acl) => {
            if (acl.NetworkAclId !== id) return acl;
            const same = (e: Ec2NetworkAclEntry) => e.Egress === egress && e.RuleNumber === ruleNumber;
            const existing = (acl.Entries ?? []).find(same);
            // ReplaceNetworkAclEntry needs the entry to exist; CreateNetworkAclEntry needs the number free.
            if (replace) expect(existing, `${command}: no rule ${ruleNumber} to replace`).not.to.equal(undefined);
            else expect(existing, `${command}: NetworkAclEntryAlreadyExists (rule ${ruleNumber} ${egress ? "egress" : "ingress"} of ${id} is in use)`).to.equal(undefined);
            return { ...acl, Entries: [...(acl.Entries ?? []).filter((e) => !same(e)), entry] };
        }),
    };
}

const CIDRS = ["0.0.0.0/0", "10.0.0.0/16", "10.0.1.25/32", "10.0.0.0/24", "10.0.0.90/32", "203.0.113.0/24", "52.219.204.0/22", "198.51.100.0/24"];
const PORT_BOUNDS = [0, 80, 443, 444, 1024, 32767, 32768, 50000, 60999, 61000, 65535];

const entryArb = (egress: boolean) =>
    fc.record({
        // Low numbers often: a deny with no free number below it must be fixed in place.
        RuleNumber: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 400 })),
        action: fc.constantFrom("allow", "deny"),
        protocol: fc.constantFrom("-1", "6", "6", "17"),
        cidr: fc.constantFrom(...CIDRS),
        from: fc.constantFrom(...PORT_BOUNDS),
        to: fc.constantFrom(...PORT_BOUNDS),
    }).map((r): Ec2NetworkAclEntry => ({
        RuleNumber: r.RuleNumber,
        Protocol: r.protocol,
        RuleAction: r.action,
        Egress: egress,
        CidrBlock: r.cidr,
        ...(r.protocol === "-1" ? {} : { PortRange: { From: Math.min(r.from, r.to), To: Math.max(r.from, r.to) } }),
    }));

/** Up to five rules each way with distinct numbers, and the final `*` deny every ACL ends with. */
const entriesArb = fc
    .tuple(fc.uniqueArray(entryArb(true), { maxLength: 5, selector: (e) => e.RuleNumber }), fc.uniqueArray(entryArb(false), { maxLength: 5, selector: (e) => e.RuleNumber }))
    .map(([out, inbound]) => [...out, ...inbound, ...[true, false].map((Egress) => ({ RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" }))]);

function aclCulprits(docs: Ec2Documents, dst: string) {
    const answer = evaluateConfiguration(docs, ENI, { dst: AddressSet.parse(dst, "--dst"), port: 443, protocol: 6 });
    return answer.culprits.filter((c) => c.kind === "network-acl");
}

describe("network ACL fixes, applied (property)", () => {
    it("every proposed create-network-acl-entry is accepted, and together they leave no ACL culprit", () => {
        fc.assert(
            fc.property(entriesArb, entriesArb, fc.constantFrom("203.0.113.10", "52.219.204.42"), (workload, natSide, dst) => {
                let docs = docsWith(workload, natSide);
                const culprits = aclCulprits(docs, dst);
                for (const c of culprits) docs = apply(docs, c.fix);
                expect(aclCulprits(docs, dst).map((c) => `${c.id} ${c.direction} ${c.rule}: ${c.reason}`)).to.deep.equal([]);
            }),
            { seed: 28, numRuns: 400 },
        );
    });

    // No number below rule 1: the first leg it drops gets rule 1 replaced; the second leg, dropped by
    // rule 1 too, is judged by what decides it once that is done (the final * deny), and gets a new rule.
    it("a deny at rule 1 drops two legs: the first fix replaces rule 1 and says so, the second creates rule 10", () => {
        const entry = (RuleNumber: number, Egress: boolean, RuleAction = "deny") => ({ RuleNumber, Protocol: "-1", RuleAction, Egress, CidrBlock: "0.0.0.0/0" });
        const open = [entry(100, true, "allow"), entry(100, false, "allow"), entry(32767, true), entry(32767, false)];
        let docs = docsWith(open, [entry(1, false), entry(100, true, "allow"), entry(32767, true), entry(32767, false)]);
        const culprits = aclCulprits(docs, "203.0.113.10");
        expect(culprits.map((c) => [c.rule, c.reason, c.fix, c.hint])).to.deep.equal([
            [
                "1",
                `Inbound rule 1 deny all traffic from 0.0.0.0/0 of ${NAT_ACL} drops tcp 443 to 203.0.113.10 arriving from 10.0.1.25 (the requests, on their way into the NAT gateway). No rule number below 1 is free, so the fix replaces rule 1 itself: re-create what it was for at a higher number if it is still needed.`,
                `aws ec2 replace-network-acl-entry --network-acl-id ${NAT_ACL} --ingress --rule-number 1 --protocol tcp --port-range From=443,To=443 --cidr-block 10.0.1.25/32 --rule-action allow`,
                `change the rule numbered 1 to new aws.ec2.NetworkAclRule(..., { networkAclId: "${NAT_ACL}", ruleNumber: 1, egress: false, protocol: "tcp", ruleAction: "allow", cidrBlock: "10.0.1.25/32", fromPort: 443, toPort: 443 })`,
            ],
            [
                "*",
                `Once rule 1 is replaced (above): no inbound rule of ${NAT_ACL} allows the replies from 203.0.113.10:443 to 10.0.0.90 on the NAT gateway's ports 1024-65535: they meet the final * deny.`,
                `aws ec2 create-network-acl-entry --network-acl-id ${NAT_ACL} --ingress --rule-number 10 --protocol tcp --port-range From=1024,To=65535 --cidr-block 203.0.113.10/32 --rule-action allow`,
                `new aws.ec2.NetworkAclRule(..., { networkAclId: "${NAT_ACL}", ruleNumber: 10, egress: false, protocol: "tcp", ruleAction: "allow", cidrBlock: "203.0.113.10/32", fromPort: 1024, toPort: 65535 })`,
            ],
        ]);
        for (const c of culprits) docs = apply(docs, c.fix);
        expect(aclCulprits(docs, "203.0.113.10")).to.deep.equal([]);
    });

    // A dual-stack workload and a --dst of both families: each family's legs are their own fixes (IPv4
    // and IPv6 entries are separate rules), and their numbers differ, since EC2 numbers both families'
    // entries of a direction together (the default ACL has 100 for IPv4 and 101 for IPv6).
    it("a --dst of both families and an ACL with only its final rules: both families' legs, rules 10 and 20", () => {
        const v6Route = { DestinationIpv6CidrBlock: "::/0", GatewayId: "igw-0b1c2d3e4f5a6b7c8", Origin: "CreateRoute", State: "active" };
        const finalOnly = [true, false].flatMap((Egress) => [
            { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" },
            { RuleNumber: 32768, Protocol: "-1", RuleAction: "deny", Egress, Ipv6CidrBlock: "::/0" },
        ]);
        const base = docsWith(finalOnly, finalOnly);
        let docs: Ec2Documents = {
            ...base,
            networkInterfaces: [{ ...base.networkInterfaces[0], Ipv6Addresses: [{ Ipv6Address: "2406:da12:a3c:d101::25" }] }, ...base.networkInterfaces.slice(1)],
            routeTables: base.routeTables.map((t) => (t.RouteTableId === "rtb-0aa11bb22cc33dd44" ? { ...t, Routes: [...(t.Routes ?? []), v6Route] } : t)),
        };
        const dst = "203.0.113.10,2406:da60:4000:2a00::1b";
        const culprits = aclCulprits(docs, dst).filter((c) => c.id === WORKLOAD_ACL);
        expect(culprits.map((c) => c.fix)).to.deep.equal([
            `aws ec2 create-network-acl-entry --network-acl-id ${WORKLOAD_ACL} --egress --rule-number 10 --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow`,
            `aws ec2 create-network-acl-entry --network-acl-id ${WORKLOAD_ACL} --ingress --rule-number 10 --protocol tcp --port-range From=32768,To=60999 --cidr-block 0.0.0.0/0 --rule-action allow`,
            `aws ec2 create-network-acl-entry --network-acl-id ${WORKLOAD_ACL} --egress --rule-number 20 --protocol tcp --port-range From=443,To=443 --ipv6-cidr-block ::/0 --rule-action allow`,
            `aws ec2 create-network-acl-entry --network-acl-id ${WORKLOAD_ACL} --ingress --rule-number 20 --protocol tcp --port-range From=32768,To=60999 --ipv6-cidr-block ::/0 --rule-action allow`,
        ]);
        expect(culprits[2].hint).to.equal(
            `new aws.ec2.NetworkAclRule(..., { networkAclId: "${WORKLOAD_ACL}", ruleNumber: 20, egress: true, protocol: "tcp", ruleAction: "allow", ipv6CidrBlock: "::/0", fromPort: 443, toPort: 443 })`,
        );
        for (const c of aclCulprits(docs, dst)) docs = apply(docs, c.fix);
        expect(aclCulprits(docs, dst)).to.deep.equal([]);
    });

    it("a new custom ACL on both subnets: six legs, each fixed once, and the path opens", () => {
        const finalOnly = [true, false].map((Egress) => ({ RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress, CidrBlock: "0.0.0.0/0" }));
        let docs = docsWith(finalOnly, finalOnly);
        const culprits = aclCulprits(docs, "203.0.113.10");
        expect(culprits.map((c) => `${c.id} ${c.direction} ${c.effect} ${/--rule-number (\d+)/.exec(c.fix)?.[1]}`)).to.deep.equal([
            `${WORKLOAD_ACL} outbound drops-request 10`,
            `${NAT_ACL} inbound drops-request 10`,
            `${NAT_ACL} outbound drops-request 10`,
            `${NAT_ACL} inbound drops-reply 20`,
            `${NAT_ACL} outbound drops-reply 20`,
            `${WORKLOAD_ACL} inbound drops-reply 10`,
        ]);
        for (const c of culprits) docs = apply(docs, c.fix);
        expect(evaluateConfiguration(docs, ENI, { dst: AddressSet.parse("203.0.113.10", "--dst"), port: 443, protocol: 6 }).verdict).to.equal("network-ok");
    });
});

/**
 * Which interface the configuration check evaluates (analysis/verdict/config/scope.ts): the answers
 * mutation testing (stryker.config.mjs) found unpinned. When the check cannot pick the workload's
 * interface, its reason is the whole answer the user gets (a warning on stderr and in the JSON
 * `warnings`, and `config.agreementReason`): it must say what was looked for and what the snapshot
 * holds, so the user can take the right snapshot or name an interface with --eni.
 */
import { expect } from "chai";
import { AddressSet } from "../../../analysis/core/ip";
import { Ec2Documents, Ec2NetworkInterface } from "../../../analysis/verdict/config/ec2Documents";
import { ScopeQuestion, chooseInterface } from "../../../analysis/verdict/config/scope";
import { ec2Documents } from "../../helpers/ec2Documents";

const A = "eni-0a1b2c3d4e5f60718";
const B = "eni-0b2c3d4e5f6071829";
const C = "eni-0c3d4e5f607182930";
const D = "eni-0d4e5f60718293041";
const WORKLOAD_SUBNET = "subnet-0c1d2e3f4a5b6c7d8";
const OTHER_SUBNET = "subnet-0e4d3c2b1a0f9e8d7";
const VPC = "vpc-0a1b2c3d4e5f60789";
const ADVICE = "Check a snapshot of the workload's interface ('vpc-flow-diagnose snapshot --eni <eni-id> --out <dir>'), or name a stand-in with --eni";

const eni = (id: string | undefined, addresses: string[], subnet = OTHER_SUBNET): Ec2NetworkInterface => ({
    ...(id === undefined ? {} : { NetworkInterfaceId: id }),
    ...(addresses.length > 0 ? { PrivateIpAddress: addresses[0] } : {}),
    PrivateIpAddresses: addresses.filter((a) => a.includes(".")).map((PrivateIpAddress, i) => ({ PrivateIpAddress, Primary: i === 0 })),
    Ipv6Addresses: addresses.filter((a) => a.includes(":")).map((Ipv6Address) => ({ Ipv6Address })),
    SubnetId: subnet,
    VpcId: VPC,
});

const docsOf = (...networkInterfaces: Ec2NetworkInterface[]): Ec2Documents => ec2Documents({ networkInterfaces });

const question = (q: Partial<ScopeQuestion> = {}): ScopeQuestion => ({ src: AddressSet.parse("10.0.1.25", "--src"), recordsEnis: [], recordsSubnets: [], ...q });

describe("configuration check scope (mutation-tested): the reason given when no interface is evaluated", () => {
    const cases: Array<[string, Ec2Documents, ScopeQuestion, unknown]> = [
        [
            "no records' interface or subnet: only --src was looked for; every address of an interface is listed",
            docsOf(eni(B, ["10.9.1.40", "10.9.1.41", "2406:da12:a3c:d100::9"])),
            question(),
            { checked: false, reason: `none of its network interfaces holds 10.0.1.25: it holds ${B} (10.9.1.40, 10.9.1.41, 2406:da12:a3c:d100::9; ${VPC}, ${OTHER_SUBNET}). ${ADVICE}` },
        ],
        [
            "two records' interfaces and the records' subnet, none in the snapshot: each is named, and each interface it holds",
            docsOf(eni(C, ["10.9.1.40"]), eni(D, ["10.9.1.41"])),
            question({ recordsEnis: [A, B], recordsSubnets: [WORKLOAD_SUBNET] }),
            {
                checked: false,
                reason: `none of its network interfaces holds 10.0.1.25 or is the records' ${A}, ${B} or is in the workload's ${WORKLOAD_SUBNET}: it holds ${C} (10.9.1.40; ${VPC}, ${OTHER_SUBNET}), ${D} (10.9.1.41; ${VPC}, ${OTHER_SUBNET}). ${ADVICE}`,
            },
        ],
        [
            "a snapshot without network interfaces",
            docsOf(),
            question({ recordsEnis: [A] }),
            { checked: false, reason: `none of its network interfaces holds 10.0.1.25 or is the records' ${A}: it holds none. ${ADVICE}` },
        ],
        [
            "--eni names an interface of a snapshot without network interfaces",
            docsOf(),
            question({ named: A }),
            { checked: false, reason: `network interface ${A} is not in describe-network-interfaces (it holds: none)` },
        ],
        [
            "the records show two interfaces, both in the snapshot: the user must name one",
            docsOf(eni(A, ["10.0.1.25"], WORKLOAD_SUBNET), eni(B, ["10.0.1.26"], WORKLOAD_SUBNET)),
            question({ recordsEnis: [A, B] }),
            { checked: false, reason: `the records show several of its interfaces for 10.0.1.25 (${A}, ${B}): name one with --eni` },
        ],
        [
            // A hand-trimmed snapshot: what is missing is said, not left blank.
            "an interface whose document lacks its id, addresses, VPC and subnet",
            docsOf({ PrivateIpAddresses: [], Ipv6Addresses: [] }),
            question(),
            { checked: false, reason: `none of its network interfaces holds 10.0.1.25: it holds ? (no address; no VpcId, no SubnetId). ${ADVICE}` },
        ],
        [
            "two interfaces hold --src, one of them without an id",
            docsOf(eni(undefined, ["10.0.1.25"]), eni(B, ["10.0.1.26", "10.0.1.25"])),
            question(),
            { checked: false, reason: `several of its interfaces hold addresses of 10.0.1.25 (?, ${B}): name one with --eni` },
        ],
        [
            "the one interface that holds --src has no id in the document: shown as ?",
            docsOf(eni(undefined, ["10.0.1.25"])),
            question(),
            { checked: true, eniId: "?", basis: "it holds 10.0.1.25" },
        ],
        [
            "the one interface of the workload's subnet has no id in the document: shown as ?",
            docsOf(eni(undefined, ["10.0.1.77"], WORKLOAD_SUBNET)),
            question({ recordsSubnets: [WORKLOAD_SUBNET] }),
            {
                checked: true,
                eniId: "?",
                basis: `in ${WORKLOAD_SUBNET} like the workload, which the snapshot does not hold: its route table and network ACL are the workload's, its security groups may not be`,
            },
        ],
    ];
    for (const [what, docs, q, expected] of cases) {
        it(what, () => expect(chooseInterface(docs, q)).to.deep.equal(expected));
    }
});

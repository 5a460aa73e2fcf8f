/**
 * The record model read from AWS's own example records (tests/fixtures/flow-log-corpus/aws-vpc-user-guide,
 * copied from the VPC user guide's "Flow log record examples"): every field lands under its own name with
 * its own type, a `-` leaves the field out, and a value its field does not allow marks the record invalid.
 *
 * Why it matters: the verdict reads direction (srcaddr/dstaddr, flow-direction), the action and the
 * path from these fields. A record read with the source and destination swapped, or with ACCEPT where
 * AWS wrote REJECT, gives the user the wrong culprit.
 */
import { expect } from "chai";
import fc from "fast-check";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_FIELDS, formatFromHeader } from "../../analysis/core/logFormat";
import { INVALID, RECORD_FIELDS, buildRecord, isInvalid, opaqueField, protocolHasPorts, protocolName } from "../../analysis/core/records";

const CORPUS = path.join(__dirname, "..", "..", "..", "tests", "fixtures", "flow-log-corpus", "aws-vpc-user-guide");
const lines = (file: string) => fs.readFileSync(path.join(CORPUS, file), "utf8").split("\n").filter((l) => l.trim() !== "");
const fieldsOf = (names: readonly string[]) => names.map((n) => RECORD_FIELDS.get(n) ?? opaqueField(n));

describe("core/records: AWS's example records, field by field (issue 28)", () => {
    it("reads the guide's default-format SSH and RDP records with their direction and action (accepted-rejected.log)", () => {
        // "...SSH traffic (destination port 22, TCP protocol) to network interface eni-1235b8ca123456789
        // in account 123456789010 was allowed." / "...RDP traffic (destination port 3389) ... was rejected."
        const fields = fieldsOf(DEFAULT_FIELDS);
        expect(lines("accepted-rejected.log").map((l) => buildRecord(fields, l.split(" ")))).to.deep.equal([
            {
                version: 2, accountId: "123456789010", interfaceId: "eni-1235b8ca123456789", srcAddr: "172.31.16.139", dstAddr: "172.31.16.21",
                srcPort: 20641, dstPort: 22, protocol: 6, packets: 20, bytes: 4249, startTime: 1418530010, endTime: 1418530070, action: "ACCEPT", logStatus: "OK",
            },
            {
                version: 2, accountId: "123456789010", interfaceId: "eni-1235b8ca123456789", srcAddr: "172.31.9.69", dstAddr: "172.31.9.12",
                srcPort: 49761, dstPort: 3389, protocol: 6, packets: 20, bytes: 4249, startTime: 1418530010, endTime: 1418530070, action: "REJECT", logStatus: "OK",
            },
        ]);
    });

    it("reads the guide's version 5 records in their own field order: flow direction, traffic path, AWS service; '-' fields left out", () => {
        // "flow-direction: The direction of the flow with respect to the interface where traffic is
        // captured"; "traffic-path: The path that egress traffic takes to the destination" (field table).
        const [header, ...records] = lines("service-traffic-path-flow-direction.log");
        const format = formatFromHeader(header);
        expect(format?.kind).to.equal("custom");
        const fields = fieldsOf(format!.fields);
        const common = {
            version: 5, type: "IPv4", accountId: "123456789012", vpcId: "vpc-abcdefab012345678", subnetId: "subnet-aaaaaaaa012345678",
            instanceId: "i-0c50d5961bcb2d47b", interfaceId: "eni-1235b8ca123456789", region: "ap-southeast-2", azId: "apse2-az3",
            startTime: 1616729292, endTime: 1616729349, action: "ACCEPT", logStatus: "OK", protocol: 6,
        };
        expect(records.map((l) => buildRecord(fields, l.split(" ")))).to.deep.equal([
            {
                ...common, srcAddr: "52.95.128.179", dstAddr: "10.0.0.71", srcPort: 80, dstPort: 34210, packets: 14, bytes: 15044, tcpFlags: 19,
                pktSrcAddr: "52.95.128.179", pktDstAddr: "10.0.0.71", pktSrcAwsService: "S3", flowDirection: "ingress",
            },
            {
                ...common, srcAddr: "10.0.0.71", dstAddr: "52.95.128.179", srcPort: 34210, dstPort: 80, packets: 7, bytes: 471, tcpFlags: 3,
                pktSrcAddr: "10.0.0.71", pktDstAddr: "52.95.128.179", pktDstAwsService: "S3", trafficPath: 8, flowDirection: "egress",
            },
        ]);
    });

    it("marks the NAT gateway's ENI as requester-managed from instance-id '-' only (nat-gateway.log)", () => {
        // instance-id: "Returns a '-' symbol for a requester-managed network interface; for example, the
        // network interface for a NAT gateway." (field table)
        const [header, ...records] = lines("nat-gateway.log");
        const fields = fieldsOf(formatFromHeader(header)!.fields);
        const read = records.map((l) => buildRecord(fields, l.split(" ")));
        expect(read.map((r) => [(r as { interfaceId?: string }).interfaceId, (r as { requesterManaged?: boolean }).requesterManaged, (r as { instanceId?: string }).instanceId])).to.deep.equal([
            ["eni-1235b8ca123456789", true, undefined],
            ["eni-1235b8ca123456789", true, undefined],
            ["eni-1235b8ca123456789", true, undefined],
            ["eni-1235b8ca123456789", true, undefined],
            ["eni-1111aaaa2222bbbb3", undefined, "i-01234567890123456"],
            ["eni-1111aaaa2222bbbb3", undefined, "i-01234567890123456"],
        ]);
        expect(read[0]).to.deep.equal({ requesterManaged: true, interfaceId: "eni-1235b8ca123456789", srcAddr: "10.0.1.5", dstAddr: "10.0.0.220", pktSrcAddr: "10.0.1.5", pktDstAddr: "203.0.113.5" });
        // Another field's '-' (a NODATA record's addresses) says nothing about who manages the ENI.
        expect(buildRecord(fieldsOf(["srcaddr", "dstaddr", "log-status"]), ["-", "-", "NODATA"])).to.deep.equal({ logStatus: "NODATA" });
    });

    it("refuses, naming the field and the text, every value its field does not allow", () => {
        const cases: [string, string][] = [
            ["version", "v2"],
            ["srcaddr", "10.0.0.256"],
            ["dstaddr", "s3.amazonaws.com"],
            ["srcport", "-1"],
            ["dstport", "443.0"],
            ["protocol", "tcp"],
            ["packets", "1e3"],
            ["bytes", "1234567890123456"],
            ["start", ""],
            ["end", " 1418530070"],
            ["action", "ALLOW"],
            ["action", "accept"],
            ["log-status", "ok"],
            ["tcp-flags", "0x12"],
            ["pkt-srcaddr", "10.0.1"],
            ["pkt-dstaddr", "2001:db8::1::2"],
            ["flow-direction", "inbound"],
            ["traffic-path", "eight"],
        ];
        for (const [name, text] of cases) {
            const fields = fieldsOf(["interface-id", name]);
            expect(buildRecord(fields, ["eni-1", text]), `${name} '${text}'`).to.deep.equal({ invalid: INVALID, field: name, text });
            expect(isInvalid(buildRecord(fields, ["eni-1", text]))).to.equal(true);
        }
        // The first bad field is the one named.
        expect(buildRecord(fieldsOf(["action", "log-status"]), ["DENY", "FAIL"])).to.deep.equal({ invalid: INVALID, field: "action", text: "DENY" });
    });

    it("keeps every allowed value of a typed field, numbers as numbers up to 15 digits", () => {
        const cases: [string, string, string | number][] = [
            ["srcport", "0", 0],
            ["dstport", "65535", 65535],
            ["bytes", "999999999999999", 999999999999999],
            ["action", "ACCEPT", "ACCEPT"],
            ["action", "REJECT", "REJECT"],
            ["log-status", "OK", "OK"],
            ["log-status", "NODATA", "NODATA"],
            ["log-status", "SKIPDATA", "SKIPDATA"],
            ["flow-direction", "ingress", "ingress"],
            ["flow-direction", "egress", "egress"],
            ["pkt-dstaddr", "2001:db8:1234:a102:3304:8879:34cf:4071", "2001:db8:1234:a102:3304:8879:34cf:4071"],
            ["sublocation-type", "wavelength", "wavelength"],
            ["reject-reason", "BPA", "BPA"],
        ];
        expect(cases.map(([name, text]) => [name, text, (buildRecord(fieldsOf([name]), [text]) as Record<string, unknown>)[RECORD_FIELDS.get(name)!.key!]])).to.deep.equal(cases);
    });

    it("keeps a field this project does not know in its place and ignores its value, whatever it is", () => {
        // AWS keeps adding fields (reference: next-hop and tag fields were reported in 2026): a reader
        // must keep unknown header fields as opaque text, not refuse the file.
        const next = opaqueField("next-hop");
        expect([next.spec, next.key, next.parse("anything at all")]).to.deep.equal([{ name: "next-hop", version: 0, insightsName: "next-hop" }, undefined, "anything at all"]);
        const fields = fieldsOf(["srcaddr", "next-hop", "dstaddr", "action"]);
        fc.assert(
            fc.property(fc.string(), (value) => {
                expect(buildRecord(fields, ["10.0.1.25", value, "52.219.204.42", "REJECT"])).to.deep.equal({ srcAddr: "10.0.1.25", dstAddr: "52.219.204.42", action: "REJECT" });
            }),
            { seed: 28, numRuns: 100 },
        );
    });

    it("tells an invalid mark from a record and from anything else", () => {
        expect([null, undefined, "invalid", 0, {}, { invalid: Symbol("invalid") }, { invalid: "invalid" }, { srcAddr: "10.0.1.25" }].map(isInvalid)).to.deep.equal([
            false, false, false, false, false, false, false, false,
        ]);
        expect(isInvalid({ invalid: INVALID, field: "action", text: "ALLOW" })).to.equal(true);
    });

    it("gives ports meaning only for TCP (6) and UDP (17), and names the protocols the CLI accepts", () => {
        const withPorts = Array.from({ length: 256 }, (_, p) => p).filter(protocolHasPorts);
        expect(withPorts).to.deep.equal([6, 17]);
        expect([6, 17, 1, 58, 47, 0].map(protocolName)).to.deep.equal(["tcp", "udp", "icmp", "icmpv6", "47", "0"]);
    });
});

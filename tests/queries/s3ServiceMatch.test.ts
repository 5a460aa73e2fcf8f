/**
 * `--dst s3`: records of the workload whose far end AWS marks as S3 (pkt-dst-aws-service /
 * pkt-src-aws-service) belong to the conversation even when --dst does not hold their address,
 * e.g. a bucket in another region. Only with a format that has both fields: with
 * pkt-dst-aws-service alone the replies could not be tied back, and an answered conversation
 * would look unanswered.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../analysis/cli/cli";
import { buildDiagnosisQuery } from "../../analysis/queries/insightsQuery";
import { athenaRowsToFields, buildAthenaDiagnosisQuery, sqlConversationPredicate } from "../../analysis/queries/athenaQuery";
import { diagnoseQueryRows } from "../../analysis/app/liveDiagnosis";
import { AddressSet } from "../../analysis/core/ip";
import { DIAGNOSTIC_FORMAT, resolveLogFormat } from "../../analysis/core/logFormat";
import { FlowRecord } from "../../analysis/core/records";
import { RawScanSettings } from "../../analysis/evidence/rawFile/plainFile";
import { T0, TASK, inbound, outbound, recordCounts, toLine } from "../helpers/analysisRecords";
import { diagnosisJson } from "../helpers/jsonContract";

const dir = mkdtempSync(join(tmpdir(), "vpc-flow-s3-service-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** S3 in eu-central-1 (ip-ranges-sample.json), outside --dst s3:ap-northeast-2. */
const FRANKFURT_S3 = "52.219.168.20";
const WITH_SERVICES = resolveLogFormat(
    [...DIAGNOSTIC_FORMAT.fields, "pkt-src-aws-service"].map((f) => "$" + `{${f}}`).join(" "),
    "--format",
);

function file(name: string, records: FlowRecord[], format = WITH_SERVICES): string {
    const path = join(dir, name);
    writeFileSync(path, records.map((r) => toLine(r, format)).join("\n") + "\n");
    return path;
}

const out = (i: number) => outbound("ACCEPT", i, { dstAddr: FRANKFURT_S3, pktSrcAddr: TASK, pktDstAddr: FRANKFURT_S3, pktDstAwsService: "S3" });
const back = (i: number) => inbound("ACCEPT", i, { srcAddr: FRANKFURT_S3, pktSrcAddr: FRANKFURT_S3, pktDstAddr: TASK, pktSrcAwsService: "S3" });

async function diagnose(path: string, format: string, rawScan: RawScanSettings = {}): Promise<any> {
    let stdout = "";
    const code = await main(
        ["--input", path, "--src", TASK, "--dst", "s3:ap-northeast-2", "--ip-ranges", "tests/fixtures/ip-ranges-sample.json", "--format", format, "--output", "json"],
        { stdout: (t) => (stdout += t), stderr: () => undefined, rawScan },
    );
    expect(code).to.equal(0);
    return diagnosisJson(stdout);
}

describe("--dst s3: records AWS marks as S3", () => {
    it("ties a bucket in another region to the conversation: answered is network-ok, unanswered is routing", async () => {
        const answered = await diagnose(file("answered.log", [out(0), back(0), out(1), back(1)]), WITH_SERVICES.formatString);
        expect([answered.verdict, recordCounts(answered)]).to.deep.equal(["network-ok", [2, 0, 2, 0]]);
        const unanswered = await diagnose(file("unanswered.log", [out(0), out(1), out(2)]), WITH_SERVICES.formatString);
        expect([unanswered.verdict, recordCounts(unanswered)]).to.deep.equal(["routing", [3, 0, 0, 0]]);
        // The advice names the address the records went to.
        expect(unanswered.nextSteps[1].step).to.contain(`a route must cover ${FRANKFURT_S3} `);
    });

    it("reads the same with the line-by-line parser, the one-thread scan and a split into small ranges", async () => {
        const records = [out(0), back(0), out(1), ...Array.from({ length: 40 }, (_v, i) => outbound("ACCEPT", i, { srcAddr: "10.0.9.9", dstAddr: "10.0.9.10" }))];
        const path = file("answered-2.log", records);
        const settings: RawScanSettings[] = [{ fullParser: true }, { threads: 1 }, { threads: 2, minSplitBytes: 0, rangeBytes: 211, collectAll: true }];
        const seen = [];
        for (const rawScan of settings) {
            const d = await diagnose(path, WITH_SERVICES.formatString, rawScan);
            seen.push([d.verdict, recordCounts(d), d.input.records]);
        }
        expect(seen).to.deep.equal(settings.map(() => ["network-ok", [2, 0, 1, 0], 43]));
    });

    it("does not match by service with the diagnostic format, which has pkt-dst-aws-service only", async () => {
        const path = file("diagnostic.log", [out(0), back(0)], DIAGNOSTIC_FORMAT);
        const d = await diagnose(path, "diagnostic");
        expect([d.verdict, recordCounts(d), d.input.records]).to.deep.equal(["no-traffic", [0, 0, 0, 0], 2]);
    });

    it("asks Logs Insights for those records and groups by both service fields", () => {
        const query = buildDiagnosisQuery(WITH_SERVICES, { src: [TASK], dst: ["52.219.204.0/22"], port: 443, protocol: 6, s3Service: true });
        const lines = query.split("\n| ");
        expect(lines[1]).to.equal(
            'filter logStatus = "SKIPDATA" or (protocol = 6 and (((srcAddr = "10.0.1.25" or pktSrcAddr = "10.0.1.25") and (isIpInSubnet(dstAddr, "52.219.204.0/22") or isIpInSubnet(pktDstAddr, "52.219.204.0/22")) and dstPort = 443) or ' +
                '((isIpInSubnet(srcAddr, "52.219.204.0/22") or isIpInSubnet(pktSrcAddr, "52.219.204.0/22")) and srcPort = 443 and (dstAddr = "10.0.1.25" or pktDstAddr = "10.0.1.25")) or ' +
                '((srcAddr = "10.0.1.25" or pktSrcAddr = "10.0.1.25") and pktDstAwsService = "S3" and dstPort = 443) or ' +
                '(pktSrcAwsService = "S3" and srcPort = 443 and (dstAddr = "10.0.1.25" or pktDstAddr = "10.0.1.25"))))',
        );
        expect(lines[2].endsWith("by interfaceId, srcAddr, dstAddr, action, logStatus, tcpFlags, flowDirection, trafficPath, pktSrcAddr, pktDstAddr, pktDstAwsService, pktSrcAwsService, bin(1m)")).to.equal(true);
    });
});

describe("--dst s3 through Athena", () => {
    const SEL = { src: [TASK], dst: ["52.219.204.0/22"], port: 443, protocol: 6, s3Service: true };

    it("asks for the records AWS marks as S3 and groups by both service columns", () => {
        expect(sqlConversationPredicate(SEL, WITH_SERVICES)).to.equal(
            "protocol = 6 AND (((srcaddr = '10.0.1.25' OR pkt_srcaddr = '10.0.1.25') AND (contains('52.219.204.0/22', TRY_CAST(dstaddr AS IPADDRESS)) OR contains('52.219.204.0/22', TRY_CAST(pkt_dstaddr AS IPADDRESS))) AND dstport = 443) OR " +
                "((contains('52.219.204.0/22', TRY_CAST(srcaddr AS IPADDRESS)) OR contains('52.219.204.0/22', TRY_CAST(pkt_srcaddr AS IPADDRESS))) AND srcport = 443 AND (dstaddr = '10.0.1.25' OR pkt_dstaddr = '10.0.1.25')) OR " +
                "((srcaddr = '10.0.1.25' OR pkt_srcaddr = '10.0.1.25') AND pkt_dst_aws_service = 'S3' AND dstport = 443) OR " +
                "(pkt_src_aws_service = 'S3' AND srcport = 443 AND (dstaddr = '10.0.1.25' OR pkt_dstaddr = '10.0.1.25')))",
        );
        const query = buildAthenaDiagnosisQuery(WITH_SERVICES, { database: "d", table: "t" }, SEL, { start: T0, end: T0 + 3600 });
        expect(query.split("\n").find((l) => l.startsWith("GROUP BY"))).to.contain("pkt_dst_aws_service, pkt_src_aws_service, date_format(");
        expect(sqlConversationPredicate({ ...SEL, s3Service: false }, WITH_SERVICES)).to.not.contain("aws_service");
    });

    it("ties the rows Athena returns for another region's S3 to the conversation", () => {
        const columns = ["records", "first_start", "last_end", "interface_id", "srcaddr", "dstaddr", "action", "log_status", "pkt_dst_aws_service", "pkt_src_aws_service", "minute"];
        const row = (src: string, dst: string, dstService: string, srcService: string) => [
            "2", String(T0 + 5), String(T0 + 50), "eni-0a1b2c3d4e5f60718", src, dst, "ACCEPT", "OK", dstService, srcService, "2026-11-26 11:22:00",
        ];
        const rows = athenaRowsToFields(columns, [row(TASK, FRANKFURT_S3, "S3", "-"), row(FRANKFURT_S3, TASK, "-", "S3")]);
        const conversation = { src: AddressSet.parse(TASK, "--src"), dst: AddressSet.parse("52.219.204.0/22", "--dst"), port: 443, protocol: 6, dstIsS3: true, matchS3Service: true };
        const d = diagnoseQueryRows(rows, conversation, { start: T0, end: T0 + 3600 }, { format: WITH_SERVICES, trafficType: "ALL" }, { now: new Date((T0 + 7200) * 1000), warn: () => undefined }, "lag");
        expect([d.verdict, d.counts.outbound.accept, d.counts.inbound.accept]).to.deep.equal(["network-ok", 2, 2]);
    });
});

import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { LAB_MOCK, byName, registeredUnder, registrations, requestFor, resetRecordings } from "../helpers/pulumiMocks";
import { outputsOf, runProgram } from "../helpers/program";

const DIAGNOSTIC_FORMAT =
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} " +
    "${vpc-id} ${subnet-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path} ${pkt-dst-aws-service}";
const S3_DST = "3.5.140.0/22,52.219.56.0/22,52.219.204.0/22";

function runError(fn: () => unknown): Error {
    try {
        fn();
    } catch (err) {
        expect(pulumi.RunError.isInstance(err), String(err)).to.equal(true);
        return err as Error;
    }
    throw new Error("expected a RunError");
}

describe("the Pulumi program with the reproduction lab (config key lab)", () => {
    beforeEach(resetRecordings);

    it("the lab page's command to move the generator to a newer AMI names the generator's URN in a stack named lab", async () => {
        await outputsOf(runProgram({ lab: "healthy" }));
        const urn = requestFor("lab-generator").urn;
        expect(urn).to.equal("urn:pulumi:dev::vpc-flow-logs::vpc-flow-logs:lab:FlowLogLab$aws:ec2/instance:Instance::lab-generator");
        const labPage = fs.readFileSync(path.join(__dirname, "..", "..", "..", "docs", "lab.md"), "utf8");
        expect(labPage).to.contain(`pulumi up --replace '${urn.replace(":dev::", ":lab::")}'`);
    });

    it("refuses a lab whose flow log could not show the verdict, before creating anything", () => {
        expect(runError(() => runProgram({ lab: "no-route", trafficType: "Rejected" })).message).to.equal(
            "Invalid trafficType 'REJECT' with lab 'no-route': the lab's verdict needs every record. Allowed with lab: ALL ('pulumi config set trafficType ALL').",
        );
        expect(runError(() => runProgram({ lab: "healthy", maxAggregationInterval: "600" })).message).to.equal(
            "Invalid maxAggregationInterval 600 with lab 'healthy': the lab's records must arrive within minutes. Allowed with lab: 60 ('pulumi config set maxAggregationInterval 60').",
        );
        expect(registrations).to.deep.equal([]);
    });

    const cases = [
        { lab: "no-route", verdict: "routing", ip: "10.42.0.10" },
        { lab: "public-no-ip", verdict: "routing", ip: "10.42.0.74" },
        { lab: "sg-egress-deny", verdict: "security-group-or-nacl", ip: "10.42.0.11" },
        { lab: "nacl-return-deny", verdict: "nacl-return-path", ip: "10.42.0.12" },
        { lab: "healthy", verdict: "network-ok", ip: "10.42.0.13" },
    ];
    for (const c of cases) {
        it(`lab ${c.lab}: exports the scenario, its expected verdict, the generator and the diagnose command`, async () => {
            const outputs = await outputsOf(runProgram({ lab: c.lab }));
            expect({
                labScenario: outputs.labScenario,
                labExpectedVerdict: outputs.labExpectedVerdict,
                labGeneratorPrivateIp: outputs.labGeneratorPrivateIp,
                labGeneratorEniId: outputs.labGeneratorEniId,
                labDiagnoseCommand: outputs.labDiagnoseCommand,
            }).to.deep.equal({
                labScenario: c.lab,
                labExpectedVerdict: c.verdict,
                labGeneratorPrivateIp: c.ip,
                labGeneratorEniId: "eni-lab-generator",
                labDiagnoseCommand: `npx vpc-flow-diagnose --stack dev --src ${c.ip} --dst ${S3_DST} --port 443 --since 30m --eni eni-lab-generator --check-config`,
            });
        });
    }

    it("logs the lab VPC (no vpcId needed) with the diagnostic format, and keeps every usual output", async () => {
        const outputs = await outputsOf(runProgram({ lab: "no-route" }));
        expect(Object.keys(outputs).sort()).to.deep.equal(
            [
                "logGroupName",
                "logGroupArn",
                "roleArn",
                "flowLogIds",
                "logFormat",
                "logFormatKind",
                "trafficType",
                "maxAggregationInterval",
                "region",
                "insightsQuery",
                "insightsConsoleUrl",
                "savedQueries",
                "cleanup",
                "capture",
                "destination",
                "labScenario",
                "labExpectedVerdict",
                "labGeneratorPrivateIp",
                "labGeneratorEniId",
                "labDiagnoseCommand",
            ].sort(),
        );
        expect(outputs.flowLogIds).to.deep.equal({ [LAB_MOCK.vpcId]: "fl-flow-logs-vpc-0" });
        expect(outputs.logFormatKind).to.equal("diagnostic");
        expect(outputs.logFormat).to.equal(DIAGNOSTIC_FORMAT);
        expect(outputs.trafficType).to.equal("ALL");
        const flowLogs = registrations.filter((r) => r.type === "aws:ec2/flowLog:FlowLog");
        expect(flowLogs.map((f) => f.name)).to.deep.equal(["flow-logs-vpc-0"]);
        expect(byName("flow-logs-vpc-0").inputs).to.include({ vpcId: LAB_MOCK.vpcId, logFormat: DIAGNOSTIC_FORMAT, trafficType: "ALL" });
        expect(registeredUnder("lab").filter((r) => r.type === "aws:ec2/instance:Instance").map((r) => r.name)).to.deep.equal(["lab-generator"]);
    });

    it("keeps a logFormat the stack sets", async () => {
        const outputs = await outputsOf(runProgram({ lab: "healthy", logFormat: "default" }));
        expect(outputs.logFormatKind).to.equal("default");
        expect(byName("flow-logs-vpc-0").inputs.logFormat).to.equal(
            "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
        );
    });

    it("creates no lab and exports no lab output when lab is not set", async () => {
        const outputs = await outputsOf(runProgram({ vpcId: "vpc-0123456789abcdef0" }));
        expect(Object.keys(outputs).filter((k) => k.startsWith("lab"))).to.deep.equal([]);
        expect(registeredUnder("lab")).to.deep.equal([]);
        expect(outputs.logFormatKind).to.equal("default");
    });

    it("refuses an unknown scenario with the allowed list, before creating anything", () => {
        const err = runError(() => runProgram({ lab: "no-nat" }));
        expect(err.message).to.equal("Invalid lab 'no-nat'. Allowed: no-route, public-no-ip, sg-egress-deny, nacl-return-deny, healthy.");
        expect(registrations).to.deep.equal([]);
    });

    it("refuses a lab in a stack that also logs other targets, before creating anything", () => {
        const err = runError(() => runProgram({ lab: "healthy", vpcId: "vpc-0123456789abcdef0" }));
        expect(err.message).to.equal(
            "Invalid lab 'healthy' together with vpcId: the lab creates and logs a VPC of its own. " +
                "Run the lab in a stack of its own ('pulumi stack init lab'), or remove it from this stack ('pulumi config rm vpcId').",
        );
        expect(registrations).to.deep.equal([]);
    });
});

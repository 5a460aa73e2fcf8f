import { expect } from "chai";
import { execFileSync } from "child_process";
import { UserInputError } from "../../analysis/core/errors";
import { userErrorOf } from "../helpers/userErrors";
import { readUnitFile, readUserData, runProbeOnce } from "../helpers/userDataScript";
import {
    LAB_SCENARIO_NAMES,
    checkLabStandsAlone,
    labDiagnoseCommand,
    labUserData,
    resolveLabScenario,
    s3ServiceName,
    chooseLabAvailabilityZone,
    checkLabFlowLogSettings,
} from "../../components/labScenarios";

function thrownBy(fn: () => unknown): Error {
    try {
        fn();
    } catch (err) {
        return err as Error;
    }
    throw new Error("expected an error");
}

describe("lab scenarios (pure)", () => {
    describe("the scenario table", () => {
        const cases = [
            { name: "no-route", verdict: "routing", subnet: "private", endpoint: false, https: true, nacl: false, ip: "10.42.0.10" },
            { name: "public-no-ip", verdict: "routing", subnet: "public", endpoint: false, https: true, nacl: false, ip: "10.42.0.74" },
            { name: "sg-egress-deny", verdict: "security-group-or-nacl", subnet: "private", endpoint: true, https: false, nacl: false, ip: "10.42.0.11" },
            { name: "nacl-return-deny", verdict: "nacl-return-path", subnet: "private", endpoint: true, https: true, nacl: true, ip: "10.42.0.12" },
            { name: "healthy", verdict: "network-ok", subnet: "private", endpoint: true, https: true, nacl: false, ip: "10.42.0.13" },
        ] as const;

        for (const c of cases) {
            it(`${c.name}: ${c.verdict}`, () => {
                const s = resolveLabScenario(c.name);
                expect({
                    name: s.name,
                    verdict: s.expectedVerdict,
                    subnet: s.subnet,
                    endpoint: s.s3GatewayEndpoint,
                    https: s.allowHttpsToS3,
                    nacl: s.naclDeniesReturn,
                    ip: s.generatorPrivateIp,
                }).to.deep.equal(c);
            });
        }

        it("lists exactly these scenarios, in the issue's order", () => {
            expect(LAB_SCENARIO_NAMES).to.deep.equal(cases.map((c) => c.name));
        });

        it("gives every scenario its own generator address", () => {
            const ips = LAB_SCENARIO_NAMES.map((n) => resolveLabScenario(n).generatorPrivateIp);
            expect(new Set(ips).size).to.equal(ips.length);
        });
    });

    describe("validation of the lab value", () => {
        const allowed = "Allowed: no-route, public-no-ip, sg-egress-deny, nacl-return-deny, healthy.";
        const bad: [string, string][] = [
            ["No-Route", `Invalid lab 'No-Route'. ${allowed}`],
            ["nat-missing", `Invalid lab 'nat-missing'. ${allowed}`],
            [" healthy", `Invalid lab ' healthy'. ${allowed}`],
            ["", `Invalid lab (empty). ${allowed}`],
        ];
        for (const [value, message] of bad) {
            it(`refuses ${JSON.stringify(value)}`, () => {
                const err = thrownBy(() => resolveLabScenario(value));
                expect(err).to.be.instanceOf(UserInputError);
                expect(err.message).to.equal(message);
            });
        }
    });

    describe("a lab stack logs only its own VPC", () => {
        it("accepts a stack without other targets", () => {
            expect(() => checkLabStandsAlone("healthy", { subnetIds: [], eniIds: [] })).not.to.throw();
        });

        const cases: [string, Parameters<typeof checkLabStandsAlone>[1], string][] = [
            [
                "vpcId",
                { vpcId: "vpc-0123456789abcdef0", subnetIds: [], eniIds: [] },
                "Invalid lab 'no-route' together with vpcId: the lab creates and logs a VPC of its own. " +
                    "Run the lab in a stack of its own ('pulumi stack init lab'), or remove it from this stack ('pulumi config rm vpcId').",
            ],
            [
                "subnetIds and eniIds",
                { subnetIds: ["subnet-0aaaaaaaaaaaaaaaa"], eniIds: ["eni-0aaaaaaaaaaaaaaaa"] },
                "Invalid lab 'no-route' together with subnetIds, eniIds: the lab creates and logs a VPC of its own. " +
                    "Run the lab in a stack of its own ('pulumi stack init lab'), or remove them from this stack ('pulumi config rm subnetIds', 'pulumi config rm eniIds').",
            ],
        ];
        for (const [label, targets, message] of cases) {
            it(`refuses ${label}`, () => {
                const err = thrownBy(() => checkLabStandsAlone("no-route", targets));
                expect(err).to.be.instanceOf(UserInputError);
                expect(err.message).to.equal(message);
            });
        }
    });

    describe("S3 names", () => {
        it("names the gateway endpoint service and prefix list after the partition's reverse DNS prefix and the region", () => {
            expect(s3ServiceName("com.amazonaws", "ap-northeast-2")).to.equal("com.amazonaws.ap-northeast-2.s3");
            expect(s3ServiceName("com.amazonaws", "us-gov-west-1")).to.equal("com.amazonaws.us-gov-west-1.s3");
            expect(s3ServiceName("cn.com.amazonaws", "cn-north-1")).to.equal("cn.com.amazonaws.cn-north-1.s3");
        });

        it("refuses a region or prefix that is not one", () => {
            expect(() => s3ServiceName("com.amazonaws", "ap-northeast-2; rm -rf /")).to.throw("Unexpected AWS region 'ap-northeast-2; rm -rf /'");
            expect(() => s3ServiceName("com.amazonaws;", "ap-northeast-2")).to.throw("Unexpected reverse DNS prefix 'com.amazonaws;'");
        });
    });

    describe("availability zone", () => {
        it("takes the first zone by name that offers t3.micro, leaving out Local and Wavelength Zones", () => {
            expect(chooseLabAvailabilityZone("us-east-1", ["us-east-1f", "us-east-1-bos-1a", "us-east-1b", "us-east-1c"])).to.equal("us-east-1b");
            expect(chooseLabAvailabilityZone("ap-northeast-2", ["ap-northeast-2d"])).to.equal("ap-northeast-2d");
        });

        it("says what to do when no zone of the region offers it", () => {
            expect(userErrorOf(() => chooseLabAvailabilityZone("us-west-2", ["us-west-2-lax-1a"]))).to.equal(
                "The lab's traffic generator needs t3.micro, which no availability zone of us-west-2 offers. Run the lab stack in another region ('pulumi config set aws:region us-east-1').",
            );
            expect(userErrorOf(() => chooseLabAvailabilityZone("eu-west-1", []))).to.contain("no availability zone of eu-west-1 offers");
        });
    });

    describe("flow-log settings a lab can show its verdict with", () => {
        it("accepts ALL at 60 s", () => {
            expect(checkLabFlowLogSettings("no-route", "ALL", 60)).to.equal(undefined);
        });

        it("refuses a filter other than ALL and the 600 s interval, naming the fix", () => {
            expect(userErrorOf(() => checkLabFlowLogSettings("no-route", "REJECT", 60))).to.equal(
                "Invalid trafficType 'REJECT' with lab 'no-route': the lab's verdict needs every record. Allowed with lab: ALL ('pulumi config set trafficType ALL').",
            );
            expect(userErrorOf(() => checkLabFlowLogSettings("healthy", "ALL", 600))).to.equal(
                "Invalid maxAggregationInterval 600 with lab 'healthy': the lab's records must arrive within minutes. Allowed with lab: 60 ('pulumi config set maxAggregationInterval 60').",
            );
        });
    });

    describe("the generator's user data", () => {
        const script = labUserData("ap-northeast-2", "amazonaws.com", "no-route");
        const userData = readUserData(script);
        // The unit the script installs, and the probe that unit runs.
        const unitPaths = Object.keys(userData.files).filter((path) => path.startsWith("/etc/systemd/system/") && path.endsWith(".service"));
        const unit = readUnitFile(userData.files[unitPaths[0]].body);
        const probePath = (unit.Service?.ExecStart ?? [""])[0].split(/\s+/)[0];
        const probe = userData.files[probePath]?.body ?? "";
        /** The host and port a curl call connects to, and its two timeouts. */
        const target = (args: string[]) => {
            const url = new URL(args.find((a) => a.startsWith("https://") || a.startsWith("http://")) ?? "");
            const option = (name: string) => args[args.indexOf(name) + 1];
            return { host: url.hostname, port: url.port || (url.protocol === "https:" ? "443" : "80"), connectTimeout: option("--connect-timeout"), maxTime: option("--max-time") };
        };
        /** A probe log line as its key=value pairs, after the word that marks it. */
        const logLine = (line: string) => {
            const [mark, ...pairs] = line.trim().split(" ");
            return { mark, ...Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)])) };
        };

        it("installs a service that calls the regional S3 endpoint every 20 s with a 5 s connect timeout", () => {
            expect([userData.interpreter, unitPaths.length, probePath !== "" && probe !== ""]).to.deep.equal(["#!/bin/bash", 1, true]);
            const run = runProbeOnce(probe, 28);
            expect({ calls: run.curlCalls.map(target), sleeps: run.sleeps }).to.deep.equal({
                calls: [{ host: "s3.ap-northeast-2.amazonaws.com", port: "443", connectTimeout: "5", maxTime: "15" }],
                sleeps: ["20"],
            });
        });

        it("logs each call's outcome as docs/lab.md reads it: result=failed curl-exit=28 on a timeout, result=answered http=<code> when S3 answers", () => {
            const url = "https://s3.ap-northeast-2.amazonaws.com/";
            expect([runProbeOnce(probe, 28).stdout, runProbeOnce(probe, 7).stdout, runProbeOnce(probe, 0, "403").stdout].map(logLine)).to.deep.equal([
                { mark: "s3-probe", scenario: "no-route", url, result: "failed", "curl-exit": "28" },
                { mark: "s3-probe", scenario: "no-route", url, result: "failed", "curl-exit": "7" },
                { mark: "s3-probe", scenario: "no-route", url, result: "answered", http: "403" },
            ]);
        });

        it("runs the probe as a service started now and at every boot, restarted, and logged to the serial console", () => {
            const unitName = unitPaths[0].slice("/etc/systemd/system/".length);
            const executable = userData.commands.some((command) => {
                const chmod = /^chmod\s+(\S+)\s+(\S+)$/.exec(command);
                return chmod !== null && chmod[2] === probePath && (/^[0-7]{3,4}$/.test(chmod[1]) ? (parseInt(chmod[1], 8) & 0o111) === 0o111 : /^a?\+[rw]*x/.test(chmod[1]));
            });
            const reload = userData.commands.indexOf("systemctl daemon-reload");
            const enable = userData.commands.findIndex((c) => c === `systemctl enable --now ${unitName}` || c === `systemctl enable --now ${unitName.replace(/\.service$/, "")}`);
            expect({
                // set -e: the script stops at the first command that fails, so cloud-init reports the failure.
                stopsOnError: /^set -[a-z]*e/.test(userData.commands[0]),
                // Quoted here-documents: the probe's $url, $code and $? reach the instance as written.
                writtenAsIs: Object.values(userData.files).every((f) => f.literal),
                executable,
                enabledAfterReload: reload >= 0 && enable > reload,
                execStart: unit.Service.ExecStart,
                restart: unit.Service.Restart,
                // systemd's defaults: StandardOutput journal, StandardError inherit (the same as StandardOutput).
                toConsole: [...(unit.Service.StandardOutput ?? ["journal"]), ...(unit.Service.StandardError ?? ["inherit"])].every((v) => v === "inherit" || v.split("+").includes("console")),
                after: unit.Unit.After,
                wants: unit.Unit.Wants,
                wantedBy: unit.Install.WantedBy,
            }).to.deep.equal({
                stopsOnError: true,
                writtenAsIs: true,
                executable: true,
                enabledAfterReload: true,
                execStart: [probePath],
                restart: ["always"],
                toConsole: true,
                after: ["network-online.target"],
                wants: ["network-online.target"],
                wantedBy: ["multi-user.target"],
            });
        });

        it("uses the partition's DNS suffix (China)", () => {
            const china = readUserData(labUserData("cn-north-1", "amazonaws.com.cn", "healthy"));
            const chinaProbe = china.files[probePath].body;
            expect(runProbeOnce(chinaProbe, 28).curlCalls.map(target)).to.deep.equal([{ host: "s3.cn-north-1.amazonaws.com.cn", port: "443", connectTimeout: "5", maxTime: "15" }]);
        });

        it("is valid bash, and so is the probe it installs", () => {
            execFileSync("bash", ["-n"], { input: script });
            // systemd runs the probe itself (ExecStart), so it needs its own interpreter line.
            expect(probe.startsWith("#!/bin/bash\n")).to.equal(true);
            execFileSync("bash", ["-n"], { input: probe });
        });

        it("refuses a DNS suffix that would change the script", () => {
            expect(() => labUserData("us-east-1", "amazonaws.com/'; reboot; '", "healthy")).to.throw("Unexpected DNS suffix");
        });
    });

    describe("the diagnose command", () => {
        it("names the stack, the generator and every S3 range in address order, HTTPS, last 30 minutes", () => {
            expect(labDiagnoseCommand("lab", "10.42.0.10", ["52.219.204.0/22", "3.5.140.0/22", "52.219.56.0/22", "3.5.140.0/22"])).to.equal(
                "npx vpc-flow-diagnose --stack lab --src 10.42.0.10 --dst 3.5.140.0/22,52.219.56.0/22,52.219.204.0/22 --port 443 --since 30m",
            );
        });

        it("with the generator's ENI, also checks that ENI's configuration so the culprit is named", () => {
            expect(labDiagnoseCommand("lab", "10.42.0.10", ["3.5.140.0/22"], "eni-0e2f4a6b8c0d2e4f6")).to.equal(
                "npx vpc-flow-diagnose --stack lab --src 10.42.0.10 --dst 3.5.140.0/22 --port 443 --since 30m --eni eni-0e2f4a6b8c0d2e4f6 --check-config",
            );
        });

        const bad: [string, () => string, string][] = [
            ["an empty prefix list", () => labDiagnoseCommand("lab", "10.42.0.10", []), "The S3 managed prefix list has no entries"],
            ["a generator IP that is not one", () => labDiagnoseCommand("lab", "10.42.0", ["3.5.140.0/22"]), "Unexpected generator IP '10.42.0'"],
            ["a CIDR without its length", () => labDiagnoseCommand("lab", "10.42.0.10", ["3.5.140.0"]), "Unexpected S3 CIDR '3.5.140.0'"],
            ["a CIDR longer than /32", () => labDiagnoseCommand("lab", "10.42.0.10", ["3.5.140.0/33"]), "Unexpected S3 CIDR '3.5.140.0/33'"],
            ["a stack name with a space", () => labDiagnoseCommand("my lab", "10.42.0.10", ["3.5.140.0/22"]), "Unexpected stack name 'my lab'"],
            ["an ENI id that is not one", () => labDiagnoseCommand("lab", "10.42.0.10", ["3.5.140.0/22"], "i-0abc; rm -rf /"), "Unexpected generator ENI 'i-0abc; rm -rf /'"],
        ];
        for (const [label, fn, message] of bad) {
            it(`refuses ${label}`, () => {
                expect(fn).to.throw(message);
            });
        }
    });
});

/**
 * The pure side of `--ecs-task` and `--dst s3`: reading stop reasons, the task's facts and window,
 * the next steps per service, the S3 ranges of ip-ranges.json, and the log-stream scope of a query.
 */
import { expect } from "chai";
import { readFileSync } from "fs";
import * as path from "path";
import { parseTaskReasons } from "../../../analysis/verdict/ecs/taskReason";
import { DescribedTask, parseCluster, parseEniId, parseTaskRef, requireTaskEni, taskFacts, taskNextSteps, taskReasons, taskWindow } from "../../../analysis/verdict/ecs/ecsTask";
import { ecsTaskReport, linkRecordsToTask, renderTaskSections } from "../../../analysis/verdict/ecs/ecsReport";
import { parseS3Destination, s3RangesFromIpRanges } from "../../../analysis/core/s3Ranges";
import { scopeToLogStreams } from "../../../analysis/queries/insightsQuery";
import { userErrorOf } from "../../helpers/userErrors";

const FIXTURES = path.join(__dirname, "..", "..", "..", "..", "tests", "fixtures");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

interface ReasonCase {
    source: string;
    reason: string;
    dialTargets: { address: string; port: number }[];
    services: string[];
}

/** DescribeTasks' wire JSON (epoch seconds) as the SDK hands it over (Dates). */
function stoppedTask(): DescribedTask {
    const wire = JSON.parse(fixture("describe-tasks-stopped.json")).tasks[0];
    const date = (s: number | undefined) => (s === undefined ? undefined : new Date(s * 1000));
    return { ...wire, createdAt: date(wire.createdAt), startedAt: date(wire.startedAt), stoppedAt: date(wire.stoppedAt) };
}

describe("ECS stop reasons: dial targets and the services named", () => {
    const cases: ReasonCase[] = JSON.parse(fixture("ecs-stopped-reasons.json"));
    it("has the documented shapes to check against", () => expect(cases).to.have.length(7));
    for (const c of cases) {
        it(`reads ${c.reason.slice(0, 60)}...`, () => {
            expect(parseTaskReasons([c.reason])).to.deep.equal({ dialTargets: c.dialTargets, services: c.services });
        });
    }

    it("merges the task's and the containers' reasons, keeping each target once", () => {
        const [, ecrPull, ecrAuth] = cases;
        expect(parseTaskReasons([ecrAuth.reason, undefined, ecrPull.reason, ecrAuth.reason])).to.deep.equal({
            dialTargets: [
                { address: "52.94.184.143", port: 443 },
                { address: "10.0.3.17", port: 443 },
            ],
            services: ["ecr", "s3"],
        });
    });

    it("reads an IPv6 target and ignores a DNS lookup timeout, which names no address", () => {
        expect(parseTaskReasons(["dial tcp [2406:da60:f000::1]:443: i/o timeout", "dial tcp: lookup api.ecr.ap-northeast-2.amazonaws.com: i/o timeout"])).to.deep.equal({
            dialTargets: [{ address: "2406:da60:f000::1", port: 443 }],
            services: ["ecr"],
        });
    });

    it("finds nothing in a reason about the application", () => {
        expect(parseTaskReasons(["Essential container in task exited"])).to.deep.equal({ dialTargets: [], services: [] });
    });
});

describe("--ecs-task, --cluster and --eni values", () => {
    it("reads a task ARN's region, cluster and id, and a bare id", () => {
        expect(parseTaskRef("arn:aws:ecs:ap-northeast-2:123456789012:task/web/a1b2c3d4e5f60718293a4b5c6d7e8f90")).to.deep.equal({
            task: "arn:aws:ecs:ap-northeast-2:123456789012:task/web/a1b2c3d4e5f60718293a4b5c6d7e8f90",
            taskId: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            region: "ap-northeast-2",
            cluster: "web",
        });
        expect(parseTaskRef("a1b2c3d4e5f60718293a4b5c6d7e8f90")).to.deep.equal({ task: "a1b2c3d4e5f60718293a4b5c6d7e8f90", taskId: "a1b2c3d4e5f60718293a4b5c6d7e8f90" });
    });

    it("refuses anything else with one line saying what is allowed", () => {
        expect(userErrorOf(() => parseTaskRef("my-task"))).to.equal(
            "Invalid --ecs-task 'my-task'. Allowed: a task ARN (arn:aws:ecs:<region>:<account>:task/<cluster>/<id>) or a task id (32 hex digits, e.g. 0123456789abcdef0123456789abcdef).",
        );
        expect(userErrorOf(() => parseCluster("web cluster"))).to.equal(
            "Invalid --cluster 'web cluster'. Allowed: a cluster name (letters, digits, '-' and '_', up to 255) or a cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>).",
        );
        expect(userErrorOf(() => parseEniId("eni-XYZ"))).to.equal("Invalid --eni 'eni-XYZ'. Allowed: 'eni-' followed by 8 or 17 lowercase hex digits, e.g. 'eni-0123456789abcdef0'.");
    });
});

describe("an ECS task's facts and window", () => {
    const NOW = new Date("2026-11-26T15:00:00Z");

    it("reads the ENI attachment, the times and the reasons of a stopped task", () => {
        const facts = taskFacts(stoppedTask());
        expect({ ...facts, stoppedReason: undefined, containers: undefined }).to.deep.equal({
            taskArn: "arn:aws:ecs:ap-northeast-2:123456789012:task/web/a1b2c3d4e5f60718293a4b5c6d7e8f90",
            taskId: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            clusterArn: "arn:aws:ecs:ap-northeast-2:123456789012:cluster/web",
            lastStatus: "STOPPED",
            launchType: "FARGATE",
            group: "service:web-api",
            containerInstanceArn: undefined,
            eniId: "eni-0a1b2c3d4e5f60718",
            privateIp: "10.0.1.25",
            subnetId: "subnet-0123456789abcdef0",
            createdAt: "2026-11-26T14:01:30Z",
            startedAt: undefined,
            stoppedAt: "2026-11-26T14:09:12Z",
            stopCode: "TaskFailedToStart",
            stoppedReason: undefined,
            containers: undefined,
        });
        expect(taskReasons(facts)).to.have.length(2);
        expect(facts.containers.map((c) => c.name)).to.deep.equal(["app"]);
    });

    it("a stopped task: a minute before createdAt to stoppedAt plus the 10-minute delivery lag", () => {
        expect(taskWindow(taskFacts(stoppedTask()), NOW)).to.deep.equal({
            window: { start: Date.parse("2026-11-26T14:00:30Z") / 1000, end: Date.parse("2026-11-26T14:19:12Z") / 1000 },
            from: "task created at 2026-11-26T14:01:30Z minus 1 min, to stopped at 2026-11-26T14:09:12Z plus 10 min delivery lag",
        });
    });

    it("a task stopped a moment ago: the window ends now", () => {
        const w = taskWindow(taskFacts(stoppedTask()), new Date("2026-11-26T14:12:00Z"));
        expect(w.window.end).to.equal(Date.parse("2026-11-26T14:12:00Z") / 1000);
        expect(w.from).to.equal(
            "task created at 2026-11-26T14:01:30Z minus 1 min, to stopped at 2026-11-26T14:09:12Z plus 10 min delivery lag (cut at now, 2026-11-26T14:12:00Z)",
        );
    });

    it("a running task: from its creation to now, or its last hour once it is older", () => {
        const running = (created: string) => taskFacts({ ...stoppedTask(), lastStatus: "RUNNING", stoppedAt: undefined, createdAt: new Date(created) });
        expect(taskWindow(running("2026-11-26T14:40:00Z"), NOW)).to.deep.equal({
            window: { start: Date.parse("2026-11-26T14:39:00Z") / 1000, end: Date.parse("2026-11-26T15:00:00Z") / 1000 },
            from: "task created at 2026-11-26T14:40:00Z minus 1 min, to now (the task is RUNNING)",
        });
        expect(taskWindow(running("2026-11-20T08:00:00Z"), NOW)).to.deep.equal({
            window: { start: Date.parse("2026-11-26T14:00:00Z") / 1000, end: Date.parse("2026-11-26T15:00:00Z") / 1000 },
            from: "the last hour: the task is RUNNING since 2026-11-20T08:00:00Z; --since or --start/--end choose another window",
        });
    });

    it("a task that ran over 24 h: the last hour before it stopped", () => {
        const longRun = taskFacts({ ...stoppedTask(), createdAt: new Date("2026-11-24T10:00:00Z") });
        expect(taskWindow(longRun, NOW).window).to.deep.equal({
            start: Date.parse("2026-11-26T13:19:12Z") / 1000,
            end: Date.parse("2026-11-26T14:19:12Z") / 1000,
        });
    });

    it("refuses a task without an ENI (bridge or host network mode) and says how to go on", () => {
        const bridge = taskFacts({
            ...stoppedTask(),
            attachments: [],
            launchType: "EC2",
            containerInstanceArn: "arn:aws:ecs:ap-northeast-2:123456789012:container-instance/web/5b6c7d8e9f",
        });
        expect(userErrorOf(() => requireTaskEni(bridge, "web"))).to.equal(
            "Task a1b2c3d4e5f60718293a4b5c6d7e8f90 has no network interface of its own (network mode bridge or host): its traffic is logged on its container instance's ENI, under the instance's IP. " +
                "Find them with 'aws ecs describe-container-instances --cluster web --container-instances arn:aws:ecs:ap-northeast-2:123456789012:container-instance/web/5b6c7d8e9f --query \"containerInstances[0].ec2InstanceId\"' " +
                "and 'aws ec2 describe-instances --instance-ids <instance id> --query \"Reservations[0].Instances[0].[PrivateIpAddress,NetworkInterfaces[0].NetworkInterfaceId]\"', " +
                "then run with --src <instance IP> --eni <eni id> and --start/--end instead of --ecs-task.",
        );
    });
});

describe("next steps for the services a task failed to reach", () => {
    it("names the ECR interface endpoints and the S3 gateway endpoint for an ECR pull, and the private dial target", () => {
        const steps = taskNextSteps(
            { dialTargets: [{ address: "10.0.3.17", port: 443 }], services: ["ecr", "s3"] },
            "ap-northeast-2",
        );
        expect(steps.map((s) => s.step)).to.deep.equal([
            "The task failed talking to Amazon ECR. Without a NAT gateway it needs the interface endpoints com.amazonaws.ap-northeast-2.ecr.api and com.amazonaws.ap-northeast-2.ecr.dkr (private DNS on, their security group allowing 443 from the task) and the S3 gateway endpoint com.amazonaws.ap-northeast-2.s3 on the task subnet's route table, for the image layers.",
            "Image layers come from S3 (bucket prod-ap-northeast-2-starport-layer-bucket): the task's subnet needs a route to S3, the gateway endpoint com.amazonaws.ap-northeast-2.s3 on its route table or a NAT gateway, and its security group must allow 443 out to the S3 prefix list.",
            "10.0.3.17 is a private address: most likely an interface endpoint's network interface. Its security group must allow 443 in from the task, and the network ACLs of both subnets must allow the request and the reply.",
        ]);
        expect(steps[2].commands).to.deep.equal([
            "aws ec2 describe-network-interfaces --filters Name=addresses.private-ip-address,Values=10.0.3.17 --query 'NetworkInterfaces[].[NetworkInterfaceId,InterfaceType,Description,Groups]'",
        ]);
    });

    it("names the Secrets Manager, SSM and CloudWatch Logs endpoints", () => {
        const steps = taskNextSteps({ dialTargets: [], services: ["secretsmanager", "ssm", "logs"] }, "eu-west-1");
        expect(steps.map((s) => s.commands[0])).to.deep.equal([
            "aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.eu-west-1.secretsmanager --query 'VpcEndpoints[].[State,PrivateDnsEnabled,Groups]'",
            "aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.eu-west-1.ssm --query 'VpcEndpoints[].[State,PrivateDnsEnabled,Groups]'",
            "aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.eu-west-1.logs --query 'VpcEndpoints[].[State,PrivateDnsEnabled,Groups]'",
        ]);
    });
});

describe("--dst s3: the region's S3 ranges from ip-ranges.json", () => {
    it("reads s3 and s3:<region>, and leaves addresses alone", () => {
        expect([parseS3Destination("s3"), parseS3Destination("S3:ap-northeast-2"), parseS3Destination("52.219.204.42"), parseS3Destination(undefined)]).to.deep.equal([
            {},
            { region: "ap-northeast-2" },
            undefined,
            undefined,
        ]);
        expect(userErrorOf(() => parseS3Destination("s3:seoul"))).to.equal("Invalid --dst 's3:seoul'. Allowed: s3, s3:<region> such as s3:ap-northeast-2, or IPs and CIDRs.");
    });

    it("takes service S3 of the region only, IPv4 and IPv6, not the AMAZON duplicates", () => {
        expect(s3RangesFromIpRanges(fixture("ip-ranges-sample.json"), "ap-northeast-2", "--ip-ranges 'ip-ranges.json'")).to.deep.equal({
            cidrs: ["3.5.140.0/22", "52.219.60.0/23", "52.219.204.0/22", "2406:da60:f000::/40"],
            from: "--ip-ranges 'ip-ranges.json': service S3, region ap-northeast-2 (4 ranges, createDate 2021-01-27-21-34-18)",
        });
    });

    it("says which regions the file has when it has none of the asked one, and refuses what is not ip-ranges.json", () => {
        expect(userErrorOf(() => s3RangesFromIpRanges(fixture("ip-ranges-sample.json"), "us-east-1", "--ip-ranges 'ip-ranges.json'"))).to.equal(
            "--ip-ranges 'ip-ranges.json' lists no S3 ranges for region 'us-east-1'. Regions with S3 ranges in it: ap-northeast-2, eu-central-1.",
        );
        expect(userErrorOf(() => s3RangesFromIpRanges("{}", "us-east-1", "--ip-ranges 'x.json'"))).to.equal(
            "--ip-ranges 'x.json' has no 'prefixes' list. Expected AWS's ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json).",
        );
        expect(userErrorOf(() => s3RangesFromIpRanges("<html>", "us-east-1", "--ip-ranges 'x.json'"))).to.equal(
            "--ip-ranges 'x.json' is not JSON. Expected AWS's ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json).",
        );
    });
});

describe("a query scoped to one ENI's log streams", () => {
    const QUERY = 'filter protocol = 6\n| stats count(*) as records by bin(1m)';
    it("uses filterIndex on @logStream, = for one stream and in [...] for several", () => {
        expect(scopeToLogStreams(QUERY, { logStreams: ["eni-0a1b2c3d4e5f60718-all"], indexed: true })).to.equal(
            'filterIndex @logStream = "eni-0a1b2c3d4e5f60718-all"\n| filter protocol = 6\n| stats count(*) as records by bin(1m)',
        );
        expect(scopeToLogStreams(QUERY, { logStreams: ["eni-0a1b2c3d4e5f60718-all", "eni-0a1b2c3d4e5f60718-reject"], indexed: true }).split("\n")[0]).to.equal(
            'filterIndex @logStream in ["eni-0a1b2c3d4e5f60718-all", "eni-0a1b2c3d4e5f60718-reject"]',
        );
    });

    it("falls back to a plain filter for a group without field indexes, and leaves the query alone without streams", () => {
        expect(scopeToLogStreams(QUERY, { logStreams: ["eni-0a1b2c3d4e5f60718-all"], indexed: false }).split("\n")[0]).to.equal('filter @logStream = "eni-0a1b2c3d4e5f60718-all"');
        expect(scopeToLogStreams(QUERY, { logStreams: [], indexed: true })).to.equal(QUERY);
    });
});

describe("records tied to the task by ecs-task-id", () => {
    it("counts records with the task's id, with another id, and the service names; '-' is not an id", () => {
        const row = (records: number, id: string, service: string) => [
            { field: "records", value: String(records) },
            { field: "ecsTaskId", value: id },
            { field: "ecsServiceName", value: service },
        ];
        expect(
            linkRecordsToTask([row(4, "a1b2c3d4e5f60718293a4b5c6d7e8f90", "web-api"), row(2, "-", "-"), row(1, "ffff0000ffff0000ffff0000ffff0000", "worker")], "a1b2c3d4e5f60718293a4b5c6d7e8f90"),
        ).to.deep.equal({ recordsWithTaskId: 4, recordsWithOtherTaskIds: 1, serviceNames: ["web-api", "worker"] });
    });
});

describe("the task's sections under the verdict", () => {
    it("renders Markdown lists, cutting a long range list to its first three", () => {
        const facts = taskFacts({ ...stoppedTask(), stoppedReason: "Essential container in task exited", containers: [{ name: "app" }] });
        const sources = {
            src: { value: ["10.0.1.25"], from: "the task's private IP" },
            dst: { value: ["3.5.140.0/22", "52.219.60.0/23", "52.219.204.0/22", "52.219.56.0/22", "52.219.148.0/23"], from: "managed prefix list" },
            port: { value: 443, from: "default" },
            window: { value: { start: "2026-11-26T14:00:30Z", end: "2026-11-26T14:19:12Z" }, from: "the task's times" },
        };
        expect(renderTaskSections(ecsTaskReport(facts, { dialTargets: [], services: [] }), sources, "markdown")).to.equal(
            [
                "",
                "**ECS task**",
                "",
                "- Task a1b2c3d4e5f60718293a4b5c6d7e8f90 (service web-api): STOPPED, stop code TaskFailedToStart; ENI eni-0a1b2c3d4e5f60718, 10.0.1.25, subnet-0123456789abcdef0",
                "- Created 2026-11-26T14:01:30Z, started never, stopped 2026-11-26T14:09:12Z",
                "- Stopped reason: Essential container in task exited",
                "",
                "**Inputs**",
                "",
                "- --src 10.0.1.25: the task's private IP",
                "- --dst 3.5.140.0/22,52.219.60.0/23,52.219.204.0/22,... (5 ranges) port 443: managed prefix list; port: default",
                "- window 2026-11-26T14:00:30Z to 2026-11-26T14:19:12Z: the task's times",
                "",
            ].join("\n"),
        );
    });
});

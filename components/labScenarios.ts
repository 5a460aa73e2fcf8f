/**
 * The reproduction lab's knowledge, kept pure so it can be tested value by value: which scenarios
 * exist, what each one breaks and which verdict the diagnosis must give for it, the lab's address
 * plan, the traffic generator's user data and the `vpc-flow-diagnose` command to run afterwards.
 * Every failure is a UserInputError raised before any resource is registered.
 */
import { AWS_REGION_NAME } from "../analysis/core/awsNames";
import { UserInputError, quote } from "../analysis/core/errors";

/** What `vpc-flow-diagnose` concludes (the diagnosis engine's vocabulary). */
export type LabVerdict = "routing" | "security-group-or-nacl" | "nacl-return-path" | "network-ok";

export const LAB_SCENARIO_NAMES = ["no-route", "public-no-ip", "sg-egress-deny", "nacl-return-deny", "healthy"] as const;
export type LabScenarioName = (typeof LAB_SCENARIO_NAMES)[number];

/**
 * One failure class. Each scenario differs from `healthy` in exactly one way, so the verdict can
 * only come from that difference.
 */
export interface LabScenario {
    readonly name: LabScenarioName;
    readonly expectedVerdict: LabVerdict;
    /** One line for people: what is broken. */
    readonly broken: string;
    /** Where the generator runs: the private subnet (only the local route) or the public one (default route to the internet gateway). */
    readonly subnet: "private" | "public";
    /** An S3 gateway endpoint on the private subnet's route table. */
    readonly s3GatewayEndpoint: boolean;
    /** The generator's security group allows TCP 443 out to the region's S3 prefix list. */
    readonly allowHttpsToS3: boolean;
    /** A custom network ACL on the private subnet that lets 443 out and denies the replies in. */
    readonly naclDeniesReturn: boolean;
    /**
     * The generator's fixed private IP. One address per scenario: after `pulumi config set lab ...`
     * the new generator has another `--src` than the old one, so records of the previous scenario
     * still inside the `--since` window cannot mix into the new diagnosis.
     */
    readonly generatorPrivateIp: string;
}

/**
 * The lab's addresses. A /24 is plenty for one instance; 10.42.0.0/24 is an arbitrary RFC 1918
 * range (the lab VPC is never peered, so overlap with other VPCs does not matter).
 */
export const LAB_NETWORK = {
    vpcCidr: "10.42.0.0/24",
    /** The generator's subnet in every scenario but public-no-ip: only the VPC's local route (plus an S3 endpoint's). */
    privateSubnetCidr: "10.42.0.0/26",
    /** The public subnet, whose route table sends 0.0.0.0/0 to the lab's internet gateway. */
    publicSubnetCidr: "10.42.0.64/26",
} as const;

// AWS reserves the first four addresses and the last one of every subnet; .10+ and .74+ are free.
const SCENARIOS: Readonly<Record<LabScenarioName, LabScenario>> = {
    "no-route": {
        name: "no-route",
        expectedVerdict: "routing",
        broken: "private subnet with only the local route: no NAT gateway, no S3 endpoint",
        subnet: "private",
        s3GatewayEndpoint: false,
        allowHttpsToS3: true,
        naclDeniesReturn: false,
        generatorPrivateIp: "10.42.0.10",
    },
    "public-no-ip": {
        name: "public-no-ip",
        expectedVerdict: "routing",
        broken: "public subnet (default route to an internet gateway) but the generator has no public IP",
        subnet: "public",
        s3GatewayEndpoint: false,
        allowHttpsToS3: true,
        naclDeniesReturn: false,
        generatorPrivateIp: "10.42.0.74",
    },
    "sg-egress-deny": {
        name: "sg-egress-deny",
        expectedVerdict: "security-group-or-nacl",
        broken: "S3 gateway endpoint present, but the generator's security group allows no outbound traffic",
        subnet: "private",
        s3GatewayEndpoint: true,
        allowHttpsToS3: false,
        naclDeniesReturn: false,
        generatorPrivateIp: "10.42.0.11",
    },
    "nacl-return-deny": {
        name: "nacl-return-deny",
        expectedVerdict: "nacl-return-path",
        broken: "S3 gateway endpoint present, but the subnet's network ACL denies inbound ephemeral ports (the replies)",
        subnet: "private",
        s3GatewayEndpoint: true,
        allowHttpsToS3: true,
        naclDeniesReturn: true,
        generatorPrivateIp: "10.42.0.12",
    },
    healthy: {
        name: "healthy",
        expectedVerdict: "network-ok",
        broken: "nothing: S3 gateway endpoint present, security group allows 443 to the S3 prefix list",
        subnet: "private",
        s3GatewayEndpoint: true,
        allowHttpsToS3: true,
        naclDeniesReturn: false,
        generatorPrivateIp: "10.42.0.13",
    },
};

/** The scenario for a `lab` config value; anything else is refused with the allowed names. */
export function resolveLabScenario(value: string): LabScenario {
    if (!(LAB_SCENARIO_NAMES as readonly string[]).includes(value)) {
        throw new UserInputError(`Invalid lab ${quote(value)}. Allowed: ${LAB_SCENARIO_NAMES.join(", ")}.`);
    }
    return SCENARIOS[value as LabScenarioName];
}

/** The flow-log targets a stack may set besides `lab`. */
export interface OtherTargets {
    readonly vpcId?: string;
    readonly subnetIds: readonly string[];
    readonly eniIds: readonly string[];
}

/**
 * The lab builds and logs a VPC of its own. Also logging an existing VPC, subnet or ENI from the
 * same stack would mix a real workload's records into the lab's log group (and `pulumi destroy`
 * of the lab would switch those flow logs off too), so the combination is refused.
 */
export function checkLabStandsAlone(lab: string, targets: OtherTargets): void {
    const set = [
        ...(targets.vpcId !== undefined ? ["vpcId"] : []),
        ...(targets.subnetIds.length > 0 ? ["subnetIds"] : []),
        ...(targets.eniIds.length > 0 ? ["eniIds"] : []),
    ];
    if (set.length === 0) return;
    throw new UserInputError(
        `Invalid lab ${quote(lab)} together with ${set.join(", ")}: the lab creates and logs a VPC of its own. ` +
            `Run the lab in a stack of its own ('pulumi stack init lab'), or remove ${set.length === 1 ? "it" : "them"} from this stack (` +
            set.map((key) => `'pulumi config rm ${key}'`).join(", ") +
            ").",
    );
}

/**
 * `<reverse DNS prefix>.<region>.s3`: the S3 gateway endpoint's service name and the S3 managed
 * prefix list's name. The prefix comes from the partition (`aws.getPartition`): `com.amazonaws`
 * in most partitions, `cn.com.amazonaws` in China.
 */
export function s3ServiceName(reverseDnsPrefix: string, region: string): string {
    if (!/^[a-z]+(\.[a-z]+)+$/.test(reverseDnsPrefix)) throw new Error(`Unexpected reverse DNS prefix ${quote(reverseDnsPrefix)}`);
    return `${reverseDnsPrefix}.${checkRegion(region)}.s3`;
}

/**
 * The zone for both lab subnets: the first, by name, of the region's availability zones that
 * offer the generator's instance type (EC2 DescribeInstanceTypeOfferings, location type
 * availability-zone). Left to itself, AWS may put a subnet in a zone without t3.micro, and the
 * instance then fails with "Your requested instance type (t3.micro) is not supported in your
 * requested Availability Zone". Local and Wavelength Zones (longer names) are left out: they need
 * opting in and price differently.
 */
export function chooseLabAvailabilityZone(region: string, offeredZones: readonly string[]): string {
    const zones = offeredZones.filter((zone) => zone.length === region.length + 1 && zone.startsWith(region) && /[a-z]$/.test(zone)).sort();
    if (zones.length === 0) {
        throw new UserInputError(
            `The lab's traffic generator needs ${GENERATOR_INSTANCE_TYPE}, which no availability zone of ${region} offers. Run the lab stack in another region ('pulumi config set aws:region us-east-1').`,
        );
    }
    return zones[0];
}

/**
 * A lab exists to show its scenario's verdict. A routing verdict needs the accepted records
 * (traffic type ALL), and at a 600 s interval the first records of the generator's calls may take
 * over 15 minutes to appear; both are refused before anything is created.
 */
export function checkLabFlowLogSettings(lab: string, trafficType: string, maxAggregationInterval: number): void {
    if (trafficType !== "ALL") {
        throw new UserInputError(
            `Invalid trafficType ${quote(trafficType)} with lab ${quote(lab)}: the lab's verdict needs every record. Allowed with lab: ALL ('pulumi config set trafficType ALL').`,
        );
    }
    if (maxAggregationInterval !== 60) {
        throw new UserInputError(
            `Invalid maxAggregationInterval ${quote(maxAggregationInterval)} with lab ${quote(lab)}: the lab's records must arrive within minutes. Allowed with lab: 60 ('pulumi config set maxAggregationInterval 60').`,
        );
    }
}

/**
 * Public SSM parameter with the latest Amazon Linux 2023 AMI for x86_64 (the generator's
 * instance type, t3.micro, is x86_64). https://docs.aws.amazon.com/linux/al2023/ug/ec2.html
 */
export const AL2023_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/** Small, x86_64 (matches the AMI parameter) and offered in every commercial region. */
export const GENERATOR_INSTANCE_TYPE = "t3.micro";

/** Seconds between two calls to S3: several connection attempts per 60 s aggregation interval. */
export const PROBE_INTERVAL_SECONDS = 20;

/**
 * User data for the traffic generator: installs a systemd service that calls the regional S3
 * endpoint every 20 s with a 5 s connect timeout and logs each outcome. A service rather than a
 * loop in the script itself: cloud-init would never finish, and the service restarts after a
 * reboot. Its output goes to the journal and to the serial console, so it can be read with
 * `aws ec2 get-console-output` even though nothing can log in to the instance.
 *
 * Built from plain strings: the shell's `$...` must reach the instance untouched.
 */
export function labUserData(region: string, dnsSuffix: string, scenario: LabScenarioName): string {
    const url = `https://s3.${checkRegion(region)}.${checkDnsSuffix(dnsSuffix)}/`;
    return [
        "#!/bin/bash",
        `# vpc-flow-logs lab (scenario ${scenario}): call S3 in ${region} every ${PROBE_INTERVAL_SECONDS} s and log the outcome.`,
        "set -eu",
        "cat > /usr/local/bin/s3-probe <<'PROBE'",
        "#!/bin/bash",
        `url='${url}'`,
        "while true; do",
        "  if code=$(curl --silent --output /dev/null --write-out '%{http_code}' --connect-timeout 5 --max-time 15 \"$url\"); then",
        `    echo "s3-probe scenario=${scenario} url=$url result=answered http=$code"`,
        "  else",
        // curl's exit code says why: 28 timed out (the usual routing symptom), 7 refused, 6 no DNS.
        `    echo "s3-probe scenario=${scenario} url=$url result=failed curl-exit=$?"`,
        "  fi",
        `  sleep ${PROBE_INTERVAL_SECONDS}`,
        "done",
        "PROBE",
        "chmod 755 /usr/local/bin/s3-probe",
        "cat > /etc/systemd/system/s3-probe.service <<'UNIT'",
        "[Unit]",
        `Description=vpc-flow-logs lab: call S3 every ${PROBE_INTERVAL_SECONDS} s`,
        "After=network-online.target",
        "Wants=network-online.target",
        "[Service]",
        "ExecStart=/usr/local/bin/s3-probe",
        "Restart=always",
        "StandardOutput=journal+console",
        "StandardError=journal+console",
        "[Install]",
        "WantedBy=multi-user.target",
        "UNIT",
        "systemctl daemon-reload",
        "systemctl enable --now s3-probe.service",
        "",
    ].join("\n");
}

/**
 * The command that should print the scenario's verdict once the records have arrived: the
 * generator's address as `--src`, every S3 range of the region as `--dst` (sorted, so the output
 * does not change when AWS lists the prefix list in another order), HTTPS, last 30 minutes. With
 * the generator's ENI it also checks that ENI's configuration (`--check-config`), so the output
 * names the component the scenario broke (README, lab section).
 */
export function labDiagnoseCommand(stack: string, generatorIp: string, s3Cidrs: readonly string[], generatorEniId?: string): string {
    if (!/^[\w.-]+$/.test(stack)) throw new Error(`Unexpected stack name ${quote(stack)}`);
    if (!isIpv4(generatorIp)) throw new Error(`Unexpected generator IP ${quote(generatorIp)}`);
    if (s3Cidrs.length === 0) throw new Error("The S3 managed prefix list has no entries");
    for (const cidr of s3Cidrs) {
        const [ip, bits, ...rest] = cidr.split("/");
        if (rest.length > 0 || !isIpv4(ip) || !/^\d{1,2}$/.test(bits ?? "") || Number(bits) > 32) {
            throw new Error(`Unexpected S3 CIDR ${quote(cidr)}`);
        }
    }
    const dst = [...new Set(s3Cidrs)].sort((a, b) => ipv4Number(a) - ipv4Number(b) || a.localeCompare(b)).join(",");
    if (generatorEniId !== undefined && !/^eni-[0-9a-z-]+$/.test(generatorEniId)) throw new Error(`Unexpected generator ENI ${quote(generatorEniId)}`);
    const configCheck = generatorEniId === undefined ? "" : ` --eni ${generatorEniId} --check-config`;
    return `npx vpc-flow-diagnose --stack ${stack} --src ${generatorIp} --dst ${dst} --port 443 --since 30m${configCheck}`;
}

function isIpv4(value: string): boolean {
    const parts = value.split(".");
    return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function ipv4Number(cidr: string): number {
    return cidr
        .split("/")[0]
        .split(".")
        .reduce((n, part) => n * 256 + Number(part), 0);
}

// Region and DNS suffix come from the provider; they end up in a shell script and a service
// name, so anything unexpected stops the deployment instead of being pasted in.
function checkRegion(region: string): string {
    if (!AWS_REGION_NAME.test(region)) throw new Error(`Unexpected AWS region ${quote(region)}`);
    return region;
}

function checkDnsSuffix(suffix: string): string {
    if (!/^[a-z0-9]+(\.[a-z0-9]+)+$/.test(suffix)) throw new Error(`Unexpected DNS suffix ${quote(suffix)}`);
    return suffix;
}

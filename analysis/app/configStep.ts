/**
 * The configuration check as a step of `vpc-flow-diagnose`: its flags, which ENI to check, where
 * the documents come from (a snapshot folder, or EC2 when asked with --check-config), and the
 * `config` object that joins the diagnosis. A check that cannot run (AccessDenied, an ENI that is
 * gone) never stops the diagnosis: it says why on stderr and in `config`, as `not-checked`.
 */
import { Diagnosis } from "../verdict/classify";
import { UserInputError, quote } from "../core/errors";
import { AWS_REGION_NAME } from "../core/awsNames";
import { inKnownS3Range } from "../verdict/destination";
import { AddressSet } from "../core/ip";
import { ParsedValues } from "../cli/cliOptions";
import { CONFIG_CHECK_IAM_ACTIONS } from "../verdict/config/ec2Documents";
import { ConfigCheckError, ConfigEvaluation, evaluateConfiguration } from "../verdict/config/evaluate";
import { configRequested, isNetworkInterfaceId } from "../cli/configFlags";
import { ConfigReport, checkedReport, notCheckedReport } from "../verdict/config/report";
import { chooseInterface } from "../verdict/config/scope";
import { readSnapshot } from "../aws/snapshotFiles";
import type { Ec2ConfigClient } from "../aws/ec2ConfigCollector";
import type { KnownIds } from "../verdict/advice";

export interface ConfigIo {
    readonly stderr: (text: string) => void;
    readonly env?: NodeJS.ProcessEnv;
    readonly ec2Client?: (region: string) => Ec2ConfigClient;
}

export interface ConfigConversation {
    /** The workload's addresses: the check evaluates an interface that holds them (see scope.ts). */
    readonly src: AddressSet;
    readonly dst: AddressSet;
    readonly port: number;
    readonly protocol: number;
    /** `--dst s3`: the destination is S3's published ranges. */
    readonly dstIsS3?: boolean;
}

/** The `config` object of the output, and the ids the check found, for the next steps. */
export interface ConfigCheckOutcome {
    readonly report: ConfigReport;
    /** Only when the interface was evaluated. */
    readonly known?: KnownIds;
    /** Why the check could not run, already on stderr; the caller adds them to the output's `warnings`. */
    readonly warnings?: readonly string[];
}

function checked(evaluation: ConfigEvaluation, report: ConfigReport): ConfigCheckOutcome {
    const { eniId, subnetId, routeTableId, networkAclId, securityGroupIds } = evaluation;
    return { report, known: { eniId, subnetId, routeTableId, networkAclId, securityGroupIds } };
}

/** The evaluator's question: S3 also when --dst lies in a range known to be S3's. */
function configQuery(conversation: ConfigConversation): ConfigConversation {
    return { ...conversation, dstIsS3: conversation.dstIsS3 === true || inKnownS3Range(conversation.dst) };
}

/** The ENI the records show for the workload, when there is exactly one. */
function eniFromRecords(diagnosis: Diagnosis): { id?: string; several: string[] } {
    const ids = sourceEnis(diagnosis);
    return ids.length === 1 ? { id: ids[0], several: [] } : { several: ids };
}

function sourceEnis(diagnosis: Diagnosis): string[] {
    return diagnosis.interfaces.filter((i) => i.side === "source" && isNetworkInterfaceId(i.interfaceId)).map((i) => i.interfaceId);
}

/** The subnets the records show for the workload (the subnet-id field of a custom format). */
function sourceSubnets(diagnosis: Diagnosis): string[] {
    return [...new Set(diagnosis.interfaces.filter((i) => i.side === "source").flatMap((i) => i.subnetIds))].sort();
}

export async function checkConfiguration(
    values: ParsedValues,
    diagnosis: Diagnosis,
    conversation: ConfigConversation,
    io: ConfigIo,
    now: Date,
    liveRegion?: string,
): Promise<ConfigCheckOutcome | undefined> {
    if (!configRequested(values)) return undefined;
    const named = values.eni as string | undefined;
    const snapshotDir = values["config-snapshot"] as string | undefined;
    const warn = (report: ConfigReport): ConfigCheckOutcome => {
        const message = `configuration not checked: ${report.agreementReason}`;
        io.stderr(`warning: ${message}\n`);
        return { report, warnings: [message] };
    };
    if (snapshotDir !== undefined) {
        const snapshot = await readSnapshot(snapshotDir);
        const scope = chooseInterface(snapshot.documents, {
            src: conversation.src,
            named,
            recordsEnis: sourceEnis(diagnosis),
            recordsSubnets: sourceSubnets(diagnosis),
            snapshotEni: snapshot.info.NetworkInterfaceId,
        });
        if (!scope.checked) return warn(notCheckedReport(`In --config-snapshot ${snapshotDir}: ${scope.reason}.`, "snapshot", named ?? null));
        const notes = snapshot.missing.map((f) => `The snapshot has no ${f}: that part of the path was not checked.`);
        try {
            const evaluation = evaluateConfiguration(snapshot.documents, scope.eniId, configQuery(conversation));
            return checked(evaluation, checkedReport(evaluation, diagnosis.verdict, "snapshot", snapshot.info.TakenAt ?? null, notes, scope.basis));
        } catch (err) {
            if (err instanceof ConfigCheckError) return warn(notCheckedReport(`In --config-snapshot ${snapshotDir}: ${err.message}.`, "snapshot", scope.eniId));
            throw err;
        }
    }
    const fromRecords = eniFromRecords(diagnosis);
    const eniId = named ?? fromRecords.id;
    if (eniId === undefined) {
        const why =
            fromRecords.several.length > 1
                ? `the records show several workload ENIs (${fromRecords.several.join(", ")}): name one with --eni.`
                : "no ENI to check: the records show none (the interface-id field); name it with --eni.";
        return warn(notCheckedReport(why.charAt(0).toUpperCase() + why.slice(1), "live", null));
    }
    const env = io.env ?? process.env;
    const region = liveRegion ?? (values.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) {
        throw new UserInputError("--check-config needs a region: pass --region, or set AWS_REGION.");
    }
    if (!AWS_REGION_NAME.test(region)) {
        const origin = liveRegion !== undefined || values.region !== undefined ? "--region" : env.AWS_REGION !== undefined ? "AWS_REGION" : "AWS_DEFAULT_REGION";
        throw new UserInputError(`Invalid ${origin} ${quote(region)}. Allowed: an AWS region name such as ap-northeast-2 or us-east-1.`);
    }
    const { collectEc2Documents, Ec2CollectionError } = await import("../aws/ec2ConfigCollector");
    const { explainCallerAwsError } = await import("../aws/awsErrors");
    // Loaded here, not at the top: reading a snapshot or a file needs no AWS SDK.
    const ec2 = io.ec2Client ? io.ec2Client(region) : new (await import("@aws-sdk/client-ec2")).EC2Client({ region });
    const checkedAt = now.toISOString().replace(".000Z", "Z");
    try {
        const documents = await collectEc2Documents(ec2, eniId);
        const scope = chooseInterface(documents, { src: conversation.src, named, recordsEnis: sourceEnis(diagnosis), recordsSubnets: sourceSubnets(diagnosis) });
        if (!scope.checked) return warn(notCheckedReport(`In what EC2 returned for ${eniId}: ${scope.reason}.`, "live", eniId, checkedAt));
        const evaluation = evaluateConfiguration(documents, scope.eniId, configQuery(conversation));
        return checked(evaluation, checkedReport(evaluation, diagnosis.verdict, "live", checkedAt, [], scope.basis));
    } catch (err) {
        if (err instanceof Ec2CollectionError) {
            // Credentials, permission, region and network: the message every live command gives, on one line.
            const plain = explainCallerAwsError(err.cause, { region, action: err.action, needs: { who: "The configuration check", actions: CONFIG_CHECK_IAM_ACTIONS } });
            const reason = plain !== undefined
                ? `${plain.replace(/\n/g, " ")} The verdict above is the flow logs' alone.`
                : (err.cause as { name?: string }).name === "InvalidNetworkInterfaceID.NotFound"
                  ? `${eniId} does not exist in ${region} (a stopped task's ENI is deleted): check a snapshot taken while it existed, with --config-snapshot.`
                  : `${err.message}; the verdict above is the flow logs' alone.`;
            return warn(notCheckedReport(reason, "live", eniId, checkedAt));
        }
        if (err instanceof ConfigCheckError) return warn(notCheckedReport(`${err.message}.`, "live", eniId, checkedAt));
        throw err;
    }
}

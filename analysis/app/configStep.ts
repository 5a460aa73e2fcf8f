/**
 * The configuration check as a step of `vpc-flow-diagnose`: its flags, which ENI to check, where
 * the documents come from (a snapshot folder, or EC2 when asked with --check-config), and the
 * `config` object that joins the diagnosis. A check that cannot run (AccessDenied, an ENI that is
 * gone) never stops the diagnosis: it says why on stderr and in `config`, as `not-checked`.
 */
import { Diagnosis } from "../verdict/classify";
import { isNetworkInterfaceId } from "../core/awsNames";
import { chooseRegion } from "../core/region";
import { inKnownS3Range } from "../verdict/destination";
import { AddressSet } from "../core/ip";
import { CONFIG_CHECK_IAM_ACTIONS } from "../verdict/config/ec2Documents";
import { ConfigCheckError, ConfigEvaluation, evaluateConfiguration } from "../verdict/config/evaluate";
import { ConfigReport, checkedReport, notCheckedReport } from "../verdict/config/report";
import { chooseInterface } from "../verdict/config/scope";
import { readSnapshot } from "../aws/snapshotFiles";
import { AwsClientMakers, awsClient } from "../aws/clients";
import type { KnownIds } from "../verdict/advice";
import { dateToIso } from "../core/isoTime";

/** The configuration check asked for: a snapshot folder, or EC2 now (`--check-config`). */
export interface ConfigCheckRequest {
    /** `--config-snapshot`: check the configuration saved in this folder; absent: ask EC2. */
    readonly snapshotDir?: string;
    /** The interface to check (`--eni`, or the ECS task's); absent: the records' own. */
    readonly eni?: string;
    /** `--region`, for a check against EC2. */
    readonly region?: string;
}

export interface ConfigIo extends Pick<AwsClientMakers, "ec2Client"> {
    readonly stderr: (text: string) => void;
    readonly env?: NodeJS.ProcessEnv;
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

/** `request` undefined: no check was asked for. */
export async function checkConfiguration(
    request: ConfigCheckRequest | undefined,
    diagnosis: Diagnosis,
    conversation: ConfigConversation,
    io: ConfigIo,
    now: Date,
    liveRegion?: string,
): Promise<ConfigCheckOutcome | undefined> {
    if (request === undefined) return undefined;
    const named = request.eni;
    const snapshotDir = request.snapshotDir;
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
    const region = chooseRegion(
        [{ region: liveRegion ?? request.region, origin: "--region" }],
        env,
        "--check-config needs a region: pass --region, or set AWS_REGION.",
    );
    const { collectEc2Documents, Ec2CollectionError } = await import("../aws/ec2ConfigCollector");
    const { explainCallerAwsError } = await import("../aws/awsErrors");
    const ec2 = await awsClient(io, "ec2Client", region);
    const checkedAt = dateToIso(now);
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

/**
 * The CrossGuard policy pack: `pulumi preview --policy-pack ./policy-pack` runs it on any stack
 * (docs/policy-pack.md). Each policy's enforcement level is its default; a
 * `--policy-pack-config` file overrides it, per policy or for all.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, { policies });

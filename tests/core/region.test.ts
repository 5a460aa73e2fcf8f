import { expect } from "chai";
import { chooseRegion } from "../../analysis/core/region";
import { userErrorOf as failure } from "../helpers/userErrors";

const MISSING = "No AWS region: pass --region or set AWS_REGION.";

describe("core/region: the one region fallback", () => {
    const flag = (region: string | undefined) => ({ region, origin: "--region" });
    const stack = (region: string | undefined) => ({ region, origin: "region (stack output)" });

    it("takes the first given, in the caller's order, then AWS_REGION, then AWS_DEFAULT_REGION", () => {
        const env = { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-east-1" };
        expect(chooseRegion([flag("ap-northeast-2"), stack("eu-central-1")], env, MISSING)).to.equal("ap-northeast-2");
        expect(chooseRegion([flag(undefined), stack("eu-central-1")], env, MISSING)).to.equal("eu-central-1");
        expect(chooseRegion([flag(undefined), stack(undefined)], env, MISSING)).to.equal("eu-west-1");
        expect(chooseRegion([flag(undefined)], { AWS_DEFAULT_REGION: "us-east-1" }, MISSING)).to.equal("us-east-1");
        expect(chooseRegion([], { AWS_REGION: "us-gov-west-1" }, MISSING)).to.equal("us-gov-west-1");
    });

    it("says the caller's message when there is none, also when the first one set is empty", () => {
        expect(failure(() => chooseRegion([flag(undefined)], {}, MISSING))).to.equal(MISSING);
        expect(failure(() => chooseRegion([flag(undefined)], { AWS_REGION: "", AWS_DEFAULT_REGION: "us-east-1" }, MISSING))).to.equal(MISSING);
    });

    it("checks every origin's value is a region name, and names the origin of a bad one", () => {
        expect(failure(() => chooseRegion([flag("Seoul")], {}, MISSING))).to.equal("Invalid --region 'Seoul'. Allowed: an AWS region name such as ap-northeast-2 or us-east-1.");
        expect(failure(() => chooseRegion([flag(undefined), stack("eu west 1")], {}, MISSING))).to.equal(
            "Invalid region (stack output) 'eu west 1'. Allowed: an AWS region name such as ap-northeast-2 or us-east-1.",
        );
        expect(failure(() => chooseRegion([flag(undefined)], { AWS_REGION: "Frankfurt" }, MISSING))).to.equal(
            "Invalid AWS_REGION 'Frankfurt'. Allowed: an AWS region name such as ap-northeast-2 or us-east-1.",
        );
        expect(failure(() => chooseRegion([], { AWS_DEFAULT_REGION: "europe" }, MISSING))).to.equal(
            "Invalid AWS_DEFAULT_REGION 'europe'. Allowed: an AWS region name such as ap-northeast-2 or us-east-1.",
        );
    });
});

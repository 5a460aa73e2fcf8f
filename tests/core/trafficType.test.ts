import { expect } from "chai";
import { main } from "../../analysis/cli/cli";
import { trafficTypeOf } from "../../analysis/core/trafficType";
import { diagnosisJson } from "../helpers/jsonContract";

describe("traffic type words (stack config and CLI alike)", () => {
    it("reads AWS's words and the console's, in any case", () => {
        const cases: [string, string | undefined][] = [
            ["ALL", "ALL"],
            ["all", "ALL"],
            [" Accepted ", "ACCEPT"],
            ["accept", "ACCEPT"],
            ["Rejected", "REJECT"],
            ["REJECT", "REJECT"],
            ["Rejectd", undefined],
            ["", undefined],
        ];
        expect(cases.map(([word]) => [word, trafficTypeOf(word)])).to.deep.equal(cases);
    });

    it("lets the CLI take --traffic-type Rejected, as the stack config does", async () => {
        let stdout = "";
        const code = await main(
            ["--input", "examples/sg-reject.log", "--src", "10.0.1.25", "--dst", "52.219.204.42", "--traffic-type", "Rejected", "--output", "json"],
            { stdout: (t) => (stdout += t), stderr: () => undefined },
        );
        expect(code).to.equal(0);
        expect(diagnosisJson(stdout).conversation.trafficType).to.equal("REJECT");
    });
});

import { expect } from "chai";
import { s3PrefixListName } from "../../analysis/aws/s3PrefixList";

describe("the S3 managed prefix list's name", () => {
    it("follows the partition's service-name prefix: cn.com.amazonaws in the China regions", () => {
        expect(["ap-northeast-2", "us-gov-west-1", "cn-north-1", "cn-northwest-1"].map(s3PrefixListName)).to.deep.equal([
            "com.amazonaws.ap-northeast-2.s3",
            "com.amazonaws.us-gov-west-1.s3",
            "cn.com.amazonaws.cn-north-1.s3",
            "cn.com.amazonaws.cn-northwest-1.s3",
        ]);
    });
});

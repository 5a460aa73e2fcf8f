/**
 * A loopback HTTP server that answers the EC2 query protocol (form-encoded `Action=...` requests,
 * XML responses) from documents shaped as the AWS CLI prints them, so the real CLI process can run
 * the configuration check end to end without AWS. The CLI's PascalCase keys become the wire's
 * element names: lowerCamel, with EC2's own names for lists (`networkInterfaceSet`, `item`, ...).
 * Listens on 127.0.0.1 only and records each request's Action and parameters.
 */
import * as http from "http";
import { AddressInfo } from "net";

/** Wire names that are not just the key in lowerCamel (EC2 API reference, response elements). */
const WIRE_NAMES: Record<string, string> = {
    NetworkInterfaces: "networkInterfaceSet",
    Groups: "groupSet",
    PrivateIpAddresses: "privateIpAddressesSet",
    Ipv6Addresses: "ipv6AddressesSet",
    TagSet: "tagSet",
    Tags: "tagSet",
    RouteTables: "routeTableSet",
    Routes: "routeSet",
    Associations: "associationSet",
    PropagatingVgws: "propagatingVgwSet",
    SecurityGroups: "securityGroupInfo",
    UserIdGroupPairs: "groups",
    NetworkAcls: "networkAclSet",
    Entries: "entrySet",
    IsDefault: "default",
    VpcEndpoints: "vpcEndpointSet",
    RouteTableIds: "routeTableIdSet",
    SubnetIds: "subnetIdSet",
    NetworkInterfaceIds: "networkInterfaceIdSet",
    DnsEntries: "dnsEntrySet",
    NatGateways: "natGatewaySet",
    NatGatewayAddresses: "natGatewayAddressSet",
    InternetGateways: "internetGatewaySet",
    Attachments: "attachmentSet",
    PrefixLists: "prefixListSet",
    // DescribeVpcPeeringConnections; its accepterVpcInfo, cidrBlockSet, ipv6CidrBlockSet are plain lowerCamel.
    VpcPeeringConnections: "vpcPeeringConnectionSet",
};

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function toXml(key: string, value: unknown): string {
    const name = WIRE_NAMES[key] ?? key.charAt(0).toLowerCase() + key.slice(1);
    if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml("item", v).replace(/^<item>|<\/item>$/g, "")).map((v) => `<item>${v}</item>`).join("")}</${name}>`;
    if (value !== null && typeof value === "object") {
        return `<${name}>${Object.entries(value).map(([k, v]) => toXml(k, v)).join("")}</${name}>`;
    }
    return `<${name}>${escape(String(value))}</${name}>`;
}

export interface Ec2Request {
    readonly action: string;
    readonly params: Record<string, string>;
}

/** Action -> the document to answer (as `aws ec2 ... --output json` prints it), or an error code. */
export type Ec2Answers = Record<string, Record<string, unknown> | { readonly error: string; readonly message: string }>;

export interface FakeEc2 {
    readonly url: string;
    readonly requests: Ec2Request[];
    close(): Promise<void>;
}

export async function startFakeEc2(answers: Ec2Answers): Promise<FakeEc2> {
    const requests: Ec2Request[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
            const action = params.Action ?? "";
            requests.push({ action, params });
            const answer = answers[action];
            const requestId = `req-${requests.length}`;
            if (answer === undefined || "error" in answer) {
                const code = answer && "error" in answer ? String(answer.error) : "InvalidAction";
                const message = answer && "error" in answer ? String(answer.message) : `fake server has no answer for ${action}`;
                res.writeHead(code === "UnauthorizedOperation" ? 403 : 400, { "content-type": "text/xml;charset=UTF-8" });
                res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${escape(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`);
                return;
            }
            const body = Object.entries(answer).map(([k, v]) => toXml(k, v)).join("");
            res.writeHead(200, { "content-type": "text/xml;charset=UTF-8" });
            res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId>${body}</${action}Response>`);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

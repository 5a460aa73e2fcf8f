import { Ec2Documents } from "../../analysis/verdict/config/ec2Documents";

/** EC2 documents with every list empty, and the lists a test names: a snapshot holding only what the test is about. */
export function ec2Documents(parts: Partial<Ec2Documents> = {}): Ec2Documents {
    return {
        networkInterfaces: [],
        routeTables: [],
        securityGroups: [],
        networkAcls: [],
        vpcEndpoints: [],
        natGateways: [],
        internetGateways: [],
        vpcPeeringConnections: [],
        prefixLists: [],
        prefixListEntries: {},
        ...parts,
    };
}

import { createHash } from "node:crypto";

/**
 * Per-region facts of the sandbox cloud. Where AWS publishes a fixed value (the canonical hosted
 * zone of a region's load balancers or of S3) the sandbox answers with it, so DNS alias records
 * built from sandbox outputs look exactly like real ones; for a region missing from a table it
 * answers with a stable made-up value of the same shape.
 */

/** The sandbox's one AWS account. */
export const sandboxAccountId = "123456789012";

/** Region the provider uses when neither the resource nor the provider configuration names one. */
export const defaultRegion = "us-east-1";

/** Canonical hosted zone ids of Network Load Balancers, per region (AWS "Elastic Load Balancing endpoints"). */
const nlbZoneIds: Readonly<Record<string, string>> = {
    "us-east-1": "Z26RNL4JYFTOTI",
    "us-east-2": "ZLMOA37VPKANP",
    "us-west-1": "Z24FKFUX50B4VW",
    "us-west-2": "Z18D5FSROUN65G",
    "ca-central-1": "Z2EPGBW3API2WT",
    "eu-west-1": "Z2IFOLAFXWLO4F",
    "eu-west-2": "ZD4D7Y8KGAS4G",
    "eu-west-3": "Z1CMS0P5QUZ6D5",
    "eu-central-1": "Z3F0SRJ5LGBH90",
    "eu-north-1": "Z1UDT6IFJ4EJM",
    "ap-south-1": "ZVDDRBQ08TROA",
    "ap-southeast-1": "ZKVM4W9LS7TM",
    "ap-southeast-2": "ZCT6FZBF4DROD",
    "ap-northeast-1": "Z31USIVHYNEOWT",
    "sa-east-1": "ZTK26PT1VY4CU",
};

/** Canonical hosted zone ids of Application Load Balancers, per region. */
const albZoneIds: Readonly<Record<string, string>> = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "ca-central-1": "ZQSVJUPU6J1EY",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-west-2": "ZHURV8PSTC4K8",
    "eu-west-3": "Z3Q77PNBQS71R4",
    "eu-central-1": "Z215JYRZR1TBD5",
    "eu-north-1": "Z23TAZ7KWT1C",
    "ap-south-1": "ZP97RAFLXTNZK",
    "ap-southeast-1": "Z1LMS91P8CMLE5",
    "ap-southeast-2": "Z1GM3OXH4ZPM65",
    "ap-northeast-1": "Z14GRHDCWA56QT",
    "sa-east-1": "Z2P70J7HTTTPLU",
};

/** Hosted zone ids of the S3 endpoints, per region. */
const s3ZoneIds: Readonly<Record<string, string>> = {
    "us-east-1": "Z3AQBSTGFYJSTF",
    "us-east-2": "Z2O1EMRO9K5GLX",
    "us-west-1": "Z2F56UZL2M1ACD",
    "us-west-2": "Z3BJ6K6RIION7M",
    "ca-central-1": "Z1QDHH18159H29",
    "eu-west-1": "Z1BKCTXD74EZPE",
    "eu-west-2": "Z3GKZC51ZF0DB4",
    "eu-west-3": "Z3R1K369G5AVDG",
    "eu-central-1": "Z21DNDUVLTQW6Q",
    "eu-north-1": "Z3BAZG2TWCNX0D",
    "ap-south-1": "Z11RGJOFQNVJUP",
    "ap-southeast-1": "Z3O0J2DXBE1FTB",
    "ap-southeast-2": "Z1WCIGYICN2BYD",
    "ap-northeast-1": "Z2M4EHUR26P7ZW",
    "sa-east-1": "Z7KQH4QJS55SO",
};

/** A stable hex digest of `parts`, for made-up ids that must not change between runs. */
export function stableHex(length: number, ...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, length);
}

/** A stable Route 53-style id (`Z` + upper-case letters and digits) derived from `parts`. */
export function stableZoneId(...parts: string[]): string {
    const digest = createHash("sha256").update(parts.join("\u0000")).digest();
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    return "Z" + [...digest.subarray(0, 13)].map((b) => alphabet[b % alphabet.length]).join("");
}

/** The AWS partition of a region. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}

/** The DNS suffix of a partition's endpoints. */
export function dnsSuffixOf(partition: string): string {
    return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** Canonical hosted zone id of a region's load balancers of the given type (`network` or `application`). */
export function loadBalancerZoneId(region: string, loadBalancerType: string): string {
    const table = loadBalancerType === "network" ? nlbZoneIds : albZoneIds;
    return table[region] ?? stableZoneId("elb", loadBalancerType, region);
}

/** Hosted zone id of a region's S3 endpoint. */
export function s3ZoneId(region: string): string {
    return s3ZoneIds[region] ?? stableZoneId("s3", region);
}

/** The three availability zones of a region in the sandbox: `<region>a`, `b`, `c`. */
export function availabilityZones(region: string): string[] {
    return ["a", "b", "c"].map((suffix) => `${region}${suffix}`);
}

/** A zone id like AWS's (`use1-az1`); the letter→number pairing is per account in AWS, fixed here. */
export function availabilityZoneId(zoneName: string): string {
    const region = zoneName.replace(/[a-z]$/, "");
    const index = zoneName.charCodeAt(zoneName.length - 1) - "a".charCodeAt(0) + 1;
    return `${regionShortCode(region)}-az${index}`;
}

const directionCodes: Readonly<Record<string, string>> = {
    east: "e", west: "w", north: "n", south: "s", central: "c",
    northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw",
};

/** `us-east-1` → `use1`, `ap-southeast-2` → `apse2` (the prefix of AWS zone ids). */
export function regionShortCode(region: string): string {
    const parts = region.split("-");
    const number = parts[parts.length - 1];
    const direction = parts[parts.length - 2] ?? "";
    const geo = parts.slice(0, parts.length - 2).join("");
    return `${geo}${directionCodes[direction] ?? direction}${number}`;
}

/** A stable image id per region (and per name filter), so a launch template does not churn between runs. */
export function amiId(region: string, name = ""): string {
    return `ami-${stableHex(17, "ami", region, name)}`;
}

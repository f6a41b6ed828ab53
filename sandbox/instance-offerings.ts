import { availabilityZones } from "./regions";

/**
 * Which of a region's zones offer an instance type — AWS offers a type in some zones of a region
 * and not others (EC2 `DescribeInstanceTypeOfferings`). The sandbox offers every type in every zone
 * unless `SANDBOX_INSTANCE_TYPE_OFFERINGS` (JSON, `{"<region>": {"<type>": ["<zone>", …]}}`) names
 * the zones of a type in a region, so a test can make a region short of zones for the gateways.
 */
export type InstanceTypeOfferings = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/** The offerings in the provider's environment; a malformed variable is an error naming it. */
export function instanceTypeOfferingsFromEnv(env: NodeJS.ProcessEnv): InstanceTypeOfferings {
    const text = env.SANDBOX_INSTANCE_TYPE_OFFERINGS;
    if (text === undefined || text === "") {
        return {};
    }
    const bad = (why: string) => new Error(`sandbox: SANDBOX_INSTANCE_TYPE_OFFERINGS ${why}: give {"<region>": {"<instance type>": ["<zone>", ...]}}`);
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw bad("is not JSON");
    }
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isObject(parsed)) {
        throw bad("is not an object");
    }
    for (const [region, types] of Object.entries(parsed)) {
        if (!isObject(types) || Object.values(types).some((zones) => !Array.isArray(zones) || zones.some((z) => typeof z !== "string"))) {
            throw bad(`has a malformed entry for ${region}`);
        }
    }
    return parsed as InstanceTypeOfferings;
}

/** The zones of `region` that offer `instanceType`. */
export function zonesOffering(offerings: InstanceTypeOfferings, region: string, instanceType: string): string[] {
    const zones = availabilityZones(region);
    const named = offerings[region]?.[instanceType];
    return named === undefined ? zones : zones.filter((z) => named.includes(z));
}

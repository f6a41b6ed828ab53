// Which availability zones a new network uses: regular zones of the region that offer the gateways'
// instance type. Pure: the stack passes what EC2 answered, the tests pass edges.

/** What the choice needs to know. */
export interface ZoneChoiceArgs {
    readonly region: string;
    /** The region's regular zones (no opt-in), in EC2's order. */
    readonly zones: readonly string[];
    /** The gateways' instance type. */
    readonly instanceType: string;
    /** The zones EC2 offers the instance type in (DescribeInstanceTypeOfferings by availability-zone). */
    readonly offeredIn: readonly string[];
    /** How many zones the network spans (`network.availabilityZoneCount`). */
    readonly count: number;
}

/**
 * The first `count` zones, in the region's order, that offer the instance type. An Auto Scaling
 * group cannot launch a type in a zone that does not offer it (its launches there fail with
 * "Unsupported"), so a zone without the type is a zone without gateways. A region with too few is
 * refused in one line naming the type and the region.
 */
export function chooseZones(args: ZoneChoiceArgs): string[] {
    const { region, zones, instanceType, count } = args;
    if (zones.length < count) {
        throw new Error(`sftp-failover:network.availabilityZoneCount is ${count} but ${region} offers ${zones.length} zones`);
    }
    const offering = zones.filter((z) => args.offeredIn.includes(z));
    if (offering.length < count) {
        const where = offering.length === 0 ? "none" : offering.join(", ");
        throw new Error(
            `sftp-failover:instanceType ${instanceType} is offered in ${offering.length} of the ${zones.length} zones of ${region} (${where}); network.availabilityZoneCount needs ${count}: choose a type offered in ${count} zones (aws ec2 describe-instance-type-offerings --location-type availability-zone --region ${region})`,
        );
    }
    return offering.slice(0, count);
}

/** The parts of a resource URN the sandbox needs. */
export interface UrnParts {
    /** The resource's type token, e.g. `aws:ec2/vpc:Vpc`. */
    readonly type: string;
    /** The resource's logical name. */
    readonly name: string;
}

/**
 * Splits `urn:pulumi:<stack>::<project>::<parent types$>type::<name>`. The name is everything after
 * the fourth `::`, since a logical name may itself contain `::`.
 */
export function parseUrn(urn: string): UrnParts {
    const parts = urn.split("::");
    if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) {
        throw new Error(`sandbox: malformed URN "${urn}"`);
    }
    const qualifiedType = parts[2];
    return { type: qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

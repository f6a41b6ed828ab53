import { canonicalType } from "./replacements";
import { PropertyMap, reveal, stringProp } from "./values";

/**
 * What AWS refuses to delete whatever else exists: a load balancer with deletion protection on.
 * ELB's DeleteLoadBalancer answers `OperationNotPermitted` until the attribute is turned off
 * (ELBv2 API reference, DeleteLoadBalancer and the `deletion_protection.enabled` attribute), so a
 * `destroy` — or a replacement — of a protected load balancer fails, in AWS as here. A refusal reads
 * `<service> <API>: <Code>: <message>`, as the preconditions' do.
 */
export function deletionRefusal(type: string, id: string, props: PropertyMap): string | undefined {
    if (canonicalType(type) !== "aws:lb/loadBalancer:LoadBalancer") {
        return undefined;
    }
    const protectedLb = (reveal(props) as PropertyMap).enableDeletionProtection;
    if (protectedLb !== true && protectedLb !== "true") {
        return undefined;
    }
    const arn = stringProp(props, "arn") ?? id;
    return `elasticloadbalancing DeleteLoadBalancer: OperationNotPermitted: Load balancer '${arn}' cannot be deleted because deletion protection is enabled`;
}

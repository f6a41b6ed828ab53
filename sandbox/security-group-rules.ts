// Security group rules as the reachability models read them: separate rule resources and inline
// blocks alike, and whether a rule covers a TCP port.
import { factString, ofType, WorldResource } from "./world";

export interface Source {
    readonly cidrIpv4?: string;
    readonly cidrIpv6?: string;
    readonly prefixListId?: string;
    readonly referencedSecurityGroupId?: string;
}

export interface Rule extends Source {
    readonly ipProtocol: string;
    readonly fromPort?: number;
    readonly toPort?: number;
}

/** Parses `a.b.c.d/n` into a 32-bit base and prefix length, or undefined. */
function ipv4Cidr(cidr: string): { base: number; prefix: number } | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (m === null) {
        return undefined;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const base = octets.reduce((acc, o) => acc * 256 + o, 0);
    return { base, prefix };
}

/** Whether IPv4 CIDR `outer` contains all of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
    const o = ipv4Cidr(outer);
    const i = ipv4Cidr(inner);
    if (o === undefined || i === undefined || i.prefix < o.prefix) {
        return false;
    }
    const size = 2 ** (32 - o.prefix);
    return Math.floor(o.base / size) === Math.floor(i.base / size);
}

export function ruleCoversPort(rule: Rule, port: number): boolean {
    const protocol = rule.ipProtocol.toLowerCase();
    if (protocol === "-1" || protocol === "all") {
        return true;
    }
    if (protocol !== "tcp" && protocol !== "6") {
        return false;
    }
    return (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535);
}

function ruleOf(r: Record<string, unknown>): Rule {
    const str = (k: string) => (typeof r[k] === "string" && r[k] !== "" ? (r[k] as string) : undefined);
    const num = (k: string) => (typeof r[k] === "number" ? (r[k] as number) : undefined);
    return {
        ipProtocol: str("ipProtocol") ?? str("protocol") ?? "tcp",
        fromPort: num("fromPort"),
        toPort: num("toPort"),
        cidrIpv4: str("cidrIpv4"),
        cidrIpv6: str("cidrIpv6"),
        prefixListId: str("prefixListId"),
        referencedSecurityGroupId: str("referencedSecurityGroupId"),
    };
}

/** Inline rules of a group (`ingress`/`egress` blocks, one rule per CIDR, prefix list or group). */
function inlineRules(group: WorldResource, direction: "ingress" | "egress"): Rule[] {
    const blocks = group.facts[direction];
    if (!Array.isArray(blocks)) {
        return [];
    }
    return blocks.flatMap((b) => {
        const block = b as Record<string, unknown>;
        const base = ruleOf(block);
        const list = (k: string) => (Array.isArray(block[k]) ? (block[k] as unknown[]).filter((x): x is string => typeof x === "string") : []);
        return [
            ...list("cidrBlocks").map((cidrIpv4) => ({ ...base, cidrIpv4 })),
            ...list("ipv6CidrBlocks").map((cidrIpv6) => ({ ...base, cidrIpv6 })),
            ...list("prefixListIds").map((prefixListId) => ({ ...base, prefixListId })),
            ...list("securityGroups").map((referencedSecurityGroupId) => ({ ...base, referencedSecurityGroupId })),
        ];
    });
}

/** Every rule of the given groups in one direction: separate rule resources and inline blocks. */
export function rulesOf(world: readonly WorldResource[], groupIds: readonly string[], direction: "ingress" | "egress"): Rule[] {
    const type = direction === "ingress" ? "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" : "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
    const separate = ofType(world, type)
        .filter((r) => groupIds.includes(factString(r, "securityGroupId") ?? ""))
        .map((r) => ruleOf(r.facts as Record<string, unknown>));
    const inline = ofType(world, "aws:ec2/securityGroup:SecurityGroup")
        .filter((g) => groupIds.includes(g.id))
        .flatMap((g) => inlineRules(g, direction));
    return [...separate, ...inline];
}


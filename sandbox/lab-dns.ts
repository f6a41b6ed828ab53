// The lab's authoritative DNS: Knot serving what the lab's selector (sandbox/route53-selector.ts,
// written from the Route 53 documentation) picks from the raw inputs the lab's health checker
// publishes — the weights of the records the sandbox's Route 53 holds right now (the shared world),
// the fences, and the checker's view of each region's sshd (sandbox/lab-health.ts). A switch's DNS
// step changes the records in the world as the Route 53 API would, and the lab's answers follow
// within one check interval, which is what the driver's check after DNS moves then asks and judges
// against its own model (automation/dns-answers.ts): two codings of the same rules, not one.
//
// Every name of the service (recordName and the additional names) gets the one answer computed from
// the service name's records. The component gives every name the same weights and health checks and
// a switch changes them in one `up`, so on Route 53 they differ only while that `up` runs; the lab
// does not model those seconds.
import { RegionName, regionNames, Weights } from "../foundation/posture";
import { LabAnswerEvent, LabAnswers } from "./lab-answers";
import { LabHealthChecker, labRecordAddresses } from "./lab-health";
import { LabServers } from "./lab-servers";
import { DnsServer, startDnsServer } from "./servers/dns-server";
import { factString, ofType, World } from "./world";

/**
 * The weights of the service name's weighted A records in the world (set identifier = region, as
 * components/dns-failover.ts names them); undefined until both exist. Only the records of `fqdn`
 * count: an additional name's records carry the same weights, but while a switch is updating them
 * one by one, the first record found could be any name's.
 */
export function worldWeights(world: World, fqdn: string): Weights | undefined {
    const key = (name: string) => name.toLowerCase().replace(/\.$/, "");
    const records = ofType(world.list(), "aws:route53/record:Record").filter((r) => factString(r, "type") === "A" && key(factString(r, "name") ?? "") === key(fqdn));
    const weightOf = (region: RegionName): number | undefined => {
        const policies = records.find((r) => factString(r, "setIdentifier") === region)?.facts.weightedRoutingPolicies;
        const weight = Array.isArray(policies) ? (policies[0] as { weight?: unknown } | undefined)?.weight : undefined;
        return typeof weight === "number" ? weight : undefined;
    };
    const [primary, secondary] = [weightOf("primary"), weightOf("secondary")];
    return primary === undefined || secondary === undefined ? undefined : { primary, secondary };
}

/** The running lab DNS. */
export interface LabDns {
    readonly dns: DnsServer;
    readonly checker: LabHealthChecker;
    /** What the lab's DNS served, and when. */
    readonly answers: LabAnswers;
    /** Which answered addresses are each region's (the driver's `regionAddresses`). */
    readonly regionAddresses: Readonly<Record<RegionName, readonly string[]>>;
    /** The lab's address of a region's record → that region's loopback port. */
    portOf(address: string): number | undefined;
    /** Waits (bounded by the checker's own rounds) until DNS answers exactly `answered`; the event, or undefined. */
    waitForAnswer(answered: readonly RegionName[], sinceMs: number): Promise<LabAnswerEvent | undefined>;
    stop(): Promise<void>;
}

/** Options of {@link startLabDns}. */
export interface LabDnsOptions {
    readonly servers: LabServers;
    /** The service name (the dns stack's recordFqdn): its first label is the record, the rest the zone. */
    readonly fqdn: string;
    /** Further names answered like fqdn (the rest of the dns stack's recordFqdns), each in fqdn's zone. Defaults to none. */
    readonly additionalFqdns?: readonly string[];
    readonly worldDir: string;
    /** The weights until the world holds both records. */
    readonly initialWeights: Weights;
    readonly fenced: () => Promise<Readonly<Record<RegionName, boolean>>>;
    readonly intervalMs: number;
    readonly threshold: number;
    /** Bound on the checker's rounds. */
    readonly maxRounds: number;
    /** TTL of the served records, in seconds. Defaults to 0 (see docs/drill.md, "What the lab stands in for"). */
    readonly ttlSeconds?: number;
}

/** Options of {@link startLabAnswers}: where the weights come from is the caller's. */
export type LabAnswersOptions = Omit<LabDnsOptions, "worldDir" | "initialWeights"> & {
    /** The weights the records hold now, read each round. */
    readonly weights: () => Weights;
};

/** Starts Knot for the service name's zone, and a health checker whose inputs the lab's selector answers from. */
export async function startLabAnswers(opts: LabAnswersOptions): Promise<LabDns> {
    const dot = opts.fqdn.indexOf(".");
    const zone = opts.fqdn.slice(dot + 1);
    const additionalRecordNames = (opts.additionalFqdns ?? []).map((fqdn) => relativeTo(zone, fqdn));
    const dns = await startDnsServer({ zone, ttl: opts.ttlSeconds ?? 0 });
    const answers = new LabAnswers((records) => dns.setRecords(records), [opts.fqdn.slice(0, dot), ...additionalRecordNames]);
    const checker = new LabHealthChecker({
        endpoints: opts.servers.endpoints,
        intervalMs: opts.intervalMs,
        threshold: opts.threshold,
        weights: opts.weights,
        fenced: opts.fenced,
        publish: (inputs) => answers.serve(inputs),
        maxRounds: opts.maxRounds,
    });
    try {
        await checker.start();
    } catch (err) {
        await dns.stop();
        throw err;
    }
    return {
        dns,
        checker,
        answers,
        regionAddresses: Object.fromEntries(regionNames.map((r) => [r, [labRecordAddresses[r]]])) as Record<RegionName, string[]>,
        portOf(address) {
            const region = regionNames.find((r) => labRecordAddresses[r] === address);
            return region === undefined ? undefined : opts.servers.endpoints[region].port;
        },
        async waitForAnswer(answered, sinceMs) {
            // Bounded: the checker stops by itself after maxRounds, and then nothing new can be served.
            for (;;) {
                const hit = answers.answeredSince(answered, sinceMs);
                if (hit !== undefined || !checker.checking) {
                    return hit;
                }
                await new Promise((r) => setTimeout(r, Math.min(50, opts.intervalMs)));
            }
        },
        async stop() {
            await checker.stop();
            await dns.stop();
        },
    };
}

/** A name below the lab's zone, relative to it; Knot serves one zone, so any other name is refused. */
function relativeTo(zone: string, fqdn: string): string {
    const name = fqdn.toLowerCase().replace(/\.$/, "");
    const suffix = `.${zone.toLowerCase().replace(/\.$/, "")}`;
    if (!name.endsWith(suffix) || name.length === suffix.length) {
        throw new Error(`the lab's DNS serves zone ${zone} only; ${fqdn} is not a name in it`);
    }
    return name.slice(0, -suffix.length);
}

/** The lab's answers with the weights the sandbox's Route 53 records hold (its world), as they change. */
export function startLabDns(opts: LabDnsOptions): Promise<LabDns> {
    const world = new World(opts.worldDir);
    let weights = opts.initialWeights;
    return startLabAnswers({
        ...opts,
        // Read each round; a record being replaced (the world briefly holding neither) keeps the last weights.
        weights: () => (weights = worldWeights(world, opts.fqdn) ?? weights),
    });
}

// The lab's Route 53 health checker: it probes each region's SFTP endpoint over TCP at an interval
// and a failure threshold (the configured ones, scaled down for the lab), and after every round
// publishes the raw inputs of each region's record — its weight, its endpoint check's status and
// whether its fence is up — without deciding what DNS answers. The lab's DNS (sandbox/lab-dns.ts)
// turns those inputs into an answer with a selector written from the Route 53 documentation
// (sandbox/route53-selector.ts), not with the model the driver judges by (automation/dns-answers.ts).
// Stopping a region's sshd is then an unplanned outage that DNS routes around with no API call.
//
// One prober stands in for Route 53's fleet of checkers, which calls an endpoint healthy when more
// than 18 % of them see it healthy (Developer Guide, "How Amazon Route 53 determines whether a
// health check is healthy"): from one place on loopback there is no partial view to aggregate.
//
// Lab servers bind 127.0.0.1 only, so both regions share one address. Each region's record
// therefore answers a documentation address (RFC 5737) standing for its load balancer, and the lab
// maps that address to the region's loopback port, as the alias resolves to the NLB.
import * as net from "node:net";
import { RegionName, regionNames, Weights } from "../foundation/posture";

/** The address each region's record answers in the lab's zone (TEST-NET-1, never routed). */
export const labRecordAddresses: Readonly<Record<RegionName, string>> = { primary: "192.0.2.10", secondary: "192.0.2.20" };

/** One region's record as the lab's Route 53 holds it in a round: the raw inputs, no answer. */
export interface LabRegionInputs {
    /** The record's weight (the deployed weights). */
    readonly weight: number;
    /** The endpoint check's status after the threshold rule. */
    readonly endpointHealthy: boolean;
    /** Whether the region's fence alarm is up (the calculated check's other child). */
    readonly fenced: boolean;
}

/** Every region's inputs in one round. */
export type LabInputs = Readonly<Record<RegionName, LabRegionInputs>>;

/** Options of {@link LabHealthChecker}. */
export interface LabHealthCheckerOptions {
    /** Where each region listens (loopback). */
    readonly endpoints: Readonly<Record<RegionName, { readonly host: string; readonly port: number }>>;
    /** Milliseconds between checks (Route 53: 10 000 or 30 000). */
    readonly intervalMs: number;
    /** Consecutive results that change a region's state (Route 53: 1–10). */
    readonly threshold: number;
    /** The deployed weights (the dns stack's output). */
    readonly weights: () => Weights;
    /** Which regions are fenced now (the fence's datapoints). */
    readonly fenced: () => Promise<Readonly<Record<RegionName, boolean>>>;
    /** Receives every round's inputs (the lab's DNS answers from them). */
    readonly publish: (inputs: LabInputs) => Promise<void>;
    /** Bound on the rounds of checks; the checker stops by itself after it. */
    readonly maxRounds: number;
}

/** A change of an endpoint check's status, stamped with `Date.now()`. */
export interface LabHealthEvent {
    readonly at: number;
    readonly region: RegionName;
    readonly healthy: boolean;
}

/** True when a TCP connection to host:port opens within `timeoutMs` (Route 53's TCP check). */
export function tcpCheck(host: string, port: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ host, port });
        const done = (ok: boolean) => {
            socket.destroy();
            resolve(ok);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once("connect", () => done(true));
        socket.once("error", () => done(false));
    });
}

/** Probes, decides each endpoint's status with Route 53's threshold rule, and publishes the inputs. */
export class LabHealthChecker {
    readonly events: LabHealthEvent[] = [];
    private readonly healthy: Record<RegionName, boolean> = { primary: true, secondary: true };
    private readonly streak: Record<RegionName, number> = { primary: 0, secondary: 0 };
    private timer: NodeJS.Timeout | undefined;
    private rounds = 0;
    private running: Promise<void> = Promise.resolve();

    constructor(private readonly opts: LabHealthCheckerOptions) {}

    /** True while rounds are scheduled (not stopped, and the bound not reached). */
    get checking(): boolean {
        return this.timer !== undefined;
    }

    /** Publishes the inputs of the current state, then checks every interval until stopped or bounded. */
    async start(): Promise<void> {
        await this.publish();
        let busy = false;
        this.timer = setInterval(() => {
            // A round that outlasts the interval is not queued behind: the next tick is skipped, as a
            // checker that is late does not probe twice.
            if (busy) {
                return;
            }
            busy = true;
            this.running = this.round()
                .catch(() => undefined)
                .finally(() => {
                    busy = false;
                });
        }, this.opts.intervalMs);
    }

    async stop(): Promise<void> {
        clearInterval(this.timer);
        this.timer = undefined;
        await this.running;
    }

    private async round(): Promise<void> {
        this.rounds += 1;
        if (this.rounds > this.opts.maxRounds) {
            clearInterval(this.timer);
            this.timer = undefined;
            return;
        }
        for (const region of regionNames) {
            const { host, port } = this.opts.endpoints[region];
            const ok = await tcpCheck(host, port, Math.min(this.opts.intervalMs, 2000));
            // Route 53 changes a check's status after `threshold` consecutive results that disagree with it.
            this.streak[region] = ok === this.healthy[region] ? 0 : this.streak[region] + 1;
            if (this.streak[region] >= this.opts.threshold) {
                this.healthy[region] = ok;
                this.streak[region] = 0;
                this.events.push({ at: Date.now(), region, healthy: ok });
            }
        }
        await this.publish();
    }

    private async publish(): Promise<void> {
        const weights = this.opts.weights();
        const fenced = await this.opts.fenced();
        const one = (r: RegionName): LabRegionInputs => ({ weight: weights[r], endpointHealthy: this.healthy[r], fenced: fenced[r] });
        await this.opts.publish({ primary: one("primary"), secondary: one("secondary") });
    }
}

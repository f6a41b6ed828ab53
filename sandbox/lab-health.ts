// The lab's Route 53 data plane: a health checker that probes each region's SFTP endpoint over TCP
// at an interval and a failure threshold (the configured ones, scaled down for the lab), combines
// the result with the region's fence the way the calculated check does, and publishes Route 53's
// answer set (automation/dns-answers.ts) on the lab's authoritative DNS server (Knot). Stopping a
// region's sshd is then an unplanned outage that DNS routes around with no API call, as on AWS.
//
// Lab servers bind 127.0.0.1 only, so both regions share one address. Each region's record
// therefore answers a documentation address (RFC 5737) standing for its load balancer, and the lab
// maps that address to the region's loopback port (`portOf`), as the alias resolves to the NLB.
import * as net from "node:net";
import { route53Answer, Route53Answer } from "../automation/dns-answers";
import { RegionName, regionNames, Weights } from "../automation/posture";
import { DnsServer } from "./servers/dns-server";

/** The address each region's record answers in the lab's zone (TEST-NET-1, never routed). */
export const labRecordAddresses: Readonly<Record<RegionName, string>> = { primary: "192.0.2.10", secondary: "192.0.2.20" };

/** Options of {@link LabHealthChecker}. */
export interface LabHealthCheckerOptions {
    /** Where each region listens (loopback). */
    readonly endpoints: Readonly<Record<RegionName, { readonly host: string; readonly port: number }>>;
    readonly dns: DnsServer;
    /** The record's name relative to the zone, e.g. `sftp`. */
    readonly recordName: string;
    /** Further names relative to the zone, answered exactly as recordName (the dns stack's additional names). Defaults to none. */
    readonly additionalRecordNames?: readonly string[];
    /** Milliseconds between checks (Route 53: 10 000 or 30 000). */
    readonly intervalMs: number;
    /** Consecutive results that change a region's state (Route 53: 1–10). */
    readonly threshold: number;
    /** The deployed weights (the dns stack's output). */
    readonly weights: () => Weights;
    /** Which regions are fenced now (the fence's datapoints). */
    readonly fenced: () => Promise<Readonly<Record<RegionName, boolean>>>;
    /** Bound on the rounds of checks; the checker stops by itself after it. */
    readonly maxRounds: number;
}

/** A change the checker saw, stamped with `Date.now()`. */
export type LabHealthEvent =
    | { readonly at: number; readonly type: "health"; readonly region: RegionName; readonly healthy: boolean }
    | { readonly at: number; readonly type: "answer"; readonly answered: readonly RegionName[]; readonly rule: Route53Answer["rule"] };

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

/** Probes, decides health with Route 53's threshold rule, and publishes the answer set. */
export class LabHealthChecker {
    readonly events: LabHealthEvent[] = [];
    private readonly healthy: Record<RegionName, boolean> = { primary: true, secondary: true };
    private readonly streak: Record<RegionName, number> = { primary: 0, secondary: 0 };
    private published = "";
    private timer: NodeJS.Timeout | undefined;
    private rounds = 0;
    private running: Promise<void> = Promise.resolve();

    constructor(private readonly opts: LabHealthCheckerOptions) {}

    /** The lab's address of a region's record → that region's loopback port. */
    portOf(address: string): number | undefined {
        const region = regionNames.find((r) => labRecordAddresses[r] === address);
        return region === undefined ? undefined : this.opts.endpoints[region].port;
    }

    /** Publishes the answer for the current state, then checks every interval until stopped or bounded. */
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

    /** Waits (bounded by the checker's own rounds) until DNS answers exactly `answered`; the event, or undefined. */
    async waitForAnswer(answered: readonly RegionName[], sinceMs: number): Promise<LabHealthEvent | undefined> {
        const wanted = JSON.stringify(answered);
        for (;;) {
            const hit = this.events.find((e) => e.type === "answer" && e.at >= sinceMs && JSON.stringify(e.answered) === wanted);
            if (hit !== undefined || this.timer === undefined) {
                return hit;
            }
            await new Promise((r) => setTimeout(r, Math.min(50, this.opts.intervalMs)));
        }
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
                this.events.push({ at: Date.now(), type: "health", region, healthy: ok });
            }
        }
        await this.publish();
    }

    private async publish(): Promise<void> {
        const weights = this.opts.weights();
        const fenced = await this.opts.fenced();
        const answer = route53Answer({
            primary: { weight: weights.primary, endpointHealthy: this.healthy.primary, fenced: fenced.primary },
            secondary: { weight: weights.secondary, endpointHealthy: this.healthy.secondary, fenced: fenced.secondary },
        });
        const key = JSON.stringify(answer.answered);
        if (key === this.published) {
            return;
        }
        const addresses = answer.answered.map((r) => labRecordAddresses[r]);
        const names = [this.opts.recordName, ...(this.opts.additionalRecordNames ?? [])];
        await this.opts.dns.setRecords(Object.fromEntries(names.map((name) => [name, addresses])));
        this.published = key;
        this.events.push({ at: Date.now(), type: "answer", answered: answer.answered, rule: answer.rule });
    }
}

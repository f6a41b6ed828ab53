// The lab's gateways reloading their users, as a gateway's users timer does on AWS
// (components/gateway-user-data.ts `renderUsersSyncScript`): every period, each region reads its
// users object as the sandbox holds it — the world's record of the object (its key and sourceHash)
// and the body the program uploaded, named by that hash — and applies it to the region's sshd. The
// lab serves one account for everyone (sandbox/lab-servers.ts), so it stands for the declared users:
// read-only (internal-sftp -R) when the object holds them all read-only, which is what a planned
// switch's quiesce writes (components/sftp-users.ts `quiescedUsers`). Like SFTPGo, sshd applies the
// change to new sessions only: a session open before keeps writing.
//
// Each change is recorded with the time it took effect, so the drill and the tests measure the
// reload against the model the driver waits for (timer period + reload).
import * as fs from "node:fs";
import * as path from "node:path";
import { canaryHomePrefix } from "../components/canary";
import { RegionName, regionNames } from "../foundation/posture";
import { usersBodyDir, usersObjectKey } from "../stacks/regional-names";
import type { LabServers } from "./lab-servers";
import { factString, ofType, World } from "./world";

/** One change the lab's users timer applied to a region's server. */
export interface LabUsersChange {
    readonly region: RegionName;
    readonly readOnly: boolean;
    /** When the server served the change (ms since the epoch). */
    readonly at: number;
}

/** The running timer. */
export interface LabUsersSync {
    /** Every change applied so far, in order. */
    readonly changes: readonly LabUsersChange[];
    /** Stops the timer (waits for a reload under way). Safe to call twice. */
    stop(): Promise<void>;
}

/** Options of {@link startLabUsersSync}. */
export interface LabUsersSyncOptions {
    readonly servers: LabServers;
    /** The sandbox world folder (the lab's `worldDir`). */
    readonly worldDir: string;
    /** The timer's period: the regional stacks' `usersRefreshSeconds`, in milliseconds. */
    readonly periodMs: number;
    /** Where the program wrote the objects' bodies. Defaults to `usersBodyDir()`. */
    readonly bodyDir?: string;
    /** The most reloads before the timer stops by itself (a bound). Defaults to 7200. */
    readonly maxReloads?: number;
}

/**
 * Whether the region's users object, as the sandbox holds it, makes the declared users read-only;
 * undefined when there is no object, or its body cannot be read (the servers stay as they are, as a
 * gateway keeps its last list when a read fails).
 */
export function labUsersReadOnly(worldDir: string, region: RegionName, bodyDir = usersBodyDir()): boolean | undefined {
    const key = usersObjectKey(region);
    const object = ofType(new World(worldDir).list(), "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => factString(o, "key") === key);
    const hash = object !== undefined ? factString(object, "sourceHash") : undefined;
    if (hash === undefined) {
        return undefined;
    }
    let body: { users?: { homePrefix?: unknown; readOnly?: unknown }[] };
    try {
        body = JSON.parse(fs.readFileSync(path.join(bodyDir, `users-${hash}.json`), "utf8")) as typeof body;
    } catch {
        return undefined;
    }
    const declared = (body.users ?? []).filter((u) => u.homePrefix !== canaryHomePrefix);
    return declared.length > 0 && declared.every((u) => u.readOnly === true);
}

/** Starts the lab's users timer: the first reload at once, then one every period until stopped. */
export function startLabUsersSync(opts: LabUsersSyncOptions): LabUsersSync {
    const changes: LabUsersChange[] = [];
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    let left = opts.maxReloads ?? 7200;
    const reload = async () => {
        for (const region of regionNames) {
            const wanted = labUsersReadOnly(opts.worldDir, region, opts.bodyDir);
            const server = opts.servers.sshd[region];
            if (wanted === undefined || server.readOnly === wanted) {
                continue;
            }
            // A server stopped for an outage has nothing to reload; the next period tries again.
            await server.setReadOnly(wanted).then(
                () => changes.push({ region, readOnly: wanted, at: Date.now() }),
                () => undefined,
            );
        }
    };
    const tick = () => {
        left -= 1;
        running = reload().finally(() => {
            if (!stopped && left > 0) {
                timer = setTimeout(tick, opts.periodMs);
            }
        });
    };
    tick();
    return {
        changes,
        async stop() {
            stopped = true;
            clearTimeout(timer);
            await running.catch(() => undefined);
        },
    };
}

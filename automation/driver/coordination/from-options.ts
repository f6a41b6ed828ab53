// Which coordination store a driver's options select, in one place for every entry point
// (the controller, `history` without an engine).
import * as path from "node:path";
import { resolveProjectDir } from "../../engine/locations";
import { BadInputError } from "../errors";
import { openCoordinationStore } from "./open";
import { CoordinationStore } from "./store";
import { defaultCoordination, parseCoordinationUrl } from "./url";
import { coordinationEnvVar } from "./env-var";

export { coordinationEnvVar } from "./env-var";

/** The options that decide the store. */
export interface CoordinationOptions {
    readonly coordination?: string | CoordinationStore;
    readonly journalDir?: string;
    readonly backendUrl?: string;
    readonly projectDir?: string;
}

/**
 * In order: the `coordination` option (a store, or its URL); an explicit `journalDir` (local
 * files); `$SFTP_FAILOVER_COORDINATION`; with an `s3://` backend, `.failover/` beside the state;
 * else `<projectDir>/.failover`. An option given for this run beats the environment, which beats
 * a default. Opening changes nothing: a store is created on first write.
 *
 * @throws BadInputError for a URL that names no store, or no project folder to default to.
 */
export function openCoordination(options: CoordinationOptions): CoordinationStore {
    if (options.coordination !== undefined) {
        return typeof options.coordination === "string" ? openCoordinationStore(parseCoordinationUrl(options.coordination)) : options.coordination;
    }
    if (options.journalDir !== undefined) {
        return openCoordinationStore({ kind: "local", dir: path.resolve(options.journalDir) });
    }
    const fromEnv = nonEmpty(process.env[coordinationEnvVar]);
    if (fromEnv !== undefined) {
        return openCoordinationStore(parseCoordinationUrl(fromEnv, coordinationEnvVar));
    }
    if (options.backendUrl?.startsWith("s3://") === true) {
        return openCoordinationStore(defaultCoordination(options.backendUrl, ""));
    }
    let projectDir: string;
    try {
        projectDir = resolveProjectDir(options.projectDir);
    } catch (err) {
        throw new BadInputError((err as Error).message, { cause: err });
    }
    return openCoordinationStore({ kind: "local", dir: path.join(projectDir, ".failover") });
}

function nonEmpty(value: string | undefined): string | undefined {
    return value !== undefined && value.trim() !== "" ? value : undefined;
}

import * as fs from "node:fs";
import type * as provider from "@pulumi/pulumi/provider";
import { InputDiff, diffInputs } from "./diff";
import { FaultSettings, currentFaults, faultSettings, gate, noFaults } from "./faults";
import { instanceTypeOfferingsFromEnv } from "./instance-offerings";
import { answerInvoke, invokeReachesAws, invokeRegion } from "./invokes";
import { deletionRefusal } from "./deletion-protection";
import { defaultsKey, needsDeleteBeforeReplace, randomSuffix } from "./naming";
import { computeOutputs, updatedComputed } from "./outputs";
import { defaultRegion } from "./regions";
import { OperationRecord, Recorder } from "./recorder";
import { checkResource } from "./rules";
import { parseUrn } from "./urn";
import { PropertyMap, stringProp } from "./values";
import { preconditionFailure } from "./preconditions";
import { factsOf, World } from "./world";

/** The version the sandbox answers: that of the installed @pulumi/aws, so the engine sees the plugin it expects. */
export const sandboxVersion = "7.48.0";

/** A diff as the sandbox's gRPC diff handler needs it: the provider's result plus the detailed diff. */
export interface SandboxDiffResult extends InputDiff {
    readonly deleteBeforeReplace: boolean;
}

/** Where the provider reads its settings. Defaults to process.env. */
export interface SandboxProviderOptions {
    readonly env?: NodeJS.ProcessEnv;
}

/**
 * The stand-in `aws` provider. Every resource of any type is "created" in memory of the engine's
 * state only: the provider checks, diffs (with AWS's replace-on-change rules), and makes up
 * AWS-shaped outputs; nothing is sent anywhere. Each operation that would reach AWS first passes
 * the fault gate (delay, fail, hang) and is appended to the record file when recording is on.
 */
export class SandboxProvider implements provider.Provider {
    readonly version = sandboxVersion;
    private region: string;
    /** The fault knobs, or why they could not be read (then every operation fails with that message). */
    private readonly settings: FaultSettings | Error;
    private readonly recorder: Recorder;
    /** The world shared with the other stacks' providers (SANDBOX_WORLD_DIR); without it, no cross-resource preconditions. */
    private readonly world: World | undefined;
    private readonly cancelled = new AbortController();
    /** The last diff per URN: an update follows its diff in the same process, and its record names the changed keys. */
    private readonly lastDiffs = new Map<string, InputDiff>();
    /** Where the provider reads its settings; the instance-type offerings are read at each invoke. */
    private readonly env: NodeJS.ProcessEnv;

    constructor(options: SandboxProviderOptions = {}) {
        const env = options.env ?? process.env;
        this.env = env;
        // A bad knob must not stop the plugin from starting: the engine would only say the plugin
        // exited. Instead every operation fails with the message naming the variable.
        try {
            this.settings = faultSettings(env);
        } catch (e) {
            this.settings = e as Error;
        }
        this.recorder = new Recorder(env.SANDBOX_RECORD_FILE);
        this.world = World.fromEnv(env);
        this.region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? defaultRegion;
    }

    /** Takes the provider configuration the engine sends (Configure); only `region` matters here. */
    configure(config: { region?: string }): void {
        if (config.region !== undefined && config.region !== "") {
            this.region = config.region;
        }
    }

    /** The region the provider is configured for. */
    get configuredRegion(): string {
        return this.region;
    }

    async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<provider.CheckResult> {
        const { type, name } = parseUrn(urn);
        // Autonaming and every rule of the type (sandbox/rules/): what AWS or the real provider would refuse.
        const { inputs, failures } = checkResource(type, name, olds ?? {}, news ?? {}, randomSuffix);
        return failures.length > 0 ? { inputs, failures } : { inputs };
    }

    async diff(id: string, urn: string, olds: PropertyMap, news: PropertyMap): Promise<provider.DiffResult> {
        return this.diffWithDetail(id, urn, olds, news, undefined);
    }

    /**
     * The diff of the new inputs against the previous inputs (`oldInputs`, which the engine sends);
     * without them, against the previous outputs restricted to the new inputs' keys, since outputs
     * also hold computed values that are not inputs.
     */
    async diffWithDetail(id: string, urn: string, olds: PropertyMap, news: PropertyMap, oldInputs: PropertyMap | undefined): Promise<SandboxDiffResult> {
        const { type, name } = parseUrn(urn);
        const before = oldInputs ?? Object.fromEntries(Object.keys(news).map((k) => [k, olds[k]]));
        const result = diffInputs(type, before, news);
        this.lastDiffs.set(urn, result);
        const deleteBeforeReplace = result.replaces.length > 0 && needsDeleteBeforeReplace(type, news);
        this.recorder.record({
            op: "diff", type, urn, name, id, region: this.regionOf(news), changedKeys: result.diffs, replaceKeys: result.replaces, outcome: "ok",
        });
        return { ...result, deleteBeforeReplace };
    }

    async create(urn: string, inputs: PropertyMap): Promise<provider.CreateResult> {
        const { type, name } = parseUrn(urn);
        const region = this.regionOf(inputs);
        return this.recorded({ op: "create", type, urn, name, region, changedKeys: inputKeys(inputs) }, async () => {
            await this.gate(region, type);
            this.requirePreconditions("create", type, urn, region, inputs);
            const { id, computed } = computeOutputs({ type, name, region, inputs: await withSourceBody(inputs) });
            const outs = { ...computed, ...withoutDefaults(inputs) };
            this.world?.put({ urn, type, region, id, facts: factsOf(type, outs) });
            return { id, outs };
        }, (r) => r.id);
    }

    /** The inputs the engine holds, per URN, for the read about to run (sandbox/server.ts hands them over). */
    private readonly readInputs = new Map<string, PropertyMap>();

    /** Takes the engine's inputs of a resource about to be read; the provider interface does not carry them. */
    inputsBeforeRead(urn: string, inputs: PropertyMap | undefined): void {
        if (inputs === undefined) {
            this.readInputs.delete(urn);
        } else {
            this.readInputs.set(urn, inputs);
        }
    }

    async read(id: string, urn: string, props?: PropertyMap): Promise<provider.ReadResult> {
        const { type, name } = parseUrn(urn);
        const state = props ?? {};
        const region = this.regionOf(state);
        return this.recorded({ op: "read", type, urn, name, id, region }, async () => {
            await this.gate(region, type);
            // A change made outside Pulumi (sandbox/console.ts) is what a refresh reads, as AWS's
            // API would return it: a deleted resource is gone, edited facts have their new values.
            const seen = this.world?.get(urn, id);
            if (seen?.outside?.deleted === true) {
                return {};
            }
            if (Object.keys(state).length > 0) {
                const edited = seen?.outside?.edited ?? [];
                if (edited.length === 0) {
                    return { id, props: state };
                }
                const changes = Object.fromEntries(edited.map((k) => [k, seen!.facts[k]]));
                const inputs = this.readInputs.get(urn);
                return { id, props: { ...state, ...changes }, ...(inputs !== undefined ? { inputs: { ...inputs, ...changes } } : {}) };
            }
            // A lookup of a resource this sandbox never created (`Resource.get`): it exists, with made-up outputs.
            return { id, props: computeOutputs({ type, name, region, inputs: {} }).computed };
        });
    }

    async update(id: string, urn: string, olds: PropertyMap, news: PropertyMap): Promise<provider.UpdateResult> {
        const { type, name } = parseUrn(urn);
        const region = this.regionOf(news);
        const changed = this.lastDiffs.get(urn)?.diffs;
        return this.recorded({ op: "update", type, urn, name, id, region, changedKeys: changed }, async () => {
            await this.gate(region, type);
            this.requirePreconditions("update", type, urn, region, news);
            const fresh = computeOutputs({ type, name, region, inputs: await withSourceBody(news) }).computed;
            const outs = { ...updatedComputed(type, olds, fresh), ...withoutDefaults(news) };
            this.world?.put({ urn, type, region, id, facts: factsOf(type, outs) });
            return { outs };
        });
    }

    async delete(id: string, urn: string, props: PropertyMap): Promise<void> {
        const { type, name } = parseUrn(urn);
        const region = this.regionOf(props ?? {});
        await this.recorded({ op: "delete", type, urn, name, id, region }, async () => {
            await this.gate(region, type);
            const refusal = deletionRefusal(type, id, props ?? {});
            if (refusal !== undefined) {
                throw new Error(`sandbox: ${refusal}`);
            }
            this.world?.remove(urn, id);
        });
    }

    async invoke(token: string, inputs: PropertyMap): Promise<provider.InvokeResult> {
        const args = inputs ?? {};
        const region = invokeRegion(args, this.region);
        return this.recorded({ op: "invoke", type: token, region }, async () => {
            if (invokeReachesAws(token)) {
                await this.gate(region, token);
            }
            return { outputs: answerInvoke(token, args, this.region, { instanceTypeOfferings: instanceTypeOfferingsFromEnv(this.env) }) };
        });
    }

    /** The engine is shutting down: operations hanging on a fault stop waiting and fail. */
    async cancel(): Promise<void> {
        this.cancelled.abort();
    }

    /** Delay and faults for one operation that would reach AWS (see faults.ts). */
    private gate(region: string, type: string): Promise<void> {
        if (this.settings instanceof Error) {
            return Promise.reject(this.settings);
        }
        return gate(this.settings, region, type, this.cancelled.signal);
    }

    /** Refuses, as AWS would at this call, an operation another resource's state forbids (preconditions.ts). */
    private requirePreconditions(kind: "create" | "update", type: string, urn: string, region: string, inputs: PropertyMap): void {
        if (this.world === undefined) {
            return;
        }
        const faults = this.settings instanceof Error ? noFaults : currentFaults(this.settings);
        const failure = preconditionFailure({ kind, type, urn, region, inputs, faults }, this.world.list());
        if (failure !== undefined) {
            throw new Error(`sandbox: ${failure}`);
        }
    }

    /** A resource's region: its own `region` input (aws v7), else the provider's. */
    private regionOf(props: PropertyMap): string {
        return stringProp(props, "region") ?? this.region;
    }

    private async recorded<T>(
        entry: Omit<OperationRecord, "time" | "outcome" | "error">,
        run: () => Promise<T>,
        idOf?: (result: T) => string,
    ): Promise<T> {
        try {
            const result = await run();
            this.recorder.record({ ...entry, ...(idOf ? { id: idOf(result) } : {}), outcome: "ok" });
            return result;
        } catch (e) {
            this.recorder.record({ ...entry, outcome: "error", error: (e as Error).message });
            throw e;
        }
    }
}

/**
 * The inputs with an object's `source` file read into `contentBase64`, for the outputs only (the
 * ETag is the MD5 of the body, as S3 gives it): a file asset arrives with its path as a promise.
 * Inputs without a file `source`, or with inline content, are returned as they are.
 */
async function withSourceBody(inputs: PropertyMap): Promise<PropertyMap> {
    const source = inputs.source as { path?: unknown } | undefined;
    if (inputs.content !== undefined || inputs.contentBase64 !== undefined || typeof source !== "object" || source === null || source.path === undefined) {
        return inputs;
    }
    const file = await source.path;
    return typeof file === "string" ? { ...inputs, contentBase64: fs.readFileSync(file).toString("base64") } : inputs;
}

function withoutDefaults(inputs: PropertyMap): PropertyMap {
    return Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== defaultsKey));
}

function inputKeys(inputs: PropertyMap): string[] {
    return Object.keys(inputs).filter((k) => k !== defaultsKey).sort();
}

import * as path from "node:path";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type { PropertyDiffKind } from "./diff";
import type { SandboxProvider } from "./provider";

/**
 * Serves the sandbox provider with @pulumi/pulumi's provider server (`main(provider, args)`), with
 * two gRPC handlers of that server extended, because the generic server drops what an `aws`
 * stand-in needs:
 *
 * - Configure: the server acknowledges it without passing the configuration on, so the provider
 *   would never learn `aws:region`; the extension hands the region to the provider first.
 * - Diff: the server's DiffResult has no detailed diff and passes no old inputs, so the engine would
 *   show every update as "changes unknown"; the extension answers with the per-property diff
 *   (which keys change, which of them replace) computed against the old inputs.
 * - Read: the server does not pass the engine's inputs to the provider; the extension hands them
 *   over first, so a refresh of a resource edited outside Pulumi returns its inputs as changed and
 *   the next diff shows what an `up` would put back (sandbox/console.ts).
 *
 * Everything else (check, create, update, delete, invoke, plugin info, cancel) is the stock server.
 */

type Callback = (err: Error | null | undefined, value?: unknown) => void;
type Handler = (call: { request: unknown }, callback: Callback) => void;
type Implementation = Record<string, Handler>;

interface GrpcServerClass {
    prototype: { addService(service: object, implementation: object): void };
}

/** Requires a module as @pulumi/pulumi itself resolves it, so the sandbox patches the very instance the server uses. */
function requireBesidePulumi<T>(id: string): T {
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    return require(require.resolve(id, { paths: [pulumiDir] })) as T;
}

const kindCodes: Record<PropertyDiffKind, number> = {
    "add": 0, "add-replace": 1, "delete": 2, "delete-replace": 3, "update": 4, "update-replace": 5,
};

/** The region in a Configure request: the structured args (current engines) or the legacy `aws:config:region` variable. */
export function regionFromConfigure(args: Record<string, unknown> | undefined, variables: ReadonlyMap<string, string>): string | undefined {
    const fromArgs = args?.region;
    if (typeof fromArgs === "string" && fromArgs !== "") {
        return fromArgs;
    }
    return variables.get("aws:config:region") ?? variables.get("aws:region");
}

function extend(impl: Implementation, sandbox: SandboxProvider): void {
    const proto = requireBesidePulumi<typeof provproto>("@pulumi/pulumi/proto/provider_pb");
    const originalConfigure = impl.configure.bind(impl);

    impl.configure = (call, callback) => {
        try {
            const req = call.request as provproto.ConfigureRequest;
            const variables = new Map<string, string>();
            req.getVariablesMap().forEach((value: string, key: string) => variables.set(key, value));
            const args = req.getArgs()?.toJavaScript() as Record<string, unknown> | undefined;
            sandbox.configure({ region: regionFromConfigure(args, variables) });
        } catch (e) {
            callback(e as Error);
            return;
        }
        originalConfigure(call, callback);
    };

    const originalRead = impl.read;
    impl.read = (call, callback) => {
        const req = call.request as provproto.ReadRequest;
        sandbox.inputsBeforeRead(req.getUrn(), req.getInputs()?.toJavaScript() as Record<string, unknown> | undefined);
        originalRead.call(impl, call, callback);
    };

    impl.diff = (call, callback) => {
        const req = call.request as provproto.DiffRequest;
        const plain = (s: Struct | undefined) => (s?.toJavaScript() ?? {}) as Record<string, unknown>;
        const oldInputs = req.getOldInputs();
        sandbox
            .diffWithDetail(req.getId(), req.getUrn(), plain(req.getOlds()), plain(req.getNews()), oldInputs ? plain(oldInputs) : undefined)
            .then((result) => {
                const resp = new proto.DiffResponse();
                resp.setChanges(result.changes ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
                resp.setDiffsList(result.diffs);
                resp.setReplacesList(result.replaces);
                resp.setDeletebeforereplace(result.deleteBeforeReplace);
                resp.setHasdetaileddiff(true);
                const detailed = resp.getDetaileddiffMap();
                for (const [key, kind] of Object.entries(result.detailedDiff)) {
                    const diff = new proto.PropertyDiff();
                    diff.setKind(kindCodes[kind]);
                    diff.setInputdiff(true);
                    detailed.set(key, diff);
                }
                callback(undefined, resp);
            })
            .catch((e: Error) => callback(e));
    };
}

/**
 * Starts the provider server for `sandbox` (prints the port on stdout, as the engine expects).
 * The two handler extensions are attached when the server registers its service.
 */
export async function serve(sandbox: SandboxProvider, args: string[]): Promise<void> {
    const grpc = requireBesidePulumi<{ Server: GrpcServerClass }>("@grpc/grpc-js");
    const services = requireBesidePulumi<{ ResourceProviderService: object }>("@pulumi/pulumi/proto/provider_grpc_pb");
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (this: unknown, service: object, implementation: object) {
        if (service === services.ResourceProviderService) {
            extend(implementation as Implementation, sandbox);
        }
        return addService.call(this, service, implementation);
    };
    const { main } = await import("@pulumi/pulumi/provider");
    await main(sandbox, args);
}

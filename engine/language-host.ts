// A Node.js language host for the Pulumi engine, for machines where the official
// pulumi-language-nodejs binary cannot be obtained (its Go module is not served by every module
// proxy). It serves the LanguageRuntime gRPC service with the Automation API's own in-process
// LanguageServer — the same code that runs inline programs — and loads the project's `main`
// module as the program, so `pulumi preview|up -s <stack>` runs the project by hand too.
//
// Limits, by design: TypeScript via ts-node (transpile-only), no dependency installation
// (`pulumi install` is `npm install` here), no policy packs or plugins written in Node.js.
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as langproto from "@pulumi/pulumi/proto/language_pb";
import * as langrpc from "@pulumi/pulumi/proto/language_grpc_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";

// Internal to @pulumi/pulumi (no typings): the Automation API's in-process language server.
interface InProcessLanguageServer {
    run(call: grpc.ServerUnaryCall<langproto.RunRequest, langproto.RunResponse>, callback: grpc.sendUnaryData<langproto.RunResponse>): Promise<void>;
    onPulumiExit(hasError: boolean): void;
}
const { LanguageServer } = require("@pulumi/pulumi/automation/server") as {
    LanguageServer: new (program: () => Promise<unknown>) => InProcessLanguageServer;
};
const { grpcChannelOptions } = require("@pulumi/pulumi/runtime") as { grpcChannelOptions?: grpc.ChannelOptions };

type Program = () => Promise<Record<string, unknown> | undefined>;

/** The module the engine asks to run: Pulumi.yaml's `main` (or the project folder's package.json main). */
export function resolveProgramPath(pwd: string, program: string): string {
    const target = path.resolve(pwd, program || ".");
    if (fs.existsSync(target) && fs.statSync(target).isFile()) {
        return target;
    }
    for (const candidate of ["index.ts", "index.js"]) {
        if (fs.existsSync(path.join(target, candidate))) {
            return path.join(target, candidate);
        }
    }
    throw new Error(`no program to run at ${target} (set "main" in Pulumi.yaml)`);
}

/** Loads the program module; a module whose export is a promise or a function is awaited/called. */
function programFor(modulePath: string): Program {
    return async () => {
        const exported: unknown = require(modulePath);
        const value = typeof exported === "function" ? (exported as () => unknown)() : exported;
        return (await value) as Record<string, unknown> | undefined;
    };
}

function unimplemented(method: string) {
    return (_call: unknown, callback: grpc.sendUnaryData<never>) =>
        callback({ code: grpc.status.UNIMPLEMENTED, details: `${method} is not supported by this language host` }, null);
}

function main(): void {
    const version = require("@pulumi/pulumi/package.json").version as string;
    const service = {
        getRequiredPlugins: (_call: unknown, callback: grpc.sendUnaryData<langproto.GetRequiredPluginsResponse>) =>
            callback(null, new langproto.GetRequiredPluginsResponse()),
        getPluginInfo: (_call: unknown, callback: grpc.sendUnaryData<plugproto.PluginInfo>) => {
            const info = new plugproto.PluginInfo();
            info.setVersion(version);
            callback(null, info);
        },
        run: (call: grpc.ServerUnaryCall<langproto.RunRequest, langproto.RunResponse>, callback: grpc.sendUnaryData<langproto.RunResponse>) => {
            let program: Program;
            try {
                program = programFor(resolveProgramPath(call.request.getPwd(), call.request.getProgram()));
            } catch (err) {
                const resp = new langproto.RunResponse();
                resp.setError(err instanceof Error ? err.message : String(err));
                callback(null, resp);
                return;
            }
            const server = new LanguageServer(program);
            const done: grpc.sendUnaryData<langproto.RunResponse> = (err, resp) => {
                server.onPulumiExit(Boolean(err) || Boolean(resp?.getError()));
                callback(err, resp);
            };
            void server.run(call, done);
        },
        handshake: unimplemented("Handshake"),
        getRequiredPackages: unimplemented("GetRequiredPackages"),
        installDependencies: unimplemented("InstallDependencies"),
        about: unimplemented("About"),
        getProgramDependencies: unimplemented("GetProgramDependencies"),
    };
    const server = new grpc.Server(grpcChannelOptions ?? {});
    server.addService(langrpc.LanguageRuntimeService, service as unknown as grpc.UntypedServiceImplementation);
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
        if (err) {
            process.stderr.write(`language host: cannot listen: ${err.message}\n`);
            process.exit(1);
        }
        // The engine reads the port from the first line of stdout.
        process.stdout.write(`${port}\n`);
    });
}

if (require.main === module) {
    main();
}

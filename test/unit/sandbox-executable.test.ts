import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";

const executable = path.resolve(__dirname, "..", "..", "sandbox", "bin", "pulumi-resource-aws");

/** Calls a unary method of the client as a promise. */
function unary<Req, Res>(client: ResourceProviderClient, method: string, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
        const fn = (client as unknown as Record<string, (r: Req, cb: (e: grpc.ServiceError | null, v: Res) => void) => void>)[method];
        fn.call(client, request, (e, v) => (e ? reject(e) : resolve(v)));
    });
}

// The executable as the engine sees it: a process that prints its port, then speaks the provider protocol.
describe("sandbox executable (gRPC, as the engine talks to it)", function () {
    let dir: string;
    let plugin: ChildProcess;
    let stderr = "";
    let client: ResourceProviderClient;

    before(async function () {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-exe-"));
        // A fresh build folder: this also exercises the transpile-on-first-start path.
        plugin = spawn(executable, [], { env: { ...process.env, SANDBOX_BUILD_DIR: path.join(dir, "build") }, stdio: ["ignore", "pipe", "pipe"] });
        plugin.stderr?.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
        const port = await new Promise<string>((resolve, reject) => {
            plugin.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
            plugin.once("exit", (code) => reject(new Error(`plugin exited (${code}): ${stderr}`)));
        });
        expect(port).to.match(/^\d+$/);
        client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(function () {
        client?.close();
        plugin?.kill();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("says on stderr that it is the sandbox and nothing reaches AWS", function () {
        expect(stderr).to.include("SANDBOX").and.to.include("nothing reaches AWS");
    });

    it("answers plugin info with version 7.48.0", async function () {
        const info = await unary<Empty, PluginInfo>(client, "getPluginInfo", new Empty());
        expect(info.getVersion()).to.equal("7.48.0");
    });

    it("takes aws:region from Configure, so getRegion() answers it", async function () {
        const configure = new proto.ConfigureRequest();
        configure.setArgs(Struct.fromJavaScript({ region: "eu-west-1" }));
        configure.setAcceptsecrets(true);
        await unary(client, "configure", configure);
        const invoke = new proto.InvokeRequest();
        invoke.setTok("aws:index/getRegion:getRegion");
        invoke.setArgs(Struct.fromJavaScript({}));
        const result = await unary<proto.InvokeRequest, proto.InvokeResponse>(client, "invoke", invoke);
        expect(result.getReturn()?.toJavaScript()).to.deep.include({ region: "eu-west-1" });
    });

    it("answers Diff with the changed keys, the replacing keys and a detailed diff against the old inputs", async function () {
        const request = new proto.DiffRequest();
        request.setId("vpc-1");
        request.setUrn("urn:pulumi:dev::proj::aws:ec2/vpc:Vpc::net");
        request.setOlds(Struct.fromJavaScript({ cidrBlock: "10.0.0.0/16", tags: { Name: "a" }, arn: "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1" }));
        request.setOldInputs(Struct.fromJavaScript({ cidrBlock: "10.0.0.0/16", tags: { Name: "a" } }));
        request.setNews(Struct.fromJavaScript({ cidrBlock: "10.9.0.0/16", tags: { Name: "b" } }));
        const diff = await unary<proto.DiffRequest, proto.DiffResponse>(client, "diff", request);
        expect(diff.getChanges()).to.equal(proto.DiffResponse.DiffChanges.DIFF_SOME);
        expect(diff.getDiffsList()).to.deep.equal(["cidrBlock", "tags"]);
        expect(diff.getReplacesList()).to.deep.equal(["cidrBlock"]);
        expect(diff.getHasdetaileddiff()).to.equal(true);
        const detailed = diff.getDetaileddiffMap();
        expect(detailed.getLength()).to.equal(2);
        expect(detailed.get("cidrBlock")?.getKind()).to.equal(proto.PropertyDiff.Kind.UPDATE_REPLACE);
        expect(detailed.get("tags")?.getKind()).to.equal(proto.PropertyDiff.Kind.UPDATE);
    });

    it("fails an unknown invoke with a message naming the token", async function () {
        const invoke = new proto.InvokeRequest();
        invoke.setTok("aws:ec2/getVpc:getVpc");
        invoke.setArgs(Struct.fromJavaScript({}));
        let error: Error | undefined;
        await unary(client, "invoke", invoke).catch((e: Error) => { error = e; });
        expect(error?.message).to.include("invoke aws:ec2/getVpc:getVpc is not supported");
    });
});

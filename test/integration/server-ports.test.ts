import { expect } from "chai";
import * as net from "node:net";
import { ChildServer, startChild, startOnFreePort, waitUntil } from "../support/child-server";
import { freePort, listensOn } from "../../sandbox/servers/ports";

// Two test files start their servers side by side (mocha's parallel jobs). When both pick the same
// port, a readiness probe is answered by whichever server bound first: both tests would then share
// one server and see each other's data (a fence written by one, read by the other).

async function httpAnswers(port: number): Promise<boolean> {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    return res.status < 500;
}

function pythonHttpServer(port: number): ChildServer {
    return startChild("python3", ["-m", "http.server", "--bind", "127.0.0.1", String(port)]);
}

describe("servers started on a free port", function () {
    this.timeout(60_000);

    it("listensOn tells the process holding a listening socket from one that does not", async function () {
        const server = net.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as net.AddressInfo).port;
        try {
            expect(listensOn(process.pid, port)).to.equal(true);
            expect(listensOn(process.pid, await freePort())).to.equal(false);
            // A process that is not there (pid far above pid_max) holds nothing.
            expect(listensOn(2 ** 30, port)).to.equal(false);
        } finally {
            await new Promise((resolve) => server.close(resolve));
        }
    });

    it("a second server given a port another server already answers on starts on a new port of its own", async function () {
        const first = await startOnFreePort(freePort, pythonHttpServer, async (port, server) => {
            await waitUntil(() => httpAnswers(port), { what: "first server", server });
            return { port, server };
        });
        const attempts: ChildServer[] = [];
        try {
            let picks = 0;
            const second = await startOnFreePort(
                async () => (picks++ === 0 ? first.port : freePort()),
                (port) => {
                    const child = pythonHttpServer(port);
                    attempts.push(child);
                    return child;
                },
                async (port, server) => {
                    await waitUntil(() => httpAnswers(port), { what: "second server", server });
                    return { port, server };
                },
            );
            try {
                expect(picks).to.equal(2);
                expect(second.port).to.not.equal(first.port);
                expect(attempts[0].exited()).to.equal(true);
                expect(listensOn(second.server.child.pid as number, second.port)).to.equal(true);
            } finally {
                await second.server.stop();
            }
        } finally {
            await first.server.stop();
            await Promise.all(attempts.map((a) => a.stop()));
        }
    });
});

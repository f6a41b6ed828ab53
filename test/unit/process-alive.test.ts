import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { processAlive } from "../../automation/driver/process-alive";

// A lock is stale when its holder is gone. A zombie is gone: it has exited and only waits to be
// reaped, which a reparented orphan (the engine of a killed driver) may wait for a long time.

const stateOf = (pid: number) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
};

describe("processAlive", () => {
    it("is true for a running process, false for one that has exited", async () => {
        expect(processAlive(process.pid)).to.equal(true);
        const child = spawn("true");
        await new Promise((r) => child.once("exit", r));
        expect(processAlive(child.pid!)).to.equal(false);
    });

    it("is false for a zombie, which kill(pid, 0) still reaches", async function () {
        if (!fs.existsSync("/proc/self/stat")) {
            this.skip();
        }
        // The shell starts a short sleep, then becomes a long one that never reaps it.
        const parent = spawn("sh", ["-c", "sleep 0.1 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
        try {
            const pid = await new Promise<number>((resolve) => parent.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
            const deadline = Date.now() + 10_000;
            while (stateOf(pid) !== "Z" && Date.now() < deadline) {
                await new Promise((r) => setTimeout(r, 20));
            }
            expect(stateOf(pid), "the child became a zombie").to.equal("Z");
            expect(() => process.kill(pid, 0), "a signal still reaches it").to.not.throw();
            expect(processAlive(pid)).to.equal(false);
        } finally {
            parent.kill("SIGKILL");
        }
    });
});

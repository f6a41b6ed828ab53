import { CommandModule } from "yargs";
import { controllerFrom, processIo, run, withInterrupts, withProgress } from "../context";
import { exitCodes } from "../errors";
import { GlobalArgs } from "../options";
import { renderCheck } from "../render-check";

/** `check`: is the service ready for a failover now? Read-only; takes no lock. */
export const checkCommand: CommandModule<GlobalArgs, GlobalArgs> = {
    command: "check",
    describe: "Check readiness for a failover: parity of the regions, drift against the cloud, posture, health, fences, replication (read-only)",
    builder: (y) => y.example("$0 check --json", "the report as JSON, for a scheduled job (exit 6 when not ready)"),
    handler: async (argv) => {
        process.exitCode = await withInterrupts(processIo, "stopping (check only reads)", (signal) =>
            run(
                argv,
                processIo,
                () => withProgress(processIo, argv, async (printer) => (await controllerFrom(argv, signal, printer.onProgress)).check({ signal, onProgress: printer.onProgress })),
                renderCheck,
                (r) => (r.readiness === "ready" ? exitCodes.ok : r.readiness === "not-ready" ? exitCodes.notReady : exitCodes.failed),
            ),
        );
    },
};

import { Argv, CommandModule } from "yargs";
import { processIo, run } from "../context";
import { GlobalArgs } from "../options";
import { renderInit } from "../render-init";

/** Flags of `init`. */
export interface InitArgs extends GlobalArgs {
    readonly dir?: string;
    readonly force: boolean;
}

/**
 * `init [dir]`: a starter project — Pulumi.yaml, the three stack files with their commented
 * defaults, users.yaml and a .gitignore — and the next steps. Refuses, writing nothing, a folder
 * that holds any of those files (unless --force), a file in place of the folder, or a folder that
 * cannot be written. Needs no engine.
 */
export const initCommand: CommandModule<GlobalArgs, InitArgs> = {
    command: "init [dir]",
    describe: "Write a starter project: Pulumi.yaml, the three stack files, users.yaml and .gitignore, then print the next steps",
    builder: (y) =>
        y
            .positional("dir", { type: "string", describe: "Project folder, created when missing (default: --stack-dir, else the current folder)" })
            .option("force", { type: "boolean", default: false, describe: "Overwrite starter files the folder already holds" }) as unknown as Argv<InitArgs>,
    handler: async (argv) => {
        process.exitCode = await run(
            argv,
            processIo,
            async () => {
                // Imported here, not at the top: see context.ts.
                const { writeStarterProject } = await import("../../starter-project");
                return writeStarterProject(argv.dir ?? argv["stack-dir"] ?? ".", { force: argv.force });
            },
            renderInit,
        );
    },
};

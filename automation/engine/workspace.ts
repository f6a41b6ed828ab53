import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { program } from "../../stacks";
import { EngineEnvironment, projectName } from "./environment";

/**
 * Opens (creating it if needed) one stack of the project with the Automation API.
 *
 * The program runs inline — the same `program()` as stacks/main.ts — so the driver, the drill and
 * the tests run exactly the project's code, while stack config stays in the project's
 * Pulumi.<stack>.yaml files where operators read and review it.
 */
export async function openStack(stackName: string, env: EngineEnvironment): Promise<Stack> {
    const pulumiCommand = await PulumiCommand.get({ root: env.cliRoot, skipVersionCheck: true });
    return LocalWorkspace.createOrSelectStack(
        { stackName, projectName, program },
        { workDir: env.projectDir, pulumiHome: env.pulumiHome, envVars: env.envVars, pulumiCommand },
    );
}

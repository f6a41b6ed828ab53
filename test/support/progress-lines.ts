import { progressLinePattern } from "../../automation/cli/progress";

/**
 * stderr without the CLI's progress lines: an operation that runs past the CLI's quiet start says
 * what it is doing before its result or its one `error:` line, as on a slow machine it may.
 */
export function withoutProgress(stderr: string): string {
    return stderr
        .split("\n")
        .filter((line) => !progressLinePattern.test(line))
        .join("\n");
}

// Stand-in stacks for unit tests of a switch run: each records the engine calls made on it, and
// its `up` does what the test says (succeeds by default).
import { Stack, UpOptions, UpResult } from "@pulumi/pulumi/automation";
import { StackKey } from "../../automation/driver/planner";

export type UpBehaviour = () => Promise<UpResult>;

export const succeeded: UpBehaviour = async () => ({ stdout: "", stderr: "", outputs: {}, summary: { resourceChanges: { update: 1 } } }) as unknown as UpResult;
export const unreachable: UpBehaviour = () => Promise.reject(new Error("error: region us-east-1 is unreachable (fault injected)"));

export function fakeStacks(behaviour: Partial<Record<StackKey, UpBehaviour>>) {
    const calls: string[] = [];
    const stack = (key: StackKey) =>
        ({
            name: `organization/sftp-failover/${key}`,
            async setAllConfig(config: Record<string, { value: string }>) {
                calls.push(`${key}: setAllConfig ${Object.keys(config).join(" ")}`);
            },
            async setConfig(name: string) {
                calls.push(`${key}: setConfig ${name}`);
            },
            async removeConfig(name: string) {
                calls.push(`${key}: removeConfig ${name}`);
            },
            async getAllConfig() {
                return {};
            },
            async exportStack() {
                return { version: 3, deployment: { resources: [] } };
            },
            async info() {
                return { resourceChanges: { update: 1 } };
            },
            up(_opts: UpOptions) {
                calls.push(`${key}: up`);
                return (behaviour[key] ?? succeeded)();
            },
        }) as unknown as Stack;
    return { stacks: { primary: stack("primary"), secondary: stack("secondary"), dns: stack("dns") }, calls };
}


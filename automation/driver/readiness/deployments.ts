// What parity compares, read from each regional stack's deployment (its exported state): the
// outputs through the contract, and the launch template as deployed — its instance type and the
// SFTPGo package its user data pins. The deployment, not the stack file: a config edit not yet
// deployed does not change what a failover would run.
import { Deployment } from "@pulumi/pulumi/automation";
import { RegionName } from "../../../foundation/posture";
import { deployedOutputsFor } from "../stack-state";
import { RegionDeployment, sftpgoPackageOf } from "./parity";

const launchTemplateType = "aws:ec2/launchTemplate:LaunchTemplate";

/** A region's deployment as parity sees it. */
export function regionDeploymentOf(region: RegionName, state: Deployment): RegionDeployment {
    const resources = (state.deployment as { resources?: { type?: string; inputs?: Record<string, unknown> }[] } | undefined)?.resources ?? [];
    const template = resources.find((r) => r.type === launchTemplateType)?.inputs;
    const instanceType = typeof template?.instanceType === "string" ? template.instanceType : undefined;
    const userData = typeof template?.userData === "string" ? template.userData : undefined;
    const sftpgoPackage = sftpgoPackageOf(userData);
    return {
        typed: deployedOutputsFor(region, state).typed,
        ...(template !== undefined ? { launchTemplate: { ...(instanceType !== undefined ? { instanceType } : {}), ...(sftpgoPackage !== undefined ? { sftpgoPackage } : {}) } } : {}),
    };
}

/** Both regions' deployments, from their exported states as the caller has begun to read them (`stack.exportStack()`). */
export async function readRegionDeployments(states: Readonly<Record<RegionName, Promise<Deployment>>>): Promise<Record<RegionName, RegionDeployment>> {
    const [primary, secondary] = await Promise.all([states.primary, states.secondary]);
    return { primary: regionDeploymentOf("primary", primary), secondary: regionDeploymentOf("secondary", secondary) };
}

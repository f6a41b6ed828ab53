import { reveal } from "./values";

/** The target group ARNs a listener's actions forward to (`targetGroupArn`, or `forward.targetGroups[].arn`). */
export function forwardedTargetGroups(actions: unknown): string[] {
    const list = reveal(actions);
    if (!Array.isArray(list)) {
        return [];
    }
    return list.flatMap((a) => {
        const action = a as { type?: unknown; targetGroupArn?: unknown; forward?: { targetGroups?: { arn?: unknown }[] } };
        if (action.type !== "forward") {
            return [];
        }
        const arns = [action.targetGroupArn, ...(action.forward?.targetGroups ?? []).map((t) => t.arn)];
        return arns.filter((x): x is string => typeof x === "string");
    });
}

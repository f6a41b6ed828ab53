import { expect } from "chai";
import { readRpoExposure, replicationRuleOf } from "../../automation/driver/rpo";
import { defaultReplicationThresholds, ReplicationBacklogReport, ReplicationMetricsReader, ReplicationRule } from "../../automation/driver/replication";
import { ReadStatus, withTypedOutputs } from "../../automation/driver/stack-state";

// What `status` says of the data at risk: from the serving region's bucket to the other's.

const regional = <K extends "primary" | "secondary">(key: K, region: string, bucket: string): ReadStatus<K> =>
    withTypedOutputs(key, { key, name: key, config: {}, outputs: { region, bucketName: bucket } });
const stacks = { primary: regional("primary", "us-east-1", "b-primary"), secondary: regional("secondary", "us-west-2", "b-secondary") };

function reader(values: { ops?: number; bytes?: number; latency?: number } | Error): ReplicationMetricsReader & { asked: ReplicationRule[] } {
    const asked: ReplicationRule[] = [];
    return {
        asked,
        async backlog(rule) {
            asked.push(rule);
            if (values instanceof Error) {
                throw values;
            }
            const m = (v: number | undefined) => (v === undefined ? { known: false as const, reason: "no datapoint in the last 15 minutes" } : { known: true as const, value: v });
            return { rule, operationsPending: m(values.ops), bytesPending: m(values.bytes), latencySeconds: m(values.latency) } as unknown as ReplicationBacklogReport;
        },
    };
}

describe("RPO exposure in status", () => {
    it("reads the rule from the serving region's bucket to the other's, in the other's region (where S3 publishes its backlog)", async () => {
        const r = reader({ ops: 3, bytes: 2048, latency: 40 });
        const exposure = await readRpoExposure(r, defaultReplicationThresholds, stacks, "secondary");
        expect(r.asked).to.deep.equal([{ destinationRegion: "us-east-1", sourceBucket: "b-secondary", destinationBucket: "b-primary", ruleId: "to-peer-region" }]);
        expect(exposure).to.deep.include({ from: "b-secondary", to: "b-primary", status: "known", objectsAtRisk: 3, bytesAtRisk: 2048, windowSeconds: 40 });
    });

    it("is unknown with the reason, never zero and never an error, when the metrics cannot be read", async () => {
        const exposure = await readRpoExposure(reader(new Error("connect ECONNREFUSED 127.0.0.1:1\nstack")), defaultReplicationThresholds, stacks, "primary");
        expect(exposure).to.deep.equal({ from: "b-primary", to: "b-secondary", status: "unknown", unknown: ["cannot read the replication metrics: connect ECONNREFUSED 127.0.0.1:1"] });
    });

    it("is partial when some metric has no datapoint", async () => {
        const exposure = await readRpoExposure(reader({ ops: 0 }), defaultReplicationThresholds, stacks, "primary");
        expect(exposure?.status).to.equal("partial");
        expect(exposure?.bytesAtRisk).to.equal(undefined);
    });

    it("says nothing when the stacks export no buckets (not deployed)", async () => {
        const bare = { primary: withTypedOutputs("primary", { ...stacks.primary, outputs: {} }), secondary: stacks.secondary };
        expect(replicationRuleOf(bare, "secondary")).to.equal(undefined);
        expect(await readRpoExposure(reader({}), defaultReplicationThresholds, bare, "primary")).to.equal(undefined);
    });
});

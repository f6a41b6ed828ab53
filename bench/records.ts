// The same driver switch with one service name and with four (recordName plus three
// additionalRecordNames): per region, 1 record against 4. The dns stack is brought to each shape by
// an untimed `up`, then the switches are timed; the lab is left with one name again.
import { configKey } from "../stacks/contract";
import { BenchLab } from "./lab";
import { Summary } from "./stats";
import { measureDriverSwitches } from "./switch";

/** Switch times with 1 and with 4 records per region. */
export interface RecordFigures {
    readonly oneRecord: Summary;
    readonly fourRecords: Summary;
}

const additionalNamesKey = configKey("additionalRecordNames");

/** The three further names the 4-record runs publish, beside the lab's recordName (zone sandbox.example.com, Pulumi.dns.yaml). */
export const benchAdditionalNames: readonly string[] = ["files.sandbox.example.com", "upload.sandbox.example.com", "partners.sandbox.example.com"];

/** Measures both shapes on the same lab, one after the other, with the same repetitions. */
export async function measureRecords(bench: BenchLab, repetitions: number, log: (line: string) => void): Promise<RecordFigures> {
    const oneRecord = await measureDriverSwitches(bench, repetitions);
    log(`  1 record per region: switch median ${(oneRecord.median / 1000).toFixed(1)} s`);
    const dns = bench.stacks.dns;
    await dns.setConfig(additionalNamesKey, { value: JSON.stringify(benchAdditionalNames) });
    try {
        await dns.up();
        const fourRecords = await measureDriverSwitches(bench, repetitions);
        log(`  4 records per region: switch median ${(fourRecords.median / 1000).toFixed(1)} s`);
        return { oneRecord, fourRecords };
    } finally {
        await dns.removeConfig(additionalNamesKey);
        await dns.up();
    }
}

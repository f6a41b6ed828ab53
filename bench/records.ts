// The same driver switch with one service name and with four (recordName plus three
// additionalRecordNames): per region, 1 record against 4. The dns stack is brought to each shape by
// an untimed `up` in every round, then the switches are timed; the lab is left with one name again.
import { configKey } from "../stacks/contract";
import { BenchLab } from "./lab";
import { Summary, summarize } from "./stats";
import { measureDriverSwitches } from "./switch";

/** Switch times with 1 and with 4 records per region. */
export interface RecordFigures {
    readonly oneRecord: Summary;
    readonly fourRecords: Summary;
}

const additionalNamesKey = configKey("additionalRecordNames");

/** The three further names the 4-record runs publish, beside the lab's recordName (zone sandbox.example.com, Pulumi.dns.yaml). */
export const benchAdditionalNames: readonly string[] = ["files.sandbox.example.com", "upload.sandbox.example.com", "partners.sandbox.example.com"];

/**
 * Measures both shapes on the same lab, taking turns in every round (an untimed `up` of the dns
 * stack between them), so a noisy minute weighs on both sides of the round's ratio.
 */
export async function measureRecords(bench: BenchLab, repetitions: number, log: (line: string) => void): Promise<RecordFigures> {
    const dns = bench.stacks.dns;
    const one: number[] = [];
    const four: number[] = [];
    try {
        for (let rep = 1; rep <= repetitions; rep++) {
            one.push(...(await measureDriverSwitches(bench, 1)).samples);
            await dns.setConfig(additionalNamesKey, { value: JSON.stringify(benchAdditionalNames) });
            await dns.up();
            four.push(...(await measureDriverSwitches(bench, 1)).samples);
            await dns.removeConfig(additionalNamesKey);
            await dns.up();
            log(`  round ${rep}/${repetitions}: 1 record ${seconds(one.slice(-2))}, 4 records ${seconds(four.slice(-2))}`);
        }
        return { oneRecord: summarize(one), fourRecords: summarize(four) };
    } finally {
        await dns.removeConfig(additionalNamesKey);
        await dns.up();
    }
}

function seconds(ms: readonly number[]): string {
    return ms.map((m) => `${(m / 1000).toFixed(1)} s`).join(" / ");
}

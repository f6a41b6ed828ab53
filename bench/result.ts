// What one bench run measured; written as JSON to .bench/<date>.json.
import { ColdStart } from "./cold-start";
import { FenceRun } from "./fence";
import { RecordFigures } from "./records";
import { ScaleFigures } from "./scale";
import { SwitchFigures } from "./switch";
import { LoadReading } from "./verdict";

/** The whole result of `npm run bench`. */
export interface BenchResult {
    readonly startedAt: string;
    readonly repetitions: number;
    /** 1-minute load average when the run started: the machine is shared, so read figures with it. */
    readonly loadAverage: number;
    readonly cpus: number;
    /** The peak load while the bench ran; absent in results written before it was watched. */
    readonly load?: LoadReading;
    readonly deployMs: number;
    readonly switch: SwitchFigures;
    readonly scale: ScaleFigures;
    /** Switch times with 1 and 4 records per region; absent in results written before it was measured. */
    readonly records?: RecordFigures;
    readonly fence: readonly FenceRun[];
    readonly coldStart?: ColdStart;
}

// A coordination store that records which of its methods were called and can make the next calls
// of one fail as a dropped request would — around a real store, for the lease's unit tests.
import { CoordinationStore } from "../../automation/driver/coordination/store";

/** A store wrapped to record and to fail on demand. */
export interface RecordingStore {
    readonly store: CoordinationStore;
    /** Method names in call order. */
    readonly calls: string[];
    /** Makes the next `times` calls of `method` reject with a network error, without reaching the store. */
    failNext(method: keyof CoordinationStore, times?: number): void;
}

export function recordingStore(inner: CoordinationStore): RecordingStore {
    const calls: string[] = [];
    const failures = new Map<string | symbol, number>();
    const store = new Proxy(inner, {
        get(target, prop, receiver) {
            const value: unknown = Reflect.get(target, prop, receiver);
            if (typeof value !== "function") {
                return value;
            }
            return (...args: unknown[]) => {
                calls.push(String(prop));
                const left = failures.get(prop) ?? 0;
                if (left > 0) {
                    failures.set(prop, left - 1);
                    return Promise.reject(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
                }
                return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
        },
    });
    return {
        store,
        calls,
        failNext(method, times = 1) {
            failures.set(method, (failures.get(method) ?? 0) + times);
        },
    };
}

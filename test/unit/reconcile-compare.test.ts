import { expect } from "chai";
import { compareLatest, LatestVersion, totalsOf } from "../../automation/aws/reconcile";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const obj = (key: string, etag: string, size: number, second: number): LatestVersion => ({ key, versionId: `${key}-${etag}`, deleteMarker: false, etag, size, lastModified: at(second) });
const marker = (key: string, second: number): LatestVersion => ({ key, versionId: `${key}-dm`, deleteMarker: true, size: 0, lastModified: at(second) });
const map = (...versions: LatestVersion[]) => new Map(versions.map((v) => [v.key, v]));

describe("failback reconciliation: comparing latest versions", () => {
    it("counts a replica with the same ETag as in sync even though it landed later", () => {
        const result = compareLatest(map(obj("a", "e1", 5, 1)), map(obj("a", "e1", 5, 9)));

        expect(result).to.deep.equal({ inSync: 1, items: [] });
    });

    it("counts a key deleted on both sides, or deleted on one and absent on the other, as in sync", () => {
        const result = compareLatest(map(marker("a", 1), marker("b", 1)), map(marker("a", 2)));

        expect(result).to.deep.equal({ inSync: 2, items: [] });
    });

    it("classifies each difference and totals the bytes at stake per kind", () => {
        const serving = map(obj("missing", "m", 10, 1), obj("newer", "n2", 20, 5), marker("deleted", 5), obj("older", "o1", 30, 1));
        const other = map(obj("newer", "n1", 99, 1), obj("deleted", "d", 7, 1), obj("older", "o2", 40, 5), obj("theirs", "t", 50, 1));

        const { items } = compareLatest(serving, other);

        expect(items.map((i) => [i.kind, i.key, i.bytes])).to.deep.equal([
            ["delete-marker", "deleted", 0],
            ["missing", "missing", 10],
            ["newer", "newer", 20],
            ["other-newer", "older", 0],
            ["only-on-other", "theirs", 0],
        ]);
        expect(totalsOf(items)).to.deep.equal({
            missing: { count: 1, bytes: 10 },
            newer: { count: 1, bytes: 20 },
            "delete-marker": { count: 1, bytes: 7 },
            "other-newer": { count: 1, bytes: 40 },
            "only-on-other": { count: 1, bytes: 50 },
        });
    });

    it("lists an object whose other side holds only a delete marker as missing", () => {
        const { items } = compareLatest(map(obj("a", "e", 3, 5)), map(marker("a", 9)));

        expect(items.map((i) => i.kind)).to.deep.equal(["missing"]);
    });

    it("a missing object carries the other side's delete marker when there is one, and nothing when the key is absent there", () => {
        const { items } = compareLatest(map(obj("a", "e", 3, 5), obj("b", "e", 4, 5)), map(marker("a", 9)));

        expect(items[0]).to.deep.equal({ kind: "missing", key: "a", serving: obj("a", "e", 3, 5), other: marker("a", 9), bytes: 3 });
        expect(items[1]).to.deep.equal({ kind: "missing", key: "b", serving: obj("b", "e", 4, 5), bytes: 4 });
    });

    it("two different objects written in the same second count as newer on the serving side", () => {
        const { items } = compareLatest(map(obj("a", "e1", 3, 5)), map(obj("a", "e2", 4, 5)));

        expect(items.map((i) => i.kind)).to.deep.equal(["newer"]);
    });

    it("an object without a modification time counts as older than one with it", () => {
        const undated = (key: string, etag: string): LatestVersion => ({ key, versionId: `${key}-${etag}`, deleteMarker: false, etag, size: 1 });
        expect(compareLatest(map(undated("a", "e1")), map(obj("a", "e2", 1, 0))).items.map((i) => i.kind)).to.deep.equal(["other-newer"]);
        expect(compareLatest(map(obj("a", "e1", 1, 0)), map(undated("a", "e2"))).items.map((i) => i.kind)).to.deep.equal(["newer"]);
    });
});


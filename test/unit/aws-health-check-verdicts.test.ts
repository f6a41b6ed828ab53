import { expect } from "chai";
import { CheckerObservation, endpointCheckVerdict, metricStatusVerdict } from "../../automation/aws/health-check-verdicts";

// Route 53's rule (Developer Guide, "How Amazon Route 53 determines whether a health check is
// healthy"): healthy when MORE than 18 % of the checkers report healthy, unhealthy at 18 % or fewer.

const success = "Success: HTTP Status Code 200, OK";
const failure = "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.";

/** `healthy` observations reporting success and the rest failure, as GetHealthCheckStatus lists them. */
function observations(healthy: number, total: number): CheckerObservation[] {
    return Array.from({ length: total }, (_, i) => ({ region: `r${i}`, status: i < healthy ? success : failure }));
}

describe("Route 53's verdict on an endpoint check from its checkers' observations", () => {
    it("exactly 18 % healthy (9 of 50) is unhealthy, and says what it counted", () => {
        const verdict = endpointCheckVerdict(observations(9, 50));
        expect(verdict.health).to.equal("unhealthy");
        expect(verdict.reasons[0]).to.equal("9 of 50 health checkers report healthy (18 %; healthy above 18 %)");
        expect(verdict.reasons.slice(1)).to.deep.equal([failure]);
    });

    it("just above 18 % (10 of 50, and 1 of 5 = 20 %) is healthy", () => {
        expect(endpointCheckVerdict(observations(10, 50)).health).to.equal("healthy");
        const oneOfFive = endpointCheckVerdict(observations(1, 5));
        expect(oneOfFive.health).to.equal("healthy");
        expect(oneOfFive.reasons).to.deep.equal(["1 of 5 health checkers report healthy (20 %; healthy above 18 %)"]);
    });

    it("just below (2 of 12 = 16.7 %) is unhealthy", () => {
        const verdict = endpointCheckVerdict(observations(2, 12));
        expect(verdict.health).to.equal("unhealthy");
        expect(verdict.reasons[0]).to.contain("(16.7 %;");
    });

    it("no observation at all is unknown, never healthy", () => {
        expect(endpointCheckVerdict([])).to.deep.equal({ health: "unknown", reasons: ["no health checker reports an observation"] });
    });

    it("counts only statuses that start with Success: a Failure text that mentions success, a lower-case success or a missing status does not count", () => {
        const mixed: CheckerObservation[] = [
            { status: success },
            { status: "Failure: Resolved IP 10.0.0.1 did not respond with Success" },
            { status: "success: lower case" },
            {},
            { status: "Failure: Connection refused." },
        ];
        const verdict = endpointCheckVerdict(mixed);
        expect(verdict.health).to.equal("healthy");
        expect(verdict.reasons).to.deep.equal(["1 of 5 health checkers report healthy (20 %; healthy above 18 %)"]);
        const oneMoreFailure = endpointCheckVerdict([...mixed, { status: "Failure: Connection refused." }]);
        expect(oneMoreFailure.health).to.equal("unhealthy");
        expect(oneMoreFailure.reasons.slice(1)).to.deep.equal(["Failure: Resolved IP 10.0.0.1 did not respond with Success", "success: lower case", "(no status)"]);
    });
});

describe("a calculated check's verdict from the HealthCheckStatus metric", () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

    it("takes the latest minute's Minimum: 1 is healthy, 0 unhealthy, whatever came before", () => {
        expect(metricStatusVerdict([{ timestamp: at(1), value: 0 }, { timestamp: at(2), value: 1 }], 300)).to.include({ health: "healthy" });
        const down = metricStatusVerdict([{ timestamp: at(3), value: 0 }, { timestamp: at(2), value: 1 }], 300);
        expect(down.health).to.equal("unhealthy");
        expect(down.latest?.timestamp).to.deep.equal(at(3));
        expect(down.reasons).to.deep.equal(["HealthCheckStatus Minimum 0 in the minute from 2026-01-01T12:03:00.000Z"]);
    });

    it("no datapoint is unknown, with the window it looked in", () => {
        expect(metricStatusVerdict([], 300)).to.deep.equal({ health: "unknown", reasons: ["no HealthCheckStatus datapoint in the last 300 s"] });
    });
});

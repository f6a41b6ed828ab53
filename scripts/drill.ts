// The offline drill: a whole failover exercise in the sandbox (a stand-in for AWS: nothing here
// reaches AWS). It deploys the two regional stacks and the DNS stack, then drives the failover
// controller exactly as an operator would: plan, a planned failover (quiescing the primary while a
// client uploads to it: scripts/drill-sessions.ts), a repeat (no-op), a refused
// failback, a primary-region outage with the Route 53 API down (degraded, fenced), recovery, and
// the failback — printing what each step changed and how long it took — and writes a report
// (scripts/drill-report.ts). DRILL_LAB_DIR and DRILL_REPORTS_DIR move the lab and the reports
// (defaults: .sandbox/drill and .sandbox/drill-reports).
import * as fs from "node:fs";
import * as path from "node:path";
import { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { FailoverController, FailoverError, SetPostureResult, StatusResult, VerifyResult } from "../automation";
import { describeVerification } from "../automation/driver/verify-gate";
import { describePostDnsCheck } from "../automation/driver/post-dns-check";
import { AfterDnsCheckOptions } from "../automation/driver/types";
import { LabDns, startLabDns } from "../sandbox/lab-dns";
import { summarizeEngineError } from "../automation/driver/stack-state";
import { sandboxPassphrase } from "../sandbox/engine";
import { resolveProjectDir } from "../automation/engine/locations";
import { bootPathSummary } from "../sandbox/boot-path";
import { currentFaults, faultSettings, writeFaultFile } from "../sandbox/faults";
import { factString, ofType, World } from "../sandbox/world";
import { sandboxFenceClient, sandboxReplicationMetrics } from "../sandbox/fence";
import { createLab } from "../sandbox/lab";
import { LabServers, startRegionServers } from "../sandbox/lab-servers";
import { labMaterialThroughGateway } from "../sandbox/lab-host-keys";
import { MotoServer, startMoto } from "../sandbox/servers/moto";
import { loadHostKeys } from "../components/host-keys";
import { configKey, configKeys, readDnsOutputs } from "../stacks/contract";
import { usersReloadSeconds } from "../components/gateway-user-data";
import { sandboxOpenSessions } from "../sandbox/open-sessions";
import { LabUsersSync, startLabUsersSync } from "../sandbox/lab-users";
import { plannedFailoverWithSessions } from "./drill-sessions";
import { RegionName, Weights } from "../foundation/posture";
import { RegionFenceClient } from "../automation/fence/client";
import { FenceCoordinates } from "../components/dns-fence-coordinates";
import { holdFor, holdSecondsOf } from "./drill-hold";
import { unplannedOutage } from "./drill-outage";
import { renderRpoExposure } from "../automation/aws/rpo-exposure";
import { answerFromStatus, DrillRecorder, sessionLines, validateDrillReport, writeDrillReport } from "./drill-report";

const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** Collects each step's times and outcome for the report written at the end (scripts/drill-report.ts). */
const rec = new DrillRecorder();
const heading = (index: number, title: string) => {
    say(`\n${index}. ${title}`);
    rec.begin(index, title);
};

function plain(outputs: OutputMap): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}

async function outputsOf(stack: Stack): Promise<Record<string, unknown>> {
    return plain(await stack.outputs());
}

function report(title: string, result: SetPostureResult): void {
    rec.switched({ title, ...(result.from === undefined ? {} : { from: result.from }), to: result.to, status: result.status, durationMs: result.durationMs, fenced: result.fenced });
    say(`  ${title}: ${result.status} (${result.from ?? "?"} → ${result.to}) in ${seconds(result.durationMs)}`);
    for (const step of result.steps) {
        const changes = Object.entries(step.changes ?? {}).filter(([op]) => op !== "same").map(([op, n]) => `${op} ${n}`).join(", ");
        say(`    - ${step.status.padEnd(7)} ${step.description} (${seconds(step.durationMs)}${changes ? `; ${changes}` : ""})${step.error ? ` — ${step.error.split("\n")[0]}` : ""}`);
    }
    if (result.fenced.length > 0) say(`    fenced: ${result.fenced.join(", ")}`);
    for (const probe of result.verification?.results ?? []) {
        recordProbe(probe);
    }
    if (result.verification !== undefined && result.verification.outcome !== "none") {
        const line = describeVerification(result.verification);
        say(`    gate before DNS: ${line}`);
        rec.note(`${title}: ${line}`);
    }
    if (result.remaining.length > 0) say(`    remaining when the region returns: ${result.remaining.join("; ")}`);
    const check = result.afterDns;
    if (check !== undefined) {
        const line = describePostDnsCheck(check);
        say(`    ${line}`);
        rec.note(`${title}: ${line}`);
        const { answers, session } = check;
        rec.afterDns({
            switch: title,
            outcome: check.outcome,
            ...(check.failed !== undefined ? { failed: check.failed } : {}),
            name: check.name,
            against: `DNS (Knot on ${check.servers.join(", ")}), then SFTP (OpenSSH sshd on ${session?.endpoint ?? "?"})`,
            ...(answers !== undefined
                ? {
                      weights: answers.weights,
                      expected: answers.expected,
                      observed: { queries: answers.observed.queries, answered: answers.observed.answered, regions: answers.observed.regions, shares: answers.observed.shares },
                  }
                : {}),
            ...(session?.region !== undefined ? { landed: session.region } : {}),
            ...(session?.endpoint !== undefined ? { endpoint: session.endpoint } : {}),
            ...(session?.hostKeyFingerprint !== undefined ? { hostKeyFingerprint: session.hostKeyFingerprint } : {}),
            ...(answers !== undefined ? { rounds: answers.rounds } : {}),
            ...(check.durationMs !== undefined ? { durationMs: check.durationMs } : {}),
            line,
        });
        if (check.outcome !== "passed") {
            throw new Error(`${title}: ${line}`);
        }
    }
}

/** What Route 53's endpoint checks would report, from the sandbox's reachability model. */
function sayEndpointChecks(status: StatusResult): void {
    const health = status.endpointHealth;
    if (health === undefined) {
        return;
    }
    const regions = {
        primary: { ...health.regions.primary, fence: status.fence.primary },
        secondary: { ...health.regions.secondary, fence: status.fence.secondary },
    };
    // The sandbox's fence file reads `unknown` only for a fence never published (see answerFromStatus).
    const dnsAnswer = answerFromStatus(status.posture, regions, { unpublishedFenceIsUnfenced: true });
    rec.status({ ...(status.posture === undefined ? {} : { posture: status.posture }), regions, failsOpen: health.failsOpen, ...(dnsAnswer === undefined ? {} : { dnsAnswer }) });
    for (const region of ["primary", "secondary"] as const) {
        const h = health.regions[region];
        say(`  endpoint check ${region}: ${h.health}${h.reasons.length > 0 ? ` — ${h.reasons.join("; ")}` : ""}`);
    }
    if (health.failsOpen) {
        say("  every endpoint check is unhealthy: Route 53 would answer every record anyway (fail open), so failover and the fence do nothing");
    }
}

function recordProbe(result: VerifyResult): void {
    rec.probe({
        region: result.region,
        ok: result.ok,
        against: `SFTP (OpenSSH sshd on ${result.endpoint ?? "?"})`,
        ...(result.stage !== undefined ? { stage: result.stage } : {}),
        ...(result.hostKeyFingerprint !== undefined ? { hostKeyFingerprint: result.hostKeyFingerprint } : {}),
        ...(result.message !== undefined ? { message: result.message } : {}),
    });
}

function sayVerify(result: VerifyResult): void {
    recordProbe(result);
    const line = result.ok ? `verified ${result.region} at ${result.endpoint}: host key ${result.hostKeyFingerprint}, canary put/get/list/delete ok` : `${result.region} NOT verified: ${result.message}`;
    say(`  ${line}`);
    rec.note(line);
}

let servers: LabServers | undefined;
let usersSync: LabUsersSync | undefined;
/** The regional stacks' usersRefreshSeconds in the drill's lab. */
const drillUsersRefreshSeconds = 1;
let labDns: LabDns | undefined;
let moto: MotoServer | undefined;

/**
 * The fence as the lab's calculated checks see it: the state the sandbox's model of the fence alarm
 * (sandbox/fence-alarm.ts) settles on once the periods published so far close — the lab skips the
 * wait for the period to close, as it skips the TTL.
 */
function fencedNow(dns: Record<string, unknown>, fenceClient: RegionFenceClient): () => Promise<Record<RegionName, boolean>> {
    return async () => {
        const coordinates = dns.fence as FenceCoordinates;
        const state = async (r: RegionName) => (await fenceClient.state!(r, coordinates)) === "fenced";
        return { primary: await state("primary"), secondary: await state("secondary") };
    };
}

/** How the standby's instances boot during the faults in force, from the reachability model's boot path (sandbox/boot-path.ts). */
function standbyBootLine(worldDir: string, faultFile: string, asgName: string): string {
    const world = new World(worldDir).list();
    const asg = ofType(world, "aws:autoscaling/group:Group").find((g) => factString(g, "name") === asgName);
    return asg === undefined ? `no Auto Scaling group ${asgName} in the sandbox's world` : bootPathSummary(world, asg, currentFaults(faultSettings({ SANDBOX_FAULT_FILE: faultFile })));
}

/** Step 11: a real client, a real DNS server and the lab's health checker (scripts/drill-outage.ts). */
async function outage(primaryStack: Stack, dns: Record<string, unknown>, fenceClient: RegionFenceClient): Promise<void> {
    const config = await primaryStack.getAllConfig();
    const hostKeys = loadHostKeys(JSON.parse(config[configKeys.hostKeys].value));
    const intervalMs = 250;
    const threshold = 3;
    // The TTL an alias to a load balancer has: the RTO measured here includes it, as on AWS.
    const ttlSeconds = 60;
    const result = await unplannedOutage({
        servers: servers!,
        fqdn: String(dns.recordFqdn),
        weights: dns.weights as Weights,
        // Read each round from the fence file (a status through the engine would take seconds per round).
        fenced: fencedNow(dns, fenceClient),
        hostPublicKeys: Object.values(hostKeys.publicKeys),
        clientKey: config[configKeys.canaryKey].value,
        intervalMs,
        threshold,
        ttlSeconds,
    });
    const s = (ms: number | undefined) => (ms === undefined ? "never" : seconds(ms));
    say(`  before: a client through ${String(dns.recordFqdn)} landed on ${result.before ?? "nothing"}`);
    say(`  sshd of the primary stopped; checks every ${intervalMs} ms, threshold ${threshold}: DNS answered the secondary only after ${s(result.dnsMovedMs)}`);
    say(`  the client kept the answer it held for its TTL (${ttlSeconds} s): ${result.cachedAttempts} sessions after the stop still went to the old answer`);
    say(`  after: sftp -b with StrictHostKeyChecking=yes landed on ${result.after ?? "nothing"}${result.clientWarnings === "" ? " with no warning" : ` — client said: ${result.clientWarnings}`}`);
    const modelled = Number(dns.modelledRtoSeconds);
    const ratio = result.measuredRtoMs !== undefined ? result.measuredRtoMs / result.labModelMs : undefined;
    say(`  RTO measured ${s(result.measuredRtoMs)} against ${s(result.labModelMs)} modelled at lab scale (interval × threshold + TTL ${ttlSeconds} s)${ratio !== undefined ? `, ratio ${ratio.toFixed(2)}` : ""}`);
    say(`  the configured timings model ${modelled} s${ratio !== undefined ? `; at the lab's ratio that is about ${(modelled * ratio).toFixed(0)} s` : ""}`);
    say("  by hand: `npm run drill -- --hold <seconds>` keeps the lab up after the drill and prints the commands to try it");
    rec.outage = {
        ...(result.before !== undefined ? { before: result.before } : {}),
        ...(result.after !== undefined ? { after: result.after } : {}),
        ...(result.measuredRtoMs !== undefined ? { measuredRtoMs: result.measuredRtoMs } : {}),
        ...(result.dnsMovedMs !== undefined ? { dnsMovedMs: result.dnsMovedMs } : {}),
        labModelMs: result.labModelMs,
        ttlSeconds: result.ttlSeconds,
        cachedAttempts: result.cachedAttempts,
        configuredModelSeconds: modelled,
        clientWarnings: result.clientWarnings,
    };
    rec.note(`outage: before ${result.before ?? "none"}, after ${result.after ?? "none"}, warnings "${result.clientWarnings}", RTO measured ${result.measuredRtoMs ?? "never"} ms, lab model ${result.labModelMs} ms (TTL ${result.ttlSeconds} s), DNS moved ${result.dnsMovedMs ?? "never"} ms, configured model ${modelled} s`);
    if (result.after !== "secondary" || result.clientWarnings !== "") {
        throw new Error(`the unplanned outage did not move the client cleanly: landed on ${result.after ?? "nothing"} (${result.clientWarnings})`);
    }
}

/** The project the drill copies into its lab (this checkout, or the folder named by SFTP_FAILOVER_PROJECT_DIR). */
const projectRoot = resolveProjectDir();

async function main(holdSeconds: number | undefined): Promise<void> {
    say("SANDBOX DRILL — a stand-in provider records every AWS resource; nothing reaches AWS.");
    const lab = createLab({ projectDir: projectRoot, dir: process.env.DRILL_LAB_DIR ?? path.join(projectRoot, ".sandbox", "drill"), canary: true });
    const stacks = await lab.stacks();
    // The gateways reload their users every second in the lab, so the quiesce's wait stays short.
    for (const stack of [stacks.primary, stacks.secondary]) {
        await stack.setConfig(configKey("usersRefreshSeconds"), { value: String(drillUsersRefreshSeconds) });
    }

    heading(1, "Bootstrap: both regions without replication, then with it, then the DNS layer (active-passive)");
    const bootstrapped = await lab.deploy();
    for (const step of bootstrapped.steps) {
        const changes = Object.entries(step.changes).map(([op, n]) => `${op} ${n}`).join(", ");
        say(`  ${step.phase.padEnd(27)} ${step.stack.padEnd(9)} ${step.status} in ${seconds(step.durationMs)}${changes ? ` (${changes})` : ""}`);
    }
    const [primary, secondary, dns] = [await outputsOf(stacks.primary), await outputsOf(stacks.secondary), await outputsOf(stacks.dns)];
    say(`  endpoint ${String(dns.recordFqdn)}: primary ${String(primary.endpointDnsName)}, secondary ${String(secondary.endpointDnsName)}`);
    const sameKeys = JSON.stringify(primary.hostKeyFingerprints) === JSON.stringify(secondary.hostKeyFingerprints);
    const sameUsers = primary.usersFingerprint === secondary.usersFingerprint;
    say(`  both regions present the same host keys: ${sameKeys}; serve the same users: ${sameUsers}`);
    rec.fingerprints = { primary: primary.hostKeyFingerprints, secondary: secondary.hostKeyFingerprints, same: sameKeys, source: "each regional stack's hostKeyFingerprints output" };
    // Each region as a real SFTP server (OpenSSH on loopback) with the stack's canary, presenting the
    // host keys the gateway's own installer fetched from Secrets Manager (moto on loopback).
    moto = await startMoto({ region: "us-east-1" });
    const fetched = { primary: await labMaterialThroughGateway(stacks.primary, moto), secondary: await labMaterialThroughGateway(stacks.secondary, moto) };
    servers = await startRegionServers({ primary: fetched.primary.material, secondary: fetched.secondary.material });
    // Only a gateway's boot reads the secret: a restarted sshd keeps the keys it was given.
    await moto.stop();
    for (const region of ["primary", "secondary"] as const) {
        const line = `${region}'s host keys: installed by the gateway's key installer from ${fetched[region].secretArn} (Secrets Manager on moto)`;
        say(`  ${line}`);
        rec.note(line);
    }
    for (const region of ["primary", "secondary"] as const) {
        const e = servers.endpoints[region];
        say(`  ${region} serves SFTP at ${e.host}:${e.port} (try: sftp -P ${e.port} -i <canary key> ${e.login}@${e.host})`);
    }

    usersSync = startLabUsersSync({ servers, worldDir: lab.worldDir, periodMs: drillUsersRefreshSeconds * 1000 });

    const fenceClient = sandboxFenceClient(path.join(lab.dir, ".failover", "sandbox-fence.json"), { worldDir: lab.worldDir });
    const controller = await FailoverController.create({
        engine: lab.env,
        projectDir: lab.dir,
        journalDir: path.join(lab.dir, ".failover"),
        identity: "drill",
        fence: fenceClient,
        replicationMetrics: sandboxReplicationMetrics,
        endpointHealth: lab.endpointHealth,
        endpoints: servers.endpoints,
        // The drain counts the real sessions to each region's sshd (sandbox/open-sessions.ts).
        openSessions: sandboxOpenSessions({ endpoints: servers.endpoints }),
        // An unreachable region shows up as a step that fails or never finishes. A sandbox step takes
        // seconds; 120 s leaves room for a loaded machine (a CI runner shared by other jobs), and
        // DRILL_STEP_TIMEOUT_MS changes it.
        timeouts: { stepMs: Number(process.env.DRILL_STEP_TIMEOUT_MS ?? 120_000) },
    });

    sayEndpointChecks(await controller.status());
    // The lab's Route 53 data plane for the planned switches: each switch's check after DNS moves
    // asks this Knot server, and logs in through the address it answers.
    const startDrillDns = (weights: Weights, maxRounds: number) =>
        startLabDns({
            servers: servers!,
            fqdn: String(dns.recordFqdn),
            // The lab answers every name the records are published under, as Route 53 does.
            additionalFqdns: (readDnsOutputs(dns).recordFqdns ?? []).slice(1),
            worldDir: lab.worldDir,
            initialWeights: weights,
            fenced: fencedNow(dns, fenceClient),
            intervalMs: 250,
            threshold: 3,
            maxRounds,
        });
    // About half an hour at 250 ms: far beyond any drill, and still a bound.
    labDns = await startDrillDns(dns.weights as Weights, 7200);
    say(`  the lab's DNS answers ${String(dns.recordFqdn)} at ${labDns.dns.address} (try: dig @127.0.0.1 -p ${labDns.dns.port} ${String(dns.recordFqdn)} A)`);
    const afterDns: AfterDnsCheckOptions = { servers: [labDns.dns.address], regionAddresses: labDns.regionAddresses, settleMs: 15_000 };

    heading(2, "Plan a failover (previews only, nothing changes)");
    const plan = await controller.plan("failover");
    for (const step of plan.steps) say(`  ${step.skip ? "skip" : "run "} ${step.description}`);
    for (const preview of plan.previews) {
        const changes = Object.entries(preview.changeSummary ?? {}).filter(([op]) => op !== "same").map(([op, n]) => `${op} ${n}`).join(", ");
        say(`  preview of ${preview.stack}: ${changes || "no change"}`);
    }
    say(`  modelled RTO of the health-checked path: ${plan.modelledRtoSeconds ?? "?"} s`);
    rec.modelledRtoSeconds = plan.modelledRtoSeconds;
    for (const cost of plan.costs) say(`  estimated monthly cost, ${cost.posture}: $${cost.monthlyUsd.toFixed(0)} (standby $${cost.standbyMonthlyUsd.toFixed(0)})`);

    heading(3, "A secondary that cannot serve: the failover stops before DNS moves");
    await servers.stop("secondary");
    await controller.setPosture("failover", { reason: "drill: secondary SFTP down", afterDns }).then(
        (result) => report("failover with the secondary down (unexpected)", result),
        (err: FailoverError) => {
            say(`  refused (${err.name}): ${err.message}`);
            rec.refused(`${err.name}: ${err.message}`);
        },
    );
    sayVerify(await controller.verify("secondary"));
    say(`  posture still: ${(await controller.status()).posture ?? "?"}`);
    await servers.restart("secondary");

    heading(4, "Planned failover to the secondary, quiescing the primary, with a client's upload under way");
    const primaryConfig = await stacks.primary.getAllConfig();
    const planned = await plannedFailoverWithSessions({
        servers,
        usersSync,
        client: {
            privateKey: primaryConfig[configKeys.canaryKey].value,
            hostPublicKeys: Object.values(loadHostKeys(JSON.parse(primaryConfig[configKey("hostKeys")].value)).publicKeys),
            hostAlias: String(dns.recordFqdn),
        },
        // 4 MiB at 4096 Kbit/s: about 8 s of upload, begun as DNS moves.
        bytes: 4 * 1024 * 1024,
        limitKbits: 4096,
        reloadModelSeconds: usersReloadSeconds(drillUsersRefreshSeconds),
        switchWith: (onProgress) => controller.setPosture("failover", { reason: "drill: planned maintenance of the primary", afterDns, quiesce: true, drainTimeoutSeconds: 120, onProgress }),
    });
    report("failover", planned.result);
    rec.sessions = planned.figures;
    for (const line of sessionLines(planned.figures)) {
        say(`  ${line.slice(2)}`);
    }
    if (!planned.figures.upload.completed || !planned.figures.lateUpload.refused) {
        throw new Error(`the planned failover's sessions: the upload ${planned.figures.upload.completed ? "completed" : "did not complete"}, the late client was ${planned.figures.lateUpload.refused ? "refused" : "not refused"}`);
    }
    sayVerify(await controller.verify("secondary"));

    heading(5, "The same command again");
    report("failover again", await controller.setPosture("failover", { reason: "drill: repeat", afterDns }));

    heading(6, "Failback refuses without proof that replication has caught up");
    await controller.failback({ reason: "drill", afterDns }).then(
        () => {
            say("  failback ran (unexpected)");
            rec.note("failback ran although the drill expected a refusal");
        },
        (err: FailoverError) => {
            say(`  refused (${err.name}): ${err.message}`);
            rec.refused(`${err.name}: ${err.message}`);
        },
    );

    heading(7, "Operator override: failback anyway");
    report("failback --force", await controller.failback({ force: true, reason: "drill: replication checked by hand", afterDns }));

    heading(8, "Outage: us-east-1 unreachable (the primary region, and the Route 53 API with it)");
    writeFaultFile(lab.faultFile, { regions: { "us-east-1": "fail" } });
    await servers.stop("primary");
    sayVerify(await controller.verify("primary"));
    report("failover during the outage", await controller.setPosture("failover", { reason: "drill: us-east-1 outage", afterDns }));
    const status = await controller.status();
    say(`  fence: primary ${status.fence.primary}, secondary ${status.fence.secondary}`);
    sayEndpointChecks(status);
    const standbyBoot = standbyBootLine(lab.worldDir, lab.faultFile, String(secondary.asgName));
    say(`  standby boot with the internet cut: ${standbyBoot}`);
    rec.note(`standby boot with the internet cut: ${standbyBoot}`);

    heading(9, "us-east-1 is back: the same command finishes the switch");
    writeFaultFile(lab.faultFile, {});
    await servers.restart("primary");
    report("failover resumed", await controller.setPosture("failover", { reason: "drill: us-east-1 recovered", afterDns }));

    heading(10, "Back to active-passive (the primary verified before DNS moves back), and the primary unfenced");
    report("failback --force", await controller.failback({ force: true, reason: "drill: end of exercise", afterDns }));
    await controller.unfence("primary", { reason: "drill: end of exercise" });
    await labDns.stop();

    heading(11, "Unplanned outage: the primary's SFTP server dies; health checks move clients with no API call");
    await outage(stacks.primary, await outputsOf(stacks.dns), fenceClient);

    const finalStatus = await controller.status();
    if (finalStatus.rpoExposure !== undefined) {
        rec.rpoExposure = renderRpoExposure(finalStatus.rpoExposure);
        say(`  ${rec.rpoExposure}`);
    }

    rec.begin(12, "Audit log");
    const history = await controller.history();
    say(`\n12. Audit log: ${history.length} entries`);
    for (const entry of history) {
        const change = entry.from === undefined ? entry.to : `${entry.from} → ${entry.to}`;
        say(`  ${entry.at} ${entry.identity} ${entry.operation} ${change}: ${entry.result} (${entry.reason ?? "no reason given"})`);
    }
    if (holdSeconds !== undefined) {
        // The lab as the drill left it (step 11 restarted the primary's sshd), with its DNS again.
        labDns = await startDrillDns((await outputsOf(stacks.dns)).weights as Weights, Math.ceil((holdSeconds * 1000) / 250) + 40);
        const env = lab.env;
        const fqdn = String(dns.recordFqdn);
        say(`\nThe lab stays up for ${holdSeconds} s (Ctrl-C ends it sooner). By hand:`);
        say(`  dig @127.0.0.1 -p ${labDns.dns.port} ${fqdn} A    (${Object.entries(labDns.regionAddresses).map(([r, a]) => `${String(a)} is ${r}`).join(", ")})`);
        // The command, never the key: it is secret config, and the operator writes it where they choose.
        // A passphrase of the operator's own (PULUMI_CONFIG_PASSPHRASE set) is never printed; the sandbox's fixed one is public.
        say(`  the canary's key, to a file only you can read:`);
        say(`    (umask 077; PULUMI_CONFIG_PASSPHRASE=${env.envVars.PULUMI_CONFIG_PASSPHRASE === sandboxPassphrase ? sandboxPassphrase : '"$PULUMI_CONFIG_PASSPHRASE"'} PULUMI_HOME=${env.pulumiHome} PULUMI_BACKEND_URL=${env.backendUrl} ${path.join(env.cliRoot, "bin", "pulumi")} --cwd ${env.projectDir} config get ${configKeys.canaryKey} -s primary > canary.key)`);
        say(`  trust the shared host key under the service name only: echo "${fqdn} $(ssh-keyscan -p ${servers.endpoints.primary.port} -t ed25519 127.0.0.1 2>/dev/null | cut -d' ' -f2-)" > known_hosts`);
        for (const region of ["primary", "secondary"] as const) {
            const e = servers.endpoints[region];
            say(`  sftp -P ${e.port} -o HostKeyAlias=${fqdn} -o UserKnownHostsFile=known_hosts -o StrictHostKeyChecking=yes -i canary.key ${e.login ?? "root"}@${e.host}    (${region})`);
        }
        say(`  the lab stopped after the hold: ${await holdFor(holdSeconds)}`);
    }
    const operations = fs.existsSync(lab.recordFile) ? fs.readFileSync(lab.recordFile, "utf8").split("\n").filter(Boolean).length : 0;
    say(`\nThe sandbox recorded ${operations} provider operations in ${path.relative(process.cwd(), lab.recordFile)}.`);
}

/**
 * Writes the report (also when the drill failed, which is when it matters most), then reads it
 * back and checks it has every required field: a drill in CI fails on a report it cannot trust.
 */
function writeReport(error?: string): void {
    // Beside the lab, not in it: the next run's lab starts from an empty folder, and reports are kept.
    const dir = writeDrillReport(process.env.DRILL_REPORTS_DIR ?? path.join(projectRoot, ".sandbox", "drill-reports"), rec.finish(error));
    const shown = path.relative(projectRoot, dir);
    say(`\nReport: ${shown.startsWith("..") ? dir : shown}/report.md (and report.json)`);
    const problems = validateDrillReport(JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8")));
    if (problems.length > 0) {
        process.stderr.write(`drill: the report is incomplete: ${problems.join("; ")}\n`);
        process.exitCode = 1;
    }
}

let holdSeconds: number | undefined;
try {
    holdSeconds = holdSecondsOf(process.argv.slice(2));
} catch (err) {
    // Bad input: one line, exit 2, and nothing started or written.
    process.stderr.write(`drill: ${(err as Error).message}\n`);
    process.exit(2);
}

main(holdSeconds).finally(async () => {
    await usersSync?.stop();
    await labDns?.stop();
    await servers?.stop();
    await moto?.stop();
}).then(
    () => writeReport(),
    (err: unknown) => {
        const summary = summarizeEngineError(err);
        process.stderr.write(`drill: failed: ${summary}\n`);
        process.exitCode = 1;
        writeReport(summary);
    },
);

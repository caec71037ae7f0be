import * as assert from "assert";
import fc from "fast-check";
import { parseConfig } from "../../infra/config/parse";
import { planAll } from "../../infra/plan";
import { bindingLimit, resimulateClass, rushDraws, searchWarmRoom } from "../../infra/plan/rush";
import { percentile, RushSimInput, simulateRush } from "../../infra/plan/rush/simulate";
import { arrivalTimes, othersRunningAt, placeholderCalendar, warmLeadSeconds } from "../../infra/plan/rush/timetable";
import { activityIntervalSeconds, concurrentSpawnLimit, coreResources, startTimeoutSeconds } from "../../infra/plan/rush/hub";
import { baseRushInput, rushTimings } from "../support/rushInput";
import { loadStackConfig, rawWith, stacksAsOf } from "../support/stacks";

// The rush simulation against cases worked by hand (the timings are the published defaults: autoscaler
// reaction 30 s, node boot 120 s, image pull 300 s, server start 20 s), its monotonic behaviour as a
// property, and the figures the issue asks of the example stacks.

const timings = rushTimings;

function sim(overrides: Partial<RushSimInput>): ReturnType<typeof simulateRush> {
  return simulateRush({ ...baseInput(), placeholders: 0, ...overrides });
}

const mins = (n: number) => n * 60;

describe("rush simulation, worked by hand", () => {
  it("one node, one user, no warm room: the autoscaler's reaction, the boot, the pull and the start", () => {
    // Pending at 0; asked for at 30; Ready at 150; image at 450; running at 470.
    const r = sim({ arrivals: [0] });
    assert.deepStrictEqual([r.p50, r.p95, r.worst, r.failed, r.peakNodes, r.placedAtOnce], [470, 470, 470, 0, 1, 0]);
  });

  it("one node, one user, one placeholder raised 9 minutes before: only the server's start", () => {
    // The placeholder pends at -540, its node is asked for at -510, Ready at -390 with the image at -90;
    // at 0 the user evicts it and runs at 20.
    const r = sim({ arrivals: [0], placeholders: 1, poolMaxNodes: 1 });
    assert.deepStrictEqual([r.p95, r.worst, r.failed, r.peakNodes, r.placedAtOnce, r.poolMaxBlockedUsers], [20, 20, 0, 1, 1, false]);
  });

  it("a rush that exactly fills the warm room: everyone waits only for the server's start", () => {
    // A warm node of 10 slots, 10 users one a second: each evicts a placeholder and runs 20 s later.
    const exact = sim({ arrivals: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], placeholders: 10, usersPerNode: 10, poolMaxNodes: 3 });
    assert.deepStrictEqual(exact.waits, new Array(10).fill(20));
    assert.strictEqual(exact.placedAtOnce, 10);
    // One more user than the room: the 11th (at 10 s) waits for the node the first evicted placeholder
    // asked for at 30 s: Ready at 150, image at 450, running at 470, 460 s after arriving.
    const over = sim({ arrivals: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], placeholders: 10, usersPerNode: 10, poolMaxNodes: 3 });
    assert.deepStrictEqual(over.waits, [...new Array(10).fill(20), 460]);
    assert.strictEqual(over.worst, 460);
    // The node asked for at 30 s holds the first evicted placeholder; by 40 s the pending user and all ten
    // evicted placeholders want 11 slots, one more than it has: a second new node.
    assert.strictEqual(over.peakNodes, 3);
  });

  it("a pool that hits its maximum: the user it cannot hold fails at the start timeout", () => {
    // Two users at 0, one-user nodes, at most one node: the autoscaler wants two at 30 and gets one.
    const r = sim({ arrivals: [0, 0], poolMaxNodes: 1, startTimeoutSeconds: 600 });
    assert.deepStrictEqual(r.waits, [470]);
    assert.strictEqual(r.failed, 1);
    assert.strictEqual(r.poolMaxBlockedUsers, true);
    // Nearest rank over both users, the failure counting as endless: p50 is the first, p95 the failure.
    assert.deepStrictEqual([r.p50, r.p95, r.worst], [470, null, null]);
  });

  it("a hub-bound class: one login every 2 s, and no warm room fixes it", () => {
    // 100 users at once, a warm node for all of them, a hub that serves 0.5 logins a second: its credit is
    // full at 0, so user k is served at 2(k-1) s and runs 20 s later; p95 (rank 95) = 2·94 + 20 = 208 s.
    const input = { arrivals: new Array(100).fill(0), usersPerNode: 100, poolMaxNodes: 1, hubLoginsPerSecond: 0.5, leadSeconds: 600 };
    const r = sim({ ...input, placeholders: 100 });
    assert.strictEqual(r.p95, 208);
    assert.strictEqual(r.worst, 2 * 99 + 20);
    assert.strictEqual(r.loginWaitP95, 188);
    const { placeholders: _p, ...rest } = { ...input, placeholders: 0 };
    const base = { ...baseInput(), ...rest };
    const search = searchWarmRoom([base], 100, 60);
    assert.strictEqual(search.reached, false);
    const binding = bindingLimit({ name: "c", start: new Date(0), users: 100, arrivalMinutes: 1, durationMinutes: 60 }, base, search.result, 60);
    assert.strictEqual(binding.limit, "hub login throughput");
    // 100 users at 0.5 a second need at least 200 s: 4 minutes of arrival.
    assert.match(binding.lift, /spread the arrival over at least 4 minutes/);
  });

  it("throttles spawns beyond concurrentSpawnLimit with a 429 and a 30-60 s retry", () => {
    // Three users at once, a limit of 2, warm room for all: the third is told to retry after 30-60 s.
    const r = sim({ arrivals: [0, 0, 0], placeholders: 3, usersPerNode: 3, poolMaxNodes: 1, concurrentSpawnLimit: 2 });
    assert.strictEqual(r.throttled, 1);
    assert.deepStrictEqual(r.waits.slice(0, 2), [20, 20]);
    assert.ok(r.waits[2] >= 30 + 20 && r.waits[2] <= 60 + 20, String(r.waits[2]));
  });

  it("lets a user land on a node still pulling the image when it fits, before preempting warm room (zero-to-jupyterhub-k8s#3010)", () => {
    // Two-user nodes; users at 0 and 200 s. One placeholder: A takes the free warm slot, B evicts the
    // placeholder at 200 and waits only 20 s.
    const one = sim({ arrivals: [0, 200], placeholders: 1, usersPerNode: 2 });
    assert.deepStrictEqual(one.waits, [20, 20]);
    // Two placeholders: A evicts one at 0; it pends, the autoscaler asks for a node at 30, Ready at 150,
    // and the placeholder leaves one slot free there. B at 200 fits on that node, so the scheduler places it
    // there rather than preempt the warm placeholder, and B waits for the pull: running at 450 + 20.
    const two = sim({ arrivals: [0, 200], placeholders: 2, usersPerNode: 2 });
    assert.deepStrictEqual(two.waits, [20, 270]);
    // The same crowd faster (B at 100, before the new node is Ready) evicts the warm placeholder instead.
    assert.deepStrictEqual(sim({ arrivals: [0, 100], placeholders: 2, usersPerNode: 2 }).waits, [20, 20]);
    // So with an image pull on new nodes, neither monotonic property holds exactly; without one (an image
    // preloaded or streamed) both do (below).
  });

  it("uses nearest-rank percentiles, a failed spawn counting as an endless wait", () => {
    assert.strictEqual(percentile([1, 2, 3, 4], 0, 50), 2);
    assert.strictEqual(percentile([1, 2, 3, 4], 0, 95), 4);
    assert.strictEqual(percentile(Array.from({ length: 19 }, (_, i) => i), 1, 95), 18);
    assert.strictEqual(percentile(Array.from({ length: 18 }, (_, i) => i), 2, 95), null);
  });
});

const baseInput = baseRushInput;

// Exactly when new nodes start users' servers as fast as warm ones: the image already on the node
// (GKE image streaming, a preloaded secondary boot disk). With a pull, see the #3010 case above.
describe("rush simulation: properties, with the image on new nodes at boot", function () {
  this.timeout(120_000);
  const endless = (x: number | null) => (x === null ? Infinity : x);
  // Small classes, generous spawn limit and pool (the limit's retries draw random delays per request).
  const scenario = fc.record({
    users: fc.integer({ min: 1, max: 60 }),
    arrivalMinutes: fc.integer({ min: 1, max: 10 }),
    usersPerNode: fc.integer({ min: 1, max: 20 }),
    hubLoginsPerSecond: fc.constantFrom(0.5, 1, 2, 5),
    nodeBootSeconds: fc.integer({ min: 30, max: 300 }),
    autoscalerReactionSeconds: fc.integer({ min: 0, max: 60 }),
    seed: fc.integer({ min: 0, max: 1000 }),
  });
  type Scenario = { users: number; arrivalMinutes: number; usersPerNode: number; hubLoginsPerSecond: number; nodeBootSeconds: number; autoscalerReactionSeconds: number; seed: number };
  const inputFor = (s: Scenario) => ({
    ...baseInput(),
    arrivals: arrivalTimes({ name: "p", users: s.users, arrivalMinutes: s.arrivalMinutes }, s.seed),
    usersPerNode: s.usersPerNode,
    poolMaxNodes: 100,
    concurrentSpawnLimit: 1000,
    hubLoginsPerSecond: s.hubLoginsPerSecond,
    warmUntilSeconds: mins(s.arrivalMinutes) + 300,
    nodeBootSeconds: s.nodeBootSeconds,
    autoscalerReactionSeconds: s.autoscalerReactionSeconds,
    imagePullSeconds: 0,
  });

  it("more warm room never raises the p95 (nor the failures)", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 30 }), (s, p, more) => {
        const input = inputFor(s);
        const less = simulateRush({ ...input, placeholders: Math.min(p, s.users) });
        const moreRoom = simulateRush({ ...input, placeholders: Math.min(p + more, s.users + more) });
        return endless(moreRoom.p95) <= endless(less.p95) && moreRoom.failed <= less.failed;
      }),
      { numRuns: 400, seed: 13 },
    );
  });

  it("a faster arrival (the same crowd in a shorter window) never lowers the p95", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 9 }), (s, p, shorter) => {
        const placeholders = Math.min(p, s.users);
        const slow = simulateRush({ ...inputFor(s), placeholders });
        const fast = simulateRush({ ...inputFor({ ...s, arrivalMinutes: Math.max(1, s.arrivalMinutes - shorter) }), placeholders });
        return endless(fast.p95) >= endless(slow.p95);
      }),
      { numRuns: 400, seed: 17 },
    );
  });

  it("is deterministic: the same seed gives the same rush, another seed other arrivals", () => {
    const c = { name: "Mon morning", users: 200, arrivalMinutes: 10 };
    assert.deepStrictEqual(arrivalTimes(c, 1), arrivalTimes(c, 1));
    assert.notDeepStrictEqual(arrivalTimes(c, 1), arrivalTimes(c, 2));
    const input = { ...baseInput(), arrivals: arrivalTimes(c, 1), usersPerNode: 20, poolMaxNodes: 20, placeholders: 100, seed: 5 };
    assert.deepStrictEqual(simulateRush(input), simulateRush(input));
    // Arrivals stay inside the window, in order.
    const a = arrivalTimes(c, 3);
    assert.ok(a.every((t, i) => t >= 0 && t < 600 && (i === 0 || a[i - 1] <= t)));
  });

  it("over several draws, finds the room the most demanding draw needs, whichever order the draws come in", () => {
    // One-user nodes, the image at boot: a user with no warm slot waits reaction 30 + boot 120 + start 20
    // = 170 s > 60, so a draw of k users at once needs k placeholders.
    const draw = (users: number) => ({ ...inputFor({ users: 1, arrivalMinutes: 1, usersPerNode: 1, hubLoginsPerSecond: 5, nodeBootSeconds: 120, autoscalerReactionSeconds: 30, seed: 1 }), arrivals: new Array(users).fill(0) });
    assert.strictEqual(simulateRush({ ...draw(1), placeholders: 0 }).p95, 170);
    for (const order of [[1, 3, 2], [3, 1, 2], [2, 1, 3]]) {
      const found = searchWarmRoom(order.map(draw), 10, 60);
      assert.deepStrictEqual([found.placeholders, found.reached, found.result.p95, found.result.failed], [3, true, 20, 0], String(order));
    }
    // The plan asks that of 100 draws: a fresh draw needs more than the worst of N with chance 1/(N+1).
    assert.strictEqual(rushDraws, 100);
  });

  it("finds the smallest warm room: one placeholder fewer misses the target", () => {
    const input = { ...baseInput(), arrivals: arrivalTimes({ name: "m", users: 300, arrivalMinutes: 10 }, 1), usersPerNode: 28, poolMaxNodes: 11, hubLoginsPerSecond: 2 };
    const found = searchWarmRoom([input], 300, 60);
    assert.ok(found.reached && found.placeholders > 0);
    const fewer = simulateRush({ ...input, placeholders: found.placeholders - 1 });
    assert.ok(fewer.failed > 0 || fewer.p95 === null || fewer.p95 > 60, `${found.placeholders - 1} placeholders: p95 ${fewer.p95}`);
    assert.ok(found.result.p95 !== null && found.result.p95 <= 60 && found.result.failed === 0);
  });
});

describe("rush timing rules, worked by hand", () => {
  it("raises warm room reaction + boot + pull + a calendar minute before each class, in whole minutes", () => {
    // 30 + 120 + 300 + 60 = 510 s → 9 minutes.
    assert.strictEqual(warmLeadSeconds({ hubLoginsPerSecond: 2, ...timings }), 540);
    assert.strictEqual(warmLeadSeconds({ hubLoginsPerSecond: 2, ...timings, imagePullSeconds: 0 }), 240);
  });

  it("waits long enough for a user on a brand-new node, never under the chart's 300 s", () => {
    // 30 + 120 + 300 + 20 + 60 s slack = 530 → 540 (30 s steps).
    assert.strictEqual(startTimeoutSeconds({ hubLoginsPerSecond: 2, ...timings }), 540);
    assert.strictEqual(startTimeoutSeconds({ hubLoginsPerSecond: 2, ...timings, imagePullSeconds: 10 }), 300);
  });

  it("sizes concurrent spawns from the simulated peak in flight, doubled, between 10 and 200", () => {
    assert.strictEqual(concurrentSpawnLimit(3, undefined), 10);
    assert.strictEqual(concurrentSpawnLimit(40, undefined), 80);
    assert.strictEqual(concurrentSpawnLimit(119, undefined), 200);
    assert.strictEqual(concurrentSpawnLimit(119, 7), 7);
  });

  it("spaces activity reports so they take at most half the hub's login rate, 300 s to a quarter of the idle timeout", () => {
    // 1,000 servers at 0.5 × 2 posts/s → every 1,000 s, capped at 3600 / 4 = 900.
    assert.strictEqual(activityIntervalSeconds(1000, 2, 3600), 900);
    assert.strictEqual(activityIntervalSeconds(10, 2, 3600), 300);
    assert.strictEqual(activityIntervalSeconds(500, 2, 7200), 500);
  });

  it("gives the hub a CPU share for the busiest arrival and memory for the peak; the proxy 4 MiB per user", () => {
    // 1.67 logins/s over 2/s → 0.83 → 1 CPU; 256 + 2·1000 = 2256 MiB → 2304Mi, limit 4608Mi.
    const large = coreResources(1000, 1000 / 600, 2);
    assert.deepStrictEqual(large.hub, { requests: { cpu: "1", memory: "2304Mi" }, limits: { cpu: "2", memory: "4608Mi" } });
    // Proxy: 256 + 1000 MiB → 1280Mi request; 4 MiB × 1000 = 4000 → 4096Mi limit (above CHP's 1 GiB OOM, #434).
    assert.deepStrictEqual(large.proxy, { requests: { cpu: "500m", memory: "1280Mi" }, limits: { cpu: "2", memory: "4096Mi" } });
    // Ten users over 5 minutes: 0.03/s → a quarter CPU, 512 MiB; the proxy at its 1 GiB floor.
    const small = coreResources(10, 10 / 300, 2);
    assert.deepStrictEqual(small.hub, { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1024Mi" } });
    assert.deepStrictEqual(small.proxy.limits, { cpu: "1", memory: "1024Mi" });
  });

  it("counts the servers of earlier classes still up (class, then the culler's hour) at a class's start", () => {
    const at = (iso: string) => new Date(iso);
    const classes = [
      { name: "a", start: at("2027-01-04T09:00:00Z"), users: 100, arrivalMinutes: 10, durationMinutes: 180 },
      { name: "b", start: at("2027-01-04T12:30:00Z"), users: 50, arrivalMinutes: 10, durationMinutes: 60 },
      { name: "c", start: at("2027-01-04T14:00:00Z"), users: 50, arrivalMinutes: 10, durationMinutes: 60 },
    ];
    // a ends 12:00, culled by 13:05 (3600 + 300 s): still up at 12:30, gone by 14:00; b is up until 14:35.
    assert.deepStrictEqual([0, 1, 2].map((i) => othersRunningAt(classes, i, 3900)), [0, 100, 50]);
    // The calendar: a class's warm room from its lead before it to 5 minutes after its arrival window.
    assert.deepStrictEqual(placeholderCalendar(classes, [10, 0, 5], 540), [
      { class: "a", from: "2027-01-04T08:51:00.000Z", to: "2027-01-04T09:15:00.000Z", replicas: 10 },
      { class: "c", from: "2027-01-04T13:51:00.000Z", to: "2027-01-04T14:15:00.000Z", replicas: 5 },
    ]);
  });
});

describe("rush figures the plan must reach", function () {
  this.timeout(120_000);

  it("the event stack: every class's p95 within 60 s and no failed spawn, warm room ≤ 10% of the event, nodes ≤ 1.05 × the lower bound", () => {
    const plan = planAll(loadStackConfig("event"));
    assert.strictEqual(plan.rush.classes.length, 6);
    for (const c of plan.rush.classes) {
      assert.ok(c.meetsTarget && c.p95Seconds !== null && c.p95Seconds <= 60 && c.failedSpawns === 0, `${c.name}: p95 ${c.p95Seconds}, failed ${c.failedSpawns}`);
      assert.ok(c.peakNodes <= plan.userPool.userPoolMaxNodes, c.name);
    }
    assert.ok(plan.cost.warmShare <= 0.1, `warm share ${plan.cost.warmShare}`);
    assert.ok(plan.rush.peakNodes <= 1.05 * plan.userPool.lowerBoundNodes, `${plan.rush.peakNodes} nodes vs lower bound ${plan.userPool.lowerBoundNodes}`);
    // No warm room at night: every window of the calendar closes within half an hour of its class's start.
    assert.strictEqual(plan.rush.calendar.length, 6, "one warm window per class");
    for (const w of plan.rush.calendar) {
      const c = plan.rush.classes.find((x) => x.name === w.class)!;
      assert.ok(new Date(w.to).getTime() - new Date(c.start).getTime() <= 30 * 60_000, w.class);
    }
    assert.deepStrictEqual(plan.warnings, []);
  });

  it("the event stack's warm room holds for arrival draws the search never saw (seeds 101-110): p95 within 60 s, no failed spawn", () => {
    // The search ran rushSeed (1) and draws derived from it by subSeed; these seeds are new crowds. With
    // the 3 draws it used before (63c60b2), 12 of these 60 class-draws missed, at 61-73 s (Wed afternoon's
    // 274 placeholders: 61-70 s under seeds 103, 105, 106, 108, 110). The worst of 100 draws misses a fresh
    // one with chance about 1/101 a class; these ten seeds were fixed before the count of draws was chosen.
    const config = loadStackConfig("event");
    const plan = planAll(config);
    const missed: string[] = [];
    for (const c of plan.rush.classes) {
      for (let seed = 101; seed <= 110; seed++) {
        const r = resimulateClass(config, plan.userPool, plan.rush, c.name, seed);
        if (r.failed > 0 || r.p95 === null || r.p95 > 60) missed.push(`${c.name} seed ${seed}: p95 ${r.p95}, failed ${r.failed}`);
      }
    }
    assert.deepStrictEqual(missed, []);
  });

  it("the 1,000-user class in 10 minutes at 1 GiB / 0.1 CPU: ≤ $0.011 per user-hour at peak (homes included), all other figures too", () => {
    const config = parseConfig(rawWith("event", {
      userMemoryGuaranteeGiB: 1,
      userCpuGuarantee: 0.1,
      timetable: [{ name: "1,000 in 10 minutes", start: "2027-12-06T09:00:00Z", users: 1000, arrivalMinutes: 10, durationMinutes: 180 }],
    }), { now: stacksAsOf });
    const plan = planAll(config);
    const [c] = plan.rush.classes;
    assert.ok(c.p95Seconds !== null && c.p95Seconds <= 60 && c.failedSpawns === 0, `p95 ${c.p95Seconds}`);
    assert.ok(plan.cost.perUserHourAtPeak <= 0.011, `$${plan.cost.perUserHourAtPeak}/user-h`);
    assert.ok(plan.cost.warmShare <= 0.1);
    assert.ok(plan.rush.peakNodes <= 1.05 * plan.userPool.lowerBoundNodes);
    // The cheapest type that holds a 1 GiB user under gVisor (1024 + 128 MiB = 1152 MiB a pod): e2-highmem-16,
    // floor(120660.32 / 1152) = 104 users a node (memory binds), ceil(1000 / 104) = 10 nodes, lower bound
    // ceil(1000 × 1152 / 120660.32) = ceil(9.55) = 10. (Without the sandbox: 117 a node, 9 nodes.)
    assert.strictEqual(plan.userPool.machineType, "e2-highmem-16");
    assert.deepStrictEqual([plan.userPool.usersPerNode, plan.userPool.userNodesAtPeak, plan.userPool.lowerBoundNodes], [104, 10, 10]);
  });

  it("names the hub as the limit when 1,000 users arrive in 2 minutes, and warns", () => {
    const config = parseConfig(rawWith("event", {
      timetable: [{ name: "stampede", start: "2027-12-06T09:00:00Z", users: 1000, arrivalMinutes: 2, durationMinutes: 180 }],
    }), { now: stacksAsOf });
    const plan = planAll(config);
    const [c] = plan.rush.classes;
    assert.strictEqual(c.meetsTarget, false);
    assert.strictEqual(c.binding?.limit, "hub login throughput");
    // 1,000 users at 2 a second: at least 500 s, so 9 minutes.
    assert.match(c.binding?.lift ?? "", /at least 9 minutes/);
    assert.ok(plan.warnings.some((w) => /class "stampede" misses the 60 s p95 target .*hub login throughput binds/.test(w)));
  });
});

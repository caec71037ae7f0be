import * as assert from "assert";
import type { ClassSpec, StackConfig } from "../../infra/config/types";
import { classInputs, computeRushPlan, forgetRushPlans, lastAnswers, planRush, resimulateClass, RushPlan } from "../../infra/plan/rush";
import { loadStackConfig } from "../support/stacks";

// The rush plan of a small hand-made timetable, every figure worked out by hand below. The stacks' own
// plans (test/plan/rush.test.ts) take seconds each and go through `planRush`'s memory; these call
// `computeRushPlan` itself, so a change to it cannot be hidden by a remembered plan.
//
// The arrival times are the seeded draws of infra/plan/rush/timetable.ts `arrivalTimes`: floor(u × window)
// for the first numbers u of mulberry32 seeded with FNV-1a of `arrivals:<class>` mixed with the seed, and the
// plan's draw d (1-99) seeded with FNV-1a of `draw:<d>`. The values below were computed with Tommy
// Ettinger's C reference of mulberry32 and the FNV-1a reference loop (offset 0x811c9dc5, prime 0x01000193),
// compiled with gcc, not with the code under test (test/plan/rushRandom.test.ts pins both generators).
//
// The timings make most figures independent of when users arrive: no image pull, so a node asked for at
// t is Ready with the image at t + 30 (reaction) + 120 (boot), and a user without a warm slot waits at
// least 30 + 120 + 20 (server start) = 170 s, past the 60 s target; one user a node, so a class of k users
// needs k placeholders. The calendar raises them ceil((30 + 120 + 0 + 60) / 60) = 4 minutes (240 s) before
// the class; the start timeout is max(300, ceil(230 / 30) × 30 = 240) = 300 s.

const at = (iso: string) => new Date(iso);
const timings = { hubLoginsPerSecond: 0.5, autoscalerReactionSeconds: 30, nodeBootSeconds: 120, imagePullSeconds: 0, podStartSeconds: 20 };
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);

/** The dev stack with a timetable, hub and event window of the test's own. */
function stack(classes: readonly ClassSpec[], change: { concurrentSpawnLimit?: number; hubLoginsPerSecond?: number; cullTimeoutSeconds?: number } = {}): StackConfig {
  const base = loadStackConfig("dev");
  const { concurrentSpawnLimit: _limit, ...hub } = base.hub;
  return {
    ...base,
    event: { start: at("2027-01-04T09:00:00Z"), end: at("2027-01-04T11:00:00Z") },
    // Servers outlive their class by 600 + 300 = 900 s (cull timeout + cull period).
    hub: { ...hub, cullTimeoutSeconds: change.cullTimeoutSeconds ?? 600, cullEverySeconds: 300, ...(change.concurrentSpawnLimit === undefined ? {} : { concurrentSpawnLimit: change.concurrentSpawnLimit }) },
    rush: { classes, timings: { ...timings, hubLoginsPerSecond: change.hubLoginsPerSecond ?? timings.hubLoginsPerSecond }, waitTargetSeconds: 60, seed: 1 },
  };
}

// A: 2 users from 09:00 over a minute, up for 30 minutes, so until 09:45 with the culler's 900 s.
// B: 3 users from 09:40, while A's 2 servers are still up; up until 09:40 + 20 min + 900 s = 10:15.
const classA: ClassSpec = { name: "A", start: at("2027-01-04T09:00:00Z"), users: 2, arrivalMinutes: 1, durationMinutes: 30 };
const classB: ClassSpec = { name: "B", start: at("2027-01-04T09:40:00Z"), users: 3, arrivalMinutes: 1, durationMinutes: 20 };
// One-user nodes, at most 4: B finds 2 of them full of A's servers and room for 2 of its own 3 users.
const pool = { usersPerNode: 1, userPoolMinNodes: 0, userPoolMaxNodes: 4 };

describe("the rush plan of a small timetable, worked by hand", () => {
  it("the figures the plan was made with", () => {
    const plan = computeRushPlan(stack([classA, classB]), pool);
    assert.deepStrictEqual(
      [plan.targetSeconds, plan.seed, plan.draws, plan.leadSeconds, plan.tailSeconds, plan.startTimeoutSeconds, plan.peakArrivalPerSecond],
      // 3 users over 60 s is B's 0.05 a second, A's 2 over 60 s less.
      [60, 1, 100, 240, 900, 300, 0.05],
    );
    // No limit in the stack: searched at the advised ceiling of 200, then sized from the most spawns in flight
    // (2, below) doubled and raised to the floor of 10.
    assert.strictEqual(plan.concurrentSpawnLimit, 10);
  });

  it("class A: two placeholders, and the p95 of its worst draw, where both users arrive in the same second", () => {
    const [{ warmNodeHours, ...a }] = computeRushPlan(stack([classA, classB]), pool).classes;
    // Each user evicts a placeholder and runs 20 s later; one placeholder fewer leaves the second user at
    // least 170 - 59 = 111 s. The hub takes 0.5 logins a second, its credit full (1) when nobody came for 2 s:
    // a user who arrives 0, 1 or 2+ s after the other waits 2, 1 or 0 s more. The seed's own draw arrives at
    // 17 and 38 s; draw 23 at 36 and 36, draw 34 at 39 and 39 (no draw closer): the worst p95 is 22 s,
    // draw 23's, the first of the two (its p50 20). Both of its spawns are in flight at 36 s; its users
    // settle at 58, before the evicted placeholders are due to the autoscaler (66): 2 nodes.
    assert.deepStrictEqual(a, {
      name: "A",
      start: "2027-01-04T09:00:00.000Z",
      users: 2,
      arrivalMinutes: 1,
      durationMinutes: 30,
      othersRunning: 0,
      placeholders: 2,
      meetsTarget: true,
      p50Seconds: 20,
      p95Seconds: 22,
      worstSeconds: 22,
      failedSpawns: 0,
      throttled: 0,
      peakNodes: 2,
      peakSpawnsInFlight: 2,
    });
    // Node-hours with A's window alone (the whole plan's below), from 08:56: 2 (4 min), 4 to 09:15 (16),
    // 2 to 09:39 (24), 4 to 09:54 (15), 3 to 10:24 (30): 8 + 64 + 48 + 60 + 90 = 270 minutes, 230 without.
    close(warmNodeHours, 40 / 60, "A's warm node-hours");
  });

  it("class B: the pool's maximum binds, and the plan says so in its warnings", () => {
    const plan = computeRushPlan(stack([classA, classB]), pool);
    const b = plan.classes[1];
    // Room: min(3 users, 4 nodes × 1 - 2 of A's servers) = 2 placeholders. Every draw: two users evict them
    // and run, the third never gets a node (2 + 2 = the maximum) and fails 300 s after its spawn began. All
    // draws tie (p95 endless, 1 failure), so the figures are the seed's own draw: users at 4, 5 and 49 s;
    // the second is served at 6 s (the hub's credit 0.5 at 5 s), runs at 26: waits 20 and 21, p50 (rank 2
    // of 3) 21 s. In flight at once: at most 2 (4-24, 6-26, 49-349). Nodes: 2 full + 2 for the warm room.
    const { warmNodeHours, binding, ...figures } = b;
    assert.deepStrictEqual(figures, {
      name: "B",
      start: "2027-01-04T09:40:00.000Z",
      users: 3,
      arrivalMinutes: 1,
      durationMinutes: 20,
      othersRunning: 2,
      placeholders: 2,
      meetsTarget: false,
      p50Seconds: 21,
      p95Seconds: null,
      worstSeconds: null,
      failedSpawns: 1,
      throttled: 0,
      peakNodes: 4,
      peakSpawnsInFlight: 2,
    });
    const limit = { limit: "user pool maximum", detail: "users waited while the pool was at its maximum of 4 nodes", lift: "raise peakUsers (the pool maximum follows it) or move the class away from the servers still up from the one before" };
    assert.deepStrictEqual(binding, limit);
    // B's window alone, from 09:00: 2 (36 min), 4 09:36-09:55 (20), 3 to 10:24 (29): 72 + 80 + 87 = 239
    // minutes, 230 without.
    close(warmNodeHours, 9 / 60, "B's warm node-hours");
    assert.deepStrictEqual(plan.warnings, [
      `class "B" misses the 60 s p95 target even with warm room for every user: user pool maximum binds (${limit.detail}); to lift it: ${limit.lift}`,
    ]);
  });

  it("the calendar, the peaks and the node-hours with and without the warm room", () => {
    const plan = computeRushPlan(stack([classA, classB]), pool);
    // Each class's placeholders from 4 minutes before it to 5 minutes after its minute of arrival.
    assert.deepStrictEqual(plan.calendar, [
      { class: "A", from: "2027-01-04T08:56:00.000Z", to: "2027-01-04T09:06:00.000Z", replicas: 2 },
      { class: "B", from: "2027-01-04T09:36:00.000Z", to: "2027-01-04T09:46:00.000Z", replicas: 2 },
    ]);
    assert.deepStrictEqual([plan.maxPlaceholders, plan.peakNodes], [2, 4]);
    // Nodes needed minute by minute (servers + placeholders, 1 a node, at most 4), each kept 10 minutes
    // after it was last needed. Without warm room, 09:00-10:59: 2 for 40 min, 4 from 09:40 (5 users) and
    // kept to 09:54 (15 min), 3 to 10:14 (20) and kept to 10:24 (10): 80 + 60 + 60 + 30 = 230 minutes.
    // With it, from 08:56: 2 (4 min), 4 09:00-09:15 (16), 2 to 09:35 (20), 4 09:36-09:55 (20), 3 to 10:24
    // (29): 8 + 64 + 40 + 80 + 87 = 279 minutes.
    close(plan.userNodeHours, 279 / 60, "node-hours with the warm room");
    close(plan.warmNodeHours, 49 / 60, "warm node-hours");
  });

  it("charts the seed's own draw, not the worst one", () => {
    const plan = computeRushPlan(stack([classA, classB]), pool);
    assert.deepStrictEqual(Object.keys(plan.series), ["A", "B"]);
    const last = (name: string) => plan.series[name][plan.series[name].length - 1];
    // A's own draw: users at 17 and 38 s, running at 37 and 58; the placeholder evicted at 17 is due at
    // 47 and brings a third node. Samples every 10 s from -240, and at 58 when the last user settles.
    assert.deepStrictEqual(last("A"), { t: 58, arrived: 2, running: 2, waiting: 0, failed: 0, nodes: 3, placeholdersRunning: 0 });
    assert.strictEqual(plan.series.A.length, 31);
    // B's: the third user fails at 49 + 300 = 349.
    assert.deepStrictEqual(last("B"), { t: 349, arrived: 3, running: 2, waiting: 0, failed: 1, nodes: 4, placeholdersRunning: 0 });
    assert.deepStrictEqual(plan.series.B[0], { t: -240, arrived: 0, running: 0, waiting: 0, failed: 0, nodes: 2, placeholdersRunning: 0 });
  });
});

describe("the rush plan when the stack sets the spawn limit, and classes arrive at once", () => {
  // X: 3 users from 09:00 over 2 minutes; Y: 1 user at 09:01:59, one second inside X's arrival window.
  // One-user nodes, at most 2; a hub that serves 10 logins a second, so no user waits for it.
  const classX: ClassSpec = { name: "X", start: at("2027-01-04T09:00:00Z"), users: 3, arrivalMinutes: 2, durationMinutes: 60 };
  const classY: ClassSpec = { name: "Y", start: at("2027-01-04T09:01:59Z"), users: 1, arrivalMinutes: 1, durationMinutes: 60 };
  const small = { usersPerNode: 1, userPoolMinNodes: 0, userPoolMaxNodes: 2 };
  const plan = () => computeRushPlan(stack([classX, classY], { concurrentSpawnLimit: 4, hubLoginsPerSecond: 10 }), small);
  const poolMax = { limit: "user pool maximum", detail: "users waited while the pool was at its maximum of 2 nodes", lift: "raise peakUsers (the pool maximum follows it) or move the class away from the servers still up from the one before" };

  it("keeps the stack's limit", () => {
    assert.strictEqual(plan().concurrentSpawnLimit, 4);
  });

  it("gives a class no warm room when earlier servers fill the pool, and never a negative count", () => {
    const [x, y] = plan().classes;
    // X: room min(3, 2) = 2; two users run 20 s after arriving, the third fails: p50 (rank 2 of 3) 20.
    assert.deepStrictEqual(
      [x.placeholders, x.meetsTarget, x.p50Seconds, x.p95Seconds, x.worstSeconds, x.failedSpawns, x.peakNodes, x.binding],
      [2, false, 20, null, null, 1, 2, poolMax],
    );
    // Y: X's 3 servers are up, 2 of them on the pool's 2 nodes: room max(0, 2 - 3) = 0. Its one user fails.
    assert.deepStrictEqual(
      [y.othersRunning, y.placeholders, y.meetsTarget, y.p50Seconds, y.p95Seconds, y.failedSpawns, y.peakNodes, y.warmNodeHours, y.binding],
      [3, 0, false, null, null, 1, 2, 0, poolMax],
    );
  });

  it("warns for each class that misses, then for the classes that arrive at once", () => {
    assert.deepStrictEqual(plan().warnings, [
      `class "X" misses the 60 s p95 target even with warm room for every user: user pool maximum binds (${poolMax.detail}); to lift it: ${poolMax.lift}`,
      `class "Y" misses the 60 s p95 target even with warm room for every user: user pool maximum binds (${poolMax.detail}); to lift it: ${poolMax.lift}`,
      'classes "X" and "Y" arrive at once; each is simulated as if it were the only one arriving, which understates both rushes: merge them into one class',
    ]);
  });

  it("a class that starts the second the one before has arrived does not arrive at once with it", () => {
    const first: ClassSpec = { name: "P", start: at("2027-01-04T09:00:00Z"), users: 1, arrivalMinutes: 1, durationMinutes: 60 };
    const next: ClassSpec = { name: "Q", start: at("2027-01-04T09:01:00Z"), users: 1, arrivalMinutes: 1, durationMinutes: 60 };
    const quiet = computeRushPlan(stack([first, next], { hubLoginsPerSecond: 10 }), { ...small, userPoolMaxNodes: 3 });
    assert.deepStrictEqual(quiet.warnings, []);
    assert.deepStrictEqual(quiet.classes.map((c) => [c.placeholders, c.p95Seconds]), [[1, 20], [1, 20]]);
  });
});

describe("the rush plan of a class that fills whole nodes", () => {
  it("needs warm room only for the users the nodes it brings up cannot seat, and sizes the spawn limit from its busiest moment", () => {
    // 30 users over a minute on 10-user nodes, at most 3; a hub of 100 logins a second, so nobody queues.
    // 21 placeholders bring up 3 nodes (ceil(21 / 10)): 9 users take the free slots, 21 evict placeholders,
    // all run 20 s after arriving. 20 bring up 2 nodes, and the last 10 users wait for a third (170 s).
    const busy: ClassSpec = { name: "busy", start: at("2027-01-04T09:00:00Z"), users: 30, arrivalMinutes: 1, durationMinutes: 60 };
    const plan = computeRushPlan(stack([busy], { hubLoginsPerSecond: 100 }), { usersPerNode: 10, userPoolMinNodes: 0, userPoolMaxNodes: 3 });
    const [c] = plan.classes;
    assert.deepStrictEqual([c.placeholders, c.meetsTarget, c.p95Seconds, c.peakNodes], [21, true, 20, 3]);
    // Every draw waits 20 s, so the figures are the seed's own draw: arrivals (the C reference) 3 5 5 5 12 17
    // 21 24 25 26 30 31 33 35 37 38 39 42 43 43 45 47 47 48 50 51 53 54 54 56. A spawn is in flight from its
    // arrival until its server runs 20 s later (counted out after that second's logins): the most at once is
    // the 16 that arrived from 36 to 56 s. The stack sets no limit: 2 × 16 = 32.
    assert.deepStrictEqual([c.peakSpawnsInFlight, plan.concurrentSpawnLimit], [16, 32]);
  });
});

describe("each class's simulation input", () => {
  it("from the timetable, the pool and the hub, with the advised ceiling of 200 spawns when the stack sets none", () => {
    const [a, b] = classInputs(stack([classA, classB]), pool, 1);
    const shared = {
      leadSeconds: 240,
      // The arrival minute and 5 minutes for stragglers.
      warmUntilSeconds: 360,
      usersPerNode: 1,
      poolMinNodes: 0,
      poolMaxNodes: 4,
      hubLoginsPerSecond: 0.5,
      concurrentSpawnLimit: 200,
      startTimeoutSeconds: 300,
      autoscalerReactionSeconds: 30,
      nodeBootSeconds: 120,
      imagePullSeconds: 0,
      podStartSeconds: 20,
    };
    // Retry seeds: FNV-1a of "retries:A" and "retries:B" mixed with seed 1 (the C reference).
    assert.deepStrictEqual(a, { ...shared, arrivals: [17, 38], othersRunning: 0, seed: 1922530367 });
    assert.deepStrictEqual(b, { ...shared, arrivals: [4, 5, 49], othersRunning: 2, seed: 1939307986 });
    assert.strictEqual(classInputs(stack([classA], { concurrentSpawnLimit: 7 }), pool, 1)[0].concurrentSpawnLimit, 7);
  });
});

describe("a class run again under another seed", () => {
  it("with the plan's warm room and spawn limit", () => {
    const config = stack([classA, classB]);
    const plan = computeRushPlan(config, pool);
    // Seed 7: B's users arrive at 14, 16 and 30 s (the C reference). With the plan's 2 placeholders: 14 runs
    // at 34, 16 is served at once (the hub's credit back to 1) and runs at 36, 30 fails at 330.
    const b = resimulateClass(config, pool, plan, "B", 7);
    assert.deepStrictEqual([b.users, b.waits, b.failed, b.throttled, b.peakNodes, b.series[b.series.length - 1].t], [3, [20, 20], 1, 0, 4, 330]);
    // A, seed 7: its users at 4 and 32 s, each on a warm slot.
    assert.deepStrictEqual(resimulateClass(config, pool, plan, "A", 7).waits, [20, 20]);
    // The plan's limit, not the stack's (none: 200): a plan that allows no spawn in flight fails everyone.
    const none = resimulateClass(config, pool, { ...plan, concurrentSpawnLimit: 0 }, "B", 7);
    assert.deepStrictEqual([none.waits, none.failed], [[], 3]);
  });

  it("refuses a class the plan does not have", () => {
    const config = stack([classA, classB]);
    const plan = computeRushPlan(config, pool);
    const noClass = (name: string) => (e: unknown) => e instanceof RangeError && e.message === `no class ${name}`;
    assert.throws(() => resimulateClass(config, pool, plan, "C", 1), noClass("C"));
    // A plan made for another timetable, without B.
    const shorter: RushPlan = { ...plan, classes: plan.classes.slice(0, 1) };
    assert.throws(() => resimulateClass(config, pool, shorter, "B", 1), noClass("B"));
  });
});

describe("planRush remembers its plans", () => {
  // One 1-user class: a cheap plan. Only identities are compared: a plan remembered from before a change
  // to the code would carry the old figures.
  const one = (change: Parameters<typeof stack>[1] = {}): StackConfig =>
    stack([{ name: "remembered", start: at("2027-01-04T10:00:00Z"), users: 1, arrivalMinutes: 1, durationMinutes: 30 }], change);
  const small = { usersPerNode: 1, userPoolMinNodes: 0, userPoolMaxNodes: 3 };

  it("hands back the same plan for an equal stack and pool, another for another culler, limit or pool", () => {
    const plan = planRush(one(), small);
    assert.strictEqual(planRush(one(), { ...small }), plan, "an equal stack and pool: the remembered plan");
    const others = [
      planRush(one({ cullTimeoutSeconds: 1200 }), small),
      planRush(one({ concurrentSpawnLimit: 4 }), small),
      planRush(one({ concurrentSpawnLimit: 5 }), small),
      planRush(one(), { ...small, usersPerNode: 2 }),
      planRush(one(), { ...small, userPoolMinNodes: 1 }),
      planRush(one(), { ...small, userPoolMaxNodes: 2 }),
    ];
    assert.strictEqual(new Set([plan, ...others]).size, 7, "each a plan of its own");
  });

  it("keeps the last answers, forgetting the oldest first", () => {
    const calls: string[] = [];
    const remember = lastAnswers<{ key: string }>(2);
    const ask = (key: string) => remember(key, () => (calls.push(key), { key }));
    const a = ask("a");
    assert.strictEqual(ask("a"), a);
    ask("b");
    assert.strictEqual(ask("a"), a, "two answers fit");
    ask("c");
    assert.deepStrictEqual(calls, ["a", "b", "c"]);
    // "a" was the oldest (asking again does not make it newer): forgotten for "c".
    assert.notStrictEqual(ask("a"), a);
    assert.deepStrictEqual(calls, ["a", "b", "c", "a"]);
    // Now "b" went: "c" and "a" are kept.
    ask("c");
    ask("b");
    assert.deepStrictEqual(calls, ["a", "b", "c", "a", "b"]);
  });

  it("forgets every answer when told to", () => {
    const calls: string[] = [];
    const remember = lastAnswers<{ key: string }>(2);
    const ask = (key: string) => remember(key, () => (calls.push(key), { key }));
    ask("a");
    ask("b");
    remember.forget();
    ask("a");
    ask("b");
    assert.deepStrictEqual(calls, ["a", "b", "a", "b"], "both worked out again after forgetting");
  });

  it("works a stack's plan out afresh once the remembered plans are forgotten", () => {
    // The mutation run forgets them before a test in another scope (stryker/mocha-fresh-rush-plans.cjs), so
    // that no test reads a plan worked out under another mutant.
    const plan = planRush(one(), small);
    forgetRushPlans();
    const afresh = planRush(one(), small);
    assert.notStrictEqual(afresh, plan, "a plan of its own after forgetting");
    assert.deepStrictEqual(afresh, plan, "with the same figures");
  });
});

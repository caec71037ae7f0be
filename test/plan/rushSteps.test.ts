import * as assert from "assert";
import { bindingLimit, searchWarmRoom, tryWarmRoom } from "../../infra/plan/rush";
import { activityIntervalSeconds, concurrentSpawnLimit, coreResources, peakArrivalPerSecond, startTimeoutSeconds } from "../../infra/plan/rush/hub";
import { chartRows, rushChartSpec } from "../../infra/plan/rush/chartSpec";
import { userNodeHours } from "../../infra/plan/rush/nodeHours";
import { percentile, RushSimInput, RushSimResult, simulateRush } from "../../infra/plan/rush/simulate";
import { baseRushInput, rushTimings } from "../support/rushInput";
import { arrivalTimes, cullTailSeconds, othersRunningAt, placeholdersAt, serversAt, warmLeadSeconds } from "../../infra/plan/rush/timetable";

// Each step of the rush simulation and each timing rule at its edges, worked by hand in fast tests (the
// properties and the stacks' figures in rush.test.ts take minutes), from test/support/rushInput.ts's input:
// one user at 0 on one-user nodes, reaction 30 s, boot 120 s, image pull 300 s, server start 20 s.

const timings = rushTimings;

function input(overrides: Partial<RushSimInput>): RushSimInput {
  return { ...baseRushInput(), placeholders: 0, ...overrides };
}

const sim = (overrides: Partial<RushSimInput>) => simulateRush(input(overrides));
const sampleAt = (r: RushSimResult, t: number) => r.series.find((s) => s.t === t);

describe("rush simulation, step by step", () => {
  it("refuses nodes that hold no user", () => {
    assert.throws(() => sim({ usersPerNode: 0 }), (e: unknown) => e instanceof RangeError && e.message === "usersPerNode must be at least 1");
  });

  it("samples every sampleEverySeconds from the warm room's raising, and once more when the last user settles", () => {
    // No warm room, lead 100: pending at 0, node asked for at 30 (ready 150, image 450), running at 470.
    const r = sim({ leadSeconds: 100, sampleEverySeconds: 100 });
    const base = { arrived: 1, failed: 0, placeholdersRunning: 0 };
    assert.deepStrictEqual(r.series, [
      { t: -100, arrived: 0, failed: 0, placeholdersRunning: 0, running: 0, waiting: 0, nodes: 0 },
      { t: 0, ...base, running: 0, waiting: 1, nodes: 0 },
      { t: 100, ...base, running: 0, waiting: 1, nodes: 1 },
      { t: 200, ...base, running: 0, waiting: 1, nodes: 1 },
      { t: 300, ...base, running: 0, waiting: 1, nodes: 1 },
      { t: 400, ...base, running: 0, waiting: 1, nodes: 1 },
      { t: 470, ...base, running: 1, waiting: 0, nodes: 1 },
    ]);
    // The default is every 10 s, counted from -leadSeconds.
    const byDefault = sim({ leadSeconds: 3 });
    assert.deepStrictEqual(byDefault.series.slice(0, 3).map((s) => s.t), [-3, 7, 17]);
    // A user who runs the second they arrive (warm room, a 0 s start) is sampled then, off the 7 s grid.
    const atOnce = sim({ placeholders: 1, podStartSeconds: 0, sampleEverySeconds: 7 });
    assert.deepStrictEqual(atOnce.series[atOnce.series.length - 1], { t: 0, arrived: 1, running: 1, waiting: 0, failed: 0, nodes: 1, placeholdersRunning: 0 });
    assert.deepStrictEqual([r.waits, r.placedAtOnce, r.peakNodes, r.peakInFlight, r.throttled, r.loginWaitP95], [[470], 0, 1, 1, 0, 0]);
  });

  it("places a user on a node the second it is Ready, and starts the server at once when the image is there", () => {
    // No image pull: asked for at 30, Ready at 150, running at 170.
    assert.deepStrictEqual(sim({ imagePullSeconds: 0 }).waits, [170]);
  });

  it("counts a server that starts exactly at the start timeout as running, one second later as failed", () => {
    assert.deepStrictEqual([sim({ startTimeoutSeconds: 470 }).waits, sim({ startTimeoutSeconds: 470 }).failed], [[470], 0]);
    const late = sim({ startTimeoutSeconds: 469, sampleEverySeconds: 7 });
    assert.deepStrictEqual([late.waits, late.failed, late.p50, late.p95, late.worst], [[], 1, null, null, null]);
    // It fails at the deadline itself (0 + 469), the moment of the last sample.
    assert.deepStrictEqual(late.series[late.series.length - 1], { t: 469, arrived: 1, running: 0, waiting: 0, failed: 1, nodes: 1, placeholdersRunning: 0 });
  });

  it("fails a spawn the pool cannot hold at the timeout, and says the pool maximum blocked a user", () => {
    const r = sim({ poolMaxNodes: 0 });
    assert.deepStrictEqual([r.failed, r.peakNodes, r.poolMaxBlockedUsers], [1, 0, true]);
    // Placeholders alone wanting more than the maximum block no user.
    const warmOnly = sim({ arrivals: [], placeholders: 1, poolMaxNodes: 0 });
    assert.strictEqual(warmOnly.poolMaxBlockedUsers, false);
  });

  it("frees the slot of a bound pod that timed out, for the next user", () => {
    // A at 0: bound at 150 to the new node, whose image lands at 450, past A's deadline (300): A fails at 300
    // and its slot is free again. B at 400 takes it at once and runs when the image is there: 470, 70 s.
    const r = sim({ arrivals: [0, 400], startTimeoutSeconds: 300 });
    assert.deepStrictEqual([r.waits, r.failed, r.peakNodes], [[70], 1, 1]);
  });

  it("skips a user whose spawn failed while pending, so the slot goes to the next", () => {
    // One node at most, a 300 s timeout. A at 0 is bound at 150 and fails at 300 (image at 450); B at 0 never
    // got a slot and fails at 300 too, still first in the scheduler's queue. C at 400 takes A's freed slot and
    // runs with the image at 470: 70 s.
    const r = sim({ arrivals: [0, 0, 400], startTimeoutSeconds: 300, poolMaxNodes: 1 });
    assert.deepStrictEqual([r.waits, r.failed, r.poolMaxBlockedUsers], [[70], 2, true]);
  });

  it("asks only for the nodes beyond those already booting", () => {
    // A at 0 is due at 30: one node (Ready 150). B at 10 is due at 40: A and B want two slots, one is
    // booting, so one more (Ready 160, image 460). Each runs on its own node: A at 470, B at 480.
    const r = sim({ arrivals: [0, 10] });
    assert.deepStrictEqual([r.waits, r.peakNodes], [[470, 470], 2]);
    // Five-user nodes: the booting node's five slots cover B.
    assert.deepStrictEqual(sim({ arrivals: [0, 10], usersPerNode: 5 }).peakNodes, 1);
    // A pod pending exactly the reaction time is due: a 0 s reaction asks at 0.
    assert.deepStrictEqual(sim({ autoscalerReactionSeconds: 0 }).waits, [440]);
    // A pool of two nodes: the second request (at 40) takes it to its maximum exactly, and every user got the
    // node they needed, so the maximum blocked no one.
    const toMax = sim({ arrivals: [0, 10], poolMaxNodes: 2 });
    assert.deepStrictEqual([toMax.waits, toMax.peakNodes, toMax.poolMaxBlockedUsers], [[470, 470], 2, false]);
  });

  it("counts a node that becomes Ready this second as Ready, not booting, when it asks for more", () => {
    // A at 0 is due at 30: node 1, Ready at 150 (image 450). B arrives at 120. At 150 A takes node 1's slot;
    // B, pending since 120, is due, and no node is booting any more: node 2 is asked for at 150 (Ready 270,
    // image 570), and B runs at 590, a 470 s wait like A's (450 + 20). Counting node 1 as still booting at
    // 150 would put node 2 off a second (B at 471 s).
    const r = sim({ arrivals: [0, 120] });
    assert.deepStrictEqual([r.waits, r.peakNodes, r.poolMaxBlockedUsers], [[470, 470], 2, false]);
  });

  it("starts from the servers of earlier classes: their nodes, and the free slots on them", () => {
    // 3 servers on 2-user nodes: 2 nodes, one slot free, which the user takes at once.
    const r = sim({ othersRunning: 3, usersPerNode: 2 });
    assert.deepStrictEqual([r.waits, r.placedAtOnce, r.peakNodes], [[20], 1, 2]);
    assert.strictEqual(r.series[0].nodes, 2);
    // The pool minimum raises the nodes at the start.
    assert.strictEqual(sim({ othersRunning: 3, usersPerNode: 2, poolMinNodes: 3 }).series[0].nodes, 3);
    // The pool maximum caps them; the one node is full of earlier servers and none may be added.
    const capped = sim({ othersRunning: 3, usersPerNode: 2, poolMaxNodes: 1 });
    assert.deepStrictEqual([capped.series[0].nodes, capped.failed, capped.poolMaxBlockedUsers], [1, 1, true]);
    // 4 servers fill both nodes exactly: the user waits for a third.
    const full = sim({ othersRunning: 4, usersPerNode: 2 });
    assert.deepStrictEqual([full.waits, full.peakNodes], [[470], 3]);
  });

  it("puts placeholders only on Ready nodes, and takes them away when the warm window closes", () => {
    // The placeholder pends at -540, its node is asked for at -510 and is Ready at -390.
    // A 40 s server start keeps the simulation running past the autoscaler's reaction.
    const r = sim({ arrivals: [0], placeholders: 1, podStartSeconds: 40 });
    assert.deepStrictEqual([sampleAt(r, -400)?.placeholdersRunning, sampleAt(r, -390)?.placeholdersRunning], [0, 1]);
    // The user evicts it at 0; it pends again and at 30 brings a second node.
    assert.deepStrictEqual([r.waits, r.placedAtOnce, r.peakNodes, sampleAt(r, 0)?.placeholdersRunning], [[40], 1, 2, 0]);
    // Closed at 0: the user finds the slot free, nothing is evicted, no second node.
    const closed = sim({ arrivals: [0], placeholders: 1, podStartSeconds: 40, warmUntilSeconds: 0 });
    assert.deepStrictEqual([closed.waits, closed.placedAtOnce, closed.peakNodes, sampleAt(closed, -10)?.placeholdersRunning, sampleAt(closed, 0)?.placeholdersRunning], [[40], 1, 1, 1, 0]);
    // Two-user nodes: the one placeholder brings one node (asked for at -510). Closed at 0, the node has two
    // free slots; the user takes one, and the other stays free: no placeholder comes back once it closed.
    const roomLeft = sim({ arrivals: [0], placeholders: 1, usersPerNode: 2, podStartSeconds: 40, warmUntilSeconds: 0 });
    assert.deepStrictEqual([roomLeft.waits, roomLeft.peakNodes, sampleAt(roomLeft, -10)?.placeholdersRunning, sampleAt(roomLeft, 0)?.placeholdersRunning, sampleAt(roomLeft, 10)?.placeholdersRunning], [[40], 1, 1, 0, 0]);
  });

  it("counts a throttled user's login wait from the first attempt only, and the spawns in flight", () => {
    // Limit 1: B is answered 429 at 0 and retries 30-60 s later; both logins were taken at 0.
    const r = sim({ arrivals: [0, 0], placeholders: 2, usersPerNode: 2, concurrentSpawnLimit: 1 });
    assert.deepStrictEqual([r.throttled, r.loginWaitP95, r.peakInFlight, r.failed], [1, 0, 1, 0]);
    // At the limit, no 429.
    const atLimit = sim({ arrivals: [0, 0], placeholders: 2, usersPerNode: 2, concurrentSpawnLimit: 2 });
    assert.deepStrictEqual([atLimit.throttled, atLimit.peakInFlight, atLimit.waits], [0, 2, [20, 20]]);
  });

  it("retries a 429 after 30 s plus floor(u × 31) s, u the seed's next number: 30 to 60 s, each second alike", () => {
    // As above: A evicts a placeholder at 0 and runs at 20; B, answered 429 at 0, retries at 30 + floor(31 u)
    // (JupyterHub 5.5.0 app.py spawn_throttle_retry_range (30, 60), both ends included), evicts the second
    // placeholder and runs 20 s later. u is the stream's first number (test/plan/rushRandom.test.ts, from the
    // C reference): seed 0, 1144304738 / 2^32, 31u = 8.26, a retry at 38; seed 1, 2693262067 / 2^32, 31u =
    // 19.44, at 49; seed 2^32 - 1, 3850105811 / 2^32, 31u = 27.79, at 57.
    const retried = (seed: number) => sim({ arrivals: [0, 0], placeholders: 2, usersPerNode: 2, concurrentSpawnLimit: 1, seed }).waits;
    assert.deepStrictEqual([0, 1, 4_294_967_295].map(retried), [[20, 58], [20, 69], [20, 77]]);
  });

  it("gives up past its horizon: a spawn that can never start counts as failed", () => {
    // Limit 0: every request is answered 429. Horizon: last arrival 0 + timeout 600 + 60 s × ceil(1/1 + 1)
    // + an hour = 4,320 s, the last 10 s sample (counted from -540).
    const r = sim({ concurrentSpawnLimit: 0 });
    assert.deepStrictEqual([r.failed, r.waits, r.worst], [1, [], null]);
    assert.strictEqual(r.series[r.series.length - 1].t, 4320);
    assert.ok(r.throttled > 60, `every retry is answered 429 again: ${r.throttled}`);
  });

  it("an empty class: no waits, figures of 0, and it stops at the class's start", () => {
    const r = sim({ arrivals: [] });
    assert.deepStrictEqual([r.users, r.waits, r.failed, r.p50, r.p95, r.worst, r.loginWaitP95], [0, [], 0, 0, 0, 0, 0]);
    // Samples from -540 to 0 every 10 s: 55.
    assert.strictEqual(r.series.length, 55);
    assert.deepStrictEqual(r.series[54], { t: 0, arrived: 0, running: 0, waiting: 0, failed: 0, nodes: 0, placeholdersRunning: 0 });
  });

  it("lists the waits in ascending order, not the order servers started", () => {
    // Two-user nodes. A (0) is bound at 150 to the new node, B (200) to its other slot: both run at 470,
    // A's wait 470 counted first, B's 270.
    assert.deepStrictEqual(sim({ arrivals: [0, 200], usersPerNode: 2 }).waits, [270, 470]);
  });

  it("takes the login waits' p95 over the users sorted by wait", () => {
    // 0.5 logins/s: A at 0 waits 0, B at 0 waits 2, C arrives at 10 to an idle hub and waits 0: p95 (rank 3) is 2.
    assert.strictEqual(sim({ arrivals: [0, 0, 10], hubLoginsPerSecond: 0.5 }).loginWaitP95, 2);
    // Twenty users: two at 0 (waits 0 and 2), eighteen at 10, 20, ..., 180 to an idle hub (0 each). Sorted,
    // nineteen 0 s and one 2 s: the p95 (rank ceil(0.95 × 20) = 19) is 0. A wait of 0 is a wait like any other.
    const twenty = [0, 0, ...Array.from({ length: 18 }, (_, i) => 10 * (i + 1))];
    assert.strictEqual(sim({ arrivals: twenty, hubLoginsPerSecond: 0.5, poolMaxNodes: 20 }).loginWaitP95, 0);
    // A hub that takes no login: the user is never served and fails at the horizon (4,320 s, as below), and
    // with no login wait taken the p95 reads 0, not the "not yet served" mark.
    const none = sim({ hubLoginsPerSecond: 0 });
    assert.deepStrictEqual([none.failed, none.loginWaitP95, none.series[none.series.length - 1].t], [1, 0, 4320]);
  });

  it("counts the horizon from the last arrival", () => {
    // 100 + 600 + 120 + 3,600 = 4,420.
    const r = sim({ arrivals: [100], concurrentSpawnLimit: 0 });
    assert.strictEqual(r.series[r.series.length - 1].t, 4420);
  });

  it("percentiles: 0 of nothing, the first value at q 0", () => {
    assert.strictEqual(percentile([], 0, 95), 0);
    assert.strictEqual(percentile([5, 7], 0, 0), 5);
    assert.strictEqual(percentile([5, 7], 0, 100), 7);
    assert.strictEqual(percentile([5], 1, 50), 5);
    assert.strictEqual(percentile([5], 1, 51), null);
  });
});

describe("rush timing rules at their edges", () => {
  it("the busiest arrival, users per second, 0 without classes", () => {
    assert.strictEqual(peakArrivalPerSecond([{ users: 600, arrivalMinutes: 10 }, { users: 120, arrivalMinutes: 1 }].map((c) => ({ ...c, name: "x", start: new Date(0), durationMinutes: 60 }))), 2);
    assert.strictEqual(peakArrivalPerSecond([]), 0);
  });

  it("the spawn limit: twice the peak in flight rounded up, within 10 and 200", () => {
    // 5.2 × 2 = 10.4 → 11.
    assert.strictEqual(concurrentSpawnLimit(5.2, undefined), 11);
    assert.strictEqual(concurrentSpawnLimit(4.5, undefined), 10);
    assert.strictEqual(concurrentSpawnLimit(100, undefined), 200);
    assert.strictEqual(concurrentSpawnLimit(99.5, undefined), 199);
    assert.strictEqual(concurrentSpawnLimit(0, 0), 0);
  });

  it("the start timeout: the slowest path plus 60 s, in 30 s steps, at least Z2JH's 300 s (values.yaml 4.4.0)", () => {
    // 30 + 120 + 310 + 20 + 60 = 540, a whole step.
    assert.strictEqual(startTimeoutSeconds({ hubLoginsPerSecond: 2, ...timings, imagePullSeconds: 310 }), 540);
    // 30 + 120 + 311 + 20 + 60 = 541 → 570.
    assert.strictEqual(startTimeoutSeconds({ hubLoginsPerSecond: 2, ...timings, imagePullSeconds: 311 }), 570);
    // 30 + 120 + 70 + 20 + 60 = 300 exactly; 71 → 301 → 330.
    assert.strictEqual(startTimeoutSeconds({ hubLoginsPerSecond: 2, ...timings, imagePullSeconds: 70 }), 300);
    assert.strictEqual(startTimeoutSeconds({ hubLoginsPerSecond: 2, ...timings, imagePullSeconds: 71 }), 330);
  });

  it("the activity interval: peak users over half the login rate, between 300 s and a quarter of the idle timeout", () => {
    // 500 / (0.5 × 2) = 500, under 7201 / 4 → 1800.
    assert.strictEqual(activityIntervalSeconds(500, 2, 7201), 500);
    assert.strictEqual(activityIntervalSeconds(5000, 2, 7203), 1800);
    // 301 / 1 = 301.
    assert.strictEqual(activityIntervalSeconds(301, 2, 7200), 301);
    assert.strictEqual(activityIntervalSeconds(299, 2, 7200), 300);
    // 1,200 / (0.5 × 4) = 600.
    assert.strictEqual(activityIntervalSeconds(1200, 4, 7200), 600);
  });

  it("hub and proxy resources on each side of the workshop size (200 users)", () => {
    // 1.2 logins/s over 2/s = 0.6 → 0.75 CPU, bursting to 1.5; 256 + 2·200 = 656 → 768Mi, limit 1312 → 1536Mi.
    const workshop = coreResources(200, 1.2, 2);
    assert.deepStrictEqual(workshop.hub, { requests: { cpu: "750m", memory: "768Mi" }, limits: { cpu: "1500m", memory: "1536Mi" } });
    // Proxy: 256 + 200 = 456 → 512Mi; 4 × 200 = 800 under the 1 GiB floor.
    assert.deepStrictEqual(workshop.proxy, { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "1024Mi" } });
    const large = coreResources(201, 1.2, 2);
    assert.deepStrictEqual(large.proxy, { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "1024Mi" } });
    // 100 users: 456 MiB → the 512 MiB floor; a busy arrival caps the request at 1 CPU, the limit at 2.
    assert.deepStrictEqual(coreResources(100, 10, 2).hub, { requests: { cpu: "1", memory: "512Mi" }, limits: { cpu: "2", memory: "1024Mi" } });
    // 257 users: proxy limit 4 × 257 = 1028 → 1536Mi (512 MiB steps).
    assert.strictEqual(coreResources(257, 1, 2).proxy.limits.memory, "1536Mi");
  });

  it("the warm lead in whole minutes: 30 + 120 + 270 + 60 = 480 s exactly; one second more, 540", () => {
    assert.strictEqual(warmLeadSeconds({ hubLoginsPerSecond: 2, ...timings, imagePullSeconds: 270 }), 480);
    assert.strictEqual(warmLeadSeconds({ hubLoginsPerSecond: 2, ...timings, imagePullSeconds: 271 }), 540);
  });

  it("arrivals: one per user, whole seconds inside the window, ascending, not all at once", () => {
    const a = arrivalTimes({ name: "c", users: 50, arrivalMinutes: 2 }, 7);
    assert.strictEqual(a.length, 50);
    assert.ok(a.every((t, i) => Number.isInteger(t) && t >= 0 && t < 120 && (i === 0 || a[i - 1] <= t)), a.join(","));
    assert.ok(new Set(a).size > 25, `50 users over 120 s land on many seconds: ${a.join(",")}`);
    assert.ok(a[49] >= 60, `the last of 50 uniform arrivals lands in the second minute: ${a[49]}`);
  });

  it("who is still up: the class's duration plus the culler's tail, start and end excluded", () => {
    assert.strictEqual(cullTailSeconds({ cullTimeoutSeconds: 3600, cullEverySeconds: 300 }), 3900);
    const at = (minutes: number) => new Date(Date.UTC(2027, 0, 4, 9) + minutes * 60_000);
    const cls = (name: string, start: number, duration: number) => ({ name, start: at(start), users: 10, arrivalMinutes: 10, durationMinutes: duration });
    // b starts when a started: not counted; c starts when a's 60 min + 60 s tail ends: not counted; d a second before.
    const classes = [cls("a", 0, 60), cls("b", 0, 60), cls("c", 61, 60), { ...cls("d", 0, 0), start: new Date(at(61).getTime() - 1000) }];
    assert.deepStrictEqual([1, 2, 3].map((i) => othersRunningAt(classes, i, 60)), [0, 10, 20]);
    // serversAt counts from the start on, until the end excluded.
    assert.deepStrictEqual([at(0), at(61)].map((t) => serversAt([cls("a", 0, 60)], t.getTime(), 60)), [10, 0]);
    assert.strictEqual(serversAt([cls("a", 0, 60)], at(61).getTime() - 1, 60), 10);
    assert.strictEqual(serversAt([cls("a", 0, 60)], at(0).getTime() - 1, 60), 0);
  });

  it("the calendar's placeholders at a moment: from its from, until its to excluded", () => {
    const w = { class: "a", from: "2027-01-04T08:51:00.000Z", to: "2027-01-04T09:15:00.000Z", replicas: 7 };
    const ms = (iso: string) => new Date(iso).getTime();
    assert.deepStrictEqual(
      [ms(w.from) - 1, ms(w.from), ms(w.to) - 1, ms(w.to)].map((t) => placeholdersAt([w, { ...w, replicas: 3 }], t)),
      [0, 10, 10, 0],
    );
  });
});

describe("user node-hours, minute by minute", () => {
  const start = new Date("2027-01-04T09:00:00Z");
  const minutes = (n: number) => new Date(start.getTime() + n * 60_000);
  const classes = [{ name: "a", start, users: 10, arrivalMinutes: 10, durationMinutes: 60 }];
  const span = { classes, tailSeconds: 0, usersPerNode: 5, poolMinNodes: 0, poolMaxNodes: 10, from: start, to: minutes(120) };

  it("holds each minute's nodes, and keeps them the autoscaler's 10 unneeded minutes after", () => {
    // 10 users on 5-user nodes: 2 nodes for minutes 0-59, kept through minute 69: 140 node-minutes.
    assert.strictEqual(userNodeHours({ ...span, calendar: [] }), 140 / 60);
  });

  it("counts the warm room, from a window that opens before the span", () => {
    // 5 placeholders from -10 to 15: 1 node for minutes -10..-1, 3 for 0..14 (kept to 24), 2 to 59 (kept to 69):
    // 10 + 25·3 + 45·2 = 175 node-minutes.
    const calendar = [{ class: "a", from: minutes(-10).toISOString(), to: minutes(15).toISOString(), replicas: 5 }];
    assert.strictEqual(userNodeHours({ ...span, calendar }), 175 / 60);
  });

  it("within the pool's minimum and maximum", () => {
    assert.strictEqual(userNodeHours({ ...span, calendar: [], poolMinNodes: 3 }), 360 / 60);
    assert.strictEqual(userNodeHours({ ...span, calendar: [], poolMaxNodes: 1 }), 70 / 60);
  });
});

describe("the warm room search over draws", () => {
  // The image on the node at boot: without warm room a user waits 30 + 120 + 20 = 170 s; with a slot, 20 s.
  const draw = (users: number, overrides: Partial<RushSimInput> = {}) => input({ arrivals: new Array(users).fill(0), imagePullSeconds: 0, ...overrides });

  it("raises the room to what the most demanding draw needs, and reports that draw", () => {
    const found = searchWarmRoom([draw(1), draw(2)], 5, 60);
    // Both draws wait 20 s at that room: of equals, the first is kept.
    assert.deepStrictEqual([found.placeholders, found.reached, found.result.p95, found.result.users, found.first.p95, found.first.users], [2, true, 20, 1, 20, 1]);
  });

  it("needs no room when every draw meets the target; reports the slowest draw and the stack's own", () => {
    const found = searchWarmRoom([draw(1), draw(1, { podStartSeconds: 30 }), draw(1, { podStartSeconds: 25 })], 5, 200);
    assert.deepStrictEqual([found.placeholders, found.reached, found.result.p95, found.first.p95], [0, true, 180, 170]);
  });

  it("when a draw misses even with room for every user: that room, not reached, although other draws meet it", () => {
    const found = searchWarmRoom([draw(1), draw(1, { podStartSeconds: 30 })], 4, 25);
    assert.deepStrictEqual([found.placeholders, found.reached, found.result.p95, found.first.p95], [4, false, 30, 20]);
    // Of two draws with an endless p95 (one node at most: the users beyond the first fail), the one with more failures.
    const failing = (users: number) => draw(users, { poolMaxNodes: 1, startTimeoutSeconds: 170 });
    const tied = tryWarmRoom([failing(2), failing(3), failing(2)], 0, 60);
    assert.deepStrictEqual([tied.result.users, tied.result.failed, tied.reached], [3, 2, false]);
  });

  it("a p95 exactly at the target meets it", () => {
    // One warm slot: the user waits only the server's 20 s start.
    assert.deepStrictEqual([tryWarmRoom([draw(1)], 1, 20).reached, tryWarmRoom([draw(1)], 1, 19).reached], [true, false]);
  });

  it("bisects to the smallest room a draw needs, and goes back to the draws tried with less", () => {
    // The first draw needs 1; the second 3 (bisected in (1, 5]: 3 meets, 2 misses); the third, tried at 3,
    // meets; the first is run again at 3.
    const found = searchWarmRoom([draw(1), draw(3), draw(2)], 5, 60);
    assert.deepStrictEqual([found.placeholders, found.reached, found.result.p95, found.result.users, found.first.users], [3, true, 20, 1, 1]);
  });

  // 20 users at once on one node of 19 (the pool's maximum), the hub taking them all at 0: with 19
  // placeholders, 19 users run 20 s after arriving and the 20th fails at the 600 s timeout. The p95 is
  // rank ceil(0.95 × 20) = 19, a 20 s wait: within the target, and still a failed spawn.
  const oneFails = () => draw(20, { usersPerNode: 19, poolMaxNodes: 1, hubLoginsPerSecond: 20 });

  it("a draw with a failed spawn misses the target even when its p95 is within it", () => {
    const tried = tryWarmRoom([oneFails()], 19, 60);
    assert.deepStrictEqual([tried.result.p95, tried.result.failed, tried.reached], [20, 1, false]);
    const found = searchWarmRoom([oneFails()], 19, 60);
    assert.deepStrictEqual([found.placeholders, found.reached], [19, false]);
  });

  it("reports the draw with the longest p95, a failed p95 counting as endless, ahead of more failures", () => {
    // A draw that meets the target (20 s), then one whose only user fails (no node at all).
    const endless = tryWarmRoom([draw(1), draw(1, { poolMaxNodes: 0 })], 1, 60);
    assert.deepStrictEqual([endless.result.p95, endless.result.failed, endless.first.p95], [null, 1, 20]);
    // A 30 s p95 without failures is reported ahead of a 20 s p95 with one.
    const longer = tryWarmRoom([draw(1, { podStartSeconds: 30 }), oneFails()], 19, 60);
    assert.deepStrictEqual([longer.result.p95, longer.result.failed, longer.reached], [30, 0, false]);
  });

  it("when room for every user misses, reports that room without looking lower, though less might meet", () => {
    // Two-user nodes with an image pull, users at 0 and 200 s (test/plan/rush.test.ts, zero-to-jupyterhub-k8s
    // #3010): with 2 placeholders the second lands on the node an evicted placeholder brought up and waits
    // for its pull (270 s); with 1 both wait 20 s. The search tries every user's room first and stops there.
    const pulling = input({ arrivals: [0, 200], usersPerNode: 2 });
    const found = searchWarmRoom([pulling], 2, 60);
    assert.deepStrictEqual([found.placeholders, found.reached, found.result.waits], [2, false, [20, 270]]);
  });
});

describe("what binds a class that misses its target even with warm room for every user", () => {
  const cls = { name: "c", start: new Date(0), users: 300, arrivalMinutes: 5, durationMinutes: 60 };
  const base = input({ concurrentSpawnLimit: 50, poolMaxNodes: 12 });
  const result = (overrides: Partial<RushSimResult>): RushSimResult => ({
    users: 300, waits: [], failed: 0, p50: 90, p95: 90, worst: 90, throttled: 0, placedAtOnce: 0, loginWaitP95: 0,
    peakNodes: 1, peakInFlight: 1, poolMaxBlockedUsers: false, series: [], ...overrides,
  });

  it("the hub's logins, when the p95 login wait and a server's start exceed the target", () => {
    // 41 + 20 > 60.
    assert.deepStrictEqual(bindingLimit(cls, { ...base, hubLoginsPerSecond: 0.5 }, result({ loginWaitP95: 41 }), 60), {
      limit: "hub login throughput",
      detail: "300 users over 5 min is 1.00 logins/s; one hub serves 0.5/s (hubLoginsPerSecond), so the p95 user queues 41 s at the hub alone",
      // 300 users at 0.5 a second: 600 s, 10 minutes.
      lift: "spread the arrival over at least 10 minutes (arrivalMinutes), measure a faster hub in a rehearsal (hubLoginsPerSecond), or split the users over more than one hub",
    });
    // 40 + 20 = 60 is within it: the next limit, here none but node start-up.
    assert.strictEqual(bindingLimit(cls, base, result({ loginWaitP95: 40 }), 60).limit, "node start-up");
  });

  it("the spawn limit, the pool maximum, the server's start, the start timeout, node start-up: whole messages", () => {
    assert.deepStrictEqual(bindingLimit(cls, base, result({ throttled: 7 }), 60), {
      limit: "concurrentSpawnLimit",
      detail: "7 spawn requests were answered 429 at 50 spawns in flight; each waits 30–60 s to retry",
      lift: "raise concurrentSpawnLimit (at most 200 is advised for one hub and its API server)",
    });
    assert.deepStrictEqual(bindingLimit(cls, base, result({ poolMaxBlockedUsers: true }), 60), {
      limit: "user pool maximum",
      detail: "users waited while the pool was at its maximum of 12 nodes",
      lift: "raise peakUsers (the pool maximum follows it) or move the class away from the servers still up from the one before",
    });
    // A server slower than the target: named even with no login wait (it was named "hub login throughput",
    // the hub's check adding the start to a zero wait) and ahead of a login wait that also binds.
    for (const loginWaitP95 of [0, 41]) {
      assert.deepStrictEqual(bindingLimit(cls, { ...base, podStartSeconds: 61 }, result({ loginWaitP95 }), 60), {
        limit: "server start",
        detail: "a server takes 61 s to start on a node that has the image (podStartSeconds)",
        lift: "a smaller image or home disk set-up, or a target above the server's own start",
      });
    }
    // A server start of 60 s leaves no room for a login wait: the hub binds first.
    assert.strictEqual(bindingLimit(cls, { ...base, podStartSeconds: 60 }, result({ loginWaitP95: 1 }), 60).limit, "hub login throughput");
    assert.strictEqual(bindingLimit(cls, { ...base, podStartSeconds: 60 }, result({}), 60).limit, "node start-up");
    assert.deepStrictEqual(bindingLimit(cls, base, result({ failed: 3 }), 60), {
      limit: "start timeout",
      detail: "3 spawns were not running 600 s after they began",
      lift: "shorter node start-up (imagePullSeconds: a smaller image, or image streaming from Artifact Registry)",
    });
    assert.deepStrictEqual(bindingLimit(cls, base, result({}), 60), {
      limit: "node start-up",
      detail: "reaction 30 s + boot 120 s + image pull 300 s",
      lift: "a smaller image, or image streaming from Artifact Registry (GKE image streaming)",
    });
  });
});

describe("the rush chart's Vega-Lite spec", () => {
  it("one panel per class, titled with its warm room and p95, in timetable order; users left, nodes stepped right", () => {
    const sample = { t: -90, arrived: 1, running: 2, waiting: 3, failed: 0, nodes: 4, placeholdersRunning: 5 };
    const classes = [
      { name: "Mon", p95Seconds: 42, placeholders: 7, series: [sample] },
      { name: "Tue", p95Seconds: null, placeholders: 0, series: [] },
    ];
    const x = { field: "minute", type: "quantitative", title: "minutes from the class's start" };
    const panel = "Mon: warm room 7, p95 42 s";
    assert.deepStrictEqual(rushChartSpec("The rush", classes), {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: {
        text: "The rush",
        subtitle: "users who arrived, have a running server, are waiting; user nodes (dashed, booting ones included)",
        anchor: "start",
        fontSize: 15,
      },
      // -90 s is -1.5 minutes.
      data: {
        values: [
          { panel, minute: -1.5, what: "arrived", value: 1 },
          { panel, minute: -1.5, what: "running", value: 2 },
          { panel, minute: -1.5, what: "waiting", value: 3 },
          { panel, minute: -1.5, what: "nodes", value: 4 },
        ],
      },
      facet: { field: "panel", type: "nominal", title: null, sort: [panel, "Tue: warm room 0, p95 failed spawns"], header: { labelFontSize: 12, labelLimit: 420 } },
      columns: 2,
      spec: {
        width: 380,
        height: 200,
        layer: [
          {
            transform: [{ filter: { field: "what", oneOf: ["arrived", "running", "waiting"] } }],
            mark: { type: "line", strokeWidth: 2 },
            encoding: {
              x,
              y: { field: "value", type: "quantitative", title: "users" },
              color: {
                field: "what",
                type: "nominal",
                title: null,
                scale: { domain: ["arrived", "running", "waiting", "nodes"], range: ["#4c78a8", "#54a24b", "#e45756", "#7f7f7f"] },
                legend: { orient: "top" },
              },
            },
          },
          {
            transform: [{ filter: { field: "what", equal: "nodes" } }],
            mark: { type: "line", interpolate: "step-after", strokeDash: [4, 3], strokeWidth: 1.5 },
            encoding: {
              x,
              y: { field: "value", type: "quantitative", title: "user nodes", axis: { orient: "right" } },
              color: { field: "what", type: "nominal", title: null },
            },
          },
        ],
        resolve: { scale: { y: "independent" } },
      },
      resolve: { scale: { x: "independent", y: "independent" } },
      config: { font: "sans-serif", view: { stroke: "#ddd" } },
    });
    // Minutes to two decimals: 100 s is 1.67.
    assert.strictEqual(chartRows([{ ...classes[0], series: [{ ...sample, t: 100 }] }])[0].minute, 1.67);
    assert.strictEqual((rushChartSpec("t", classes, 3) as { columns: number }).columns, 3);
  });
});

import type { ClassSpec, StackConfig } from "../../config/types";
import type { UserPoolPlan } from "../capacity";
import { concurrentSpawnLimit, maxConcurrentSpawns, peakArrivalPerSecond, startTimeoutSeconds } from "./hub";
import { userNodeHours } from "./nodeHours";
import { RushSample, RushSimInput, RushSimResult, simulateRush } from "./simulate";
import {
  arrivalTimes,
  CalendarWindow,
  cullTailSeconds,
  othersRunningAt,
  placeholderCalendar,
  placeholdersAt,
  warmLeadSeconds,
  warmTailSeconds,
} from "./timetable";
import { subSeed } from "./random";

// The rush plan: each class of the timetable simulated with the smallest warm room that keeps its p95
// wait within the target and fails no spawn, the calendar that raises that warm room before each class,
// and the hub settings the simulation was run with. Pure.

/** What keeps a class from its target when even warm room for every user does not, and what would lift it. */
export interface BindingLimit {
  readonly limit: "hub login throughput" | "concurrentSpawnLimit" | "user pool maximum" | "server start" | "start timeout" | "node start-up";
  readonly detail: string;
  readonly lift: string;
}

export interface ClassRush {
  readonly name: string;
  readonly start: string;
  readonly users: number;
  readonly arrivalMinutes: number;
  readonly durationMinutes: number;
  /** Servers of earlier classes still up when this class's warm room is raised. */
  readonly othersRunning: number;
  /** User-sized placeholders the calendar holds for this class: the smallest count that meets the target. */
  readonly placeholders: number;
  readonly meetsTarget: boolean;
  /** The waits of the draw with the worst p95 (of `RushPlan.draws`): p50 and worst are that draw's too. */
  readonly p50Seconds: number | null;
  readonly p95Seconds: number | null;
  readonly worstSeconds: number | null;
  readonly failedSpawns: number;
  /** 429 answers (the spawn limit) during the class's rush. */
  readonly throttled: number;
  readonly peakNodes: number;
  readonly peakSpawnsInFlight: number;
  /** Set when the target is out of reach at any warm room. */
  readonly binding?: BindingLimit;
  /** User node-hours the class's warm room adds to the event. */
  readonly warmNodeHours: number;
}

export interface RushPlan {
  readonly targetSeconds: number;
  readonly seed: number;
  /** Arrival draws each class's warm room was tried in (`rushDraws`); a class's figures are its worst draw's. */
  readonly draws: number;
  /** How long before a class the calendar raises its warm room. */
  readonly leadSeconds: number;
  readonly tailSeconds: number;
  readonly startTimeoutSeconds: number;
  readonly concurrentSpawnLimit: number;
  readonly peakArrivalPerSecond: number;
  readonly classes: readonly ClassRush[];
  /** Rush samples per class, for the chart (not a stack output: too long). */
  readonly series: Readonly<Record<string, readonly RushSample[]>>;
  readonly calendar: readonly CalendarWindow[];
  /** The most placeholders the calendar holds at once. */
  readonly maxPlaceholders: number;
  readonly peakNodes: number;
  /** User node-hours over the event window, with and without the warm room. */
  readonly userNodeHours: number;
  readonly warmNodeHours: number;
  /** Plain sentences for the plan's warnings. */
  readonly warnings: readonly string[];
}

type ClassInput = Omit<RushSimInput, "placeholders">;

const meets = (r: RushSimResult, target: number) => r.failed === 0 && r.p95 !== null && r.p95 <= target;

export interface WarmSearch {
  readonly placeholders: number;
  /** The draw with the longest p95 at that warm room (a failed spawn counting as endless). */
  readonly result: RushSimResult;
  /** The stack's own draw (its seed), for the chart. */
  readonly first: RushSimResult;
  readonly reached: boolean;
}

/**
 * Arrival draws each warm room must pass: the stack's seed (`rushSeed`) and `rushDraws - 1` more derived
 * from it. The statistic is the worst p95 over the draws, not the p95 of one: with one draw (or three) the
 * search puts the p95 right at the target for those arrivals, and other arrivals of the same class missed
 * it (62-67 s for the event stack's afternoons with seeds 2-4). The warm room a class needs varies from
 * draw to draw (the event stack's afternoons: 260-300 placeholders over 60 seeds); a room that meets the
 * target in the worst of N independent draws meets it in a fresh draw with probability N/(N+1) (the fresh
 * draw is as likely as any of the N+1 to need the most room), so 100 draws leave about a 1% chance per class
 * that an organiser's real crowd, if it arrives as uniformly as the timetable says, needs more. A percentile
 * across draws would need more draws still to be estimated as well. The search below tries most draws once
 * or twice (1,175 simulations for the event stack's six classes, about 4 s on a busy 2-core machine,
 * against 225 and 1.5 s with three draws).
 * test/plan/rush.test.ts checks the chosen room against seeds the search never saw.
 */
export const rushDraws = 100;

const p95Of = (r: RushSimResult) => (r.p95 === null ? Infinity : r.p95);

/** The smallest count in (lo, hi] at which one draw meets the target, by bisection, with its result; undefined when not even hi does. */
function smallestFor(draw: ClassInput, lo: number, hi: number, targetSeconds: number): { count: number; result: RushSimResult } | undefined {
  let best = simulateRush({ ...draw, placeholders: hi });
  if (!meets(best, targetSeconds)) return undefined;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const r = simulateRush({ ...draw, placeholders: mid });
    if (meets(r, targetSeconds)) [hi, best] = [mid, r];
    else lo = mid;
  }
  return { count: hi, result: best };
}

/**
 * The smallest placeholder count, from none to one per user, whose simulated rush meets the target in
 * every draw. Draw by draw, the count is raised (by bisection) only when a draw misses at the count so far,
 * and the draws run at a smaller count are run again, until every draw meets one count: most draws cost
 * one simulation or two. Exactly the
 * smallest when more warm room never raises the p95, which holds when new nodes start servers as fast as
 * warm ones (test/plan/rush.test.ts checks it as a property). With an image pull on new nodes a user can
 * land on a node the warm room's own evicted placeholders brought up, while it pulls (the scheduler places a
 * pod where it fits before it preempts; zero-to-jupyterhub-k8s#3010), so a sparse class may also meet the
 * target at some smaller count. The count returned always met it, in every draw.
 */
export function searchWarmRoom(draws: readonly ClassInput[], maxPlaceholders: number, targetSeconds: number): WarmSearch {
  let placeholders = 0;
  // Each draw's result, and the count it was run with.
  const results: RushSimResult[] = [];
  const triedAt = draws.map(() => -1);
  // On through the draws, then around again to those run at a smaller count.
  const next = (from: number) => [...triedAt.keys()].map((k) => (from + k) % draws.length).find((k) => triedAt[k] !== placeholders);
  for (let d = next(0); d !== undefined; d = next(d + 1)) {
    results[d] = simulateRush({ ...draws[d], placeholders });
    triedAt[d] = placeholders;
    if (meets(results[d], targetSeconds)) continue;
    const need = smallestFor(draws[d], placeholders, maxPlaceholders, targetSeconds);
    // Not even warm room for every user meets this draw: report the draws at that room.
    if (!need) return tryWarmRoom(draws, maxPlaceholders, targetSeconds);
    // The draws run at the smaller count are run again at this one.
    placeholders = need.count;
    results[d] = need.result;
    triedAt[d] = placeholders;
  }
  return summarise(results, placeholders, targetSeconds);
}

function summarise(results: readonly RushSimResult[], placeholders: number, targetSeconds: number): WarmSearch {
  const result = results.reduce((a, b) => (p95Of(b) > p95Of(a) || (p95Of(b) === p95Of(a) && b.failed > a.failed) ? b : a));
  return { placeholders, result, first: results[0], reached: results.every((r) => meets(r, targetSeconds)) };
}

/** One warm room tried in every draw: reached when each draw meets the target. */
export function tryWarmRoom(draws: readonly ClassInput[], placeholders: number, targetSeconds: number): WarmSearch {
  return summarise(draws.map((input) => simulateRush({ ...input, placeholders })), placeholders, targetSeconds);
}

/** Which limit keeps a class from its target with warm room for every user. */
export function bindingLimit(c: ClassSpec, input: ClassInput, r: RushSimResult, targetSeconds: number): BindingLimit {
  const rate = c.users / (c.arrivalMinutes * 60);
  const loginRate = input.hubLoginsPerSecond;
  // First: a server slower than the target misses it whatever else is done, and the hub's check below
  // (login wait + start) would otherwise claim it.
  if (input.podStartSeconds > targetSeconds) {
    return {
      limit: "server start",
      detail: `a server takes ${input.podStartSeconds} s to start on a node that has the image (podStartSeconds)`,
      lift: "a smaller image or home disk set-up, or a target above the server's own start",
    };
  }
  if (r.loginWaitP95 + input.podStartSeconds > targetSeconds) {
    const minutes = Math.ceil(c.users / (loginRate * 60));
    return {
      limit: "hub login throughput",
      detail: `${c.users} users over ${c.arrivalMinutes} min is ${rate.toFixed(2)} logins/s; one hub serves ${loginRate}/s (hubLoginsPerSecond), so the p95 user queues ${Math.round(r.loginWaitP95)} s at the hub alone`,
      lift: `spread the arrival over at least ${minutes} minutes (arrivalMinutes), measure a faster hub in a rehearsal (hubLoginsPerSecond), or split the users over more than one hub`,
    };
  }
  if (r.throttled > 0) {
    return {
      limit: "concurrentSpawnLimit",
      detail: `${r.throttled} spawn requests were answered 429 at ${input.concurrentSpawnLimit} spawns in flight; each waits 30–60 s to retry`,
      lift: `raise concurrentSpawnLimit (at most ${maxConcurrentSpawns} is advised for one hub and its API server)`,
    };
  }
  if (r.poolMaxBlockedUsers) {
    return {
      limit: "user pool maximum",
      detail: `users waited while the pool was at its maximum of ${input.poolMaxNodes} nodes`,
      lift: "raise peakUsers (the pool maximum follows it) or move the class away from the servers still up from the one before",
    };
  }
  if (r.failed > 0) {
    return {
      limit: "start timeout",
      detail: `${r.failed} spawns were not running ${input.startTimeoutSeconds} s after they began`,
      lift: "shorter node start-up (imagePullSeconds: a smaller image, or image streaming from Artifact Registry)",
    };
  }
  return {
    limit: "node start-up",
    detail: `reaction ${input.autoscalerReactionSeconds} s + boot ${input.nodeBootSeconds} s + image pull ${input.imagePullSeconds} s`,
    lift: "a smaller image, or image streaming from Artifact Registry (GKE image streaming)",
  };
}

type PoolSize = Pick<UserPoolPlan, "usersPerNode" | "userPoolMinNodes" | "userPoolMaxNodes">;

/** A function's remembered answers, and a way to forget them all. */
export interface Remembered<T> {
  (key: string, compute: () => T): T;
  forget(): void;
}

/**
 * A function's last `size` answers, by key, the oldest forgotten first. Its own function, so a test can
 * check the forgetting on a fresh one rather than on the plans other tests left behind.
 */
export function lastAnswers<T>(size: number): Remembered<T> {
  const answers = new Map<string, T>();
  const remember = (key: string, compute: () => T): T => {
    const known = answers.get(key);
    if (known !== undefined) return known;
    const answer = compute();
    if (answers.size >= size) answers.delete(answers.keys().next().value as string);
    answers.set(key, answer);
    return answer;
  };
  return Object.assign(remember, { forget: () => answers.clear() });
}

// planRush is pure and takes a second or two for a multi-day timetable; the program, the offline plan and
// the tests ask for the same stack's plan many times, so the last few answers are kept.
const remembered = lastAnswers<RushPlan>(16);

/**
 * Forgets every remembered rush plan. The mutation run calls it before a test in another scope
 * (stryker/mocha-fresh-rush-plans.cjs): a Stryker worker keeps its modules from one mutant to the next, so
 * a remembered plan may have been worked out under another mutant.
 */
export function forgetRushPlans(): void {
  remembered.forget();
}

/** The rush plan for a stack, once its user pool is sized. */
export function planRush(config: StackConfig, pool: PoolSize): RushPlan {
  const { rush, hub, event } = config;
  const key = JSON.stringify({
    rush,
    event,
    cull: [hub.cullTimeoutSeconds, hub.cullEverySeconds],
    limit: hub.concurrentSpawnLimit ?? null,
    pool: [pool.usersPerNode, pool.userPoolMinNodes, pool.userPoolMaxNodes],
  });
  return remembered(key, () => computeRushPlan(config, pool));
}

/** Each class's simulation input (warm room aside), with the stack's hub limit or the advised ceiling. */
export function classInputs(config: StackConfig, pool: PoolSize, seed: number): ClassInput[] {
  const { rush, hub } = config;
  const { timings, classes } = rush;
  const leadSeconds = warmLeadSeconds(timings);
  const tailSeconds = cullTailSeconds(hub);
  return classes.map((c, i) => ({
    arrivals: arrivalTimes(c, seed),
    leadSeconds,
    warmUntilSeconds: c.arrivalMinutes * 60 + warmTailSeconds,
    usersPerNode: pool.usersPerNode,
    othersRunning: othersRunningAt(classes, i, tailSeconds),
    poolMinNodes: pool.userPoolMinNodes,
    poolMaxNodes: pool.userPoolMaxNodes,
    hubLoginsPerSecond: timings.hubLoginsPerSecond,
    concurrentSpawnLimit: hub.concurrentSpawnLimit ?? maxConcurrentSpawns,
    startTimeoutSeconds: startTimeoutSeconds(timings),
    autoscalerReactionSeconds: timings.autoscalerReactionSeconds,
    nodeBootSeconds: timings.nodeBootSeconds,
    imagePullSeconds: timings.imagePullSeconds,
    podStartSeconds: timings.podStartSeconds,
    seed: subSeed(seed, `retries:${c.name}`),
  }));
}

/**
 * A class of a plan's stack run again under another seed (other arrival times and retry delays), with
 * the warm room and spawn limit the plan chose: how much its figures rest on one draw.
 */
export function resimulateClass(config: StackConfig, pool: PoolSize, plan: RushPlan, className: string, seed: number): RushSimResult {
  const index = config.rush.classes.findIndex((c) => c.name === className);
  const chosen = plan.classes[index];
  if (index < 0 || !chosen) throw new RangeError(`no class ${className}`);
  return simulateRush({ ...classInputs(config, pool, seed)[index], concurrentSpawnLimit: plan.concurrentSpawnLimit, placeholders: chosen.placeholders });
}

/**
 * The rush plan worked out afresh, without `planRush`'s memory: a test that runs it under changed code must
 * not be handed a plan remembered from before the change.
 */
export function computeRushPlan(config: StackConfig, pool: PoolSize): RushPlan {
  const { rush, hub } = config;
  const { timings } = rush;
  const classes = rush.classes;
  const leadSeconds = warmLeadSeconds(timings);
  const tailSeconds = cullTailSeconds(hub);
  const startTimeout = startTimeoutSeconds(timings);
  const inputs = classInputs(config, pool, rush.seed);
  const draws = Array.from({ length: rushDraws }, (_, d) => (d === 0 ? inputs : classInputs(config, pool, subSeed(rush.seed, `draw:${d}`))));
  const room = (i: number) => Math.max(0, Math.min(classes[i].users, pool.userPoolMaxNodes * pool.usersPerNode - inputs[i].othersRunning));
  const drawsOf = (i: number, limit: number) => draws.map((d) => ({ ...d[i], concurrentSpawnLimit: limit }));
  const searchAll = (limit: number) => inputs.map((_, i) => searchWarmRoom(drawsOf(i, limit), room(i), rush.waitTargetSeconds));
  // First with the most spawns in flight one hub is advised to take; then with the limit that the busiest
  // class needed (doubled), which the chart will carry.
  let limit = hub.concurrentSpawnLimit ?? maxConcurrentSpawns;
  let found = searchAll(limit);
  if (hub.concurrentSpawnLimit === undefined) {
    const first = limit;
    limit = concurrentSpawnLimit(Math.max(0, ...found.flatMap((f) => [f.result.peakInFlight, f.first.peakInFlight])), undefined);
    if (limit === first) {
      // The busiest class needs the ceiling: the search already ran with it.
    } else if (found.every((f) => f.result.peakInFlight <= limit && f.first.peakInFlight <= limit)) {
      // No class reaches the lower limit with its warm room, so its rush is unchanged; with less room a
      // lower limit only adds 429s, so less room still misses. Re-run each class once to carry the limit.
      found = found.map((f, i) => tryWarmRoom(drawsOf(i, limit), f.placeholders, rush.waitTargetSeconds));
    } else {
      found = searchAll(limit);
    }
  }

  const placeholders = found.map((f) => f.placeholders);
  const calendar = placeholderCalendar(classes, placeholders, leadSeconds);
  const span = {
    classes,
    tailSeconds,
    usersPerNode: pool.usersPerNode,
    poolMinNodes: pool.userPoolMinNodes,
    poolMaxNodes: pool.userPoolMaxNodes,
    from: config.event.start,
    to: config.event.end,
  };
  const withoutWarm = userNodeHours({ ...span, calendar: [] });
  const withWarm = userNodeHours({ ...span, calendar });
  const classRush: ClassRush[] = classes.map((c, i) => {
    const { result: r, reached } = found[i];
    const own = calendar.filter((w) => w.class === c.name);
    return {
      name: c.name,
      start: c.start.toISOString(),
      users: c.users,
      arrivalMinutes: c.arrivalMinutes,
      durationMinutes: c.durationMinutes,
      othersRunning: inputs[i].othersRunning,
      placeholders: placeholders[i],
      meetsTarget: reached,
      p50Seconds: r.p50,
      p95Seconds: r.p95,
      worstSeconds: r.worst,
      failedSpawns: r.failed,
      throttled: r.throttled,
      peakNodes: r.peakNodes,
      peakSpawnsInFlight: r.peakInFlight,
      ...(reached ? {} : { binding: bindingLimit(c, { ...inputs[i], concurrentSpawnLimit: limit }, r, rush.waitTargetSeconds) }),
      warmNodeHours: own.length === 0 ? 0 : userNodeHours({ ...span, calendar: own }) - withoutWarm,
    };
  });

  const warnings: string[] = [];
  for (const c of classRush.filter((x) => x.binding)) {
    warnings.push(
      `class "${c.name}" misses the ${rush.waitTargetSeconds} s p95 target even with warm room for every user: ${c.binding?.limit} binds (${c.binding?.detail}); to lift it: ${c.binding?.lift}`,
    );
  }
  classes.forEach((c, i) =>
    classes.slice(i + 1).forEach((o) => {
      if (o.start.getTime() < c.start.getTime() + c.arrivalMinutes * 60_000) {
        warnings.push(`classes "${c.name}" and "${o.name}" arrive at once; each is simulated as if it were the only one arriving, which understates both rushes: merge them into one class`);
      }
    }),
  );

  const series = Object.fromEntries(classes.map((c, i) => [c.name, found[i].first.series]));
  return {
    targetSeconds: rush.waitTargetSeconds,
    seed: rush.seed,
    draws: rushDraws,
    leadSeconds,
    tailSeconds,
    startTimeoutSeconds: startTimeout,
    concurrentSpawnLimit: limit,
    peakArrivalPerSecond: peakArrivalPerSecond(classes),
    classes: classRush,
    series,
    calendar,
    maxPlaceholders: Math.max(0, ...calendar.map((w) => placeholdersAt(calendar, new Date(w.from).getTime()))),
    peakNodes: Math.max(0, ...classRush.map((c) => c.peakNodes)),
    userNodeHours: withWarm,
    warmNodeHours: withWarm - withoutWarm,
    warnings,
  };
}

import { uniformStream } from "./random";

// The rush, second by second: every user of one class from arriving at the login page to a running
// server (or a failed spawn), through the hub, the scheduler, the cluster autoscaler and new nodes. Pure
// and deterministic: the same input gives the same result. Each step and its source:
//
// - Login. One hub process serves `hubLoginsPerSecond` requests a second, first come first served (one
//   Python process pinned at a CPU near 2 logins/s: neurohackademy/nh2020-jupyterhub#44).
// - Spawn limit. With `concurrentSpawnLimit` spawns pending, JupyterHub answers 429 "Too many users trying
//   to log in right now" with a retry time drawn from `spawn_throttle_retry_range`, 30–60 s (jupyterhub
//   5.5.0 handlers/base.py `spawn_single_user`, app.py); the user retries then, through the hub again.
// - Placement. The scheduler binds a user pod to a node with a free user-sized slot; among those it
//   prefers one that already has the image (kube-scheduler's ImageLocality score). Only when no node
//   has room does it preempt: user-placeholder pods have priority -10 below users' 0 (Z2JH 4.4.0
//   values.yaml scheduling.podPriority) and a grace period of 0, so the user takes the slot at once and
//   the evicted placeholder pends again.
// - Autoscaler. A pod pending for `autoscalerReactionSeconds` makes the cluster autoscaler ask for as many
//   nodes as the pending pods need beyond the slots of nodes already booting (its binpacking estimator
//   with upcoming nodes; cluster-autoscaler FAQ "How does scale-up work?"), never beyond the pool maximum.
//   Placeholders at priority -10 are not below the default cutoff (-10, `expendable-pods-priority-cutoff`),
//   so they too trigger scale-up: that is what keeps warm room ahead of the users.
// - New nodes. Ready `nodeBootSeconds` after the request; a user's server starts only once the image is
//   on the node, `imagePullSeconds` after that (the continuous pre-puller starts the pull as the node
//   joins; a user pod bound earlier waits for the same pull: zero-to-jupyterhub-k8s#3010).
// - Start. A bound pod with the image runs its server `podStartSeconds` later (home disk included).
// - Timeout. A spawn not running `startTimeoutSeconds` after it began fails (JupyterHub's
//   Spawner.start_timeout, the chart's singleuser.startTimeout); the pod is deleted and its slot freed.
// Not modelled: scale-down during the rush (the autoscaler waits 10 minutes after a scale-up,
// `scale-down-delay-after-add`), node failures, zone stockouts and quotas, the Kubernetes API's own limits.

export interface RushSimInput {
  /** Arrival of each user at the login page, whole seconds from the class's start, ascending. */
  readonly arrivals: readonly number[];
  /** User-sized placeholder pods the calendar asks for from `-leadSeconds` until `warmUntilSeconds`. */
  readonly placeholders: number;
  readonly leadSeconds: number;
  readonly warmUntilSeconds: number;
  readonly usersPerNode: number;
  /** Servers of earlier classes still running when the simulation starts; they keep their slots. */
  readonly othersRunning: number;
  readonly poolMinNodes: number;
  readonly poolMaxNodes: number;
  readonly hubLoginsPerSecond: number;
  readonly concurrentSpawnLimit: number;
  readonly startTimeoutSeconds: number;
  readonly autoscalerReactionSeconds: number;
  readonly nodeBootSeconds: number;
  readonly imagePullSeconds: number;
  readonly podStartSeconds: number;
  /** Seed of the retry delays after a 429. */
  readonly seed: number;
  /** Seconds between the samples of `series` (default 10). */
  readonly sampleEverySeconds?: number;
}

/** One moment of the rush, for the chart. */
export interface RushSample {
  /** Seconds from the class's start (negative while the warm room is being raised). */
  readonly t: number;
  readonly arrived: number;
  readonly running: number;
  /** Arrived, neither running nor failed. */
  readonly waiting: number;
  readonly failed: number;
  /** User nodes, booting ones included. */
  readonly nodes: number;
  readonly placeholdersRunning: number;
}

export interface RushSimResult {
  readonly users: number;
  /** Seconds from arrival to a running server, of every user who got one, ascending. */
  readonly waits: readonly number[];
  readonly failed: number;
  /** Nearest-rank percentiles over every user, a failed spawn counting as an endless wait: null when it lands on one. */
  readonly p50: number | null;
  readonly p95: number | null;
  /** The longest wait, null when any spawn failed. */
  readonly worst: number | null;
  /** 429 answers to spawn requests. */
  readonly throttled: number;
  /** Users placed at once, without waiting for a node. */
  readonly placedAtOnce: number;
  /** p95 of the wait for the hub to take a user's login (first attempt). */
  readonly loginWaitP95: number;
  readonly peakNodes: number;
  readonly peakInFlight: number;
  /** A user pod was pending while the autoscaler wanted more nodes than the pool maximum allows. */
  readonly poolMaxBlockedUsers: boolean;
  readonly series: readonly RushSample[];
}

const enum State {
  NotArrived,
  Login,
  Throttled,
  Pending,
  Bound,
  Running,
  Failed,
}

interface SimNode {
  readonly readyAt: number;
  readonly imageAt: number;
  users: number;
  placeholders: number;
}

/** How many items from `from` on pass the test, up to the first that does not. */
function countWhile<T>(items: readonly T[], from: number, test: (item: T) => boolean): number {
  let i = from;
  while (i < items.length && test(items[i])) i++;
  return i - from;
}

/** JupyterHub's `spawn_throttle_retry_range` (app.py, 5.5.0). */
export const throttleRetrySeconds = [30, 60] as const;

/** Nearest-rank percentile of ascending values with `endless` more values at +∞; null when it is one of those. */
export function percentile(ascending: readonly number[], endless: number, q: number): number | null {
  const n = ascending.length + endless;
  if (n === 0) return 0;
  const rank = Math.max(1, Math.ceil((q / 100) * n));
  return rank <= ascending.length ? ascending[rank - 1] : null;
}

export function simulateRush(input: RushSimInput): RushSimResult {
  const {
    arrivals, placeholders, leadSeconds, warmUntilSeconds, usersPerNode: upn, othersRunning,
    hubLoginsPerSecond: loginRate, concurrentSpawnLimit, startTimeoutSeconds, autoscalerReactionSeconds,
    nodeBootSeconds, imagePullSeconds, podStartSeconds,
  } = input;
  if (upn < 1) throw new RangeError("usersPerNode must be at least 1");
  const sampleEvery = input.sampleEverySeconds ?? 10;
  const n = arrivals.length;
  const random = uniformStream(input.seed);

  const nodes: SimNode[] = [];
  const initialNodes = Math.min(input.poolMaxNodes, Math.max(input.poolMinNodes, Math.ceil(othersRunning / upn)));
  let othersLeft = Math.min(othersRunning, initialNodes * upn);
  for (let i = 0; i < initialNodes; i++) {
    const users = Math.min(upn, othersLeft);
    othersLeft -= users;
    nodes.push({ readyAt: -Infinity, imageAt: -Infinity, users, placeholders: 0 });
  }

  const state = new Uint8Array(n);
  const spawnStart = new Float64Array(n);
  const runningAt = new Float64Array(n).fill(Infinity);
  const nodeOf = new Int32Array(n).fill(-1);
  const pendingSince = new Float64Array(n);
  const loginWait = new Float64Array(n).fill(-1);
  const loginQueue: number[] = [];
  let loginHead = 0;
  const retries = new Map<number, number[]>();
  // Queues in the order pods began to pend; placement is first come, first served, so it takes from the head.
  const pendingUsers: number[] = [];
  let userHead = 0;
  let pendingPlaceholders: number[] = [];
  let placeholderHead = 0;
  const inFlight: number[] = [];
  const waits: number[] = [];
  let failed = 0;
  let throttled = 0;
  let placedAtOnce = 0;
  let credit = 0;
  let peakNodes = nodes.length;
  let peakInFlight = 0;
  let poolMaxBlockedUsers = false;
  let arrivedCount = 0;
  let nextArrival = 0;
  const series: RushSample[] = [];

  const lastArrival = n > 0 ? arrivals[n - 1] : 0;
  const horizon = lastArrival + startTimeoutSeconds + throttleRetrySeconds[1] * Math.ceil(n / Math.max(1, concurrentSpawnLimit) + 1) + 3_600;

  const free = (node: SimNode) => upn - node.users - node.placeholders;

  /** The node a user pod goes to at time t, and whether a placeholder must give way. */
  function placeUser(t: number): { node: number; preempt: boolean } | undefined {
    let best = -1;
    let bestRank = 5;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (node.readyAt > t) continue;
      const withImage = node.imageAt <= t;
      const rank = free(node) > 0 ? (withImage ? 1 : 2) : node.placeholders > 0 ? (withImage ? 3 : 4) : 5;
      if (rank < bestRank) {
        best = i;
        bestRank = rank;
        if (rank === 1) break;
      }
    }
    return best < 0 || bestRank === 5 ? undefined : { node: best, preempt: bestRank >= 3 };
  }

  function requestSpawn(user: number, t: number): void {
    if (inFlight.length >= concurrentSpawnLimit) {
      throttled++;
      state[user] = State.Throttled;
      const [lo, hi] = throttleRetrySeconds;
      const at = t + lo + Math.floor(random() * (hi - lo + 1));
      const list = retries.get(at) ?? [];
      list.push(user);
      retries.set(at, list);
      return;
    }
    state[user] = State.Pending;
    spawnStart[user] = t;
    pendingSince[user] = t;
    pendingUsers.push(user);
    inFlight.push(user);
    peakInFlight = Math.max(peakInFlight, inFlight.length);
  }

  let t = -leadSeconds;
  if (placeholders > 0) pendingPlaceholders = new Array<number>(placeholders).fill(t);
  const pendingPlaceholderCount = () => pendingPlaceholders.length - placeholderHead;
  for (; t <= horizon; t++) {
    // The calendar takes the warm room away.
    if (t === warmUntilSeconds) {
      for (const node of nodes) node.placeholders = 0;
      pendingPlaceholders = [];
      placeholderHead = 0;
    }
    // Arrivals and retries reach the hub.
    while (nextArrival < n && arrivals[nextArrival] <= t) {
      state[nextArrival] = State.Login;
      loginQueue.push(nextArrival);
      nextArrival++;
      arrivedCount++;
    }
    for (const user of retries.get(t) ?? []) {
      state[user] = State.Login;
      loginQueue.push(user);
    }
    retries.delete(t);
    // The hub serves logins and spawn requests in order.
    credit = Math.min(credit + loginRate, Math.max(1, loginRate));
    while (credit >= 1 && loginHead < loginQueue.length) {
      const user = loginQueue[loginHead++];
      credit -= 1;
      if (loginWait[user] < 0) loginWait[user] = t - arrivals[user];
      requestSpawn(user, t);
    }
    // The scheduler: users first, in the order they asked.
    // Every pod asks for the same room: once the first in line finds none, none of the rest will.
    while (userHead < pendingUsers.length) {
      const user = pendingUsers[userHead];
      if (state[user] !== State.Pending) {
        userHead++;
        continue;
      }
      const place = placeUser(t);
      if (!place) break;
      userHead++;
      const node = nodes[place.node];
      if (place.preempt) {
        node.placeholders--;
        pendingPlaceholders.push(t);
      }
      node.users++;
      nodeOf[user] = place.node;
      state[user] = State.Bound;
      runningAt[user] = Math.max(t, node.imageAt) + podStartSeconds;
      if (t === spawnStart[user]) placedAtOnce++;
    }
    // Then placeholders, into whatever room is left.
    for (const node of nodes) {
      if (pendingPlaceholderCount() === 0) break;
      if (node.readyAt > t) continue;
      const take = Math.min(free(node), pendingPlaceholderCount());
      if (take <= 0) continue;
      node.placeholders += take;
      placeholderHead += take;
    }
    // The cluster autoscaler, for pods pending long enough, beyond the slots already booting.
    const due = t - autoscalerReactionSeconds;
    // Both queues are in the order pods began to pend.
    const dueUsers = countWhile(pendingUsers, userHead, (u) => pendingSince[u] <= due);
    const dueCount = dueUsers + countWhile(pendingPlaceholders, placeholderHead, (since) => since <= due);
    if (dueCount > 0) {
      const upcoming = nodes.filter((x) => x.readyAt > t).length * upn;
      const wanted = Math.ceil(Math.max(0, dueCount - upcoming) / upn);
      const allowed = Math.min(wanted, input.poolMaxNodes - nodes.length);
      if (wanted > allowed && dueUsers > upcoming) poolMaxBlockedUsers = true;
      for (let i = 0; i < allowed; i++) {
        nodes.push({ readyAt: t + nodeBootSeconds, imageAt: t + nodeBootSeconds + imagePullSeconds, users: 0, placeholders: 0 });
      }
      peakNodes = Math.max(peakNodes, nodes.length);
    }
    // Servers that start, and spawns that time out.
    let kept = 0;
    for (const user of inFlight) {
      const deadline = spawnStart[user] + startTimeoutSeconds;
      if (state[user] === State.Bound && runningAt[user] <= t && runningAt[user] <= deadline) {
        state[user] = State.Running;
        waits.push(runningAt[user] - arrivals[user]);
      } else if (t >= deadline) {
        if (state[user] === State.Bound) nodes[nodeOf[user]].users--;
        state[user] = State.Failed;
        failed++;
      } else inFlight[kept++] = user;
    }
    inFlight.length = kept;
    const settled = waits.length + failed;
    if ((t - -leadSeconds) % sampleEvery === 0 || (settled === n && t >= lastArrival)) {
      series.push({
        t,
        arrived: arrivedCount,
        running: waits.length,
        waiting: arrivedCount - waits.length - failed,
        failed,
        nodes: nodes.length,
        placeholdersRunning: nodes.reduce((s, x) => s + x.placeholders, 0),
      });
    }
    if (settled === n && t >= lastArrival && t >= 0) break;
  }
  if (waits.length + failed < n) {
    // Past the horizon: whoever is still waiting has failed.
    failed = n - waits.length;
  }
  waits.sort((a, b) => a - b);
  const firstLogins = Array.from(loginWait).filter((w) => w >= 0).sort((a, b) => a - b);
  return {
    users: n,
    waits,
    failed,
    p50: percentile(waits, failed, 50),
    p95: percentile(waits, failed, 95),
    worst: failed > 0 ? null : waits.length > 0 ? waits[waits.length - 1] : 0,
    throttled,
    placedAtOnce,
    loginWaitP95: percentile(firstLogins, 0, 95) ?? 0,
    peakNodes,
    peakInFlight,
    poolMaxBlockedUsers,
    series,
  };
}

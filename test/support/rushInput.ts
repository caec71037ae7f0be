import type { RushSimInput } from "../../infra/plan/rush/simulate";

/** The published defaults the schema carries: autoscaler reaction 30 s, node boot 120 s, image pull 300 s, server start 20 s. */
export const rushTimings = { autoscalerReactionSeconds: 30, nodeBootSeconds: 120, imagePullSeconds: 300, podStartSeconds: 20 };

/** One user at 0 on one-user nodes, warm room raised 9 minutes before and held 15 minutes, a hub that is no limit. */
export function baseRushInput(): Omit<RushSimInput, "placeholders"> {
  return {
    arrivals: [0],
    leadSeconds: 540,
    warmUntilSeconds: 900,
    usersPerNode: 1,
    othersRunning: 0,
    poolMinNodes: 0,
    poolMaxNodes: 10,
    hubLoginsPerSecond: 10,
    concurrentSpawnLimit: 100,
    startTimeoutSeconds: 600,
    ...rushTimings,
    seed: 1,
  };
}

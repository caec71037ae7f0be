import type { ClassSpec } from "../../config/types";
import { CalendarWindow, placeholdersAt, serversAt } from "./timetable";

// User node-hours over the whole event, minute by minute, from the timetable and the placeholder
// calendar: what the cost estimate counts instead of the pool at its maximum for every hour.

/**
 * The cluster autoscaler removes a node only once it has been unneeded for `scale-down-unneeded-time`,
 * 10 minutes by default (cluster-autoscaler FAQ, "What are the parameters to CA?"). The cluster runs GKE's
 * optimize-utilization profile (components/cluster.ts), which "will scale down the cluster more
 * aggressively: it can remove more nodes, and remove nodes faster" (GKE docs, "About cluster autoscaling",
 * cloud.google.com/kubernetes-engine/docs/concepts/cluster-autoscaler, "Autoscaling profiles") and gives
 * no figure for how much faster: 10 minutes errs on the costly side.
 */
const scaleDownUnneededSeconds = 600;

export interface NodeHoursInput {
  readonly classes: readonly ClassSpec[];
  readonly calendar: readonly CalendarWindow[];
  /** How long a class's servers outlive it (the culler's pass). */
  readonly tailSeconds: number;
  readonly usersPerNode: number;
  readonly poolMinNodes: number;
  readonly poolMaxNodes: number;
  /** The span to count, usually the event window (widened to cover a warm window that opens before it). */
  readonly from: Date;
  readonly to: Date;
}

const STEP = 60;

/**
 * Node-hours of the user pool: each minute the nodes that hold the servers and placeholders up then,
 * kept for `scaleDownUnneededSeconds` after they were last needed.
 */
export function userNodeHours(input: NodeHoursInput): number {
  const { classes, calendar, tailSeconds, usersPerNode: upn, poolMinNodes, poolMaxNodes } = input;
  const from = Math.min(input.from.getTime(), ...calendar.map((w) => new Date(w.from).getTime()));
  const to = input.to.getTime();
  const keep = scaleDownUnneededSeconds / STEP;
  const needed: number[] = [];
  for (let at = from; at < to; at += STEP * 1000) {
    const pods = serversAt(classes, at, tailSeconds) + placeholdersAt(calendar, at);
    needed.push(Math.min(poolMaxNodes, Math.max(poolMinNodes, Math.ceil(pods / upn))));
  }
  let minutes = 0;
  needed.forEach((_, i) => {
    minutes += Math.max(...needed.slice(Math.max(0, i - keep), i + 1));
  });
  return (minutes * STEP) / 3600;
}

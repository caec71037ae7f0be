import { LifecycleConfig, StackConfig } from "../config/types";
import { CostEstimate } from "./cost";
import { STANDBY_HOURS } from "./index";

// The event's life around the hub, as plain data: the budget, what the alerts watch and at which
// thresholds, the export bucket's rules and what `pulumi destroy` waits for. Components declare resources
// from this; the offline plan prints it; the ops commands (infra/tools/ops.ts) read the same names.

/** GCP label on everything this program labels, so the leftover check can find a stack's resources. */
export const stackLabelKey = "jupyterhub-gke-stack";

export function stackLabels(namePrefix: string): Readonly<Record<string, string>> {
  return { [stackLabelKey]: namePrefix, "managed-by": "pulumi" };
}

/** A calendar date as Cloud Billing takes it (billing/budget.d.ts, customPeriod). */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * Alert thresholds as fractions of the event's own cost estimate. The estimate is already an upper bound
 * (every pool at its maximum for the whole window, plan/cost.ts), so spend past 80% means the event runs
 * at or near its peak all the time, past 100% that something costs what the plan does not know about
 * (egress, a leftover, a price change), and 150% that it is running away.
 */
export const budgetThresholdFractions = [0.5, 0.8, 1.0, 1.5] as const;

export interface BudgetPlan {
  readonly billingAccount: string;
  /** Whole US dollars, the estimate rounded up. The billing account must be billed in USD. */
  readonly amountUnits: number;
  readonly currency: "USD";
  readonly thresholds: readonly number[];
  /**
   * Cloud Billing evaluates calendar times in US Pacific time (budget.d.ts, calendarPeriod), so the period
   * runs from the day before the stack stands up (the standby day before the event) to the day after it is
   * torn down, a margin of a day on each side for the time zone.
   */
  readonly start: CalendarDate;
  readonly end: CalendarDate;
}

export type BudgetDecision =
  | { readonly create: true; readonly budget: BudgetPlan }
  | { readonly create: false; readonly reason: string };

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function calendarDate(ms: number): CalendarDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The budget, or why there is none. */
export function planBudget(config: Pick<StackConfig, "event" | "lifecycle">, cost: CostEstimate): BudgetDecision {
  const { billingAccount } = config.lifecycle;
  if (!billingAccount) {
    return { create: false, reason: "no budget will be created: set billingAccount to alert on spend at fractions of the cost estimate" };
  }
  const standbyEachSide = (STANDBY_HOURS / 2) * HOUR_MS;
  return {
    create: true,
    budget: {
      billingAccount,
      amountUnits: Math.max(1, Math.ceil(cost.perEvent)),
      currency: cost.currency,
      thresholds: [...budgetThresholdFractions],
      start: calendarDate(config.event.start.getTime() - standbyEachSide - DAY_MS),
      end: calendarDate(config.event.end.getTime() + standbyEachSide + DAY_MS),
    },
  };
}

/** What the alert policies watch, with thresholds taken from the plan. */
export interface MonitoringPlan {
  /** The uptime check: https://<hubDomain>/hub/health, JupyterHub's unauthenticated health endpoint. */
  readonly uptime: { readonly host: string; readonly path: string; readonly periodSeconds: number; readonly timeoutSeconds: number };
  /** The hub counts as down after this many seconds of failed checks. */
  readonly hubDownSeconds: number;
  /** The hub's namespace, where the hub, proxy and user pods run. */
  readonly namespace: string;
  /** Alert when running user servers reach this many: a share of the active-server limit (the peak). */
  readonly runningServersAlert: number;
  readonly activeServerLimit: number;
  /** Alert when the user pool has had this many nodes (its maximum) for `poolAtMaxSeconds`. */
  readonly userPoolMaxNodes: number;
  readonly poolAtMaxSeconds: number;
  /** Alert when the proxy's memory reaches this fraction of its limit. */
  readonly proxyMemoryLimitFraction: number;
  /** Alert when this fraction of the load balancer's responses are 5xx over `lb5xxWindowSeconds`. */
  readonly lb5xxFraction: number;
  readonly lb5xxWindowSeconds: number;
  /** Hub log lines that mean a spawn failed (JupyterHub 5.5.0 jupyterhub/user.py, `User.spawn`). */
  readonly spawnFailureLogPatterns: readonly string[];
}

/**
 * JupyterHub's health handler answers `/hub/health` without authentication, as fast as it can
 * (jupyterhub 5.5.0 handlers/base.py `HealthCheckHandler`, routed at `/health` under the hub's prefix).
 */
export const hubHealthPath = "/hub/health";

// Google's uptime checks run at most once a minute from several regions; two failed minutes in a row is a
// hub that is really gone (a hub pod restart takes under a minute when the node is up).
const uptimePeriodSeconds = 60;
const uptimeTimeoutSeconds = 10;
const hubDownSeconds = 120;
// A share of the limit, so organisers hear before the hub starts refusing servers (JupyterHub answers
// "Active user limit exceeded" at activeServerLimit, app.py `active_server_limit`).
const runningServersShare = 0.9;
// A pool at its maximum for ten minutes is not a rush moment: pending users will wait for ever.
const poolAtMaxSeconds = 600;
// CHP grows until it is OOM-killed at its limit (configurable-http-proxy#434, #388): at 80% there is time
// to restart it in a quiet moment instead.
const proxyMemoryLimitFraction = 0.8;
// 5% of responses failing for five minutes is an outage for some users, not a single bad request.
const lb5xxFraction = 0.05;
const lb5xxWindowSeconds = 300;

/** What the hub logs when a spawn fails: timeout, an HTTP error from the spawner, anything else. */
export const spawnFailureLogPatterns = [
  "server failed to start in",
  "Error starting",
  "Unhandled error starting",
] as const;

export function planMonitoring(config: Pick<StackConfig, "edge" | "hub" | "capacity">, userPoolMaxNodes: number): MonitoringPlan {
  const activeServerLimit = config.hub.activeServerLimit ?? config.capacity.peakUsers;
  return {
    uptime: { host: config.edge.hubDomain, path: hubHealthPath, periodSeconds: uptimePeriodSeconds, timeoutSeconds: uptimeTimeoutSeconds },
    hubDownSeconds,
    namespace: config.hub.namespace,
    runningServersAlert: Math.max(1, Math.floor(activeServerLimit * runningServersShare)),
    activeServerLimit,
    userPoolMaxNodes,
    poolAtMaxSeconds,
    proxyMemoryLimitFraction,
    lb5xxFraction,
    lb5xxWindowSeconds,
    spawnFailureLogPatterns: [...spawnFailureLogPatterns],
  };
}

/** The export bucket's rules. */
export interface ExportPlan {
  /** Archives (and their older versions) are deleted this many days after they were written. */
  readonly retentionDays: number;
  /** The Kubernetes service account the export Jobs run as, bound to the bucket writer by Workload Identity. */
  readonly kubernetesServiceAccount: string;
  readonly namespace: string;
}

export const exportServiceAccountName = "home-export";

export function planExport(config: Pick<StackConfig, "hub" | "lifecycle">): ExportPlan {
  return {
    retentionDays: config.lifecycle.exportRetentionDays,
    kubernetesServiceAccount: exportServiceAccountName,
    namespace: config.hub.namespace,
  };
}

/**
 * What `pulumi destroy` waits for before it deletes the node pools, the cluster and the network: what GKE
 * deletes on its own after the hub's namespace and Gateway are gone. Identified by what GKE writes on them,
 * since their names are GKE's:
 * - user home disks: the PD CSI driver's description, JSON with `kubernetes.io/created-for/pvc/namespace`
 *   (gcp-compute-persistent-disk-csi-driver pkg/parameters/constants.go, gce-compute.go `encodeTags`);
 * - network endpoint groups: in the stack's network, description JSON with `namespace`
 *   (kubernetes/ingress-gce pkg/utils/negdescription.go `StandardNEGDescription`);
 * - the Gateway's load balancer: names `gkegw1-<4>-<namespace>-...` (GKE's Gateway controller; seen in
 *   `gcloud compute backend-services list` output, not documented by Google).
 */
export interface TeardownPlan {
  readonly region: string;
  readonly namespace: string;
  readonly timeoutMinutes: number;
  /** Seconds between two looks. */
  readonly pollSeconds: number;
}

export function planTeardown(config: Pick<StackConfig, "platform" | "hub"> & { lifecycle: Pick<LifecycleConfig, "teardownTimeoutMinutes"> }): TeardownPlan {
  return {
    region: config.platform.region,
    namespace: config.hub.namespace,
    timeoutMinutes: config.lifecycle.teardownTimeoutMinutes,
    pollSeconds: 15,
  };
}

/** The `lifecycle` part of the plan, for the offline plan's text and the stack output. */
export interface LifecyclePlan {
  readonly budget: BudgetDecision;
  readonly monitoring: MonitoringPlan;
  readonly export: ExportPlan;
  readonly teardown: TeardownPlan;
  readonly notificationEmails: readonly string[];
}

export function planLifecycle(config: StackConfig, cost: CostEstimate, userPoolMaxNodes: number): LifecyclePlan {
  return {
    budget: planBudget(config, cost),
    monitoring: planMonitoring(config, userPoolMaxNodes),
    export: planExport(config),
    teardown: planTeardown(config),
    notificationEmails: [...config.lifecycle.notificationEmails],
  };
}

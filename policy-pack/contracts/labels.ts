// Node label, taint key and pool purposes: a contract between the program (which labels and taints its
// node pools and sets the chart's scheduling values) and the pack (which checks that user pods can only
// land on dedicated user nodes).
//
// Shared, not duplicated: these are names, not limits. Neither side may choose its own spelling, because
// the names are Zero to JupyterHub's: its user pods select `hub.jupyter.org/node-purpose` and tolerate
// `hub.jupyter.org/dedicated` (chart 4.4.0, jupyterhub/templates/scheduling/_scheduling-helpers.tpl and
// values.yaml `scheduling.userPods.tolerations`). A module inside the pack, so `npm pack` ships it;
// the program reaches it through infra/plan/labels.ts.

export const nodePurposeLabel = "hub.jupyter.org/node-purpose";
export const dedicatedTaintKey = "hub.jupyter.org/dedicated";

/** The hub, proxy and chart services run on `core`; every other purpose runs user servers. */
export const poolPurpose = { core: "core", user: "user", gpu: "gpu" } as const;

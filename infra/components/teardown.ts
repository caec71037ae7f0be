import * as pulumi from "@pulumi/pulumi";
import { clusterMadeKinds, listProject, sweepFirewallRules, waitForClusterCleanup } from "../tools/leftovers";

// `pulumi destroy` in one step. Two clean-ups in GKE are asynchronous: the PD CSI driver deletes a home
// disk only after its PVC and PV are gone, and GKE's load-balancer controllers delete network endpoint
// groups, backend services and forwarding rules only after the Gateway and the Service are gone. Firewall
// rules GKE made are left to the second resource below, which removes them after the cluster. Deleting the cluster first leaves them behind for good ("GKE will attempt to delete …
// not always guaranteed: … Persistent disk volumes", gcloud container clusters delete), and a NEG or
// firewall rule left in the network stops the network's deletion (`resourceInUseByAnotherResource`).
//
// So this resource sits between them in the dependency graph: it depends on the cluster, its pools and the
// network (deleted after it), and the hub and the Gateway depend on it (deleted before it). Its create does
// nothing; its delete looks with Google's client libraries until nothing GKE made for the hub's namespace
// is left (infra/tools/leftovers.ts says how each is recognised), for at most `timeoutMinutes`, and fails
// with the list of what is left. Pulumi then stops before the cluster and the network, so GKE can finish
// and a second `pulumi destroy` carries on. Pulumi's engine deletes a resource only after everything that
// depends on it, through its provider, its parent, its dependencies and, for a component it depends on, that
// component's children (pulumi/pulumi pkg/resource/deploy/step_generator.go `ScheduleDeletes`, which uses
// pkg/resource/graph/dependency_graph.go `DependenciesOf`); test/infra/lifecycle.test.ts asserts that order
// on the program's graph.

export interface TeardownInputs {
  readonly project: string;
  readonly namePrefix: string;
  readonly namespace: string;
  readonly stackLabel: string;
  /** The stack's VPC name: GKE's firewall rules for the Gateway are in it. */
  readonly network: string;
  readonly timeoutMinutes: number;
  readonly pollSeconds: number;
}

/**
 * Whether the provider's own code changed. `pulumi destroy` runs the delete stored with the resource's
 * outputs at its last create or update (@pulumi/pulumi cmd/dynamic-provider/index.js: delete loads
 * `__provider` from the old properties), so a newer wait only takes effect after an update: report one.
 */
function providerChanged(olds: object, news: object): boolean {
  const code = (x: object) => (x as Record<string, unknown>).__provider;
  return code(olds) !== undefined && code(news) !== undefined && code(olds) !== code(news);
}

/**
 * The provider Pulumi serialises into the state; `delete` runs at `pulumi destroy` with the inputs last
 * stored, with the Application Default Credentials the Google provider uses.
 */
export const teardownWaitProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: TeardownInputs) {
    return { id: `${inputs.project}/${inputs.namespace}/cluster-cleanup-wait`, outs: inputs };
  },
  async diff(_id: string, olds: TeardownInputs, news: TeardownInputs) {
    const keys: (keyof TeardownInputs)[] = ["project", "namePrefix", "namespace", "stackLabel", "network", "timeoutMinutes", "pollSeconds"];
    return { changes: keys.some((k) => olds[k] !== news[k]) || providerChanged(olds, news) };
  },
  async update(_id: string, _olds: TeardownInputs, news: TeardownInputs) {
    return { outs: news };
  },
  async delete(_id: string, props: TeardownInputs) {
    await waitForClusterCleanup(
      { project: props.project, namePrefix: props.namePrefix, namespace: props.namespace, stackLabel: props.stackLabel, network: props.network },
      {
        timeoutMs: props.timeoutMinutes * 60_000,
        pollMs: props.pollSeconds * 1_000,
        list: () => listProject(props.project, { only: clusterMadeKinds }),
        // Pulumi shows a dynamic provider's stderr in the destroy's diagnostics.
        log: (line) => process.stderr.write(`${line}\n`),
      },
    );
  },
};

/** Deleted after the hub and the Gateway, before the cluster, its pools and the network. */
export class ClusterCleanupWait extends pulumi.dynamic.Resource {
  declare readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: { [K in keyof TeardownInputs]: pulumi.Input<TeardownInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(teardownWaitProvider, name, { ...args }, opts);
  }
}

export interface FirewallSweepInputs {
  readonly project: string;
  /** The stack's VPC name. */
  readonly network: string;
}

/**
 * The last step before the network goes: after the cluster is deleted, remove the firewall rules GKE left in
 * the stack's own network (the program declares none there), which would otherwise stop the network's
 * deletion. It depends on the network and the cluster depends on it, so it is deleted after the cluster and
 * before the network. Create does nothing.
 */
export const firewallSweepProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: FirewallSweepInputs) {
    return { id: `${inputs.project}/${inputs.network}/firewall-sweep`, outs: inputs };
  },
  async diff(_id: string, olds: FirewallSweepInputs, news: FirewallSweepInputs) {
    return { changes: olds.project !== news.project || olds.network !== news.network || providerChanged(olds, news) };
  },
  async update(_id: string, _olds: FirewallSweepInputs, news: FirewallSweepInputs) {
    return { outs: news };
  },
  async delete(_id: string, props: FirewallSweepInputs) {
    await sweepFirewallRules(props.project, props.network, { log: (line) => process.stderr.write(`${line}\n`) });
  },
};

export class NetworkFirewallSweep extends pulumi.dynamic.Resource {
  constructor(name: string, args: { [K in keyof FirewallSweepInputs]: pulumi.Input<FirewallSweepInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(firewallSweepProvider, name, { ...args }, opts);
  }
}

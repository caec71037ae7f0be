import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ChartPin, hubSecretKeys, proxyService, z2jhChart, Z2jhValues } from "../plan/chart";

export interface JupyterHubArgs {
  /**
   * The Kubernetes namespace to create for the hub (config `hubNamespace`). It is labelled to enforce Pod
   * Security `restricted` (`podSecurityLevel`), and the hub's Secret and the Helm release go in it. Required.
   */
  readonly namespace: string;
  /**
   * The chart to install. `values` are typed for Z2JH 4.4.0's schema (test/hub/chartSchema.ts checks them
   * against it), so another pin needs its values checked against that chart's schema.
   * Default: `z2jhChart`, Z2JH 4.4.0 from https://hub.jupyter.org/helm-chart/.
   */
  readonly chart?: ChartPin;
  /**
   * The chart values, plain data built by the plan (`buildChartValues`), so a preview shows them in full.
   * They must name this component's Secret, `hubSecretName`, in `hub.existingSecret` and in every env var
   * they read from a Secret; anything else is refused before a resource is declared. Required.
   */
  readonly values: Z2jhValues;
  /**
   * The OIDC client secret, stored in the hub's Secret under `hubSecretKeys.oidcClientSecret` and marked
   * secret there whatever its source. The cookie secret and auth-state key are generated here. Required.
   */
  readonly oidcClientSecret: pulumi.Input<string>;
}

/** Helm release name; with the chart's fullnameOverride "" resource names stay bare (hub, proxy-public). */
export const releaseName = "jupyterhub";
/**
 * The Secret named by hub.existingSecret: the cookie secret, the auth-state key and the OIDC client secret.
 * The hub↔proxy token is not here: the chart reads it only from its own Secret, where it generates it
 * once (64 random hex characters) and keeps it across upgrades (templates/hub/_helpers-passwords.tpl).
 */
export const hubSecretName = "hub-pulumi-secrets";

/**
 * Pod Security Standards level of the hub namespace. Every pod the chart and KubeSpawner create with these
 * values meets `restricted`: the hub (pod runAsNonRoot + seccomp, container drops ALL, no escalation),
 * the proxy, user-scheduler, user placeholders, image pullers and awaiter (the chart's shared container
 * securityContext sets all of runAsNonRoot, escalation off, drop ALL, seccomp RuntimeDefault), and the
 * user pods (KubeSpawner container_security_context, plan/chart/userPods.ts). The one pod that could not,
 * the privileged root iptables init container, is off (`blockWithIptables: false`). Volumes are PVCs,
 * ConfigMaps and Secrets only. Enforcing `restricted` means a future value that breaks this fails to
 * create pods instead of silently running weaker ones; `warn` and `audit` show why.
 */
export const podSecurityLevel = "restricted";

const podSecurityLabels = {
  "pod-security.kubernetes.io/enforce": podSecurityLevel,
  "pod-security.kubernetes.io/warn": podSecurityLevel,
  "pod-security.kubernetes.io/audit": podSecurityLevel,
};

/**
 * Helm waits for everything to be ready, and the pre-puller hook first pulls the user image on every
 * user node before the upgrade proceeds; Z2JH advises a timeout of at least 10 minutes for that
 * (administrator/optimization.md). Fifteen leaves room for multi-GB images on fresh nodes.
 */
export const releaseTimeoutSeconds = 15 * 60;

/** 32 random bytes as 64 hex characters, what the chart itself generates (`openssl rand -hex 32`). */
const secretKeyBytes = 32;

/**
 * The data of the Secret named by hub.existingSecret, every value marked secret here rather than trusting
 * each source to be (RandomBytes marks its outputs secret through the engine, a config value may be plain).
 */
export function hubSecretData(keys: {
  cookieSecret: pulumi.Input<string>;
  authStateKey: pulumi.Input<string>;
  oidcClientSecret: pulumi.Input<string>;
}): Record<string, pulumi.Output<string>> {
  return {
    [hubSecretKeys.cookieSecret]: pulumi.secret(keys.cookieSecret),
    [hubSecretKeys.authStateCryptKeys]: pulumi.secret(keys.authStateKey),
    [hubSecretKeys.oidcClientSecret]: pulumi.secret(keys.oidcClientSecret),
  };
}

/**
 * Secrets the values read that are not this component's: the Secret would be missing at start-up, or
 * another one's keys would be read. Empty when the values name `hubSecretName` throughout.
 */
export function foreignSecretRefs(values: Z2jhValues): string[] {
  const refs = [
    ["hub.existingSecret", values.hub.existingSecret],
    ...Object.entries(values.hub.extraEnv).map(([env, v]) => [`hub.extraEnv.${env}`, v.valueFrom.secretKeyRef.name]),
  ];
  return refs.filter(([, name]) => name !== hubSecretName).map(([path, name]) => `${path} names Secret "${name}"`);
}

/**
 * JupyterHub from the Zero to JupyterHub chart, in its own namespace, with its secrets generated here and
 * kept secret in Pulumi state. The values and what they say about security are the plan's
 * (infra/plan/chart); this only declares the namespace, the Secret and the release. `opts` must carry the
 * cluster's Kubernetes provider; children inherit it.
 */
export class JupyterHub extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly release: k8s.helm.v3.Release;
  readonly proxyServiceName: string = proxyService.name;

  constructor(name: string, args: JupyterHubArgs, opts: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:hub:JupyterHub", name, {}, opts);
    if (!opts.provider && !opts.providers) {
      // Without it, resources would go to whatever cluster the ambient kubeconfig points at.
      throw new pulumi.ResourceError("JupyterHub needs the cluster's Kubernetes provider in opts (provider or providers)", this);
    }
    const foreign = foreignSecretRefs(args.values);
    if (foreign.length > 0) {
      throw new pulumi.ResourceError(`JupyterHub values must read Secret "${hubSecretName}", which it creates: ${foreign.join("; ")}`, this);
    }
    const chart = args.chart ?? z2jhChart;

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: args.namespace, labels: podSecurityLabels } },
      { parent: this },
    );
    this.namespace = namespace.metadata.name;

    const hexKey = (role: string) =>
      pulumi.secret(new random.RandomBytes(`${name}-${role}`, { length: secretKeyBytes }, { parent: this }).hex);

    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: { name: hubSecretName, namespace: this.namespace },
        type: "Opaque",
        stringData: hubSecretData({
          cookieSecret: hexKey("cookie-secret"),
          authStateKey: hexKey("auth-state-key"),
          oidcClientSecret: args.oidcClientSecret,
        }),
      },
      { parent: this },
    );

    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: releaseName,
        chart: chart.name,
        version: chart.version,
        repositoryOpts: { repo: chart.repo },
        namespace: this.namespace,
        values: args.values,
        timeout: releaseTimeoutSeconds,
        // A failed upgrade mid-event rolls back to the release that worked, and removes what it created.
        atomic: true,
        cleanupOnFail: true,
        // Each revision is a Secret in the namespace holding the full values; keep a few to roll back to.
        maxHistory: 5,
      },
      // The hub mounts the Secret at start-up; it must exist first.
      { parent: this, dependsOn: [secret] },
    );

    this.registerOutputs({
      namespace: this.namespace,
      release: this.release,
      proxyServiceName: this.proxyServiceName,
    });
  }
}

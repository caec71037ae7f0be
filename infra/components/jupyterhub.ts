import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { StackConfig } from "../config/types";
import { Plan } from "../plan";
import {
  buildChartValues,
  hubSecretKeys,
  proxyService,
  summarizeHubSecurity,
  z2jhChart,
} from "../plan/chartValues";
import { PlaceholderCalendar } from "./placeholderCalendar";

export interface JupyterHubArgs {
  /** Validated stack config; the chart values are built from it by `buildChartValues`. */
  readonly config: StackConfig;
  /** The capacity plan: placeholder count and the numbers the values share with the node pools. */
  readonly plan: Plan;
  /** The OIDC client secret. It stays a secret from config to the Kubernetes Secret the hub reads. */
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
 * user pods (KubeSpawner container_security_context, see chartValues.ts). The one pod that could not,
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
 * JupyterHub from the Zero to JupyterHub chart, in its own namespace, with its secrets generated here and
 * kept secret in Pulumi state. `opts` must carry the cluster's Kubernetes provider; children inherit it.
 */
export class JupyterHub extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly release: k8s.helm.v3.Release;
  readonly proxyServiceName: string = proxyService.name;
  /** Short lines for the plan and stack outputs: what the shipped values enforce. */
  readonly securitySummary: string[];

  constructor(name: string, args: JupyterHubArgs, opts: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:hub:JupyterHub", name, {}, opts);
    if (!opts.provider && !opts.providers) {
      // Without it, resources would go to whatever cluster the ambient kubeconfig points at.
      throw new pulumi.ResourceError("JupyterHub needs the cluster's Kubernetes provider in opts (provider or providers)", this);
    }

    const values = buildChartValues(args.config, args.plan, { secretName: hubSecretName });
    this.securitySummary = summarizeHubSecurity(values);

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: args.config.hub.namespace, labels: podSecurityLabels } },
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
        chart: z2jhChart.name,
        version: z2jhChart.version,
        repositoryOpts: { repo: z2jhChart.repo },
        namespace: this.namespace,
        values,
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

    // rush tuning: warm room before each class, from the plan's calendar; after the release, whose
    // StatefulSet it scales.
    new PlaceholderCalendar(`${name}-placeholder-calendar`, { namespace: this.namespace, windows: args.plan.rush.calendar }, {
      parent: this,
      dependsOn: [this.release],
    });

    this.registerOutputs({
      namespace: this.namespace,
      release: this.release,
      proxyServiceName: this.proxyServiceName,
      securitySummary: this.securitySummary,
    });
  }
}

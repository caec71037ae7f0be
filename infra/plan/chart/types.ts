// Value types: the subset of the Zero to JupyterHub 4.4.0 chart's values this program sets. The schema
// test (test/hub/chartSchema.ts) checks the real shape against the chart's values.schema.json.
import { HubConfig } from "../../config/types";
import { HubRole } from "../hubRoles";
import { EgressAllowRules, NetworkPolicyEgressRule } from "../netpol";
import type { SandboxRuntime } from "./sandbox";

export type { EgressAllowRules, NetworkPolicyEgressRule } from "../netpol";

export interface ResourceRequirements {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** A component's NetworkPolicy: the chart's switches all off, and exactly the rules we write. */
export interface ComponentNetworkPolicy {
  readonly enabled: true;
  readonly egressAllowRules: EgressAllowRules;
  readonly egress: readonly NetworkPolicyEgressRule[];
}

export interface SecretEnvVar {
  readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

export interface ExtraFile {
  readonly mountPath: string;
  readonly stringData: string;
  readonly mode: number;
}

export interface ContainerSecurityContext {
  readonly runAsNonRoot: true;
  readonly runAsUser: number;
  readonly allowPrivilegeEscalation: false;
  readonly capabilities: { readonly drop: readonly ["ALL"] };
  readonly seccompProfile: { readonly type: "RuntimeDefault" };
}

export interface Toleration {
  readonly key: string;
  readonly operator: "Equal";
  readonly value: string;
  readonly effect: "NoSchedule";
}

export interface NodeSelectorTerm {
  readonly matchExpressions: readonly { readonly key: string; readonly operator: "In"; readonly values: readonly string[] }[];
}

export interface Profile {
  readonly slug: string;
  readonly display_name: string;
  readonly description: string;
  readonly default?: true;
  readonly kubespawner_override?: {
    readonly image: string;
    readonly extra_resource_limits: Readonly<Record<string, string>>;
    readonly node_affinity_required: readonly NodeSelectorTerm[];
    readonly tolerations: readonly Toleration[];
  };
}

export interface GenericOAuthenticatorConfig {
  readonly client_id: string;
  readonly oauth_callback_url: string;
  readonly authorize_url: string;
  readonly token_url: string;
  readonly userdata_url: string;
  readonly scope: readonly string[];
  readonly username_claim: string;
  readonly manage_groups: true;
  readonly auth_state_groups_key: string;
  readonly allowed_groups: readonly string[];
  readonly admin_groups: readonly string[];
  readonly admin_users: readonly [];
  readonly allow_all: false;
  readonly allow_existing_users: false;
  readonly enable_auth_state: false;
}

export interface KubeSpawnerConfig {
  readonly disable_user_config: true;
  readonly automount_service_account_token: false;
  readonly container_security_context: ContainerSecurityContext;
  /** Appended to the single-user server's command line; CLI flags outrank every config file. */
  readonly args?: readonly string[];
  // rush tuning (infra/plan/rush/hub.ts, kubeSpawnerApi)
  readonly k8s_api_request_timeout: number;
  readonly k8s_api_request_retry_timeout: number;
  readonly http_timeout: number;
}

export interface Z2jhValues {
  readonly hub: {
    readonly config: {
      readonly JupyterHub: {
        readonly authenticator_class: "generic-oauth";
        readonly admin_access: false;
        readonly subdomain_host: string;
        readonly cookie_host_prefix_enabled: true;
      };
      readonly GenericOAuthenticator: GenericOAuthenticatorConfig;
      readonly KubeSpawner: KubeSpawnerConfig;
    };
    readonly existingSecret: string;
    readonly extraEnv: Readonly<Record<string, SecretEnvVar>>;
    readonly extraConfig: Readonly<Record<string, string>>;
    readonly loadRoles: Readonly<Record<string, HubRole>>;
    readonly concurrentSpawnLimit: number;
    readonly consecutiveFailureLimit: number;
    readonly activeServerLimit: number;
    readonly db: { readonly type: HubConfig["dbType"] };
    readonly resources: ResourceRequirements;
    readonly networkPolicy: ComponentNetworkPolicy;
  };
  readonly proxy: {
    readonly service: { readonly type: "ClusterIP" };
    readonly https: { readonly enabled: false };
    readonly chp: {
      readonly extraCommandLineFlags: readonly string[];
      readonly resources: ResourceRequirements;
      readonly networkPolicy: ComponentNetworkPolicy;
    };
  };
  readonly singleuser: {
    readonly image: { readonly name: string; readonly tag: string };
    readonly uid: number;
    readonly fsGid: number;
    readonly allowPrivilegeEscalation: false;
    readonly cloudMetadata: { readonly blockWithIptables: false };
    readonly networkPolicy: ComponentNetworkPolicy;
    readonly cpu: { readonly guarantee: number; readonly limit: number };
    /** Bytes: the chart hands these to both KubeSpawner and the placeholder pods, see `gibToBytes`. */
    readonly memory: { readonly guarantee: number; readonly limit: number };
    readonly storage: { readonly type: "dynamic"; readonly capacity: string };
    readonly startTimeout: number;
    readonly cmd: readonly string[];
    readonly extraEnv: Readonly<Record<string, string>>;
    readonly extraFiles: Readonly<Record<string, ExtraFile>>;
    readonly profileList: readonly Profile[];
    /** KubeSpawner's extra_pod_config: the gVisor RuntimeClass under GKE Sandbox (sandbox.ts). */
    readonly extraPodConfig?: SandboxRuntime;
  };
  readonly scheduling: {
    readonly userScheduler: { readonly enabled: false };
    readonly podPriority: { readonly enabled: true };
    readonly userPlaceholder: { readonly enabled: true; readonly replicas: number; readonly extraPodSpec?: SandboxRuntime };
    readonly corePods: { readonly nodeAffinity: { readonly matchNodePurpose: "require" } };
    readonly userPods: { readonly nodeAffinity: { readonly matchNodePurpose: "require" } };
  };
  readonly prePuller: {
    readonly hook: { readonly enabled: true };
    readonly continuous: { readonly enabled: true };
    readonly pullProfileListImages: false;
    /** GKE's sandbox taint, so the pullers reach sandboxed user nodes (sandbox.ts). */
    readonly extraTolerations?: readonly Toleration[];
  };
  readonly cull: {
    readonly enabled: true;
    readonly users: false;
    readonly adminUsers: true;
    readonly removeNamedServers: false;
    readonly timeout: number;
    readonly every: number;
    readonly maxAge: number;
  };
}

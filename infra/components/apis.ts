import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/**
 * The Google APIs the program uses; a fresh project has most of them off, and every create fails until
 * they are on. Image streaming needs the Container File System API (GKE image-streaming docs).
 */
export const requiredApis = [
  "serviceusage.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "iam.googleapis.com",
  "compute.googleapis.com",
  "container.googleapis.com",
  "containerfilesystem.googleapis.com",
  // Packages and the user image come from Artifact Registry (plan/packages.ts `registryApis`).
  "artifactregistry.googleapis.com",
  "dns.googleapis.com",
  "certificatemanager.googleapis.com",
  "logging.googleapis.com",
  "monitoring.googleapis.com",
  // The export bucket (components/homeExport.ts) and the budget (components/budget.ts).
  "storage.googleapis.com",
  "billingbudgets.googleapis.com",
] as const;

/**
 * How long to wait after turning APIs on before anything uses them. The Google provider's project service
 * returns once Service Usage lists the API as enabled (terraform-provider-google v7.40.0,
 * services/resourcemanager/resource_google_project.go: `EnableServiceUsageProjectServices` waits for the
 * operation and `waitForServiceUsageEnabledServices`), yet the API itself can still answer 403
 * SERVICE_DISABLED: "If you enabled this API recently, wait a few minutes for the action to propagate to our
 * systems and retry" (Google's own error text), and no retry predicate of the provider covers that error
 * (transport/error_retry_predicates.go). Terraform users add a 30 to 120 s `time_sleep`; two minutes here,
 * paid on the first `pulumi up` of a project only.
 */
export const apiPropagationSeconds = 120;

interface WaitInputs {
  readonly project: string;
  readonly services: readonly string[];
  readonly seconds: number;
}

/**
 * A dynamic provider that waits `seconds` when it is created, and again when the set of APIs changes; a
 * `pulumi up` with the same APIs does nothing. Nothing outside the program is touched, and delete is a
 * no-op (the APIs stay on). It captures nothing but its own code, since Pulumi serialises it into the
 * state; its output repeats its inputs, so whatever reads `project` from it comes after the wait.
 */
export const apiPropagationWaitProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: WaitInputs) {
    await new Promise((resolve) => setTimeout(resolve, inputs.seconds * 1_000));
    return { id: `${inputs.project}/apis-usable`, outs: inputs };
  },
  async diff(_id: string, olds: WaitInputs, news: WaitInputs) {
    const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    return { changes: olds.project !== news.project || !same(olds.services ?? [], news.services ?? []) || olds.seconds !== news.seconds };
  },
  async update(_id: string, olds: WaitInputs, news: WaitInputs) {
    const added = news.services.filter((s) => !(olds.services ?? []).includes(s));
    if (added.length > 0 || olds.project !== news.project) {
      await new Promise((resolve) => setTimeout(resolve, news.seconds * 1_000));
    }
    return { outs: news };
  },
};

/** The moment the project's APIs are usable, not only listed as enabled. */
class ApiPropagationWait extends pulumi.dynamic.Resource {
  declare readonly project: pulumi.Output<string>;

  constructor(name: string, args: { [K in keyof WaitInputs]: pulumi.Input<WaitInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(apiPropagationWaitProvider, name, { ...args }, opts);
  }
}

export interface ProjectApisArgs {
  /** The GCP project id (`gcp:project`) whose APIs are turned on. Required. */
  readonly project: string;
  /**
   * How long to wait, once the APIs are on, before `project` resolves. Default: `apiPropagationSeconds`
   * (120 s); tests pass a shorter wait.
   */
  readonly propagationSeconds?: number;
}

/**
 * Turns on the project's APIs, and never turns them off: other workloads in the project may use them.
 * `project` is the project id once those APIs are usable: every Google resource takes its project from it,
 * so the dependency travels with the value and no resource can start before the wait.
 */
export class ProjectApis extends pulumi.ComponentResource {
  readonly services: readonly gcp.projects.Service[];
  /** The project id, resolved only after the APIs are on and have had time to propagate. */
  readonly project: pulumi.Output<string>;

  constructor(name: string, args: ProjectApisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:project:ProjectApis", name, {}, opts);
    this.services = requiredApis.map((api) =>
      new gcp.projects.Service(`${name}-${api.split(".")[0]}`, {
        project: args.project,
        service: api,
        disableOnDestroy: false,
        disableDependentServices: false,
      }, { parent: this }),
    );
    const wait = new ApiPropagationWait(`${name}-usable`, {
      project: args.project,
      services: pulumi.all(this.services.map((s) => s.service)),
      seconds: args.propagationSeconds ?? apiPropagationSeconds,
    }, { parent: this });
    this.project = wait.project;
    this.registerOutputs({ project: this.project });
  }
}

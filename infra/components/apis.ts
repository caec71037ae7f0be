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
  "dns.googleapis.com",
  "certificatemanager.googleapis.com",
  "logging.googleapis.com",
  "monitoring.googleapis.com",
] as const;

/** Turns on the project's APIs, and never turns them off: other workloads in the project may use them. */
export class ProjectApis extends pulumi.ComponentResource {
  readonly services: readonly gcp.projects.Service[];

  constructor(name: string, args: { project: string }, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:project:ProjectApis", name, {}, opts);
    this.services = requiredApis.map((api) =>
      new gcp.projects.Service(`${name}-${api.split(".")[0]}`, {
        project: args.project,
        service: api,
        disableOnDestroy: false,
        disableDependentServices: false,
      }, { parent: this }),
    );
    this.registerOutputs({});
  }
}

/**
 * Makes every resource of a component depend on `resources`. A component's own `dependsOn` does not
 * reach its children in Pulumi's Node SDK; transformations do, so this is how "after the APIs are on"
 * applies to all of them.
 */
export function dependOn(resources: readonly pulumi.Resource[]): pulumi.ResourceTransformation {
  return ({ props, opts }) => ({
    props,
    opts: pulumi.mergeOptions(opts, { dependsOn: [...resources] }),
  });
}

import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ExportPlan } from "../plan/lifecycle";
import { serviceAccountId } from "../plan/serviceAccounts";

// Where users' home directories go before the stack is destroyed, and the only identity that can put them
// there. Field names: @pulumi/gcp 9.37 storage/bucket.d.ts, storage/bucketIAMMember.d.ts,
// serviceaccount/iammember.d.ts, serviceaccount/account.d.ts.
// - The bucket: uniform bucket-level access and public access prevention "enforced", so no object ACL or
//   allUsers grant can ever expose a home directory (Cloud Storage docs, "Public access prevention");
//   versioning, so a second export run or a mistaken overwrite keeps the earlier copy; a lifecycle rule
//   that deletes every object (live or noncurrent) `retentionDays` after it was written; kept when the
//   stack is destroyed (`retainOnDelete`): the archives must outlive the cluster. No retention lock: an
//   organiser must still be able to delete one user's archive early when asked.
// - The writer: a Google service account holding objectCreator and objectViewer on this bucket only:
//   it can add archives and read them back to verify, never delete or overwrite one (overwriting needs
//   storage.objects.delete), and nothing else in the project. Workload Identity lets exactly one
//   Kubernetes service account act as it (roles/iam.workloadIdentityUser on
//   `serviceAccount:<project>.svc.id.goog[<namespace>/<ksa>]`, GKE docs "Authenticate to Google Cloud APIs
//   from GKE workloads"), annotated `iam.gke.io/gcp-service-account`.

export interface HomeExportArgs {
  /** The project id from `ProjectApis.project`, so every resource here waits for the APIs. */
  readonly project: pulumi.Input<string>;
  readonly region: string;
  readonly namePrefix: string;
  readonly plan: ExportPlan;
  /** The hub's namespace (its Output), where the PVCs and so the export Jobs are. */
  readonly namespace: pulumi.Input<string>;
  readonly labels: Readonly<Record<string, string>>;
  readonly kubernetesProvider: k8s.Provider;
}

export class HomeExport extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly writerEmail: pulumi.Output<string>;
  readonly kubernetesServiceAccount: pulumi.Output<string>;

  constructor(name: string, args: HomeExportArgs, opts?: pulumi.ComponentResourceOptions) {
    super("jupyterhub-gke:lifecycle:HomeExport", name, {}, opts);
    const { project, plan } = args;
    const child = { parent: this };

    // Autonamed (`<prefix>-home-export-<7 random>`): the name is global, and the bucket outlives the stack,
    // so the next event's stack of the same name must not collide with it.
    const bucket = new gcp.storage.Bucket(`${args.namePrefix}-home-export`, {
      project,
      location: args.region.toUpperCase(),
      storageClass: "STANDARD",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      lifecycleRules: [{ action: { type: "Delete" }, condition: { age: plan.retentionDays } }],
      forceDestroy: false,
      labels: { ...args.labels, purpose: "home-export" },
    }, { ...child, retainOnDelete: true });

    const writer = new gcp.serviceaccount.Account(`${name}-writer`, {
      project,
      accountId: serviceAccountId(args.namePrefix, "home-export"),
      displayName: "Home directory export: writes one bucket",
    }, child);
    const writerMember = pulumi.interpolate`serviceAccount:${writer.email}`;
    for (const role of ["roles/storage.objectCreator", "roles/storage.objectViewer"]) {
      new gcp.storage.BucketIAMMember(`${name}-${role.split(".")[1]}`, { bucket: bucket.name, role, member: writerMember }, child);
    }
    new gcp.serviceaccount.IAMMember(`${name}-workload-identity`, {
      serviceAccountId: writer.name,
      role: "roles/iam.workloadIdentityUser",
      member: pulumi.interpolate`serviceAccount:${project}.svc.id.goog[${args.namespace}/${plan.kubernetesServiceAccount}]`,
    }, child);

    const ksa = new k8s.core.v1.ServiceAccount(`${name}-ksa`, {
      metadata: {
        name: plan.kubernetesServiceAccount,
        namespace: args.namespace,
        annotations: { "iam.gke.io/gcp-service-account": writer.email },
        labels: { "app.kubernetes.io/name": plan.kubernetesServiceAccount, "app.kubernetes.io/part-of": "jupyterhub-gke" },
      },
      // The Jobs need no Kubernetes API; the GKE metadata server hands out the Google token.
      automountServiceAccountToken: false,
    }, { ...child, provider: args.kubernetesProvider });

    this.bucketName = bucket.name;
    this.writerEmail = writer.email;
    this.kubernetesServiceAccount = ksa.metadata.name;
    this.registerOutputs({ bucketName: this.bucketName, writerEmail: this.writerEmail, kubernetesServiceAccount: this.kubernetesServiceAccount });
  }
}

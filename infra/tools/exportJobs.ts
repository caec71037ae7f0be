import { dedicatedTaintKey, nodePurposeLabel, poolPurpose } from "../plan/labels";

// The Kubernetes objects of one export run, as pure data: a ConfigMap holding the export program
// (infra/files/ops/export_homes.py) and each batch's user list, and one Job per batch that mounts that
// batch's home PVCs read-only and runs the program as the Workload Identity service account.
//
// Why batches, and why per zone: a user's home is a zonal persistent disk behind a ReadWriteOnce PVC
// (Z2JH singleuser.storage.dynamic, storageAccessModes [ReadWriteOnce]). One pod may mount several such
// disks read-only once no user server holds them, but every disk a pod mounts must be in the zone of the
// node it runs on (the PV's node affinity), and a node takes at most ~127 persistent disks (PD CSI driver
// volumeLimitBig 127, fewer on small machines). So claims are grouped by zone and cut into batches well
// under that limit; batches run as separate Jobs, in parallel, one user after another inside a Job.
//
// KubeSpawner 7 labels each home PVC `component=singleuser-storage` and annotates it with the user's name
// `hub.jupyter.org/username` (kubespawner/spawner.py `get_pvc_manifest`, `_build_common_annotations`).

export const homeClaimSelector = "component=singleuser-storage";
export const usernameAnnotation = "hub.jupyter.org/username";
/** User server pods (kubespawner `component_label`); the export refuses to start while any runs. */
export const userPodSelector = "component=singleuser-server";

/**
 * Google's own Cloud SDK image: gcloud and Python (cloud.google.com/sdk/docs/downloads-docker). Pinned by
 * version; re-check the tag before an event, or pin the digest you pulled.
 */
export const cloudSdkImage = "gcr.io/google.com/cloudsdktool/google-cloud-cli:587.0.0-stable";

/** Well under a node's persistent-disk limit, so a batch never waits for attach capacity. */
export const defaultBatchSize = 16;

export interface HomeClaim {
  readonly claim: string;
  readonly username: string;
  /** The zone of the claim's disk (its PV's node affinity); undefined for a claim never bound. */
  readonly zone?: string;
}

export interface ExportBatch {
  readonly name: string;
  readonly zone?: string;
  readonly claims: readonly HomeClaim[];
}

/** Claims grouped by zone (sorted, so a rerun plans the same batches), then cut into batches. */
export function planExportBatches(claims: readonly HomeClaim[], batchSize = defaultBatchSize): ExportBatch[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number ≥ 1, got ${batchSize}`);
  const byZone = new Map<string, HomeClaim[]>();
  for (const c of [...claims].sort((a, b) => a.claim.localeCompare(b.claim))) {
    const key = c.zone ?? "";
    byZone.set(key, [...(byZone.get(key) ?? []), c]);
  }
  const batches: ExportBatch[] = [];
  for (const zone of [...byZone.keys()].sort()) {
    const all = byZone.get(zone)!;
    for (let i = 0; i < all.length; i += batchSize) {
      batches.push({ name: `b${String(batches.length).padStart(3, "0")}`, zone: zone || undefined, claims: all.slice(i, i + batchSize) });
    }
  }
  return batches;
}

export interface ExportRun {
  readonly namespace: string;
  /** Lower-case letters and digits, e.g. 20271210t0815; objects go under runs/<runId>/ in the bucket. */
  readonly runId: string;
  readonly bucket: string;
  readonly serviceAccount: string;
  readonly image: string;
  /** The user pods' uid and the group that owns homes (chartValues.ts `userUid`, `userFsGid`). */
  readonly uid: number;
  readonly gid: number;
  /** The export program's source. */
  readonly program: string;
  /** Spool space for one user's archive at a time: the home disk size is an upper bound. */
  readonly spoolGiB: number;
  readonly batches: readonly ExportBatch[];
}

const runIdPattern = /^[a-z0-9]{1,20}$/;

export function exportObjectNames(run: Pick<ExportRun, "runId">) {
  return {
    configMap: `home-export-${run.runId}`,
    job: (batch: ExportBatch) => `home-export-${run.runId}-${batch.name}`,
    prefix: `runs/${run.runId}`,
  };
}

/** The ConfigMap and the Jobs of an export run, ready for `kubectl apply -f -`. */
export function exportManifests(run: ExportRun): Record<string, unknown>[] {
  if (!runIdPattern.test(run.runId)) throw new RangeError(`run id must be 1-20 lower-case letters or digits, got ${JSON.stringify(run.runId)}`);
  const names = exportObjectNames(run);
  const labels = { "app.kubernetes.io/name": "home-export", "app.kubernetes.io/part-of": "jupyterhub-gke", "jupyterhub-gke/export-run": run.runId };
  const usersKey = (b: ExportBatch) => `users-${b.name}.json`;
  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: names.configMap, namespace: run.namespace, labels },
    data: {
      "export_homes.py": run.program,
      ...Object.fromEntries(run.batches.map((b) => [usersKey(b), JSON.stringify(b.claims.map((c) => ({ username: c.username, dir: c.claim, claim: c.claim })))])),
    },
  };
  const jobs = run.batches.map((b) => ({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: names.job(b), namespace: run.namespace, labels: { ...labels, "jupyterhub-gke/export-batch": b.name } },
    spec: {
      backoffLimit: 1,
      // A day to read the logs and the Job's status; the manifest is in the bucket anyway.
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels: { ...labels, "jupyterhub-gke/export-batch": b.name } },
        spec: {
          serviceAccountName: run.serviceAccount,
          automountServiceAccountToken: false,
          restartPolicy: "Never",
          // User nodes: they have the disk-attach room, and the core pool stays for the hub.
          nodeSelector: { [nodePurposeLabel]: poolPurpose.user, ...(b.zone ? { "topology.kubernetes.io/zone": b.zone } : {}) },
          tolerations: [{ key: dedicatedTaintKey, operator: "Equal", value: poolPurpose.user, effect: "NoSchedule" }],
          // Pod Security Standards "restricted", which the hub's namespace enforces (components/jupyterhub.ts).
          securityContext: { runAsNonRoot: true, runAsUser: run.uid, runAsGroup: run.gid, seccompProfile: { type: "RuntimeDefault" } },
          containers: [{
            name: "export",
            image: run.image,
            // The image's Python when it has one on PATH, else the one gcloud bundles.
            command: ["sh", "-c", 'PY="$(command -v python3 || echo /usr/lib/google-cloud-sdk/platform/bundledpythonunix/bin/python3)"; exec "$PY" /export/export_homes.py "$@"', "export"],
            args: ["--homes", "/homes", "--users", `/export/${usersKey(b)}`, "--dest", `gs://${run.bucket}/runs`, "--run", run.runId, "--batch", b.name, "--spool", "/spool"],
            // gcloud writes its configuration and logs under $HOME/.config; the root filesystem is read-only.
            env: [{ name: "HOME", value: "/spool" }, { name: "CLOUDSDK_CORE_DISABLE_PROMPTS", value: "1" }],
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
            resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
            volumeMounts: [
              { name: "export", mountPath: "/export", readOnly: true },
              { name: "spool", mountPath: "/spool" },
              ...b.claims.map((c, i) => ({ name: `home-${i}`, mountPath: `/homes/${c.claim}`, readOnly: true })),
            ],
          }],
          volumes: [
            { name: "export", configMap: { name: names.configMap } },
            { name: "spool", emptyDir: { sizeLimit: `${run.spoolGiB}Gi` } },
            ...b.claims.map((c, i) => ({ name: `home-${i}`, persistentVolumeClaim: { claimName: c.claim, readOnly: true } })),
          ],
        },
      },
    },
  }));
  return [configMap, ...jobs];
}

/** The zone of a PV from its node affinity (the PD CSI driver writes topology.gke.io/zone). */
export function zoneOfVolume(pv: { spec?: { nodeAffinity?: { required?: { nodeSelectorTerms?: { matchExpressions?: { key: string; values?: string[] }[] }[] } } } }): string | undefined {
  for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const e of term.matchExpressions ?? []) {
      if (/(^|\/)zone$/.test(e.key) && e.values?.length === 1) return e.values[0];
    }
  }
  return undefined;
}

/** The manifest lines the Jobs print ("MANIFEST <json>"), from their logs. */
export function manifestsFromLogs(logs: string): unknown[] {
  return logs.split("\n").filter((l) => l.startsWith("MANIFEST ")).map((l) => JSON.parse(l.slice("MANIFEST ".length)));
}

// User pods: what a user's server runs as, what it starts, what it may mount and which image and node it
// gets (singleuser.* and KubeSpawner's values). Their network egress is egress.ts.
import { CapacityConfig, GpuConfig } from "../../config/types";
import { dedicatedTaint, nodePurposeLabel, poolPurpose } from "../labels";
import { condaConfigPath, PackagePlan, pipConfigEnv, pipConfigPath } from "../packages";
import { ShippedFiles } from "./shippedFiles";
import { ContainerSecurityContext, ExtraFile, Profile, Toleration } from "./types";

/** The uid of docker-stacks' and Z2JH's sample images' `jovyan`, and the gid (`users`) that owns homes. */
export const userUid = 1000;
export const userFsGid = 100;

/**
 * Every field Pod Security Standards `restricted` asks of a container. kubespawner 7 alone emits only
 * runAsUser/allowPrivilegeEscalation/fsGroup (kubespawner/objects.py, make_pod); its `container_security_context` has the
 * highest priority and overrides uid/privileged/allow_privilege_escalation (kubespawner/spawner.py).
 */
export const userContainerSecurityContext: ContainerSecurityContext = {
  runAsNonRoot: true,
  runAsUser: userUid,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** `jupyter_server`'s ServerApp.terminals_enabled has no env var; a CLI flag outranks config files. */
export const disableTerminalsFlag = "--ServerApp.terminals_enabled=False";

/**
 * The single-user server's command (Z2JH `singleuser.cmd`, whose default is the `jupyterhub-singleuser`
 * script), started so that nothing a user writes into their persistent home runs inside it. A flag on the
 * command line is only as strong as the interpreter that parses it: with the default command, a `.pth`
 * file or `usercustomize.py` in the user's site-packages (~/.local/lib/python3.X/site-packages, written
 * from any notebook cell) runs before the server starts and can drop `--ServerApp.terminals_enabled=False`
 * from sys.argv. `-I` (isolated mode, Python docs "Command line and environment") implies `-s` (no user
 * site-packages), `-E` (no PYTHON* variables) and `-P`: without it `-m` puts the working directory, the
 * home (the image's WORKDIR), first on sys.path, where a `~/jupyterhub/` package would shadow the real one,
 * so `-s` alone is not enough. Kernels keep user site-packages (`pip install --user` works): jupyter_client
 * starts them as `sys.executable -m ipykernel_launcher` (jupyter_client manager.py, ipykernel
 * kernelspec.py), and interpreter flags are not inherited. The user image needs `python3` on PATH with
 * jupyterhub importable, as the default command does: Z2JH 4.4.0 images/singleuser-sample is
 * python:3.12-slim-bookworm with jupyterhub 5.5.0, whose jupyterhub/singleuser/__main__.py is this entry
 * point. test/hub/singleuserIsolation.test.ts runs the attack against a real hub and servers.
 */
export const singleuserCmd: readonly string[] = ["python3", "-I", "-m", "jupyterhub.singleuser"];

/**
 * Splits an image reference into the chart's {name, tag} so that `${name}:${tag}` (how both the chart's
 * puller templates and its jupyterhub_config.py join them) gives back the reference exactly. Splitting at
 * the last ':' after the last '/' keeps registry ports in the name and works for digests too:
 * `repo@sha256:<hex>` becomes name `repo@sha256`, tag `<hex>`.
 */
export function splitImageRef(ref: string): { name: string; tag: string } {
  const colon = ref.lastIndexOf(":");
  if (colon <= ref.lastIndexOf("/")) throw new RangeError(`image ${ref} is not pinned by tag or digest`);
  return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

/**
 * Bytes, not "2G": KubeSpawner reads "G" as GiB (JupyterHub's ByteSpecification) while the chart copies the
 * same string into the placeholder pods, where Kubernetes reads "G" as 10^9. A byte count means the same
 * to both, so placeholders hold exactly a user's share, as the capacity model assumes.
 */
export function gibToBytes(gib: number): number {
  return Math.round(gib * 1024 ** 3);
}

/**
 * pip's variable naming the shipped /etc/pip.conf: pip then reads that file after the global and site
 * ones and skips the user's own (pip 23 _internal/configuration.py, `iter_config_files`). The network
 * policy, not this, is what keeps every other index out (docs/packages.md).
 */
export function packageEnv(): Record<string, string> {
  return { [pipConfigEnv]: pipConfigPath };
}

/** /etc/pip.conf and /etc/conda/.condarc, read-only in every user pod, whatever the mode. */
export function packageConfigFiles(packages: Pick<PackagePlan, "pipConf" | "condarc">): Record<string, ExtraFile> {
  return {
    "pip-config": { mountPath: pipConfigPath, stringData: packages.pipConf, mode: 0o444 },
    "conda-config": { mountPath: condaConfigPath, stringData: packages.condarc, mode: 0o444 },
  };
}

/** rush tuning: how often user servers report activity to the hub (infra/plan/rush/hub.ts). */
export function activityIntervalEnv(seconds: number): Record<string, string> {
  return { JUPYTERHUB_ACTIVITY_INTERVAL: String(seconds) };
}

/** Where the shell-escape guard lands in user pods: IPython's system-wide config directory. */
export const ipythonSystemConfigDir = "/etc/ipython";

/**
 * The IPython shell-escape guard, as chart extraFiles (a Secret mounted read-only, file by file, by
 * subPath): the system-wide ipython_config.py runs refuse_shell_escapes.py in every kernel. See
 * docs/security-model.md, "What only adds friction", for why this is friction, not a boundary. The mounted names matter:
 * IPython looks for `ipython_config.py`, and that file loads the guard by its name from its own directory.
 */
export function shellEscapeGuardFiles(enabled: boolean, files: ShippedFiles): Record<string, ExtraFile> {
  if (!enabled) return {};
  const file = (name: string, stringData: string): ExtraFile => ({
    mountPath: `${ipythonSystemConfigDir}/${name}`,
    stringData,
    mode: 0o444,
  });
  return {
    "ipython-config": file("ipython_config.py", files.ipythonConfig),
    "ipython-refuse-shell-escapes": file("refuse_shell_escapes.py", files.refuseShellEscapes),
  };
}

function k8sToleration(purpose: "user" | "gpu"): Toleration {
  const taint = dedicatedTaint(purpose);
  return { key: taint.key, operator: "Equal", value: taint.value, effect: "NoSchedule" };
}

/**
 * A profile list only when there is a choice to make: the standard profile plus a GPU profile on its own
 * tainted pool. KubeSpawner overrides replace whole traits, so the GPU profile names its own node affinity
 * (instead of the chart's node-purpose=user) and toleration; GKE adds the toleration for its own
 * nvidia.com/gpu taint to pods that request GPUs. Each GPU user gets one GPU. No `profile_options` and no
 * `unlisted_choice`: users pick from these images only.
 */
export function profileList(capacity: CapacityConfig, userImage: string, gpu: GpuConfig | undefined, pulledFrom: (configured: string) => string = (i) => i): Profile[] {
  if (!gpu) return [];
  const share = `${capacity.userCpuGuarantee}–${capacity.userCpuLimit} CPU, ${capacity.userMemoryGuaranteeGiB}–${capacity.userMemoryLimitGiB} GiB`;
  return [
    {
      slug: "standard",
      display_name: "Standard",
      description: `${share}; ${userImage}`,
      default: true,
    },
    {
      slug: "gpu",
      display_name: `GPU (${gpu.acceleratorType})`,
      description: `${share} and one ${gpu.acceleratorType}; ${gpu.image}`,
      kubespawner_override: {
        image: pulledFrom(gpu.image),
        extra_resource_limits: { "nvidia.com/gpu": "1" },
        node_affinity_required: [
          { matchExpressions: [{ key: nodePurposeLabel, operator: "In", values: [poolPurpose.gpu] }] },
        ],
        tolerations: [k8sToleration("gpu")],
      },
    },
  ];
}

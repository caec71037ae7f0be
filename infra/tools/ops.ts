import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { parseConfig } from "../config/parse";
import { StackConfig } from "../config/types";
import { shippedFilesDir } from "../files";
import { userFsGid, userUid } from "../plan/chart";
import { exportServiceAccountName } from "../plan/lifecycle";
import { dnsSafePrefix } from "../program";
import {
  cloudSdkImage,
  defaultBatchSize,
  exportManifests,
  exportObjectNames,
  HomeClaim,
  homeClaimSelector,
  manifestsFromLogs,
  planExportBatches,
  usernameAnnotation,
  userPodSelector,
  zoneOfVolume,
} from "./exportJobs";
import { findLeftovers, leftoverReport } from "./leftovers";
import { parseProbeOutput, smokeClaims, smokeReport } from "./smoke";
import { stackRawConfig } from "./stackFile";

// `npm run ops -- <export|smoke|leftovers> --stack <name>` (also `npm run export|smoke|leftovers -- …`):
// the commands around an event, for an organiser's machine with gcloud's Application Default Credentials
// and kubectl pointed at the stack's cluster (docs/runbook.md says how). They read the stack's own config
// file; the export also needs the bucket's name, from `pulumi stack output exportBucket` or --bucket.

const usage = `usage:
  npm run ops -- export    --stack <name> [--bucket <name>] [--run-id <id>] [--batch-size ${defaultBatchSize}] [--timeout-minutes 240] [--dry-run]
  npm run ops -- smoke     --stack <name> [--user <hub username>] [--allowlisted <host:port>]
  npm run ops -- leftovers --stack <name>
  options for all: [--context <kubectl context>]`;

/** Kubernetes list JSON as kubectl prints it (`-o json`), as far as these commands read it. */
interface KubeList<T> {
  readonly items: readonly T[];
}
interface Meta {
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string>; readonly labels?: Record<string, string> };
}
type Pvc = Meta & { readonly spec?: { readonly volumeName?: string } };
type Pv = Meta & Parameters<typeof zoneOfVolume>[0];
type Pod = Meta & { readonly status?: { readonly phase?: string; readonly podIP?: string } };
type Node = Meta & { readonly status?: { readonly addresses?: readonly { type: string; address: string }[] } };

/** Home claims from `kubectl get pvc` and `kubectl get pv` output. */
export function homeClaims(pvcs: KubeList<Pvc>, pvs: KubeList<Pv>): HomeClaim[] {
  const zones = new Map(pvs.items.map((pv) => [pv.metadata.name, zoneOfVolume(pv)]));
  return pvcs.items.map((pvc) => ({
    claim: pvc.metadata.name,
    username: pvc.metadata.annotations?.[usernameAnnotation] ?? pvc.metadata.name,
    zone: pvc.spec?.volumeName ? zones.get(pvc.spec.volumeName) : undefined,
  }));
}

export function runningPods(pods: KubeList<Pod>): Pod[] {
  return pods.items.filter((p) => p.status?.phase === "Running" && p.status.podIP);
}

export function internalIp(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
}

/** A run id from the clock: lower-case letters and digits, sortable. */
export function runIdAt(date: Date): string {
  return date.toISOString().slice(0, 16).replace(/[-:]/g, "").toLowerCase();
}

class CommandError extends Error {}

function sh(cmd: string, args: readonly string[], input?: string): string {
  const r = spawnSync(cmd, [...args], { encoding: "utf8", input, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new CommandError(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new CommandError(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr.trim()}`);
  return r.stdout;
}

function stackConfig(stack: string): StackConfig {
  // No clock: the commands run after the event too, when the window is over.
  return parseConfig(stackRawConfig(stack));
}

async function exportHomes(stack: string, v: Record<string, string | boolean | undefined>, kubectl: (args: string[], input?: string) => string): Promise<number> {
  const config = stackConfig(stack);
  const ns = config.hub.namespace;
  const bucket = typeof v.bucket === "string" ? v.bucket : sh("pulumi", ["stack", "output", "exportBucket", "--stack", stack]).trim();
  const running = runningPods(JSON.parse(kubectl(["get", "pods", "-n", ns, "-l", userPodSelector, "-o", "json"])));
  if (running.length > 0) {
    process.stderr.write(`${running.length} user servers still run, and their homes are in use. Stop them (hub admin page, "Stop All"), keep users out ` +
      `(\`kubectl -n ${ns} scale deployment hub --replicas=0\`), then run the export again.\n`);
    return 1;
  }
  const claims = homeClaims(
    JSON.parse(kubectl(["get", "pvc", "-n", ns, "-l", homeClaimSelector, "-o", "json"])),
    JSON.parse(kubectl(["get", "pv", "-o", "json"])),
  );
  const runId = typeof v["run-id"] === "string" ? v["run-id"] : runIdAt(new Date());
  const batches = planExportBatches(claims, Number(v["batch-size"] ?? defaultBatchSize));
  const run = {
    namespace: ns, runId, bucket, serviceAccount: exportServiceAccountName, image: cloudSdkImage, uid: userUid, gid: userFsGid,
    program: fs.readFileSync(path.join(shippedFilesDir, "ops", "export_homes.py"), "utf8"), spoolGiB: config.capacity.userStorageGiB + 1, batches,
  };
  const manifests = exportManifests(run);
  process.stdout.write(`export ${runId}: ${claims.length} homes in ${batches.length} Jobs to gs://${bucket}/${exportObjectNames(run).prefix}/\n`);
  if (v["dry-run"]) {
    process.stdout.write(`${JSON.stringify({ apiVersion: "v1", kind: "List", items: manifests }, null, 2)}\n`);
    return 0;
  }
  kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: manifests }));
  const minutes = Number(v["timeout-minutes"] ?? 240);
  try {
    kubectl(["wait", "-n", ns, "--for=condition=complete", "job", "-l", `jupyterhub-gke/export-run=${runId}`, `--timeout=${minutes}m`]);
  } catch (e) {
    process.stderr.write(`not every export Job completed within ${minutes} minutes: ${(e as Error).message}\n`);
  }
  const results = batches.flatMap((b) => {
    try {
      return manifestsFromLogs(kubectl(["logs", "-n", ns, `job/${exportObjectNames(run).job(b)}`]));
    } catch {
      return [{ batch: b.name, users: b.claims.map((c) => ({ username: c.username, status: "no result (see the Job's logs)" })) }];
    }
  }) as { users: { username: string; status: string; files?: number; bytes?: number; object?: string }[] }[];
  const users = results.flatMap((m) => m.users);
  for (const u of users) process.stdout.write(`${u.status === "ok" ? "ok  " : "FAIL"}  ${u.username}  ${u.files ?? "?"} files  ${u.bytes ?? "?"} bytes  ${u.object ?? ""}\n`);
  const file = `export-${runId}.json`;
  fs.writeFileSync(file, JSON.stringify({ runId, bucket, results }, null, 2));
  const ok = users.length === claims.length && users.every((u) => u.status === "ok");
  process.stdout.write(`${users.filter((u) => u.status === "ok").length} of ${claims.length} homes exported and verified; manifest: ${file} and gs://${bucket}/${exportObjectNames(run).prefix}/manifests/\n`);
  return ok ? 0 : 1;
}

async function smoke(stack: string, v: Record<string, string | boolean | undefined>, kubectl: (args: string[], input?: string) => string): Promise<number> {
  const config = stackConfig(stack);
  const ns = config.hub.namespace;
  const users = runningPods(JSON.parse(kubectl(["get", "pods", "-n", ns, "-l", userPodSelector, "-o", "json"])));
  const wanted = typeof v.user === "string" ? users.find((p) => p.metadata.annotations?.[usernameAnnotation] === v.user) : users[0];
  if (!wanted) {
    process.stderr.write(`no running user server${typeof v.user === "string" ? ` for ${v.user}` : ""} in ${ns}: log in as a test user and start one\n`);
    return 1;
  }
  const other = users.find((p) => p !== wanted);
  const core = (JSON.parse(kubectl(["get", "nodes", "-l", "hub.jupyter.org/node-purpose=core", "-o", "json"])) as KubeList<Node>).items.map(internalIp).find(Boolean);
  const proxy = runningPods(JSON.parse(kubectl(["get", "pods", "-n", ns, "-l", "component=proxy", "-o", "json"])))[0];
  const [host, port] = typeof v.allowlisted === "string" ? v.allowlisted.split(":") : [];
  const { claims, missing } = smokeClaims({
    hubDomain: config.edge.hubDomain,
    uid: userUid,
    coreNodeIp: core,
    proxyPodIp: proxy?.status?.podIP,
    otherUserPodIp: other?.status?.podIP,
    allowlisted: host && port ? { host, port: Number(port) } : undefined,
    userSandbox: config.sandbox.userSandbox,
  });
  const probe = fs.readFileSync(path.join(shippedFilesDir, "ops", "smoke_probe.py"), "utf8");
  const spec = JSON.stringify({ claims, timeoutSeconds: 5 });
  const r = spawnSync("kubectl", [...contextArgs(v), "exec", "-n", ns, wanted.metadata.name, "-c", "notebook", "--", "python3", "-I", "-c", probe, spec], { encoding: "utf8" });
  if (r.error) throw new CommandError(`kubectl could not run: ${r.error.message}`);
  const report = smokeReport(claims, parseProbeOutput(r.stdout), missing);
  process.stdout.write(`smoke test from ${ns}/${wanted.metadata.name}\n${report.lines.join("\n")}\n`);
  return report.ok ? 0 : 1;
}

async function leftovers(stack: string): Promise<number> {
  const config = stackConfig(stack);
  const prefix = dnsSafePrefix(stack);
  const found = await findLeftovers({ project: config.platform.project, namePrefix: prefix, namespace: config.hub.namespace, stackLabel: prefix, region: config.platform.region });
  const report = leftoverReport(found);
  process.stdout.write(found.length === 0 ? `nothing of stack ${stack} is left in project ${config.platform.project}\n` : `${report.lines.join("\n")}\n`);
  return report.failed ? 1 : 0;
}

function contextArgs(v: Record<string, string | boolean | undefined>): string[] {
  return typeof v.context === "string" ? ["--context", v.context] : [];
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        stack: { type: "string", short: "s" }, bucket: { type: "string" }, "run-id": { type: "string" }, "batch-size": { type: "string" },
        "timeout-minutes": { type: "string" }, "dry-run": { type: "boolean" }, user: { type: "string" }, allowlisted: { type: "string" },
        context: { type: "string" }, help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    return 2;
  }
  if (values.help || !["export", "smoke", "leftovers"].includes(command ?? "")) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  if (typeof values.stack !== "string") {
    process.stderr.write(`--stack is required\n${usage}\n`);
    return 2;
  }
  const kubectl = (args: string[], input?: string) => sh("kubectl", [...contextArgs(values), ...args], input);
  try {
    if (command === "export") return await exportHomes(values.stack, values, kubectl);
    if (command === "smoke") return await smoke(values.stack, values, kubectl);
    return await leftovers(values.stack);
  } catch (e) {
    process.stderr.write(`${e instanceof CommandError ? e.message : e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}

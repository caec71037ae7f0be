// The pods KubeSpawner 7.0.0 creates for user servers, derived from Zero to JupyterHub 4.4.0 chart values:
// one for the base configuration, and one for each profile of the profile list and each choice of its
// options, with `kubespawner_override` applied the way KubeSpawner applies it. It is one translation, the
// chart's trait table and KubeSpawner's override rules side by side, so it stays in one file past 400 lines.
//
// Sources, read at their tags:
// - Z2JH 4.4.0 jupyterhub/files/hub/jupyterhub_config.py: which `singleuser.*` key becomes which
//   KubeSpawner trait (the `set_config_if_not_none` table, `image`, `allow_privilege_escalation`, the
//   volumes built from `singleuser.storage` and `singleuser.extraFiles`, the iptables init container),
//   and `hub.config.<Class>` loaded last with `c[section].update(cfg)`, so a trait set there replaces the
//   chart's. Traitlets gives a KubeSpawner section precedence over a Spawner one.
// - kubespawner 7.0.0 (a8f28439) kubespawner/spawner.py: `load_user_options` → `_load_profile` applies
//   the profile's `kubespawner_override`, then each profile option's chosen (or default) choice's, or the
//   `unlisted_choice`'s with `{value}` replaced by what the user typed (`recursive_format`);
//   `_apply_overrides` merges a dict value into a dict trait with `recursive_update` (utils.py: a `None`
//   deletes the key) and replaces anything else (lists included); `_deprecated_traits` maps `image_spec`
//   to `image`; `get_pod_manifest` passes the traits to objects.py `make_pod`, and dict-valued
//   `volumes`/`volume_mounts`/`init_containers`/`extra_containers` become lists sorted by key
//   (`_sorted_dict_values`).
// - kubespawner 7.0.0 kubespawner/objects.py `make_pod`: the pod securityContext is fsGroup and
//   supplementalGroups updated by `pod_security_context`; the container's is runAsUser (uid), runAsGroup
//   (gid), privileged (only when true) and allowPrivilegeEscalation updated by
//   `container_security_context`; limits only for truthy cpu/mem limits; no service account means
//   `automountServiceAccountToken: false` unless the trait says otherwise; `extra_container_config` and
//   then `extra_pod_config` replace whole fields of the container and of the pod spec (utils.py
//   `update_k8s_model`, camelCase or snake_case keys).

import { entries, get, isRecord, isUnknown, list, UNKNOWN } from "../core";
import { Origins, type Segments } from "./origins";

/** What KubeSpawner puts in place of `{value}` when a user types an unlisted choice. */
export const USER_INPUT = "<typed by the user>";

/** A spawner trait's value and where each part of it is set. */
export interface Trait {
  readonly value: unknown;
  readonly origins: Origins;
}

export type Traits = Map<string, Trait>;

// A value unknown at preview is the UNKNOWN symbol, which JSON cannot copy: kept as it is, so the checks
// skip it instead of the policy throwing.
const clone = <T>(value: T): T => (value === undefined || isUnknown(value) ? value : (JSON.parse(JSON.stringify(value)) as T));

/**
 * The traits the derivation reads, with KubeSpawner 7's default and the values key where an organiser
 * sets each (the chart's key when it maps one, else `hub.config.KubeSpawner.<trait>`).
 */
const TRAITS: Readonly<Record<string, { readonly fallback: unknown; readonly where: string }>> = {
  image: { fallback: "quay.io/jupyterhub/singleuser:latest", where: "values.singleuser.image" },
  uid: { fallback: null, where: "values.singleuser.uid" },
  gid: { fallback: null, where: "values.hub.config.KubeSpawner.gid" },
  fs_gid: { fallback: null, where: "values.singleuser.fsGid" },
  supplemental_gids: { fallback: [], where: "values.hub.config.KubeSpawner.supplemental_gids" },
  privileged: { fallback: false, where: "values.hub.config.KubeSpawner.privileged" },
  allow_privilege_escalation: { fallback: false, where: "values.singleuser.allowPrivilegeEscalation" },
  container_security_context: { fallback: {}, where: "values.hub.config.KubeSpawner.container_security_context" },
  pod_security_context: { fallback: {}, where: "values.hub.config.KubeSpawner.pod_security_context" },
  environment: { fallback: {}, where: "values.singleuser.extraEnv" },
  volumes: { fallback: [], where: "values.singleuser.storage.extraVolumes" },
  volume_mounts: { fallback: [], where: "values.singleuser.storage.extraVolumeMounts" },
  lifecycle_hooks: { fallback: {}, where: "values.singleuser.lifecycleHooks" },
  init_containers: { fallback: [], where: "values.singleuser.initContainers" },
  extra_containers: { fallback: [], where: "values.singleuser.extraContainers" },
  extra_container_config: { fallback: {}, where: "values.hub.config.KubeSpawner.extra_container_config" },
  extra_pod_config: { fallback: {}, where: "values.singleuser.extraPodConfig" },
  service_account: { fallback: null, where: "values.singleuser.serviceAccountName" },
  automount_service_account_token: { fallback: null, where: "values.hub.config.KubeSpawner.automount_service_account_token" },
  cpu_limit: { fallback: null, where: "values.singleuser.cpu.limit" },
  cpu_guarantee: { fallback: null, where: "values.singleuser.cpu.guarantee" },
  mem_limit: { fallback: null, where: "values.singleuser.memory.limit" },
  mem_guarantee: { fallback: null, where: "values.singleuser.memory.guarantee" },
  extra_resource_limits: { fallback: {}, where: "values.singleuser.extraResource.limits" },
  extra_resource_guarantees: { fallback: {}, where: "values.singleuser.extraResource.guarantees" },
  extra_annotations: { fallback: {}, where: "values.singleuser.extraAnnotations" },
  profile_list: { fallback: [], where: "values.singleuser.profileList" },
};

/** jupyterhub_config.py's `set_config_if_not_none(c.KubeSpawner, trait, "singleuser." + key)` rows read here. */
const CHART_TRAITS: readonly (readonly [string, string])[] = [
  ["uid", "uid"],
  ["fs_gid", "fsGid"],
  ["service_account", "serviceAccountName"],
  ["extra_annotations", "extraAnnotations"],
  ["lifecycle_hooks", "lifecycleHooks"],
  ["init_containers", "initContainers"],
  ["extra_containers", "extraContainers"],
  ["mem_limit", "memory.limit"],
  ["mem_guarantee", "memory.guarantee"],
  ["cpu_limit", "cpu.limit"],
  ["cpu_guarantee", "cpu.guarantee"],
  ["extra_resource_limits", "extraResource.limits"],
  ["extra_resource_guarantees", "extraResource.guarantees"],
  ["environment", "extraEnv"],
  ["profile_list", "profileList"],
  ["extra_pod_config", "extraPodConfig"],
];

/** kubespawner 7 `_deprecated_traits`: old names moved to new ones (the 0.9 `singleuser_` prefix too). */
function currentName(trait: string): string {
  if (trait === "image_spec") return "image";
  return /^(singleuser|user)_/.test(trait) ? trait.replace(/^(singleuser|user)_/, "") : trait;
}

/** Marks a container the chart builds itself, which values can only switch off. */
export const CHART_BUILT = "x-chart-built";

function trait(value: unknown, where: string): Trait {
  return { value: clone(value), origins: new Origins(where) };
}

function dictToTrait(items: [string, unknown, string][], where: string): Trait {
  const value: Record<string, unknown> = {};
  const origins = new Origins(where);
  for (const [key, item, itemWhere] of items) {
    value[key] = clone(item);
    origins.set([key], itemWhere);
  }
  return { value, origins };
}

/** The volumes and mounts jupyterhub_config.py builds from singleuser.storage and singleuser.extraFiles. */
function chartVolumes(v: Record<string, unknown>): { volumes: Trait; mounts: Trait } {
  const volumes: [string, unknown, string][] = [];
  const mounts: [string, unknown, string][] = [];
  const storage = get(v, "singleuser.storage");
  const type = get(storage, "type");
  if (type === "dynamic") {
    const name = get(storage, "dynamic.volumeNameTemplate");
    if (typeof name === "string") {
      volumes.push([name, { name, persistentVolumeClaim: { claimName: "{pvc_name}" } }, "values.singleuser.storage"]);
      mounts.push([name, { mountPath: get(storage, "homeMountPath"), name, subPath: get(storage, "dynamic.subPath") ?? undefined }, "values.singleuser.storage"]);
    }
  } else if (type === "static") {
    volumes.push(["home", { name: "home", persistentVolumeClaim: { claimName: get(storage, "static.pvcName") } }, "values.singleuser.storage.static"]);
    mounts.push(["home", { mountPath: get(storage, "homeMountPath"), name: "home", subPath: get(storage, "static.subPath") ?? undefined }, "values.singleuser.storage.static"]);
  }
  const files = entries(get(v, "singleuser.extraFiles"));
  if (files.length > 0) {
    const items = files.map(([key, file]) => ({ key, path: key, ...(get(file, "mode") !== undefined ? { mode: get(file, "mode") } : {}) }));
    volumes.push(["files", { name: "files", secret: { secretName: "singleuser", items } }, "values.singleuser.extraFiles"]);
    files.forEach(([key, file], i) => mounts.push([`${i}-files`, { mountPath: get(file, "mountPath"), subPath: key, name: "files" }, `values.singleuser.extraFiles.${key}`]));
  }
  const extraVolumes = get(storage, "extraVolumes");
  if (isRecord(extraVolumes)) {
    for (const [key, volume] of Object.entries(extraVolumes)) volumes.push([key, volume, `values.singleuser.storage.extraVolumes.${key}`]);
  } else {
    const items = list(extraVolumes);
    if (items !== UNKNOWN) items.forEach((volume, i) => volumes.push([String(get(volume, "name")), volume, `values.singleuser.storage.extraVolumes[${i}]`]));
  }
  const extraMounts = get(storage, "extraVolumeMounts");
  if (isRecord(extraMounts)) {
    for (const [key, mount] of Object.entries(extraMounts)) mounts.push([key, mount, `values.singleuser.storage.extraVolumeMounts.${key}`]);
  } else {
    const items = list(extraMounts);
    if (items !== UNKNOWN) items.forEach((mount, i) => mounts.push([`${i}-${String(get(mount, "name"))}`, mount, `values.singleuser.storage.extraVolumeMounts[${i}]`]));
  }
  // Later entries with the same key replace earlier ones, as Python's dict.update does.
  return { volumes: dictToTrait(volumes, "values.singleuser.storage.extraVolumes"), mounts: dictToTrait(mounts, "values.singleuser.storage.extraVolumeMounts") };
}

/** The chart's privileged iptables init container (jupyterhub_config.py, `blockWithIptables`). */
function iptablesContainer(v: Record<string, unknown>): Record<string, unknown> {
  return {
    name: "block-cloud-metadata",
    image: `${String(get(v, "singleuser.networkTools.image.name") ?? "quay.io/jupyterhub/k8s-network-tools")}:${String(get(v, "singleuser.networkTools.image.tag") ?? "4.4.0")}`,
    command: ["iptables", "--append", "OUTPUT", "--protocol", "tcp", "--destination", get(v, "singleuser.cloudMetadata.ip"), "--destination-port", "80", "--jump", "DROP"],
    securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ["NET_ADMIN"] } },
    [CHART_BUILT]: { switch: "values.singleuser.cloudMetadata.blockWithIptables", fix: "false (and block the metadata server with NetworkPolicy)" },
  };
}

/** The KubeSpawner configuration the chart writes from `singleuser.*` (`c.KubeSpawner` and `c.Spawner`). */
function chartConfig(v: Record<string, unknown>): { kube: Traits; spawner: Traits } {
  const kube: Traits = new Map();
  const spawner: Traits = new Map();
  for (const [name, key] of CHART_TRAITS) {
    const value = get(v, `singleuser.${key}`);
    if (value !== undefined && value !== null) kube.set(name, trait(value, `values.singleuser.${key}`));
  }
  const imageName = get(v, "singleuser.image.name");
  if (typeof imageName === "string" && imageName !== "") {
    const tag = get(v, "singleuser.image.tag");
    kube.set("image", trait(tag !== undefined && tag !== null && tag !== "" ? `${imageName}:${String(tag)}` : imageName, "values.singleuser.image"));
  }
  kube.set("allow_privilege_escalation", trait(get(v, "singleuser.allowPrivilegeEscalation") ?? null, "values.singleuser.allowPrivilegeEscalation"));
  const { volumes, mounts } = chartVolumes(v);
  kube.set("volumes", volumes);
  kube.set("volume_mounts", mounts);
  if (get(v, "singleuser.cloudMetadata.blockWithIptables") === true) {
    const current = kube.get("init_containers") ?? trait([], "values.singleuser.initContainers");
    const items = Array.isArray(current.value) ? current.value : [];
    current.origins.set([items.length], "values.singleuser.cloudMetadata.blockWithIptables");
    kube.set("init_containers", { value: [...items, iptablesContainer(v)], origins: current.origins });
  }
  const cmd = get(v, "singleuser.cmd");
  if (cmd !== undefined) spawner.set("cmd", trait(cmd, "values.singleuser.cmd"));
  return { kube, spawner };
}

/** `hub.config.<section>` laid over the chart's section: each trait it sets replaces the chart's. */
function updateSection(section: Traits, config: unknown, where: string): void {
  if (isUnknown(config)) return;
  for (const [name, value] of entries(config)) {
    const current = currentName(name);
    // kubespawner `_handle_deprecated_config`: a deprecated name moves to the new one only when the
    // merged section (the chart's included: it always sets `image`) does not set the new one.
    if (current !== name && (section.has(current) || get(config, current) !== undefined)) continue;
    section.set(current, trait(value, `${where}.${name}`));
  }
}

/** The base spawner traits: the chart's configuration, `hub.config`, and KubeSpawner's defaults. */
export function baseTraits(v: Record<string, unknown>): Traits {
  const { kube, spawner } = chartConfig(v);
  updateSection(spawner, get(v, "hub.config.Spawner"), "values.hub.config.Spawner");
  updateSection(kube, get(v, "hub.config.KubeSpawner"), "values.hub.config.KubeSpawner");
  const traits: Traits = new Map();
  for (const [name, { fallback, where }] of Object.entries(TRAITS)) {
    traits.set(name, kube.get(name) ?? spawner.get(name) ?? trait(fallback, where));
  }
  for (const [name, t] of [...spawner, ...kube]) if (!traits.has(name)) traits.set(name, t);
  return traits;
}

function copyTraits(traits: Traits): Traits {
  return new Map([...traits].map(([name, t]) => [name, { value: clone(t.value), origins: t.origins.copy() }]));
}

/** kubespawner utils.py `recursive_update`, keeping where each key was set. */
function recursiveUpdate(target: Record<string, unknown>, changes: Record<string, unknown>, origins: Origins, path: Segments, where: string): void {
  for (const [key, value] of Object.entries(changes)) {
    const at = [...path, key];
    const keyWhere = `${where}.${key}`;
    if (isRecord(value)) {
      if (!isRecord(target[key])) {
        target[key] = {};
        origins.set(at, keyWhere);
      }
      recursiveUpdate(target[key] as Record<string, unknown>, value, origins, at, keyWhere);
    } else if (value === null) {
      delete target[key];
      origins.set(at, keyWhere);
    } else {
      target[key] = clone(value);
      origins.set(at, keyWhere);
    }
  }
}

/** kubespawner `_apply_overrides`: a dict merges into a dict trait; anything else replaces the trait. */
export function applyOverrides(traits: Traits, override: unknown, where: string): void {
  if (isUnknown(override)) return;
  for (const [rawName, value] of entries(override)) {
    const name = currentName(rawName);
    const valueWhere = `${where}.${rawName}`;
    const current = traits.get(name);
    if (current !== undefined && isRecord(value) && isRecord(current.value)) {
      recursiveUpdate(current.value, value, current.origins, [], valueWhere);
    } else {
      traits.set(name, trait(value, valueWhere));
    }
  }
}

/** kubespawner utils.py `recursive_format` with `{value}` as what the user typed. */
function formatUserInput(value: unknown): unknown {
  if (typeof value === "string") return value.split("{value}").join(USER_INPUT);
  if (Array.isArray(value)) return value.map(formatUserInput);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [formatUserInput(k) as string, formatUserInput(v)]));
  return value;
}

interface Choice {
  readonly label: string;
  readonly override: unknown;
  readonly where: string;
  /** Set for an `unlisted_choice`: the user types the value. */
  readonly freeText?: FreeText;
  readonly isDefault: boolean;
}

/** A profile option whose value the user types (`unlisted_choice`). */
export interface FreeText {
  readonly option: string;
  /** The option's `unlisted_choice`. */
  readonly where: string;
  /** The traits whose value contains what the user typed. */
  readonly traits: readonly string[];
}

const containsUserInput = (v: unknown): boolean => JSON.stringify(v ?? null).includes(USER_INPUT);

/** One user server configuration a user can start: the base, or a profile with one choice per option. */
export interface UserVariant {
  /** "user servers" or `user servers, profile "GPU" (image = "pytorch")`. */
  readonly label: string;
  /** The profile's path in the values (undefined for the base). */
  readonly profileWhere?: string;
  readonly traits: Traits;
  /** Options whose value the user types (`unlisted_choice`). */
  readonly freeText: readonly FreeText[];
}

/** The choices of one profile option (kubespawner `_load_profile`): listed ones, then the unlisted one. */
function optionChoices(option: unknown, where: string, name: string): Choice[] {
  const choices = entries(get(option, "choices"));
  const hasDefault = choices.some(([, c]) => get(c, "default") === true);
  const found: Choice[] = choices.map(([key, c], i) => ({
    label: `${name} = "${key}"`,
    override: get(c, "kubespawner_override"),
    where: `${where}.choices.${key}.kubespawner_override`,
    isDefault: hasDefault ? get(c, "default") === true : i === 0,
  }));
  const unlisted = get(option, "unlisted_choice");
  if (get(unlisted, "enabled") === true) {
    const override = formatUserInput(get(unlisted, "kubespawner_override"));
    found.push({
      label: `${name} typed by the user`,
      override,
      where: `${where}.unlisted_choice.kubespawner_override`,
      freeText: { option: name, where: `${where}.unlisted_choice`, traits: entries(override).filter(([, v]) => containsUserInput(v)).map(([t]) => currentName(t)) },
      isDefault: false,
    });
  }
  return found;
}

/** At most this many combinations of option choices per profile; beyond it, one option varies at a time. */
const MAX_COMBINATIONS = 64;

function combinations(options: readonly Choice[][]): Choice[][] {
  const nonEmpty = options.filter((o) => o.length > 0);
  const count = nonEmpty.reduce((n, o) => n * o.length, 1);
  if (count <= MAX_COMBINATIONS) {
    return nonEmpty.reduce<Choice[][]>((acc, option) => acc.flatMap((combo) => option.map((c) => [...combo, c])), [[]]);
  }
  // Too many to list: every choice of each option once, with the other options at their defaults.
  const defaults = nonEmpty.map((o) => o.find((c) => c.isDefault) ?? (o[0] as Choice));
  return nonEmpty.flatMap((option, i) => option.map((choice) => defaults.map((d, j) => (j === i ? choice : d))));
}

/** Every user server configuration: the base when there is no profile list, else each profile × choices. */
export function userVariants(v: Record<string, unknown>): UserVariant[] {
  const base = baseTraits(v);
  const profileTrait = base.get("profile_list") as Trait;
  const profiles = list(profileTrait.value);
  if (profiles === UNKNOWN || profiles.length === 0) return [{ label: "user servers", traits: base, freeText: [] }];
  return profiles.flatMap((profile, i) => {
    const profileWhere = profileTrait.origins.locate([i]);
    const name = get(profile, "display_name") ?? get(profile, "slug") ?? `#${i}`;
    const options = entries(get(profile, "profile_options")).map(([option, spec]) => optionChoices(spec, `${profileWhere}.profile_options.${option}`, option));
    return combinations(options).map((combo) => {
      const traits = copyTraits(base);
      applyOverrides(traits, get(profile, "kubespawner_override"), `${profileWhere}.kubespawner_override`);
      for (const choice of combo) applyOverrides(traits, choice.override, choice.where);
      const chosen = combo.length > 0 ? ` (${combo.map((c) => c.label).join(", ")})` : "";
      return {
        label: `user servers, profile "${String(name)}"${chosen}`,
        profileWhere,
        traits,
        freeText: combo.flatMap((c) => (c.freeText ? [c.freeText] : [])),
      };
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// make_pod
// ---------------------------------------------------------------------------------------------------

/** A pod as the checks see it: its spec and where each part of it is set. */
export interface PodParts {
  readonly spec: Record<string, unknown>;
  readonly origins: Origins;
  readonly annotations: unknown;
  readonly annotationsWhere: string;
}

/** Python truthiness of a trait value (make_pod sets a limit only `if cpu_limit:`). */
const truthy = (v: unknown): boolean => v !== undefined && v !== null && v !== false && v !== 0 && v !== "" && !(Array.isArray(v) && v.length === 0);

/** kubespawner `_sorted_dict_values`: a dict's values sorted by key (with the keys), a list as it is. */
function sortedItems(value: unknown): [string | number, unknown][] {
  if (isRecord(value)) return Object.keys(value).sort().map((k) => [k, value[k]]);
  return Array.isArray(value) ? value.map((item, i) => [i, item]) : [];
}

/** The Kubernetes client's attribute names for the snake_case keys `update_k8s_model` accepts. */
function camel(key: string): string {
  const special: Record<string, string> = { host_pid: "hostPID", host_ipc: "hostIPC" };
  return special[key] ?? key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

const value = (traits: Traits, name: string): unknown => traits.get(name)?.value;
const originsOf = (traits: Traits, name: string): Origins => (traits.get(name) as Trait).origins;

/** objects.py `make_pod` for one set of traits. */
export function makeUserPod(traits: Traits): PodParts {
  const origins = new Origins(originsOf(traits, "extra_pod_config").locate([]));
  const spec: Record<string, unknown> = {};

  // The security contexts: the *_security_context trait (with where each of its keys was set or removed)
  // has the last word; the fields make_pod derives from other traits count where it does not set them.
  const securityContext = (path: Segments, contextTrait: string, derived: readonly (readonly [string, string, unknown])[]): Record<string, unknown> => {
    const context: Record<string, unknown> = {};
    origins.graft(path, originsOf(traits, contextTrait));
    const own = value(traits, contextTrait);
    for (const [field, name, v] of derived) {
      if (isRecord(own) && field in own) continue;
      context[field] = v;
      origins.graft([...path, field], originsOf(traits, name));
    }
    for (const [key, v] of entries(own)) context[key] = clone(v);
    return context;
  };
  const isSet = (name: string) => value(traits, name) !== null && value(traits, name) !== undefined;
  const psc = securityContext(["securityContext"], "pod_security_context", [
    ...(isSet("fs_gid") ? [["fsGroup", "fs_gid", value(traits, "fs_gid")] as const] : []),
    ...(truthy(value(traits, "supplemental_gids")) ? [["supplementalGroups", "supplemental_gids", value(traits, "supplemental_gids")] as const] : []),
  ]);
  if (Object.keys(psc).length > 0) spec.securityContext = psc;

  const at = (...path: Segments) => ["containers", 0, ...path];
  const csc = securityContext(at("securityContext"), "container_security_context", [
    ...(isSet("uid") ? [["runAsUser", "uid", value(traits, "uid")] as const] : []),
    ...(isSet("gid") ? [["runAsGroup", "gid", value(traits, "gid")] as const] : []),
    ...(truthy(value(traits, "privileged")) ? [["privileged", "privileged", true] as const] : []),
    ...(isSet("allow_privilege_escalation") ? [["allowPrivilegeEscalation", "allow_privilege_escalation", value(traits, "allow_privilege_escalation")] as const] : []),
  ]);

  const notebook: Record<string, unknown> = { name: "notebook", image: value(traits, "image") };
  origins.graft(at("image"), originsOf(traits, "image"));
  if (Object.keys(csc).length > 0) notebook.securityContext = csc;

  const requests: Record<string, unknown> = {};
  const limits: Record<string, unknown> = {};
  for (const [target, resource, name] of [
    [requests, "cpu", "cpu_guarantee"],
    [requests, "memory", "mem_guarantee"],
    [limits, "cpu", "cpu_limit"],
    [limits, "memory", "mem_limit"],
  ] as const) {
    origins.graft(at("resources", target === limits ? "limits" : "requests", resource), originsOf(traits, name));
    if (truthy(value(traits, name))) target[resource] = value(traits, name);
  }
  for (const [target, name, field] of [
    [requests, "extra_resource_guarantees", "requests"],
    [limits, "extra_resource_limits", "limits"],
  ] as const) {
    for (const [key, v] of entries(value(traits, name))) {
      target[key] = v;
      origins.graft(at("resources", field, key), originsOf(traits, name), [key]);
    }
  }
  notebook.resources = { requests, limits };

  const env = entries(value(traits, "environment")).map(([key, v], i) => {
    origins.graft(at("env", i), originsOf(traits, "environment"), [key]);
    return isRecord(v) ? { name: key, ...v } : { name: key, value: v };
  });
  if (env.length > 0) notebook.env = env;
  notebook.volumeMounts = sortedItems(value(traits, "volume_mounts")).map(([key, mount], i) => {
    origins.graft(at("volumeMounts", i), originsOf(traits, "volume_mounts"), [key]);
    return mount;
  });
  if (truthy(value(traits, "lifecycle_hooks"))) {
    notebook.lifecycle = value(traits, "lifecycle_hooks");
    origins.graft(at("lifecycle"), originsOf(traits, "lifecycle_hooks"));
  }
  for (const [key, v] of entries(value(traits, "extra_container_config"))) {
    notebook[camel(key)] = clone(v);
    origins.graft(at(camel(key)), originsOf(traits, "extra_container_config"), [key]);
  }

  spec.containers = [notebook];
  sortedItems(value(traits, "extra_containers")).forEach(([key, container], i) => {
    (spec.containers as unknown[]).push(container);
    origins.graft(["containers", i + 1], originsOf(traits, "extra_containers"), [key]);
  });
  const init = sortedItems(value(traits, "init_containers"));
  if (init.length > 0) {
    spec.initContainers = init.map(([key, container], i) => {
      origins.graft(["initContainers", i], originsOf(traits, "init_containers"), [key]);
      return container;
    });
  }
  spec.volumes = sortedItems(value(traits, "volumes")).map(([key, volume], i) => {
    origins.graft(["volumes", i], originsOf(traits, "volumes"), [key]);
    return volume;
  });

  const account = value(traits, "service_account");
  origins.graft(["serviceAccountName"], originsOf(traits, "service_account"));
  if (account !== null && account !== undefined) spec.serviceAccountName = account;
  const automount = value(traits, "automount_service_account_token");
  origins.graft(["automountServiceAccountToken"], originsOf(traits, "automount_service_account_token"));
  if (automount === null || automount === undefined) {
    // objects.py: with neither a service account nor the trait, the pod gets no API token.
    if (account === null || account === undefined) spec.automountServiceAccountToken = false;
  } else {
    spec.automountServiceAccountToken = automount;
  }

  for (const [key, v] of entries(value(traits, "extra_pod_config"))) {
    spec[camel(key)] = clone(v);
    origins.graft([camel(key)], originsOf(traits, "extra_pod_config"), [key]);
  }

  return { spec, origins, annotations: value(traits, "extra_annotations"), annotationsWhere: originsOf(traits, "extra_annotations").locate([]) };
}

import * as pulumi from "@pulumi/pulumi";
import { mockRuntimeInternals, wire, type WireRegisterRequest, type WireRegisterResponse } from "../../policy-pack/sdk";
import { projectName } from "../config/read";

// Runs the real program in-process under Pulumi's mock runtime and records what it declares, with the
// URN, parent, provider and dependencies that `pulumi preview --json` would show. No CLI, no cloud.

// The mock monitor and the wire format are SDK internals, reached only through policy-pack/sdk.ts.

export interface DeclaredResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly provider?: string;
  readonly dependencies: readonly string[];
  /** Inputs as the engine sees them; secret values appear as "[secret]", as in `pulumi preview --json`. */
  readonly inputs: Record<string, unknown>;
  /** The mock's state for the resource (inputs plus plausible computed outputs). */
  readonly outputs: Record<string, unknown>;
  /** Present (true) only for a resource Pulumi leaves in the cloud on delete, as preview --json shows it. */
  readonly retainOnDelete?: true;
  /** The resource option `ignoreChanges`: properties whose change Pulumi leaves as deployed. */
  readonly ignoreChanges: readonly string[];
  /** Present (true) only for a resource declared with `protect`: Pulumi refuses to delete it. */
  readonly protect?: true;
  /** Present (true) only for a resource declared with `deleteBeforeReplace`. */
  readonly deleteBeforeReplace?: true;
  /** Present only for a resource declared with `aliases`: the URNs or specs it was known by. */
  readonly aliases?: readonly unknown[];
}

/** A data source the program called (an invoke), with the arguments it was called with. */
export interface DeclaredInvoke {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

export interface OfflineRun<T = Record<string, unknown>> {
  readonly stack: string;
  readonly resources: readonly DeclaredResource[];
  readonly invokes: readonly DeclaredInvoke[];
  /** Stack outputs, resolved; secret outputs appear as "[secret]". */
  readonly outputs: Record<string, unknown>;
  /** What the program returned, unresolved and typed: its plain-data outputs can be read as they are. */
  readonly exported: T;
  /**
   * Every string the mock runtime made up because only the cloud knows it (ids, generated names, the
   * static IP, name servers, endpoints, DNS records): a value holding one of them is a placeholder, not
   * what `pulumi up` will produce.
   */
  readonly invented: ReadonlySet<string>;
}

/** The strings of `value`'s leaves. */
function leafStrings(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => leafStrings(v, into));
  else if (value !== null && typeof value === "object") Object.values(value).forEach((v) => leafStrings(v, into));
  return into;
}

/**
 * What `computedOutputs` / `computedCallOutputs` made up: a name the program did not set (Pulumi or the
 * cloud picks the real one), and the fields only the cloud knows. The email of a service account is left
 * out: the mock derives it from the inputs exactly as IAM does.
 */
function inventedIn(made: Record<string, unknown>, inputs: Record<string, unknown>): string[] {
  const field = (value: unknown, key: string): unknown =>
    value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  const each = (list: unknown, key: string): unknown[] => (Array.isArray(list) ? list.map((x) => field(x, key)) : []);
  return [
    ...(inputs.name === undefined && typeof made.name === "string" ? [made.name] : []),
    ...leafStrings([
      made.address,
      made.endpoint,
      made.nameServers,
      field(field(made.controlPlaneEndpointsConfig, "dnsEndpointConfig"), "endpoint"),
      each(made.dnsResourceRecords, "data"),
      each(made.keySigningKeys, "dsRecord"),
      made.id,
    ]),
  ];
}

/**
 * True when `value` holds a string the mock runtime invented: equal to one, or containing one that cannot
 * occur by chance (an address, a DNS name, a record: it has a dot), as a URL holds the static IP.
 */
export function holdsInvented(value: unknown, invented: ReadonlySet<string>): boolean {
  return [...leafStrings(value)].some((s) => invented.has(s) || [...invented].some((made) => made.includes(".") && s.includes(made)));
}

export const secretMarker = "[secret]";

/** Replaces the wire format's secrets, resource references and assets with what preview prints. */
export function plainFromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainFromWire);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  switch (obj[wire.sigKey]) {
    case wire.secretSig:
      return secretMarker;
    case wire.resourceSig:
      return obj.urn;
    case wire.outputValueSig:
      return obj.secret ? secretMarker : plainFromWire(obj.value);
    case wire.assetSig:
    case wire.archiveSig:
      return { path: obj.path, text: obj.text, uri: obj.uri };
    default:
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plainFromWire(v)]));
  }
}

const fakeProjectNumber = "123456789012";

/** A nested input as a record: the mock hands the inputs over as untyped wire data. */
function fieldsOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Plausible values for outputs the cloud would compute, keyed by type token. */
function computedOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const resourceName = inputs.name ?? name;
  switch (type) {
    case "gcp:serviceaccount/account:Account":
      return {
        email: `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`,
        name: `projects/${inputs.project}/serviceAccounts/${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`,
      };
    case "gcp:container/cluster:Cluster": {
      const endpoints = fieldsOf(inputs.controlPlaneEndpointsConfig);
      return {
        name: resourceName,
        endpoint: "192.0.2.10",
        controlPlaneEndpointsConfig: {
          ...endpoints,
          dnsEndpointConfig: {
            ...fieldsOf(endpoints.dnsEndpointConfig),
            endpoint: `gke-0123456789abcdef-${fakeProjectNumber}.${inputs.location}.gke.goog`,
          },
        },
      };
    }
    case "gcp:dns/managedZone:ManagedZone":
      return { name: resourceName, nameServers: [1, 2, 3, 4].map((n) => `ns-cloud-a${n}.googledomains.com.`) };
    case "gcp:compute/globalAddress:GlobalAddress":
      return { name: resourceName, address: "203.0.113.10" };
    case "gcp:certificatemanager/dnsAuthorization:DnsAuthorization":
      return {
        name: resourceName,
        dnsResourceRecords: [{
          name: `_acme-challenge.${inputs.domain}.`,
          type: "CNAME",
          data: `0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0.4.authorize.certificatemanager.goog.`,
        }],
      };
    case "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig":
      // Cloud Monitoring derives the id from the display name and adds a suffix.
      return { name: `projects/${inputs.project}/uptimeCheckConfigs/${name}-a1b2c3`, uptimeCheckId: `${name}-a1b2c3` };
    case "gcp:monitoring/notificationChannel:NotificationChannel":
      return { name: `projects/${inputs.project}/notificationChannels/${1000 + name.length}` };
    default:
      return inputs.name === undefined && type.startsWith("gcp:") ? { name: resourceName } : {};
  }
}

/**
 * DS records of the mock's key-signing keys: Cloud DNS mid key rollover lists the next key, not active yet,
 * beside the active one (the record format as Cloud DNS prints it: key tag, algorithm 8 = RSASHA256,
 * digest type 2 = SHA-256, digest; cloud.google.com/dns/docs/registrars).
 */
export const mockKeySigningKeys = [
  { isActive: true, dsRecord: "18311 8 2 1A347FBF4EDA76375760AEB183E3B0081C9D8BE63384637D46ED5F6C010F961B" },
  { isActive: false, dsRecord: "40214 8 2 7C1A0D5B8E2F3A4B6C5D7E8F9A0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B" },
];

/** Plausible answers of the data sources the program calls, keyed by invoke token. */
function computedCallOutputs(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (token) {
    case "gcp:dns/getKeys:getKeys":
      return {
        id: `projects/${inputs.project}/managedZones/${inputs.managedZone}`,
        keySigningKeys: mockKeySigningKeys.map((key) => ({ ...key, algorithm: "rsasha256", keyTag: Number(key.dsRecord.split(" ")[0]) })),
        zoneSigningKeys: [],
      };
    case "gcp:organizations/getProject:getProject":
      return { projectId: inputs.projectId, number: fakeProjectNumber };
    default:
      return {};
  }
}

async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown>;
    if (await pulumi.isSecret(output)) return secretMarker;
    const inner = await new Promise<unknown>((resolve) => output.apply((v) => { resolve(v); return v; }));
    return resolveDeep(inner);
  }
  if (value instanceof Promise) return resolveDeep(await value);
  if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const));
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return value;
}

/**
 * Runs `program` as stack `stack` with `config` (fully qualified keys, string values) under mocks.
 * The program is passed in rather than imported so a process can plan several stacks in turn.
 */
export async function runOffline<T extends Record<string, unknown>>(
  stack: string,
  config: Record<string, string>,
  secretKeys: readonly string[],
  program: () => T,
  onResource: (r: DeclaredResource) => void = () => undefined,
): Promise<OfflineRun<T>> {
  const resources: DeclaredResource[] = [];
  const invokes: DeclaredInvoke[] = [];
  const invented = new Set<string>();
  pulumi.runtime.setAllConfig(config, [...secretKeys]);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const made = computedOutputs(args.type, args.name, args.inputs);
        const id = `${args.name}-id`;
        invented.add(id);
        inventedIn(made, args.inputs).forEach((s) => invented.add(s));
        return { id, state: { ...args.inputs, ...made } };
      },
      call: (args) => {
        invokes.push({ token: args.token, inputs: plainFromWire(args.inputs) as Record<string, unknown> });
        const made = computedCallOutputs(args.token, args.inputs);
        inventedIn(made, args.inputs).forEach((s) => invented.add(s));
        return { ...args.inputs, ...made };
      },
    },
    projectName,
    stack,
    true,
  );
  const runtime = mockRuntimeInternals(pulumi.runtime);
  const monitor = runtime.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: WireRegisterRequest, callback: (err: unknown, resp: WireRegisterResponse | undefined) => void) =>
    register(req, (err: unknown, resp: WireRegisterResponse | undefined) => {
      if (!err && resp) {
        const urn: string = resp.getUrn();
        const declared: DeclaredResource = {
          type: req.getType(),
          name: req.getName(),
          urn,
          custom: req.getCustom(),
          parent: req.getParent() || undefined,
          provider: req.getProvider() || undefined,
          dependencies: req.getDependenciesList(),
          ignoreChanges: req.getIgnorechangesList(),
          inputs: plainFromWire(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
          outputs: plainFromWire(resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
          // The generated request's getter (proto/resource_pb.d.ts `getRetainondelete`), read only when set.
          ...((req as { getRetainondelete?: () => boolean | undefined }).getRetainondelete?.() ? { retainOnDelete: true as const } : {}),
          ...(req.getProtect() ? { protect: true as const } : {}),
          ...(req.getDeletebeforereplace() ? { deleteBeforeReplace: true as const } : {}),
          ...(req.getAliasesList().length + req.getAliasurnsList().length > 0
            ? { aliases: [...req.getAliasurnsList(), ...req.getAliasesList().map((a) => a.toObject())] }
            : {}),
        };
        resources.push(declared);
        onResource(declared);
      }
      callback(err, resp);
    });

  const exported = program();
  const outputs = (await resolveDeep(exported)) as Record<string, unknown>;
  await runtime.waitForRPCs();
  return { stack, resources, invokes, outputs, exported, invented };
}

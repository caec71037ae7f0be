// Every place this repository reaches past the public API of the Pulumi SDKs, in one module: the policy
// pack's property readers and offline checker, and the program's offline runner (infra/tools/offline.ts).
// Each entry names the upstream file it relies on. They hold for the versions in SDK_VERSIONS, which
// test/policy-pack/sdk.test.ts pins: bumping either SDK fails that test until every entry below has been
// re-read at the new tag and the pin moved.
//
// It lives in the pack (so `npm pack` ships it with the policies) and needs only the pack's own
// dependencies, @pulumi/pulumi and @pulumi/policy.

import * as policyProxyModule from "@pulumi/policy/proxy";
import * as rpc from "@pulumi/pulumi/runtime/rpc";

/** The SDK versions every entry here was checked against (also the pins in both package.json files). */
export const SDK_VERSIONS = { "@pulumi/pulumi": "3.248.0", "@pulumi/policy": "1.21.0" } as const;

// ---------------------------------------------------------------------------------------------------
// The engine's wire format (@pulumi/pulumi runtime/rpc.ts). `pulumi preview --json` and
// `pulumi stack export` print property values in it; the mock monitor hands them over in it too.
// ---------------------------------------------------------------------------------------------------

export const wire = {
  /** The key of the signature that marks a special value (secret, resource reference, output, asset). */
  sigKey: rpc.specialSigKey,
  secretSig: rpc.specialSecretSig,
  resourceSig: rpc.specialResourceSig,
  outputValueSig: rpc.specialOutputValueSig,
  assetSig: rpc.specialAssetSig,
  archiveSig: rpc.specialArchiveSig,
  /** The string the engine sends for a value not known until the update (preview). */
  unknownValue: rpc.unknownValue,
} as const;

// ---------------------------------------------------------------------------------------------------
// The policy SDK's unknown-value proxy (@pulumi/policy proxy.ts). The analyzer server wraps every
// resource's properties in it; the offline checker must wrap them the same way. These exports exist at
// run time, but the published proxy.d.ts is `export {}` (they are marked @internal), hence the cast.
// ---------------------------------------------------------------------------------------------------

interface PolicyProxyModule {
  unknownCheckingProxy(value: unknown): Record<string, unknown>;
  UnknownValueError: new (...args: never[]) => Error;
  getSpecialProxyTarget: string;
  unknownBooleanValue: string;
  unknownNumberValue: string;
  unknownStringValue: string;
  unknownArrayValue: string;
  unknownAssetValue: string;
  unknownArchiveValue: string;
  unknownObjectValue: string;
}

const policyProxy = policyProxyModule as unknown as PolicyProxyModule;

/** Wraps properties so that reading an unknown value throws `UnknownValueError`, as the server does. */
export const unknownCheckingProxy: (value: unknown) => Record<string, unknown> = policyProxy.unknownCheckingProxy;

/** What the proxy throws on reading an unknown value; the server turns it into an advisory "can't run". */
export const UnknownValueError: new (...args: never[]) => Error = policyProxy.UnknownValueError;

/** The property the proxy answers with the object it wraps. */
export const PROXY_TARGET_KEY: string = policyProxy.getSpecialProxyTarget;

/** The sentinels for values unknown at preview, one per kind (boolean, number, string, array, asset…). */
export const UNKNOWN_SENTINELS: readonly string[] = [
  policyProxy.unknownBooleanValue,
  policyProxy.unknownNumberValue,
  policyProxy.unknownStringValue,
  policyProxy.unknownArrayValue,
  policyProxy.unknownAssetValue,
  policyProxy.unknownArchiveValue,
  policyProxy.unknownObjectValue,
];

// ---------------------------------------------------------------------------------------------------
// The mock runtime's resource monitor (@pulumi/pulumi runtime/settings.ts and runtime/mocks.ts), which
// infra/tools/offline.ts taps to record what the program declares. The caller passes its own
// `pulumi.runtime`, so these are the very SDK copy the program registered its resources with (the pack's
// install and the program's are separate copies of the same version).
// ---------------------------------------------------------------------------------------------------

/** A RegisterResourceRequest as the mock monitor receives it (generated protobuf getters). */
export interface WireRegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  /** The resource option `ignoreChanges` (proto field ignoreChanges). */
  getIgnorechangesList(): string[];
  /** The resource options `protect`, `deleteBeforeReplace` and `aliases` (proto/resource_pb.d.ts). */
  getProtect(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getAliasurnsList(): string[];
  getAliasesList(): { toObject(): unknown }[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** A RegisterResourceResponse, as far as the offline runner reads it. */
export interface WireRegisterResponse {
  getUrn(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** MockMonitor.registerResource (runtime/mocks.ts): callback-style, as the generated gRPC client is. */
export interface MockMonitor {
  registerResource(req: WireRegisterRequest, callback: (err: unknown, resp: WireRegisterResponse | undefined) => void): void;
}

export interface MockRuntimeInternals {
  /** The monitor `setMocks` installed (settings.ts `getMonitor`). */
  getMonitor(): MockMonitor;
  /** Resolves when every queued resource registration has finished (settings.ts `waitForRPCs`, @internal). */
  waitForRPCs(): Promise<void>;
}

/** The mock-runtime internals of the caller's SDK copy: pass `pulumi.runtime`. */
export function mockRuntimeInternals(runtime: object): MockRuntimeInternals {
  const r = runtime as { getMonitor?: () => unknown; waitForRPCs?: () => Promise<void> };
  if (typeof r.getMonitor !== "function" || typeof r.waitForRPCs !== "function") {
    throw new Error(`@pulumi/pulumi no longer exports runtime.getMonitor/waitForRPCs; re-check policy-pack/sdk.ts against it (written for ${SDK_VERSIONS["@pulumi/pulumi"]})`);
  }
  const getMonitor = r.getMonitor.bind(runtime);
  const waitForRPCs = r.waitForRPCs.bind(runtime);
  return {
    getMonitor: () => {
      const monitor = getMonitor() as Partial<MockMonitor> | undefined;
      if (monitor === undefined || typeof monitor.registerResource !== "function") {
        throw new Error("no mock monitor: call pulumi.runtime.setMocks before reading it");
      }
      return monitor as MockMonitor;
    },
    waitForRPCs: () => waitForRPCs(),
  };
}

// ---------------------------------------------------------------------------------------------------
// Which config keys are secrets (@pulumi/pulumi runtime/config.ts `isConfigSecret`, @internal: exported at
// run time, absent from config.d.ts). The Node language host passes the keys the stack file stores as
// `secure:` values in PULUMI_CONFIG_SECRET_KEYS; `runtime.setAllConfig(config, secretKeys)` sets the same
// store under mocks. The program uses it to refuse a secret written in plain text (infra/config/read.ts).
// ---------------------------------------------------------------------------------------------------

/** The caller's `isConfigSecret(fullyQualifiedKey)`: pass `pulumi.runtime`. */
export function configSecretCheck(runtime: object): (fullKey: string) => boolean {
  const r = runtime as { isConfigSecret?: (k: string) => boolean };
  if (typeof r.isConfigSecret !== "function") {
    throw new Error(`@pulumi/pulumi no longer exports runtime.isConfigSecret; re-check policy-pack/sdk.ts against it (written for ${SDK_VERSIONS["@pulumi/pulumi"]})`);
  }
  const isConfigSecret = r.isConfigSecret.bind(runtime);
  return (fullKey) => isConfigSecret(fullKey);
}

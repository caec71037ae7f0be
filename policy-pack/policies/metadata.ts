// How the pack's own description of a policy (area, sources) maps onto the metadata CrossGuard carries for
// every policy (@pulumi/policy 1.21 policy.d.ts `Policy`: tags, framework, url, severity,
// remediationSteps), which `pulumi policy publish` uploads and Pulumi Cloud shows and filters by
// (https://www.pulumi.com/docs/insights/policy/policy-packs/metadata/). Only what means the same moves:
//   - the area becomes the first tag;
//   - a source that cites a compliance framework (CIS GKE Benchmark 1.9.0, Pod Security Standards)
//     becomes `framework`, with the recommendation or control as its `reference`;
//   - the first web address among the sources becomes `url`.
// The list of sources stays the pack's own (CrossGuard has one framework and one URL per policy).

import type { PolicyComplianceFramework } from "@pulumi/policy";

/** The pack's areas, in the order the README lists them. */
export const AREAS = ["GKE", "Network", "Edge", "JupyterHub", "Kubernetes", "Stack"] as const;
export type Area = (typeof AREAS)[number];

/** Each area's tag, the first of a policy's tags. */
export const AREA_TAGS: Readonly<Record<Area, string>> = {
  GKE: "gke",
  Network: "network",
  Edge: "edge",
  JupyterHub: "jupyterhub",
  Kubernetes: "kubernetes",
  Stack: "stack",
};

/** The area a policy's first tag names. */
export function areaOf(policy: { readonly name: string; readonly tags?: readonly string[] }): Area {
  const area = AREAS.find((a) => AREA_TAGS[a] === policy.tags?.[0]);
  if (area === undefined) throw new Error(`policy ${policy.name} has no area tag first (tags: ${JSON.stringify(policy.tags)})`);
  return area;
}

// CIS Google Kubernetes Engine (GKE) Benchmark v1.9.0, cited as "CIS GKE 1.9.0 <recommendation>".
const CIS_GKE = /^CIS GKE (1\.9\.0) (\d+(?:\.\d+)+)$/;
// The Pod Security Standards page the Kubernetes checks follow (kubernetes/: Kubernetes 1.33), cited
// as "Pod Security Standards: <profile>" with the control in parentheses.
const PSS = /^Pod Security Standards: (baseline|restricted)(?: \(([^)]+)\))?$/;
const PSS_VERSION = "v1.33";
export const PSS_URL = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The compliance framework of the first source that cites one, with every recommendation or control the
 * sources cite from it. `specification` is the pack's own statement of the requirement (its
 * description): the benchmark's wording is the publisher's and is not copied here.
 */
export function frameworkOf(sources: readonly string[], description: string): PolicyComplianceFramework | undefined {
  for (const source of sources) {
    if (CIS_GKE.test(source)) {
      const references = sources.map((s) => CIS_GKE.exec(s)?.[2]).filter((r): r is string => r !== undefined);
      return { name: "CIS Google Kubernetes Engine (GKE) Benchmark", version: "1.9.0", reference: references.join(", "), specification: description };
    }
    if (PSS.test(source)) {
      const references = sources
        .map((s) => PSS.exec(s))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => (m[2] ? `${capitalised(m[1] as string)}: ${m[2]}` : capitalised(m[1] as string)));
      return { name: "Kubernetes Pod Security Standards", version: PSS_VERSION, reference: references.join(", "), specification: description };
    }
  }
  return undefined;
}

/** The first web address among the sources, else the framework's own page when it has a public one. */
export function urlOf(sources: readonly string[], framework: PolicyComplianceFramework | undefined): string | undefined {
  for (const source of sources) {
    const match = /https:\/\/[^\s);]+/.exec(source);
    if (match) return match[0];
  }
  return framework?.name === "Kubernetes Pod Security Standards" ? PSS_URL : undefined;
}

/** A policy's tags: its area's first, then a short tag for its framework. */
export function tagsOf(area: Area, framework: PolicyComplianceFramework | undefined): string[] {
  const frameworkTag = framework === undefined ? [] : framework.name.startsWith("CIS") ? ["cis-gke"] : ["pod-security-standards"];
  return [AREA_TAGS[area], ...frameworkTag];
}

// Unit prices, USD on demand, per region.
//
// Machines and pd-balanced: Google's Cloud Billing Catalog, as extracted by Cyclenerd's
// google-cloud-pricing-cost-calculator (github.com/Cyclenerd/google-cloud-pricing-cost-calculator,
// pricing.yml "generated: Thu Jul 30 06:13:17 2026", commit fd66b26). That file prices every machine shape
// per region; each family's price there is exactly vCPUs × a vCPU rate + GiB × a memory rate, and the
// two rates below are those (solved from every standard/highmem/highcpu shape of the family, with no
// residual). asia-south1's N2D rates are about half of N2's there: that is what the catalogue listed.
// us-central1 E2 and N2 agree with OpenCost's defaults (configs/default.json) to the sixth digit.
// Everything else is one global list price: Cloud NAT (cloud.google.com/nat/pricing), Cloud Load
// Balancing forwarding rules (cloud.google.com/load-balancing/pricing), the GKE cluster fee
// (cloud.google.com/kubernetes-engine/pricing) and the NVIDIA T4 (us-central1's; other regions differ).
// A region outside this table is priced as us-central1 and the plan says so loudly (see `pricesFor`).
// Re-check before an event and override per stack with `priceOverrides`.

/** Unit prices in USD; every field can be overridden by the `priceOverrides` config key. */
export interface PriceTable {
  readonly source: string;
  readonly asOf: string;
  readonly currency: "USD";
  /** The region these prices are for; the plan warns when it is not the stack's. */
  readonly region: string;
  /** Per vCPU-hour and per GiB-hour, by machine family. */
  readonly vcpuHour: Readonly<Record<string, number>>;
  readonly memoryGiBHour: Readonly<Record<string, number>>;
  /** Per GPU-hour, by accelerator type. */
  readonly gpuHour: Readonly<Record<string, number>>;
  readonly balancedDiskGiBMonth: number;
  readonly clusterFeeHour: number;
  /** Global forwarding rules are billed as one flat rate for the first five, then per rule. */
  readonly forwardingRulesFirstFiveHour: number;
  readonly forwardingRuleExtraHour: number;
  readonly natGatewayVmHour: number;
  readonly natGatewayHourCap: number;
  readonly natIpHour: number;
  readonly hoursPerMonth: number;
}

interface RegionalPrices {
  readonly balancedDiskGiBMonth: number;
  /** Family → [USD per vCPU-hour, USD per GiB-hour]. */
  readonly machines: Readonly<Record<string, readonly [number, number]>>;
}

export const regionalPricesSource =
  "Google Cloud Billing Catalog via Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml (generated 2026-07-30)";
export const regionalPricesAsOf = "2026-07-30";

/** On-demand machine and pd-balanced prices for the regions events commonly use. */
export const regionalPrices: Readonly<Record<string, RegionalPrices>> = {
  "us-central1": { balancedDiskGiBMonth: 0.1, machines: { e2: [0.02181159, 0.00292353], n2: [0.031611, 0.004237], n2d: [0.027502, 0.003686], n1: [0.031611, 0.004237], c3: [0.03465, 0.003938], n4: [0.03119, 0.00354] } },
  "us-east1": { balancedDiskGiBMonth: 0.1, machines: { e2: [0.02181159, 0.00292353], n2: [0.031611, 0.004237], n2d: [0.027502, 0.003686], n1: [0.031611, 0.004237], c3: [0.03465, 0.003938], n4: [0.03119, 0.00354] } },
  "us-east4": { balancedDiskGiBMonth: 0.11, machines: { e2: [0.02456745, 0.00329199], n2: [0.035605, 0.004771], n2d: [0.030976, 0.004151], n1: [0.035605, 0.004771], c3: [0.03465, 0.003938], n4: [0.03119, 0.00354] } },
  "us-west1": { balancedDiskGiBMonth: 0.1, machines: { e2: [0.02181159, 0.00292353], n2: [0.031611, 0.004237], n2d: [0.027502, 0.003686], n1: [0.031611, 0.004237], c3: [0.03465, 0.003938], n4: [0.03119, 0.00354] } },
  "us-west2": { balancedDiskGiBMonth: 0.12, machines: { e2: [0.0261993, 0.00351141], n2: [0.03797, 0.005089], n2d: [0.033034, 0.004427], n1: [0.03797, 0.005089], c3: [0.04165277, 0.00473387], n4: [0.0374935, 0.004255434] } },
  "northamerica-northeast1": { balancedDiskGiBMonth: 0.11, machines: { e2: [0.02401338, 0.00321816], n2: [0.034802, 0.004664], n2d: [0.030278, 0.004058], n1: [0.034802, 0.004664], c3: [0.03815312, 0.00433613], n4: [0.03434331, 0.003897894] } },
  "southamerica-east1": { balancedDiskGiBMonth: 0.15, machines: { e2: [0.0346242, 0.00464025], n2: [0.05018, 0.006725], n2d: [0.043657, 0.005851], n1: [0.05018, 0.006725], c3: [0.05502074, 0.00625315], n4: [0.0495266, 0.005621166] } },
  "europe-west1": { balancedDiskGiBMonth: 0.1, machines: { e2: [0.02399337, 0.00321609], n2: [0.034773, 0.004661], n2d: [0.030253, 0.004055], n1: [0.034773, 0.004661], c3: [0.03815312, 0.00433613], n4: [0.03434331, 0.003897894] } },
  "europe-west2": { balancedDiskGiBMonth: 0.12, machines: { e2: [0.0281037, 0.00376602], n2: [0.04073, 0.005458], n2d: [0.035435, 0.004748], n1: [0.04073, 0.005458], c3: [0.039501, 0.00448932], n4: [0.0355566, 0.0040356] } },
  "europe-west3": { balancedDiskGiBMonth: 0.12, machines: { e2: [0.0281037, 0.00376602], n2: [0.04073, 0.005458], n2d: [0.035435, 0.004748], n1: [0.04073, 0.005458], c3: [0.040887, 0.00464684], n4: [0.0368042, 0.0041772] } },
  "europe-west4": { balancedDiskGiBMonth: 0.11, machines: { e2: [0.02401338, 0.00321816], n2: [0.034802, 0.004664], n2d: [0.030278, 0.004058], n1: [0.034802, 0.004664], c3: [0.0363825, 0.0041349], n4: [0.0327495, 0.003717] } },
  "europe-west6": { balancedDiskGiBMonth: 0.13, machines: { e2: [0.02857225, 0.00382977], n2: [0.041409, 0.005551], n2d: [0.036026, 0.004829], n1: [0.041409, 0.00555], c3: [0.04539392, 0.00515851], n4: [0.0408589, 0.0046374] } },
  "europe-north1": { balancedDiskGiBMonth: 0.11, machines: { e2: [0.02401614, 0.00321816], n2: [0.034806, 0.004664], n2d: [0.030281, 0.004058], n1: [0.034806, 0.004664], c3: [0.03815312, 0.00433613], n4: [0.03434331, 0.003897894] } },
  "europe-central2": { balancedDiskGiBMonth: 0.13, machines: { e2: [0.0263922, 0.00353742], n2: [0.03825, 0.005127], n2d: [0.033277, 0.00446], n1: [0.03825, 0.005127], c3: [0.0419243, 0.00476473], n4: [0.0377399, 0.0042834] } },
  "asia-east1": { balancedDiskGiBMonth: 0.1, machines: { e2: [0.02525538, 0.00338514], n2: [0.036602, 0.004906], n2d: [0.031844, 0.004268], n1: [0.036602, 0.004906], c3: [0.04012123, 0.00455981], n4: [0.0361149, 0.004098966] } },
  "asia-northeast1": { balancedDiskGiBMonth: 0.13, machines: { e2: [0.02802642, 0.00373911], n2: [0.040618, 0.005419], n2d: [0.035338, 0.004715], n1: [0.040618, 0.005419], c3: [0.04449753, 0.00505718], n4: [0.0400542, 0.004546068] } },
  "asia-south1": { balancedDiskGiBMonth: 0.12, machines: { e2: [0.0261993, 0.00351072], n2: [0.03797, 0.005088], n2d: [0.018151, 0.002433], n1: [0.03797, 0.005088], c3: [0.036036, 0.00409552], n4: [0.0324376, 0.0036816] } },
  "asia-southeast1": { balancedDiskGiBMonth: 0.11, machines: { e2: [0.02690931, 0.00360594], n2: [0.038999, 0.005226], n2d: [0.033929, 0.004547], n1: [0.038999, 0.005226], c3: [0.04274771, 0.00485831], n4: [0.0384791, 0.004367298] } },
  "australia-southeast1": { balancedDiskGiBMonth: 0.135, machines: { e2: [0.03095064, 0.00414759], n2: [0.044856, 0.006011], n2d: [0.039025, 0.00523], n1: [0.044856, 0.006011], c3: [0.0433125, 0.0049225], n4: [0.0389875, 0.004425] } },
};

/** The region whose prices stand in for a region the table does not hold. */
export const fallbackPriceRegion = "us-central1";

const globalPrices = {
  gpuHour: { "nvidia-tesla-t4": 0.35 },
  clusterFeeHour: 0.1,
  forwardingRulesFirstFiveHour: 0.025,
  forwardingRuleExtraHour: 0.01,
  natGatewayVmHour: 0.0014,
  natGatewayHourCap: 0.044,
  natIpHour: 0.005,
  hoursPerMonth: 730,
} as const;

/**
 * The price table for a region: its own prices when the table holds them, else us-central1's, with the
 * table's `region` saying whose prices they are (the plan compares it with the stack's region).
 */
export function pricesFor(region: string): PriceTable {
  const priced = regionalPrices[region] ? region : fallbackPriceRegion;
  const r = regionalPrices[priced];
  const families = Object.keys(r.machines);
  return {
    source:
      `${regionalPricesSource}, ${priced} (machines, pd-balanced); cloud.google.com pricing pages for Cloud NAT, ` +
      "load balancing and GKE; NVIDIA T4 at us-central1's list price",
    asOf: regionalPricesAsOf,
    currency: "USD",
    region: priced,
    vcpuHour: Object.fromEntries(families.map((f) => [f, r.machines[f][0]])),
    memoryGiBHour: Object.fromEntries(families.map((f) => [f, r.machines[f][1]])),
    balancedDiskGiBMonth: r.balancedDiskGiBMonth,
    ...globalPrices,
  };
}

/** us-central1's table: the reference the issue's per-user figure is stated in. */
export const defaultPriceTable: PriceTable = pricesFor(fallbackPriceRegion);

// Default unit prices, USD on-demand in us-central1. Machine prices are OpenCost's defaults
// ("Default prices based on GCP us-central1", configs/default.json and its Go DefaultPricing for E2);
// the rest are Google's published list prices (compute disks, Cloud NAT, Cloud Load Balancing and GKE
// pricing pages). Re-check before an event and override per stack with `priceOverrides`.
/** Unit prices in USD; every field can be overridden by the `priceOverrides` config key. */
export interface PriceTable {
  readonly source: string;
  readonly asOf: string;
  readonly currency: "USD";
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

export const defaultPriceTable: PriceTable = {
  source:
    "OpenCost default GCP us-central1 prices (N1/N2/E2 vCPU and RAM); cloud.google.com pricing pages for " +
    "disks, Cloud NAT, load balancing and GKE; NVIDIA T4 list price. Other regions differ.",
  asOf: "2026-11-01",
  currency: "USD",
  vcpuHour: { e2: 0.021811, n2: 0.031611, n1: 0.031611 },
  memoryGiBHour: { e2: 0.002923, n2: 0.004237, n1: 0.004237 },
  gpuHour: { "nvidia-tesla-t4": 0.35 },
  // pd-balanced, the GKE default storage class `standard-rwo` and our boot disks.
  balancedDiskGiBMonth: 0.1,
  clusterFeeHour: 0.1,
  forwardingRulesFirstFiveHour: 0.025,
  forwardingRuleExtraHour: 0.01,
  natGatewayVmHour: 0.0014,
  natGatewayHourCap: 0.044,
  natIpHour: 0.005,
  hoursPerMonth: 730,
};

// The machine types the capacity model knows. Only families whose disks attach as Persistent Disk are
// listed: each user's home is one PD, and Gen3/Gen4 families (C3, N4…) attach Hyperdisk with far lower
// per-node limits (20 on n4-standard-2, gcp-compute-persistent-disk-csi-driver issue #1819).

export interface MachineType {
  readonly name: string;
  /** Price family key in the price table (`e2`, `n2`, `n1`). */
  readonly family: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** Shared-core machines get GKE's flat CPU reservation and the small disk attach limit. */
  readonly sharedCore: boolean;
  /**
   * Persistent disks a node can attach besides its boot disk: the PD CSI driver's volumeLimitBig (127)
   * or volumeLimitSmall (15) (pkg/gce-pd-csi-driver/node.go).
   */
  readonly attachableDisks: number;
}

const DISKS_BIG = 127;
const DISKS_SMALL = 15;

function shape(family: string, kind: string, vcpus: number, memoryGiB: number): MachineType {
  return { name: `${family}-${kind}-${vcpus}`, family, vcpus, memoryGiB, sharedCore: false, attachableDisks: DISKS_BIG };
}

function series(family: string, kind: string, gibPerVcpu: number, sizes: readonly number[]): MachineType[] {
  return sizes.map((vcpus) => shape(family, kind, vcpus, vcpus * gibPerVcpu));
}

// Shapes from https://cloud.google.com/compute/docs/general-purpose-machines (E2, N2, N1).
const catalogue: MachineType[] = [
  { name: "e2-medium", family: "e2", vcpus: 2, memoryGiB: 4, sharedCore: true, attachableDisks: DISKS_SMALL },
  ...series("e2", "standard", 4, [2, 4, 8, 16, 32]),
  ...series("e2", "highmem", 8, [2, 4, 8, 16]),
  ...series("e2", "highcpu", 1, [2, 4, 8, 16, 32]),
  ...series("n2", "standard", 4, [2, 4, 8, 16, 32, 48, 64, 80]),
  ...series("n2", "highmem", 8, [2, 4, 8, 16, 32, 48, 64, 80]),
  ...series("n2", "highcpu", 1, [2, 4, 8, 16, 32, 48, 64, 80]),
  ...series("n1", "standard", 3.75, [2, 4, 8, 16, 32]),
  ...series("n1", "highmem", 6.5, [2, 4, 8, 16, 32]),
];

export const machineTypes: ReadonlyMap<string, MachineType> = new Map(catalogue.map((m) => [m.name, m]));

/** GPUs per type, with the machine families they can attach to on GCP. */
export const acceleratorFamilies: Readonly<Record<string, readonly string[]>> = {
  "nvidia-tesla-t4": ["n1"],
};

export function lookupMachineType(name: string): MachineType | undefined {
  return machineTypes.get(name);
}

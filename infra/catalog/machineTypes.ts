// The machine types the capacity model knows: the general-purpose families with published on-demand
// prices (infra/catalog/prices.ts). Each user's home is one pd-balanced Persistent Disk (GKE's
// `standard-rwo` class), so a family only serves users if its nodes attach Persistent Disk; the others are
// listed so the plan can say why it passed them over.

export interface MachineType {
  readonly name: string;
  /** Price family key in the price table (`e2`, `n2`, `n2d`, `n1`, `c3`, `n4`). */
  readonly family: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** Shared-core machines get GKE's flat CPU reservation and the small disk attach limit. */
  readonly sharedCore: boolean;
  /**
   * Persistent disks a node can attach besides its boot disk, as the PD CSI driver reports them
   * (kubernetes-sigs/gcp-compute-persistent-disk-csi-driver, pkg/gce-pd-csi-driver/node.go
   * `getVolumeLimits`: volumeLimitBig 127, volumeLimitSmall 15 for e2-medium and smaller; Gen4 families
   * by vCPUs from pkg/constants/constants.go, N4: 15 up to 8 vCPUs, 31 above).
   */
  readonly attachableDisks: number;
  /**
   * Why the users' nodes cannot be of this type although it is priced, or undefined when they can. The
   * plan lists such types among the alternatives it passed over; config refuses them as a pinned type.
   */
  readonly notForUsers?: string;
}

const DISKS_BIG = 127;
const DISKS_SMALL = 15;

// N4 is Hyperdisk only (Google's machine-series comparison; the PD CSI driver gives it Hyperdisk attach
// limits). C3 is documented both ways: Red Hat's GCP PD CSI guide (OpenShift 4.20, "C3 and N4 instance
// type limitations") says ordinary Persistent Disks are not available on N4/C3, a nextflow design issue
// (nextflow-io/nextflow#6614) says C3 still takes pd-balanced. Until a rehearsal shows a C3 node
// attaching a standard-rwo volume, C3 is priced and compared but not chosen.
const n4Reason = "N4 attaches Hyperdisk only (15 disks up to 8 vCPUs, 31 above); user homes are pd-balanced (standard-rwo)";
const c3Reason = "C3's support for pd-balanced homes is documented inconsistently (Red Hat OpenShift 4.20 GCP PD CSI guide vs nextflow#6614); not chosen until verified";

function shape(family: string, kind: string, vcpus: number, memoryGiB: number, extra: Partial<MachineType> = {}): MachineType {
  return { name: `${family}-${kind}-${vcpus}`, family, vcpus, memoryGiB, sharedCore: false, attachableDisks: DISKS_BIG, ...extra };
}

function series(family: string, kind: string, gibPerVcpu: number, sizes: readonly number[], extra: (vcpus: number) => Partial<MachineType> = () => ({})): MachineType[] {
  return sizes.map((vcpus) => shape(family, kind, vcpus, vcpus * gibPerVcpu, extra(vcpus)));
}

const n4 = (vcpus: number): Partial<MachineType> => ({ attachableDisks: vcpus <= 8 ? 15 : 31, notForUsers: n4Reason });
const c3 = (): Partial<MachineType> => ({ notForUsers: c3Reason });

// Shapes from https://cloud.google.com/compute/docs/general-purpose-machines (E2, N2, N2D, N1, C3, N4),
// checked against the shapes Google's billing catalogue prices (prices.ts).
const catalogue: MachineType[] = [
  { name: "e2-medium", family: "e2", vcpus: 2, memoryGiB: 4, sharedCore: true, attachableDisks: DISKS_SMALL },
  ...series("e2", "standard", 4, [2, 4, 8, 16, 32]),
  ...series("e2", "highmem", 8, [2, 4, 8, 16]),
  ...series("e2", "highcpu", 1, [2, 4, 8, 16, 32]),
  ...series("n2", "standard", 4, [2, 4, 8, 16, 32, 48, 64, 80]),
  ...series("n2", "highmem", 8, [2, 4, 8, 16, 32, 48, 64, 80]),
  ...series("n2", "highcpu", 1, [2, 4, 8, 16, 32, 48, 64, 80]),
  ...series("n2d", "standard", 4, [2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224]),
  ...series("n2d", "highmem", 8, [2, 4, 8, 16, 32, 48, 64, 80, 96]),
  ...series("n2d", "highcpu", 1, [2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224]),
  ...series("n1", "standard", 3.75, [2, 4, 8, 16, 32]),
  ...series("n1", "highmem", 6.5, [2, 4, 8, 16, 32]),
  ...series("c3", "standard", 4, [4, 8, 22, 44, 88, 176], c3),
  ...series("c3", "highmem", 8, [4, 8, 22, 44, 88, 176], c3),
  ...series("c3", "highcpu", 2, [4, 8, 22, 44, 88, 176], c3),
  ...series("n4", "standard", 4, [2, 4, 8, 16, 32, 48, 64, 80], n4),
  ...series("n4", "highmem", 8, [2, 4, 8, 16, 32, 48, 64, 80], n4),
  ...series("n4", "highcpu", 2, [2, 4, 8, 16, 32, 48, 64, 80], n4),
];

export const machineTypes: ReadonlyMap<string, MachineType> = new Map(catalogue.map((m) => [m.name, m]));

/** Types a node pool of this program may use: dedicated cores, and Persistent Disk for the homes. */
export function isNodePoolMachine(m: MachineType): boolean {
  return !m.sharedCore && m.notForUsers === undefined;
}

/** GPUs per type, with the machine families they can attach to on GCP. */
export const acceleratorFamilies: Readonly<Record<string, readonly string[]>> = {
  "nvidia-tesla-t4": ["n1"],
};

export function lookupMachineType(name: string): MachineType | undefined {
  return machineTypes.get(name);
}

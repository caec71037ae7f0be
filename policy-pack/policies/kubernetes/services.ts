// Services the program declares: none is a load balancer open to the whole internet (the hub is reached
// through the Gateway). Sources: kube-score service-type; Z2JH docs administrator/security.md.

import { get, isUnknown, resourcePolicy, violation } from "../core";
import { publicLoadBalancer } from "../kubernetesFacts";
import { K8S } from "../types";

export const k8sNoPublicLoadBalancer = resourcePolicy({
  name: "k8s-no-public-load-balancer",
  description: "Checks that no Service is a load balancer open to the whole internet.",
  area: "Kubernetes",
  severity: "high",
  remediationSteps:
    'Use `type: "ClusterIP"` behind the Gateway, or set `spec.loadBalancerSourceRanges` to specific CIDRs (or the internal LB annotation `networking.gke.io/load-balancer-type: "Internal"`).',
  sources: ["kube-score service-type", "Z2JH docs: administrator/security.md"],
  types: [K8S.service],
  check: (props) => {
    const type = get(props, "spec.type");
    if (isUnknown(type) || !publicLoadBalancer(type, get(props, "spec.loadBalancerSourceRanges"), get(props, "metadata.annotations"))) return [];
    return [violation("Services must not be load balancers open to the world", "spec.loadBalancerSourceRanges", "specific CIDRs (or use ClusterIP behind the Gateway)", get(props, "spec.loadBalancerSourceRanges"))];
  },
});

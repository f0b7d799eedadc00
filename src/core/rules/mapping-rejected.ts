import { mappingField } from "./locations.js";
import { legacyRule, text } from "./rule.js";
import type { RejectReason } from "../resolve/routes.js";

const REASONS: Readonly<Record<RejectReason, { field: string; why: string }>> = {
  "load-balancer-with-service-resolver": { field: "load_balancer", why: 'load_balancer is set but the Kubernetes service resolver is used ("No load_balancer setting is allowed with the KubernetesServiceResolver")' },
  "consul-dotted-service": { field: "service", why: "a Consul resolver does not allow dots in service" },
  "malformed-service": { field: "service", why: "its service cannot be parsed" },
  "unknown-resolver": { field: "resolver", why: "its resolver is not defined" },
};

export const rule = legacyRule({
  meta: {
    id: "mapping-rejected",
    severity: "error",
    description: "Emissary rejects the Mapping (load_balancer with the service resolver, dots in a Consul service, a malformed service, an unknown resolver): the route does not exist.",
  },
  message(data) {
    return `Mapping ${text(data, "mapping")} is rejected by Emissary: ${text(data, "why")}${data.detail ? ` (${text(data, "detail")})` : ""}. Its route does not exist.`;
  },
  check({ simulation }, report) {
    for (const route of simulation.routes) {
      if (!route.rejected) continue;
      const reason = REASONS[route.rejected];
      const mapping = route.mapping;
      report({
        at: mappingField(mapping, reason.field),
        resource: mapping,
        data: {
          mapping: `${mapping.namespace}/${mapping.name}`,
          why: reason.why,
          detail: route.rejected === "malformed-service" ? (route.service?.malformed ?? "no service") : route.rejected === "unknown-resolver" ? `resolver ${mapping.resolver ?? ""}` : null,
        },
      });
    }
  },
});

import { mappingField } from "./locations.js";
import { defineRule, text, type MessageTemplate } from "./rule.js";
import type { RejectReason } from "../resolve/routes.js";

const REASONS: Readonly<Record<RejectReason, { field: string; why: string }>> = {
  "load-balancer-with-service-resolver": { field: "load_balancer", why: 'load_balancer is set but the Kubernetes service resolver is used ("No load_balancer setting is allowed with the KubernetesServiceResolver")' },
  "consul-dotted-service": { field: "service", why: "a Consul resolver does not allow dots in service" },
  "malformed-service": { field: "service", why: "its service cannot be parsed" },
  "unknown-resolver": { field: "resolver", why: "its resolver is not defined" },
};

const message: MessageTemplate = (data) =>
  `Mapping ${text(data, "mapping")} is rejected by Emissary: ${text(data, "why")}${data.detail ? ` (${text(data, "detail")})` : ""}. Its route does not exist.`;

export const rule = defineRule({
  meta: {
    id: "mapping-rejected",
    severity: "error",
    description: "Emissary rejects the Mapping (load_balancer with the service resolver, dots in a Consul service, a malformed service, an unknown resolver): the route does not exist.",
    messages: {
      "load-balancer-with-service-resolver": message,
      "consul-dotted-service": message,
      "malformed-service": message,
      "unknown-resolver": message,
    } satisfies Record<RejectReason, MessageTemplate>,
  },
  check({ simulation }, report) {
    for (const route of simulation.routes) {
      if (!route.rejected) continue;
      const reason = REASONS[route.rejected];
      const mapping = route.mapping;
      const detail = route.rejected === "malformed-service" ? (route.service?.malformed ?? "no service") : route.rejected === "unknown-resolver" ? `resolver ${mapping.resolver ?? ""}` : null;
      // The reason is the message; the resolver a Mapping names is identity, the parser's complaint is prose.
      const named = route.rejected === "unknown-resolver";
      report({
        at: mappingField(mapping, reason.field),
        resource: mapping,
        messageId: route.rejected,
        identity: { mapping: `${mapping.namespace}/${mapping.name}`, ...(named ? { detail } : {}) },
        display: { why: reason.why, ...(named ? {} : { detail }) },
      });
    }
  },
});

import { mappingTlsOrService } from "./locations.js";
import { defineRule, text, type MessageTemplate } from "./rule.js";
import { selects } from "./selectors.js";

const message: MessageTemplate = (data) => {
  const required = data.required ? ` The policy requires a verified upstream for ${text(data, "required")}.` : "";
  return `Mapping ${text(data, "mapping")} encrypts traffic to ${text(data, "upstream")} but does not verify the upstream's certificate (${data.context ? `TLSContext ${text(data, "context")} has no ca_secret` : "no TLSContext"}): anyone who can answer for that address is trusted.${required} Add ca_secret with the CA that issued the upstream's certificate.`;
};

export const rule = defineRule({
  meta: {
    id: "upstream-unverified",
    severity: "notice",
    description: "A route originates TLS without a CA (no ca_secret): the upstream's certificate is not verified. An error where the policy requires verification.",
    messages: {
      unverified: message,
      // The policy requires verification for this route: a breach of policy, not only a notice.
      "unverified-required": message,
    },
  },
  check({ simulation, policy }, report) {
    for (const route of simulation.routes) {
      if (route.rejected || !route.originatesTls || route.upstreamVerified) continue;
      const mapping = route.mapping;
      const required = selects(policy.require.verifiedUpstream, route);
      report({
        at: mappingTlsOrService(mapping),
        resource: mapping,
        severity: required ? "error" : undefined,
        requirement: required ? "require.verifiedUpstream" : undefined,
        messageId: required ? "unverified-required" : "unverified",
        // The route and the upstream it does not verify; which context it uses, and which selector requires it, describe it.
        identity: { mapping: `${mapping.namespace}/${mapping.name}`, upstream: `${route.upstreamHost}:${route.upstreamPort}` },
        display: { context: route.effectiveContext?.registeredName ?? null, required: required ?? null },
      });
    }
  },
});

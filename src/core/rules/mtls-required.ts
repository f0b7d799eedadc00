import { mappingTlsOrService } from "./locations.js";
import { defineRule, text, type MessageTemplate } from "./rule.js";
import { selects } from "./selectors.js";

const message =
  (how: string): MessageTemplate =>
  (data) =>
    `Mapping ${text(data, "mapping")} is ${how}, but the policy requires mTLS for ${text(data, "selector")}. Give it tls: with a TLSContext whose secret holds the client certificate.`;

export const rule = defineRule({
  meta: {
    id: "mtls-required",
    severity: "error",
    description: "The policy requires mTLS (require.mtls) for a route that resolves weaker: plaintext, or TLS without a client certificate.",
    messages: {
      plaintext: message("plaintext"),
      rejected: message("rejected by Emissary (no route at all)"),
      tls: message("TLS without a client certificate"),
    },
  },
  check({ simulation, policy }, report) {
    for (const route of simulation.routes) {
      if (route.mode === "mtls" && !route.rejected) continue;
      const selector = selects(policy.require.mtls, route);
      if (!selector) continue;
      const mapping = route.mapping;
      const mode = route.rejected ? "rejected" : route.mode;
      report({
        at: mappingTlsOrService(mapping),
        resource: mapping,
        requirement: "require.mtls",
        messageId: mode === "plaintext" || mode === "rejected" ? mode : "tls",
        identity: { mapping: `${mapping.namespace}/${mapping.name}`, mode },
        // Which of the policy's selectors picks the route.
        display: { selector },
      });
    }
  },
});

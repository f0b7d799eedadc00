import { mappingTlsOrService } from "./locations.js";
import { legacyRule, text } from "./rule.js";
import { selects } from "./selectors.js";

export const rule = legacyRule({
  meta: {
    id: "mtls-required",
    severity: "error",
    description: "The policy requires mTLS (require.mtls) for a route that resolves weaker: plaintext, or TLS without a client certificate.",
  },
  message(data) {
    const how = data.mode === "plaintext" ? "plaintext" : data.mode === "rejected" ? "rejected by Emissary (no route at all)" : "TLS without a client certificate";
    return `Mapping ${text(data, "mapping")} is ${how}, but the policy requires mTLS for ${text(data, "selector")}. Give it tls: with a TLSContext whose secret holds the client certificate.`;
  },
  check({ simulation, policy }, report) {
    for (const route of simulation.routes) {
      if (route.mode === "mtls" && !route.rejected) continue;
      const selector = selects(policy.require.mtls, route);
      if (!selector) continue;
      const mapping = route.mapping;
      report({
        at: mappingTlsOrService(mapping),
        resource: mapping,
        data: { mapping: `${mapping.namespace}/${mapping.name}`, mode: route.rejected ? "rejected" : route.mode, selector },
      });
    }
  },
});

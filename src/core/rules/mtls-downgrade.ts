import { mappingTlsOrService } from "./locations.js";
import { defineRule, text } from "./rule.js";
import { weaker } from "../types.js";


export const rule = defineRule({
  meta: {
    id: "mtls-downgrade",
    severity: "error",
    description: "A route that was mTLS in the base revision is weaker in the head (TLS without client certificate, plaintext, or gone to a rejected Mapping).",
    messages: {
      downgraded: (data) =>
        `Mapping ${text(data, "mapping")} was mtls in the base and is ${text(data, "mode")} after this change: the upstream no longer receives Emissary's client certificate. Restore its tls: context (and the context's secret).`,
    },
  },
  check({ simulation, baseRouteModes }, report) {
    if (!baseRouteModes) return;
    for (const route of simulation.routes) {
      const previous = baseRouteModes.get(route.mapping.id);
      if (previous !== "mtls") continue;
      if (!route.rejected && !weaker(route.mode, previous)) continue;
      const mapping = route.mapping;
      report({
        at: mappingTlsOrService(mapping),
        resource: mapping,
        messageId: "downgraded",
        identity: { mapping: `${mapping.namespace}/${mapping.name}`, mode: route.rejected ? "rejected" : route.mode },
      });
    }
  },
});

import { closest } from "../util/suggest.js";
import { contextLocation } from "./locations.js";
import { text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "tls-context-unused",
    severity: "notice",
    description: "A TLSContext that no Mapping and no Host uses: dead configuration, or a typo in the tls: that should use it.",
  },
  message(data) {
    return `TLSContext ${text(data, "context")} is not used by any Mapping or Host.${data.suggestion ? ` Mapping ${text(data, "suggestion")} names a context that does not exist: did it mean this one?` : ""}`;
  },
  check({ simulation }, report) {
    const used = new Set<string>();
    for (const route of simulation.routes) if (route.requestedContext) used.add(route.requestedContext.registeredName);
    for (const host of simulation.hosts) if (host.context) used.add(host.context.registeredName);
    for (const context of simulation.contexts.all) {
      if (context.definition.origin !== "TLSContext" || used.has(context.registeredName)) continue;
      // Contexts with hosts: are (legacy) termination contexts, not candidates for Mappings.
      if ((context.definition.hosts ?? []).length > 0) continue;
      const typo = simulation.routes.find((route) => route.contextOutcome === "unknown" && typeof route.mapping.tls === "string" && closest(route.mapping.tls, [context.registeredName]) !== undefined);
      report({
        at: contextLocation(context),
        resource: context.definition.resource,
        data: { context: context.registeredName, suggestion: typo ? `${typo.mapping.namespace}/${typo.mapping.name}` : null },
      });
    }
  },
};


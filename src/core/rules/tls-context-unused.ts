import { closest } from "../util/suggest.js";
import { contextLocation } from "./locations.js";
import { characterCounts, mayBeWithin, SUGGESTION_DISTANCE } from "./lookups.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "tls-context-unused",
    severity: "notice",
    description: "A TLSContext that no Mapping and no Host uses: dead configuration, or a typo in the tls: that should use it.",
    messages: {
      unused: (data) =>
        `TLSContext ${text(data, "context")} is not used by any Mapping or Host.${data.suggestion ? ` Mapping ${text(data, "suggestion")} names a context that does not exist: did it mean this one?` : ""}`,
    },
  },
  check({ simulation }, report) {
    const used = new Set<string>();
    for (const route of simulation.routes) if (route.requestedContext) used.add(route.requestedContext.registeredName);
    for (const host of simulation.hosts) if (host.context) used.add(host.context.registeredName);
    // Mappings whose tls: names no context: the candidates for "did it mean this one?".
    const unknown = simulation.routes
      .filter((route) => route.contextOutcome === "unknown" && typeof route.mapping.tls === "string")
      .map((route) => ({ route, tls: String(route.mapping.tls), counts: characterCounts(String(route.mapping.tls)) }));
    for (const context of simulation.contexts.all) {
      if (context.definition.origin !== "TLSContext" || used.has(context.registeredName)) continue;
      // Contexts with hosts: are (legacy) termination contexts, not candidates for Mappings.
      if ((context.definition.hosts ?? []).length > 0) continue;
      const counts = characterCounts(context.registeredName);
      const typo = unknown.find(
        (u) => mayBeWithin(u.counts, counts, SUGGESTION_DISTANCE) && closest(u.tls, [context.registeredName], SUGGESTION_DISTANCE) !== undefined,
      )?.route;
      report({
        at: contextLocation(context),
        resource: context.definition.resource,
        messageId: "unused",
        identity: { context: context.registeredName },
        display: { suggestion: typo ? `${typo.mapping.namespace}/${typo.mapping.name}` : null },
      });
    }
  },
});

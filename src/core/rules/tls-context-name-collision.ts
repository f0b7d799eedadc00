import { contextLocation } from "./locations.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "tls-context-name-collision",
    severity: "warning",
    description: "TLSContexts of the same name in several namespaces: names are global, so only one keeps the bare name and Mappings may get another namespace's context.",
    messages: {
      renamed: (data) => {
        const victims = data.victims ? ` Mapping ${text(data, "victims")} in namespace ${text(data, "namespace")} writes tls: ${text(data, "name")} and gets namespace ${text(data, "winnerNamespace")}'s context.` : "";
        return `TLSContext ${text(data, "name")} in namespace ${text(data, "namespace")} is renamed "${text(data, "registered")}": TLSContext names are global and namespace ${text(data, "winnerNamespace")}'s context of the same name keeps the bare name.${victims} Give the contexts distinct names, or write tls: ${text(data, "registered")}.`;
      },
    },
  },
  check({ simulation }, report) {
    for (const group of simulation.contexts.collisions) {
      const winner = group[0];
      if (!winner) continue;
      for (const context of group.slice(1)) {
        if (context.definition.namespace === winner.definition.namespace) continue;
        const victims = simulation.routes
          .filter((route) => route.requestedContext === winner && route.mapping.namespace === context.definition.namespace)
          .map((route) => route.mapping.name);
        report({
          at: contextLocation(context),
          resource: context.definition.resource,
          messageId: "renamed",
          // The context and the one that keeps the bare name; its new name follows, and the Mappings caught change.
          identity: { name: context.definition.name, namespace: context.definition.namespace, winnerNamespace: winner.definition.namespace },
          display: { registered: context.registeredName, victims: victims.join(", ") || null },
        });
      }
    }
  },
});

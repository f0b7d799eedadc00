import { contextField } from "./locations.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "istio-secret-namespacing",
    severity: "error",
    description: "A TLSContext names a dotted Istio secret (istio.*) without secret_namespacing: false, so Emissary splits the name and the lookup fails.",
    messages: {
      split: (data) =>
        `TLSContext ${text(data, "context")}: secret "${text(data, "written")}" looks like an Istio secret, but with secret namespacing on Emissary splits it at the last dot into Secret "${text(data, "name")}" in namespace "${text(data, "namespace")}". Add secret_namespacing: false to the TLSContext.`,
    },
  },
  check({ simulation }, report) {
    for (const context of simulation.contexts.all) {
      const lookup = context.secret;
      if (!lookup || !lookup.split || lookup.status !== "missing") continue;
      const istioLike = lookup.written.startsWith("istio.") || lookup.unsplitExists === true;
      if (!istioLike) continue;
      report({
        at: contextField(context, "secret"),
        resource: context.definition.resource,
        messageId: "split",
        identity: { context: context.registeredName, written: lookup.written },
        // What the written name splits into follows from it.
        display: { name: lookup.name, namespace: lookup.namespace },
      });
    }
  },
});

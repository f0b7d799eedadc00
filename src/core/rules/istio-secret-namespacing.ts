import { contextField } from "./locations.js";
import { legacyRule, text } from "./rule.js";

export const rule = legacyRule({
  meta: {
    id: "istio-secret-namespacing",
    severity: "error",
    description: "A TLSContext names a dotted Istio secret (istio.*) without secret_namespacing: false, so Emissary splits the name and the lookup fails.",
  },
  message(data) {
    return `TLSContext ${text(data, "context")}: secret "${text(data, "written")}" looks like an Istio secret, but with secret namespacing on Emissary splits it at the last dot into Secret "${text(data, "name")}" in namespace "${text(data, "namespace")}". Add secret_namespacing: false to the TLSContext.`;
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
        data: { context: context.registeredName, written: lookup.written, name: lookup.name, namespace: lookup.namespace },
      });
    }
  },
});

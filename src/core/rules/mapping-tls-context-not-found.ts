import { describeContextError } from "./describe.js";
import { mappingField } from "./locations.js";
import { suggester } from "./lookups.js";
import { legacyRule, text } from "./rule.js";

export const rule = legacyRule({
  meta: {
    id: "mapping-tls-context-not-found",
    severity: "error",
    description: "A Mapping's tls: names a TLSContext that does not exist or that Emissary refuses, so the route silently loses TLS or its client certificate.",
  },
  message(data) {
    const name = text(data, "context");
    const why =
      data.reason === "unknown"
        ? `no TLSContext is named "${name}"${data.suggestion ? ` (did you mean "${text(data, "suggestion")}"?)` : ""}`
        : `TLSContext "${name}" is unusable: ${text(data, "reason")}`;
    const fallback =
      data.fallback === "plaintext"
        ? `sends cleartext HTTP to port ${text(data, "port")}`
        : "originates TLS with its null context: no client certificate, no SNI, no verification of the upstream";
    return `Mapping ${text(data, "mapping")}: ${why}. Emissary logs "Originate-TLS context ${name} is not defined" and ${fallback}. Fix the name in tls: or the context.`;
  },
  check({ simulation }, report) {
    let suggest: ((word: string) => string | undefined) | undefined;
    for (const route of simulation.routes) {
      if (route.contextOutcome !== "unknown" && route.contextOutcome !== "unusable") continue;
      const mapping = route.mapping;
      const name = String(mapping.tls);
      const firstError = route.requestedContext?.errors[0];
      report({
        at: mappingField(mapping, "tls"),
        resource: mapping,
        data: {
          mapping: `${mapping.namespace}/${mapping.name}`,
          context: name,
          reason: firstError ? describeContextError(firstError) : "unknown",
          suggestion: route.contextOutcome === "unknown" ? ((suggest ??= suggester(simulation.contexts.all.map((c) => c.registeredName)))(name) ?? null) : null,
          fallback: route.originatesTls ? "null-context" : "plaintext",
          port: route.upstreamPort,
        },
      });
    }
  },
});

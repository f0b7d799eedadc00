import { absenceQualifier, inAnalysedFiles } from "../coverage.js";
import { describeContextError } from "./describe.js";
import { mappingField } from "./locations.js";
import { suggester } from "./lookups.js";
import { defineRule, text } from "./rule.js";
import type { MessageData } from "../types.js";

function message(data: MessageData, why: string): string {
  const fallback =
    data.fallback === "plaintext"
      ? `sends cleartext HTTP to port ${text(data, "port")}`
      : "originates TLS with its null context: no client certificate, no SNI, no verification of the upstream";
  return `Mapping ${text(data, "mapping")}: ${why}. Emissary logs "Originate-TLS context ${text(data, "context")} is not defined" and ${fallback}. Fix the name in tls: or the context.`;
}

export const rule = defineRule({
  meta: {
    id: "mapping-tls-context-not-found",
    severity: "error",
    description: "A Mapping's tls: names a TLSContext that does not exist or that Emissary refuses, so the route silently loses TLS or its client certificate.",
    messages: {
      unknown: (data) =>
        message(data, `no TLSContext is named "${text(data, "context")}"${inAnalysedFiles(data)}${data.suggestion ? ` (did you mean "${text(data, "suggestion")}"?)` : ""}`),
      unusable: (data) => message(data, `TLSContext "${text(data, "context")}" is unusable: ${text(data, "reason")}`),
    },
  },
  check({ simulation, coverage }, report) {
    // The context may be in a file that was not analysed: then an unknown name is a notice, said of the analysed files.
    const absence = absenceQualifier(coverage);
    let suggest: ((word: string) => string | undefined) | undefined;
    for (const route of simulation.routes) {
      if (route.contextOutcome !== "unknown" && route.contextOutcome !== "unusable") continue;
      const mapping = route.mapping;
      const name = String(mapping.tls);
      const firstError = route.requestedContext?.errors[0];
      report({
        at: mappingField(mapping, "tls"),
        resource: mapping,
        messageId: firstError ? "unusable" : "unknown",
        ...(!firstError && absence.severity ? { severity: absence.severity } : {}),
        // The Mapping, the name it asks for and what it falls back to. Why the context is unusable is the context's
        // own finding (its words name Secrets elsewhere); the closest name and the port describe it.
        identity: { mapping: `${mapping.namespace}/${mapping.name}`, context: name, fallback: route.originatesTls ? "null-context" : "plaintext" },
        display: {
          reason: firstError ? describeContextError(firstError) : "unknown",
          suggestion: route.contextOutcome === "unknown" ? ((suggest ??= suggester(simulation.contexts.all.map((c) => c.registeredName)))(name) ?? null) : null,
          port: route.upstreamPort,
          ...(firstError ? {} : absence.display),
        },
      });
    }
  },
});

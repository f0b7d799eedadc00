import { absenceQualifier, inAnalysedFiles } from "../coverage.js";
import { contextLocation } from "./locations.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "legacy-termination-ignored",
    severity: "error",
    description: "TLSContexts with hosts: (or a TLS Module server block) and no Host at all: Emissary 2+ ignores them and serves its fallback self-signed certificate.",
    messages: {
      ignored: (data) =>
        `${text(data, "what")} would terminate TLS for ${text(data, "hostnames")}, but no Host exists${inAnalysedFiles(data)}: Emissary 2 and later ignore it ("No Hosts defined, but TLSContexts exist that terminate TLS. The TLSContexts are being ignored.") and serve their fallback self-signed certificate. Add a Host with hostname: ${text(data, "firstHostname")} and tlsSecret: {name: ${text(data, "secret")}}.`,
    },
  },
  check({ simulation, model, coverage }, report) {
    if (model.hosts.length > 0) return;
    // A Host may be in a file that was not analysed: then this is a notice, said of the analysed files.
    const absence = absenceQualifier(coverage);
    for (const context of simulation.contexts.all) {
      const definition = context.definition;
      const serverBlock = definition.origin === "tls-module" && definition.name === "server";
      const hosts = (definition.hosts ?? []).filter((h) => h.trim() !== "");
      if (!serverBlock && (definition.origin !== "TLSContext" || hosts.length === 0)) continue;
      const hostnames = hosts.length > 0 ? hosts : ["*"];
      report({
        at: contextLocation(context),
        resource: definition.resource,
        messageId: "ignored",
        ...(absence.severity ? { severity: absence.severity } : {}),
        identity: { what: serverBlock ? "The TLS Module's server block" : `TLSContext ${context.registeredName}` },
        // The hostnames and Secret it would serve, for the Host to add.
        display: { hostnames: hostnames.join(", "), firstHostname: hostnames[0] ?? "*", secret: definition.secret ?? "<secret>", ...absence.display },
      });
    }
  },
});

import { absenceQualifier, inAnalysedFiles } from "../coverage.js";
import { specFieldLocation } from "../model/resources.js";
import { describeLookup } from "./describe.js";
import { defineRule, text } from "./rule.js";
import { INTEGRATION_SECRETS } from "./tls-context-secret-not-found.js";

export const rule = defineRule({
  meta: {
    id: "host-tls-secret-not-found",
    severity: "error",
    description: "A Host's tlsSecret does not exist or cannot be used, so the Host is silently inactive and its hostname is not served with its certificate.",
    messages: {
      inactive: (data) => {
        const remedy = data.integration
          ? `This Secret is created at runtime by the ${text(data, "integration")} integration: enable it in the policy (${text(data, "integrationKey")}).`
          : "Create the Secret (or its cert-manager Certificate), or list it in the policy's externalSecrets if it is created outside Git.";
        return `Host ${text(data, "host")}: ${text(data, "why")}${inAnalysedFiles(data)}, so Emissary makes the Host inactive (logged only) and ${text(data, "hostname")} is not served with its certificate. ${remedy}`;
      },
    },
  },
  check({ simulation, model, coverage }, report) {
    const enabled = { "Istio": model.installation.istio.value, "Consul Connect": model.installation.consul.value };
    // A missing Secret may be in a file that was not analysed: then a notice, said of the analysed files.
    const absence = absenceQualifier(coverage);
    for (const resolved of simulation.hosts) {
      if (resolved.state !== "inactive-secret" || !resolved.tlsSecret) continue;
      const host = resolved.host;
      const lookup = resolved.tlsSecret;
      const known = lookup.status === "missing" ? INTEGRATION_SECRETS[lookup.name] : undefined;
      // As for TLSContexts: once the integration is on, the Secret is missing only from this namespace.
      const integration = known && !enabled[known.integration as keyof typeof enabled] ? known : undefined;
      report({
        at: specFieldLocation(host, ["tlsSecret", "name"]),
        resource: host,
        messageId: "inactive",
        ...(lookup.status === "missing" && absence.severity ? { severity: absence.severity } : {}),
        // The Host, the Secret it names and what is wrong with it; the prose (which names other namespaces holding a
        // Secret of that name) describes it.
        identity: { host: `${host.namespace}/${host.name}`, secret: `${lookup.namespace}/${lookup.name}`, status: lookup.status },
        display: {
          why: describeLookup(lookup),
          hostname: host.hostname ?? "its hostname",
          integration: integration?.integration ?? null,
          integrationKey: integration?.key ?? null,
          ...(lookup.status === "missing" ? absence.display : {}),
        },
      });
    }
  },
});

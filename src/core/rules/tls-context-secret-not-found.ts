import { absenceQualifier, inAnalysedFiles } from "../coverage.js";
import { consequence, mappingsUsing } from "./context-usage.js";
import { secretReferences } from "./lookups.js";
import { elsewhereText } from "../resolve/secrets.js";
import { defineRule, text } from "./rule.js";

/** Secrets that mesh integrations create at runtime: never in Git, and known to the policy only when enabled. */
export const INTEGRATION_SECRETS: Readonly<Record<string, { integration: string; key: string }>> = {
  "istio-certs": { integration: "Istio", key: "emissary.integrations.istio: true" },
  "ambassador-consul-connect": { integration: "Consul Connect", key: "emissary.integrations.consul: true" },
};

export const rule = defineRule({
  meta: {
    id: "tls-context-secret-not-found",
    severity: "error",
    description: "A TLSContext's secret does not exist (in Git, from a secret provider, or in the policy's externalSecrets), so Emissary refuses the context.",
    messages: {
      "not-found": (data) => {
        const split = data.split
          ? ` The name "${text(data, "written")}" was split at its last dot into name "${text(data, "name")}" in namespace "${text(data, "namespace")}"; set secret_namespacing: false to use the dotted name as is.`
          : "";
        const elsewhere = data.elsewhere ? ` A Secret of that name exists in namespace ${text(data, "elsewhere")}: write secret: ${text(data, "name")}.${text(data, "elsewhereFirst")} to use it, or create it in ${text(data, "namespace")}.` : "";
        const integration = data.integration
          ? ` This Secret is created at runtime by the ${text(data, "integration")} integration: enable it in the policy (${text(data, "integrationKey")}).`
          : "";
        const external = data.integration ? "" : ` If it is created outside Git, list it in the policy's externalSecrets as ${text(data, "namespace")}/${text(data, "name")}.`;
        return `TLSContext ${text(data, "context")}: Secret ${text(data, "namespace")}/${text(data, "name")} not found${inAnalysedFiles(data)} ("found no certificate in secret ${text(data, "name")} in namespace ${text(data, "namespace")}, ignoring...").${split}${elsewhere}${integration}${external} ${text(data, "consequence")}`;
      },
    },
  },
  check({ simulation, model, coverage }, report) {
    // The Secret may be in a file that was not analysed (an encrypted one, say): then a notice, said of the analysed files.
    const absence = absenceQualifier(coverage);
    const enabled = { "Istio": model.installation.istio.value, "Consul Connect": model.installation.consul.value };
    for (const reference of secretReferences(simulation)) {
      const { lookup, context } = reference;
      if (reference.field !== "secret" || lookup.status !== "missing" || !context) continue;
      const known = INTEGRATION_SECRETS[lookup.name];
      // Once the integration is on, the hint is moot: the Secret is then missing only from this namespace.
      const integration = known && !enabled[known.integration as keyof typeof enabled] ? known : undefined;
      report({
        at: reference.at,
        resource: reference.referrerResource,
        messageId: "not-found",
        ...(absence.severity ? { severity: absence.severity } : {}),
        // The context and the Secret it names; the Mappings it breaks, and hints, may change while it stays broken.
        identity: { context: context.registeredName, written: lookup.written, name: lookup.name, namespace: lookup.namespace },
        display: {
          split: lookup.split,
          elsewhere: elsewhereText(lookup) || null,
          elsewhereFirst: lookup.elsewhere[0] ?? null,
          integration: integration?.integration ?? null,
          integrationKey: integration?.key ?? null,
          consequence: consequence(mappingsUsing(simulation, context)),
          ...absence.display,
        },
      });
    }
  },
});

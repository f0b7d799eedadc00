import { API_VERSION_SCHEMA, FIELD_DEFAULTS, KNOWN_SPEC_FIELDS } from "../model/known-fields.js";
import { specFieldLocation, type AmbassadorKind, type ResourceBase } from "../model/resources.js";
import { closest } from "../util/suggest.js";
import { defineRule, text, type MessageTemplate } from "./rule.js";

const TLS_LOOKALIKES = new Set(["tlscontext", "tls_context", "tlsContext", "tls-context", "tls_context_name", "tlsContextName", "tls-secret"]);
const CERTIFICATE_FIELDS = new Set(["secret", "ca_secret", "cert_chain_file", "private_key_file", "cacert_chain_file", "crl_secret", "tlsSecret"]);

function schemaFields(resource: ResourceBase): readonly string[] | undefined {
  const version = resource.apiVersion.split("/")[1] as keyof typeof API_VERSION_SCHEMA | undefined;
  const schema = version ? API_VERSION_SCHEMA[version] : undefined;
  return schema ? KNOWN_SPEC_FIELDS[schema][resource.kind as AmbassadorKind] : undefined;
}

/** What ignoring the key costs, when it is a misspelt field that matters. */
function consequence(resource: ResourceBase, key: string, suggestion: string | undefined): string | undefined {
  const spec = resource.spec;
  if ((resource.kind === "Mapping" || resource.kind === "TCPMapping") && (TLS_LOOKALIKES.has(key) || suggestion === "tls") && spec.tls === undefined) {
    const service = typeof spec.service === "string" ? spec.service : "";
    return /^https:\/\//i.test(service) ? "the route originates TLS without a client certificate" : "the route is plaintext";
  }
  if (suggestion && CERTIFICATE_FIELDS.has(suggestion) && spec[suggestion] === undefined) {
    return `${resource.kind} has no ${suggestion}`;
  }
  return undefined;
}

/** Whether `value` is Emissary's default for the field `key` means (the key itself, else its suggestion). */
function isDefaultValue(resource: ResourceBase, key: string, suggestion: string | undefined, value: unknown): boolean {
  const defaults = FIELD_DEFAULTS[resource.kind as AmbassadorKind] ?? {};
  const field = Object.hasOwn(defaults, key) ? key : suggestion !== undefined && Object.hasOwn(defaults, suggestion) ? suggestion : undefined;
  return field !== undefined && defaults[field] === value;
}

const message: MessageTemplate = (data) => {
  const suggestion = data.suggestion ? ` Did you mean \`${text(data, "suggestion")}\`?` : "";
  const cost = data.consequence ? `: ${text(data, "consequence")}` : "";
  return `${text(data, "kind")} ${text(data, "resource")}: unknown field \`${text(data, "key")}\` is silently ignored by Emissary${cost}.${suggestion}`;
};

export const rule = defineRule({
  meta: {
    id: "unknown-field",
    severity: "warning",
    description: "A field Emissary does not know (a typo such as secert: or tls_context:) is silently dropped; an error when that drops TLS or a certificate, a notice when its value is the field's default.",
    messages: {
      ignored: message,
      // Ignoring it drops TLS or a certificate: a different problem from a harmless unknown key, not a longer message.
      "ignored-dropping-tls": message,
      // The value is the field's default: dropping it changes nothing Emissary does.
      "ignored-default": (data) =>
        `${text(data, "kind")} ${text(data, "resource")}: unknown field \`${text(data, "key")}\` is silently ignored by Emissary; its value is the default of \`${text(data, "field")}\`, so dropping it changes nothing. Remove it.`,
    },
  },
  check({ model }, report) {
    for (const resource of model.allAmbassadorResources) {
      const known = schemaFields(resource);
      if (!known) continue;
      for (const key of Object.keys(resource.spec)) {
        if (known.includes(key)) continue;
        const suggestion = TLS_LOOKALIKES.has(key) && (resource.kind === "Mapping" || resource.kind === "TCPMapping") ? "tls" : closest(key, known);
        const cost = consequence(resource, key, suggestion);
        const identity = { kind: resource.kind, resource: `${resource.namespace}/${resource.name}`, key };
        if (!cost && isDefaultValue(resource, key, suggestion, resource.spec[key])) {
          const field = Object.hasOwn(FIELD_DEFAULTS[resource.kind as AmbassadorKind] ?? {}, key) ? key : (suggestion ?? key);
          report({
            at: specFieldLocation(resource, [key]),
            resource,
            severity: "notice",
            messageId: "ignored-default",
            identity,
            display: { suggestion: suggestion ?? null, consequence: null, field },
          });
          continue;
        }
        report({
          at: specFieldLocation(resource, [key]),
          resource,
          severity: cost ? "error" : undefined,
          messageId: cost ? "ignored-dropping-tls" : "ignored",
          identity,
          display: { suggestion: suggestion ?? null, consequence: cost ?? null },
        });
      }
    }
  },
});

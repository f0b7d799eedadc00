import { reportSecretReferences } from "./lookups.js";
import { text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "tls-context-ca-secret-not-found",
    severity: "error",
    description: "A TLSContext's ca_secret does not exist or has no tls.crt, so Emissary refuses the context.",
  },
  message(data) {
    return `${text(data, "referrer")}: ca_secret ${text(data, "secret")} ${data.type ? "has no tls.crt" : "does not exist"} ("found no validation certificate in secret"). Emissary refuses the context, so Mappings using it see it as not defined. Put the CA certificate under tls.crt of that Secret, or list it in the policy's externalSecrets if it is created outside Git.`;
  },
  check({ simulation }, report) {
    reportSecretReferences(
      simulation,
      report,
      ({ lookup, field }) => field === "ca_secret" && (lookup.status === "missing" || lookup.status === "no-certificate"),
      ({ at }) => at,
    );
  },
};

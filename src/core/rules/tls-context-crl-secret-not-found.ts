import { reportSecretReferences } from "./lookups.js";
import { text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "tls-context-crl-secret-not-found",
    severity: "error",
    description: "A TLSContext's crl_secret does not exist or has no crl.pem, so Emissary refuses the context.",
  },
  message(data) {
    return `${text(data, "referrer")}: crl_secret ${text(data, "secret")} ${data.type ? "has no crl.pem" : "does not exist"} ("found no certificate revocation list in secret"). Emissary refuses the context, so Mappings using it see it as not defined.`;
  },
  check({ simulation }, report) {
    reportSecretReferences(
      simulation,
      report,
      ({ lookup, field }) => field === "crl_secret" && (lookup.status === "missing" || lookup.status === "no-crl"),
      ({ at }) => at,
    );
  },
};

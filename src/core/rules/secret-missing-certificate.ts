import { reportSecretReferences } from "./lookups.js";
import { secretKeyLocation } from "./locations.js";
import { text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "secret-missing-certificate",
    severity: "error",
    description: "A Secret used for a client or server certificate has no tls.crt, so the TLSContext or Host that uses it is refused.",
  },
  message(data) {
    return `Secret ${text(data, "secret")} has no tls.crt (nor cert-chain.pem), but ${text(data, "referrer")} uses it as its certificate ("found no certificate in secret"). Emissary refuses it. Add the certificate chain under tls.crt.`;
  },
  check({ simulation }, report) {
    reportSecretReferences(
      simulation,
      report,
      ({ lookup, field }) => (field === "secret" || field === "tlsSecret") && lookup.status === "no-certificate",
      ({ lookup, at }) => secretKeyLocation(lookup) ?? at,
    );
  },
};

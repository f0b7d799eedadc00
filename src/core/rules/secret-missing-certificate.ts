import { reportSecretReferences } from "./lookups.js";
import { secretKeyLocation } from "./locations.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "secret-missing-certificate",
    severity: "error",
    description: "A Secret used for a client or server certificate has no tls.crt, so the TLSContext or Host that uses it is refused.",
    messages: {
      "no-certificate": (data) =>
        `Secret ${text(data, "secret")} has no tls.crt (nor cert-chain.pem), but ${text(data, "referrer")} uses it as its certificate ("found no certificate in secret"). Emissary refuses it. Add the certificate chain under tls.crt.`,
    },
  },
  check({ simulation }, report) {
    reportSecretReferences(simulation, report, {
      matches: ({ lookup, field }) => (field === "secret" || field === "tlsSecret") && lookup.status === "no-certificate",
      locate: ({ lookup, at }) => secretKeyLocation(lookup) ?? at,
      messageId: () => "no-certificate",
    });
  },
});

import { secretReferences } from "./lookups.js";
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
    for (const reference of secretReferences(simulation)) {
      const { lookup } = reference;
      if (!(reference.field === "secret" || reference.field === "tlsSecret") || !(lookup.status === "no-certificate")) continue;
      report({
        at: secretKeyLocation(lookup) ?? reference.at,
        resource: lookup.secret ?? reference.referrerResource,
        data: {
          referrer: reference.referrer,
          field: reference.field,
          secret: `${lookup.namespace}/${lookup.name}`,
          type: lookup.secret?.type ?? null,
        },
      });
    }
  },
};

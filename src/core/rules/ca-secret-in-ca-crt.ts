import { reportSecretReferences } from "./lookups.js";
import { secretKeyLocation } from "./locations.js";
import { text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "ca-secret-in-ca-crt",
    severity: "error",
    description: "A ca_secret holds its CA only under ca.crt, which Emissary never reads (it reads the CA from tls.crt).",
  },
  message(data) {
    return `Secret ${text(data, "secret")} holds its CA only under ca.crt, which Emissary never reads: ${text(data, "referrer")} fails as "found no validation certificate". Put the CA certificate under tls.crt (a cert-manager Secret's ca.crt cannot serve as ca_secret directly).`;
  },
  check({ simulation }, report) {
    reportSecretReferences(
      simulation,
      report,
      ({ lookup, field }) => field === "ca_secret" && lookup.status === "ca-in-ca-crt",
      ({ lookup, at }) => secretKeyLocation(lookup, "ca.crt") ?? at,
    );
  },
};

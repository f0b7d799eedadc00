import { reportSecretReferences } from "./lookups.js";
import { secretKeyLocation } from "./locations.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "ca-secret-in-ca-crt",
    severity: "error",
    description: "A ca_secret holds its CA only under ca.crt, which Emissary never reads (it reads the CA from tls.crt).",
    messages: {
      "ca-in-ca-crt": (data) =>
        `Secret ${text(data, "secret")} holds its CA only under ca.crt, which Emissary never reads: ${text(data, "referrer")} fails as "found no validation certificate". Put the CA certificate under tls.crt (a cert-manager Secret's ca.crt cannot serve as ca_secret directly).`,
    },
  },
  check({ simulation }, report) {
    reportSecretReferences(simulation, report, {
      matches: ({ lookup, field }) => field === "ca_secret" && lookup.status === "ca-in-ca-crt",
      locate: ({ lookup, at }) => secretKeyLocation(lookup, "ca.crt") ?? at,
      messageId: () => "ca-in-ca-crt",
    });
  },
});

import { reportSecretReferences } from "./lookups.js";
import { secretKeyLocation } from "./locations.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "secret-missing-private-key",
    severity: "error",
    description: "A Secret used for a client or server certificate has tls.crt but no tls.key, so the TLSContext or Host that uses it is refused.",
    messages: {
      "no-private-key": (data) =>
        `Secret ${text(data, "secret")} has tls.crt but no tls.key, and ${text(data, "referrer")} uses it as its certificate ("found no private key in secret"). Emissary refuses it. Add the private key under tls.key (through a SealedSecret or ExternalSecret, not in plain Git).`,
    },
  },
  check({ simulation }, report) {
    reportSecretReferences(simulation, report, {
      matches: ({ lookup, field }) => (field === "secret" || field === "tlsSecret") && lookup.status === "no-private-key",
      locate: ({ lookup, at }) => secretKeyLocation(lookup, "tls.crt") ?? at,
      messageId: () => "no-private-key",
    });
  },
});

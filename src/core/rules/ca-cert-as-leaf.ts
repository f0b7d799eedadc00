import { inspectReferencedSecrets, leafOf } from "../secret-certs.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "ca-cert-as-leaf",
    severity: "warning",
    description: "The leaf certificate of a client or Host Secret has basicConstraints cA=TRUE: a CA certificate used as an end-entity certificate.",
    messages: {
      "ca-leaf": (data) =>
        `Secret ${text(data, "secret")} (${text(data, "usedAs")}): the leaf certificate in ${text(data, "key")} (${text(data, "subject")}) has basicConstraints cA=TRUE. A CA certificate should not be an end-entity certificate: strict verifiers refuse it as a TLS leaf, and whoever holds its key can issue certificates in its name. Issue a leaf certificate with cA=FALSE.`,
    },
  },
  check({ simulation, now }, report) {
    for (const secret of inspectReferencedSecrets(simulation, now).secrets) {
      const leaf = leafOf(secret.chain);
      if (!secret.chain || !leaf || !leaf.basicConstraints.cA) continue;
      const uses = [secret.uses.has("client") ? "client certificate" : null, secret.uses.has("server") ? "Host certificate" : null].filter((u) => u !== null);
      if (uses.length === 0) continue;
      report({
        at: secret.chain.at,
        resource: secret.secret,
        messageId: "ca-leaf",
        identity: { secret: secret.name, key: secret.chain.key, subject: leaf.subject },
        // What else uses the Secret does not change what is wrong with its certificate.
        display: { usedAs: uses.join(" and ") },
      });
    }
  },
});

import { inspectReferencedSecrets, leafOf, originationClientSecrets } from "../secret-certs.js";
import type { MessageData } from "../types.js";
import { defineRule, text } from "./rule.js";

const base = (data: MessageData) =>
  `Secret ${text(data, "secret")}: the client certificate in ${text(data, "key")} (${text(data, "subject")}), presented to upstreams by TLSContext ${text(data, "contexts")}, has extendedKeyUsage ${text(data, "eku")}`;

export const rule = defineRule({
  meta: {
    id: "cert-missing-client-auth",
    severity: "error",
    description: "The client certificate of a context used for origination has an extendedKeyUsage without clientAuth, so upstreams refuse it (anyExtendedKeyUsage only: warning).",
    messages: {
      "no-client-auth": (data) =>
        `${base(data)} without clientAuth: an upstream that checks the purpose (OpenSSL, BoringSSL, Go verifiers) refuses it as a client certificate and the mTLS handshake fails. Reissue it with clientAuth ("client auth" in cert-manager's usages).`,
      "any-only": (data) =>
        `${base(data)} without clientAuth. OpenSSL accepts anyExtendedKeyUsage for client authentication, but Go and strict verifiers do not: reissue it with clientAuth ("client auth" in cert-manager's usages).`,
    },
  },
  check({ simulation, now }, report) {
    const inspection = inspectReferencedSecrets(simulation, now);
    for (const [name, { contexts }] of originationClientSecrets(simulation.routes)) {
      const secret = inspection.byName.get(name);
      const leaf = leafOf(secret?.chain);
      if (!secret?.chain || !leaf || leaf.extKeyUsage === null || leaf.extKeyUsage.includes("clientAuth")) continue;
      const anyOnly = leaf.extKeyUsage.includes("anyExtendedKeyUsage");
      report({
        at: secret.chain.at,
        resource: secret.secret,
        severity: anyOnly ? "warning" : "error",
        messageId: anyOnly ? "any-only" : "no-client-auth",
        identity: { secret: name, key: secret.chain.key, subject: leaf.subject, anyOnly },
        // Which contexts present it, and the usages it does have: the certificate lacks clientAuth either way.
        display: { contexts: contexts.join(", "), eku: leaf.extKeyUsage.join(", ") || "(empty)" },
      });
    }
  },
});

import { inspectReferencedSecrets, leafOf, originationClientSecrets } from "../secret-certs.js";
import { legacyRule, text } from "./rule.js";

export const rule = legacyRule({
  meta: {
    id: "cert-missing-client-auth",
    severity: "error",
    description: "The client certificate of a context used for origination has an extendedKeyUsage without clientAuth, so upstreams refuse it (anyExtendedKeyUsage only: warning).",
  },
  message(data) {
    const base = `Secret ${text(data, "secret")}: the client certificate in ${text(data, "key")} (${text(data, "subject")}), presented to upstreams by TLSContext ${text(data, "contexts")}, has extendedKeyUsage ${text(data, "eku")}`;
    if (data.anyOnly) {
      return `${base} without clientAuth. OpenSSL accepts anyExtendedKeyUsage for client authentication, but Go and strict verifiers do not: reissue it with clientAuth ("client auth" in cert-manager's usages).`;
    }
    return `${base} without clientAuth: an upstream that checks the purpose (OpenSSL, BoringSSL, Go verifiers) refuses it as a client certificate and the mTLS handshake fails. Reissue it with clientAuth ("client auth" in cert-manager's usages).`;
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
        data: { secret: name, key: secret.chain.key, subject: leaf.subject, contexts: contexts.join(", "), eku: leaf.extKeyUsage.join(", ") || "(empty)", anyOnly },
      });
    }
  },
});

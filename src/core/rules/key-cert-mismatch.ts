import { keyMatchesCertificate } from "../certs/index.js";
import { inspectReferencedSecrets, leafOf } from "../secret-certs.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "key-cert-mismatch",
    severity: "error",
    description: "A referenced Secret's tls.key is not the private key of its certificate (of no certificate in tls.crt at all): Envoy cannot load the pair.",
    messages: {
      mismatch: (data) =>
        `Secret ${text(data, "secret")}: ${text(data, "key")} (a ${text(data, "keyType")} key) is not the private key of the certificate in ${text(data, "certKey")} (${text(data, "subject")}), nor of any other certificate there. Envoy refuses the pair ("key values mismatch"), so the listener or cluster using it fails. Put the certificate's own key in ${text(data, "key")}, or the key's certificate in ${text(data, "certKey")}.`,
    },
  },
  check({ simulation, now }, report) {
    for (const secret of inspectReferencedSecrets(simulation, now).secrets) {
      const key = secret.privateKey?.inspection.key;
      const leaf = leafOf(secret.chain);
      if (!secret.privateKey || !secret.chain || !key || !leaf) continue;
      // A later certificate that matches is chain-misordered.
      if (secret.chain.inspection.certificates.some((cert) => keyMatchesCertificate(key, cert))) continue;
      report({
        at: secret.privateKey.at,
        resource: secret.secret,
        messageId: "mismatch",
        // The pair of keys of the Secret that do not belong together; what the key and certificate are describes it.
        identity: { secret: secret.name, key: secret.privateKey.key, certKey: secret.chain.key },
        display: { keyType: key.publicKey.type, subject: leaf.subject },
      });
    }
  },
});

import { certificateData, certificateLabel, eachCertificate, inspectReferencedSecrets } from "../secret-certs.js";
import { defineRule, text } from "./rule.js";

const WEAK_HASHES = new Set(["md2", "md4", "md5", "sha1"]);

export const rule = defineRule({
  meta: {
    id: "weak-signature",
    severity: "error",
    description: "A certificate in a referenced Secret that is not self-signed is signed with MD2, MD4, MD5 or SHA-1 (RSA-PSS with SHA-1 included).",
    messages: {
      "weak-hash": (data) =>
        `Secret ${text(data, "secret")}: ${certificateLabel(text(data, "key"), data.certIndex, data.subject)} is signed with ${text(data, "algorithm")} (${text(data, "hash").toUpperCase()}), a broken hash: signatures can be forged, and BoringSSL (Envoy), Go and current clients refuse it. Reissue it with a SHA-256 (or stronger) signature.`,
    },
  },
  check({ simulation, now }, report) {
    for (const { secret, value, cert } of eachCertificate(inspectReferencedSecrets(simulation, now))) {
      const hash = cert.signatureAlgorithm.hash?.toLowerCase();
      if (cert.selfSigned || !hash || !WEAK_HASHES.has(hash.replace(/-/g, ""))) continue;
      report({
        at: value.at,
        resource: secret.secret,
        messageId: "weak-hash",
        identity: { ...certificateData(secret, value, cert), algorithm: cert.signatureAlgorithm.name, hash },
      });
    }
  },
});

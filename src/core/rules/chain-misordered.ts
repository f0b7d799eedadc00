import { checkChainOrder } from "../certs/index.js";
import { inspectReferencedSecrets } from "../secret-certs.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "chain-misordered",
    severity: "error",
    description: "The first certificate of a referenced Secret's tls.crt is not the key's certificate but a later one is (an intermediate put first): Envoy cannot pair it.",
    messages: {
      "leaf-not-first": (data) =>
        `Secret ${text(data, "secret")}: ${text(data, "key")} starts with ${text(data, "firstSubject")}, but ${text(data, "privateKey")} belongs to certificate ${text(data, "keyIndex")} (${text(data, "keySubject")}). Envoy takes the first certificate as the leaf and refuses the pair ("key values mismatch"). Put the leaf first, then the intermediates in issuing order.`,
    },
  },
  check({ simulation, now }, report) {
    for (const secret of inspectReferencedSecrets(simulation, now).secrets) {
      const key = secret.privateKey?.inspection.key;
      const certificates = secret.chain?.inspection.certificates ?? [];
      if (!secret.chain || !secret.privateKey || !key || certificates.length < 2) continue;
      const order = checkChainOrder(certificates, key);
      if (order.keyMatchIndex === null || order.keyMatchIndex === 0) continue;
      const keyCert = certificates[order.keyMatchIndex];
      report({
        at: secret.chain.at,
        resource: secret.secret,
        messageId: "leaf-not-first",
        // The chain, the key and the leaf the key belongs to; what comes first instead, and where the leaf is, describe it.
        identity: { secret: secret.name, key: secret.chain.key, privateKey: secret.privateKey.key, keySubject: keyCert?.subject ?? null },
        display: { firstSubject: certificates[0]?.subject ?? null, keyIndex: keyCert?.index ?? order.keyMatchIndex },
      });
    }
  },
});

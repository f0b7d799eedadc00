import { resourceLocation, type SecretResource } from "../model/resources.js";
import { secretReferences } from "./lookups.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "secret-sops-encrypted",
    severity: "notice",
    description: "A referenced Secret is SOPS-encrypted in Git: it exists, but its certificate and key cannot be checked (expiry, key strength, key pair, chain).",
    messages: {
      encrypted: (data) =>
        `Secret ${text(data, "secret")} (used by ${text(data, "usedBy")}) is SOPS-encrypted: it exists once decrypted at deploy time, but its certificate and key cannot be inspected here, so their expiry, strength, key pair, chain and usages are not checked. Run mtls-gate on the decrypted manifests (sops -d) where that is safe, or turn this notice off.`,
    },
  },
  check({ simulation }, report) {
    const uses = new Map<string, { secret: SecretResource; usedBy: Set<string> }>();
    for (const reference of secretReferences(simulation)) {
      const secret = reference.lookup.secret;
      if (!secret?.encrypted) continue;
      const entry = uses.get(secret.id) ?? { secret, usedBy: new Set<string>() };
      entry.usedBy.add(`${reference.referrer} as ${reference.field}`);
      uses.set(secret.id, entry);
    }
    for (const { secret, usedBy } of uses.values()) {
      report({
        at: resourceLocation(secret),
        resource: secret,
        messageId: "encrypted",
        identity: { secret: `${secret.namespace}/${secret.name}` },
        display: { usedBy: [...usedBy].sort().join(", ") },
      });
    }
  },
});

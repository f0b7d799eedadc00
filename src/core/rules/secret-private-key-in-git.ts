import { documentLocation } from "../model/resources.js";
import { KEY_KEYS } from "../resolve/secrets.js";
import { defineRule, text } from "./rule.js";

const PRIVATE_KEY_MARKER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Whether a Secret value holds a PEM private key, without keeping or returning any of it. */
function holdsPrivateKey(raw: string, encoding: "base64" | "plain"): boolean {
  if (encoding === "plain" || raw.trimStart().startsWith("-----BEGIN")) return PRIVATE_KEY_MARKER.test(raw);
  const head = raw.replace(/\s+/g, "").slice(0, 200);
  return PRIVATE_KEY_MARKER.test(Buffer.from(head, "base64").toString("latin1"));
}

export const rule = defineRule({
  meta: {
    id: "secret-private-key-in-git",
    severity: "warning",
    description: "A plain Secret in Git holds a real private key (tls.key or key.pem): anyone with read access to the repository has it.",
    messages: {
      "private-key": (data) =>
        `Secret ${text(data, "secret")} holds a private key under ${text(data, "key")} in plain Git: anyone who can read the repository can impersonate this certificate. Keep the key out of Git with a SealedSecret, an ExternalSecret or SOPS (then rotate this key).`,
    },
  },
  check({ model }, report) {
    for (const secret of model.secrets.values()) {
      if (secret.encrypted) continue;
      for (const key of KEY_KEYS) {
        const value = secret.values.get(key);
        if (!value || !holdsPrivateKey(value.raw, value.encoding)) continue;
        report({ at: documentLocation(secret, value.path), resource: secret, messageId: "private-key", identity: { secret: `${secret.namespace}/${secret.name}`, key } });
      }
    }
  },
});

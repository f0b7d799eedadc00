import { contextField } from "./locations.js";
import { defineRule, text } from "./rule.js";

const OLD_VERSIONS = new Set(["v1.0", "v1.1"]);
const WEAK_CIPHER = /(RC4|DES|3DES|NULL|EXPORT|MD5|anon|\bCBC\b|-CBC-|-SHA$)/i;

export const rule = defineRule({
  meta: {
    id: "weak-tls-protocol",
    severity: "warning",
    description: "A TLSContext allows TLS versions below 1.2 or weak cipher suites.",
    messages: {
      "old-version": (data) =>
        `TLSContext ${text(data, "context")} sets ${text(data, "field")}: ${text(data, "value")}: TLS 1.0 and 1.1 are deprecated (RFC 8996). Use v1.2 or later.`,
      "weak-ciphers": (data) =>
        `TLSContext ${text(data, "context")} allows weak cipher suites (${text(data, "value")}). Use AEAD suites only (ECDHE with AES-GCM or CHACHA20-POLY1305).`,
    },
  },
  check({ simulation }, report) {
    for (const context of simulation.contexts.all) {
      const definition = context.definition;
      const versions: [string, string | undefined][] = [
        ["min_tls_version", definition.minTlsVersion],
        ["max_tls_version", definition.maxTlsVersion],
      ];
      for (const [field, value] of versions) {
        if (value && OLD_VERSIONS.has(value.toLowerCase())) {
          report({
            at: contextField(context, field),
            resource: definition.resource,
            severity: field === "max_tls_version" ? "error" : undefined,
            messageId: "old-version",
            // The version is the problem, as a key's size is.
            identity: { context: context.registeredName, field, value },
          });
        }
      }
      const weak = (definition.cipherSuites ?? []).filter((suite) => WEAK_CIPHER.test(suite));
      if (weak.length > 0) {
        report({
          at: contextField(context, "cipher_suites"),
          resource: definition.resource,
          messageId: "weak-ciphers",
          identity: { context: context.registeredName, field: "cipher_suites" },
          // The weak suites listed: adding or dropping one leaves the same problem.
          display: { value: weak.join(", ") },
        });
      }
    }
  },
});

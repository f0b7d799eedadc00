import { matchHostname } from "../certs/index.js";
import { hostLeaves, inspectReferencedSecrets } from "../secret-certs.js";
import { defineRule, text, type MessageTemplate } from "./rule.js";

const message =
  (what: string): MessageTemplate =>
  (data) =>
    `Host ${text(data, "host")} serves ${text(data, "hostname")} with Secret ${text(data, "secret")}, whose certificate (${text(data, "subject")}) ${what}. Browsers, Go and current TLS clients ignore the subject's CN (RFC 6125), so they reject it for ${text(data, "hostname")}. Reissue it with DNS:${text(data, "hostname")} in the subjectAltName.`;

export const rule = defineRule({
  meta: {
    id: "cert-no-san",
    severity: "warning",
    description: "A Host's tlsSecret certificate has no subjectAltName DNS name: clients ignore the subject CN and reject it for the Host's hostname.",
    messages: {
      "no-extension": message("has no subjectAltName extension"),
      "no-dns-name": message("has no DNS name in its subjectAltName"),
    },
  },
  check({ simulation, now }, report) {
    for (const { host, hostname, secret, chain, leaf } of hostLeaves(simulation, inspectReferencedSecrets(simulation, now))) {
      if (leaf.sanDnsNames.length > 0 || matchHostname(hostname, leaf) !== null) continue;
      const noExtension = leaf.sanCount === 0;
      report({
        at: chain.at,
        resource: secret.secret,
        messageId: noExtension ? "no-extension" : "no-dns-name",
        identity: { host: `${host.namespace}/${host.name}`, hostname, secret: secret.name, subject: leaf.subject, noExtension },
      });
    }
  },
});

import { matchHostname } from "../certs/index.js";
import { hostLeaves, inspectReferencedSecrets } from "../secret-certs.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "cert-hostname-mismatch",
    severity: "error",
    description: "A Host's hostname is not covered by the subjectAltNames of its tlsSecret's certificate: clients get a name mismatch error.",
    messages: {
      mismatch: (data) =>
        `Host ${text(data, "host")} serves ${text(data, "hostname")} with Secret ${text(data, "secret")}, whose certificate (${text(data, "subject")}) covers only ${text(data, "sans")}: clients reject it with a hostname mismatch. Issue a certificate with ${text(data, "hostname")} in its subjectAltName, or point the Host at the right Secret.`,
    },
  },
  check({ simulation, now }, report) {
    for (const { host, hostname, secret, chain, leaf } of hostLeaves(simulation, inspectReferencedSecrets(simulation, now))) {
      // A leaf with no DNS name at all is cert-no-san's finding.
      if (leaf.sanDnsNames.length === 0 || matchHostname(hostname, leaf) !== null) continue;
      report({
        at: chain.at,
        resource: secret.secret,
        messageId: "mismatch",
        identity: { host: `${host.namespace}/${host.name}`, hostname, secret: secret.name, subject: leaf.subject },
        // The names the certificate does cover: a list that may change while the hostname stays uncovered.
        display: { sans: [...leaf.sanDnsNames, ...leaf.sanIpAddresses].join(", ") },
      });
    }
  },
});

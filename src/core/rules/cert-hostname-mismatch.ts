import { matchHostname } from "../certs/index.js";
import { hostLeaves, inspectReferencedSecrets } from "../secret-certs.js";
import { legacyRule, text } from "./rule.js";

export const rule = legacyRule({
  meta: {
    id: "cert-hostname-mismatch",
    severity: "error",
    description: "A Host's hostname is not covered by the subjectAltNames of its tlsSecret's certificate: clients get a name mismatch error.",
  },
  message(data) {
    return `Host ${text(data, "host")} serves ${text(data, "hostname")} with Secret ${text(data, "secret")}, whose certificate (${text(data, "subject")}) covers only ${text(data, "sans")}: clients reject it with a hostname mismatch. Issue a certificate with ${text(data, "hostname")} in its subjectAltName, or point the Host at the right Secret.`;
  },
  check({ simulation, now }, report) {
    for (const { host, hostname, secret, chain, leaf } of hostLeaves(simulation, inspectReferencedSecrets(simulation, now))) {
      // A leaf with no DNS name at all is cert-no-san's finding.
      if (leaf.sanDnsNames.length === 0 || matchHostname(hostname, leaf) !== null) continue;
      report({
        at: chain.at,
        resource: secret.secret,
        data: {
          host: `${host.namespace}/${host.name}`,
          hostname,
          secret: secret.name,
          subject: leaf.subject,
          sans: [...leaf.sanDnsNames, ...leaf.sanIpAddresses].join(", "),
        },
      });
    }
  },
});

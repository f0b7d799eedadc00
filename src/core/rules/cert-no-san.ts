import { matchHostname } from "../certs/index.js";
import { hostLeaves, inspectReferencedSecrets } from "../secret-certs.js";
import { legacyRule, text } from "./rule.js";

export const rule = legacyRule({
  meta: {
    id: "cert-no-san",
    severity: "warning",
    description: "A Host's tlsSecret certificate has no subjectAltName DNS name: clients ignore the subject CN and reject it for the Host's hostname.",
  },
  message(data) {
    const what = data.noExtension ? "has no subjectAltName extension" : "has no DNS name in its subjectAltName";
    return `Host ${text(data, "host")} serves ${text(data, "hostname")} with Secret ${text(data, "secret")}, whose certificate (${text(data, "subject")}) ${what}. Browsers, Go and current TLS clients ignore the subject's CN (RFC 6125), so they reject it for ${text(data, "hostname")}. Reissue it with DNS:${text(data, "hostname")} in the subjectAltName.`;
  },
  check({ simulation, now }, report) {
    for (const { host, hostname, secret, chain, leaf } of hostLeaves(simulation, inspectReferencedSecrets(simulation, now))) {
      if (leaf.sanDnsNames.length > 0 || matchHostname(hostname, leaf) !== null) continue;
      report({
        at: chain.at,
        resource: secret.secret,
        data: { host: `${host.namespace}/${host.name}`, hostname, secret: secret.name, subject: leaf.subject, noExtension: leaf.sanCount === 0 },
      });
    }
  },
});

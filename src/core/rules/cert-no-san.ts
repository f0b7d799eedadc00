import { matchHostname } from "../certs/index.js";
import { checkableHostname, inspectReferencedSecrets, leafOf } from "../secret-certs.js";
import { text, type Rule } from "./rule.js";

export const rule: Rule = {
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
    const inspection = inspectReferencedSecrets(simulation, now);
    for (const resolved of simulation.hosts) {
      const lookup = resolved.tlsSecret;
      const hostname = resolved.host.hostname;
      if (!lookup?.secret || !checkableHostname(hostname)) continue;
      const secret = inspection.byName.get(`${lookup.secret.namespace}/${lookup.secret.name}`);
      const leaf = leafOf(secret?.chain);
      if (!secret?.chain || !leaf || leaf.sanDnsNames.length > 0 || matchHostname(hostname, leaf) !== null) continue;
      report({
        at: secret.chain.at,
        resource: secret.secret,
        data: { host: `${resolved.host.namespace}/${resolved.host.name}`, hostname, secret: secret.name, subject: leaf.subject, noExtension: leaf.sanCount === 0 },
      });
    }
  },
};

import { matchHostname } from "../certs/index.js";
import { checkableHostname, inspectReferencedSecrets, leafOf } from "../secret-certs.js";
import { text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "cert-hostname-mismatch",
    severity: "error",
    description: "A Host's hostname is not covered by the subjectAltNames of its tlsSecret's certificate: clients get a name mismatch error.",
  },
  message(data) {
    return `Host ${text(data, "host")} serves ${text(data, "hostname")} with Secret ${text(data, "secret")}, whose certificate (${text(data, "subject")}) covers only ${text(data, "sans")}: clients reject it with a hostname mismatch. Issue a certificate with ${text(data, "hostname")} in its subjectAltName, or point the Host at the right Secret.`;
  },
  check({ simulation, now }, report) {
    const inspection = inspectReferencedSecrets(simulation, now);
    for (const resolved of simulation.hosts) {
      const lookup = resolved.tlsSecret;
      const hostname = resolved.host.hostname;
      if (!lookup?.secret || !checkableHostname(hostname)) continue;
      const secret = inspection.byName.get(`${lookup.secret.namespace}/${lookup.secret.name}`);
      const leaf = leafOf(secret?.chain);
      if (!secret?.chain || !leaf || matchHostname(hostname, leaf) !== null) continue;
      if (leaf.sanDnsNames.length === 0) continue; // cert-no-san
      report({
        at: secret.chain.at,
        resource: secret.secret,
        data: {
          host: `${resolved.host.namespace}/${resolved.host.name}`,
          hostname,
          secret: secret.name,
          subject: leaf.subject,
          sans: [...leaf.sanDnsNames, ...leaf.sanIpAddresses].join(", "),
        },
      });
    }
  },
};

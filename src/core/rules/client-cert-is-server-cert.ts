import { matchHostname } from "../certs/index.js";
import { documentLocation } from "../model/resources.js";
import { checkableHostname, inspectReferencedSecrets, leafOf, originationClientSecrets } from "../secret-certs.js";
import { contextField } from "./locations.js";
import { text, type Rule } from "./rule.js";

export const rule: Rule = {
  meta: {
    id: "client-cert-is-server-cert",
    severity: "warning",
    description: "An origination context presents the edge's public identity upstream: a Host's tlsSecret, or a server+client certificate for a Host's hostname.",
  },
  message(data) {
    const head = `Secret ${text(data, "secret")}, presented as a client certificate by TLSContext ${text(data, "contexts")},`;
    const risk =
      "Upstreams then authenticate the gateway with its public server identity: every upstream trusting it also trusts anyone holding the edge certificate, and rotating the edge certificate silently changes the client identity. Use a dedicated client certificate (clientAuth only).";
    if (data.problem === "host-secret") return `${head} is also the tlsSecret of Host ${text(data, "host")} (${text(data, "hostname")}). ${risk}`;
    return `${head} holds a certificate for both serverAuth and clientAuth whose subjectAltName covers Host ${text(data, "host")}'s hostname ${text(data, "hostname")}. ${risk}`;
  },
  check({ simulation, now }, report) {
    const inspection = inspectReferencedSecrets(simulation, now);
    const hosts = simulation.hosts.filter((h) => h.tlsSecret !== undefined);
    for (const [name, { lookup, contexts, first }] of originationClientSecrets(simulation.routes)) {
      const inspected = inspection.byName.get(name);
      const resource = lookup.secret ?? lookup.provider?.resource ?? `Secret/${name}`;
      const at =
        inspected?.chain?.at ??
        (lookup.secret ? documentLocation(lookup.secret, ["metadata", "name"]) : (lookup.provider?.location ?? contextField(first, "secret")));
      const base = { secret: name, contexts: contexts.join(", ") };
      const sharing = hosts.find((h) => h.tlsSecret && `${h.tlsSecret.namespace}/${h.tlsSecret.name}` === name);
      if (sharing) {
        report({ at, resource, data: { ...base, problem: "host-secret", host: `${sharing.host.namespace}/${sharing.host.name}`, hostname: sharing.host.hostname ?? "*" } });
        continue;
      }
      const leaf = leafOf(inspected?.chain);
      const eku = leaf?.extKeyUsage;
      if (!leaf || !eku || !eku.includes("serverAuth") || !eku.includes("clientAuth")) continue;
      const publicHost = simulation.hosts.find((h) => checkableHostname(h.host.hostname) && matchHostname(h.host.hostname, leaf) !== null);
      if (!publicHost) continue;
      report({ at, resource, data: { ...base, problem: "public-identity", host: `${publicHost.host.namespace}/${publicHost.host.name}`, hostname: publicHost.host.hostname ?? "" } });
    }
  },
};

import { specFieldLocation } from "../model/resources.js";
import { describeLookup } from "./describe.js";
import { legacyRule, text } from "./rule.js";

export const rule = legacyRule({
  meta: {
    id: "host-tls-secret-not-found",
    severity: "error",
    description: "A Host's tlsSecret does not exist or cannot be used, so the Host is silently inactive and its hostname is not served with its certificate.",
  },
  message(data) {
    return `Host ${text(data, "host")}: ${text(data, "why")}, so Emissary makes the Host inactive (logged only) and ${text(data, "hostname")} is not served with its certificate. Create the Secret (or its cert-manager Certificate), or list it in the policy's externalSecrets if it is created outside Git.`;
  },
  check({ simulation }, report) {
    for (const resolved of simulation.hosts) {
      if (resolved.state !== "inactive-secret" || !resolved.tlsSecret) continue;
      const host = resolved.host;
      report({
        at: specFieldLocation(host, ["tlsSecret", "name"]),
        resource: host,
        data: { host: `${host.namespace}/${host.name}`, why: describeLookup(resolved.tlsSecret), hostname: host.hostname ?? "its hostname" },
      });
    }
  },
});

import { specFieldLocation } from "../model/resources.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "host-tls-ignored",
    severity: "error",
    description: "A Host has tls or tlsContext but no tlsSecret: Emissary terminates no TLS for it and silently ignores those settings.",
    messages: {
      ignored: (data) =>
        `Host ${text(data, "host")} sets ${text(data, "field")} but no tlsSecret: Emissary terminates TLS only with a tlsSecret, so these settings are silently ignored and ${text(data, "hostname")} gets no certificate of its own. Add tlsSecret: {name: ...}.`,
    },
  },
  check({ simulation }, report) {
    for (const resolved of simulation.hosts) {
      if (!resolved.tlsIgnored) continue;
      const host = resolved.host;
      const field = host.tlsContextName !== undefined ? "tlsContext" : "tls";
      report({
        at: specFieldLocation(host, [field]),
        resource: host,
        messageId: "ignored",
        identity: { host: `${host.namespace}/${host.name}`, field },
        display: { hostname: host.hostname ?? "its hostname" },
      });
    }
  },
});

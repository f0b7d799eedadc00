import { specFieldLocation } from "../model/resources.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "host-context-mismatch",
    severity: "error",
    description: "A Host's tlsContext is unknown, holds a different secret than the Host's tlsSecret (Host dropped), or does not list the Host's hostname.",
    messages: {
      unknown: (data) => `Host ${text(data, "host")}: tlsContext ${text(data, "context")} does not exist, so Emissary drops the Host. Fix the name or remove tlsContext.`,
      secret: (data) =>
        `Host ${text(data, "host")}: its tlsContext ${text(data, "context")} uses secret ${text(data, "contextSecret")}, not the Host's tlsSecret ${text(data, "hostSecret")}, so Emissary drops the Host. Make them the same Secret.`,
      hosts: (data) =>
        `Host ${text(data, "host")}: its tlsContext ${text(data, "context")} does not list ${text(data, "hostname")} in hosts (Emissary posts an error but keeps the Host). Add the hostname to the context's hosts.`,
    },
  },
  check({ simulation }, report) {
    for (const resolved of simulation.hosts) {
      const host = resolved.host;
      const problem =
        resolved.state === "dropped-unknown-context" ? "unknown" : resolved.state === "dropped-secret-mismatch" ? "secret" : resolved.hostnameNotInContext ? "hosts" : undefined;
      if (!problem) continue;
      const contextSecret = resolved.context?.secret;
      const secrets = {
        contextSecret: contextSecret ? `${contextSecret.namespace}/${contextSecret.name}` : "none",
        hostSecret: host.tlsSecret ? `${host.tlsSecret.namespace ?? host.namespace}/${host.tlsSecret.name}` : "none",
      };
      const hostname = { hostname: host.hostname ?? "" };
      report({
        at: specFieldLocation(host, ["tlsContext", "name"]),
        resource: host,
        severity: problem === "hosts" ? "warning" : undefined,
        messageId: problem,
        // The Host, the context it names and the problem, with the names the problem is about: the two Secrets that
        // differ, or the hostname the context does not list. The other names only describe it.
        identity: { problem, host: `${host.namespace}/${host.name}`, context: host.tlsContextName ?? "", ...(problem === "secret" ? secrets : {}), ...(problem === "hosts" ? hostname : {}) },
        display: { ...(problem === "secret" ? {} : secrets), ...(problem === "hosts" ? {} : hostname) },
      });
    }
  },
});

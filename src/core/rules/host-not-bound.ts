import { resourceLocation } from "../model/resources.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "host-not-bound",
    severity: "warning",
    description:
      "Listeners exist and none binds this Host (hostBinding namespace and selector): the Host serves nothing.",
    messages: {
      unbound: (data) =>
        `Host ${text(data, "host")} (${text(data, "hostname")}): no Listener binds it (${text(data, "listeners")}), so Emissary serves nothing for it. Give a Listener hostBinding.namespace.from: ALL, move the Host into a Listener's namespace, or add the labels its hostBinding.selector asks for.`,
    },
  },
  check({ simulation, model }, report) {
    const describe = model.listeners
      .map(
        (l) =>
          `${l.namespace}/${l.name}: ${l.hostBinding ? `from ${l.hostBinding.from ?? "SELF"}${l.hostBinding.matchLabels ? `, selector ${JSON.stringify(l.hostBinding.matchLabels)}` : ""}` : "no usable hostBinding"}`,
      )
      .join("; ");
    for (const resolved of simulation.hosts) {
      if (resolved.bound) continue;
      const host = resolved.host;
      report({
        at: resourceLocation(host),
        resource: host,
        messageId: "unbound",
        identity: { host: `${host.namespace}/${host.name}` },
        display: { hostname: host.hostname ?? "*", listeners: describe },
      });
    }
  },
});

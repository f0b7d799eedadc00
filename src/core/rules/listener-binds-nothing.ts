import { resourceLocation } from "../model/resources.js";
import { listenerBinds } from "../resolve/hosts.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "listener-binds-nothing",
    severity: "warning",
    description:
      'A Listener binds no Host and no TCPMapping uses its port: Emissary disables it ("No matching Hosts/TCPMappings found, disabling!").',
    messages: {
      nothing: (data) =>
        `Listener ${text(data, "listener")} (port ${text(data, "port")}) binds no Host and no TCPMapping uses its port, so Emissary disables it ("No matching Hosts/TCPMappings found, disabling!"): nothing is served on that port. ${text(data, "why")}`,
    },
  },
  check({ simulation, model }, report) {
    // Hosts Emissary keeps (a Host whose Secret is missing never reaches a Listener); without any, the fallback Host
    // Emissary makes lives in its own namespace, without labels.
    const hosts = simulation.hosts.filter((h) => h.state === "terminates" || h.state === "no-tls").map((h) => h.host);
    const candidates = hosts.length > 0 ? hosts : [{ namespace: model.installation.namespace.value, labels: {} }];
    for (const listener of model.listeners) {
      const bindsHost = listener.http && candidates.some((host) => listenerBinds(listener, host));
      const tcp = model.mappings.some(
        (m) => m.kind === "TCPMapping" && m.port !== undefined && m.port === listener.port,
      );
      if (bindsHost || tcp) continue;
      const binding = listener.hostBinding;
      const why = !binding
        ? "Its hostBinding has neither namespace.from nor selector.matchLabels, so Emissary refuses it."
        : !listener.http
          ? "Its protocol stack has no HTTP, so only TCPMappings can use it."
          : binding.from === "ALL"
            ? "No Host carries the labels its hostBinding.selector asks for."
            : `It binds Hosts of its own namespace ${listener.namespace}${binding.matchLabels ? " carrying its selector's labels" : ""} only${binding.from === "SELECTOR" ? " (namespace.from: SELECTOR is not supported and acts as SELF)" : ""}; use namespace.from: ALL to bind Hosts of every namespace.`;
      report({
        at: resourceLocation(listener),
        resource: listener,
        messageId: "nothing",
        identity: { listener: `${listener.namespace}/${listener.name}` },
        display: { port: listener.port ?? "?", why },
      });
    }
  },
});

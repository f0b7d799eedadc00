import { secretKey, specFieldLocation } from "../model/resources.js";
import { defineRule, text } from "./rule.js";

/** Port names that say the Service's port speaks TLS: `https`, `tls`, and Istio's `https-*` / `tls-*` convention. */
const TLS_PORT_NAME = /^(https|tls)(-.*)?$/;

export const rule = defineRule({
  meta: {
    id: "plaintext-to-tls-port",
    severity: "warning",
    description:
      "A Mapping sends cleartext to a port that speaks TLS (443, or a Service port named https or tls): Emissary originates no TLS, so the upstream gets bytes it cannot read.",
    messages: {
      cleartext: (data) =>
        `Mapping ${text(data, "mapping")}: service ${text(data, "service")} reaches port ${text(data, "port")}${data.portName ? ` (named ${text(data, "portName")} on Service ${text(data, "serviceName")})` : ""} without TLS: Emissary sends cleartext there, since only an https:// service or a usable tls: context originates TLS. Write service: https://${text(data, "hostPort")} (and tls: <context> for a client certificate).`,
    },
  },
  check({ simulation, model }, report) {
    for (const route of simulation.routes) {
      if (route.originatesTls || route.rejected || !route.service) continue;
      const mapping = route.mapping;
      const [serviceName = "", serviceNamespace = route.serviceNamespace] = route.upstreamHost.split(".");
      const service = model.services.get(secretKey(serviceNamespace, serviceName));
      const port = service?.ports.find((p) => p.port === route.upstreamPort);
      const named = port?.name !== undefined && TLS_PORT_NAME.test(port.name) ? port.name : undefined;
      if (route.upstreamPort !== 443 && named === undefined) continue;
      report({
        at: specFieldLocation(mapping, ["service"]),
        resource: mapping,
        messageId: "cleartext",
        identity: {
          mapping: `${mapping.namespace}/${mapping.name}`,
          service: route.service.raw,
          port: route.upstreamPort,
        },
        display: {
          portName: named ?? null,
          serviceName: service ? `${service.namespace}/${service.name}` : null,
          hostPort: `${route.service.host}:${route.upstreamPort}`,
        },
      });
    }
  },
});

import { describeFile } from "../resolve/upstream-tls.js";
import { contextField } from "./locations.js";
import { failedHandshakes } from "./lookups.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "handshake-server-untrusted",
    severity: "error",
    description:
      "The route's CA (ca_secret) does not verify the server certificate its upstream serves: the TLS handshake fails.",
    messages: {
      untrusted: (data) =>
        `Route ${text(data, "prefix")} (Mapping ${text(data, "mapping")}) will fail its TLS handshake: the CA in ${text(data, "caSecret")} does not verify the server certificate ${text(data, "service")} serves from Secret ${text(data, "serverSecret")} (${text(data, "serverFile")}:${text(data, "serverLine")}): ${text(data, "why")}. Put the CA that issued the upstream's certificate in ${text(data, "caSecret")} (during a rotation, both CAs), or reissue the upstream's certificate from the CA the route trusts.`,
    },
  },
  check({ simulation }, report) {
    for (const { route, upstream, context, check, identity } of failedHandshakes(simulation, "serverCheck")) {
      report({
        at: contextField(context, context.definition.caSecret !== undefined ? "ca_secret" : "secret"),
        resource: context.definition.resource,
        messageId: "untrusted",
        identity,
        display: {
          prefix: route.mapping.prefix ?? route.mapping.name,
          caSecret: describeFile(check.trustedBy),
          service: `Service ${upstream.service.namespace}/${upstream.service.name}`,
          serverSecret: describeFile(upstream.server),
          serverFile: upstream.server.at.file,
          serverLine: upstream.server.at.line,
          why: check.result.why ?? "it does not verify",
        },
      });
    }
  },
});

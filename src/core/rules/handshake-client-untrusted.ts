import { describeFile } from "../resolve/upstream-tls.js";
import { contextField } from "./locations.js";
import { failedHandshakes } from "./lookups.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "handshake-client-untrusted",
    severity: "error",
    description:
      "The upstream's client CA does not verify the client certificate the route presents: the upstream refuses the handshake.",
    messages: {
      untrusted: (data) =>
        `Route ${text(data, "prefix")} (Mapping ${text(data, "mapping")}) will fail its TLS handshake: ${text(data, "workload")} trusts the client CA in Secret ${text(data, "clientCaSecret")} (${text(data, "clientCaFile")}:${text(data, "clientCaLine")}), which does not verify the client certificate in ${text(data, "clientSecret")}: ${text(data, "why")}. Give the upstream the CA that issued Emissary's client certificate (during a rotation, both CAs), or reissue the client certificate from the CA the upstream trusts.`,
    },
  },
  check({ simulation }, report) {
    for (const { route, upstream, context, check, identity } of failedHandshakes(simulation, "clientCheck")) {
      report({
        at: contextField(context, "secret"),
        resource: context.definition.resource,
        messageId: "untrusted",
        identity,
        display: {
          prefix: route.mapping.prefix ?? route.mapping.name,
          workload: `${upstream.workload.kind} ${upstream.workload.namespace}/${upstream.workload.name}`,
          clientCaSecret: describeFile(check.trustedBy),
          clientCaFile: check.trustedBy.at.file,
          clientCaLine: check.trustedBy.at.line,
          clientSecret: describeFile(check.presented),
          why: check.result.why ?? "it does not verify",
        },
      });
    }
  },
});

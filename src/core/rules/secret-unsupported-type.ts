import { reportSecretReferences } from "./lookups.js";
import { documentLocation } from "../model/resources.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "secret-unsupported-type",
    severity: "error",
    description: "A referenced Secret has a type Emissary ignores (only kubernetes.io/tls, Opaque and istio.io/key-and-cert are read), so it looks missing.",
    messages: {
      "unsupported-type": (data) =>
        `Secret ${text(data, "secret")} has type ${text(data, "type")}, which Emissary ignores (it reads only kubernetes.io/tls, Opaque and istio.io/key-and-cert), so ${text(data, "referrer")} sees it as missing. Change the type.`,
    },
  },
  check({ simulation }, report) {
    reportSecretReferences(simulation, report, {
      matches: ({ lookup }) => lookup.status === "unsupported-type",
      locate: ({ lookup, at }) => (lookup.secret ? documentLocation(lookup.secret, ["type"]) : at),
      messageId: () => "unsupported-type",
      // The type Emissary ignores is the problem itself.
      typeIsIdentity: true,
    });
  },
});

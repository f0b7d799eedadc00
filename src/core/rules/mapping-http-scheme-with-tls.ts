import { mappingField } from "./locations.js";
import { defineRule, text } from "./rule.js";

export const rule = defineRule({
  meta: {
    id: "mapping-http-scheme-with-tls",
    severity: "warning",
    description: "A Mapping's service says http:// but its tls: names a usable context: Emissary originates TLS anyway.",
    messages: {
      "http-scheme": (data) =>
        `Mapping ${text(data, "mapping")}: service ${text(data, "service")} says http://, but tls: ${text(data, "context")} makes Emissary originate TLS anyway ("being used even though service backend lists HTTP"). Write https:// (or drop the scheme) so the manifest says what happens.`,
    },
  },
  check({ simulation }, report) {
    for (const route of simulation.routes) {
      if (!route.httpSchemeWithTls) continue;
      const mapping = route.mapping;
      report({
        at: mappingField(mapping, "service"),
        resource: mapping,
        messageId: "http-scheme",
        identity: { mapping: `${mapping.namespace}/${mapping.name}`, context: String(mapping.tls) },
        display: { service: mapping.service ?? "" },
      });
    }
  },
});

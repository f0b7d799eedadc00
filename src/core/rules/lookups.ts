import type { ResourceBase } from "../model/resources.js";
import type { ResolvedContext } from "../resolve/contexts.js";
import type { SecretLookup } from "../resolve/secrets.js";
import type { Simulation } from "../resolve/simulate.js";
import type { Location } from "../types.js";
import { contextField } from "./locations.js";
import { documentLocation } from "../model/resources.js";

/** One place a Secret is referenced from: a context field or a Host's tlsSecret. */
export interface SecretReference {
  lookup: SecretLookup;
  field: "secret" | "ca_secret" | "crl_secret" | "tlsSecret";
  /** Who references it, for messages: `TLSContext name` or `Host ns/name`. */
  referrer: string;
  referrerResource: ResourceBase;
  at: Location;
  context?: ResolvedContext;
}

export function secretReferences(simulation: Simulation): SecretReference[] {
  const result: SecretReference[] = [];
  for (const context of simulation.contexts.all) {
    if (context.definition.origin === "host") continue;
    const referrer = `TLSContext ${context.registeredName}`;
    const add = (lookup: SecretLookup | undefined, field: SecretReference["field"]) => {
      if (lookup) result.push({ lookup, field, referrer, referrerResource: context.definition.resource, at: contextField(context, field), context });
    };
    add(context.secret, "secret");
    add(context.caSecret, "ca_secret");
    add(context.crlSecret, "crl_secret");
  }
  for (const host of simulation.hosts) {
    if (!host.tlsSecret) continue;
    const resource = host.host;
    result.push({
      lookup: host.tlsSecret,
      field: "tlsSecret",
      referrer: `Host ${resource.namespace}/${resource.name}`,
      referrerResource: resource,
      at: documentLocation(resource, [...resource.specPath, "tlsSecret", "name"]),
    });
  }
  return result;
}

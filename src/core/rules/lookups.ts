import type { ResourceBase } from "../model/resources.js";
import type { ResolvedContext } from "../resolve/contexts.js";
import type { SecretLookup } from "../resolve/secrets.js";
import type { Simulation } from "../resolve/simulate.js";
import type { Location } from "../types.js";
import { contextField } from "./locations.js";
import { documentLocation } from "../model/resources.js";
import type { Report } from "./rule.js";

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

const referencesBySimulation = new WeakMap<Simulation, readonly SecretReference[]>();

/** Every Secret reference of the simulation, computed once per simulation (a dozen rules read them). */
export function secretReferences(simulation: Simulation): readonly SecretReference[] {
  const known = referencesBySimulation.get(simulation);
  if (known) return known;
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
  referencesBySimulation.set(simulation, result);
  return result;
}

/**
 * Reports every reference that `matches`, at `locate`'s place, with the data all Secret-reference rules carry: who
 * refers, through which field, to which Secret (and its type). The finding belongs to the Secret when it is in Git.
 */
export function reportSecretReferences(
  simulation: Simulation,
  report: (finding: Report) => void,
  matches: (reference: SecretReference) => boolean,
  locate: (reference: SecretReference) => Location,
): void {
  for (const reference of secretReferences(simulation)) {
    if (!matches(reference)) continue;
    const { lookup } = reference;
    report({
      at: locate(reference),
      resource: lookup.secret ?? reference.referrerResource,
      data: {
        referrer: reference.referrer,
        field: reference.field,
        secret: `${lookup.namespace}/${lookup.name}`,
        type: lookup.secret?.type ?? null,
      },
    });
  }
}

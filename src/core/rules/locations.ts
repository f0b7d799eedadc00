import { documentLocation, specFieldLocation, type MappingResource } from "../model/resources.js";
import type { ResolvedContext } from "../resolve/contexts.js";
import type { SecretLookup } from "../resolve/secrets.js";
import type { Location } from "../types.js";

/** Location of a field of a TLS context (a TLSContext's spec, a TLS Module block, or a Host's implicit context). */
export function contextField(context: ResolvedContext, field: string): Location {
  const definition = context.definition;
  return documentLocation(definition.resource, field ? [...definition.fieldsPath, field] : [...definition.fieldsPath]);
}

/** Where a finding about a context as a whole points: its name. */
export function contextLocation(context: ResolvedContext): Location {
  const definition = context.definition;
  if (definition.origin === "TLSContext") {
    return documentLocation(definition.resource, definition.resource.style === "crd" ? ["metadata", "name"] : ["name"]);
  }
  return documentLocation(definition.resource, [...definition.fieldsPath]);
}

export function mappingField(mapping: MappingResource, field: string): Location {
  return specFieldLocation(mapping, [field]);
}

/** A Mapping's `tls:` line, or its `service:` line when it has no `tls:`. */
export function mappingTlsOrService(mapping: MappingResource): Location {
  return mappingField(mapping, mapping.tls !== undefined ? "tls" : "service");
}

/** The line of one key of a Secret in Git, or the Secret's name when the key is absent. */
export function secretKeyLocation(lookup: SecretLookup, key?: string): Location | undefined {
  const secret = lookup.secret;
  if (!secret) return undefined;
  const value = key ? secret.values.get(key) : undefined;
  if (value) return documentLocation(secret, value.path);
  const hasData = secret.values.size > 0;
  const firstValue = [...secret.values.values()][0];
  if (hasData && firstValue) return documentLocation(secret, [firstValue.path[0] ?? "data"]);
  return documentLocation(secret, ["metadata", "name"]);
}

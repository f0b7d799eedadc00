import type { Model } from "../model/build.js";
import { groupBy } from "../util/group.js";
import type { HostResource, TlsContextDefinition } from "../model/resources.js";
import { asBoolean, asObject, isObject } from "../model/values.js";
import { readContextFields } from "../model/tls-context.js";
import { isResolved, parseSecretReference, SecretIndex, type SecretLookup, type SecretRole } from "./secrets.js";

/** Why Emissary refuses a context. Each makes the context unusable: Mappings then see it as "not defined". */
export type ContextErrorCode =
  | "cert-and-secret"
  | "incomplete-cert-files"
  | "no-certificate"
  | "ca-without-certificate"
  | "secret"
  | "ca-secret"
  | "crl-secret";

export interface ContextError {
  code: ContextErrorCode;
  /** The field the error is about, relative to the context's fields. */
  field: string;
  lookup?: SecretLookup;
}

export interface ResolvedContext {
  definition: TlsContextDefinition;
  /** The name Mappings reach it by: the bare name, or `name.namespace` when another namespace took the bare name. */
  registeredName: string;
  /** Set when the bare name went to another namespace's context of the same name. */
  renamedBecause?: ResolvedContext;
  namespacing: boolean;
  secret?: SecretLookup;
  caSecret?: SecretLookup;
  crlSecret?: SecretLookup;
  errors: ContextError[];
  usable: boolean;
}

export interface ContextRegistry {
  /** Every context, in Emissary's processing order. */
  all: ResolvedContext[];
  byName: Map<string, ResolvedContext>;
  /** Contexts sharing one bare name across namespaces, first (the winner of the bare name) first. */
  collisions: ResolvedContext[][];
}

const CERT_FIELDS = new Set(["secret", "cert_chain_file", "private_key_file"]);
const TLS_MODULE_FIELDS = new Set(["secret", "cert_chain_file", "private_key_file", "alpn_protocols", "redirect_cleartext_from"]);

/** The TLS Module's blocks: `server` terminates, every other block is an origination context named after its key. */
function tlsModuleContexts(model: Model): TlsContextDefinition[] {
  const result: TlsContextDefinition[] = [];
  for (const module of model.modules) {
    if (module.name !== "tls") continue;
    for (const [key, block] of Object.entries(module.config)) {
      // `client` only supplies the server's CA: it is not a context of its own.
      if (!isObject(block) || key === "client") continue;
      // Legacy blocks carry only these keys; anything else in them is ignored.
      const fields = Object.fromEntries(Object.entries(block).filter(([field]) => TLS_MODULE_FIELDS.has(field)));
      const definition = readContextFields(key, module.namespace, "tls-module", module, fields, [...module.specPath, "config", key]);
      if (key === "server") definition.hosts = ["*"];
      const hasCertFields = Object.keys(block).some((field) => CERT_FIELDS.has(field));
      if (!hasCertFields) {
        definition.secret = "ambassador-certs";
        definition.implicitSecretFrom = "the TLS Module's default";
      }
      result.push(definition);
    }
  }
  return result;
}

/** The contexts Hosts make: from inline `tls`, or an implicit `<host>-context` holding the Host's `tlsSecret`. */
function hostContexts(hosts: readonly HostResource[], existing: ReadonlySet<string>): TlsContextDefinition[] {
  const result: TlsContextDefinition[] = [];
  for (const host of hosts) {
    if (!host.tlsSecret || host.tlsContextName) continue;
    const name = `${host.name}-context`;
    if (!host.inlineTls && existing.has(name)) continue;
    const fields = { ...(host.inlineTls ?? {}) };
    const definition = readContextFields(name, host.namespace, "host", host, fields, [...host.specPath, host.inlineTls ? "tls" : "tlsSecret"]);
    const secretNamespace = host.tlsSecret.namespace ?? host.namespace;
    // The Host's secret is never dot-split: pin the namespace by resolving without namespacing.
    definition.secret = host.tlsSecret.name;
    definition.secretNamespacing = false;
    definition.namespace = secretNamespace;
    definition.implicitSecretFrom = "the Host's tlsSecret";
    result.push(definition);
  }
  return result;
}

export function secretNamespacingDefault(model: Model): boolean {
  for (const module of model.modules) {
    if (module.name !== "ambassador") continue;
    const defaults = asObject(module.config.defaults);
    const value = asBoolean(defaults.tls_secret_namespacing) ?? asBoolean(asObject(defaults.tlscontext).secret_namespacing);
    if (value !== undefined) return value;
  }
  return true;
}

function resolveDefinition(definition: TlsContextDefinition, secrets: SecretIndex, namespacingDefault: boolean): Omit<ResolvedContext, "registeredName"> {
  const namespacing = definition.secretNamespacing ?? namespacingDefault;
  const lookup = (written: string, role: SecretRole) => {
    const ref = parseSecretReference(written, definition.namespace, namespacing);
    return secrets.lookup(written, ref.name, ref.namespace, ref.split, role);
  };
  const errors: ContextError[] = [];
  const resolved: Omit<ResolvedContext, "registeredName"> = { definition, namespacing, errors, usable: true };
  const hasCertificate = definition.secret !== undefined || definition.certChainFile !== undefined;
  const hasCa = definition.caSecret !== undefined || definition.cacertChainFile !== undefined;

  if (definition.secret !== undefined && definition.certChainFile !== undefined) {
    errors.push({ code: "cert-and-secret", field: "cert_chain_file" });
  } else if ((definition.certChainFile === undefined) !== (definition.privateKeyFile === undefined) && definition.secret === undefined) {
    errors.push({ code: "incomplete-cert-files", field: definition.certChainFile ? "cert_chain_file" : "private_key_file" });
  }
  if (!hasCertificate && !hasCa && definition.crlSecret === undefined && definition.privateKeyFile === undefined) {
    errors.push({ code: "no-certificate", field: "" });
  } else if (!hasCertificate && hasCa) {
    errors.push({ code: "ca-without-certificate", field: definition.caSecret !== undefined ? "ca_secret" : "cacert_chain_file" });
  }
  if (definition.secret !== undefined) {
    resolved.secret = lookup(definition.secret, "client");
    if (!isResolved(resolved.secret)) errors.push({ code: "secret", field: "secret", lookup: resolved.secret });
  }
  if (definition.caSecret !== undefined) {
    resolved.caSecret = lookup(definition.caSecret, "ca");
    if (!isResolved(resolved.caSecret)) errors.push({ code: "ca-secret", field: "ca_secret", lookup: resolved.caSecret });
  }
  if (definition.crlSecret !== undefined) {
    resolved.crlSecret = lookup(definition.crlSecret, "crl");
    if (!isResolved(resolved.crlSecret)) errors.push({ code: "crl-secret", field: "crl_secret", lookup: resolved.crlSecret });
  }
  resolved.usable = errors.length === 0;
  return resolved;
}

/**
 * All contexts Emissary registers, resolved. Names are global: when several namespaces use one name, the first in
 * `name.namespace` order keeps the bare name and the others are renamed `name.namespace`.
 */
export function resolveContexts(model: Model, secrets: SecretIndex): ContextRegistry {
  const namespacingDefault = secretNamespacingDefault(model);
  const definitions: TlsContextDefinition[] = [...tlsModuleContexts(model)];
  // Typed by the model (model/tls-context.ts); a copy, since registration must not change the model.
  for (const resource of model.tlsContexts) definitions.push({ ...resource.definition });
  definitions.push(...hostContexts(model.hosts, new Set(definitions.map((d) => d.name))));

  const groups = groupBy(definitions, (definition) => definition.name);
  const all: ResolvedContext[] = [];
  const byName = new Map<string, ResolvedContext>();
  const collisions: ResolvedContext[][] = [];
  for (const [name, group] of groups) {
    const ordered = [...group].sort((a, b) => compareKey(`${a.name}.${a.namespace}`, `${b.name}.${b.namespace}`));
    const members: ResolvedContext[] = [];
    for (const [index, definition] of ordered.entries()) {
      const registeredName = index === 0 ? name : `${name}.${definition.namespace}`;
      const context: ResolvedContext = { ...resolveDefinition(definition, secrets, namespacingDefault), registeredName };
      if (index > 0 && members[0]) context.renamedBecause = members[0];
      members.push(context);
      // Same name and namespace twice (a CRD and an annotation): the last one stored wins.
      byName.set(registeredName, context);
      all.push(context);
    }
    if (new Set(ordered.map((d) => d.namespace)).size > 1) collisions.push(members);
  }
  return { all, byName, collisions };
}

function compareKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

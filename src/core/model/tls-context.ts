import type { YamlPath } from "../source/yaml-document.js";
import type { ResourceBase, TlsContextDefinition, TlsContextResource } from "./resources.js";
import { asBoolean, asName, asStringList, type PlainObject } from "./values.js";

/** The fields of a TLS context as Emissary reads them, wherever they are written (TLSContext, TLS Module, Host). */
export function readContextFields(
  name: string,
  namespace: string,
  origin: TlsContextDefinition["origin"],
  resource: ResourceBase,
  fields: PlainObject,
  fieldsPath: YamlPath,
): TlsContextDefinition {
  return {
    name,
    namespace,
    origin,
    resource,
    fieldsPath,
    hosts: asStringList(fields.hosts),
    secret: asName(fields.secret),
    certChainFile: asName(fields.cert_chain_file),
    privateKeyFile: asName(fields.private_key_file),
    caSecret: asName(fields.ca_secret),
    cacertChainFile: asName(fields.cacert_chain_file),
    crlSecret: asName(fields.crl_secret),
    sni: asName(fields.sni),
    alpnProtocols: asName(fields.alpn_protocols),
    minTlsVersion: asName(fields.min_tls_version),
    maxTlsVersion: asName(fields.max_tls_version),
    cipherSuites: asStringList(fields.cipher_suites),
    secretNamespacing: asBoolean(fields.secret_namespacing),
  };
}

/** A TLSContext resource, typed: its context definition. `crl_secret` exists only in v3alpha1; older schemas drop it. */
export function readTlsContext(base: ResourceBase): TlsContextResource {
  const resource = { ...base, kind: "TLSContext" } as TlsContextResource;
  const definition = readContextFields(base.name, base.namespace, "TLSContext", resource, base.spec, [
    ...base.specPath,
  ]);
  if (!base.apiVersion.endsWith("/v3alpha1")) definition.crlSecret = undefined;
  resource.definition = definition;
  return resource;
}

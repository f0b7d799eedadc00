import { readTlsContext } from "../tls-context.js";
import type { ReadContext } from "./table.js";
import { objectBase } from "../base.js";
import { resourceId } from "../resources.js";
import type { SourceDiagnostic } from "../../source/load.js";
import type { LocatedDocument } from "../../source/yaml-document.js";
import {
  AMBASSADOR_KINDS,
  type AmbassadorVersion,
  type HostResource,
  type ListenerResource,
  type MappingResource,
  type ModuleResource,
  type ResourceBase,
} from "../resources.js";
import {
  asName,
  asNumber,
  asObject,
  asString,
  asStringList,
  asStringRecord,
  isObject,
  type PlainObject,
} from "../values.js";

/** Emissary's CRDs (getambassador.io), top-level or unfolded from an annotation: each kind typed. */

/** The other Emissary kinds the simulation reads: Listeners and resolvers. */
export const OTHER_EMISSARY_KINDS = [
  "Listener",
  "KubernetesServiceResolver",
  "KubernetesEndpointResolver",
  "ConsulResolver",
] as const;

export const RESOLVER_KINDS: Readonly<Record<string, "service" | "endpoint" | "consul">> = {
  KubernetesServiceResolver: "service",
  KubernetesEndpointResolver: "endpoint",
  ConsulResolver: "consul",
};

/** The Emissary kinds the model reads, top-level and in annotations alike. */
export function isEmissaryKind(kind: string): boolean {
  return (
    (AMBASSADOR_KINDS as readonly string[]).includes(kind) || (OTHER_EMISSARY_KINDS as readonly string[]).includes(kind)
  );
}

/** `v0` is gone since Emissary 2.0: such resources do not exist for it. */
export function readVersion(apiVersion: string): AmbassadorVersion | undefined {
  const version = apiVersion.split("/")[1];
  return version === "v3alpha1" || version === "v2" || version === "v1" ? version : undefined;
}

export function unsupportedVersion(
  file: string,
  doc: LocatedDocument,
  apiVersion: string,
  kind: string,
  path: (string | number)[],
  resource: string | null,
): SourceDiagnostic {
  return {
    kind: "unsupported-api-version",
    location: { file, ...doc.locate(path) },
    resource,
    data: { apiVersion, kind },
  };
}

/** `ambassador_id` (or `ambassadorId`, which status updates write) as a list; an empty string is an empty list. */
function readAmbassadorId(spec: PlainObject): string[] | undefined {
  const raw = spec.ambassadorId ?? spec.ambassador_id;
  if (raw === undefined || raw === null) return undefined;
  return (asStringList(raw) ?? []).filter((id) => id !== "");
}

export function typed(untyped: ResourceBase, version: AmbassadorVersion): ResourceBase {
  const ambassadorId = readAmbassadorId(untyped.spec);
  const base: ResourceBase = ambassadorId ? { ...untyped, ambassadorId } : untyped;
  const spec = base.spec;
  switch (base.kind) {
    case "Listener":
      return readListener(base);
    case "TLSContext":
      return readTlsContext(base);
    case "Mapping":
    case "TCPMapping":
      return readMapping(base, version);
    case "Host":
      return readHost(base);
    case "Module": {
      const module: ModuleResource = { ...base, kind: "Module", config: asObject(spec.config) };
      return module;
    }
    default:
      return base;
  }
}

function readMapping(base: ResourceBase, version: AmbassadorVersion): MappingResource {
  const spec = base.spec;
  const rawTls = spec.tls;
  const tls = typeof rawTls === "boolean" ? rawTls : asName(rawTls);
  return {
    ...base,
    kind: base.kind as "Mapping" | "TCPMapping",
    version,
    prefix: asString(spec.prefix),
    service: asName(spec.service),
    tls,
    resolver: asName(spec.resolver),
    // Emissary tests `mapping.get("load_balancer")`: an empty mapping counts as absent.
    hasLoadBalancer: isObject(spec.load_balancer)
      ? Object.keys(spec.load_balancer).length > 0
      : Boolean(spec.load_balancer),
    host: asName(spec.host),
    hostname: asName(spec.hostname),
    port: asNumber(spec.port),
    // `shadow` wins over `host_redirect` (irhttpmappinggroup.py); a TCPMapping cannot redirect.
    hostRedirect: base.kind === "Mapping" && spec.host_redirect === true && spec.shadow !== true,
  };
}

function readListener(base: ResourceBase): ListenerResource {
  const spec = base.spec;
  const binding = asObject(spec.hostBinding);
  const from = asString(asObject(binding.namespace).from)?.toUpperCase();
  const selector = isObject(binding.selector) ? asStringRecord(asObject(binding.selector).matchLabels) : undefined;
  // Emissary refuses a Listener whose hostBinding has neither a namespace `from` nor a selector with matchLabels.
  const readable =
    (isObject(binding.namespace) ? from !== undefined : false) ||
    (selector !== undefined && isObject(asObject(binding.selector).matchLabels));
  const stack = Array.isArray(spec.protocolStack) ? spec.protocolStack.map((p) => asString(p) ?? "") : [];
  const protocol = asString(spec.protocol) ?? "";
  return {
    ...base,
    kind: "Listener",
    port: asNumber(spec.port),
    hostBinding: readable ? { from, matchLabels: selector } : undefined,
    http: stack.length > 0 ? stack.includes("HTTP") : /HTTP/.test(protocol),
  };
}

function readHost(base: ResourceBase): HostResource {
  const spec = base.spec;
  const tlsSecret = isObject(spec.tlsSecret)
    ? { name: asName(spec.tlsSecret.name), namespace: asName(spec.tlsSecret.namespace) }
    : undefined;
  const tlsContext = isObject(spec.tlsContext) ? asName(spec.tlsContext.name) : undefined;
  const selector = isObject(spec.mappingSelector)
    ? asStringRecord(asObject(spec.mappingSelector).matchLabels)
    : undefined;
  return {
    ...base,
    kind: "Host",
    // An empty or missing hostname serves every hostname (irhost.py sets "*").
    hostname: asName(spec.hostname) ?? "*",
    tlsSecret: tlsSecret?.name ? { name: tlsSecret.name, namespace: tlsSecret.namespace } : undefined,
    tlsContextName: tlsContext,
    inlineTls: isObject(spec.tls) ? spec.tls : undefined,
    mappingSelector: selector,
  };
}

/** A top-level Emissary resource: refused (with a diagnostic naming it) when its version is gone, else typed. */
export function readEmissaryObject(context: ReadContext): void {
  const { file, doc, value, apiVersion, kind, namespace, name } = context;
  const version = readVersion(apiVersion);
  if (!version) {
    context.sink.diagnostics.push(
      unsupportedVersion(file, doc, apiVersion, kind, ["apiVersion"], name ? resourceId(kind, namespace, name) : null),
    );
    return;
  }
  if (!name) return;
  const base = objectBase(asObject(value.metadata), {
    kind,
    apiVersion,
    name,
    namespace,
    file,
    order: context.nextOrder(),
    spec: asObject(value.spec),
    specPath: ["spec"],
    doc,
  });
  context.sink.collected.push(typed(base, version));
}

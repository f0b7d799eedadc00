import type { ReadContext } from "./table.js";
import { readServiceObject } from "./core.js";
import type { LocatedDocument, YamlPath } from "../../source/yaml-document.js";
import {
  resourceId,
  secretKey,
  type CarrierResource,
  type HostResource,
  type MappingResource,
  type ResourceBase,
} from "../resources.js";
import { asName, asNumber, asObject, asString, asStringRecord, isObject, type PlainObject } from "../values.js";

/** Emissary's IngressClass controller name; a class with another controller is not Emissary's. */
export const EMISSARY_INGRESS_CONTROLLER = "getambassador.io/ingress-controller";
const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
const CLASS_ANNOTATION = "kubernetes.io/ingress.class";
/** Ingresses and IngressClasses name their installation in this annotation (not in a spec field). */
const ID_ANNOTATION = "getambassador.io/ambassador-id";

/** A Kubernetes Ingress or IngressClass as read from a manifest. */
export interface IngressObject {
  file: string;
  doc: LocatedDocument;
  value: PlainObject;
  apiVersion: string;
  name: string;
  namespace: string;
  order: number;
}

export interface IngressClassInfo {
  name: string;
  controller: string;
  isDefault: boolean;
  ambassadorId: string;
}

export function readIngressClass(object: IngressObject): IngressClassInfo {
  const metadata = asObject(object.value.metadata);
  const annotations = asStringRecord(metadata.annotations);
  return {
    name: object.name,
    controller: (asString(asObject(object.value.spec).controller) ?? "").toLowerCase(),
    isDefault: annotations[DEFAULT_CLASS_ANNOTATION] === "true",
    ambassadorId: annotations[ID_ANNOTATION] ?? "default",
  };
}

/** Why an Ingress is or is not Emissary's. */
export type IngressClaim = "class-name" | "class-annotation" | "default-class" | undefined;

/**
 * Whether Emissary takes the Ingress: `kubernetes.io/ingress.class: ambassador`, or an `ingressClassName` naming an
 * IngressClass of Emissary's controller for this installation. Without either, the API server fills in the one
 * IngressClass marked default, so that class decides.
 */
export function claimOf(
  object: IngressObject,
  classes: readonly IngressClassInfo[],
  ambassadorId: string,
): IngressClaim {
  const spec = asObject(object.value.spec);
  const annotations = asStringRecord(asObject(object.value.metadata).annotations);
  const ours = (name: string | undefined) =>
    name !== undefined &&
    classes.some(
      (c) => c.name === name && c.controller === EMISSARY_INGRESS_CONTROLLER && c.ambassadorId === ambassadorId,
    );
  const className = asName(spec.ingressClassName);
  if (ours(className)) return "class-name";
  if ((annotations[CLASS_ANNOTATION] ?? "").toLowerCase() === "ambassador") return "class-annotation";
  const defaults = classes.filter((c) => c.isDefault);
  if (
    className === undefined &&
    annotations[CLASS_ANNOTATION] === undefined &&
    defaults.length === 1 &&
    ours(defaults[0]?.name)
  )
    return "default-class";
  return undefined;
}

/** The Ingress's own installation: its `getambassador.io/ambassador-id` annotation, `default` without one. */
export function ingressAmbassadorId(object: IngressObject): string {
  return asStringRecord(asObject(object.value.metadata).annotations)[ID_ANNOTATION] ?? "default";
}

interface Backend {
  service: string | undefined;
  port: string | number | undefined;
  /** Path of the backend's service name in the document. */
  servicePath: YamlPath;
}

/** An Ingress backend in either schema: `service: {name, port: {number|name}}` (v1), `serviceName`/`servicePort` (v1beta1). */
function readBackend(value: unknown, path: YamlPath): Backend {
  const backend = asObject(value);
  if (isObject(backend.service)) {
    const port = asObject(backend.service.port);
    return {
      service: asName(backend.service.name),
      port: asNumber(port.number) ?? asName(port.name),
      servicePath: [...path, "service", "name"],
    };
  }
  const port = backend.servicePort;
  return {
    service: asName(backend.serviceName),
    port: asNumber(port) ?? asName(port),
    servicePath: [...path, "serviceName"],
  };
}

/**
 * The Mappings and Hosts Emissary generates from an Ingress it takes (python/ambassador/fetch/ingress.py): a Host per
 * `spec.tls` entry and hostname (named `<ingress>-<tls>-<host>`, the entry's Secret as tlsSecret), a Mapping per rule path
 * (`<ingress>-<rule>-<path>`) and one for the default backend. A named port is looked up on the Service.
 */
export function ingressResources(
  object: IngressObject,
  carrier: CarrierResource | undefined,
  services: ReadonlyMap<string, CarrierResource>,
): { mappings: MappingResource[]; hosts: HostResource[] } {
  const spec = asObject(object.value.spec);
  const metadata = asObject(object.value.metadata);
  const labels = asStringRecord(metadata.labels);
  const ingressId = `a10r-ingress-${object.name}-${object.namespace}`;
  const tlsEntries = Array.isArray(spec.tls) ? spec.tls : [];
  const hasTls = tlsEntries.length > 0;
  const ownId = [ingressAmbassadorId(object)];
  const base = (
    kind: string,
    name: string,
    specPath: YamlPath,
    fields: Record<string, unknown>,
    aliases: Record<string, YamlPath>,
  ): ResourceBase => ({
    kind,
    name,
    namespace: object.namespace,
    apiVersion: "getambassador.io/v3alpha1",
    id: resourceId(kind, object.namespace, name),
    style: "crd",
    file: object.file,
    order: carrier?.order ?? object.order,
    labels: hasTls ? { ...labels, "a10r-k8s-ingress": ingressId } : labels,
    annotations: {},
    spec: fields,
    specPath,
    doc: object.doc,
    ambassadorId: ownId,
    fieldPaths: aliases,
  });

  const hosts: HostResource[] = [];
  tlsEntries.forEach((entry, tlsIndex) => {
    const secretName = asName(asObject(entry).secretName);
    if (!secretName) return;
    const names = asObject(entry).hosts;
    const hostnames = Array.isArray(names) ? names.map((h) => asString(h) ?? "*") : ["*"];
    hostnames.forEach((hostname, hostIndex) => {
      const path: YamlPath = ["spec", "tls", tlsIndex];
      const aliases = {
        tlsSecret: [...path, "secretName"],
        hostname: Array.isArray(names) ? [...path, "hosts", hostIndex] : path,
      };
      const fields = {
        hostname,
        tlsSecret: { name: secretName },
        mappingSelector: { matchLabels: { "a10r-k8s-ingress": ingressId } },
      };
      hosts.push({
        ...base("Host", `${object.name}-${tlsIndex}-${hostIndex}`, path, fields, aliases),
        kind: "Host",
        hostname,
        tlsSecret: { name: secretName, namespace: undefined },
        tlsContextName: undefined,
        inlineTls: undefined,
        mappingSelector: { "a10r-k8s-ingress": ingressId },
      });
    });
  });

  const mappings: MappingResource[] = [];
  const mapping = (
    name: string,
    path: YamlPath,
    backend: Backend,
    prefix: string,
    hostname: string | undefined,
    host: string | undefined,
  ) => {
    let port = backend.port;
    if (typeof port === "string" && backend.service) {
      const named = services.get(secretKey(object.namespace, backend.service))?.ports.find((p) => p.name === port);
      if (named) port = named.port;
    }
    const service = `${backend.service}.${object.namespace}:${port}`;
    const fields: Record<string, unknown> = {
      prefix,
      service,
      ...(hostname !== undefined ? { hostname } : {}),
      ...(host !== undefined ? { host } : {}),
    };
    mappings.push({
      ...base("Mapping", name, path, fields, { service: backend.servicePath, prefix: path }),
      kind: "Mapping",
      version: "v3alpha1",
      prefix,
      service,
      tls: undefined,
      resolver: undefined,
      hasLoadBalancer: false,
      host,
      hostname,
      port: undefined,
      hostRedirect: false,
      fromIngress: `${object.namespace}/${object.name}`,
    });
  };

  const defaultPath: YamlPath = isObject(spec.defaultBackend) ? ["spec", "defaultBackend"] : ["spec", "backend"];
  const defaultBackend = readBackend(spec.defaultBackend ?? spec.backend, defaultPath);
  if (defaultBackend.service && defaultBackend.port !== undefined) {
    mapping(`${object.name}-default-backend`, defaultPath, defaultBackend, "/", "*", undefined);
  }
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  rules.forEach((rule, ruleIndex) => {
    const ruleHost = asString(asObject(rule).host);
    const paths = asObject(asObject(rule).http).paths;
    (Array.isArray(paths) ? paths : []).forEach((entry, pathIndex) => {
      const path: YamlPath = ["spec", "rules", ruleIndex, "http", "paths", pathIndex];
      const backend = readBackend(asObject(entry).backend, [...path, "backend"]);
      const prefix = asString(asObject(entry).path) ?? "/";
      if (!backend.service || backend.port === undefined || !prefix) return;
      // `*.example.com` becomes a host regex; any other host (`*` included) a hostname. No host: `*`, unless the
      // Ingress has TLS, whose Hosts then pick the Mappings by label.
      let hostname: string | undefined;
      let host: string | undefined;
      if (ruleHost !== undefined && ruleHost.startsWith("*.")) host = ruleHost;
      else if (ruleHost !== undefined) hostname = ruleHost;
      else if (!hasTls) hostname = "*";
      mapping(`${object.name}-${ruleIndex}-${pathIndex}`, path, backend, prefix, hostname, host);
    });
  });
  return { mappings, hosts };
}

/** An Ingress: a carrier of annotations like a Service, and, when Emissary takes it, Mappings and Hosts (see build.ts). */
export function readIngressObject(context: ReadContext): void {
  const order = context.nextOrder();
  readServiceObject(context);
  if (context.name)
    context.sink.ingresses.push({
      file: context.file,
      doc: context.doc,
      value: context.value,
      apiVersion: context.apiVersion,
      name: context.name,
      namespace: context.namespace,
      order,
    });
}

export function readIngressClassObject(context: ReadContext): void {
  if (context.name)
    context.sink.ingressClasses.push({
      file: context.file,
      doc: context.doc,
      value: context.value,
      apiVersion: context.apiVersion,
      name: context.name,
      namespace: context.namespace,
      order: context.nextOrder(),
    });
}

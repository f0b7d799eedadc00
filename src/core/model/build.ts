import { declaredEmissary, type Policy } from "../policy/policy.js";
import { groupBy } from "../util/group.js";
import { ANNOTATION_ENVELOPE_FIELDS } from "./known-fields.js";
import { parseYamlText, type SourceDiagnostic } from "../source/load.js";
import type { LocatedDocument, PositionMapper } from "../source/yaml-document.js";
import { isKustomizationFile, kustomizeNamespaces, readKustomization } from "./kustomize.js";
import { claimOf, ingressAmbassadorId, ingressResources, readIngressClass, type IngressClaim, type IngressObject } from "./ingress.js";
import { belongsTo, inferInstallation, type Installation } from "./installation.js";
import {
  resourceId,
  resourceLocation,
  secretKey,
  documentLocation,
  type AmbassadorVersion,
  type CarrierResource,
  type ContainerEnv,
  type ContainerInfo,
  type ListenerResource,
  type ServicePort,
  type HostResource,
  type Kustomization,
  type MappingResource,
  type ModuleResource,
  type MountedSecret,
  type ResourceBase,
  type SecretProvider,
  type SecretResource,
  type SecretValue,
  type WorkloadResource,
} from "./resources.js";
import { asName, asNumber, asObject, asString, asStringList, asStringRecord, isObject, type PlainObject } from "./values.js";

export const AMBASSADOR_KINDS = ["Mapping", "TCPMapping", "TLSContext", "Host", "Module"] as const;
export type AmbassadorKind = (typeof AMBASSADOR_KINDS)[number];
/** The other Emissary kinds the simulation reads: Listeners and resolvers. */
const OTHER_EMISSARY_KINDS = ["Listener", "KubernetesServiceResolver", "KubernetesEndpointResolver", "ConsulResolver"] as const;

/** Everything Emissary would read, plus what makes Secrets exist. Later definitions of one object have replaced earlier ones. */
export interface Model {
  mappings: MappingResource[];
  tlsContexts: ResourceBase[];
  hosts: HostResource[];
  modules: ModuleResource[];
  secrets: Map<string, SecretResource>;
  providers: Map<string, SecretProvider[]>;
  kustomizations: Kustomization[];
  /**
   * Objects defined more than once: the definition that wins and the ones it replaces. Services and Ingresses count
   * when one of their definitions carries a getambassador.io/config annotation.
   */
  duplicates: { winner: ResourceBase; replaced: ResourceBase[] }[];
  /** Core Services by `namespace/name` (the definitions the cluster keeps). */
  services: Map<string, CarrierResource>;
  /** Pods and pod controllers, with the labels of their pods and the Secrets those mount. */
  workloads: WorkloadResource[];
  /** Resolver resources by name: which kind of resolver a Mapping's `resolver:` names. */
  resolvers: Map<string, "service" | "endpoint" | "consul">;
  /** Listeners of the installation: with any, a Host serves only when one binds it. */
  listeners: ListenerResource[];
  /** The installation simulated: its namespace, ambassador_id and integrations, and where each came from. */
  installation: Installation;
  /** Emissary resources (and Ingresses) written for another ambassador_id: Emissary drops them. */
  otherInstallations: ResourceBase[];
  /** Ingresses Emissary takes, and why (their Mappings and Hosts are in `mappings` and `hosts`). */
  ingresses: { ingress: CarrierResource; claim: NonNullable<IngressClaim> }[];
  /** Every Ambassador resource, including the replaced definitions, for field checks. */
  allAmbassadorResources: ResourceBase[];
  diagnostics: SourceDiagnostic[];
}

export interface ModelInput {
  path: string;
  /** The file's text, needed to map annotation blocks back to file lines. */
  text: string;
  documents: LocatedDocument[];
}

const CONFIG_ANNOTATION = "getambassador.io/config";

/** Pod controllers: where each keeps its pod template. A Pod is its own template. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
  Rollout: ["spec", "template"],
  Pod: [],
};

const RESOLVER_KINDS: Readonly<Record<string, "service" | "endpoint" | "consul">> = {
  KubernetesServiceResolver: "service",
  KubernetesEndpointResolver: "endpoint",
  ConsulResolver: "consul",
};

/** Orders files the way `kubectl apply -R` walks them: directory entries sorted by name, depth first. */
export function compareApplyOrder(a: string, b: string): number {
  const left = a.split("/");
  const right = b.split("/");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] ?? "";
    const y = right[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

export function buildModel(files: readonly ModelInput[], policy: Policy): Model {
  const sorted = [...files].sort((a, b) => compareApplyOrder(a.path, b.path));
  const diagnostics: SourceDiagnostic[] = [];
  const kustomizations: Kustomization[] = [];
  for (const file of sorted) {
    if (!isKustomizationFile(file.path)) continue;
    const first = file.documents[0];
    const k = first && readKustomization(file.path, first);
    if (k) kustomizations.push(k);
  }
  const namespaces = kustomizeNamespaces(kustomizations, new Set(sorted.map((file) => file.path)));

  const collected: ResourceBase[] = [];
  const carriers: CarrierResource[] = [];
  const workloads: WorkloadResource[] = [];
  const secrets: SecretResource[] = [];
  const providers: SecretProvider[] = [];
  const ingressObjects: IngressObject[] = [];
  const ingressClasses: IngressObject[] = [];
  let order = 0;
  const nextOrder = () => order++;

  for (const file of sorted) {
    if (isKustomizationFile(file.path)) continue;
    const kustomizeNamespace = namespaces.get(file.path);
    // Split once per file, and only for files with annotation blocks to map back to their lines.
    let lines: string[] | undefined;
    const fileLines = () => (lines ??= file.text.split("\n"));
    for (const doc of file.documents) {
      if (!isObject(doc.value)) continue;
      const value = doc.value;
      const apiVersion = asString(value.apiVersion) ?? "";
      const kind = asString(value.kind) ?? "";
      const metadata = asObject(value.metadata);
      const namespace = kustomizeNamespace ?? asName(metadata.namespace) ?? policy.defaultNamespace;

      const droppedName = asName(metadata.name);
      const dropped = droppedName ? resourceId(kind, namespace, droppedName) : null;
      if (/^ambassador\//.test(apiVersion)) {
        diagnostics.push({
          kind: "legacy-api-version",
          location: { file: file.path, ...doc.locate(["apiVersion"]) },
          resource: dropped,
          data: { apiVersion, kind },
        });
        continue;
      }
      const group = apiVersion.split("/")[0] ?? "";
      if (group === "getambassador.io" && isEmissaryKind(kind)) {
        const version = readVersion(apiVersion);
        if (!version) {
          diagnostics.push(unsupportedVersion(file.path, doc, apiVersion, kind, ["apiVersion"], dropped));
          continue;
        }
        const name = asName(metadata.name);
        if (!name) continue;
        const base = objectBase(metadata, {
          kind,
          apiVersion,
          name,
          namespace,
          file: file.path,
          order: nextOrder(),
          spec: asObject(value.spec),
          specPath: ["spec"],
          doc,
        });
        collected.push(typed(base, version));
        continue;
      }
      if (apiVersion === "v1" && kind === "Secret") {
        const name = asName(metadata.name);
        if (name) secrets.push(readSecret(file.path, doc, value, name, namespace, nextOrder()));
        continue;
      }
      const object: TopLevelObject = { file: file.path, doc, value, apiVersion, kind, namespace };
      const networking = /^(networking\.k8s\.io|extensions)\//.test(apiVersion);
      if (networking && (kind === "Ingress" || kind === "IngressClass") && droppedName) {
        (kind === "Ingress" ? ingressObjects : ingressClasses).push({ file: file.path, doc, value, apiVersion, name: droppedName, namespace, order });
      }
      const annotation = asString(asObject(metadata.annotations)[CONFIG_ANNOTATION]);
      const carrier = readCarrier(object, annotation !== undefined, nextOrder);
      if (carrier) carriers.push(carrier);
      if (annotation !== undefined && (kind === "Service" || kind === "Ingress")) {
        const parentAnnotations = asStringRecord(metadata.annotations);
        const unfolded = unfoldAnnotation(file.path, fileLines(), doc, annotation);
        // Emissary drops the whole annotation when any document in it fails to parse.
        const annotationDiagnostics = unfolded.diagnostics.map((d) => ({
          ...d,
          kind: d.kind === "yaml-syntax" ? ("annotation-yaml-syntax" as const) : d.kind,
          data: { ...d.data, where: "annotation" },
        }));
        diagnostics.push(...annotationDiagnostics);
        const unreadable = unfolded.diagnostics.some((d) => d.kind === "yaml-syntax");
        for (const inner of unreadable ? [] : unfolded.documents) {
          if (!isObject(inner.value)) continue;
          const resource = fromAnnotationDocument(inner, {
            file: file.path,
            namespace,
            labels: asStringRecord(metadata.labels),
            annotations: parentAnnotations,
            order: nextOrder(),
            diagnostics,
          });
          if (resource) {
            collected.push(resource);
            carrier?.configResources.push(resource);
          }
        }
      }
      const workload = readWorkload(object);
      if (workload) workloads.push(workload);
      const provider = readProvider(object);
      if (provider) providers.push(provider);
    }
  }
  const installation = inferInstallation(workloads, declaredEmissary(policy));
  const ambassadorId = installation.ambassadorId.value;
  providers.push(...kustomizeGeneratedSecrets(kustomizations, policy.defaultNamespace));
  providers.push(...policyProviders(policy, installation));

  // kubectl apply keeps the last definition of a Service whole: the annotations of the ones it replaces are gone.
  const { winners: carrierWinners, duplicates: carrierDuplicates } = deduplicate(carriers);
  const replacedConfig = new Set(carrierDuplicates.flatMap(({ replaced }) => replaced.flatMap((c) => c.configResources)));
  const { winners: allWinners, duplicates } = deduplicate(collected.filter((resource) => !replacedConfig.has(resource)));
  // Emissary drops what is written for another installation before it reads anything (Config.good_ambassador_id).
  const winners = allWinners.filter((resource) => belongsTo(resource.ambassadorId, ambassadorId));
  const otherInstallations: ResourceBase[] = allWinners.filter((resource) => !belongsTo(resource.ambassadorId, ambassadorId));
  const serviceIndex = new Map(carrierWinners.filter((c) => c.kind === "Service").map((c) => [secretKey(c.namespace, c.name), c]));

  // Ingresses of this installation's class become Mappings and Hosts (fetch/ingress.py).
  const classes = ingressClasses.map(readIngressClass);
  const ingressWinners = new Map(ingressObjects.map((o) => [secretKey(o.namespace, o.name), o]));
  const ingresses: Model["ingresses"] = [];
  const generatedMappings: MappingResource[] = [];
  const generatedHosts: HostResource[] = [];
  for (const object of ingressWinners.values()) {
    const carrier = carrierWinners.find((c) => c.kind === "Ingress" && c.namespace === object.namespace && c.name === object.name);
    const claim = claimOf(object, classes, ambassadorId);
    if (!claim || !carrier) continue;
    if (ingressAmbassadorId(object) !== ambassadorId) {
      otherInstallations.push({ ...carrier, ambassadorId: [ingressAmbassadorId(object)] });
      continue;
    }
    ingresses.push({ ingress: carrier, claim });
    const generated = ingressResources(object, carrier, serviceIndex);
    generatedMappings.push(...generated.mappings);
    generatedHosts.push(...generated.hosts);
  }
  const { winners: secretWinners, duplicates: secretDuplicates } = deduplicate(secrets);
  const secretIndex = new Map<string, SecretResource>();
  for (const secret of secretWinners as SecretResource[]) {
    secretIndex.set(secretKey(secret.namespace, secret.name), secret);
    if (secret.encrypted) {
      providers.push({
        kind: "sops",
        secretName: secret.name,
        namespace: secret.namespace,
        resource: secret,
        location: resourceLocation(secret),
        keys: [...secret.values.keys()],
        type: secret.type,
      });
    }
  }
  const providerIndex = groupBy(providers, (provider) => secretKey(provider.namespace, provider.secretName));

  return {
    mappings: [...winners.filter((r): r is MappingResource => r.kind === "Mapping" || r.kind === "TCPMapping"), ...generatedMappings],
    tlsContexts: winners.filter((r) => r.kind === "TLSContext"),
    hosts: [...winners.filter((r): r is HostResource => r.kind === "Host"), ...generatedHosts],
    modules: winners.filter((r): r is ModuleResource => r.kind === "Module"),
    secrets: secretIndex,
    providers: providerIndex,
    kustomizations,
    duplicates: [
      ...duplicates,
      ...secretDuplicates,
      ...carrierDuplicates.filter(({ winner, replaced }) => winner.hasConfig || replaced.some((c) => c.hasConfig)),
    ],
    services: serviceIndex,
    workloads,
    resolvers: new Map(winners.flatMap((r) => (RESOLVER_KINDS[r.kind] ? [[r.name, RESOLVER_KINDS[r.kind] as "service" | "endpoint" | "consul"] as const] : []))),
    listeners: winners.filter((r): r is ListenerResource => r.kind === "Listener"),
    installation,
    otherInstallations,
    ingresses,
    allAmbassadorResources: collected,
    diagnostics,
  };
}

/** The Emissary kinds the model reads, top-level and in annotations alike. */
function isEmissaryKind(kind: string): boolean {
  return (AMBASSADOR_KINDS as readonly string[]).includes(kind) || (OTHER_EMISSARY_KINDS as readonly string[]).includes(kind);
}

/** `v0` is gone since Emissary 2.0: such resources do not exist for it. */
function readVersion(apiVersion: string): AmbassadorVersion | undefined {
  const version = apiVersion.split("/")[1];
  return version === "v3alpha1" || version === "v2" || version === "v1" ? version : undefined;
}

function unsupportedVersion(
  file: string,
  doc: LocatedDocument,
  apiVersion: string,
  kind: string,
  path: (string | number)[],
  resource: string | null,
): SourceDiagnostic {
  return { kind: "unsupported-api-version", location: { file, ...doc.locate(path) }, resource, data: { apiVersion, kind } };
}

type BaseFields = Omit<ResourceBase, "id">;

function makeBase(fields: BaseFields): ResourceBase {
  return { ...fields, id: resourceId(fields.kind, fields.namespace, fields.name) };
}

/** The base of a top-level Kubernetes object: labels and annotations come from its own metadata. */
function objectBase(metadata: PlainObject, fields: Omit<BaseFields, "style" | "labels" | "annotations">): ResourceBase {
  return makeBase({ ...fields, style: "crd", labels: asStringRecord(metadata.labels), annotations: asStringRecord(metadata.annotations) });
}

/** `ambassador_id` (or `ambassadorId`, which status updates write) as a list; an empty string is an empty list. */
function readAmbassadorId(spec: PlainObject): string[] | undefined {
  const raw = spec.ambassadorId ?? spec.ambassador_id;
  if (raw === undefined || raw === null) return undefined;
  return (asStringList(raw) ?? []).filter((id) => id !== "");
}

function typed(untyped: ResourceBase, version: AmbassadorVersion): ResourceBase {
  const ambassadorId = readAmbassadorId(untyped.spec);
  const base: ResourceBase = ambassadorId ? { ...untyped, ambassadorId } : untyped;
  const spec = base.spec;
  switch (base.kind) {
    case "Listener":
      return readListener(base);
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
    hasLoadBalancer: isObject(spec.load_balancer) ? Object.keys(spec.load_balancer).length > 0 : Boolean(spec.load_balancer),
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
  const readable = (isObject(binding.namespace) ? from !== undefined : false) || (selector !== undefined && isObject(asObject(binding.selector).matchLabels));
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
  const selector = isObject(spec.mappingSelector) ? asStringRecord(asObject(spec.mappingSelector).matchLabels) : undefined;
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

function readSecret(
  file: string,
  doc: LocatedDocument,
  value: PlainObject,
  name: string,
  namespace: string,
  order: number,
): SecretResource {
  const metadata = asObject(value.metadata);
  const values = new Map<string, SecretValue>();
  for (const [key, raw] of Object.entries(asObject(value.data))) {
    const text = asString(raw);
    if (text !== undefined) values.set(key, { key, raw: text, encoding: "base64", path: ["data", key] });
  }
  for (const [key, raw] of Object.entries(asObject(value.stringData))) {
    const text = asString(raw);
    if (text !== undefined) values.set(key, { key, raw: text, encoding: "plain", path: ["stringData", key] });
  }
  const encrypted = isObject(value.sops) || [...values.values()].some((v) => v.raw.startsWith("ENC["));
  const base = objectBase(metadata, {
    kind: "Secret",
    apiVersion: "v1",
    name,
    namespace,
    file,
    order,
    spec: value,
    specPath: [],
    doc,
  });
  return { ...base, kind: "Secret", type: asString(value.type) ?? "Opaque", values, encrypted };
}

interface AnnotationContext {
  file: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  order: number;
  diagnostics: SourceDiagnostic[];
}

/** Reads the YAML inside a `getambassador.io/config` annotation, keeping positions in the file's own lines. */
function unfoldAnnotation(file: string, lines: readonly string[], doc: LocatedDocument, annotation: string) {
  const path = ["metadata", "annotations", CONFIG_ANNOTATION];
  const node = doc.nodeAt(path);
  const fallback = doc.locate(path);
  let mapper: PositionMapper = () => ({ line: fallback.line, column: fallback.column });
  const scalarType = node && "type" in node ? (node as { type?: string }).type : undefined;
  if (node?.range && (scalarType === "BLOCK_LITERAL" || scalarType === "BLOCK_FOLDED")) {
    const header = doc.positionOf(node.range[0]);
    let indent = 0;
    for (let i = header.line; i < lines.length; i++) {
      const line = (lines[i] ?? "").replace(/\r$/, "");
      if (line.trim() === "") continue;
      indent = line.length - line.trimStart().length;
      break;
    }
    mapper = scalarType === "BLOCK_LITERAL"
      ? (line, column) => ({ line: header.line + line, column: column + indent })
      : () => ({ line: header.line + 1, column: indent + 1 });
  }
  return parseYamlText(annotation, file, mapper);
}

function fromAnnotationDocument(inner: LocatedDocument, context: AnnotationContext): ResourceBase | undefined {
  const value = asObject(inner.value);
  const apiVersion = asString(value.apiVersion) ?? "";
  const kind = asString(value.kind) ?? "";
  if (!isEmissaryKind(kind)) return undefined;
  const [group, versionPart] = apiVersion.split("/");
  if ((group !== "ambassador" && group !== "getambassador.io") || !versionPart) return undefined;
  const version = readVersion(`x/${versionPart}`);
  // Emissary rewrites any `ambassador/` prefix to `getambassador.io/`, v3alpha1 included.
  if (!version) {
    const name = asName(value.name);
    const resource = name ? resourceId(kind, asName(value.namespace) ?? context.namespace, name) : null;
    context.diagnostics.push(unsupportedVersion(context.file, inner, apiVersion, kind, ["apiVersion"], resource));
    return undefined;
  }
  const name = asName(value.name);
  if (!name) return undefined;
  const spec: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (ANNOTATION_ENVELOPE_FIELDS.includes(key)) continue;
    spec[key] = item;
  }
  // kustomize rewrites the Service's namespace, not text inside its annotation: an explicit namespace there stands.
  const namespace = asName(value.namespace) ?? context.namespace;
  const base = makeBase({
    kind,
    apiVersion: `getambassador.io/${versionPart}`,
    name,
    namespace,
    style: "annotation",
    file: context.file,
    order: context.order,
    labels: { ...context.labels, ...asStringRecord(value.metadata_labels) },
    annotations: context.annotations,
    spec,
    specPath: [],
    doc: inner,
  });
  return typed(base, version);
}

/** A top-level Kubernetes object of a manifest file, with the namespace kubectl would give it. */
interface TopLevelObject {
  file: string;
  doc: LocatedDocument;
  value: PlainObject;
  apiVersion: string;
  kind: string;
  namespace: string;
}

/** A core Service or an Ingress, as the object kubectl applies (its annotation's resources are added by the caller). */
function readCarrier(
  object: TopLevelObject,
  hasConfig: boolean,
  nextOrder: () => number,
): CarrierResource | undefined {
  const { file, doc, value, apiVersion, kind, namespace } = object;
  const isService = kind === "Service" && apiVersion === "v1";
  const isIngress = kind === "Ingress" && /^(networking\.k8s\.io|extensions)\//.test(apiVersion);
  const metadata = asObject(value.metadata);
  const name = asName(metadata.name);
  if ((!isService && !isIngress) || !name) return undefined;
  const base = objectBase(metadata, {
    kind,
    apiVersion,
    name,
    namespace,
    file,
    order: nextOrder(),
    spec: value,
    specPath: [],
    doc,
  });
  const selector = isService && isObject(asObject(value.spec).selector) ? asStringRecord(asObject(value.spec).selector) : undefined;
  const ports: ServicePort[] = [];
  const declared = asObject(value.spec).ports;
  (isService && Array.isArray(declared) ? declared : []).forEach((entry, index) => {
    const port = asNumber(asObject(entry).port);
    if (port !== undefined) ports.push({ name: asName(asObject(entry).name), port, path: ["spec", "ports", index] });
  });
  return { ...base, kind: isService ? "Service" : "Ingress", hasConfig, configResources: [], selector, ports };
}

/** A Pod or pod controller: its pods' labels and the Secrets they mount as volumes. */
function readWorkload(
  object: TopLevelObject,
): WorkloadResource | undefined {
  const { file, doc, value, apiVersion, kind, namespace } = object;
  const templatePath = POD_TEMPLATE_PATHS[kind];
  const metadata = asObject(value.metadata);
  const name = asName(metadata.name);
  if (!templatePath || !name || (kind === "Rollout" && !apiVersion.startsWith("argoproj.io/"))) return undefined;
  let template: unknown = value;
  for (const key of templatePath) template = asObject(template)[key];
  const podSpec = asObject(asObject(template).spec);
  const volumesPath = [...templatePath, "spec", "volumes"];
  const mountedSecrets: MountedSecret[] = [];
  const volumes = Array.isArray(podSpec.volumes) ? podSpec.volumes : [];
  volumes.forEach((volume, index) => {
    const secretName = asName(asObject(asObject(volume).secret).secretName);
    if (secretName) mountedSecrets.push({ secretName, path: [...volumesPath, index, "secret", "secretName"] });
    const sources = asObject(asObject(volume).projected).sources;
    (Array.isArray(sources) ? sources : []).forEach((source, sourceIndex) => {
      const projected = asName(asObject(asObject(source).secret).name);
      if (projected) mountedSecrets.push({ secretName: projected, path: [...volumesPath, index, "projected", "sources", sourceIndex, "secret", "name"] });
    });
  });
  const base = objectBase(metadata, {
    kind,
    apiVersion,
    name,
    namespace,
    file,
    order: 0,
    spec: asObject(value.spec),
    specPath: ["spec"],
    doc,
  });
  const containers: ContainerInfo[] = [];
  const declared = podSpec.containers;
  (Array.isArray(declared) ? declared : []).forEach((entry, index) => {
    const container = asObject(entry);
    const path = [...templatePath, "spec", "containers", index];
    const env: ContainerEnv[] = [];
    (Array.isArray(container.env) ? container.env : []).forEach((variable, envIndex) => {
      const name = asName(asObject(variable).name);
      const fieldPath = asString(asObject(asObject(asObject(variable).valueFrom).fieldRef).fieldPath);
      if (name) env.push({ name, value: asString(asObject(variable).value), fieldPath, path: [...path, "env", envIndex] });
    });
    const command = [...(asStringList(container.command) ?? []), ...(asStringList(container.args) ?? [])];
    containers.push({ name: asName(container.name), image: asName(container.image), command, env, path });
  });
  return { ...base, podLabels: asStringRecord(asObject(asObject(template).metadata).labels), mountedSecrets, containers };
}

function readProvider(
  object: TopLevelObject,
): SecretProvider | undefined {
  const { file, doc, value, apiVersion, kind, namespace } = object;
  const group = apiVersion.split("/")[0] ?? "";
  const metadata = asObject(value.metadata);
  const spec = asObject(value.spec);
  const name = asName(metadata.name) ?? "";
  const base = (providerKind: SecretProvider["kind"], secretName: string | undefined, path: string[], keys: string[], type?: string) => {
    if (!secretName) return undefined;
    const resource = objectBase(metadata, {
      kind,
      apiVersion,
      name,
      namespace,
      file,
      order: 0,
      spec,
      specPath: ["spec"],
      doc,
    });
    return {
      kind: providerKind,
      secretName,
      namespace,
      resource,
      location: documentLocation(resource, path),
      keys,
      type,
    } satisfies SecretProvider;
  };
  if (group === "cert-manager.io" && kind === "Certificate") {
    return base("cert-manager", asName(spec.secretName), ["spec", "secretName"], ["tls.crt", "tls.key", "ca.crt"], "kubernetes.io/tls");
  }
  if (group === "bitnami.com" && kind === "SealedSecret") {
    const template = asObject(asObject(spec.template).metadata);
    const encrypted = Object.keys(asObject(spec.encryptedData));
    const type = asString(asObject(spec.template).type);
    return base("sealed-secret", asName(template.name) ?? name, ["metadata", "name"], encrypted, type);
  }
  if (group === "external-secrets.io" && kind === "ExternalSecret") {
    const target = asObject(spec.target);
    const keys = Array.isArray(spec.data) ? spec.data.map((d) => asString(asObject(d).secretKey)).filter((k): k is string => !!k) : [];
    const type = asString(asObject(asObject(target.template)).type);
    return base("external-secret", asName(target.name) ?? name, target.name ? ["spec", "target", "name"] : ["metadata", "name"], keys, type);
  }
  return undefined;
}

function kustomizeGeneratedSecrets(kustomizations: readonly Kustomization[], defaultNamespace: string): SecretProvider[] {
  const result: SecretProvider[] = [];
  for (const k of kustomizations) {
    const generators = asObject(k.doc.value).secretGenerator;
    if (!Array.isArray(generators)) continue;
    generators.forEach((generator, index) => {
      const g = asObject(generator);
      const name = asName(g.name);
      if (!name) return;
      const keys: string[] = [];
      for (const entry of [...(Array.isArray(g.files) ? g.files : []), ...(Array.isArray(g.literals) ? g.literals : [])]) {
        const text = asString(entry) ?? "";
        const key = text.includes("=") ? text.slice(0, text.indexOf("=")) : text.slice(text.lastIndexOf("/") + 1);
        if (key) keys.push(key);
      }
      result.push({
        kind: "kustomize-secret-generator",
        secretName: name,
        namespace: k.namespace ?? asName(g.namespace) ?? defaultNamespace,
        resource: null,
        location: { file: k.file, ...k.doc.locate(["secretGenerator", index, "name"]) },
        keys,
        type: asString(g.type),
      });
    });
  }
  return result;
}

function policyProviders(policy: Policy, installation: Installation): SecretProvider[] {
  const result: SecretProvider[] = [];
  const external = (kind: SecretProvider["kind"], namespace: string, secretName: string, keys: string[]) =>
    result.push({ kind, secretName, namespace, resource: null, location: null, keys, type: undefined });
  for (const entry of policy.externalSecrets) {
    const slash = entry.indexOf("/");
    if (slash <= 0) continue;
    external("policy", entry.slice(0, slash), entry.slice(slash + 1), ["tls.crt", "tls.key"]);
  }
  // Emissary writes istio-certs into its own namespace (AMBASSADOR_NAMESPACE); the Consul connector into its own.
  if (installation.istio.value) {
    external("istio", installation.namespace.value, "istio-certs", ["tls.crt", "tls.key"]);
  }
  if (installation.consul.value) {
    external("consul", installation.consulSecretNamespace, "ambassador-consul-connect", ["tls.crt", "tls.key"]);
  }
  return result;
}

/**
 * Several definitions of one object: the API server keeps the last one applied. Identical repeats are harmless;
 * different ones silently lose settings, which the duplicate-resource rule reports.
 */
function deduplicate<T extends ResourceBase>(resources: readonly T[]): { winners: T[]; duplicates: { winner: T; replaced: T[] }[] } {
  const groups = groupBy(resources, (resource) => resource.id);
  const winners: T[] = [];
  const duplicates: { winner: T; replaced: T[] }[] = [];
  for (const list of groups.values()) {
    const ordered = [...list].sort((a, b) => a.order - b.order);
    const winner = ordered[ordered.length - 1] as T;
    winners.push(winner);
    if (ordered.length > 1) duplicates.push({ winner, replaced: ordered.slice(0, -1) });
  }
  winners.sort((a, b) => a.order - b.order);
  return { winners, duplicates };
}

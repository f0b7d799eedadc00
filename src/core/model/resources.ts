import type { Location } from "../types.js";
import type { LocatedDocument, YamlPath } from "../source/yaml-document.js";

/** How a resource reached Emissary: a Kubernetes object, or a document inside a `getambassador.io/config` annotation. */
export type ResourceStyle = "crd" | "annotation";

/** The Emissary kinds whose fields the model reads and checks (the one definition of AmbassadorKind). */
export const AMBASSADOR_KINDS = ["Mapping", "TCPMapping", "TLSContext", "Host", "Module"] as const;
export type AmbassadorKind = (typeof AMBASSADOR_KINDS)[number];

/** The schema Emissary reads a resource with, after rewriting `ambassador/vN` to `getambassador.io/vN`. */
export type AmbassadorVersion = "v3alpha1" | "v2" | "v1";

export interface ResourceBase {
  kind: string;
  name: string;
  namespace: string;
  apiVersion: string;
  /** `Kind/namespace/name`: how findings and outputs name the resource. */
  id: string;
  style: ResourceStyle;
  file: string;
  /** Position in `kubectl apply -R` order: a later definition of the same object replaces an earlier one. */
  order: number;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** The fields Emissary reads (`spec` of a CRD, the top-level keys of an annotation document). */
  spec: Readonly<Record<string, unknown>>;
  /** Where `spec` sits in the document: `["spec"]` for CRDs, `[]` for annotation documents. */
  specPath: YamlPath;
  doc: LocatedDocument;
  /**
   * The installations (`ambassador_id`, or its synonym `ambassadorId`) an Emissary resource is written for, as a list;
   * undefined when none is written, which Emissary reads as `default`.
   */
  ambassadorId?: readonly string[];
  /**
   * For resources Emissary generates from another object (an Ingress): where each spec field's value was written in
   * that object's document, since the spec itself is not.
   */
  fieldPaths?: Readonly<Record<string, YamlPath>>;
}

export interface MappingResource extends ResourceBase {
  kind: "Mapping" | "TCPMapping";
  version: AmbassadorVersion;
  prefix: string | undefined;
  service: string | undefined;
  /** `tls:` as written: a context name, `true` (pre-v3alpha1 only), or absent. */
  tls: string | boolean | undefined;
  resolver: string | undefined;
  hasLoadBalancer: boolean;
  host: string | undefined;
  hostname: string | undefined;
  /** TCPMapping listener port. */
  port: number | undefined;
  /** `host_redirect: true` (without `shadow`): Emissary answers with a redirect and builds no cluster for it. */
  hostRedirect: boolean;
  /** Set for Mappings Emissary generates from a Kubernetes Ingress: the Ingress they come from (`namespace/name`). */
  fromIngress?: string;
}

/** Where a TLS context comes from: a TLSContext resource, a block of the TLS Module, or a Host's implicit context. */
export type ContextOrigin = "TLSContext" | "tls-module" | "host";

export interface TlsContextDefinition {
  /** The name Emissary registers before collision renaming. */
  name: string;
  namespace: string;
  origin: ContextOrigin;
  /** The resource that defines it (the TLSContext, the Module, or the Host). */
  resource: ResourceBase;
  /** Path of the context's fields inside the resource's document. */
  fieldsPath: YamlPath;
  hosts: string[] | undefined;
  secret: string | undefined;
  certChainFile: string | undefined;
  privateKeyFile: string | undefined;
  caSecret: string | undefined;
  cacertChainFile: string | undefined;
  crlSecret: string | undefined;
  sni: string | undefined;
  alpnProtocols: string | undefined;
  minTlsVersion: string | undefined;
  maxTlsVersion: string | undefined;
  cipherSuites: string[] | undefined;
  secretNamespacing: boolean | undefined;
  /** For implicit contexts: why the secret is what it is (for messages). */
  implicitSecretFrom?: string;
}

export interface TlsContextResource extends ResourceBase {
  kind: "TLSContext";
  /** The context it defines, before Emissary's name registration. */
  definition: TlsContextDefinition;
}

export interface HostResource extends ResourceBase {
  kind: "Host";
  hostname: string | undefined;
  tlsSecret: { name: string; namespace: string | undefined } | undefined;
  tlsContextName: string | undefined;
  inlineTls: Readonly<Record<string, unknown>> | undefined;
  mappingSelector: Readonly<Record<string, string>> | undefined;
}

/** How a Listener selects the Hosts it serves (`hostBinding`). */
export interface HostBinding {
  /** `namespace.from`, upper-cased: ALL, SELF or SELECTOR (which Emissary does not support and treats as SELF). */
  from: string | undefined;
  /** `selector.matchLabels`: the labels a Host must carry. */
  matchLabels: Readonly<Record<string, string>> | undefined;
}

export interface ListenerResource extends ResourceBase {
  kind: "Listener";
  port: number | undefined;
  /** `hostBinding`, undefined when it is missing or binds nothing readable (Emissary then refuses the Listener). */
  hostBinding: HostBinding | undefined;
  /** Whether the protocol stack carries HTTP (only those Listeners serve Hosts). */
  http: boolean;
}

/** One port of a core Service. */
export interface ServicePort {
  name: string | undefined;
  port: number;
  /** Path of the port's entry in the Service's document. */
  path: YamlPath;
}

export interface ModuleResource extends ResourceBase {
  kind: "Module";
  config: Readonly<Record<string, unknown>>;
}

/**
 * A Kubernetes Service or Ingress: Emissary reads the `getambassador.io/config` annotation of the definition the cluster
 * keeps, and a Service's selector says which pods serve it.
 */
export interface CarrierResource extends ResourceBase {
  kind: "Service" | "Ingress";
  /** Whether it has a `getambassador.io/config` annotation (readable or not). */
  hasConfig: boolean;
  /** The Emissary resources unfolded from that annotation, in order. */
  configResources: ResourceBase[];
  /** A Service's `spec.selector`: the labels of the pods it sends traffic to. */
  selector: Readonly<Record<string, string>> | undefined;
  /** A Service's `spec.ports`. */
  ports: readonly ServicePort[];
}

/** A Secret a workload's pods mount as a volume (`secret.secretName`, or a projected volume's `secret.name`). */
export interface MountedSecret {
  secretName: string;
  /** Path of the name field in the workload's document. */
  path: YamlPath;
  /** The pod volume it is part of (containers mount volumes by this name). */
  volume?: string;
  /** `items`: which keys are projected, at which relative path; undefined projects every key under its own name. */
  items?: readonly { key: string; path: string }[];
}

/** A ConfigMap a workload's pods mount as a volume (`configMap.name`, or a projected volume's `configMap.name`). */
export interface MountedConfigMap {
  configMapName: string;
  path: YamlPath;
  volume?: string;
  items?: readonly { key: string; path: string }[];
}

/**
 * A ConfigMap, with only the keys that hold PEM certificates (CA bundles): the rest of its data is not kept, since the
 * handshake reads CA bundles only and ConfigMaps often carry large unrelated files.
 */
export interface ConfigMapResource extends ResourceBase {
  kind: "ConfigMap";
  /** Keys of `data` holding a PEM certificate, as plain-text values. */
  bundles: ReadonlyMap<string, SecretValue>;
}

/** A container's `volumeMounts` entry: where a pod volume appears in the container's file system. */
export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath: string | undefined;
}

/** A Pod or a controller of pods (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Argo Rollout). */
export interface WorkloadResource extends ResourceBase {
  /** Labels of the pods it runs (the pod template's, or a Pod's own). */
  podLabels: Readonly<Record<string, string>>;
  mountedSecrets: MountedSecret[];
  /** The ConfigMaps its pods mount (CA bundles); absent for workloads the model made. */
  mountedConfigMaps?: MountedConfigMap[];
  /** The pod template's containers, with what the installation's inference reads from them. */
  containers: readonly ContainerInfo[];
}

/** An environment variable of a container: a literal value, or a `fieldRef` to the pod's namespace. */
export interface ContainerEnv {
  name: string;
  value: string | undefined;
  /** `valueFrom.fieldRef.fieldPath`, when set. */
  fieldPath: string | undefined;
  path: YamlPath;
}

export interface ContainerInfo {
  name: string | undefined;
  image: string | undefined;
  command: readonly string[];
  env: readonly ContainerEnv[];
  /** Where the pod's volumes appear in this container (absent for containers the model made, such as a HelmRelease's). */
  volumeMounts?: readonly VolumeMount[];
  /** Path of the container in the workload's document. */
  path: YamlPath;
}

export interface SecretValue {
  key: string;
  /** The value as written: base64 from `data`, plain text from `stringData`. */
  raw: string;
  encoding: "base64" | "plain";
  path: YamlPath;
}

export interface SecretResource extends ResourceBase {
  kind: "Secret";
  type: string;
  /** Keys from `data` and `stringData` (stringData wins, as the API server merges it over data). */
  values: ReadonlyMap<string, SecretValue>;
  /** True for SOPS-encrypted Secrets: present, but their bytes cannot be inspected. */
  encrypted: boolean;
}

export type SecretProviderKind =
  | "cert-manager"
  | "sealed-secret"
  | "external-secret"
  | "kustomize-secret-generator"
  | "sops"
  | "istio"
  | "consul"
  | "policy";

/** Something that makes a Secret exist in the cluster without Git holding its bytes. */
export interface SecretProvider {
  kind: SecretProviderKind;
  secretName: string;
  namespace: string;
  /** The resource that provides it (null for integrations and the policy's external list). */
  resource: ResourceBase | null;
  location: Location | null;
  /** Keys the provided Secret is known to carry (cert-manager: tls.crt, tls.key, ca.crt). */
  keys: readonly string[];
  /** The Secret's type when the provider says it (cert-manager writes kubernetes.io/tls). */
  type: string | undefined;
}

export interface Kustomization {
  file: string;
  dir: string;
  namespace: string | undefined;
  resources: string[];
  doc: LocatedDocument;
}

export function resourceId(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export function secretKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Location of a field of a resource's spec (`path` relative to the spec). */
export function specFieldLocation(resource: ResourceBase, path: YamlPath): Location {
  const generated = typeof path[0] === "string" ? resource.fieldPaths?.[path[0]] : undefined;
  if (generated) return { file: resource.file, ...resource.doc.locate(generated) };
  return { file: resource.file, ...resource.doc.locate([...resource.specPath, ...path]) };
}

/** Location of any path in the resource's document (`path` from the document root). */
export function documentLocation(resource: ResourceBase, path: YamlPath): Location {
  return { file: resource.file, ...resource.doc.locate(path) };
}

/** Where a finding about the resource as a whole points: its name. */
export function resourceLocation(resource: ResourceBase): Location {
  const namePath = resource.style === "crd" ? ["metadata", "name"] : ["name"];
  return documentLocation(resource, namePath);
}

import type { Location } from "../types.js";
import type { LocatedDocument, YamlPath } from "../source/yaml-document.js";

/** How a resource reached Emissary: a Kubernetes object, or a document inside a `getambassador.io/config` annotation. */
export type ResourceStyle = "crd" | "annotation";

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

export interface HostResource extends ResourceBase {
  kind: "Host";
  hostname: string | undefined;
  tlsSecret: { name: string; namespace: string | undefined } | undefined;
  tlsContextName: string | undefined;
  inlineTls: Readonly<Record<string, unknown>> | undefined;
  mappingSelector: Readonly<Record<string, string>> | undefined;
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
}

/** A Secret a workload's pods mount as a volume (`secret.secretName`, or a projected volume's `secret.name`). */
export interface MountedSecret {
  secretName: string;
  /** Path of the name field in the workload's document. */
  path: YamlPath;
}

/** A Pod or a controller of pods (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Argo Rollout). */
export interface WorkloadResource extends ResourceBase {
  /** Labels of the pods it runs (the pod template's, or a Pod's own). */
  podLabels: Readonly<Record<string, string>>;
  mountedSecrets: MountedSecret[];
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

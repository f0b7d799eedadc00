import type { SourceDiagnostic } from "../../source/load.js";
import type { LocatedDocument } from "../../source/yaml-document.js";
import type { CarrierResource, ResourceBase, SecretProvider, SecretResource, WorkloadResource } from "../resources.js";
import type { PlainObject } from "../values.js";
import { readEmissaryObject, RESOLVER_KINDS } from "./emissary.js";
import { readSecretObject, readServiceObject, readWorkloadObject } from "./core.js";
import { readIngressClassObject, readIngressObject, type IngressObject } from "./ingress.js";
import { readIssuerObject, readProviderObject } from "./providers.js";
import { readHelmReleaseObject } from "./flux.js";

/** What the readers collect from the manifests, before apply order and the installation decide what stays. */
export interface ModelSink {
  /** Emissary resources, top-level and unfolded from annotations, in apply order. */
  collected: ResourceBase[];
  carriers: CarrierResource[];
  workloads: WorkloadResource[];
  /** Flux HelmReleases of Emissary's chart, as the Deployment the chart makes: the installation when no Deployment is in Git. */
  releases: WorkloadResource[];
  secrets: SecretResource[];
  providers: SecretProvider[];
  /** cert-manager Issuers and ClusterIssuers. */
  issuers: ResourceBase[];
  ingresses: IngressObject[];
  ingressClasses: IngressObject[];
  diagnostics: SourceDiagnostic[];
}

/** One top-level object of a manifest file, with the namespace kubectl would give it, handed to its reader. */
export interface ReadContext {
  file: string;
  doc: LocatedDocument;
  value: PlainObject;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string | undefined;
  sink: ModelSink;
  /** The next position in apply order (a later definition of one object replaces an earlier one). */
  nextOrder: () => number;
  /** The file's lines, split on first use (annotation blocks map back to them). */
  fileLines: () => string[];
}

export type Reader = (context: ReadContext) => void;

const EMISSARY_KINDS = [
  "Mapping",
  "TCPMapping",
  "TLSContext",
  "Host",
  "Module",
  "Listener",
  ...Object.keys(RESOLVER_KINDS),
];
const WORKLOADS: [string, string][] = [
  ["", "Pod"],
  ["", "ReplicationController"],
  ["apps", "Deployment"],
  ["apps", "StatefulSet"],
  ["apps", "DaemonSet"],
  ["apps", "ReplicaSet"],
  ["extensions", "Deployment"],
  ["extensions", "DaemonSet"],
  ["extensions", "ReplicaSet"],
  ["batch", "Job"],
  ["batch", "CronJob"],
  ["argoproj.io", "Rollout"],
];

/**
 * The readers, keyed by API group and kind (`group/Kind`, the core group empty): adding a kind is one row here and its
 * reader in the family's file. Every version of a group shares its row; a reader checks versions it must refuse.
 */
export const READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  ...EMISSARY_KINDS.map((kind): [string, Reader] => [`getambassador.io/${kind}`, readEmissaryObject]),
  ["/Secret", readSecretObject],
  ["/Service", readServiceObject],
  ["networking.k8s.io/Ingress", readIngressObject],
  ["extensions/Ingress", readIngressObject],
  ["networking.k8s.io/IngressClass", readIngressClassObject],
  ...WORKLOADS.map(([group, kind]): [string, Reader] => [`${group}/${kind}`, readWorkloadObject]),
  ["cert-manager.io/Certificate", readProviderObject],
  ["cert-manager.io/Issuer", readIssuerObject],
  ["cert-manager.io/ClusterIssuer", readIssuerObject],
  ["bitnami.com/SealedSecret", readProviderObject],
  ["external-secrets.io/ExternalSecret", readProviderObject],
  ["helm.toolkit.fluxcd.io/HelmRelease", readHelmReleaseObject],
]);

/** The reader of an object: by its API group (`v1` is the core group) and kind. */
export function readerFor(apiVersion: string, kind: string): Reader | undefined {
  const group = apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
  return READERS.get(`${group}/${kind}`);
}

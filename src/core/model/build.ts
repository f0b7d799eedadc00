import { groupBy } from "../util/group.js";

import { type DocumentFilter, type SourceDiagnostic } from "../source/load.js";
import type { LocatedDocument } from "../source/yaml-document.js";
import { isKustomizationFile, kustomizeNamespaces, readKustomization } from "./kustomize.js";
import { claimOf, ingressAmbassadorId, ingressResources, readIngressClass, type IngressClaim } from "./readers/ingress.js";
import { belongsTo, inferInstallation, type DeclaredInstallation, type Installation } from "./installation.js";
import {
  resourceId,
  resourceLocation,
  secretKey,
  type CarrierResource,
  type ListenerResource,
  type HostResource,
  type Kustomization,
  type MappingResource,
  type ModuleResource,
  type ResourceBase,
  type SecretProvider,
  type SecretResource,
  type TlsContextResource,
  type WorkloadResource,
} from "./resources.js";
import { asName, asObject, asString, isObject } from "./values.js";
import { readerFor, type ModelSink } from "./readers/table.js";
import { compareApplyOrder, deduplicate } from "./apply-order.js";

import { RESOLVER_KINDS } from "./readers/emissary.js";
import { externalProviders, kustomizeGeneratedSecrets } from "./readers/providers.js";
import { chartValuesReleases } from "./readers/chart-values.js";
import { configMapIndex, type ConfigMapIndex } from "./config-maps.js";

export { compareApplyOrder };

/** Everything Emissary would read, plus what makes Secrets exist. Later definitions of one object have replaced earlier ones. */
export interface Model {
  mappings: MappingResource[];
  tlsContexts: TlsContextResource[];
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
  /**
   * cert-manager Issuers by `Issuer/namespace/name` and ClusterIssuers by `ClusterIssuer//name` (the definitions kept):
   * what signs the Secrets Certificates produce.
   */
  issuers: Map<string, ResourceBase>;
  /**
   * ConfigMaps by `namespace/name` (the definition kept), with the keys that hold PEM certificates. Read on demand: the
   * loader sets ConfigMaps aside unconverted (most are unrelated configuration), and only a CA bundle a workload's
   * container names is looked up.
   */
  configMaps: ConfigMapIndex;
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

/**
 * What the model needs from outside the repository: the namespace of resources without one, the Secrets created outside
 * Git, and what the caller already knows about the installation. The model does not read the policy itself.
 */
export interface ModelOptions {
  defaultNamespace: string;
  /** `namespace/name` of Secrets created outside Git. */
  externalSecrets: readonly string[];
  /** The installation's settings given by the caller; the others are inferred from the repository. */
  emissary: DeclaredInstallation;
}

/**
 * The top-level documents `buildModel` reads beyond their kind: every kustomization file's, objects under a legacy
 * `ambassador/` apiVersion (reported), and every kind with a reader. The loader sets the others aside unconverted.
 */
export const modelReads: DocumentFilter = (path, apiVersion, kind) =>
  isKustomizationFile(path) || /^ambassador\//.test(apiVersion) || readerFor(apiVersion, kind) !== undefined;

export function buildModel(files: readonly ModelInput[], options: ModelOptions): Model {
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

  const sink: ModelSink = { collected: [], carriers: [], workloads: [], releases: [], secrets: [], providers: [], issuers: [], ingresses: [], ingressClasses: [], diagnostics };
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
      const namespace = kustomizeNamespace ?? asName(metadata.namespace) ?? options.defaultNamespace;
      const name = asName(metadata.name);
      // `ambassador/vN` exists only inside annotations: at the top level, whatever its kind, it is no Kubernetes object.
      if (/^ambassador\//.test(apiVersion)) {
        diagnostics.push({
          kind: "legacy-api-version",
          location: { file: file.path, ...doc.locate(["apiVersion"]) },
          resource: name ? resourceId(kind, namespace, name) : null,
          data: { apiVersion, kind },
        });
        continue;
      }
      readerFor(apiVersion, kind)?.({ file: file.path, doc, value, apiVersion, kind, namespace, name, sink, nextOrder, fileLines });
    }
  }
  // A chart's plain values configuring Emissary's chart speak for it after the HelmReleases (nothing renders them here).
  sink.releases.push(...chartValuesReleases(sorted, options.defaultNamespace));
  const { collected, carriers, workloads, secrets, providers } = sink;
  const installation = inferInstallation(workloads, options.emissary, sink.releases);
  const ambassadorId = installation.ambassadorId.value;
  providers.push(...kustomizeGeneratedSecrets(kustomizations, options.defaultNamespace));
  providers.push(...externalProviders(options.externalSecrets, installation));

  // kubectl apply keeps the last definition of a Service whole: the annotations of the ones it replaces are gone.
  const { winners: carrierWinners, duplicates: carrierDuplicates } = deduplicate(carriers);
  const replacedConfig = new Set(carrierDuplicates.flatMap(({ replaced }) => replaced.flatMap((c) => c.configResources)));
  const { winners: allWinners, duplicates } = deduplicate(collected.filter((resource) => !replacedConfig.has(resource)));
  // Emissary drops what is written for another installation before it reads anything (Config.good_ambassador_id).
  const winners = allWinners.filter((resource) => belongsTo(resource.ambassadorId, ambassadorId));
  const otherInstallations: ResourceBase[] = allWinners.filter((resource) => !belongsTo(resource.ambassadorId, ambassadorId));
  const serviceIndex = new Map(carrierWinners.filter((c) => c.kind === "Service").map((c) => [secretKey(c.namespace, c.name), c]));

  // Ingresses of this installation's class become Mappings and Hosts (fetch/ingress.py).
  const classes = sink.ingressClasses.map(readIngressClass);
  const ingressWinners = new Map(sink.ingresses.map((o) => [secretKey(o.namespace, o.name), o]));
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
    tlsContexts: winners.filter((r): r is TlsContextResource => r.kind === "TLSContext"),
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
    issuers: new Map(deduplicate(sink.issuers).winners.map((issuer) => [issuer.id, issuer])),
    configMaps: configMapIndex(sorted, namespaces, options.defaultNamespace),
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


import type { Location } from "../types.js";
import type { YamlPath } from "../source/yaml-document.js";
import { documentLocation, type ContainerInfo, type WorkloadResource } from "./resources.js";

/**
 * The Emissary installation the repository configures: its namespace, its `ambassador_id` and the mesh integrations it
 * runs. Emissary reads them from its own Deployment (AMBASSADOR_NAMESPACE, AMBASSADOR_ID, AMBASSADOR_ISTIO_SECRET_DIR)
 * and from the Consul connector running beside it; the policy may set each, and then wins.
 */
export interface Installation {
  namespace: Inferred<string>;
  ambassadorId: Inferred<string>;
  istio: Inferred<boolean>;
  consul: Inferred<boolean>;
  /** Namespace of the Secret the Consul connector writes (its own namespace); the installation's without a connector. */
  consulSecretNamespace: string;
  /** Every ambassador_id an Emissary Deployment of the repository runs with: the installations it holds. */
  knownIds: readonly string[];
}

/** A setting and where it came from: the policy, the repository (file and line), or Emissary's default. */
export interface Inferred<T> {
  value: T;
  source: "policy" | "repository" | "default";
  /** For `repository`: the file and line it was read from. */
  location?: Location;
  /** What was read there, in words (`AMBASSADOR_ID on Deployment ambassador/emissary`). */
  from?: string;
}

/** What the policy says, each key undefined when the policy does not set it. */
export interface DeclaredInstallation {
  namespace?: string;
  ambassadorId?: string;
  istio?: boolean;
  consul?: boolean;
}

/** Emissary's own image (emissary, ambassador, or the AES image it shares with the Consul connector). */
const EMISSARY_IMAGE = /(^|\/)(emissary|ambassador|aes)(:|@|$)/;
const CONSUL_CONNECTOR_COMMAND = "consul_connect_integration";

function isConsulConnector(container: ContainerInfo): boolean {
  return container.command.includes(CONSUL_CONNECTOR_COMMAND) || /consul[_-]connect/.test(container.image ?? "");
}

function isEmissaryContainer(container: ContainerInfo): boolean {
  return EMISSARY_IMAGE.test(container.image ?? "") && !isConsulConnector(container);
}

function envOf(container: ContainerInfo, name: string) {
  return container.env.find((variable) => variable.name === name);
}

/**
 * Infers the installation from the workloads, the policy's settings overriding. Without an Emissary Deployment the
 * values are Emissary's defaults (namespace and id `default`, no integration) — the same as its entrypoint uses when
 * the environment variables are unset.
 */
export function inferInstallation(
  workloads: readonly WorkloadResource[],
  declared: DeclaredInstallation,
  releases: readonly WorkloadResource[] = [],
): Installation {
  const emissary: { workload: WorkloadResource; container: ContainerInfo }[] = [];
  const connectors: { workload: WorkloadResource; container: ContainerInfo }[] = [];
  for (const workload of workloads) {
    if (
      workload.kind !== "Deployment" &&
      workload.kind !== "StatefulSet" &&
      workload.kind !== "DaemonSet" &&
      workload.kind !== "Rollout"
    )
      continue;
    for (const container of workload.containers) {
      if (isConsulConnector(container)) connectors.push({ workload, container });
      else if (isEmissaryContainer(container)) emissary.push({ workload, container });
    }
  }
  // A Deployment in Git is what runs; a HelmRelease of Emissary's chart speaks for it only when there is none (a chart
  // rendered from this repository yields the Deployment itself).
  if (emissary.length === 0)
    for (const workload of releases) for (const container of workload.containers) emissary.push({ workload, container });
  const describe = (workload: WorkloadResource) => `${workload.kind} ${workload.namespace}/${workload.name}`;
  const idOf = (entry: { container: ContainerInfo }) => envOf(entry.container, "AMBASSADOR_ID")?.value || "default";
  const knownIds = [...new Set(emissary.map(idOf))];
  // With several installations, the policy's id (else the first Deployment's) picks the one simulated.
  const first =
    emissary.find((entry) => declared.ambassadorId === undefined || idOf(entry) === declared.ambassadorId) ??
    emissary[0];

  const namespace = (): Inferred<string> => {
    if (declared.namespace !== undefined) return { value: declared.namespace, source: "policy" };
    if (!first) return { value: "default", source: "default" };
    const variable = envOf(first.container, "AMBASSADOR_NAMESPACE");
    const at = (path: YamlPath) => documentLocation(first.workload, path);
    if (variable?.value)
      return {
        value: variable.value,
        source: "repository",
        location: at(variable.path),
        from: `AMBASSADOR_NAMESPACE on ${describe(first.workload)}`,
      };
    if (variable?.fieldPath === "metadata.namespace") {
      return {
        value: first.workload.namespace,
        source: "repository",
        location: at(variable.path),
        from: `AMBASSADOR_NAMESPACE (the pod's namespace) on ${describe(first.workload)}`,
      };
    }
    // Emissary's entrypoint falls back to `default` without AMBASSADOR_NAMESPACE.
    return {
      value: "default",
      source: "repository",
      location: at(first.container.path),
      from: `${describe(first.workload)} sets no AMBASSADOR_NAMESPACE`,
    };
  };
  const ambassadorId = (): Inferred<string> => {
    if (declared.ambassadorId !== undefined) return { value: declared.ambassadorId, source: "policy" };
    if (!first) return { value: "default", source: "default" };
    const variable = envOf(first.container, "AMBASSADOR_ID");
    if (variable?.value) {
      return {
        value: variable.value,
        source: "repository",
        location: documentLocation(first.workload, variable.path),
        from: `AMBASSADOR_ID on ${describe(first.workload)}`,
      };
    }
    return {
      value: "default",
      source: "repository",
      location: documentLocation(first.workload, first.container.path),
      from: `${describe(first.workload)} sets no AMBASSADOR_ID`,
    };
  };
  const istio = (): Inferred<boolean> => {
    if (declared.istio !== undefined) return { value: declared.istio, source: "policy" };
    const variable = first && envOf(first.container, "AMBASSADOR_ISTIO_SECRET_DIR");
    if (first && variable?.value) {
      return {
        value: true,
        source: "repository",
        location: documentLocation(first.workload, variable.path),
        from: `AMBASSADOR_ISTIO_SECRET_DIR on ${describe(first.workload)}`,
      };
    }
    return { value: false, source: "default" };
  };
  const connector = connectors[0];
  const consul = (): Inferred<boolean> => {
    if (declared.consul !== undefined) return { value: declared.consul, source: "policy" };
    if (connector) {
      return {
        value: true,
        source: "repository",
        location: documentLocation(connector.workload, connector.container.path),
        from: `Consul connector ${describe(connector.workload)}`,
      };
    }
    return { value: false, source: "default" };
  };
  const resolvedNamespace = namespace();
  return {
    namespace: resolvedNamespace,
    ambassadorId: ambassadorId(),
    istio: istio(),
    consul: consul(),
    // The connector writes its Secret into its own namespace (_AMBASSADOR_TLS_SECRET_NAMESPACE is the pod's).
    consulSecretNamespace: connector?.workload.namespace ?? resolvedNamespace.value,
    knownIds,
  };
}

/**
 * Whether a resource written for `ids` belongs to the installation `id`. Emissary: no id means `default`; a list must
 * contain the id; `_automatic_` alone matches any; an empty list or an empty string matches none.
 */
export function belongsTo(ids: readonly string[] | undefined, id: string): boolean {
  if (ids === undefined) return id === "default";
  if (ids.length === 1 && ids[0] === "_automatic_") return true;
  return ids.includes(id);
}

import type { ReadContext } from "./table.js";
import { objectBase } from "../base.js";
import type { ContainerEnv, WorkloadResource } from "../resources.js";
import { asName, asObject, asString, isObject } from "../values.js";

/**
 * Charts whose Deployment is Emissary's. Only emissary-ingress is read: its deployment template was checked
 * (charts/emissary-ingress/templates/deployment.yaml in emissary-ingress/emissary); others may shape env differently.
 */
export const EMISSARY_CHARTS: readonly string[] = ["emissary-ingress"];

/**
 * A Flux HelmRelease of Emissary's chart, read as the Deployment the chart makes of it, for the installation's inference
 * when the repository holds no rendered Deployment (the chart comes from a Helm repository, so nothing renders it).
 * The chart's template sets each `values.env` key, upper-cased, as an env variable, and `AMBASSADOR_NAMESPACE` to
 * `values.namespace.name`, else to the pod's namespace: the `namespaceOverride` value, else the release's namespace.
 * `envRaw` (a template string) and `valuesFrom` are not read.
 */
export function readHelmRelease(
  context: Pick<ReadContext, "file" | "doc" | "value" | "apiVersion" | "kind" | "namespace" | "name">,
): WorkloadResource | undefined {
  const { file, doc, value, apiVersion, kind, namespace, name } = context;
  if (!name) return undefined;
  const spec = asObject(value.spec);
  const chart = asName(asObject(asObject(spec.chart).spec).chart);
  if (!chart || !EMISSARY_CHARTS.includes(chart.slice(chart.lastIndexOf("/") + 1))) return undefined;
  const values = asObject(spec.values);
  const targetNamespace = asName(spec.targetNamespace);
  const podNamespace = asName(values.namespaceOverride) ?? targetNamespace ?? namespace;
  // The chart's pod runs in a namespace known from the release alone, so AMBASSADOR_NAMESPACE is read as a literal.
  const namespaceName = asName(asObject(values.namespace).name);
  const namespaceOverride = asName(values.namespaceOverride);
  const ambassadorNamespace: ContainerEnv = namespaceName
    ? {
        name: "AMBASSADOR_NAMESPACE",
        value: namespaceName,
        fieldPath: undefined,
        path: ["spec", "values", "namespace", "name"],
      }
    : {
        name: "AMBASSADOR_NAMESPACE",
        value: podNamespace,
        fieldPath: undefined,
        path: namespaceOverride
          ? ["spec", "values", "namespaceOverride"]
          : targetNamespace
            ? ["spec", "targetNamespace"]
            : ["metadata", "name"],
      };
  const env: ContainerEnv[] = [ambassadorNamespace];
  if (isObject(values.env)) {
    for (const [key, raw] of Object.entries(values.env)) {
      env.push({
        name: key.toUpperCase(),
        value: asString(raw),
        fieldPath: undefined,
        path: ["spec", "values", "env", key],
      });
    }
  }
  const base = objectBase(asObject(value.metadata), {
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
    ...base,
    podLabels: {},
    mountedSecrets: [],
    containers: [{ name: chart, image: undefined, command: [], env, path: ["spec", "chart"] }],
  };
}

export function readHelmReleaseObject(context: ReadContext): void {
  const release = readHelmRelease(context);
  if (release) context.sink.releases.push(release);
}

import type { LocatedDocument } from "../../source/yaml-document.js";
import { objectBase } from "../base.js";
import type { ContainerEnv, WorkloadResource } from "../resources.js";
import { asBoolean, asName, asObject, asString, isObject, type PlainObject } from "../values.js";
import { EMISSARY_CHARTS } from "./flux.js";

/** The kind of the stand-in workload made of a chart's values (no Kubernetes kind: it only feeds the inference). */
export const CHART_VALUES_KIND = "HelmChartValues";

interface ChartFile {
  path: string;
  documents: readonly LocatedDocument[];
}

function directoryOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash + 1);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function valueAt(values: PlainObject, path: readonly string[]): unknown {
  let current: unknown = values;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * Helm's `condition` on a dependency: comma-separated value paths, the first that holds a boolean decides; none means
 * enabled.
 */
function enabledBy(condition: string | undefined, values: PlainObject): boolean {
  for (const path of (condition ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const flag = asBoolean(valueAt(values, path.split(".")));
    if (flag !== undefined) return flag;
  }
  return true;
}

/**
 * Where a chart's values configure Emissary's chart: the root of the values when the chart is emissary-ingress itself,
 * or the key of an emissary-ingress dependency (its `alias`, else its name), unless the dependency's condition is false.
 */
function emissaryKeys(chart: PlainObject, values: PlainObject): string[][] {
  const keys: string[][] = [];
  const own = asName(chart.name);
  if (own && EMISSARY_CHARTS.includes(own)) keys.push([]);
  const dependencies = Array.isArray(chart.dependencies) ? chart.dependencies : [];
  for (const raw of dependencies) {
    const dependency = asObject(raw);
    const name = asName(dependency.name);
    if (!name || !EMISSARY_CHARTS.includes(name)) continue;
    if (!enabledBy(asString(dependency.condition), values)) continue;
    keys.push([asName(dependency.alias) ?? name]);
  }
  return keys;
}

/**
 * Emissary's chart configured by the plain values of a chart in the repository (a Chart.yaml, with values.yaml beside
 * it), read as the Deployment the chart makes of them, for the installation's inference when nothing renders the chart.
 * As in the flux reader, the chart's deployment template (charts/emissary-ingress/templates/deployment.yaml) sets each
 * `env` key, upper-cased, as an env variable and AMBASSADOR_NAMESPACE to `namespace.name`, else to the pod's namespace:
 * `namespaceOverride`, else the release's, which plain values do not say (then none is read). Only values.yaml (or
 * values.yml) is read: per-environment values files are the environments' business.
 */
export function chartValuesReleases(files: readonly ChartFile[], defaultNamespace: string): WorkloadResource[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const releases: WorkloadResource[] = [];
  for (const file of files) {
    if (baseName(file.path) !== "Chart.yaml") continue;
    const chart = file.documents[0]?.value;
    if (!isObject(chart)) continue;
    const directory = directoryOf(file.path);
    const valuesFile = byPath.get(`${directory}values.yaml`) ?? byPath.get(`${directory}values.yml`);
    const valuesDoc = valuesFile?.documents[0];
    if (!valuesFile || !valuesDoc || !isObject(valuesDoc.value)) continue;
    const values = valuesDoc.value;
    for (const key of emissaryKeys(chart, values)) {
      const scoped = valueAt(values, key);
      if (!isObject(scoped)) continue;
      releases.push(
        releaseOf(valuesFile.path, valuesDoc, scoped, key, asName(chart.name) ?? directory, defaultNamespace),
      );
    }
  }
  return releases;
}

function releaseOf(
  file: string,
  doc: LocatedDocument,
  values: PlainObject,
  key: readonly string[],
  chartName: string,
  defaultNamespace: string,
): WorkloadResource {
  const env: ContainerEnv[] = [];
  const namespaceName = asName(asObject(values.namespace).name);
  const namespaceOverride = asName(values.namespaceOverride);
  if (namespaceName || namespaceOverride)
    env.push({
      name: "AMBASSADOR_NAMESPACE",
      value: namespaceName ?? namespaceOverride,
      fieldPath: undefined,
      path: namespaceName ? [...key, "namespace", "name"] : [...key, "namespaceOverride"],
    });
  if (isObject(values.env)) {
    for (const [name, raw] of Object.entries(values.env)) {
      env.push({ name: name.toUpperCase(), value: asString(raw), fieldPath: undefined, path: [...key, "env", name] });
    }
  }
  const base = objectBase(
    {},
    {
      kind: CHART_VALUES_KIND,
      apiVersion: "",
      name: chartName,
      namespace: defaultNamespace,
      file,
      order: 0,
      spec: values,
      specPath: key,
      doc,
    },
  );
  return {
    ...base,
    podLabels: {},
    mountedSecrets: [],
    containers: [{ name: "emissary-ingress", image: undefined, command: [], env, path: key }],
  };
}

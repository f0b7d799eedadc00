import type { ReadContext } from "./table.js";
import { CONFIG_ANNOTATION, readConfigAnnotation } from "./annotations.js";
import type { LocatedDocument } from "../../source/yaml-document.js";
import { objectBase } from "../base.js";
import {
  type CarrierResource,
  type ContainerEnv,
  type ConfigMapResource,
  type ContainerInfo,
  type MountedConfigMap,
  type MountedSecret,
  type SecretResource,
  type SecretValue,
  type ServicePort,
  type VolumeMount,
  type WorkloadResource,
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

/** Pod controllers: where each keeps its pod template. A Pod is its own template. */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
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

export function readSecret(
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

/** A top-level Kubernetes object of a manifest file, with the namespace kubectl would give it. */
export interface TopLevelObject {
  file: string;
  doc: LocatedDocument;
  value: PlainObject;
  apiVersion: string;
  kind: string;
  namespace: string;
}

/** A core Service or an Ingress, as the object kubectl applies (its annotation's resources are added by the caller). */
export function readCarrier(
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
  const selector =
    isService && isObject(asObject(value.spec).selector) ? asStringRecord(asObject(value.spec).selector) : undefined;
  const ports: ServicePort[] = [];
  const declared = asObject(value.spec).ports;
  (isService && Array.isArray(declared) ? declared : []).forEach((entry, index) => {
    const port = asNumber(asObject(entry).port);
    if (port !== undefined) ports.push({ name: asName(asObject(entry).name), port, path: ["spec", "ports", index] });
  });
  return { ...base, kind: isService ? "Service" : "Ingress", hasConfig, configResources: [], selector, ports };
}

/** A Pod or pod controller: its pods' labels and the Secrets they mount as volumes. */
export function readWorkload(object: TopLevelObject): WorkloadResource | undefined {
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
  const mountedConfigMaps: MountedConfigMap[] = [];
  const volumes = Array.isArray(podSpec.volumes) ? podSpec.volumes : [];
  volumes.forEach((volume, index) => {
    const volumeName = asName(asObject(volume).name);
    const named = volumeName === undefined ? {} : { volume: volumeName };
    const secretSource = asObject(asObject(volume).secret);
    const secretName = asName(secretSource.secretName);
    if (secretName)
      mountedSecrets.push({
        secretName,
        path: [...volumesPath, index, "secret", "secretName"],
        ...named,
        ...itemsOf(secretSource.items),
      });
    const configMapSource = asObject(asObject(volume).configMap);
    const configMapName = asName(configMapSource.name);
    if (configMapName)
      mountedConfigMaps.push({
        configMapName,
        path: [...volumesPath, index, "configMap", "name"],
        ...named,
        ...itemsOf(configMapSource.items),
      });
    const sources = asObject(asObject(volume).projected).sources;
    (Array.isArray(sources) ? sources : []).forEach((source, sourceIndex) => {
      const projectedMap = asObject(asObject(source).configMap);
      const projectedMapName = asName(projectedMap.name);
      if (projectedMapName)
        mountedConfigMaps.push({
          configMapName: projectedMapName,
          path: [...volumesPath, index, "projected", "sources", sourceIndex, "configMap", "name"],
          ...named,
          ...itemsOf(projectedMap.items),
        });
      const projectedSource = asObject(asObject(source).secret);
      const projected = asName(projectedSource.name);
      if (projected)
        mountedSecrets.push({
          secretName: projected,
          path: [...volumesPath, index, "projected", "sources", sourceIndex, "secret", "name"],
          ...named,
          ...itemsOf(projectedSource.items),
        });
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
      if (name)
        env.push({ name, value: asString(asObject(variable).value), fieldPath, path: [...path, "env", envIndex] });
    });
    const command = [...(asStringList(container.command) ?? []), ...(asStringList(container.args) ?? [])];
    const volumeMounts: VolumeMount[] = [];
    for (const entry of Array.isArray(container.volumeMounts) ? container.volumeMounts : []) {
      const mount = asObject(entry);
      const mountName = asName(mount.name);
      const mountPath = asString(mount.mountPath);
      if (mountName && mountPath) volumeMounts.push({ name: mountName, mountPath, subPath: asString(mount.subPath) });
    }
    containers.push({ name: asName(container.name), image: asName(container.image), command, env, volumeMounts, path });
  });
  return {
    ...base,
    podLabels: asStringRecord(asObject(asObject(template).metadata).labels),
    mountedSecrets,
    mountedConfigMaps,
    containers,
  };
}

const PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

/** A ConfigMap's CA bundles: the `data` keys holding a PEM certificate (possibly none). */
export function readConfigMap(
  object: TopLevelObject & { name: string | undefined; order: number },
): ConfigMapResource | null {
  const { file, doc, value, apiVersion, kind, namespace, name } = object;
  if (!name) return null;
  const bundles = new Map<string, SecretValue>();
  for (const [key, raw] of Object.entries(asObject(value.data))) {
    if (typeof raw === "string" && raw.includes(PEM_CERTIFICATE))
      bundles.set(key, { key, raw, encoding: "plain", path: ["data", key] });
  }
  const base = objectBase(asObject(value.metadata), {
    kind,
    apiVersion,
    name,
    namespace,
    file,
    order: object.order,
    spec: {},
    specPath: ["data"],
    doc,
  });
  return { ...base, kind: "ConfigMap", bundles };
}


/** A volume source's `items` (key -> relative path), when written: then only those keys are in the volume. */
function itemsOf(items: unknown): { items?: { key: string; path: string }[] } {
  if (!Array.isArray(items)) return {};
  const result: { key: string; path: string }[] = [];
  for (const item of items) {
    const key = asString(asObject(item).key);
    const path = asString(asObject(item).path);
    if (key !== undefined && path !== undefined) result.push({ key, path });
  }
  return { items: result };
}

function topLevel(context: ReadContext): TopLevelObject {
  const { file, doc, value, apiVersion, kind, namespace } = context;
  return { file, doc, value, apiVersion, kind, namespace };
}

/** A core Secret: its keys (the bytes stay in the model, never in output). */
export function readSecretObject(context: ReadContext): void {
  if (context.name)
    context.sink.secrets.push(
      readSecret(context.file, context.doc, context.value, context.name, context.namespace, context.nextOrder()),
    );
}

/** A Service or an Ingress as kubectl applies it, with the Emissary resources of its getambassador.io/config annotation. */
export function readServiceObject(context: ReadContext): void {
  const annotation = asString(asObject(asObject(context.value.metadata).annotations)[CONFIG_ANNOTATION]);
  const carrier = readCarrier(topLevel(context), annotation !== undefined, context.nextOrder);
  if (carrier) context.sink.carriers.push(carrier);
  if (annotation !== undefined) readConfigAnnotation(context, annotation, carrier);
}

export function readWorkloadObject(context: ReadContext): void {
  const workload = readWorkload(topLevel(context));
  if (workload) context.sink.workloads.push(workload);
}

import { resourceId, type ResourceBase } from "./resources.js";
import { asStringRecord, type PlainObject } from "./values.js";

export type BaseFields = Omit<ResourceBase, "id">;

export function makeBase(fields: BaseFields): ResourceBase {
  return { ...fields, id: resourceId(fields.kind, fields.namespace, fields.name) };
}

/** The base of a top-level Kubernetes object: labels and annotations come from its own metadata. */
export function objectBase(
  metadata: PlainObject,
  fields: Omit<BaseFields, "style" | "labels" | "annotations">,
): ResourceBase {
  return makeBase({
    ...fields,
    style: "crd",
    labels: asStringRecord(metadata.labels),
    annotations: asStringRecord(metadata.annotations),
  });
}

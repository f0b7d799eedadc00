import type { ReadContext } from "./table.js";
import { ANNOTATION_ENVELOPE_FIELDS } from "../known-fields.js";
import { parseYamlText, type ParsedFile, type SourceDiagnostic } from "../../source/load.js";
import type { LocatedDocument, PositionMapper } from "../../source/yaml-document.js";
import { makeBase } from "../base.js";
import { isEmissaryKind, readVersion, typed, unsupportedVersion } from "./emissary.js";
import { resourceId, type CarrierResource, type ResourceBase } from "../resources.js";
import { asName, asObject, asString, asStringRecord, isObject } from "../values.js";

export const CONFIG_ANNOTATION = "getambassador.io/config";

export interface AnnotationContext {
  file: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  order: number;
  diagnostics: SourceDiagnostic[];
}

/**
 * Annotations already unfolded, by the document that carries them. A parsed document outlives an analysis in a
 * long-lived process (the app's parsed-file cache), and a re-check reads every carrier again: without this, each
 * re-check parsed every annotation again and composed its carrier with `yaml` to find the block scalar's lines.
 * The result is read only (its documents like any parsed file's, its diagnostics copied by the caller), and the
 * entry is used only for the same file and the same annotation text.
 */
const unfoldedAnnotations = new WeakMap<LocatedDocument, { file: string; annotation: string; unfolded: ParsedFile }>();

/** Reads the YAML inside a `getambassador.io/config` annotation, keeping positions in the file's own lines. */
export function unfoldAnnotation(file: string, lines: () => readonly string[], doc: LocatedDocument, annotation: string): ParsedFile {
  const known = unfoldedAnnotations.get(doc);
  if (known && known.file === file && known.annotation === annotation) return known.unfolded;
  const unfolded = unfoldAnnotationText(file, lines(), doc, annotation);
  unfoldedAnnotations.set(doc, { file, annotation, unfolded });
  return unfolded;
}

function unfoldAnnotationText(file: string, lines: readonly string[], doc: LocatedDocument, annotation: string): ParsedFile {
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
    mapper =
      scalarType === "BLOCK_LITERAL"
        ? (line, column) => ({ line: header.line + line, column: column + indent })
        : () => ({ line: header.line + 1, column: indent + 1 });
  }
  return parseYamlText(annotation, file, mapper);
}

export function fromAnnotationDocument(inner: LocatedDocument, context: AnnotationContext): ResourceBase | undefined {
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

/** Unfolds a Service's or Ingress's getambassador.io/config annotation into Emissary resources of the carrier. */
export function readConfigAnnotation(
  context: ReadContext,
  annotation: string,
  carrier: CarrierResource | undefined,
): void {
  const { sink } = context;
  const metadata = asObject(context.value.metadata);
  const parentAnnotations = asStringRecord(metadata.annotations);
  const unfolded = unfoldAnnotation(context.file, context.fileLines, context.doc, annotation);
  // Emissary drops the whole annotation when any document in it fails to parse.
  const annotationDiagnostics = unfolded.diagnostics.map((d) => ({
    ...d,
    kind: d.kind === "yaml-syntax" ? ("annotation-yaml-syntax" as const) : d.kind,
    data: { ...d.data, where: "annotation" },
  }));
  sink.diagnostics.push(...annotationDiagnostics);
  const unreadable = unfolded.diagnostics.some((d) => d.kind === "yaml-syntax");
  for (const inner of unreadable ? [] : unfolded.documents) {
    if (!isObject(inner.value)) continue;
    const resource = fromAnnotationDocument(inner, {
      file: context.file,
      namespace: context.namespace,
      labels: asStringRecord(metadata.labels),
      annotations: parentAnnotations,
      order: context.nextOrder(),
      diagnostics: sink.diagnostics,
    });
    if (resource) {
      sink.collected.push(resource);
      carrier?.configResources.push(resource);
    }
  }
}

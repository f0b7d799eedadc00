/**
 * Kustomize: the build runs with origin and transformer annotations (added to the sandbox's copy of the leaf
 * kustomization), which say which file each resource came from; a field a patch sets maps to the patch's line for it.
 * The annotations are stripped before the output reaches the analysis.
 */
import { Document, parse, stringify } from "yaml";
import type { RenderedFile, SourcePoint } from "../core/render/rendered.js";
import { joinRelative } from "./discover-local.js";
import { textOf, type RepoTree } from "./repo.js";
import {
  asRecord,
  documentLines,
  kindAndName,
  lineOfPath,
  pathOnLine,
  type DocumentLines,
  type FieldPath,
} from "./yaml-lines.js";

const ORIGIN = "config.kubernetes.io/origin";
const TRANSFORMATIONS = "alpha.config.kubernetes.io/transformations";

/** The leaf kustomization with origin and transformer annotations switched on (other buildMetadata kept). */
export function withBuildMetadata(text: string): string {
  const doc = new Document(parse(text) ?? {});
  const current = doc.get("buildMetadata");
  const list = new Set<string>(
    Array.isArray((current as { toJSON?: () => unknown })?.toJSON?.())
      ? ((current as { toJSON: () => string[] }).toJSON() ?? [])
      : [],
  );
  list.add("originAnnotations");
  list.add("transformerAnnotations");
  doc.set("buildMetadata", [...list]);
  return doc.toString();
}

interface Origin {
  /** Repository path of the file the resource came from. */
  file?: string;
}

interface Patch {
  file: string;
  doc: DocumentLines;
  /** For JSON 6902 patches: the operations, with their field paths. */
  ops?: { path: FieldPath; line: number }[];
  target?: { kind?: string; name?: string };
}

/** Every patch file named by the kustomizations read (strategic merge and JSON 6902), in the order kustomize applies them. */
function collectPatches(tree: RepoTree, kustomizations: Map<string, string>, order: string[]): Patch[] {
  const patches: Patch[] = [];
  // Bases are applied before the overlays that include them: walk the leaf last.
  for (const dir of [...order].reverse()) {
    const file = kustomizations.get(dir);
    if (!file) continue;
    const record = asRecord(safeParse(textOf(tree, file) ?? ""));
    const entries: { path: string; target?: Record<string, unknown> }[] = [];
    for (const entry of Array.isArray(record.patchesStrategicMerge) ? record.patchesStrategicMerge : [])
      if (typeof entry === "string") entries.push({ path: entry });
    for (const key of ["patches", "patchesJson6902"]) {
      for (const entry of Array.isArray(record[key]) ? (record[key] as unknown[]) : []) {
        const e = asRecord(entry);
        if (typeof e.path === "string")
          entries.push({
            path: e.path,
            ...(typeof e.target === "object" && e.target !== null ? { target: asRecord(e.target) } : {}),
          });
      }
    }
    for (const entry of entries) {
      const path = joinRelative(dir, entry.path);
      const text = path === undefined ? undefined : textOf(tree, path);
      if (path === undefined || text === undefined) continue;
      for (const doc of documentLines(text)) {
        const target = entry.target
          ? { kind: asString(entry.target.kind), name: asString(entry.target.name) }
          : undefined;
        if (Array.isArray(doc.value)) {
          const ops = doc.value.flatMap((op, index) => {
            const pointer = asString(asRecord(op).path);
            if (!pointer) return [];
            const fieldPath = pointer
              .split("/")
              .slice(1)
              .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
            const line =
              doc.lineOf.get(JSON.stringify([index, "value"])) ??
              doc.lineOf.get(JSON.stringify([index, "path"])) ??
              doc.startLine;
            return [{ path: fieldPath, line }];
          });
          patches.push({ file: path, doc, ops, ...(target ? { target } : {}) });
        } else patches.push({ file: path, doc, ...(target ? { target } : {}) });
      }
    }
  }
  return patches;
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function safeParse(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** Whether `name` (in the output) is `original` with a prefix and/or suffix. */
function renamedFrom(name: string, original: string): boolean {
  return original !== "" && name.includes(original);
}

/** The line a patch sets `path` on, for a resource of `kind` originally named `name`; the last patch wins. */
function patchLine(patches: readonly Patch[], kind: string, name: string, path: FieldPath): SourcePoint | undefined {
  let found: { file: string; line: number } | undefined;
  for (const patch of patches) {
    const own = kindAndName(patch.doc.value);
    const targetKind = patch.target?.kind ?? own.kind;
    const targetName = patch.target?.name ?? own.name;
    if ((targetKind && targetKind !== kind) || (targetName && !renamedFrom(name, targetName) && targetName !== name))
      continue;
    if (patch.ops) {
      for (const op of patch.ops)
        if (op.path.every((p, i) => String(path[i]) === p) && op.path.length <= path.length)
          found = { file: patch.file, line: op.line };
      continue;
    }
    if (path[0] === "metadata" && (path[1] === "name" || path[1] === undefined)) continue; // a patch names its target; it does not set the name
    const line = lineOfPath(patch.doc, path, true);
    if (line !== undefined) found = { file: patch.file, line };
  }
  return found ? point(found.file, found.line) : undefined;
}

function point(file: string, line: number): SourcePoint {
  return { file, line, column: 1, endColumn: 2 };
}

/**
 * The output without the build annotations, and a source point for each of its lines. `leafDir` is the kustomization
 * the build ran on (origin paths are relative to it); `fallback` is its kustomization file.
 */
export function mapKustomizeOutput(
  output: string,
  tree: RepoTree,
  leafDir: string,
  kustomizations: Map<string, string>,
  order: string[],
  renderedPath: string,
): RenderedFile {
  const fallbackFile = kustomizations.get(leafDir) ?? "kustomization.yaml";
  const fallback = point(fallbackFile, 1);
  const patches = collectPatches(tree, kustomizations, order);
  const pieces: string[] = [];
  const origins: Origin[] = [];
  for (const value of (documentLines(output).map((d) => d.value) as unknown[]).filter(
    (v) => v !== null && v !== undefined,
  )) {
    const record = asRecord(value);
    const metadata = asRecord(record.metadata);
    const annotations = asRecord(metadata.annotations);
    const origin = asRecord(safeParse(typeof annotations[ORIGIN] === "string" ? annotations[ORIGIN] : ""));
    delete annotations[ORIGIN];
    delete annotations[TRANSFORMATIONS];
    if (Object.keys(annotations).length === 0 && metadata.annotations !== undefined) delete metadata.annotations;
    const originPath =
      typeof origin.path === "string" && typeof origin.repo !== "string"
        ? joinRelative(leafDir, origin.path)
        : undefined;
    origins.push(originPath !== undefined && tree.files.has(originPath) ? { file: originPath } : {});
    pieces.push(stringify(value, { lineWidth: 0 }));
  }
  const text = pieces.join("---\n");
  const lines: (SourcePoint | null)[] = new Array(text.split("\n").length).fill(null);
  const sourceDocs = new Map<string, DocumentLines[]>();
  const docsOf = (file: string) => {
    if (!sourceDocs.has(file)) sourceDocs.set(file, documentLines(textOf(tree, file) ?? ""));
    return sourceDocs.get(file) as DocumentLines[];
  };
  documentLines(text).forEach((doc, index) => {
    const origin = origins[index] ?? {};
    const { kind, name } = kindAndName(doc.value);
    // The source document: same kind, the output's name containing its name (a prefix or suffix may have been added).
    const candidates = origin.file
      ? docsOf(origin.file).filter(
          (d) => kindAndName(d.value).kind === kind && renamedFrom(name, kindAndName(d.value).name),
        )
      : [];
    const source = candidates.sort((a, b) => kindAndName(b.value).name.length - kindAndName(a.value).name.length)[0];
    const originalName = source ? kindAndName(source.value).name : name;
    const start =
      source && origin.file ? point(origin.file, source.startLine) : origin.file ? point(origin.file, 1) : fallback;
    for (let line = doc.startLine; line <= doc.endLine; line++) {
      const path = pathOnLine(doc, line);
      let mapped: SourcePoint | undefined;
      if (path && path.length > 0) mapped = patchLine(patches, kind, originalName, path);
      if (!mapped && path && path.length > 0 && source && origin.file) {
        const at = lineOfPath(source, path);
        if (at !== undefined) mapped = point(origin.file, at);
      }
      lines[line - 1] = mapped ?? start;
    }
  });
  return { path: renderedPath, text, lines, fallback };
}

export interface PatchWithoutTarget {
  file: string;
  line: number;
  /** `Kind/name` the patch is for. */
  target: string;
}

/**
 * Patches that matched nothing. Kustomize stops with an error for a strategic-merge patch without a resource (read
 * from its message), but applies a patch whose `target:` selector selects nothing silently: those are found by
 * comparing the selector's kind and name with the output (names written as regular expressions are left alone).
 */
export function patchesWithoutTarget(
  tree: RepoTree,
  kustomizations: Map<string, string>,
  order: string[],
  output: string | undefined,
  stderr: string | undefined,
): PatchWithoutTarget[] {
  const patches = collectPatches(tree, kustomizations, order);
  const found: PatchWithoutTarget[] = [];
  const unmatched = stderr
    ? /no resource matches strategic merge patch "([^".]+)\.[^"]*\/([^"/.]+)\.\[/.exec(stderr)
    : null;
  if (unmatched) {
    const [, kind, name] = unmatched;
    const patch = patches.find(
      (p) => !p.target && kindAndName(p.doc.value).kind === kind && kindAndName(p.doc.value).name === name,
    );
    if (patch)
      found.push({
        file: patch.file,
        line: lineOfPath(patch.doc, ["metadata", "name"]) ?? patch.doc.startLine,
        target: `${kind}/${name}`,
      });
    return found;
  }
  if (output === undefined) return found;
  const rendered = documentLines(output).map((d) => kindAndName(d.value));
  for (const patch of patches) {
    const kind = patch.target?.kind;
    const name = patch.target?.name;
    if (!patch.target || (!kind && !name) || (name && /[\\^$.*+?()[\]{}|]/.test(name))) continue;
    if (rendered.some((r) => (!kind || r.kind === kind) && (!name || renamedFrom(r.name, name)))) continue;
    const leaf = [...kustomizations.values()];
    const configured = leaf.find((file) =>
      (textOf(tree, file) ?? "").includes(patch.file.slice(patch.file.lastIndexOf("/") + 1)),
    );
    const text = configured ? (textOf(tree, configured) ?? "") : "";
    const line = text.split(/\r?\n/).findIndex((l) => l.includes(patch.file.slice(patch.file.lastIndexOf("/") + 1)));
    found.push({
      file: configured ?? patch.file,
      line: line < 0 ? 1 : line + 1,
      target: `${kind ?? "*"}/${name ?? "*"}`,
    });
  }
  return found;
}

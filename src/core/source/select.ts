import type { LoadLimits } from "../limits.js";
import type { Location, SourceFile } from "../types.js";
import type { SourceDiagnostic } from "./load.js";

export interface SelectedFiles {
  /** The files to parse, in the order given. */
  files: SourceFile[];
  /** A `file-too-large` diagnostic on line 1 of every file left out, naming the limit that left it out. */
  diagnostics: SourceDiagnostic[];
}

/**
 * The per-commit limits, applied before anything is parsed: the manifest files of one tree are taken in path order (so
 * the same tree always keeps the same files, whatever order its reader listed them in) until `maxManifestFiles` files
 * or `maxManifestBytes` bytes; every file after that is left out with a finding of its own. Files over `maxFileBytes`
 * are kept without counting their bytes: they are never parsed, only reported. A file the app's tarball download never
 * reached (`unread: "tarball-bytes"`) is left out with a finding naming that limit, and counts in neither budget.
 */
export function selectManifestFiles(candidates: readonly SourceFile[], limits: LoadLimits): SelectedFiles {
  const sizes = new Map(candidates.map((file) => [file, file.size ?? Buffer.byteLength(file.text, "utf8")]));
  const parsedSize = (file: SourceFile) => {
    const size = sizes.get(file) ?? 0;
    return size > limits.maxFileBytes ? 0 : size;
  };
  const ordered = [...candidates].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const totalBytes = ordered.reduce((sum, file) => sum + (file.unread === "tarball-bytes" ? 0 : parsedSize(file)), 0);

  const kept = new Set<SourceFile>();
  const diagnostics: SourceDiagnostic[] = [];
  let bytes = 0;
  let overBytes = false;
  let index = 0;
  for (const file of ordered) {
    const whole: Location = { file: file.path, line: 1, column: 1, endLine: 1, endColumn: 2 };
    // Never reached in the tarball: nothing is known of it but its listing, and it takes no part in the budgets.
    if (file.unread === "tarball-bytes") {
      diagnostics.push({ kind: "tarball-too-large", location: whole, resource: null, data: { limit: limits.maxTarballBytes } });
      continue;
    }
    if (index++ >= limits.maxManifestFiles) {
      diagnostics.push(leftOut(whole, { files: ordered.length, limit: limits.maxManifestFiles }));
      continue;
    }
    overBytes ||= bytes + parsedSize(file) > limits.maxManifestBytes;
    // A file the reader left out is never parsed, its text being empty: the reader applies these same limits, so this
    // holds only should the two ever disagree, and then the file is still reported rather than read as empty.
    if (overBytes || file.unread === "manifest-limits") {
      diagnostics.push(leftOut(whole, { manifestBytes: totalBytes, limit: limits.maxManifestBytes }));
      continue;
    }
    bytes += parsedSize(file);
    kept.add(file);
  }
  return { files: candidates.filter((file) => kept.has(file)), diagnostics };
}

function leftOut(
  location: Location,
  data: { files: number; limit: number } | { manifestBytes: number; limit: number },
): SourceDiagnostic {
  return { kind: "files" in data ? "too-many-files" : "too-many-bytes", location, resource: null, data };
}

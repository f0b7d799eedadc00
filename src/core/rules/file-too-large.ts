import { LIMIT_VARIABLES } from "../limits.js";
import type { MessageData } from "../types.js";
import { defineRule, reportDiagnostics, text } from "./rule.js";

function count(data: MessageData, key: string): string {
  const value = data[key];
  return typeof value === "number" ? value.toLocaleString("en-US") : "";
}

export const rule = defineRule({
  meta: {
    id: "file-too-large",
    severity: "warning",
    description: "A file, document or commit over an analysis limit (size, documents, nodes, aliases, depth, files, bytes or tarball bytes per commit) was not analysed; its resources are unchecked.",
    messages: {
      "file-bytes": (data) => `File of ${text(data, "bytes")} bytes is over the ${text(data, "limit")}-byte limit and was not analysed; its resources are unchecked.`,
      documents: (data) => `Only the first ${text(data, "limit")} of ${text(data, "documents")} documents were analysed; split the file so every resource is checked.`,
      depth: (data) =>
        `This document nests collections more than ${text(data, "limit")} levels deep, over the analysis limit, and was not analysed; its resources are unchecked. No Kubernetes manifest needs such depth: look for a generator gone wrong.`,
      nodes: (data) =>
        `This document has ${count(data, "nodes")} YAML nodes (keys, values and items), over the analysis limit of ${count(data, "limit")} per document (${LIMIT_VARIABLES.maxNodesPerDocument}), and was not analysed; its resources are unchecked. Split it, or look for a generator gone wrong.`,
      merges: (data) =>
        `This document's merge keys (<<) copy mappings to over ${count(data, "limit")} YAML nodes in all, over the analysis limit per document (${LIMIT_VARIABLES.maxNodesPerDocument}), and it was not analysed; its resources are unchecked. Each merge copies its source again: merge smaller mappings, or fewer times.`,
      aliases: (data) =>
        `This document has ${count(data, "aliases")} aliases (*name), over the analysis limit of ${count(data, "limit")} per document, and was not analysed; its resources are unchecked. Write the values out (a generator can), or split the document.`,
      files: (data) =>
        `This file was not analysed: the commit has ${count(data, "files")} manifest files, over the analysis limit of ${count(data, "limit")} (${LIMIT_VARIABLES.maxManifestFiles}); files are read in path order and this one comes after the first ${count(data, "limit")}. Its resources are unchecked: exclude generated or vendored paths in the policy (paths.exclude), or raise the limit.`,
      "manifest-bytes": (data) =>
        `This file was not analysed: the commit's manifest files total ${count(data, "manifestBytes")} bytes, over the analysis limit of ${count(data, "limit")} bytes (${LIMIT_VARIABLES.maxManifestBytes}); files are read in path order until the limit, and this one is past it. Its resources are unchecked: exclude generated or vendored paths in the policy (paths.exclude), or raise the limit.`,
      "tarball-bytes": (data) =>
        `This file was not analysed: the app reads this commit from its tarball, which is over the download limit of ${count(data, "limit")} bytes (${LIMIT_VARIABLES.maxTarballBytes}), and the download stopped before this file. Its resources are unchecked: a change to it blocks the check. Raise the limit, or keep large non-manifest files (binaries, archives) out of the repository.`,
    },
  },
  check(context, report) {
    reportDiagnostics("file-too-large", context, report);
  },
});

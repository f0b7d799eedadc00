/**
 * Which policy file the CLI applies, so that `analyze k8s` and `analyze .` agree with each other and with the app:
 *
 * 1. `--config PATH`: that file (it must exist);
 * 2. else `.github/mtls-gate.yml` in the analysed directory or the nearest directory above it, up to the root of the
 *    git repository it is in (the app reads the repository root's), and only the directory itself outside a repository;
 * 3. else none: the defaults.
 *
 * With `--head REF` the file is read as it is at REF, like the manifests.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { POLICY_PATH } from "../core/policy/policy.js";
import { gitTopLevel, readFileAtRef } from "./git.js";
import { UsageError } from "./inputs.js";

export interface PolicyFile {
  /** Absolute path of the file, or null when none was found (the defaults apply). */
  absolute: string | null;
  /** The file's contents, undefined with no file. */
  text: string | undefined;
  /** How it was chosen: `--config`, found from the directory, or none. */
  source: "config" | "found" | "default";
}

/** The directories from `start` up to `top` (both included); just `start` when `top` is null or not above it. */
function upTo(start: string, top: string | null): string[] {
  const dirs = [start];
  if (top === null) return dirs;
  let dir = start;
  while (dir !== top) {
    const parent = dirname(dir);
    if (parent === dir || !(dir + sep).startsWith(top + sep)) return [start];
    dir = parent;
    dirs.push(dir);
  }
  return dirs;
}

export function findPolicyFile(options: { config?: string; start: string; cwd: string; ref?: string }): PolicyFile {
  if (options.config !== undefined) {
    const absolute = resolve(options.cwd, options.config);
    if (!existsSync(absolute)) throw new UsageError(`--config ${options.config} does not exist`);
    if (!statSync(absolute).isFile()) throw new UsageError(`--config ${options.config} is not a file`);
    return { absolute, text: readFileSync(absolute, "utf8"), source: "config" };
  }
  const top = gitTopLevel(options.start);
  for (const dir of upTo(options.start, top)) {
    const absolute = join(dir, POLICY_PATH);
    if (options.ref !== undefined && top !== null) {
      const text = readFileAtRef(top, options.ref, relative(top, absolute).split(sep).join("/"));
      if (text !== undefined) return { absolute, text, source: "found" };
    } else if (existsSync(absolute)) {
      return { absolute, text: readFileSync(absolute, "utf8"), source: "found" };
    }
  }
  return { absolute: null, text: undefined, source: "default" };
}

/**
 * What `analyze [PATH...]` reads: directories, files and `-` (stdin), as ONE tree, so that a Mapping in one argument
 * resolves against a TLSContext in another (`helm template . | mtls-gate analyze - extra-secrets.yaml`).
 *
 * Paths in findings: with a single directory argument they are relative to it (the contract since the first CLI); with
 * anything else each file is shown as it was named (relative to the working directory), and stdin as `<stdin>`.
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { decodeFile } from "../core/source/files.js";
import { POLICY_PATH } from "../core/policy/policy.js";
import type { SourceFile } from "../core/types.js";
import { readDirectory } from "./read-dir.js";

export const STDIN_ARG = "-";
export const STDIN_PATH = "<stdin>";

/** A problem with the command line: printed as `mtls-gate: <message>`, exit 2. */
export class UsageError extends Error {}

export type InputKind = "directory" | "file" | "stdin";

export interface Input {
  /** As given on the command line. */
  arg: string;
  kind: InputKind;
  /** Absolute path (the working directory for stdin). */
  absolute: string;
}

/** Classifies each argument; a path that is not there is a usage error that says so. */
export function classifyInputs(args: readonly string[], cwd: string): Input[] {
  const given = args.length > 0 ? args : ["."];
  if (given.filter((a) => a === STDIN_ARG).length > 1) throw new UsageError("stdin (-) can be read only once");
  return given.map((arg): Input => {
    if (arg === STDIN_ARG) return { arg, kind: "stdin", absolute: cwd };
    const absolute = resolve(cwd, arg);
    let stats;
    try {
      stats = statSync(absolute);
    } catch {
      throw new UsageError(`${arg} does not exist`);
    }
    if (stats.isDirectory()) return { arg, kind: "directory", absolute };
    if (stats.isFile()) return { arg, kind: "file", absolute };
    throw new UsageError(`${arg} is neither a file nor a directory`);
  });
}

/** The single directory that findings' paths are relative to, when the command line is one directory. */
export function singleDirectory(inputs: readonly Input[]): Input | undefined {
  return inputs.length === 1 && inputs[0]?.kind === "directory" ? inputs[0] : undefined;
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

/** How a path is shown when the arguments are several: relative to the working directory, or absolute outside it. */
export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  if (rel === "") return ".";
  return toPosix(rel.startsWith("..") || isAbsolute(rel) ? absolute : rel);
}

/**
 * Reads every argument from the working tree. `readStdin` is called only when `-` was given. A directory's own
 * `.github/mtls-gate.yml` is not a manifest: the policy is found separately (policy-file.ts).
 */
export function readInputs(
  inputs: readonly Input[],
  cwd: string,
  maxFileBytes: number,
  stdin: () => Buffer,
): SourceFile[] {
  const single = singleDirectory(inputs);
  if (single) return readDirectory(single.absolute, maxFileBytes).filter((f) => f.path !== POLICY_PATH);
  const files = new Map<string, SourceFile>();
  for (const input of inputs) {
    if (input.kind === "stdin") {
      files.set(STDIN_PATH, { ...decodeFile(STDIN_PATH, stdin()), explicit: true });
    } else if (input.kind === "file") {
      const path = displayPath(input.absolute, cwd);
      const size = statSync(input.absolute).size;
      const file = size > maxFileBytes ? { path, text: "", size } : decodeFile(path, readFileSync(input.absolute));
      files.set(path, { ...file, explicit: true });
    } else {
      const prefix = displayPath(input.absolute, cwd);
      for (const file of readDirectory(input.absolute, maxFileBytes)) {
        if (file.path === POLICY_PATH) continue;
        const path = prefix === "." ? file.path : `${prefix}/${file.path}`;
        files.set(path, { ...file, path });
      }
    }
  }
  return [...files.values()];
}

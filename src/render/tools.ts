/** Where the render tools are: MTLS_GATE_KUSTOMIZE / MTLS_GATE_HELM, else PATH. */
import { accessSync, constants, statSync } from "node:fs";
import { basename, delimiter, join } from "node:path";

export interface KustomizeTool {
  command: string;
  /** `["kustomize"]` when the binary is kubectl (`kubectl kustomize DIR`), else `["build"]`. */
  args: string[];
}

export interface RenderTools {
  kustomize?: KustomizeTool;
  helm?: string;
}

export const KUSTOMIZE_VARIABLE = "MTLS_GATE_KUSTOMIZE";
export const HELM_VARIABLE = "MTLS_GATE_HELM";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** A kustomize binary, or kubectl (then called as `kubectl kustomize`), told apart by its file name. */
export function kustomizeTool(command: string): KustomizeTool {
  return /^kubectl/i.test(basename(command)) ? { command, args: ["kustomize"] } : { command, args: ["build"] };
}

/** The tools this process can use; a variable naming something that is not an executable counts as absent. */
export function locateTools(env: Readonly<Record<string, string | undefined>>): RenderTools {
  const tools: RenderTools = {};
  const kustomize = env[KUSTOMIZE_VARIABLE] || onPath("kustomize", env.PATH) || onPath("kubectl", env.PATH);
  if (kustomize && executable(kustomize)) tools.kustomize = kustomizeTool(kustomize);
  const helm = env[HELM_VARIABLE] || onPath("helm", env.PATH);
  if (helm && executable(helm)) tools.helm = helm;
  return tools;
}

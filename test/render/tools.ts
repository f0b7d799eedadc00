/**
 * The real kustomize (kubectl) and helm for the rendering tests: MTLS_GATE_KUSTOMIZE and MTLS_GATE_HELM, which .ci/run
 * sets from scripts/install-render-tools.sh. Without them the tests fail with this message, never skip: CI has them.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { HELM_VARIABLE, KUSTOMIZE_VARIABLE, locateTools, type RenderTools } from "../../src/render/tools.js";

export function toolEnv(): Record<string, string> {
  const kustomize = process.env[KUSTOMIZE_VARIABLE];
  const helm = process.env[HELM_VARIABLE];
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

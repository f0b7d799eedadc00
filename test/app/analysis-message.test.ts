import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { serialize } from "node:v8";
import { packRequest, unpackRequest } from "../../src/app/analysis-message.js";
import type { EvaluateRequest } from "../../src/app/stages/evaluate.js";
import { defaultPolicy } from "../../src/core/policy/policy.js";
import { DEFAULT_LOAD_LIMITS } from "../../src/core/limits.js";
import type { SourceFile } from "../../src/core/types.js";

function request(base: SourceFile[], head: SourceFile[]): EvaluateRequest {
  return {
    inputs: {
      policy: defaultPolicy(),
      base: { sha: "b".repeat(40), files: base },
      head: { sha: "h".repeat(40), files: head },
      changes: null,
      acceptances: { acceptances: [], handledCommands: new Set(), problem: null },
    },
    settings: { now: "2026-06-01T00:00:00.000Z", limits: DEFAULT_LOAD_LIMITS, validatePolicyFile: true },
  };
}

describe("analysis requests crossing into a thread", () => {
  const text = (n: number) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${n}\ndata:\n  x: "${"y".repeat(2000)}"\n`;
  const head: SourceFile[] = Array.from({ length: 50 }, (_, n) => ({
    path: `f${n}.yaml`,
    text: text(n),
    size: text(n).length,
  }));
  const base: SourceFile[] = head.map((f) =>
    f.path === "f7.yaml"
      ? { ...f, text: `${f.text}# edited\n` }
      : f.path === "f9.yaml"
        ? { ...f, path: "moved.yaml" }
        : { ...f },
  );
  base.push({ path: "gone.yaml", text: "kind: Secret\n" }, { path: "f3.yaml", text: "", binary: true });

  it("leaves out the base texts the head has at the same path, and the thread gets the same request back", () => {
    const original = request(base, head);
    const expected = structuredClone(original);
    const message = packRequest(1, original);
    assert.deepEqual(original, expected, "the app's own request is not changed");
    assert.deepEqual(message.sameTextAsHead?.length, 48);
    const crossed = structuredClone(message);
    assert.deepEqual(unpackRequest(crossed), expected);
  });

  it("halves what a pull request's two trees cost to clone", () => {
    const whole = serialize({ id: 1, input: request(base, head) }).length;
    const packed = serialize(packRequest(1, request(base, head))).length;
    assert.ok(packed < whole * 0.55, `${packed} of ${whole} bytes`);
  });

  it("a head-only request crosses as it is", () => {
    const only: EvaluateRequest = { ...request([], head), inputs: { ...request([], head).inputs, base: null } };
    assert.deepEqual(packRequest(2, only), { id: 2, input: only });
  });
});

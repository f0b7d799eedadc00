import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const DEMO = fileURLToPath(new URL("../../scripts/demo.js", import.meta.url));

describe("npm run demo", () => {
  it("prints the check run of the example pull request and, with --comment, the bot's reply", () => {
    const result = spawnSync(process.execPath, [DEMO, "--comment", "/mtls-gate explain upstream-mapping"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /POST \/api\/github\/webhooks \(pull_request\.opened, PR #42\) -> 200/);
    assert.match(result.stdout, /Check run "mtls-gate" on [0-9a-f]{7}: completed \/ failure/);
    assert.match(result.stdout, /payments\/mappings\.yaml:11 {2}failure {2}mapping-tls-context-not-found/);
    assert.match(
      result.stdout,
      /@mtls-gate\[bot\] replied:[\s\S]*\*\*mtls-gate explain\*\* `payments\/upstream-mapping`/,
    );
    assert.match(result.stdout, /Reactions on the comment: rocket/);
  });
});

#!/usr/bin/env node
import { ProbotOctokit, run } from "probot";
import mtlsGate from "./index.js";
import { forgeableConfiguration } from "./settings.js";

const refusal = forgeableConfiguration(process.env);
if (refusal) {
  process.stderr.write(`mtls-gate: ${refusal}\n`);
  process.exit(1);
}

// Probot's own runner, configured by its standard environment variables (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH,
// WEBHOOK_SECRET, PORT, HOST, GHE_HOST, GHE_PROTOCOL, LOG_LEVEL, REDIS_URL) and mtls-gate's (see src/app/settings.ts).
// MTLS_GATE_THROTTLE=off turns Octokit's write spacing off: only for load tests against a local fake of GitHub.
const throttleOff = process.env.MTLS_GATE_THROTTLE === "off";
await run(mtlsGate, {
  ...(throttleOff
    ? {
        Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
          ...options,
          throttle: { ...(options.throttle as object), enabled: false },
        })),
      }
    : {}),
});

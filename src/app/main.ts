#!/usr/bin/env node
import { run } from "probot";
import mtlsGate from "./index.js";
import { appOctokit } from "./octokit.js";
import { forgeableConfiguration } from "./settings.js";

const refusal = forgeableConfiguration(process.env);
if (refusal) {
  process.stderr.write(`mtls-gate: ${refusal}\n`);
  process.exit(1);
}

// Probot's own runner, configured by its standard environment variables (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH,
// WEBHOOK_SECRET, PORT, HOST, GHE_HOST, GHE_PROTOCOL, LOG_LEVEL, REDIS_URL) and mtls-gate's (see src/app/settings.ts).
// The Octokit class keeps Probot's Redis-backed throttling working after a Redis restart (see octokit.ts), and
// MTLS_GATE_THROTTLE=off turns Octokit's write spacing off: only for load tests against a local fake of GitHub.
await run(mtlsGate, { Octokit: appOctokit(process.env) });

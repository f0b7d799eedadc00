#!/usr/bin/env node
import { run } from "probot";
import mtlsGate from "./index.js";

// Probot's own runner: configured only by its standard environment variables (APP_ID, PRIVATE_KEY or
// PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, GHE_HOST, GHE_PROTOCOL, LOG_LEVEL, REDIS_URL).
await run(mtlsGate);

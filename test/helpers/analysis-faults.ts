/** The faults of faulty-analysis-worker.ts: a listener that must be registered before the real analysis thread's. */
import { parentPort } from "node:worker_threads";
import type { AnalysisInput } from "../../src/app/analysis-pool.js";

parentPort?.on("message", (message: { input: AnalysisInput }) => {
  const first = message.input.headFiles[0]?.path;
  if (first === "crash.yaml") process.exit(70);
  if (first === "hang.yaml") for (;;);
});

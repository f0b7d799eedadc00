/**
 * The analysis thread (`node:worker_threads`, started by analysis-pool.ts): runs exactly stage 2 of a check, `evaluate`
 * (src/app/stages/evaluate.ts), off the app's event loop, and answers with its plain data, so webhook acknowledgements
 * and BullMQ lock renewals carry on while a large tree is analysed.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { AnalysisReply } from "./analysis-pool.js";
import { unpackRequest, type AnalysisMessage } from "./analysis-message.js";
import { evaluate, type EvaluateRequest, type Evaluation } from "./stages/evaluate.js";
import { useProcessBaseSummaries, useProcessParser } from "../core/analyze.js";
import { FileParser } from "../core/source/file-parser.js";
import { parsedCacheBytes, ParsedFileCache } from "./blob-cache.js";
import { BASE_SUMMARIES_PER_THREAD, BaseAnalysisCache } from "./base-analysis-cache.js";

const port = parentPort;
if (!port) throw new Error("analysis-worker.js runs only as a worker thread");

/** Test-only (`MTLS_GATE_TEST_SLOW_ANALYSIS_MS` or the pool's `testSlowMs`): the analysis keeps this thread busy this long. */
const slowMs = Number((workerData as { slowMs?: number } | null)?.slowMs ?? 0);

// Parsed files kept between this thread's checks, keyed by content: a re-check after a push parses the files it changed.
// Here, not in the main thread, because parsing happens here (and parsed trees do not cross threads).
const cacheBytes = parsedCacheBytes(process.env);
if (cacheBytes > 0) useProcessParser(new FileParser(new ParsedFileCache(cacheBytes)));
// And the base trees' summaries: a re-check whose base has not moved (a push to the pull request) analyses the head
// alone. Turned off with the parsed-file cache (`MTLS_GATE_CACHE_MB=0`).
if (cacheBytes > 0) useProcessBaseSummaries(new BaseAnalysisCache(BASE_SUMMARIES_PER_THREAD));

function run(request: EvaluateRequest): Evaluation {
  if (slowMs > 0) {
    const end = Date.now() + slowMs;
    // Busy on purpose, like a large analysis: only terminate() can stop it.
    while (Date.now() < end);
  }
  return evaluate(request.inputs, request.settings);
}

port.on("message", (message: AnalysisMessage) => {
  let reply: AnalysisReply;
  try {
    reply = { id: message.id, result: run(unpackRequest(message)) };
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const text = error instanceof Error ? error.message : String(error);
    reply = { id: message.id, error: { name, message: text } };
  }
  port.postMessage(reply);
});

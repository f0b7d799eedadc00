/**
 * The entry of the bundled Action (`npm run build:action` -> dist-action/index.js), which must be ONE file: the Gate's
 * analysis threads (src/app/analysis-pool.ts) start a worker from a file of their own, so in the bundle the worker is
 * this same file, started again as a worker thread (scripts/build-action.mjs points the pool at it). The main thread
 * runs the Action; a worker thread runs the analysis loop. Both are bundled in; only the one this thread needs runs.
 */
import { isMainThread } from "node:worker_threads";

if (isMainThread) await import("./main.js");
else await import("../app/analysis-worker.js");

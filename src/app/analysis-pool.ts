import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { EvaluateRequest, Evaluation } from "./stages/evaluate.js";
import { packRequest } from "./analysis-message.js";

export type AnalysisReply =
  | { id: number; result: Evaluation; error?: undefined }
  | { id: number; error: { name: string; message: string }; result?: undefined };

/** An analysis stopped at the wall-clock limit: its thread was ended. */
export class AnalysisThreadTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`the analysis thread did not finish within ${limitMs} ms and was ended`);
    this.name = "AnalysisTimeoutError";
  }
}

/** An analysis that could not run: the pool is closed, or its thread died. */
export class AnalysisThreadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AnalysisThreadError";
  }
}

export interface AnalysisPoolOptions {
  /** Threads (`MTLS_GATE_ANALYSIS_THREADS`; default min(2, cores)). */
  threads?: number;
  /** The wall-clock limit of one analysis, when the caller gives no signal of its own. */
  timeoutMs: number;
  /** Test-only: each analysis keeps its thread busy this long first (`MTLS_GATE_TEST_SLOW_ANALYSIS_MS`). */
  testSlowMs?: number;
  /** Test-only: the threads' module, for a test to crash or hang a thread on purpose. Default analysis-worker.js. */
  testWorkerUrl?: URL;
}

export function defaultAnalysisThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

interface Task {
  input: EvaluateRequest;
  signal: AbortSignal | undefined;
  resolve: (result: Evaluation) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  task: (Task & { id: number; cleanup: () => void }) | null;
}

const WORKER_URL = new URL("./analysis-worker.js", import.meta.url);

/**
 * A small pool of analysis threads. Each analysis runs in a free thread (or waits for one), under a wall-clock limit:
 * the caller's abort signal, else `timeoutMs`. Over it, the thread is terminated (a synchronous analysis cannot be
 * interrupted any other way), replaced, and the analysis rejects with an `AnalysisTimeoutError`. Idle threads do not
 * keep the process alive; `close()` ends them all.
 */
export class AnalysisPool {
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #waiting: Task[] = [];
  readonly #timeoutMs: number;
  readonly #slowMs: number;
  readonly #workerUrl: URL;
  #nextId = 1;
  #closed = false;

  constructor(options: AnalysisPoolOptions) {
    this.size = Math.max(1, options.threads ?? defaultAnalysisThreads());
    this.#timeoutMs = options.timeoutMs;
    this.#slowMs = options.testSlowMs ?? 0;
    this.#workerUrl = options.testWorkerUrl ?? WORKER_URL;
  }

  /** Threads busy, analyses waiting for one, and whether the pool takes work. */
  state(): { threads: number; busy: number; waiting: number; closed: boolean } {
    return {
      threads: this.size,
      busy: this.#slots.filter((slot) => slot.task).length,
      waiting: this.#waiting.length,
      closed: this.#closed,
    };
  }

  /** Runs one `evaluate` in a thread; `signal` (the job's analysis limit) ends it early, as a timeout. */
  run(input: EvaluateRequest, signal?: AbortSignal): Promise<Evaluation> {
    if (this.#closed) return Promise.reject(new AnalysisThreadError("the analysis pool is closed"));
    if (signal?.aborted) return Promise.reject(timeoutFrom(signal, this.#timeoutMs));
    return new Promise<Evaluation>((resolve, reject) => {
      this.#waiting.push({ input, signal, resolve, reject });
      this.#dispatch();
    });
  }

  /**
   * Starts every thread now (they load the core, about a second on a busy machine), so the first analyses do not wait
   * for it. Idle threads do not keep the process alive.
   */
  warm(): void {
    while (!this.#closed && this.#slots.length < this.size) this.#spawn();
  }

  /** Ends every thread; running and waiting analyses reject. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const task of this.#waiting.splice(0)) task.reject(new AnalysisThreadError("the analysis pool is closed"));
    await Promise.all(
      this.#slots.splice(0).map(async (slot) => {
        const task = slot.task;
        slot.task = null;
        task?.cleanup();
        task?.reject(new AnalysisThreadError("the analysis pool is closed"));
        await slot.worker.terminate();
      }),
    );
  }

  #dispatch(): void {
    while (this.#waiting.length > 0) {
      let slot = this.#slots.find((s) => !s.task);
      if (!slot && this.#slots.length < this.size) slot = this.#spawn();
      if (!slot) return;
      const task = this.#waiting.shift() as Task;
      if (task.signal?.aborted) {
        task.reject(timeoutFrom(task.signal, this.#timeoutMs));
        continue;
      }
      this.#start(slot, task);
    }
  }

  #start(slot: Slot, task: Task): void {
    const id = this.#nextId++;
    const onAbort = () => this.#timeOut(slot, id, timeoutFrom(task.signal as AbortSignal, this.#timeoutMs));
    const timer = task.signal
      ? undefined
      : setTimeout(() => this.#timeOut(slot, id, new AnalysisThreadTimeoutError(this.#timeoutMs)), this.#timeoutMs);
    task.signal?.addEventListener("abort", onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      task.signal?.removeEventListener("abort", onAbort);
    };
    slot.task = { ...task, id, cleanup };
    // A busy thread keeps the process alive until its analysis ends; an idle one does not.
    slot.worker.ref();
    slot.worker.postMessage(packRequest(id, task.input));
  }

  #spawn(): Slot {
    const worker = new Worker(this.#workerUrl, { workerData: { slowMs: this.#slowMs } });
    const slot: Slot = { worker, task: null };
    worker.unref();
    // Unref'd before it is online, a thread can still hold the process open: unref'd again once it runs.
    worker.once("online", () => {
      if (!slot.task) worker.unref();
    });
    worker.on("message", (reply: AnalysisReply) => {
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      this.#finish(slot);
      if (reply.error) {
        const error = new Error(reply.error.message);
        error.name = reply.error.name;
        task.reject(error);
      } else task.resolve(reply.result);
    });
    const died = (cause: unknown) => {
      if (!this.#slots.includes(slot)) return;
      this.#replace(slot);
      const task = slot.task;
      slot.task = null;
      task?.cleanup();
      task?.reject(new AnalysisThreadError("the analysis thread stopped unexpectedly", { cause }));
      this.#dispatch();
    };
    worker.on("error", died);
    worker.on("exit", (code) => died(new Error(`exit code ${code}`)));
    this.#slots.push(slot);
    return slot;
  }

  #finish(slot: Slot): void {
    slot.task?.cleanup();
    slot.task = null;
    slot.worker.unref();
    this.#dispatch();
  }

  /** The analysis is over its limit: its thread is ended and replaced, and the analysis rejects. */
  #timeOut(slot: Slot, id: number, error: Error): void {
    const task = slot.task;
    if (!task || task.id !== id) return;
    slot.task = null;
    task.cleanup();
    this.#replace(slot);
    void slot.worker.terminate();
    task.reject(error);
    this.#dispatch();
  }

  /** Forgets a slot's thread; the next analysis spawns a fresh one in its place. */
  #replace(slot: Slot): void {
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
  }
}

function timeoutFrom(signal: AbortSignal, fallbackMs: number): Error {
  return signal.reason instanceof Error ? signal.reason : new AnalysisThreadTimeoutError(fallbackMs);
}

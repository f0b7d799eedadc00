/**
 * Running a render tool on pull-request content: a child process with an allowlisted environment (no app secrets, no
 * tokens, no proxies), a wall-clock limit and an output-size limit, each of which ends the process group.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";

/**
 * The whole environment of a render tool. An allowlist, not a filter of `process.env`: whatever the app holds
 * (PRIVATE_KEY, WEBHOOK_SECRET, GITHUB_TOKEN, proxies, cloud credentials) is absent because nothing is copied from it.
 * Every home and cache directory is inside the render's own temporary directory, so a tool finds no user config,
 * no Helm repositories and no plugins, and writes nowhere else. No PATH either: the tools are called by absolute path.
 */
export function childEnvironment(home: string): Record<string, string> {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    HELM_CACHE_HOME: join(home, ".cache", "helm"),
    HELM_CONFIG_HOME: join(home, ".config", "helm"),
    HELM_DATA_HOME: join(home, ".local", "share", "helm"),
    HELM_PLUGINS: join(home, "helm-plugins"),
    HELM_REGISTRY_CONFIG: join(home, ".config", "helm", "registry.json"),
    HELM_REPOSITORY_CONFIG: join(home, ".config", "helm", "repositories.yaml"),
    HELM_REPOSITORY_CACHE: join(home, ".cache", "helm", "repository"),
    KUBECONFIG: join(home, "kubeconfig-absent"),
    KUSTOMIZE_PLUGIN_HOME: join(home, "kustomize-plugins"),
    LANG: "C",
    LC_ALL: "C",
    TZ: "UTC",
  };
}

export interface RunLimits {
  /** Wall-clock limit of one render, milliseconds. */
  timeoutMs: number;
  /** Most bytes a render may write to stdout (stderr is kept to a few kilobytes). */
  maxOutputBytes: number;
}

export type RunResult =
  | { status: "ok"; stdout: string; stderr: string }
  | { status: "failed"; code: number | null; stderr: string }
  | { status: "timeout" }
  | { status: "output-too-large" }
  | { status: "spawn-error"; message: string }
  /** Ended because the caller's signal aborted: no outcome of the render, so never cached or reported. */
  | { status: "aborted" };

const MAX_STDERR_BYTES = 16 * 1024;

/** Runs `command args` in `cwd` with exactly `env`; never throws. */
export function runTool(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  limits: RunLimits,
  /** The job's: aborted (the app's analysis limit passed), the tool is ended at once rather than at its own limit. */
  signal?: AbortSignal,
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    let settled = false;
    const finish = (result: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(result);
    };
    let child: ReturnType<typeof spawn>;
    try {
      // detached: the tool leads its own process group, so a limit ends it and anything it started.
      child = spawn(command, [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true, shell: false });
    } catch (error) {
      resolvePromise({ status: "spawn-error", message: error instanceof Error ? error.message : String(error) });
      return;
    }
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const timer = setTimeout(() => {
      kill();
      finish({ status: "timeout" });
    }, limits.timeoutMs);
    const abort = () => {
      kill();
      finish({ status: "aborted" });
    };
    if (signal?.aborted) abort();
    signal?.addEventListener("abort", abort, { once: true });
    child.on("close", () => signal?.removeEventListener("abort", abort));
    const out: Buffer[] = [];
    let outBytes = 0;
    const err: Buffer[] = [];
    let errBytes = 0;
    child.stdout?.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > limits.maxOutputBytes) {
        kill();
        finish({ status: "output-too-large" });
        return;
      }
      out.push(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      if (errBytes < MAX_STDERR_BYTES) err.push(chunk.subarray(0, MAX_STDERR_BYTES - errBytes));
      errBytes += chunk.length;
    });
    child.on("error", (error) => finish({ status: "spawn-error", message: error.message }));
    child.on("close", (code) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) finish({ status: "ok", stdout: Buffer.concat(out).toString("utf8"), stderr });
      else finish({ status: "failed", code, stderr });
    });
  });
}

/**
 * A tool's error message fit to show: its first meaningful line, the sandbox's paths removed, long tokens (base64,
 * key material) and anything after a quoted document dropped, so file contents do not reach a check run or a log.
 */
export function scrubToolMessage(stderr: string, sandbox: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^(WARNING|W\d{4}|walk\.go)/i.test(line));
  let message = lines.find((line) => /error/i.test(line)) ?? lines[0] ?? "no error message";
  message = message
    .split(sandbox + "/")
    .join("")
    .split(sandbox)
    .join(".");
  // Kustomize and Helm quote the offending document ("map[...]", "{...}", YAML after a colon): cut it off there.
  const quoted = message.search(/map\[|\{|-----BEGIN|\|\s/);
  if (quoted > 0) message = `${message.slice(0, quoted).trimEnd()} …`;
  message = message.replace(/[A-Za-z0-9+/=_-]{32,}/g, "[redacted]");
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

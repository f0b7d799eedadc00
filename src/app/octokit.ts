import { ProbotOctokit } from "probot";

/**
 * Bottleneck (the library behind Probot's Redis-backed write throttling) recognises its own Lua errors by their exact
 * text: `SETTINGS_KEY_NOT_FOUND` (its keys are gone: it re-creates them), `UNKNOWN_CLIENT` (it registers again) and
 * `OVERWEIGHT:...`. Redis 7 prefixes an error reply that has no code of its own with `ERR `, so after a Redis restart
 * without its data Bottleneck no longer recognises the first, and every GitHub request of the process fails from then
 * on. This strips that prefix from exactly those three replies, nothing else.
 */
const BOTTLENECK_REPLY = /^ERR ((?:SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT|OVERWEIGHT:[^\n]*))$/;

export function bottleneckError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const match = BOTTLENECK_REPLY.exec(error.message);
  return match?.[1] ? Object.assign(new Error(match[1], { cause: error }), { name: error.name }) : error;
}

type ScriptCall = (...args: unknown[]) => unknown;
interface BottleneckConnection {
  __scriptFn__(name: string): ScriptCall;
}

const patched = new WeakSet<object>();

/**
 * Makes a Bottleneck Redis connection (`IORedisConnection`, as Probot builds it from `REDIS_URL`) read Redis 7's error
 * replies as Bottleneck expects. Its scripts all run through `__scriptFn__(name)(...args, callback)`: the callback gets
 * the error with the prefix removed. Anything that is not such a connection is left alone. Returns whether it applied.
 */
export function tolerateRedis7Replies(connection: unknown): boolean {
  if (typeof connection !== "object" || connection === null) return false;
  const candidate = connection as Partial<BottleneckConnection>;
  if (typeof candidate.__scriptFn__ !== "function") return false;
  if (patched.has(connection)) return true;
  const original = candidate.__scriptFn__.bind(connection);
  candidate.__scriptFn__ = (name: string): ScriptCall => {
    const script = original(name);
    return (...args: unknown[]) => {
      const callback = args.at(-1);
      if (typeof callback !== "function") return script(...args);
      return script(...args.slice(0, -1), (error: unknown, replies: unknown) =>
        (callback as (error: unknown, replies: unknown) => unknown)(bottleneckError(error), replies),
      );
    };
  };
  patched.add(connection);
  return true;
}

/**
 * The Octokit class the app runs Probot with. Probot hands it its throttle options (with the Bottleneck connection when
 * `REDIS_URL` is set), which are made to survive a Redis restarted empty. `MTLS_GATE_THROTTLE=off` turns Octokit's
 * write spacing off: only for load tests against a local fake of GitHub.
 */
export function appOctokit(env: Readonly<Record<string, string | undefined>>): typeof ProbotOctokit {
  const throttleOff = env.MTLS_GATE_THROTTLE === "off";
  return ProbotOctokit.defaults((options: Record<string, unknown>) => {
    const throttle = options.throttle as { connection?: unknown } | undefined;
    tolerateRedis7Replies(throttle?.connection);
    return throttleOff ? { ...options, throttle: { ...throttle, enabled: false } } : options;
  });
}

/** Narrowing helpers for plain values parsed from YAML. */

export type PlainObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): PlainObject {
  return isObject(value) ? value : {};
}

export function asString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return undefined;
}

/** A non-empty string, trimmed; Emissary treats an empty `tls:` or `secret:` as absent. */
export function asName(value: unknown): string | undefined {
  const text = asString(value)?.trim();
  return text ? text : undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

export function asStringList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map((item) => asString(item)).filter((item): item is string => item !== undefined);
  const single = asString(value);
  return single === undefined ? undefined : [single];
}

export function asStringRecord(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(asObject(value))) {
    const text = asString(item);
    if (text !== undefined) result[key] = text;
  }
  return result;
}

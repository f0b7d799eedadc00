import { groupBy } from "../util/group.js";
import type { ResourceBase } from "./resources.js";

/** Orders files the way `kubectl apply -R` walks them: directory entries sorted by name, depth first. */
export function compareApplyOrder(a: string, b: string): number {
  const left = a.split("/");
  const right = b.split("/");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] ?? "";
    const y = right[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

/**
 * Several definitions of one object: the API server keeps the last one applied. Identical repeats are harmless;
 * different ones silently lose settings, which the duplicate-resource rule reports.
 */
export function deduplicate<T extends ResourceBase>(
  resources: readonly T[],
): { winners: T[]; duplicates: { winner: T; replaced: T[] }[] } {
  const groups = groupBy(resources, (resource) => resource.id);
  const winners: T[] = [];
  const duplicates: { winner: T; replaced: T[] }[] = [];
  for (const list of groups.values()) {
    const ordered = [...list].sort((a, b) => a.order - b.order);
    const winner = ordered[ordered.length - 1] as T;
    winners.push(winner);
    if (ordered.length > 1) duplicates.push({ winner, replaced: ordered.slice(0, -1) });
  }
  winners.sort((a, b) => a.order - b.order);
  return { winners, duplicates };
}

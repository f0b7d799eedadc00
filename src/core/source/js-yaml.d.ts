/**
 * The part of `js-yaml` (4.x, a CommonJS package without type declarations of its own) that fast-values.ts uses. To be
 * removed once `@types/js-yaml` is a devDependency (its declarations are a superset of these).
 */
declare module "js-yaml" {
  export interface TypeOptions {
    kind: "scalar" | "sequence" | "mapping";
    resolve?: (data: string) => boolean;
    construct?: (data: string) => unknown;
  }
  export class Type {
    constructor(tag: string, options: TypeOptions);
  }
  export class Schema {
    extend(definition: Type | Type[] | { implicit?: Type[]; explicit?: Type[] }): Schema;
  }
  export const FAILSAFE_SCHEMA: Schema;
  export const CORE_SCHEMA: Schema;
  export interface LoadOptions {
    filename?: string;
    schema?: Schema;
    json?: boolean;
    onWarning?: (warning: Error) => void;
  }
  export function load(text: string, options?: LoadOptions): unknown;
}

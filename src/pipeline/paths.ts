/**
 * Type-level paths into a record type, for the pipeline API: which dotted paths may be a key (a required,
 * non-null string), which may be indexed, which may carry a PII rule. Plain type utilities, no runtime code
 * besides `getPath`.
 */

// `{}` on purpose: an optional key is exactly one whose Pick accepts the empty object.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type IsOptional<T, K extends keyof T> = {} extends Pick<T, K> ? true : false;
/** Recursion guard: the schema DSL nests a few levels at most; this keeps error messages readable. */
type Depth = [never, 0, 1, 2, 3, 4, 5];

/**
 * Dotted paths of `T` whose value is a required, non-null string: the only things that may be a key
 * (the Kafka message key, the MongoDB `_id`). An optional or nullable field, a number, an object, an
 * array element: none of them is a `KeyPath`.
 */
export type KeyPath<T, D extends number = 6> = [D] extends [never]
  ? never
  : T extends object
    ? {
        [K in keyof T & string]-?: IsOptional<T, K> extends true
          ? never
          : T[K] extends string
            ? K
            : T[K] extends readonly unknown[]
              ? never
              : T[K] extends object
                ? `${K}.${KeyPath<T[K], Depth[D]>}`
                : never;
      }[keyof T & string]
    : never;

/** Dotted paths of `T` whose value is a required, non-null string or integer-like number: parts of a composite key. */
export type KeyPartPath<T, D extends number = 6> = [D] extends [never]
  ? never
  : T extends object
    ? {
        [K in keyof T & string]-?: IsOptional<T, K> extends true
          ? never
          : T[K] extends string | number
            ? K
            : T[K] extends readonly unknown[]
              ? never
              : T[K] extends object
                ? `${K}.${KeyPartPath<T[K], Depth[D]>}`
                : never;
      }[keyof T & string]
    : never;

/** Every dotted path of `T` (objects and leaves, optional or not): index keys, PII rules. */
export type FieldPath<T, D extends number = 6> = [D] extends [never]
  ? never
  : T extends object
    ? {
        [K in keyof T & string]-?: NonNullable<T[K]> extends readonly unknown[]
          ? K
          : NonNullable<T[K]> extends object
            ? K | `${K}.${FieldPath<NonNullable<T[K]>, Depth[D]>}`
            : K;
      }[keyof T & string]
    : never;

/** Dotted paths of `T` whose value is a string (optional or nullable allowed): what a PII rule may mask or hash. */
export type StringPath<T, D extends number = 6> = [D] extends [never]
  ? never
  : T extends object
    ? {
        [K in keyof T & string]-?: NonNullable<T[K]> extends string
          ? K
          : NonNullable<T[K]> extends readonly unknown[]
            ? never
            : NonNullable<T[K]> extends object
              ? `${K}.${StringPath<NonNullable<T[K]>, Depth[D]>}`
              : never;
      }[keyof T & string]
    : never;

/** The value at a dotted path (undefined when a segment is missing). */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Dotted paths of `T` that may be removed from a record without breaking its type: optional fields (the
 * key disappears) and nullable ones (the value becomes null). A required field cannot be dropped: every
 * projection that reads it would break.
 */
export type DroppablePath<T, D extends number = 6> = [D] extends [never]
  ? never
  : T extends object
    ? {
        [K in keyof T & string]-?:
          | (IsOptional<T, K> extends true ? K : null extends T[K] ? K : never)
          | (NonNullable<T[K]> extends readonly unknown[]
              ? never
              : NonNullable<T[K]> extends object
                ? `${K}.${DroppablePath<NonNullable<T[K]>, Depth[D]>}`
                : never);
      }[keyof T & string]
    : never;

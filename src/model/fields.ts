/**
 * A small field-descriptor DSL. Every canonical schema is written once with these builders; the zod schema,
 * the TS type, the JSON Schema, the MongoDB validator and the Spark schema are all derived from it, so they
 * cannot drift apart.
 *
 * A descriptor is plain data (JSON-serialisable), so it can also be printed or diffed.
 */

export type StringFormat = 'uuid' | 'uri';

interface FieldBase {
  /** `null` is a valid value. */
  readonly nullable: boolean;
  /** The key may be absent from its object. */
  readonly optional: boolean;
  readonly description?: string;
}

export interface StringField<E extends string = string> extends FieldBase {
  readonly kind: 'string';
  readonly enum?: readonly E[];
  readonly format?: StringFormat;
  readonly minLength?: number;
  readonly pattern?: string;
}

export interface IntegerField<E extends number = number> extends FieldBase {
  readonly kind: 'integer';
  readonly enum?: readonly E[];
  readonly minimum?: number;
  readonly maximum?: number;
  /** 32 -> Spark INT, 64 -> Spark BIGINT. */
  readonly bits: 32 | 64;
}

export interface NumberField extends FieldBase {
  readonly kind: 'number';
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface BooleanField extends FieldBase {
  readonly kind: 'boolean';
}

/** An instant as an ISO-8601 UTC string with a `Z` suffix, e.g. `1990-04-17T04:05:46.280Z`. */
export interface TimestampField extends FieldBase {
  readonly kind: 'timestamp';
}

/**
 * An instant the pipeline itself makes (Spark TIMESTAMP, stored as a BSON date, read back as a Date), as
 * opposed to `timestamp`, the ISO string a producer sends and we keep verbatim.
 */
export interface DateField extends FieldBase {
  readonly kind: 'date';
}

export interface ObjectField<S extends Fields = Fields> extends FieldBase {
  readonly kind: 'object';
  readonly fields: S;
}

export type Field = StringField | IntegerField | NumberField | BooleanField | TimestampField | DateField | ObjectField;
export interface Fields {
  readonly [name: string]: Field;
}

// ---- type-level inference: descriptor -> TS value type ----

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ValueOf<F> =
  F extends ObjectField<infer S>
    ? InferFields<S>
    : F extends StringField<infer E>
      ? E
      : F extends IntegerField<infer E>
        ? E
        : F extends NumberField
          ? number
          : F extends BooleanField
            ? boolean
            : F extends TimestampField
              ? string
              : F extends DateField
                ? Date
                : never;

/** The TS type of one field's value (adds `| null` when nullable). */
export type InferField<F> = F extends { readonly nullable: true } ? ValueOf<F> | null : ValueOf<F>;

type OptionalKeys<S> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
type RequiredKeys<S> = Exclude<keyof S, OptionalKeys<S>>;

/** The TS type of an object described by `S` (optional fields become optional keys). */
export type InferFields<S extends Fields> = Simplify<
  { -readonly [K in RequiredKeys<S>]: InferField<S[K]> } & { -readonly [K in OptionalKeys<S>]?: InferField<S[K]> }
>;

// ---- builders ----

type Plain = { readonly nullable: false; readonly optional: false };
type Options<F> = Omit<F, 'kind' | 'nullable' | 'optional'>;
const plain = { nullable: false, optional: false } as const;

export function string<const E extends string = string>(options: Options<StringField<E>> = {}): StringField<E> & Plain {
  return { kind: 'string', ...plain, ...options };
}

export function integer<const E extends number = number>(
  options: Partial<Options<IntegerField<E>>> = {},
): IntegerField<E> & Plain {
  return { kind: 'integer', ...plain, bits: 32, ...options };
}

export function number(options: Options<NumberField> = {}): NumberField & Plain {
  return { kind: 'number', ...plain, ...options };
}

export function boolean(options: Options<BooleanField> = {}): BooleanField & Plain {
  return { kind: 'boolean', ...plain, ...options };
}

export function timestamp(options: Options<TimestampField> = {}): TimestampField & Plain {
  return { kind: 'timestamp', ...plain, ...options };
}

export function date(options: Options<DateField> = {}): DateField & Plain {
  return { kind: 'date', ...plain, ...options };
}

export function object<const S extends Fields>(
  fields: S,
  options: Omit<Options<ObjectField<S>>, 'fields'> = {},
): ObjectField<S> & Plain {
  return { kind: 'object', ...plain, ...options, fields };
}

/** The same field, with `null` allowed as its value. */
export function nullable<F extends Field>(field: F): Omit<F, 'nullable'> & { readonly nullable: true } {
  return { ...field, nullable: true };
}

/** The same field, allowed to be absent from its object. */
export function optional<F extends Field>(field: F): Omit<F, 'optional'> & { readonly optional: true } {
  return { ...field, optional: true };
}

/** Names of the required (non-optional) keys of an object descriptor, in declaration order. */
export function requiredKeys(fields: Fields): string[] {
  return Object.entries(fields)
    .filter(([, field]) => !field.optional)
    .map(([name]) => name);
}

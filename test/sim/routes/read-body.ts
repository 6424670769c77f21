// Reads fields of a JSON body; collects every problem and answers 422 "Validation Failed" like GitHub.
import { invalidBody, type ValidationErrorItem } from '../server/http-error.ts';

type Opts = { required?: boolean; nullable?: boolean };

export type BodyReader = {
  string(name: string, opts?: Opts): string | undefined;
  nullableString(name: string): string | null | undefined;
  boolean(name: string): boolean | undefined;
  integer(name: string, opts?: Opts): number | undefined;
  stringArray(name: string, opts?: Opts): string[] | undefined;
  oneOf<T extends string>(name: string, values: readonly T[], opts?: Opts): T | undefined;
  object(name: string, opts?: Opts): Record<string, unknown> | undefined;
  array(name: string, opts?: Opts): unknown[] | undefined;
  /** Throws the collected 422 if any field was missing or wrong. */
  done(): void;
};

export function readBody(body: Record<string, unknown>, resource: string): BodyReader {
  const errors: ValidationErrorItem[] = [];
  const present = (name: string, opts?: Opts): boolean => {
    const value = body[name];
    if (value === undefined || (value === null && !opts?.nullable)) {
      if (opts?.required) errors.push({ resource, field: name, code: 'missing_field' });
      return false;
    }
    return value !== null;
  };
  const invalid = (name: string) => {
    errors.push({ resource, field: name, code: 'invalid', value: body[name] });
    return undefined;
  };
  return {
    string(name, opts) {
      if (!present(name, opts)) return undefined;
      const value = body[name];
      return typeof value === 'string' ? value : invalid(name);
    },
    nullableString(name) {
      if (body[name] === null) return null;
      if (body[name] === undefined) return undefined;
      return typeof body[name] === 'string' ? (body[name] as string) : invalid(name);
    },
    boolean(name) {
      if (!present(name)) return undefined;
      return typeof body[name] === 'boolean' ? (body[name] as boolean) : invalid(name);
    },
    integer(name, opts) {
      if (!present(name, opts)) return undefined;
      const value = body[name];
      return typeof value === 'number' && Number.isInteger(value) ? value : invalid(name);
    },
    stringArray(name, opts) {
      if (!present(name, opts)) return undefined;
      const value = body[name];
      return Array.isArray(value) && value.every((item) => typeof item === 'string')
        ? (value as string[])
        : invalid(name);
    },
    oneOf(name, values, opts) {
      if (!present(name, opts)) return undefined;
      const value = body[name];
      return typeof value === 'string' && (values as readonly string[]).includes(value)
        ? (value as (typeof values)[number])
        : invalid(name);
    },
    object(name, opts) {
      if (!present(name, opts)) return undefined;
      const value = body[name];
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : invalid(name);
    },
    array(name, opts) {
      if (!present(name, opts)) return undefined;
      return Array.isArray(body[name]) ? (body[name] as unknown[]) : invalid(name);
    },
    done() {
      if (errors.length > 0) throw invalidBody(errors);
    },
  };
}

export function intParam(value: string | undefined): number {
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : -1;
}

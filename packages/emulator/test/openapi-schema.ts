import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// Autodesk's OpenAPI documents, verbatim copies kept beside the tests (see openapi/README.md).
const SPEC_DIR = join(import.meta.dirname, 'openapi');

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  items?: Schema;
}
export interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> }> }>;
}
export type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

export function readSpec(file: string): Spec {
  const path = join(SPEC_DIR, file);
  try {
    return parse(readFileSync(path, 'utf8')) as Spec;
  } catch (error) {
    throw new Error(`Cannot read the OpenAPI spec at ${path}; it is kept in packages/emulator/test/openapi.`, { cause: error });
  }
}

/** RFC 3339, or the Go `time.Time.String()` text every example of the SSA spec uses for its `date-time` fields. */
const DATE_TIME = [
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})? [+-]\d{4} [A-Z]{3,4}$/,
];

/**
 * A checker of values against `spec`'s schemas: `problems(schema, value)` lists what does not match. An undeclared
 * property is always a problem (the emulator must not add fields APS does not send). With `everyPropertyRequired`
 * (for a spec whose response schemas mark nothing `required`, such as S1), every declared property is required
 * too; otherwise the schema's `required` list is.
 */
export function schemaChecker(spec: Spec, { everyPropertyRequired }: { everyPropertyRequired: boolean }): (schema: Schema, value: unknown) => string[] {
  function problems(schema: Schema, value: unknown, at = '$'): string[] {
    if (schema.$ref) return problems(spec.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!, value, at);
    const found: string[] = [];
    if (schema.enum && !schema.enum.includes(value)) found.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
    switch (schema.type) {
      case 'object': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return [...found, `${at}: not an object`];
        const record = value as Record<string, unknown>;
        const declared = schema.properties ?? {};
        const required = everyPropertyRequired ? Object.keys(declared) : (schema.required ?? []);
        for (const name of required) if (!(name in record)) found.push(`${at}.${name}: missing`);
        for (const [name, item] of Object.entries(record)) {
          const property = declared[name] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
          if (property) found.push(...problems(property, item, `${at}.${name}`));
          else found.push(`${at}.${name}: not in the spec`);
        }
        break;
      }
      case 'array':
        if (!Array.isArray(value)) return [...found, `${at}: not an array`];
        value.forEach((item, i) => found.push(...problems(schema.items!, item, `${at}[${i}]`)));
        break;
      case 'string':
        if (typeof value !== 'string') return [...found, `${at}: not a string`];
        if (schema.format === 'date-time' && !DATE_TIME.some((re) => re.test(value))) found.push(`${at}: ${value} is not a date-time`);
        break;
      case 'integer':
        if (!Number.isInteger(value)) found.push(`${at}: not an integer`);
        break;
      case undefined:
        break;
      default:
        throw new Error(`schema type ${schema.type} not handled by this checker`);
    }
    return found;
  }
  return (schema, value) => problems(schema, value);
}

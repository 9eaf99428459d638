/**
 * A CSP-safe validator for @rjsf/core. `@rjsf/validator-ajv8` compiles every schema into code with
 * `new Function`, which the server's Content-Security-Policy (`script-src 'self'`, no 'unsafe-eval') refuses,
 * so the panel checks form data with zod instead: `z.fromJSONSchema` turns the procedure's JSON Schema back into a
 * zod schema that validates without generating code (zod is told to stay `jitless`).
 */
import type {
  CustomValidator,
  ErrorTransformer,
  RJSFSchema,
  RJSFValidationError,
  UiSchema,
  ValidationData,
  ValidatorType,
} from '@rjsf/utils';
import { createErrorHandler, toErrorSchema, unwrapErrorHandler, validationDataMerge } from '@rjsf/utils';
import { type ZodType, z } from 'zod';

// zod would otherwise probe `new Function` once, which the CSP reports as a violation.
z.config({ jitless: true });

type FormData = unknown;

const compiled = new WeakMap<object, ZodType>();

/** The zod schema for `schema`, with the root's definitions in reach of its `$ref`s. */
function zodFor(schema: RJSFSchema, rootSchema?: RJSFSchema): ZodType {
  const cached = compiled.get(schema);
  if (cached) return cached;
  const withDefinitions =
    rootSchema && rootSchema !== schema
      ? {
          ...schema,
          ...(rootSchema.definitions ? { definitions: { ...rootSchema.definitions, ...schema.definitions } } : {}),
          ...(rootSchema.$defs ? { $defs: { ...rootSchema.$defs, ...schema.$defs } } : {}),
        }
      : schema;
  // `z.fromJSONSchema` types its argument as its own JSON Schema type; an RJSF schema is one.
  const zodSchema = z.fromJSONSchema(withDefinitions as Parameters<typeof z.fromJSONSchema>[0], {
    defaultTarget: 'draft-7',
  });
  compiled.set(schema, zodSchema);
  return zodSchema;
}

const toRjsfErrors = (issues: readonly z.core.$ZodIssue[]): RJSFValidationError[] =>
  issues.map((issue) => {
    const property = issue.path.length ? `.${issue.path.map(String).join('.')}` : '';
    // An unknown key is reported on its object; point at the key itself.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    return {
      name: issue.code,
      property: keys.length === 1 ? `${property}.${keys[0]}` : property,
      message: issue.message,
      stack: `${property || 'input'}: ${issue.message}`,
      params: {},
    };
  });

export const zodValidator: ValidatorType<FormData, RJSFSchema> = {
  validateFormData(
    formData: FormData,
    schema: RJSFSchema,
    customValidate?: CustomValidator<FormData, RJSFSchema>,
    transformErrors?: ErrorTransformer<FormData, RJSFSchema>,
    uiSchema?: UiSchema<FormData, RJSFSchema>,
  ): ValidationData<FormData> {
    const { errors: raw, validationError } = this.rawValidation<RJSFValidationError>(schema, formData);
    let errors = [...(raw ?? []), ...(validationError ? [{ stack: validationError.message }] : [])];
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    const result = { errors, errorSchema: toErrorSchema<FormData>(errors) };
    if (!customValidate) return result;
    const handler = customValidate(formData, createErrorHandler<FormData>(formData), uiSchema, result.errorSchema);
    return validationDataMerge<FormData>(result, unwrapErrorHandler<FormData>(handler));
  },

  rawValidation<Result = RJSFValidationError>(schema: RJSFSchema, formData?: FormData) {
    try {
      const parsed = zodFor(schema).safeParse(formData);
      return { errors: (parsed.success ? [] : toRjsfErrors(parsed.error.issues)) as Result[] };
    } catch (error) {
      return { validationError: error instanceof Error ? error : new Error(String(error)) };
    }
  },

  isValid(schema: RJSFSchema, formData: FormData, rootSchema: RJSFSchema) {
    try {
      return zodFor(schema, rootSchema).safeParse(formData).success;
    } catch {
      return false;
    }
  },
};

/**
 * Stands in for `@rjsf/validator-ajv8`, which `@rjsf/core` imports only for its test helper (`getTestRegistry`).
 * ajv compiles schemas with `new Function`, which our CSP (`script-src 'self'`) forbids, so the panel validates
 * with zod instead (validator.ts); this alias keeps ajv out of the build.
 */
import { zodValidator } from './validator';

export default zodValidator;

// Loaded on demand by the login form (see there): zod and the login schema stay out of the sign-in page's first
// render.
import { zodResolver } from '@hookform/resolvers/zod';
import { ZLoginInput } from '@lifeos/core/schemas';

export const loginValidation = zodResolver(ZLoginInput);

/**
 * Prints who an API key belongs to and the account's settings.
 *   LIFEOS_URL=http://localhost:3000 LIFEOS_API_KEY=lifeos_… pnpm --filter @lifeos/client example
 */
import { createLifeOsClient, errorCode } from '../src/index.js';

const baseUrl = process.env.LIFEOS_URL ?? 'http://localhost:3000';
const apiKey = process.env.LIFEOS_API_KEY;
if (!apiKey) {
  console.error('Set LIFEOS_API_KEY to a key from Settings → API keys.');
  process.exit(1);
}

const lifeos = createLifeOsClient({ baseUrl, apiKey });
try {
  const me = await lifeos.auth.me.query();
  const settings = await lifeos.settings.get.query();
  console.log(`${me.displayName} (@${me.username}), key scope: ${me.scope}, time zone: ${settings.timezone}`);
} catch (error) {
  console.error(
    `Life OS answered ${errorCode(error) ?? 'an error'}: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
}

// Capture from the terminal (see the README, "Scripts: the typed client"):
//   LIFEOS_API_KEY=lifeos_… pnpm --filter @lifeos/client exec tsx examples/capture.ts "call the dentist tomorrow #health"
import { createLifeOsClient, errorCode } from '../src/index.js';

const text = process.argv.slice(2).join(' ').trim();
if (!text) throw new Error('Usage: capture.ts <text to capture>');
const lifeos = createLifeOsClient({
  baseUrl: process.env.LIFEOS_URL ?? 'http://localhost:3000',
  apiKey: process.env.LIFEOS_API_KEY,
});
try {
  const proposal = await lifeos.captures.parse.query({ text }); // the same parsing as the web's quick capture
  const capture = await lifeos.captures.create.mutate({ text }); // needs a `write` key
  console.log(`Captured #${capture.id}${proposal.dueDate ? ` (due ${proposal.dueDate}?)` : ''}: ${proposal.title}`);
} catch (error) {
  console.error(errorCode(error) ?? error);
  process.exitCode = 1;
}

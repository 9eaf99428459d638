/**
 * The API reference page at /api/docs: Scalar's reference (`@scalar/fastify-api-reference`, which serves its own
 * script from /api/docs/js/scalar.js, no CDN) reading /api/openapi.json. Its fonts, telemetry and the like are off:
 * the page loads nothing from another origin.
 *
 * The page starts Scalar with one inline script. Rather than allowing inline scripts, this scope's answers get the
 * app's CSP with that script's SHA-256 hash added to `script-src` (only here; every other path keeps the policy).
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import scalarApiReference from '@scalar/fastify-api-reference';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OPENAPI_PATH } from './rest-openapi.js';

export const DOCS_PATH = '/api/docs';
const SCRIPT_PATH = `${DOCS_PATH}/js/scalar.js`;

const compressors = {
  br: (text: string) =>
    promisify(brotliCompress)(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }) as Promise<Buffer>,
  gzip: (text: string) => promisify(gzip)(text, { level: 9 }) as Promise<Buffer>,
};
type Encoding = keyof typeof compressors;

/**
 * The script compressed once per encoding and kept: compressing its 4.8 MB took ~0.4 s of CPU, which every request
 * (signed in or not) would otherwise cost. Served outside the API's compression plugin for that reason.
 */
const compressed = new Map<Encoding, Promise<Buffer>>();
function compressedScript(encoding: Encoding, text: string): Promise<Buffer> {
  let kept = compressed.get(encoding);
  if (!kept) {
    kept = compressors[encoding](text);
    compressed.set(encoding, kept);
  }
  return kept;
}

function encodingFor(request: FastifyRequest): Encoding | null {
  const accepted = String(request.headers['accept-encoding'] ?? '').toLowerCase();
  if (/\bbr\b(?!;q=0(\.0*)?\b)/.test(accepted)) return 'br';
  if (/\bgzip\b(?!;q=0(\.0*)?\b)/.test(accepted)) return 'gzip';
  return null;
}

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;

/** `script-src` sources allowing exactly the inline scripts of this page. */
function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(INLINE_SCRIPT)].map(
    (match) =>
      `'sha256-${createHash('sha256')
        .update(match[1] ?? '')
        .digest('base64')}'`,
  );
}

export async function registerApiDocs(app: FastifyInstance) {
  await app.register(async (docs) => {
    docs.addHook('onSend', async (request, reply, payload) => {
      if (request.url === SCRIPT_PATH && typeof payload === 'string' && reply.statusCode === 200) {
        // The package's script, the same until an upgrade: kept for an hour rather than the API's no-store, which
        // runs before this hook.
        reply.header('cache-control', 'public, max-age=3600').header('vary', 'accept-encoding');
        const encoding = encodingFor(request);
        if (!encoding) return payload;
        reply.header('content-encoding', encoding);
        return compressedScript(encoding, payload);
      }
      if (typeof payload !== 'string' || !String(reply.getHeader('content-type')).startsWith('text/html')) {
        return payload;
      }
      const policy = reply.getHeader('content-security-policy');
      if (typeof policy === 'string') {
        const hashes = inlineScriptHashes(payload).join(' ');
        reply.header('content-security-policy', policy.replace(/script-src ([^;]*)/, `script-src $1 ${hashes}`));
      }
      return payload;
    });
    await docs.register(scalarApiReference, {
      routePrefix: DOCS_PATH,
      configuration: {
        url: OPENAPI_PATH,
        pageTitle: 'Life OS API',
        withDefaultFonts: false,
        telemetry: false,
        hideClientButton: true,
        showDeveloperTools: 'never',
        agent: { disabled: true },
        mcp: { disabled: true },
      },
    });
  });
}

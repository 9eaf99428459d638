/**
 * WebDAV's XML (RFC 4918) in and out. Requests are parsed with @xmldom/xmldom, which resolves namespaces (a client
 * may spell DAV: with any prefix, or none) and never fetches or expands external entities; answers are written
 * here as text with fixed prefixes, which every client reads.
 */
import { DOMParser, type Element, MIME_TYPE } from '@xmldom/xmldom';
import { HttpError } from '../http/request-auth.js';

export const NS = {
  dav: 'DAV:',
  caldav: 'urn:ietf:params:xml:ns:caldav',
  calendarServer: 'http://calendarserver.org/ns/',
  apple: 'http://apple.com/ns/ical/',
} as const;

const PREFIXES: Record<string, string> = {
  [NS.dav]: 'd',
  [NS.caldav]: 'c',
  [NS.calendarServer]: 'cs',
  [NS.apple]: 'ical',
};

/** A property or element name: its namespace and local name. */
export interface XmlName {
  ns: string;
  name: string;
}

export const nameKey = (n: XmlName) => `{${n.ns}}${n.name}`;

/** The most elements a request body may hold: a multiget of a few thousand hrefs fits, a flood does not. */
const MAX_ELEMENTS = 20_000;
/** The deepest nesting a request may have (a calendar-query's filters are five levels). */
const MAX_DEPTH = 20;

/** The request body's root element; a 400 for anything that is not well-formed XML or is too large or deep. */
export function parseXml(text: string): Element | null {
  if (text.trim() === '') return null;
  if (/<!DOCTYPE/i.test(text)) throw new HttpError(400, 'Document type declarations are not accepted');
  preflight(text);
  let problem: string | null = null;
  let root: Element | null = null;
  try {
    const document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') problem ??= message;
      },
    }).parseFromString(text, MIME_TYPE.XML_APPLICATION);
    root = document.documentElement;
  } catch (error) {
    problem ??= error instanceof Error ? error.message : String(error);
  }
  if (problem || !root)
    throw new HttpError(
      400,
      `The request body is not well-formed XML${problem ? `: ${String(problem).slice(0, 200)}` : ''}`,
    );
  let count = 0;
  const walk = (element: Element, depth: number) => {
    if (depth > MAX_DEPTH) throw new HttpError(400, `The request body nests deeper than ${MAX_DEPTH} levels`);
    for (const child of elements(element)) {
      if (++count > MAX_ELEMENTS) throw new HttpError(400, `The request body holds more than ${MAX_ELEMENTS} elements`);
      walk(child, depth + 1);
    }
  };
  walk(root, 1);
  return root;
}

/**
 * Counts elements and nesting in one pass over the tags before the parser sees the text: xmldom's work grows faster
 * than the text on deep nesting (50,000 levels held the event loop for half a second), so such bodies never reach it.
 */
function preflight(text: string) {
  let depth = 0;
  let count = 0;
  for (const tag of text.matchAll(/<(\/?)([^<>]*?)(\/?)>/g)) {
    const [, closing, inside, selfClosing] = tag;
    if (inside?.startsWith('?') || inside?.startsWith('!')) continue;
    if (closing) {
      depth--;
      continue;
    }
    if (++count > MAX_ELEMENTS) throw new HttpError(400, `The request body holds more than ${MAX_ELEMENTS} elements`);
    if (!selfClosing && ++depth > MAX_DEPTH) {
      throw new HttpError(400, `The request body nests deeper than ${MAX_DEPTH} levels`);
    }
  }
}

export const is = (element: Element | null | undefined, ns: string, name: string): element is Element =>
  !!element && element.namespaceURI === ns && element.localName === name;

/** The element children of an element. */
export function elements(element: Element): Element[] {
  const found: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) found.push(node as Element);
  }
  return found;
}

export const child = (element: Element, ns: string, name: string) =>
  elements(element).find((e) => is(e, ns, name)) ?? null;
export const childrenNamed = (element: Element, ns: string, name: string) =>
  elements(element).filter((e) => is(e, ns, name));
export const textOf = (element: Element | null) => (element?.textContent ?? '').trim();
export const xmlNameOf = (element: Element): XmlName => ({
  ns: element.namespaceURI ?? '',
  name: element.localName ?? '',
});

const NEEDS_ESCAPE = /[&<>"]/;
/** Calendar data seldom holds a character to escape: it is then returned as it is, without a copy. */
export const escapeXml = (text: string) =>
  NEEDS_ESCAPE.test(text)
    ? text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'))
    : text;

/** A property's value: text (escaped when written), XML written by this module, or nothing (an empty element). */
export type XmlValue = string | { xml: string } | null;

/** Writes elements with the fixed prefixes, declaring any other namespace where it is used. */
export function element(n: XmlName, value: XmlValue = null): string {
  const prefix = PREFIXES[n.ns];
  const tag = prefix ? `${prefix}:${n.name}` : n.name;
  const declaration = prefix ? '' : ` xmlns="${escapeXml(n.ns)}"`;
  if (value === null || value === '') return `<${tag}${declaration}/>`;
  const inner = typeof value === 'string' ? escapeXml(value) : value.xml;
  return `<${tag}${declaration}>${inner}</${tag}>`;
}

export const dav = (name: string, value: XmlValue = null) => element({ ns: NS.dav, name }, value);
export const caldav = (name: string, value: XmlValue = null) => element({ ns: NS.caldav, name }, value);
export const xml = (text: string) => ({ xml: text });

export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  424: 'Failed Dependency',
  507: 'Insufficient Storage',
};

/** One href's answer in a multistatus: its properties grouped by status, or a status alone. */
export type DavResponse =
  | { href: string; props: { status: number; values: { name: XmlName; value: XmlValue }[] }[] }
  | { href: string; status: number };

const statusLine = (status: number) => `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd();

export function responseXml(response: DavResponse): string {
  if ('status' in response)
    return dav('response', xml(dav('href', response.href) + dav('status', statusLine(response.status))));
  const propstats = response.props
    .filter((group) => group.values.length > 0)
    .map((group) =>
      dav(
        'propstat',
        xml(
          dav('prop', xml(group.values.map((v) => element(v.name, v.value)).join(''))) +
            dav('status', statusLine(group.status)),
        ),
      ),
    )
    .join('');
  return dav('response', xml(dav('href', response.href) + propstats));
}

const ROOT_NAMESPACES = Object.entries(PREFIXES)
  .map(([ns, prefix]) => ` xmlns:${prefix}="${ns}"`)
  .join('');

export function multistatus(responses: string[], extra = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus${ROOT_NAMESPACES}>${responses.join('')}${extra}</d:multistatus>`;
}

/** A DAV:error body naming the precondition a request broke (RFC 4918 §16). */
export function errorXml(condition: XmlName, message?: string): string {
  const description = message ? `<d:responsedescription>${escapeXml(message)}</d:responsedescription>` : '';
  return `<?xml version="1.0" encoding="utf-8"?>\n<d:error${ROOT_NAMESPACES}>${element(condition)}${description}</d:error>`;
}

/**
 * Life OS as a CalDAV server (RFC 4791, RFC 6578, RFC 6764) under /dav/: discovery, PROPFIND, REPORT
 * (calendar-query, calendar-multiget, sync-collection), GET, PUT and DELETE of objects. This file is the protocol
 * only; what a collection holds and every write is core's caldav service, the same one any other transport would
 * call through the composition root.
 *
 *   /.well-known/caldav                          → 301 to /dav/
 *   /dav/                                        the root: who is the current user
 *   /dav/principals/<username>/                  the user's principal: where their calendars are
 *   /dav/calendars/<username>/                   the calendar home: the collections
 *   /dav/calendars/<username>/<collection>/      'events', 'inbox' or a project's id
 *   /dav/calendars/<username>/<collection>/<name> one event (a series with its changed occurrences) or one task
 *
 * Authentication is HTTP Basic with the username and an API key (auth/caller.ts); cookies are never read here, so
 * there is no cross-site request to forge. A wrong password is throttled per address like a wrong login.
 */
import { apiKeyPolicy, CalendarDataError, caldavService, calendarService, eventLoopSlicer } from '@lifeos/core/server';
import type { Element } from '@xmldom/xmldom';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolveBasicCaller } from '../auth/caller.js';
import { wrongCredentialWait } from '../auth/credential-throttle.js';
import { HttpError } from '../http/request-auth.js';
import type { AppServices } from '../services.js';
import {
  answerProps,
  collectionProps,
  type DavUser,
  homeProps,
  MAX_RESOURCE_SIZE,
  OBJECT_DATA,
  objectAnswers,
  objectProps,
  type PropRequest,
  paths,
  principalProps,
  rootProps,
} from './dav-props.js';
import {
  child,
  childrenNamed,
  type DavResponse,
  elements,
  errorXml,
  escapeXml,
  is,
  multistatus,
  NS,
  parseXml,
  responseXml,
  textOf,
  xmlNameOf,
} from './dav-xml.js';

const DAV_METHODS = ['PROPFIND', 'PROPPATCH', 'REPORT', 'MKCALENDAR', 'MKCOL'];
const METHODS = ['OPTIONS', 'GET', 'HEAD', 'PUT', 'DELETE', ...DAV_METHODS];
const WRITE_METHODS = new Set(['PUT', 'DELETE', 'PROPPATCH', 'MKCALENDAR', 'MKCOL']);
const ALLOW = METHODS.join(', ');
const XML_TYPE = 'application/xml; charset=utf-8';
/**
 * The most hrefs one calendar-multiget may ask for. vdirsyncer asks for every object it lacks in one multiget (3,000
 * events at its first sync, measured by bench/caldav.ts); the answer is written 250 objects at a time with the event
 * loop given back, and the body limit and the XML element count bound the request.
 */
const MULTIGET_MAX = 10_000;

type DavPath =
  | { kind: 'root' }
  | { kind: 'principals' }
  | { kind: 'principal'; user: string }
  | { kind: 'home'; user: string }
  | { kind: 'collection'; user: string; collection: string }
  | { kind: 'object'; user: string; collection: string; name: string };

/** The resource a request path (or an href in a body) names; null for anything outside the layout above. */
export function parseDavPath(raw: string): DavPath | null {
  let path = raw.split('?', 1)[0] ?? '';
  path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  if (!path.startsWith('/dav')) return null;
  let segments: string[];
  try {
    segments = path
      .slice('/dav'.length)
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (segments.some((s) => s.length > 255)) return null;
  const [area, user, collection, name, ...rest] = segments;
  if (rest.length > 0) return null;
  if (area === undefined) return { kind: 'root' };
  if (area === 'principals') {
    if (user === undefined) return { kind: 'principals' };
    return collection === undefined ? { kind: 'principal', user } : null;
  }
  if (area !== 'calendars' || user === undefined) return null;
  if (collection === undefined) return { kind: 'home', user };
  if (name === undefined) return { kind: 'collection', user, collection };
  return { kind: 'object', user, collection, name };
}

/** The API-key module a collection belongs to: the calendar's events, or tasks (the inbox and every project). */
const moduleOfCollection = (collectionId: string) =>
  collectionId === caldavService.EVENTS_COLLECTION ? ('calendar' as const) : ('tasks' as const);

function davError(reply: FastifyReply, status: number, condition: { ns: string; name: string }, message: string) {
  return reply.code(status).type(XML_TYPE).send(errorXml(condition, message));
}

/** Depth: 0 or 1; "infinity" is refused (RFC 4918 §9.1: a server may, with propfind-finite-depth). */
function depthOf(request: FastifyRequest, fallback: 0 | 1): 0 | 1 | 'infinity' {
  const header = String(request.headers.depth ?? '')
    .trim()
    .toLowerCase();
  if (header === '0') return 0;
  if (header === '1') return 1;
  if (header === 'infinity') return 'infinity';
  return fallback;
}

function propRequest(root: Element | null): PropRequest {
  if (!root) return { kind: 'allprop' };
  if (child(root, NS.dav, 'propname')) return { kind: 'propname' };
  const prop = child(root, NS.dav, 'prop');
  if (prop) return { kind: 'prop', names: elements(prop).map(xmlNameOf) };
  return { kind: 'allprop' };
}

const bodyText = (request: FastifyRequest) => (typeof request.body === 'string' ? request.body : '');

export function registerDav(app: FastifyInstance, services: AppServices) {
  for (const method of DAV_METHODS) {
    if (!app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  }

  // RFC 6764 §5: the well-known URI points at the DAV root, whatever the method (clients PROPFIND it).
  app.route({
    method: METHODS,
    url: '/.well-known/caldav',
    handler: (_request, reply) => reply.redirect(paths.root, 301),
  });
  // A client given only the server's address looks for DAV at its root; the web app answers every GET there.
  app.route({ method: 'PROPFIND', url: '/', handler: (_request, reply) => reply.redirect(paths.root, 301) });

  app.register(async (scope) => {
    // Bodies are XML or iCalendar, read as text whatever their declared type (clients differ); the size limit is
    // the server's.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error, _request, reply) => {
      const code = (error as { code?: unknown }).code;
      if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return davError(reply, 413, { ns: NS.caldav, name: 'max-resource-size' }, 'The request is too large');
      }
      if (error instanceof HttpError) return reply.code(error.statusCode).type('text/plain').send(error.message);
      if (error instanceof CalendarDataError) {
        return davError(reply, 403, { ns: NS.caldav, name: error.precondition }, error.message);
      }
      if (error instanceof calendarService.TooManyInstancesError) {
        return davError(reply, 507, { ns: NS.dav, name: 'number-of-matches-within-limits' }, error.message);
      }
      if (error instanceof caldavService.InvalidSyncTokenError) {
        return davError(reply, 403, { ns: NS.dav, name: 'valid-sync-token' }, error.message);
      }
      return reply.send(error);
    });
    const handler = (request: FastifyRequest, reply: FastifyReply) => handle(services, request, reply);
    scope.route({ method: METHODS, url: '/dav', handler });
    scope.route({ method: METHODS, url: '/dav/*', handler });
  });
}

async function authenticate(services: AppServices, request: FastifyRequest, reply: FastifyReply) {
  const authorization = request.headers.authorization;
  const caller = authorization ? await resolveBasicCaller(services, authorization) : null;
  if (caller) return caller;
  if (authorization) {
    const retryAfter = await wrongCredentialWait(services, 'dav', request.ip);
    if (retryAfter !== null) {
      reply.code(429).header('retry-after', String(retryAfter)).type('text/plain').send('Too many wrong passwords');
      return null;
    }
  }
  // Clients send credentials only after this challenge.
  reply
    .code(401)
    .header('www-authenticate', 'Basic realm="Life OS", charset="UTF-8"')
    .type('text/plain')
    .send('Sign in with your username and an API key as the password (Settings → API keys)');
  return null;
}

async function handle(services: AppServices, request: FastifyRequest, reply: FastifyReply) {
  reply.header('dav', '1, 3, calendar-access').header('cache-control', 'no-store');
  if (request.method === 'OPTIONS') return reply.header('allow', ALLOW).code(200).send();
  const path = parseDavPath(request.url);
  const caller = await authenticate(services, request, reply);
  if (!caller) return reply;
  // Another user's paths do not exist for this caller.
  if (!path || ('user' in path && path.user.toLowerCase() !== caller.user.username.toLowerCase())) {
    return reply.code(404).type('text/plain').send('Not found');
  }
  const user: DavUser = {
    username: caller.user.username,
    displayName: caller.user.displayName,
    email: caller.user.email,
    canWrite: caller.scope === 'write',
    collectionAccess: (id) => apiKeyPolicy.moduleAccess(caller.grant, moduleOfCollection(id)),
  };
  // A key's permissions per module hold here as in the API: a collection of a module it may not see does not exist
  // for it, and one it may only read refuses writes.
  if ('collection' in path) {
    const access = user.collectionAccess(path.collection);
    if (access === 'none') return reply.code(404).type('text/plain').send('Not found');
    if (WRITE_METHODS.has(request.method) && access !== 'write') {
      return davError(
        reply,
        403,
        { ns: NS.dav, name: 'need-privileges' },
        caller.grant.modules[moduleOfCollection(path.collection)] === undefined
          ? 'This API key is read-only'
          : `This API key may only read ${moduleOfCollection(path.collection)}`,
      );
    }
  } else if (WRITE_METHODS.has(request.method) && !user.canWrite) {
    return davError(reply, 403, { ns: NS.dav, name: 'need-privileges' }, 'This API key is read-only');
  }
  const ctx: Context = { services, request, reply, user, userId: caller.user.id };
  switch (request.method) {
    case 'PROPFIND':
      return propfind(ctx, path);
    case 'REPORT':
      return report(ctx, path);
    case 'GET':
    case 'HEAD':
      return get(ctx, path);
    case 'PUT':
      return put(ctx, path);
    case 'DELETE':
      return remove(ctx, path);
    case 'PROPPATCH':
      return proppatch(ctx, path);
    default:
      return davError(
        reply,
        403,
        { ns: NS.dav, name: 'resource-must-be-null' },
        'Life OS has one calendar and a task list per project: make a project in Life OS to get a new task list',
      );
  }
}

interface Context {
  services: AppServices;
  request: FastifyRequest;
  reply: FastifyReply;
  user: DavUser;
  userId: string;
}

const sendMultistatus = (reply: FastifyReply, responses: string[], extra = '') =>
  reply.code(207).type(XML_TYPE).send(multistatus(responses, extra));

/** The responses as XML, giving the event loop back between slices: thousands of events with their text are MBs. */
async function responsesXml(responses: DavResponse[]): Promise<string[]> {
  const slice = eventLoopSlicer();
  const texts: string[] = [];
  for (const response of responses) {
    await slice();
    texts.push(responseXml(response));
  }
  return texts;
}

/** Each object's answer to the request (objectAnswers), giving the event loop back between slices. */
async function objectsXml(
  request: PropRequest,
  component: 'VEVENT' | 'VTODO',
  objects: { href: string; object: caldavService.DavObjectRef & { ics?: string } }[],
): Promise<string[]> {
  const answer = objectAnswers(request, component);
  const slice = eventLoopSlicer();
  const texts: string[] = [];
  for (const { href, object } of objects) {
    await slice();
    texts.push(answer(href, object));
  }
  return texts;
}

async function collectionOf(ctx: Context, id: string) {
  const collection = await caldavService.findCollection(ctx.services, ctx.userId, id);
  if (!collection) throw new HttpError(404, 'No such collection');
  return collection;
}

async function propfind(ctx: Context, path: DavPath) {
  const request = propRequest(parseXml(bodyText(ctx.request)));
  const depth = depthOf(ctx.request, 1);
  if (depth === 'infinity') {
    return davError(ctx.reply, 403, { ns: NS.dav, name: 'propfind-finite-depth' }, 'Depth: infinity is not supported');
  }
  const { user } = ctx;
  const responses: DavResponse[] = [];
  const one = (href: string, props: ReturnType<typeof rootProps>) =>
    responses.push({ href, props: answerProps(props, request) });
  switch (path.kind) {
    case 'root':
      one(paths.root, rootProps(user));
      if (depth === 1) one(paths.principal(user.username), principalProps(user));
      break;
    case 'principals':
      one(paths.principals, rootProps(user));
      if (depth === 1) one(paths.principal(user.username), principalProps(user));
      break;
    case 'principal':
      one(paths.principal(user.username), principalProps(user));
      break;
    case 'home': {
      one(paths.home(user.username), homeProps(user));
      if (depth === 1) {
        for (const collection of await caldavService.listCollections(ctx.services, ctx.userId)) {
          if (user.collectionAccess(collection.id) === 'none') continue;
          one(paths.collection(user.username, collection.id), collectionProps(user, collection));
        }
      }
      break;
    }
    case 'collection': {
      const collection = await collectionOf(ctx, path.collection);
      one(paths.collection(user.username, collection.id), collectionProps(user, collection));
      if (depth === 1) {
        const withData =
          request.kind === 'prop' && request.names.some((n) => n.ns === OBJECT_DATA.ns && n.name === OBJECT_DATA.name);
        const refs = await caldavService.listObjects(ctx.services, ctx.userId, collection.id);
        const objects = withData
          ? await caldavService.getObjects(
              ctx.services,
              ctx.userId,
              collection.id,
              refs.map((r) => r.name),
            )
          : refs;
        const texts = await objectsXml(
          request,
          collection.component,
          objects.map((object) => ({ href: paths.object(user.username, collection.id, object.name), object })),
        );
        return sendMultistatus(ctx.reply, [...(await responsesXml(responses)), ...texts]);
      }
      break;
    }
    case 'object': {
      const collection = await collectionOf(ctx, path.collection);
      const [object] = await caldavService.getObjects(ctx.services, ctx.userId, collection.id, [path.name]);
      if (!object) return ctx.reply.code(404).type('text/plain').send('Not found');
      one(paths.object(user.username, collection.id, object.name), objectProps(object, collection.component));
      break;
    }
  }
  return sendMultistatus(ctx.reply, await responsesXml(responses));
}

/** A calendar-query's time range (RFC 4791 §9.9), from the first comp-filter that has one. */
function timeRangeOf(filter: Element | null): { from: Date; to: Date | null } | null {
  if (!filter) return null;
  const stack = [filter];
  while (stack.length > 0) {
    const element = stack.pop() as Element;
    const range = child(element, NS.caldav, 'time-range');
    if (range) {
      const start = range.getAttribute('start');
      const end = range.getAttribute('end');
      const from = start ? icsUtc(start) : new Date(Date.UTC(1900, 0, 1));
      const to = end ? icsUtc(end) : null;
      if (!from || (end && !to)) throw new HttpError(400, 'A time-range needs UTC date-times such as 20260101T000000Z');
      return { from, to };
    }
    stack.push(...childrenNamed(element, NS.caldav, 'comp-filter'));
  }
  return null;
}

function icsUtc(value: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/i.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** calendar-data's expand or limit-recurrence-set (RFC 4791 §9.6.5, §9.6.6), each with its required range. */
function textShape(root: Element): calendarService.ObjectTextShape {
  const prop = child(root, NS.dav, 'prop');
  const data = prop ? child(prop, NS.caldav, 'calendar-data') : null;
  if (!data) return null;
  const expand = child(data, NS.caldav, 'expand');
  const limit = child(data, NS.caldav, 'limit-recurrence-set');
  const element = expand ?? limit;
  if (!element) return null;
  const from = icsUtc(element.getAttribute('start') ?? '');
  const to = icsUtc(element.getAttribute('end') ?? '');
  if (!from || !to || to <= from) {
    throw new HttpError(400, 'expand and limit-recurrence-set need a start and a later end in UTC (20260101T000000Z)');
  }
  return expand ? { expand: { from, to } } : { limit: { from, to } };
}

/** The component a calendar-query filters on (VEVENT, VTODO), if it names one. */
function componentOf(filter: Element | null): string | null {
  const calendar = filter ? child(filter, NS.caldav, 'comp-filter') : null;
  const inner = calendar ? child(calendar, NS.caldav, 'comp-filter') : null;
  return inner?.getAttribute('name')?.toUpperCase() ?? null;
}

async function report(ctx: Context, path: DavPath) {
  const root = parseXml(bodyText(ctx.request));
  if (!root) throw new HttpError(400, 'A REPORT needs a body');
  if (path.kind !== 'collection') {
    return davError(
      ctx.reply,
      403,
      { ns: NS.dav, name: 'supported-report' },
      'Reports are answered on calendar collections',
    );
  }
  const collection = await collectionOf(ctx, path.collection);
  const request = propRequest(root);
  const { user } = ctx;
  const wantsData =
    request.kind !== 'prop' || request.names.some((n) => n.ns === OBJECT_DATA.ns && n.name === OBJECT_DATA.name);
  const shape = textShape(root);
  const listNamed = async (names: string[]) => {
    const wanted = new Set(names);
    return (await caldavService.listObjects(ctx.services, ctx.userId, collection.id)).filter((o) => wanted.has(o.name));
  };
  const objectResponses = async (names: string[]) => {
    const objects = wantsData
      ? await caldavService.getObjects(ctx.services, ctx.userId, collection.id, names, shape)
      : await listNamed(names);
    return objectsXml(
      request,
      collection.component,
      objects.map((object) => ({ href: paths.object(user.username, collection.id, object.name), object })),
    );
  };

  if (is(root, NS.caldav, 'calendar-multiget')) {
    const hrefs = childrenNamed(root, NS.dav, 'href').map(textOf);
    if (hrefs.length > MULTIGET_MAX) throw new HttpError(400, `At most ${MULTIGET_MAX} hrefs in one multiget`);
    const names = new Map<string, string>();
    const missing: string[] = [];
    for (const href of hrefs) {
      const target = parseDavPath(href);
      const mine = target?.kind === 'object' && target.user.toLowerCase() === user.username.toLowerCase();
      if (mine && target.collection === collection.id) names.set(target.name, href);
      else missing.push(href);
    }
    const found = wantsData
      ? await caldavService.getObjects(ctx.services, ctx.userId, collection.id, [...names.keys()], shape)
      : (await caldavService.listObjects(ctx.services, ctx.userId, collection.id)).filter((o) => names.has(o.name));
    const foundNames = new Set(found.map((o) => o.name));
    const responses = await objectsXml(
      request,
      collection.component,
      found.map((object) => ({
        href: names.get(object.name) ?? paths.object(user.username, collection.id, object.name),
        object,
      })),
    );
    for (const [name, href] of names) if (!foundNames.has(name)) missing.push(href);
    for (const href of missing) responses.push(responseXml({ href, status: 404 }));
    return sendMultistatus(ctx.reply, responses);
  }

  if (is(root, NS.caldav, 'calendar-query')) {
    const filter = child(root, NS.caldav, 'filter');
    const component = componentOf(filter);
    if (component && component !== collection.component) return sendMultistatus(ctx.reply, []);
    const refs = await caldavService.queryObjects(ctx.services, ctx.userId, collection.id, timeRangeOf(filter));
    return sendMultistatus(ctx.reply, await objectResponses(refs.map((r) => r.name)));
  }

  if (is(root, NS.dav, 'sync-collection')) {
    const token = textOf(child(root, NS.dav, 'sync-token'));
    const level = textOf(child(root, NS.dav, 'sync-level'));
    if (level && level !== '1') {
      return davError(ctx.reply, 403, { ns: NS.dav, name: 'supported-report' }, 'Only sync-level 1 is supported');
    }
    const changes = await caldavService.changesSince(ctx.services, ctx.userId, collection.id, token || null);
    const responses = await objectResponses(changes.changed.map((o) => o.name));
    for (const name of changes.deleted) {
      responses.push(responseXml({ href: paths.object(user.username, collection.id, name), status: 404 }));
    }
    return sendMultistatus(ctx.reply, responses, `<d:sync-token>${changes.token}</d:sync-token>`);
  }

  return davError(ctx.reply, 403, { ns: NS.dav, name: 'supported-report' }, 'This report is not supported');
}

async function get(ctx: Context, path: DavPath) {
  if (path.kind !== 'object') {
    return ctx.reply
      .code(405)
      .header('allow', 'OPTIONS, PROPFIND, REPORT')
      .type('text/plain')
      .send('Not a calendar object');
  }
  const collection = await collectionOf(ctx, path.collection);
  const [object] = await caldavService.getObjects(ctx.services, ctx.userId, collection.id, [path.name]);
  if (!object) return ctx.reply.code(404).type('text/plain').send('Not found');
  ctx.reply.header('etag', object.etag).type('text/calendar; charset=utf-8');
  return ctx.request.method === 'HEAD' ? ctx.reply.send() : ctx.reply.send(object.ics);
}

function conditions(request: FastifyRequest) {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  return { ifMatch: header('if-match'), ifNoneMatch: header('if-none-match') };
}

async function put(ctx: Context, path: DavPath) {
  if (path.kind !== 'object') {
    return ctx.reply
      .code(405)
      .header('allow', 'OPTIONS, PROPFIND, REPORT')
      .type('text/plain')
      .send('Not a calendar object');
  }
  const collection = await collectionOf(ctx, path.collection);
  const type = String(ctx.request.headers['content-type'] ?? 'text/calendar')
    .split(';', 1)[0]
    ?.trim()
    .toLowerCase();
  if (type !== 'text/calendar') {
    return davError(ctx.reply, 415, { ns: NS.caldav, name: 'supported-calendar-data' }, 'Send text/calendar');
  }
  const ics = bodyText(ctx.request);
  if (ics.length > MAX_RESOURCE_SIZE) {
    return davError(ctx.reply, 403, { ns: NS.caldav, name: 'max-resource-size' }, 'The calendar object is too large');
  }
  const result = await caldavService.putObject(
    ctx.services,
    ctx.userId,
    collection.id,
    path.name,
    ics,
    conditions(ctx.request),
  );
  if (result.status === 'precondition-failed') {
    return ctx.reply.code(412).type('text/plain').send('The object changed since you read it (ETag)');
  }
  // No ETag: the stored object is Life OS's reading of what was sent, not the same octets (RFC 4791 §5.3.4), so
  // a client reads it back before its next conditional write.
  return ctx.reply.code(result.status === 'created' ? 201 : 204).send();
}

async function remove(ctx: Context, path: DavPath) {
  if (path.kind !== 'object') {
    return davError(
      ctx.reply,
      403,
      { ns: NS.dav, name: 'need-privileges' },
      'Collections are removed in Life OS itself (a project and its tasks)',
    );
  }
  const collection = await collectionOf(ctx, path.collection);
  const result = await caldavService.deleteObject(
    ctx.services,
    ctx.userId,
    collection.id,
    path.name,
    conditions(ctx.request),
  );
  if (result === 'not-found') return ctx.reply.code(404).type('text/plain').send('Not found');
  if (result === 'precondition-failed')
    return ctx.reply.code(412).type('text/plain').send('The object changed since you read it (ETag)');
  return ctx.reply.code(204).send();
}

/**
 * PROPPATCH (RFC 4918 §9.2), all or nothing: a project's task list takes a new name (DAV:displayname) or colour
 * (calendar-color), which its project in Life OS takes too; every other property, and any on the calendar or the
 * inbox, is refused (403), and the rest of the request then fails with it (424).
 */
async function proppatch(ctx: Context, path: DavPath) {
  const root = parseXml(bodyText(ctx.request));
  if (!root || !is(root, NS.dav, 'propertyupdate')) throw new HttpError(400, 'A PROPPATCH needs a propertyupdate body');
  const changes = [...childrenNamed(root, NS.dav, 'set'), ...childrenNamed(root, NS.dav, 'remove')].flatMap((op) => {
    const prop = child(op, NS.dav, 'prop');
    const remove = is(op, NS.dav, 'remove');
    return prop
      ? elements(prop).map((element) => ({ name: xmlNameOf(element), value: remove ? null : textOf(element) }))
      : [];
  });
  const patch: caldavService.CollectionPatch = {};
  const refused = new Set<string>();
  for (const change of changes) {
    const key = `${change.name.ns} ${change.name.name}`;
    if (key === `${NS.dav} displayname` && change.value) patch.displayName = change.value;
    else if (key === `${NS.apple} calendar-color`) patch.color = change.value || null;
    else refused.add(key);
  }
  let outcome: caldavService.CollectionPatchResult = 'read-only';
  if (path.kind === 'collection' && refused.size === 0 && changes.length > 0) {
    const collection = await collectionOf(ctx, path.collection);
    outcome = await caldavService.updateCollection(ctx.services, ctx.userId, collection.id, patch);
  }
  const ok = outcome === 'updated';
  const status = (name: { ns: string; name: string }) =>
    ok ? 200 : refused.has(`${name.ns} ${name.name}`) || refused.size === 0 ? 403 : 424;
  const groups = new Map<number, { name: { ns: string; name: string }; value: null }[]>();
  for (const change of changes) {
    const code = status(change.name);
    groups.set(code, [...(groups.get(code) ?? []), { name: change.name, value: null }]);
  }
  const description =
    typeof outcome === 'object' ? `<d:responsedescription>${escapeXml(outcome.invalid)}</d:responsedescription>` : '';
  return sendMultistatus(ctx.reply, [
    responseXml({
      href: ctx.request.url.split('?', 1)[0] ?? paths.root,
      props: [...groups].map(([code, values]) => ({ status: code, values })),
    }).replace('</d:response>', `${description}</d:response>`),
  ]);
}

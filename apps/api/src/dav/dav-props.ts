/**
 * The WebDAV and CalDAV properties Life OS answers, per kind of resource: the DAV root, the user's principal, the
 * calendar home, a calendar collection (the calendar or a task list) and a calendar object. A property asked for
 * and not listed here is answered 404 in its own propstat, as RFC 4918 says.
 */
import { caldavService } from '@lifeos/core/server';
import { caldav, dav, escapeXml, NS, nameKey, responseXml, type XmlName, type XmlValue, xml } from './dav-xml.js';

type DavCollection = caldavService.DavCollection;
type DavObjectRef = caldavService.DavObjectRef;

export interface DavUser {
  username: string;
  displayName: string;
  email: string;
  /** A read key sees every collection read-only. */
  canWrite: boolean;
  /** What the key may do in one collection (its module's permission: the calendar's events, or tasks). */
  collectionAccess: (collectionId: string) => 'none' | 'read' | 'write';
}

export const MAX_RESOURCE_SIZE = 1_000_000;

const enc = encodeURIComponent;
export const paths = {
  root: '/dav/',
  principals: '/dav/principals/',
  principal: (user: string) => `/dav/principals/${enc(user)}/`,
  home: (user: string) => `/dav/calendars/${enc(user)}/`,
  collection: (user: string, id: string) => `/dav/calendars/${enc(user)}/${enc(id)}/`,
  object: (user: string, id: string, name: string) => `/dav/calendars/${enc(user)}/${enc(id)}/${enc(name)}`,
};

const href = (path: string) => dav('href', path);

function privileges(canWrite: boolean, kind: 'read' | 'collection' | 'object'): XmlValue {
  const names = ['read', 'read-current-user-privilege-set'];
  if (canWrite && kind !== 'read') names.push('write', 'write-content', 'write-properties', 'bind', 'unbind');
  return xml(names.map((name) => dav('privilege', xml(dav(name)))).join(''));
}

const reports = (names: XmlName[]): XmlValue =>
  xml(
    names
      .map((n) => dav('supported-report', xml(dav('report', xml(n.ns === NS.dav ? dav(n.name) : caldav(n.name))))))
      .join(''),
  );

type PropTable = Map<string, { name: XmlName; value: () => XmlValue; allprop: boolean }>;

function table(entries: [XmlName, () => XmlValue, boolean?][]): PropTable {
  return new Map(entries.map(([name, value, allprop]) => [nameKey(name), { name, value, allprop: allprop ?? true }]));
}

const d = (name: string): XmlName => ({ ns: NS.dav, name });
const c = (name: string): XmlName => ({ ns: NS.caldav, name });
const cs = (name: string): XmlName => ({ ns: NS.calendarServer, name });
const apple = (name: string): XmlName => ({ ns: NS.apple, name });

export const OBJECT_DATA: XmlName = c('calendar-data');

export function rootProps(user: DavUser): PropTable {
  return table([
    [d('resourcetype'), () => xml(dav('collection'))],
    [d('displayname'), () => 'Life OS'],
    [d('current-user-principal'), () => xml(href(paths.principal(user.username)))],
    [d('current-user-privilege-set'), () => privileges(user.canWrite, 'read')],
  ]);
}

export function principalProps(user: DavUser): PropTable {
  const principal = () => xml(href(paths.principal(user.username)));
  return table([
    [d('resourcetype'), () => xml(dav('collection') + dav('principal'))],
    [d('displayname'), () => user.displayName],
    [d('current-user-principal'), principal],
    [d('principal-URL'), principal],
    [d('owner'), principal],
    [d('principal-collection-set'), () => xml(href(paths.principals))],
    [c('calendar-home-set'), () => xml(href(paths.home(user.username)))],
    [c('calendar-user-address-set'), () => xml(href(`mailto:${user.email}`))],
    [d('current-user-privilege-set'), () => privileges(user.canWrite, 'read')],
    [d('supported-report-set'), () => reports([])],
  ]);
}

export function homeProps(user: DavUser): PropTable {
  const principal = () => xml(href(paths.principal(user.username)));
  return table([
    [d('resourcetype'), () => xml(dav('collection'))],
    [d('displayname'), () => user.displayName],
    [d('current-user-principal'), principal],
    [d('owner'), principal],
    [d('current-user-privilege-set'), () => privileges(user.canWrite, 'read')],
    [d('supported-report-set'), () => reports([])],
  ]);
}

export function collectionProps(user: DavUser, collection: DavCollection): PropTable {
  const principal = () => xml(href(paths.principal(user.username)));
  const token = caldavService.syncToken(collection.revision);
  return table([
    [d('resourcetype'), () => xml(dav('collection') + caldav('calendar'))],
    [d('displayname'), () => collection.displayName],
    [d('current-user-principal'), principal],
    [d('owner'), principal],
    [d('current-user-privilege-set'), () => privileges(user.collectionAccess(collection.id) === 'write', 'collection')],
    [
      d('supported-report-set'),
      () => reports([c('calendar-query'), c('calendar-multiget'), d('sync-collection')]),
      false,
    ],
    [c('supported-calendar-component-set'), () => xml(`<c:comp name="${collection.component}"/>`)],
    [c('supported-calendar-data'), () => xml('<c:calendar-data content-type="text/calendar" version="2.0"/>'), false],
    [c('max-resource-size'), () => String(MAX_RESOURCE_SIZE), false],
    [c('calendar-description'), () => (collection.component === 'VEVENT' ? 'Events of Life OS' : 'Tasks of Life OS')],
    [cs('getctag'), () => String(collection.revision)],
    [d('sync-token'), () => token],
    ...(collection.color
      ? [[apple('calendar-color'), () => `${collection.color}FF`] as [XmlName, () => XmlValue]]
      : []),
    [apple('calendar-order'), () => (collection.component === 'VEVENT' ? '0' : '1'), false],
  ]);
}

/** An object's own values: its ETag, and its text's length and the text when it was read. */
interface ObjectValues {
  etag: string;
  text?: { length: string; data: string };
}

function objectTable(values: ObjectValues, component: 'VEVENT' | 'VTODO'): PropTable {
  const entries: [XmlName, () => XmlValue, boolean?][] = [
    [d('resourcetype'), () => null],
    [d('getetag'), () => values.etag],
    [d('getcontenttype'), () => `text/calendar; charset=utf-8; component=${component.toLowerCase()}`],
  ];
  const { text } = values;
  if (text) {
    entries.push([d('getcontentlength'), () => text.length, false]);
    entries.push([OBJECT_DATA, () => text.data, false]);
  }
  return table(entries);
}

/** What the object's text would add: its size and the text itself, when asked for. */
export function objectProps(object: DavObjectRef & { ics?: string }, component: 'VEVENT' | 'VTODO'): PropTable {
  return objectTable(
    {
      etag: object.etag,
      ...(object.ics === undefined
        ? {}
        : { text: { length: String(Buffer.byteLength(object.ics)), data: object.ics } }),
    },
    component,
  );
}

/** Marks where an object's own values go in a template answer; no XML text holds U+0000. */
const SLOT = { href: '\u0000h', etag: '\u0000e', length: '\u0000l', data: '\u0000d' } as const;

/**
 * Writes the answers for many objects of one collection to one request (PROPFIND Depth 1, the REPORTs): the answer
 * of an object with marks for its href, ETag, length and text is written once, through answerProps and responseXml,
 * and each object's is that template with its values escaped in. The same text as answering each object on its own,
 * without building its property table and elements thousands of times (a no-change sync lists every object).
 */
export function objectAnswers(request: PropRequest, component: 'VEVENT' | 'VTODO') {
  const templates = new Map<boolean, string[]>();
  const template = (withText: boolean) => {
    let parts = templates.get(withText);
    if (!parts) {
      const values: ObjectValues = {
        etag: SLOT.etag,
        ...(withText ? { text: { length: SLOT.length, data: SLOT.data } } : {}),
      };
      const xml = responseXml({ href: SLOT.href, props: answerProps(objectTable(values, component), request) });
      // Odd entries are the marks, even ones the text between them.
      parts = [];
      let from = 0;
      for (let at = xml.indexOf('\u0000'); at !== -1; at = xml.indexOf('\u0000', from)) {
        parts.push(xml.slice(from, at), xml.slice(at, at + 2));
        from = at + 2;
      }
      parts.push(xml.slice(from));
      templates.set(withText, parts);
    }
    return parts;
  };
  return (href: string, object: DavObjectRef & { ics?: string }): string => {
    // An empty value is written as an empty element (<x/>), which the template cannot hold.
    if (object.ics === '' || object.etag === '' || href === '') {
      return responseXml({ href, props: answerProps(objectProps(object, component), request) });
    }
    const parts = template(object.ics !== undefined);
    let out = parts[0] ?? '';
    for (let i = 1; i < parts.length; i += 2) {
      const slot = parts[i];
      const ics = object.ics ?? '';
      out +=
        slot === SLOT.href
          ? escapeXml(href)
          : slot === SLOT.etag
            ? escapeXml(object.etag)
            : slot === SLOT.length
              ? String(Buffer.byteLength(ics))
              : escapeXml(ics);
      out += parts[i + 1] ?? '';
    }
    return out;
  };
}

/** What a PROPFIND or REPORT asked for: named properties, every property, or only their names. */
export type PropRequest = { kind: 'prop'; names: XmlName[] } | { kind: 'allprop' } | { kind: 'propname' };

/** The propstats of one resource for a request: found properties 200, the rest 404. */
export function answerProps(props: PropTable, request: PropRequest) {
  if (request.kind === 'propname') {
    return [{ status: 200, values: [...props.values()].map((p) => ({ name: p.name, value: null })) }];
  }
  if (request.kind === 'allprop') {
    return [
      {
        status: 200,
        values: [...props.values()].filter((p) => p.allprop).map((p) => ({ name: p.name, value: p.value() })),
      },
    ];
  }
  const found: { name: XmlName; value: XmlValue }[] = [];
  const missing: { name: XmlName; value: XmlValue }[] = [];
  for (const name of request.names) {
    const prop = props.get(nameKey(name));
    if (prop) found.push({ name, value: prop.value() });
    else missing.push({ name, value: null });
  }
  return [
    { status: 200, values: found },
    { status: 404, values: missing },
  ];
}

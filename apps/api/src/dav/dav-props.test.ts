/**
 * objectAnswers writes thousands of objects' answers from one template: it must write exactly what answering each
 * object through its property table does, whatever the request asks for and whatever the values hold.
 */
import { describe, expect, it } from 'vitest';
import { answerProps, objectAnswers, objectProps, type PropRequest } from './dav-props.js';
import { NS, responseXml } from './dav-xml.js';

const requests: PropRequest[] = [
  { kind: 'allprop' },
  { kind: 'propname' },
  {
    kind: 'prop',
    names: [
      { ns: NS.dav, name: 'resourcetype' },
      { ns: NS.dav, name: 'getcontenttype' },
      { ns: NS.dav, name: 'getetag' },
    ],
  },
  {
    kind: 'prop',
    names: [
      { ns: NS.dav, name: 'getetag' },
      { ns: NS.caldav, name: 'calendar-data' },
      { ns: NS.dav, name: 'getcontentlength' },
      { ns: 'urn:x-unknown', name: 'color' },
      { ns: NS.dav, name: 'displayname' },
    ],
  },
];

const objects = [
  { name: 'plain.ics', uid: 'plain', etag: '"12"' },
  {
    name: 'text.ics',
    uid: 'text',
    etag: '"7"',
    ics: 'BEGIN:VCALENDAR\r\nSUMMARY:Tea & "cake" <3 — Grüße\r\nEND:VCALENDAR\r\n',
  },
  { name: 'empty.ics', uid: 'empty', etag: '"1"', ics: '' },
];

describe('objectAnswers', () => {
  it('writes what each object answered on its own writes, for every kind of request and value', () => {
    for (const component of ['VEVENT', 'VTODO'] as const) {
      for (const request of requests) {
        const answer = objectAnswers(request, component);
        for (const object of objects) {
          const href = `/dav/calendars/ann/events/${encodeURIComponent(object.name)}?a=1&b="2"`;
          const expected = responseXml({ href, props: answerProps(objectProps(object, component), request) });
          expect(answer(href, object)).toBe(expected);
        }
      }
    }
  });

  it("escapes an object's text in its answer and gives its length in octets", () => {
    const answer = objectAnswers(requests[3] as PropRequest, 'VEVENT');
    const text = answer('/x', objects[1] as (typeof objects)[1]);
    expect(text).toContain('Tea &amp; &quot;cake&quot; &lt;3');
    expect(text).toContain(`<d:getcontentlength>${Buffer.byteLength(objects[1]?.ics ?? '')}</d:getcontentlength>`);
    expect(text).toContain('<d:propstat><d:prop><color xmlns="urn:x-unknown"/><d:displayname/></d:prop>');
  });
});

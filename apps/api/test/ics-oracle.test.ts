/**
 * Life OS's occurrences of real calendar files against two implementations it does not use: Debian's
 * python3-recurring-ical-events ("rie") and libical (scripts/ical-oracle.py). Every UID of every fixture must give
 * the same occurrences (instants, or dates for all-day events) over the fixture's window as the references. Where
 * the references disagree, or one cannot read an event, FOLLOWS says which one Life OS follows and why; where Life
 * OS refuses an event, REFUSED says why. Anything else that differs fails, naming the occurrences. Then Life OS's
 * export of the same events is read by both references, which must find exactly Life OS's occurrences in it.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestServer, type TestServer } from './harness.js';
import {
  askOracle,
  byUid,
  lifeOsOccurrences,
  type OracleAnswer,
  type OracleQuestion,
  type Reference,
  WINDOWS,
} from './ics-oracle.js';

const FIXTURES = fileURLToPath(new URL('../../../packages/core/src/calendar/fixtures/', import.meta.url));
/** Hand-written files for what the real-world fixtures do not show (see ics-cases/README.md). */
const CASES = fileURLToPath(new URL('./ics-cases/', import.meta.url));

/**
 * Where the references part ways (or one cannot read the event), the one Life OS follows, and why. A UID not listed
 * here must match both references, or the one that can read it.
 */
const FOLLOWS: Record<string, Record<string, { reference: Reference; why: string }>> = {
  'apple-ical-mixed-monthly-bysetpos-malformed.ics': {
    '20030425T023455Z-5454-500-1-0@lbt-laplinux.voiping.com': {
      reference: 'libical',
      why:
        'TZID "/softwarestudio.org/Olson_20011030_5/America/Chicago" names America/Chicago (old Evolution exports); ' +
        'rie does not resolve it and reads the times as floating, in X-WR-TIMEZONE (US/Pacific); libical, given the ' +
        'Olson name as it strips its own such prefix, reads America/Chicago',
    },
    'D9040425-RID': {
      reference: 'libical',
      why: 'TZID=US/Eastern without a VTIMEZONE and a DURATION: rie answers nothing for it, libical the series',
    },
  },
  'outlook-exchange-windows-tzid.ics': {
    '111': {
      reference: 'rie',
      why:
        'an all-day series with a UTC UNTIL (Exchange writes local midnight of the last day, 2024-07-28T23:00Z in ' +
        'London): rie keeps 2024-07-29 as Outlook shows it; libical compares UNTIL with the day in UTC and drops it, ' +
        'and also ignores an EXDATE with a TZID against all-day dates, which rie applies',
    },
    '040000008200E00074C5B7101A82E00800000000C41E94C5B4F3DA010000000000000000100000007EA1D0AA9DB96545A536FABC0B0C1F5A':
      { reference: 'rie', why: 'the same all-day series as UID 111' },
  },
  'rdate-exdate-daily-count.ics': {
    '123': {
      reference: 'libical',
      why:
        'EXDATE;VALUE=DATE against a DATE-TIME series: RFC 5545 requires the same value type, so it is ambiguous; ' +
        'libical removes the occurrence on that day, rie keeps it. Life OS follows libical, as the issue asks',
    },
  },
  'thunderbird-moved-occurrences.ics': {
    'a0c78729-30b1-4ba3-a86e-6aedd995d788': {
      reference: 'rie',
      why:
        'two overrides carry both DTEND and DURATION:PT0S (RFC 5545 allows only one): rie takes DTEND, libical the ' +
        "zero DURATION; Thunderbird, which wrote them, shows the DTEND, and it is the event's own length",
    },
  },
};

/** Events Life OS refuses (and reports), with the words the report must use. */
const REFUSED: Record<string, Record<string, string>> = {
  'exdate-single.ics': {
    // Its one date is excepted: no occurrence, for both references too; said rather than shown or dropped silently.
    'single-excluded@lifeos.test': 'Its only date is an exception (EXDATE)',
  },
  'apple-ical-mixed-monthly-bysetpos-malformed.ics': {
    // `DTEND;VALUE=DATE-TIME:20031114T18300`: a five-digit time; rie reads it as 01:00 the next day, libical drops
    // the DTEND. Neither is what the author wrote, so the event is reported with its line instead.
    '20030822T181536Z-23921-100-1-13@walker': 'DTEND;VALUE=DATE-TIME:20031114T18300',
  },
  'google-busycal-invalid-rrule.ics': {
    // `RRULE:RRULE:AnythingRandom;FREQ=WEEKLY…`: rie skips the junk and repeats weekly, libical drops the rule and
    // keeps one occurrence. A rule nobody can be sure of is reported with its line, not guessed.
    '11le1ep09hvog7dbotn6foj38e@google.com': 'RRULE:RRULE:AnythingRandom',
  },
  'outlook-exchange-many-windows-timezones.ics': {
    // `DTSTART;TZID="W. Europe Standard Time:20200609T090000"`: the value is swallowed by the quoted parameter;
    // neither reference can read it either.
    '040000008200E00074C5B7101A82E008000000008001F1896B63D3010000000000000000100000005D0552D848712746896D6C8E2E066560':
      'DTSTART;TZID="W. Europe Standard Time:20200609T090000"',
  },
};

/**
 * Where neither reference implements what RFC 5545 says, the occurrences worked out by hand from the RFC, and why.
 */
const BY_HAND: Record<string, Record<string, { why: string; occurrences: string[] }>> = {
  'thisandfuture.ics': {
    'moved-later@lifeos.test': {
      why:
        'RANGE=THISANDFUTURE (§3.8.4.4): from 5 February on every occurrence moves from 09:00 to 14:30 Berlin and ' +
        "lasts 90 minutes; the exception of 19 February stays excepted; COUNT=10 still counts it. Debian's " +
        "recurring-ical-events 2.0.1 and libical's expansion apply the override to its own occurrence only",
      occurrences: [
        '2024-01-08T08:00:00Z → 2024-01-08T09:00:00Z',
        '2024-01-15T08:00:00Z → 2024-01-15T09:00:00Z',
        '2024-01-22T08:00:00Z → 2024-01-22T09:00:00Z',
        '2024-01-29T08:00:00Z → 2024-01-29T09:00:00Z',
        '2024-02-05T13:30:00Z → 2024-02-05T15:00:00Z',
        '2024-02-12T13:30:00Z → 2024-02-12T15:00:00Z',
        '2024-02-26T13:30:00Z → 2024-02-26T15:00:00Z',
        '2024-03-04T13:30:00Z → 2024-03-04T15:00:00Z',
        '2024-03-11T13:30:00Z → 2024-03-11T15:00:00Z',
      ],
    },
  },
};

let server: TestServer;
let exportDir: string;
beforeAll(async () => {
  server = await startTestServer();
  exportDir = mkdtempSync(join(tmpdir(), 'lifeos-oracle-export-'));
});
afterAll(() => server.close());

const files = [
  ...readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.ics'))
    .map((name) => ({ name, path: FIXTURES + name })),
  ...readdirSync(`${FIXTURES}valarm/`)
    .filter((name) => name.endsWith('.ics'))
    .map((name) => ({ name, path: `${FIXTURES}valarm/${name}` })),
  ...readdirSync(CASES)
    .filter((name) => name.endsWith('.ics'))
    .map((name) => ({ name, path: CASES + name })),
];

/** What a file gave: Life OS's import report and occurrences, and the references' answers on the file and on its export. */
interface Outcome {
  report: { skipped: { uid: string | null; reason: string }[] };
  ours: Map<string, string[]>;
  raw: Map<string, string[]>;
  rie: OracleAnswer;
  libical: OracleAnswer;
  rieAgain: OracleAnswer;
  libicalAgain: OracleAnswer;
  exportProblems: string[];
}
const outcomes = new Map<string, Outcome>();

/**
 * Every file imported (each by its own user), read back and exported first, then all the references' questions in
 * one process: starting Python with the references takes about as long as answering a file.
 */
beforeAll(async () => {
  const questions: OracleQuestion[] = [];
  const pending: {
    file: string;
    report: Outcome['report'];
    ours: Map<string, string[]>;
    raw: Map<string, string[]>;
  }[] = [];
  for (const [index, { name: file, path }] of files.entries()) {
    const [fromDay, toDay] = WINDOWS[file] ?? ['2020-01-01', '2021-01-01'];
    const from = new Date(`${fromDay}T00:00:00Z`);
    const to = new Date(`${toDay}T00:00:00Z`);
    const user = await createUser(server, {
      username: `oracle${index}`,
      email: `oracle${index}@example.com`,
      password: 'a long enough password',
    });
    const me = await user.client.auth.me.query();
    const zone = (await user.client.settings.get.query()).timezone;
    const text = readFileSync(path, 'utf8');
    const report = await user.client.calendar.importIcs.mutate({ ics: text });
    const fileUids = new Set(
      [...text.replace(/\r?\n[ \t]/g, '').matchAll(/^UID:(.*)$/gm)].map((m) => (m[1] ?? '').trim()),
    );
    // A series Life OS split at a THISANDFUTURE override carries on as `<uid>_R<recurrence-id>Z`: it is compared
    // as the file's UID.
    const asFileUid = (uid: string) => {
      const base = uid.replace(/_R\d{8}T\d{6}Z$/, '');
      return fileUids.has(uid) || !fileUids.has(base) ? uid : base;
    };
    const found = await lifeOsOccurrences(server, user, me.id, from, to);
    const exported = `${exportDir}/${file.replace(/\.ics$/, '')}.exported.ics`;
    writeFileSync(exported, (await user.client.calendar.exportIcs.query()).ics);
    pending.push({
      file,
      report,
      ours: byUid(found.map((o) => ({ ...o, uid: asFileUid(o.uid) }))),
      raw: byUid(found),
    });
    for (const [source, reference] of [
      [path, 'rie'],
      [path, 'libical'],
      [exported, 'rie'],
      [exported, 'libical'],
    ] as const) {
      questions.push({ file: source, from, to, reference, floatingZone: zone });
    }
    questions.push({ validate: exported });
  }
  const answers = await askOracle(questions);
  pending.forEach((p, i) => {
    const [rie, libical, rieAgain, libicalAgain, validation] = answers.slice(i * 5, i * 5 + 5) as [
      OracleAnswer,
      OracleAnswer,
      OracleAnswer,
      OracleAnswer,
      { problems: string[] },
    ];
    outcomes.set(p.file, { ...p, rie, libical, rieAgain, libicalAgain, exportProblems: validation.problems });
  });
}, 300_000);

describe('calendar files against independent references', () => {
  it('has a window for every fixture', () => {
    expect(Object.keys(WINDOWS).sort()).toEqual(files.map((f) => f.name).sort());
  });

  for (const { name: file } of files) {
    it(`${file}: the same occurrences as rie and libical`, () => {
      const outcome = outcomes.get(file);
      if (!outcome) throw new Error(`${file} was not prepared`);
      const { report, ours, rie, libical } = outcome;
      const answers = { rie: byUid(rie.occurrences), libical: byUid(libical.occurrences) };
      const unreadable = {
        rie: new Set(rie.unreadable.map((u) => u.uid)),
        libical: new Set(libical.unreadable.map((u) => u.uid)),
      };
      const refused = REFUSED[file] ?? {};
      const follows = FOLLOWS[file] ?? {};

      const problems: string[] = [];
      const uids = new Set([...ours.keys(), ...answers.rie.keys(), ...answers.libical.keys(), ...Object.keys(refused)]);
      for (const uid of uids) {
        const mine = ours.get(uid) ?? [];
        if (refused[uid] !== undefined) {
          const skip = report.skipped.find((s) => s.uid === uid.slice(0, 200));
          if (!skip) problems.push(`${uid}: expected to be refused, but imported`);
          else if (!skip.reason.includes(refused[uid])) problems.push(`${uid}: refused as "${skip.reason}"`);
          if (mine.length > 0) problems.push(`${uid}: refused, yet ${mine.length} occurrences`);
          continue;
        }
        const byHand = BY_HAND[file]?.[uid];
        if (byHand) {
          const expected = [...byHand.occurrences].sort();
          if (JSON.stringify(mine) !== JSON.stringify(expected)) {
            problems.push(`${uid}: ${JSON.stringify(mine)}, by hand (RFC 5545) ${JSON.stringify(expected)}`);
          }
          continue;
        }
        const readers = (['rie', 'libical'] as const).filter((r) => !unreadable[r].has(uid));
        const chosen = follows[uid]?.reference;
        const judges = chosen ? [chosen] : readers;
        if (judges.length === 0) problems.push(`${uid}: no reference can read it; say what Life OS follows`);
        for (const reference of judges) {
          const expected = answers[reference].get(uid) ?? [];
          if (JSON.stringify(mine) === JSON.stringify(expected)) continue;
          const extra = mine.filter((k) => !expected.includes(k)).slice(0, 3);
          const missing = expected.filter((k) => !mine.includes(k)).slice(0, 3);
          problems.push(
            `${uid}: ${mine.length} occurrences, ${reference} ${expected.length}` +
              (extra.length ? `; only Life OS: ${extra.join(', ')}` : '') +
              (missing.length ? `; only ${reference}: ${missing.join(', ')}` : ''),
          );
        }
        if (!chosen && readers.length === 2) {
          const [a, b] = [answers.rie.get(uid) ?? [], answers.libical.get(uid) ?? []];
          if (JSON.stringify(a) !== JSON.stringify(b))
            problems.push(`${uid}: rie and libical disagree; add it to FOLLOWS`);
        }
      }
      expect(problems).toEqual([]);
    });

    it(`${file}: Life OS's export validates and reads back the same in rie and libical`, () => {
      const outcome = outcomes.get(file);
      if (!outcome) throw new Error(`${file} was not prepared`);
      const { raw, rieAgain, libicalAgain } = outcome;
      const again = { rie: byUid(rieAgain.occurrences), libical: byUid(libicalAgain.occurrences) };
      const problems = [
        ...[...rieAgain.unreadable, ...libicalAgain.unreadable].map(
          (u) => `${u.uid}: a reference cannot read the export: ${u.reason}`,
        ),
        ...outcome.exportProblems.map((p) => `the export does not validate: ${p}`),
      ];
      for (const uid of new Set([...raw.keys(), ...again.rie.keys(), ...again.libical.keys()])) {
        for (const reference of ['rie', 'libical'] as const) {
          const theirs = again[reference].get(uid) ?? [];
          const mine = raw.get(uid) ?? [];
          if (JSON.stringify(theirs) === JSON.stringify(mine)) continue;
          problems.push(
            `${uid}: Life OS ${mine.length}, ${reference} on the export ${theirs.length}; only Life OS: ${mine
              .filter((k) => !theirs.includes(k))
              .slice(0, 2)}; only ${reference}: ${theirs.filter((k) => !mine.includes(k)).slice(0, 2)}`,
          );
        }
      }
      expect(problems).toEqual([]);
    });
  }
});

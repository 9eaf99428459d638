/**
 * Journal-like English prose from faker's word lists, with the number of words known as it is written.
 *
 * Why count while writing: it costs nothing here, and the seed's budget is tight on a busy machine. The vocabulary
 * is plain ASCII letters joined by spaces and sentence punctuation only (no hyphens, apostrophes or digits), where a
 * word-like segment is exactly a space-separated token; the generator checks a sample of entries against the
 * journal rules' entryWordCount to keep that claim honest.
 */
import type { Faker } from '@faker-js/faker';

export interface Words {
  text: string;
  words: number;
}

const OPENERS = [
  'I',
  'Today I',
  'This morning I',
  'Yesterday I',
  'Again I',
  'Lately I',
  'Sometimes I',
  'Honestly I',
  'We',
  'My brain',
  'The team',
  'My body',
  'Part of me',
];

const PHRASES = [
  'I woke up before the alarm and lay there listening to the rain',
  'The coffee was too strong but I drank it anyway',
  'There is a lot on my plate this week and I want to slow down',
  'I keep coming back to the same question about work',
  'The run yesterday felt easier than last week',
  'I should call my sister tonight',
  'My shoulders are tight from sitting all day',
  'Nothing much to say so I will just keep writing',
  'The house is quiet and the light is soft',
  'I am grateful for a slow start to the day',
  'I want to finish the draft before lunch',
  'The garden needs attention after the storm',
  'I noticed how much better I feel after a walk',
  'There was a moment of real focus in the afternoon',
  'I said yes to too many things again',
  'Sleep was patchy and my head feels heavy',
  'I am trying to be kinder to myself about the pace',
  'The meeting went better than I expected',
  'I miss the long summer evenings',
  'Reading before bed helped more than I thought',
  'I want to cook something proper tonight',
  'The training plan is working and the numbers are going up',
  'I worry less when I write things down',
  'This page is just for me and that is the point',
];

const ITEMS = [
  'finished the report early',
  'went for a long walk at lunch',
  'cooked dinner from scratch',
  'hit a new best on the squat',
  'slept eight hours',
  'called an old friend',
  'cleared the inbox',
  'fixed the leaking tap',
  'read for an hour',
  'said no to an extra meeting',
  'helped a colleague with a bug',
  'kept the phone out of the bedroom',
  'too many meetings',
  'felt tired after lunch',
  'skipped the workout',
  'got distracted by the news',
  'argued about something small',
  'stayed up too late',
  'the weather',
  'good coffee',
  'my family',
  'a quiet evening',
  'sunshine on the balcony',
  'a kind message from a friend',
  'health',
  'the team',
  'a good book',
];

const FOCUS = [
  'ship the draft',
  'train legs',
  'deep work before noon',
  'plan the week',
  'call the bank',
  'rest and recover',
  'finish the slides',
  'tidy the flat',
  'write the proposal',
  'long run',
];

/** faker's English word lists, limited to plain lower-case letters (see the note at the top). */
function plain(list: readonly string[]): string[] {
  return list.filter((word) => /^[a-z]+$/.test(word));
}

export function createTextGenerator(faker: Faker) {
  const nouns = plain(faker.definitions.word.noun);
  const verbs = plain(faker.definitions.word.verb);
  const adjectives = plain(faker.definitions.word.adjective);
  const adverbs = plain(faker.definitions.word.adverb);
  const prepositions = plain(faker.definitions.word.preposition);
  const pick = <T>(list: readonly T[]): T => faker.helpers.arrayElement(list);
  const chance = (p: number) => faker.number.float() < p;

  /** One sentence without its final punctuation, and its word count. */
  function clause(): Words {
    if (chance(0.3)) {
      const text = pick(PHRASES);
      return { text, words: text.split(' ').length };
    }
    const parts = [pick(OPENERS), pick(verbs)];
    if (chance(0.5)) parts.push(pick(['the', 'a', 'my', 'this', 'that']));
    if (chance(0.6)) parts.push(pick(adjectives));
    parts.push(pick(nouns));
    if (chance(0.4)) parts.push(pick(prepositions), pick(['the', 'my', 'our']), pick(nouns));
    if (chance(0.3)) parts.push(pick(adverbs));
    const text = parts.join(' ');
    return { text, words: text.split(' ').length };
  }

  function sentence(): Words {
    const first = clause();
    let { text, words } = first;
    if (chance(0.25)) {
      const second = clause();
      text = `${text}, and ${second.text.charAt(0).toLowerCase()}${second.text.slice(1)}`;
      words += second.words + 1;
    }
    return { text: `${text.charAt(0).toUpperCase()}${text.slice(1)}${pick(['.', '.', '.', '!', '?'])}`, words };
  }

  /** Paragraphs of sentences until about `target` words. */
  function prose(target: number): Words {
    const paragraphs: string[] = [];
    let words = 0;
    while (words < target) {
      const sentences: string[] = [];
      const length = faker.number.int({ min: 3, max: 8 });
      for (let i = 0; i < length && words < target; i++) {
        const s = sentence();
        sentences.push(s.text);
        words += s.words;
      }
      paragraphs.push(sentences.join(' '));
    }
    return { text: paragraphs.join('\n\n'), words };
  }

  /** A short list item (a win, a lesson…). */
  function item(): Words {
    const text = chance(0.6) ? pick(ITEMS) : clause().text.toLowerCase();
    return { text, words: text.split(' ').length };
  }

  function focus(): Words {
    const text = pick(FOCUS);
    return { text, words: text.split(' ').length };
  }

  /** A task or event title: a few capitalised words. */
  function title(min = 2, max = 5): string {
    const count = faker.number.int({ min, max });
    const words = [pick(verbs), ...Array.from({ length: count - 1 }, () => pick(chance(0.4) ? adjectives : nouns))];
    const text = words.join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
  }

  return { prose, sentence, item, focus, title, pick, chance };
}

export type TextGenerator = ReturnType<typeof createTextGenerator>;

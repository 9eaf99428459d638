import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Highlight } from './highlight';

const html = (text: string, matches: { start: number; end: number }[]) =>
  render(
    <p>
      <Highlight snippet={{ text, matches }} />
    </p>,
  ).container.innerHTML;

describe('Highlight', () => {
  it('wraps each match in <mark>', () => {
    expect(html('walk to the harbour at dawn', [{ start: 12, end: 19 }])).toBe(
      '<p>walk to the <mark>harbour</mark> at dawn</p>',
    );
    expect(
      html('one two one', [
        { start: 8, end: 11 },
        { start: 0, end: 3 },
      ]),
    ).toBe('<p><mark>one</mark> two <mark>one</mark></p>');
  });

  it('shows markup in the text as text, and skips ranges that overlap or fall outside', () => {
    expect(html('<b>bold</b> & <script>', [{ start: 3, end: 7 }])).toBe(
      '<p>&lt;b&gt;<mark>bold</mark>&lt;/b&gt; &amp; &lt;script&gt;</p>',
    );
    expect(
      html('abcdef', [
        { start: 0, end: 4 },
        { start: 2, end: 5 },
        { start: 5, end: 99 },
        { start: 3, end: 3 },
      ]),
    ).toBe('<p><mark>abcd</mark>ef</p>');
  });
});

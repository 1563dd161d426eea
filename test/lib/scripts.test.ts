import { describe, expect, it } from 'vitest';
import { describeMix, scriptMix, scriptsOf } from '../../console/src/scripts';

describe('console: addresses that mix scripts', () => {
  it.each([
    ['a Cyrillic а in a Latin local part', 'p\u0430ypal@example.com', 'local part', ['Latin', 'Cyrillic']],
    ['a Cyrillic о in a Latin domain label', 'ada@g\u043Eogle.com', 'domain label “gоogle”', ['Latin', 'Cyrillic']],
    ['a Greek ο in a Latin local part', 'b\u03BFb@example.com', 'local part', ['Latin', 'Greek']],
    ['Cyrillic with Greek', '\u0430\u03B1@example.com', 'local part', ['Cyrillic', 'Greek']],
    ['Latin with Armenian', 'g\u0585@example.com', 'local part', ['Latin', 'Armenian']],
    ['Latin with Cherokee', '\u13A0da@example.com', 'local part', ['Cherokee', 'Latin']],
  ])('marks %s', (_, address, part, scripts) => {
    expect(scriptMix(address)).toEqual({ part, scripts });
  });

  it.each([
    ['plain ASCII', 'ada.lovelace+news@example.com'],
    ['accents and digits', 'josé.müller99@exämple.de'],
    ['a Cyrillic address', 'иван@почта.рф'],
    ['a Latin name at a Cyrillic domain', 'ivan@почта.рф'],
    ['Japanese with Latin', 'taro山田たろうタロウ@example.jp'],
    ['Korean with Latin', 'kim김@example.kr'],
    ['Greek', 'νίκος@παράδειγμα.gr'],
  ])('leaves %s unmarked', (_, address) => {
    expect(scriptMix(address)).toBeUndefined();
  });

  it('ignores digits, punctuation and combining marks, and names every script it found', () => {
    expect(scriptsOf('a-1_b.c\u0301')).toEqual(['Latin']);
    expect(describeMix({ part: 'local part', scripts: ['Latin', 'Cyrillic', 'Greek'] })).toBe(
      'Mixed scripts: the local part mixes Latin, Cyrillic and Greek letters, as look-alikes of other addresses do',
    );
  });
});

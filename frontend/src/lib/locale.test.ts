import { describe, expect, it } from 'vitest';
import { fixNavigatorLanguage, usableLanguage } from './locale';

describe('locale', () => {
  it('keeps usable tags and replaces POSIX names Intl refuses', () => {
    expect(usableLanguage('en-GB')).toBe('en-GB');
    expect(usableLanguage('de_DE.UTF-8')).toBe('de-DE');
    expect(usableLanguage('C')).toBe('en-US');
    expect(usableLanguage('')).toBe('en-US');
  });

  it('makes navigator.language usable by Intl (WebKitGTK under LANG=C reports "C")', () => {
    const nav = Object.create(navigator) as Navigator;
    Object.defineProperty(nav, 'language', { configurable: true, get: () => 'C' });
    expect(() => new Intl.NumberFormat(nav.language)).toThrow(RangeError);
    fixNavigatorLanguage(nav);
    expect(nav.language).toBe('en-US');
    expect(() => new Intl.NumberFormat(nav.language)).not.toThrow();
  });
});

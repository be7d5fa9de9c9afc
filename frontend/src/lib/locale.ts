// WebKitGTK passes the POSIX locale through as navigator.language, so a
// machine with LANG=C (or unset, as on servers and in CI) reports "C" — not
// a BCP 47 tag. Libraries that build Intl formatters from it when they load
// (uPlot: `new Intl.NumberFormat(navigator.language)`) then throw a
// RangeError, and the whole window stays blank. main.ts imports this module
// first, so the language is made usable before any of them loads.

/** A usable BCP 47 tag for lang, or en-US when Intl refuses it. */
export function usableLanguage(lang: string | undefined): string {
  if (!lang) return 'en-US';
  try {
    return Intl.getCanonicalLocales(lang.replace(/[.@].*$/, '').replace(/_/g, '-'))[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

/** Replaces navigator.language (and languages) when Intl cannot use it. */
export function fixNavigatorLanguage(nav: Navigator = navigator): void {
  const lang = usableLanguage(nav.language);
  if (lang === nav.language) return;
  Object.defineProperty(nav, 'language', { configurable: true, get: () => lang });
  Object.defineProperty(nav, 'languages', { configurable: true, get: () => [lang] });
}

fixNavigatorLanguage();

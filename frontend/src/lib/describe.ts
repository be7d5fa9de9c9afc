// One hidden list of the definitions, at the end of the page, that labels
// point to with aria-describedby: each definition is in the page once,
// however many labels use it.

const LIST_ID = 'term-definitions';

/** Ensures the definition of key is in the list; returns its element id. */
export function describedBy(key: string, text: string): string {
  const id = `definition-${key}`;
  if (typeof document === 'undefined') return id;
  let list = document.getElementById(LIST_ID);
  if (!list) {
    list = document.createElement('div');
    list.id = LIST_ID;
    list.hidden = true;
    document.body.appendChild(list);
  }
  let el = document.getElementById(id);
  if (!el) {
    el = document.createElement('p');
    el.id = id;
    list.appendChild(el);
  }
  if (el.textContent !== text) el.textContent = text;
  return id;
}

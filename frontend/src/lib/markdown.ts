// A small Markdown renderer for the operator's guide that the window carries
// (docs/operators.md, compiled in): headings, paragraphs, lists, tables,
// fenced code, `code`, **bold**, *emphasis* and links. Everything is escaped first, so
// the output holds no markup the document did not ask for.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A heading's anchor, as GitHub makes it. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[`*]/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .trim()
    .replace(/ /g, '-');
}

function inline(s: string): string {
  const codes: string[] = [];
  let out = esc(s).replace(/`([^`]+)`/g, (_, c: string) => {
    codes.push(`<code>${c}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  out = out.replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>');
  out = out.replace(/(^|[^*\w])\*([^*\s][^*]*?)\*(?![*\w])/g, '$1<em>$2</em>');
  out = out.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, text: string, href: string) =>
    href.startsWith('#') ? `<a href="${href}">${text}</a>` : `${text} (${href})`,
  );
  return out.replace(/\u0000(\d+)\u0000/g, (_, i: string) => codes[Number(i)]);
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

export function renderMarkdown(md: string): string {
  const lines = md.replace(/<!--[\s\S]*?-->/g, '').split('\n');
  const html: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) html.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const h = /^(#{1,4}) (.*)$/.exec(line);
    if (h) {
      flush();
      const n = h[1].length;
      html.push(`<h${n} id="${slug(h[2])}">${inline(h[2])}</h${n}>`);
    } else if (line.startsWith('```')) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !lines[i].startsWith('```')) code.push(lines[i]);
      html.push(`<pre><code>${esc(code.join('\n'))}</code></pre>`);
    } else if (line.startsWith('|')) {
      flush();
      const head = cells(line);
      i++; // the | --- | row
      const rows: string[][] = [];
      while (i + 1 < lines.length && lines[i + 1].startsWith('|')) rows.push(cells(lines[++i]));
      html.push(
        `<table><thead><tr>${head.map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>` +
          rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('') +
          '</tbody></table>',
      );
    } else if (/^\s*[-*] /.test(line)) {
      flush();
      const items: string[] = [];
      let cur = line.replace(/^\s*[-*] /, '');
      while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]) && !/^\s*[-*] /.test(lines[i + 1]))
        cur += ' ' + lines[++i].trim();
      items.push(cur);
      while (i + 1 < lines.length && /^\s*[-*] /.test(lines[i + 1])) {
        cur = lines[++i].replace(/^\s*[-*] /, '');
        while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]) && !/^\s*[-*] /.test(lines[i + 1]))
          cur += ' ' + lines[++i].trim();
        items.push(cur);
      }
      html.push(`<ul>${items.map((it) => `<li>${inline(it)}</li>`).join('')}</ul>`);
    } else if (line.trim() === '') {
      flush();
    } else {
      para.push(line.trim());
    }
  }
  flush();
  return html.join('\n');
}

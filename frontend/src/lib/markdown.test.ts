import { describe, expect, it } from 'vitest';
import { renderMarkdown, slug } from './markdown';

describe('renderMarkdown', () => {
  it('renders the guide’s headings, tables, lists, code and links', () => {
    const html = renderMarkdown(
      '# Guide\n\nSee *below* and [the gap](#how-to-read-a-gap) or [x](https://example.com).\n\n| a | b |\n| --- | --- |\n| `x` | **y** |\n\n- one\n  more\n- two\n\n```\n<raw>\n```\n',
    );
    expect(html).toContain('<h1 id="guide">Guide</h1>');
    expect(html).toContain('<a href="#how-to-read-a-gap">the gap</a>');
    expect(html).toContain('x (https://example.com)');
    expect(html).toContain(
      '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td><code>x</code></td><td><b>y</b></td></tr></tbody></table>',
    );
    expect(html).toContain('<ul><li>one more</li><li>two</li></ul>');
    expect(html).toContain('<pre><code>&lt;raw&gt;</code></pre>');
    expect(html).toContain('See <em>below</em> and');
    expect(renderMarkdown('about *g × r* ticks, 2 * 3 * 4')).toBe('<p>about <em>g × r</em> ticks, 2 * 3 * 4</p>');
  });

  it('escapes markup and drops comments', () => {
    const html = renderMarkdown('<!-- hidden -->\n<img src=x onerror=alert(1)> & `<b>`');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('hidden');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; <code>&lt;b&gt;</code>');
  });

  it('makes GitHub’s anchors', () => {
    expect(slug('How to read a gap')).toBe('how-to-read-a-gap');
    expect(slug('Latency: provider → Redis and Redis → screen')).toBe('latency-provider--redis-and-redis--screen');
  });
});

import { describe, expect, it } from 'vitest';
import doc from '../../../docs/operators.md?raw';
import { METRICS, STATUSES, metricsMarkdown, statusesMarkdown, withGenerated } from './definitions';
import { STATUS_WORDS } from './types';

const env = (globalThis as unknown as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

describe('definitions', () => {
  it('docs/operators.md carries exactly the definitions the window shows', async () => {
    const want = withGenerated(withGenerated(doc, 'metrics', metricsMarkdown()), 'statuses', statusesMarkdown());
    if (env.UPDATE_DOCS) {
      const fs = 'node:fs';
      const { writeFileSync } = await import(/* @vite-ignore */ fs);
      writeFileSync('../docs/operators.md', want); // vitest runs in frontend/
      return;
    }
    // On failure: UPDATE_DOCS=1 npx vitest run src/lib/definitions.test.ts
    expect(doc).toBe(want);
  });

  it('every figure in the docs table is a definition of the window, and the reverse', () => {
    if (env.UPDATE_DOCS) return; // the document read here is the one before the update
    const keys = [...doc.matchAll(/^\| [^|]+ \| `([a-z0-9_]+)` \| /gm)].map((m) => m[1]);
    expect(keys.sort()).toEqual(Object.keys(METRICS).sort());
  });

  it('every status word of the contract says what it means and what to do', () => {
    expect(Object.keys(STATUSES).sort()).toEqual([...STATUS_WORDS].sort());
    for (const d of Object.values(STATUSES)) {
      expect(d.meaning.length).toBeGreaterThan(20);
      expect(d.action.length).toBeGreaterThan(10);
    }
  });

  it('every definition says what is counted and is more than its label', () => {
    for (const [key, d] of Object.entries(METRICS)) {
      expect(d.text.length, key).toBeGreaterThan(60);
      expect(d.text, key).not.toContain('|'); // would break the docs table
    }
  });

  it('the troubleshooting table covers the failures operators meet', () => {
    for (const f of [
      'auth_failed',
      'max_connections',
      'Redis gap',
      'unassigned',
      'silent ticker in market hours',
      'skewed clock',
      '403',
    ])
      expect(doc, f).toContain(f);
    expect(doc).toContain('## How to read a gap');
  });
});

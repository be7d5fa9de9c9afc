// Adds up the results of every stage of `make test` into one closing line,
// "N passed, N failed", preceded by the Go test summary.
//   node scripts/tally.mjs <results-dir>
// The results dir holds go-test.json (go test -json), vitest.json (Vitest's
// JSON reporter), e2e.xml (node --test, JUnit reporter) and checks.txt (lines
// "PASS name" / "FAIL name: why").
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'build/test-results';
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

const goFile = join(dir, 'go-test.json');
let goSummary = 'Go tests: not run';
if (existsSync(goFile)) {
  let gp = 0, gf = 0, gs = 0;
  for (const line of readFileSync(goFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    let ev;
    try { ev = JSON.parse(line); } catch { continue; }
    if (!ev.Test) {
      // A package that fails to build or panics outside a test still fails.
      if (ev.Action === 'fail') { gf++; failures.push(`go: ${ev.Package} (package)`); }
      continue;
    }
    if (ev.Action === 'pass') gp++;
    else if (ev.Action === 'fail') { gf++; failures.push(`go: ${ev.Package} ${ev.Test}`); }
    else if (ev.Action === 'skip') gs++;
  }
  passed += gp; failed += gf; skipped += gs;
  goSummary = `Go tests: ${gp} passed, ${gf} failed, ${gs} skipped`;
}

const vtFile = join(dir, 'vitest.json');
if (existsSync(vtFile)) {
  const v = JSON.parse(readFileSync(vtFile, 'utf8'));
  passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests ?? 0;
  for (const f of v.testResults ?? []) for (const a of f.assertionResults ?? []) if (a.status === 'failed') failures.push(`vitest: ${a.fullName}`);
}

// Node's test runner (end-to-end tests), JUnit reporter: its closing comments.
const e2eFile = join(dir, 'e2e.xml');
if (existsSync(e2eFile)) {
  const x = readFileSync(e2eFile, 'utf8');
  const count = (k) => Number(x.match(new RegExp(`<!-- ${k} (\\d+) -->`))?.[1] ?? 0);
  const bad = count('fail') + count('cancelled');
  passed += count('pass'); failed += bad; skipped += count('skipped');
  if (bad) failures.push(`e2e: ${bad} failed or cancelled (see the spec output above)`);
}

const ckFile = join(dir, 'checks.txt');
if (existsSync(ckFile)) {
  for (const line of readFileSync(ckFile, 'utf8').split('\n')) {
    if (line.startsWith('PASS ')) passed++;
    else if (line.startsWith('FAIL ')) { failed++; failures.push(line.slice(5)); }
  }
}

for (const f of failures.slice(0, 30)) console.log(`FAILED ${f}`);
console.log(goSummary);
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed > 0 ? 1 : 0);

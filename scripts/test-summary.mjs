// Runs the README's test command (`npm test`), streams its output, then prints one closing line
// that adds up every vitest run: "Tests: N passed, N failed, N skipped". Exits with npm test's code.
import { spawn } from 'node:child_process';

const child = spawn('npm', ['test', '--', '--continue'], { stdio: ['ignore', 'pipe', 'pipe'] });
let passed = 0;
let failed = 0;
let skipped = 0;
let files = 0;
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const strip = (s) => s.replace(ansi, '');
function scan(chunk, out) {
  out.write(chunk);
  for (const line of strip(chunk.toString()).split('\n')) {
    const m = line.match(/Tests\s+(.*)\((\d+)\)\s*$/);
    if (!m || !/passed|failed|skipped/.test(m[1])) continue;
    files++;
    passed += Number(m[1].match(/(\d+) passed/)?.[1] ?? 0);
    failed += Number(m[1].match(/(\d+) failed/)?.[1] ?? 0);
    skipped += Number(m[1].match(/(\d+) skipped/)?.[1] ?? 0);
  }
}
child.stdout.on('data', (c) => scan(c, process.stdout));
child.stderr.on('data', (c) => scan(c, process.stderr));
child.on('close', (code) => {
  console.log(`\nvitest runs counted: ${files} (skipped tests are reported, never counted as passed)`);
  console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code ?? 1);
});

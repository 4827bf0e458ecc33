// Runs the README's test command (`npm test`), streams its output, then prints one closing line
// that adds up every vitest run: "Tests: N passed, N failed, N skipped". When a task fails, its last
// lines are printed again at the end, so that the reason is beside the summary and not lost among
// the other tasks' interleaved output. Exits with npm test's code.
import { spawn } from 'node:child_process';

const child = spawn('npm', ['test', '--', '--continue'], { stdio: ['ignore', 'pipe', 'pipe'] });
let passed = 0;
let failed = 0;
let skipped = 0;
let files = 0;
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const strip = (s) => s.replace(ansi, '');
/** The last lines of each task's output, by turbo's prefix ("@tessera/core:test"). */
const tails = new Map();
const keep = 60;
const pending = { stdout: '', stderr: '' };
function remember(line) {
  const m = line.match(/^(@[\w.-]+\/[\w.-]+):([\w:-]+): ?(.*)$/);
  if (!m) return;
  const key = `${m[1]}#${m[2]}`;
  const tail = tails.get(key) ?? [];
  tail.push(m[3]);
  if (tail.length > keep) tail.shift();
  tails.set(key, tail);
}
function scan(chunk, out, name) {
  out.write(chunk);
  const text = pending[name] + strip(chunk.toString());
  const lines = text.split('\n');
  pending[name] = lines.pop() ?? '';
  for (const line of lines) {
    remember(line);
    const m = line.match(/Tests\s+(.*)\((\d+)\)\s*$/);
    if (!m || !/passed|failed|skipped/.test(m[1])) continue;
    files++;
    passed += Number(m[1].match(/(\d+) passed/)?.[1] ?? 0);
    failed += Number(m[1].match(/(\d+) failed/)?.[1] ?? 0);
    skipped += Number(m[1].match(/(\d+) skipped/)?.[1] ?? 0);
  }
}
/** Turbo's closing "Failed:    @tessera/x#test" lines name the failed tasks. */
const failedTasks = new Set();
function collectFailed(chunk) {
  for (const m of strip(chunk.toString()).matchAll(/Failed:\s+(@[\w.-]+\/[\w.-]+#[\w:-]+)/g)) failedTasks.add(m[1]);
}
child.stdout.on('data', (c) => {
  scan(c, process.stdout, 'stdout');
  collectFailed(c);
});
child.stderr.on('data', (c) => {
  scan(c, process.stderr, 'stderr');
  collectFailed(c);
});
child.on('close', (code) => {
  for (const task of failedTasks) {
    console.log(`\n--- last ${keep} lines of the failed task ${task} ---`);
    for (const line of tails.get(task) ?? ['(no output captured)']) console.log(line);
  }
  console.log(`\nvitest runs counted: ${files} (skipped tests are reported, never counted as passed)`);
  console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code ?? 1);
});

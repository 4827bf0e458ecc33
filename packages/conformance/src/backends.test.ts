import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { nodeGpu } from '@tessera/backend-node-gpu';
import { wasm } from '@tessera/backend-wasm';
import { type BackendPlugin, useBackend } from '@tessera/core';
import { getBackend } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCases, type CaseOutput, compareOutputs, missingKernels, runCase } from './index.js';

/**
 * The backend conformance suite: every case runs on every backend available here and is
 * compared with the cpu reference. Backends that cannot run here are listed as skipped with
 * the reason; cases needing kernels a backend lacks are skipped with the missing kernel names.
 */
const plugins: BackendPlugin[] = [cpu(), wasm(), node(), nodeGpu()];
const reference = new Map<string, CaseOutput>();
const skipped: string[] = [];

beforeAll(async () => {
  await useBackend(cpu());
  for (const c of allCases) reference.set(c.name, await runCase(c));
});

afterAll(() => {
  if (skipped.length) console.log(`conformance skips (not passes):\n  ${skipped.join('\n  ')}`);
});

const availability = await Promise.all(
  plugins.map(async (p) => ({ plugin: p, ok: await p.isAvailable(), why: p.unavailableReason ? await p.unavailableReason() : '' })),
);

for (const { plugin, ok, why } of availability) {
  if (!ok) {
    skipped.push(`backend ${plugin.name}: ${why}`);
    describe.skip(`backend ${plugin.name} (skipped: ${why})`, () => {
      it('conformance suite', () => {});
    });
    continue;
  }
  describe(`backend ${plugin.name}`, () => {
    beforeAll(async () => {
      await useBackend(plugin);
      expect(getBackend()).toBe(plugin.tfjsName ?? plugin.name);
    });
    for (const c of allCases) {
      it(c.name, async (ctx) => {
        await useBackend(plugin);
        const missing = missingKernels(c);
        if (missing.length) {
          skipped.push(`${plugin.name} ${c.name}: backend lacks ${missing.join(', ')}`);
          ctx.skip(`backend lacks ${missing.join(', ')}`);
          return;
        }
        const out = await runCase(c);
        const ref = reference.get(c.name) as CaseOutput;
        expect(compareOutputs(out, ref, c.tolerance)).toBeNull();
      });
    }
  });
}

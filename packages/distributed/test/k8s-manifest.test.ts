import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The shipped Kubernetes manifest agrees with itself and with what initProcessGroup reads. */
const text = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../k8s/indexed-job.yaml'), 'utf8');
const field = (name: string) => [...text.matchAll(new RegExp(`^\\s*(?:- )?${name}:\\s*"?([^"\\s#]+)"?`, 'gm'))].map((m) => m[1]);
const env = (name: string) => text.match(new RegExp(`- name: ${name}\\s*\\n\\s*value: "?([^"\\n]+)"?`))?.[1];

describe('k8s/indexed-job.yaml', () => {
  it('is an Indexed Job of WORLD_SIZE pods behind a headless Service that names rank 0 as MASTER_ADDR', () => {
    expect(field('kind')).toEqual(['Service', 'Job']);
    expect(field('completionMode')).toEqual(['Indexed']);
    const [completions] = field('completions');
    expect(field('parallelism')).toEqual([completions]);
    expect(env('WORLD_SIZE')).toBe(completions);
    expect(field('clusterIP')).toEqual(['None']);
    const [service, job] = [...text.matchAll(/^metadata:\n\s+name: (\S+)/gm)].map((m) => m[1]);
    expect(field('subdomain')).toEqual([service]);
    expect(env('MASTER_ADDR')).toBe(`${job}-0.${service}`);
    expect(text).toMatch(new RegExp(`job-name: ${job}`));
    const port = env('MASTER_PORT');
    expect(field('containerPort')).toEqual([port]);
    // RANK is left to JOB_COMPLETION_INDEX, which initProcessGroup falls back to
    expect(env('RANK')).toBeUndefined();
    expect(field('restartPolicy')).toEqual(['Never']);
  });
});

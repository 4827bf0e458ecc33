import shakespeare from 'virtual:shakespeare';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { auto, type BackendPlugin, useBackend } from '@tessera/core';
import type { TransformerLM } from '@tessera/layers';
import { getBackend, tensorCount } from '@tessera/tensor';
import { CharTokenizer } from '@tessera/text';
import { drawChart, type Series } from './chart.js';
import { createCharModel, sampleText, TEXT_CONFIG, trainText } from './text-train.js';

// The text tab: a small char-level transformer trains on the start of Tiny Shakespeare for a time
// budget (`?seconds=`, default 60), one step between animation frames, with the loss curve and,
// every few seconds, a seeded sample generated with the model's key/value cache.
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
// wasm is the fastest here; cpu to compare (`?backend=` picks). Not webgl: on software WebGL
// (SwiftShader) a transformer step takes seconds.
const plugins: BackendPlugin[] = [wasm(), cpu()];
const query = new URLSearchParams(location.search);
const select = $<HTMLSelectElement>('backend');
const status = $('status');
const stats = $('stats');
const chart = $<HTMLCanvasElement>('chart');
const sampleBox = $('sample');
const startButton = $<HTMLButtonElement>('start');
const stopButton = $<HTMLButtonElement>('stop');
const input = (id: string) => $<HTMLInputElement>(id);

const tok = CharTokenizer.fromText(shakespeare);
const tokens = Int32Array.from(tok.encode(shakespeare));
const lossSeries: Series = { label: 'loss', color: '#36c', points: [] };
let lm: TransformerLM | undefined;
let running = false;
let stopRequested = false;
let samples = 0;

for (const [param, id] of [
  ['seconds', 'budget'],
  ['length', 'length'],
  ['temperature', 'temperature'],
  ['seed', 'seed'],
  ['prompt', 'prompt'],
] as const) {
  const value = query.get(param);
  if (value !== null) input(id).value = value;
}
const { layers, heads, width, blockSize, batchSize } = TEXT_CONFIG;
$('about').textContent =
  `${tokens.length.toLocaleString('en')} characters of Tiny Shakespeare (${tok.vocabSize} distinct), a GPT of ${layers} blocks, ` +
  `${heads} heads, width ${width}, context ${blockSize}, batches of ${batchSize} random windows; AdamW with learning rate 3e-3. ` +
  'The sample is regenerated from the prompt with the same seed every few seconds, so it changes only as the model learns.';

function setStatus(text: string, state = 'busy') {
  status.textContent = text;
  status.dataset.state = state;
}

async function showSample(step: number) {
  if (!lm) return;
  const length = Math.max(1, Math.round(Number(input('length').value) || 200));
  const head = document.createElement('b');
  const body = document.createTextNode('');
  const { prompt, text } = await sampleText(lm, tok, {
    prompt: input('prompt').value,
    onChunk: (partial, shownPrompt) => {
      if (!head.isConnected) sampleBox.replaceChildren(head, body);
      head.textContent = shownPrompt;
      body.textContent = partial;
    },
    length,
    temperature: Math.max(0, Number(input('temperature').value)),
    seed: Number(input('seed').value) || 0,
  });
  samples += 1;
  head.textContent = prompt;
  body.textContent = text;
  // Live tensors after each sample (tests check they stay constant while training).
  Object.assign(sampleBox.dataset, {
    step: String(step),
    length: String([...text].length),
    count: String(samples),
    text,
    tensors: String(tensorCount()),
  });
}

async function switchBackend(name: string) {
  const plugin = plugins.find((p) => p.name === name) as BackendPlugin;
  setStatus(`starting ${name}...`);
  try {
    await useBackend(plugin);
    select.value = plugin.name;
    lm?.dispose();
    lm = createCharModel(tok.vocabSize);
    setStatus(`backend ${getBackend()} ready`, 'ready');
  } catch (e) {
    setStatus(`${(e as Error).message}`, 'error');
  }
}

async function init() {
  for (const p of plugins) {
    const opt = document.createElement('option');
    opt.value = p.name;
    const ok = await p.isAvailable();
    opt.textContent = ok ? p.name : `${p.name} (unavailable)`;
    opt.disabled = !ok;
    select.append(opt);
  }
  const order = await auto(plugins, { prefer: query.get('backend') ?? 'wasm' });
  await switchBackend((order[0] as BackendPlugin).name);
  select.addEventListener('change', () => void switchBackend(select.value));
  drawChart(chart, [lossSeries]);
}

startButton.addEventListener('click', async () => {
  if (running || !lm) return;
  running = true;
  stopRequested = false;
  startButton.disabled = true;
  select.disabled = true;
  stopButton.disabled = false;
  lm.dispose();
  lm = createCharModel(tok.vocabSize);
  lossSeries.points = [];
  samples = 0;
  delete stats.dataset.losses;
  const budget = Number(input('budget').value) || 60;
  const backend = getBackend();
  setStatus(`training on ${backend} for ${budget} s...`);
  let steps = 0;
  try {
    await showSample(0); // the untrained model's sample
    await trainText(lm, tokens, {
      seconds: budget,
      minSteps: Number(query.get('minSteps') ?? 0),
      shouldStop: () => stopRequested,
      onSample: showSample,
      onStep: ({ step, loss, seconds, tokensPerSecond }) => {
        steps = step;
        lossSeries.points.push([step, loss]);
        stats.dataset.step = String(step);
        stats.dataset.loss = String(loss);
        // Every step's loss (tests read the curve).
        stats.dataset.losses = [stats.dataset.losses, loss.toFixed(4)].filter(Boolean).join(',');
        $('step').textContent = String(step);
        $('loss').textContent = loss.toFixed(3);
        $('elapsed').textContent = seconds.toFixed(1);
        $('tps').textContent = tokensPerSecond.toFixed(0);
        drawChart(chart, [lossSeries]);
      },
    });
    const first = lossSeries.points[0]?.[1] ?? Number.NaN;
    const last = lossSeries.points.at(-1)?.[1] ?? Number.NaN;
    setStatus(
      `${stopRequested ? 'stopped' : 'done'} on ${backend}: ${steps} steps, loss ${first.toFixed(3)} -> ${last.toFixed(3)}, ${samples} samples`,
      'done',
    );
  } catch (e) {
    setStatus(`training failed: ${(e as Error).message}`, 'error');
  } finally {
    running = false;
    startButton.disabled = false;
    select.disabled = false;
    stopButton.disabled = true;
  }
});

stopButton.addEventListener('click', () => {
  stopRequested = true;
});

void init();

import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { auto, type BackendPlugin, useBackend } from '@tessera/core';
import type { PPO } from '@tessera/rl';
import { getBackend } from '@tessera/tensor';
import { drawCartPole } from './cartpole-view.js';
import { drawChart, type Series } from './chart.js';
import { CartPoleDemo, createCartPolePpo, learnInChunks } from './rl-train.js';

// The RL tab: PPO learns CartPole-v1 in small chunks (one rollout of 256 steps, then the page
// gets animation frames), while the canvas shows the current policy balancing its own episode.
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
// A 64-64 MLP trains fastest on wasm; cpu is there to compare (`?backend=` picks). Not webgl: on
// software WebGL (SwiftShader) building the PPO policy (orthogonal initialization, many small ops)
// blocked the page for over a minute.
const plugins: BackendPlugin[] = [wasm(), cpu()];
const select = $<HTMLSelectElement>('backend');
const status = $('status');
const stats = $('stats');
const cartCanvas = $<HTMLCanvasElement>('cartpole');
const chart = $<HTMLCanvasElement>('returns');
const startButton = $<HTMLButtonElement>('start');
const stopButton = $<HTMLButtonElement>('stop');

const epRew: Series = { label: 'ep_rew_mean', color: '#36c', points: [], yMax: 500 };
const demoReturn: Series = { label: 'canvas episode return', color: '#d80', points: [], yMax: 500 };
let ppo: PPO | undefined;
let demo = new CartPoleDemo();
let running = false;
let stopRequested = false;
let timesteps = 0;

function setStatus(text: string, state = 'busy') {
  status.textContent = text;
  status.dataset.state = state;
}

function showStats(epRewMean: number | undefined, fps: number) {
  stats.dataset.timesteps = String(timesteps);
  // Every count shown since Learn was clicked (tests read it: the counts advance rollout by rollout).
  stats.dataset.history = timesteps === 0 ? '' : [stats.dataset.history, timesteps].filter(Boolean).join(',');
  if (epRewMean !== undefined) stats.dataset.epRewMean = String(epRewMean);
  $('timesteps').textContent = String(timesteps);
  $('ep-rew-mean').textContent = epRewMean === undefined ? '-' : epRewMean.toFixed(1);
  $('fps').textContent = fps.toFixed(0);
}

// One CartPole step and one drawing per animation frame; the policy is whatever PPO has learned so
// far. Where a policy step is slow (a readback from software WebGL), the next one waits 4 times as
// long, so the demo takes at most a fifth of the page's time.
let nextDemoAt = 0;
function animate(now: number) {
  if (ppo && now >= nextDemoAt) {
    const before = demo.episodeNumber;
    const t0 = performance.now();
    demo.step(ppo);
    const took = performance.now() - t0;
    nextDemoAt = took > 4 ? performance.now() + 4 * took : 0;
    if (demo.episodeNumber !== before && demo.lastReturn !== null) {
      demoReturn.points.push([timesteps, demo.lastReturn]);
      drawChart(chart, [epRew, demoReturn]);
    }
  }
  const last = demo.lastReturn === null ? '' : `, last ${demo.lastReturn}`;
  drawCartPole(cartCanvas, demo.state, `episode ${demo.episodeNumber}: return ${demo.episodeReturn}${last}`);
  requestAnimationFrame(animate);
}

async function switchBackend(name: string) {
  const plugin = plugins.find((p) => p.name === name) as BackendPlugin;
  setStatus(`starting ${name}...`);
  try {
    await useBackend(plugin);
    select.value = plugin.name;
    ppo?.dispose();
    ppo = createCartPolePpo(0);
    demo = new CartPoleDemo();
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
  const query = new URLSearchParams(location.search).get('backend');
  const order = await auto(plugins, { prefer: query ?? 'wasm' });
  await switchBackend((order[0] as BackendPlugin).name);
  select.addEventListener('change', () => void switchBackend(select.value));
  drawChart(chart, [epRew, demoReturn]);
  requestAnimationFrame(animate);
}

startButton.addEventListener('click', async () => {
  if (running || !ppo) return;
  running = true;
  stopRequested = false;
  startButton.disabled = true;
  select.disabled = true;
  stopButton.disabled = false;
  const totalTimesteps = Number($<HTMLInputElement>('budget').value) || 100_000;
  ppo.dispose();
  ppo = createCartPolePpo(Number($<HTMLInputElement>('seed').value) || 0);
  demo = new CartPoleDemo();
  epRew.points = [];
  demoReturn.points = [];
  timesteps = 0;
  showStats(undefined, 0);
  const backend = getBackend();
  setStatus(`PPO learning on ${backend}...`);
  const t0 = performance.now();
  try {
    const learner = ppo;
    await learnInChunks(learner, {
      totalTimesteps,
      shouldStop: () => stopRequested,
      onRollout: ({ timesteps: t, epRewMean, fps }) => {
        timesteps = t;
        if (epRewMean !== undefined) epRew.points.push([t, epRewMean]);
        showStats(epRewMean, fps);
        drawChart(chart, [epRew, demoReturn]);
      },
    });
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    setStatus(`${stopRequested ? 'stopped' : 'done'} on ${backend}: ${timesteps} timesteps in ${secs} s`, 'done');
  } catch (e) {
    setStatus(`learning failed: ${(e as Error).message}`, 'error');
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

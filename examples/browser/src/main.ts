import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { webgl } from '@tessera/backend-webgl';
import { webgpu } from '@tessera/backend-webgpu';
import { auto, type BackendPlugin, type Module, useBackend } from '@tessera/core';
import { getBackend } from '@tessera/tensor';
import { drawChart, type Series } from './chart.js';
import { drawingPad, toMnist } from './draw.js';
import { createModel, loadMnistSubset, type MnistSubset, predictDigit, trainMnist } from './train.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const plugins: BackendPlugin[] = [webgpu(), webgl(), wasm(), cpu()];
const select = $<HTMLSelectElement>('backend');
const status = $('status');
const rateEl = $('rate');
const chart = $<HTMLCanvasElement>('chart');
const trainButton = $<HTMLButtonElement>('train');
const prediction = $('prediction');
const bars = $('bars');

let model: Module | undefined;
let data: MnistSubset | undefined;
const loss: Series = { label: 'loss', color: '#d33', points: [], yMax: 2.5 };
const acc: Series = { label: 'train accuracy', color: '#36c', points: [], yMax: 1 };
const valAcc: Series = { label: 'test accuracy', color: '#2a2', points: [], yMax: 1 };

function setStatus(text: string, state = 'busy') {
  status.textContent = text;
  status.dataset.state = state;
}

async function switchBackend(name: string) {
  const plugin = plugins.find((p) => p.name === name) as BackendPlugin;
  setStatus(`starting ${name}...`);
  try {
    await useBackend(plugin);
    select.value = plugin.name;
    let detail = '';
    if (plugin.name === 'wasm') {
      const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
      detail = ` (${getThreadsCount()} thread(s), page ${crossOriginIsolated ? '' : 'not '}cross-origin isolated)`;
    }
    $('detail').textContent = detail;
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
  const order = await auto(plugins); // ?backend= wins, else webgpu > webgl > wasm > cpu
  await switchBackend((order[0] as BackendPlugin).name);
  select.addEventListener('change', () => void switchBackend(select.value));
  drawChart(chart, [loss, acc, valAcc]);
}

trainButton.addEventListener('click', async () => {
  trainButton.disabled = true;
  try {
    setStatus('loading MNIST subset...');
    data ??= await loadMnistSubset();
    const epochs = Number($<HTMLInputElement>('epochs').value) || 1;
    const trainSize = Number($<HTMLInputElement>('samples').value) || data.trainLabels.length;
    loss.points = [];
    acc.points = [];
    valAcc.points = [];
    model = createModel();
    const backend = getBackend();
    setStatus(`training on ${backend}...`);
    let lastStep = 0;
    const t0 = performance.now();
    await trainMnist(model, data, {
      epochs,
      trainSize,
      onBatch: ({ step, loss: l, accuracy, samplesPerSecond }) => {
        lastStep = step;
        loss.points.push([step, l]);
        if (accuracy !== undefined) acc.points.push([step, accuracy]);
        rateEl.textContent = `${samplesPerSecond.toFixed(0)} samples/s`;
        drawChart(chart, [loss, acc, valAcc]);
      },
      onEpoch: ({ epoch, logs }) => {
        if (logs.val_accuracy !== undefined) valAcc.points.push([lastStep, logs.val_accuracy]);
        drawChart(chart, [loss, acc, valAcc]);
        setStatus(`epoch ${epoch + 1}/${epochs} on ${backend}: test accuracy ${(logs.val_accuracy ?? 0).toFixed(4)}`);
      },
    });
    const secs = (performance.now() - t0) / 1000;
    const final = valAcc.points.at(-1)?.[1] ?? 0;
    $('result').textContent =
      `${backend}: ${epochs} epoch(s) × ${trainSize} samples in ${secs.toFixed(1)} s, test accuracy ${final.toFixed(4)}`;
    $('result').dataset.accuracy = String(final);
    setStatus(`done on ${backend}: draw a digit`, 'done');
    await predictPad();
  } catch (e) {
    setStatus(`training failed: ${(e as Error).message}`, 'error');
  } finally {
    trainButton.disabled = false;
  }
});

const padCanvas = $<HTMLCanvasElement>('pad');
const pad = drawingPad(padCanvas, () => void predictPad());
$('clear').addEventListener('click', () => {
  pad.clear();
  prediction.textContent = '?';
  delete prediction.dataset.digit;
  bars.replaceChildren();
});

async function predictPad() {
  const pixels = toMnist(padCanvas);
  if (!model || !pixels) return;
  const probs = await predictDigit(model, pixels);
  const best = probs.indexOf(Math.max(...probs));
  prediction.textContent = String(best);
  prediction.dataset.digit = String(best);
  bars.replaceChildren(
    ...probs.map((p, d) => {
      const row = document.createElement('div');
      row.className = 'bar';
      row.innerHTML = `<span>${d}</span><i style="width:${(p * 100).toFixed(1)}%"></i><span>${(p * 100).toFixed(1)}%</span>`;
      return row;
    }),
  );
}

void init();

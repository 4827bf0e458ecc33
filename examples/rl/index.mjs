// PPO and A2C on classic control with rl-baselines3-zoo's hyperparameters. Each seed trains within
// the step budget, then its policy plays 100 deterministic episodes; the task passes when enough
// seeds reach the bar (mean return of the 100 episodes).
// Run: npm run ppo-cartpole -w @tessera/example-rl    (also a2c-cartpole, ppo-acrobot)
//   SEEDS=0,1,2 (default)  TESSERA_BACKEND=wasm|cpu  EARLY_STOP=0 trains the whole budget (default: stop
//   once a 10-episode deterministic evaluation reaches the stop level, checked every `evalEvery` steps)
//   OUT=dir writes one JSON result per seed and the return curves there (else out/); BUDGET=n overrides
//   the step budget (speed measurements);
//   TESSERA_BACKEND=node runs on native TensorFlow (after `npm run setup:native`).
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { episodeRecorder, exitOnSeeds, reportSeed } from '@tessera/example-shared/episode-returns';
import { A2C, evalCallback, evaluatePolicy, linearSchedule, PPO } from '@tessera/rl';

const tasks = {
  // zoo: n_envs 8, n_timesteps 1e5, n_steps 32, batch_size 256, gae_lambda 0.8, gamma 0.98, n_epochs 20,
  // ent_coef 0, learning_rate lin_0.001, clip_range lin_0.2
  'ppo-cartpole': {
    Algo: PPO,
    env: 'CartPole-v1',
    budget: 100_000,
    bar: 475,
    seedsNeeded: 3,
    stopAt: 500,
    evalEvery: 5_120,
    options: () => ({
      nEnvs: 8,
      nSteps: 32,
      batchSize: 256,
      gaeLambda: 0.8,
      gamma: 0.98,
      nEpochs: 20,
      entCoef: 0,
      learningRate: linearSchedule(0.001),
      clipRange: linearSchedule(0.2),
    }),
  },
  // zoo: n_envs 8, n_timesteps 5e5, ent_coef 0 (SB3 defaults: n_steps 5, gamma 0.99, gae_lambda 1,
  // vf_coef 0.5, max_grad_norm 0.5, RMSprop lr 7e-4 alpha 0.99 eps 1e-5)
  'a2c-cartpole': {
    Algo: A2C,
    env: 'CartPole-v1',
    budget: 500_000,
    bar: 475,
    seedsNeeded: 2,
    stopAt: 500,
    evalEvery: 20_000,
    options: () => ({ nEnvs: 8, entCoef: 0 }),
  },
  // zoo: normalize true, n_envs 16, n_timesteps 1e6, n_steps 256, gae_lambda 0.94, gamma 0.99, n_epochs 4,
  // ent_coef 0 (batch_size 64). Observations are not normalized here (no VecNormalize yet).
  'ppo-acrobot': {
    Algo: PPO,
    env: 'Acrobot-v1',
    budget: 500_000,
    bar: -100,
    seedsNeeded: 2,
    stopAt: -80,
    evalEvery: 16_384,
    options: () => ({ nEnvs: 16, nSteps: 256, gaeLambda: 0.94, gamma: 0.99, nEpochs: 4, entCoef: 0 }),
  },
};

const name = process.argv[2] ?? 'ppo-cartpole';
const task = tasks[name];
if (!task) {
  console.error(`unknown task ${name}: one of ${Object.keys(tasks).join(', ')}`);
  process.exit(2);
}
const seeds = (process.env.SEEDS ?? '0,1,2').split(',').map(Number);
const earlyStop = process.env.EARLY_STOP !== '0';
// wasm by default: for these tiny MLPs it measured ~5× faster than cpu and within ~20% of native TensorFlow
const candidates = [wasm(), cpu()];
if (process.env.TESSERA_BACKEND === 'node') candidates.unshift((await import('@tessera/backend-node')).node());
const plugin = await useBackend(await auto(candidates));
if (process.env.BUDGET) task.budget = Number(process.env.BUDGET);
console.log(`${name}: ${task.env}, ${task.budget} steps, bar ${task.bar}, seeds ${seeds.join(',')}, backend ${plugin.name}`);

const results = [];
for (const seed of seeds) {
  const algo = new task.Algo(task.env, { ...task.options(), seed });
  const rollout = algo.env.numEnvs * algo.common.nSteps;
  const every = Math.max(1, Math.round(task.evalEvery / rollout));
  const evaluation = evalCallback(algo, task.env, {
    every,
    nEpisodes: 10,
    threshold: earlyStop ? task.stopAt : undefined,
    seed: 10_000 + seed,
  });
  const lines = {
    onEpochEnd: (_e, logs) => {
      if (algo.fitTrainer.step % every === 0 || logs.eval_mean_reward !== undefined) {
        const ev = evaluation.results.at(-1);
        console.log(
          `  seed ${seed} ${String(logs.total_timesteps).padStart(7)} steps  ep_rew_mean ${logs.ep_rew_mean?.toFixed(1) ?? '-'}` +
            `  eval ${ev ? ev.meanReturn.toFixed(1) : '-'}  ${logs.fps.toFixed(0)} steps/s`,
        );
      }
    },
  };
  const recorder = episodeRecorder(algo);
  const start = performance.now();
  await algo.learn({ totalTimesteps: task.budget, callbacks: [evaluation, lines, recorder] });
  const seconds = (performance.now() - start) / 1000;
  const ev = evaluatePolicy(algo, task.env, { nEpisodes: 100, deterministic: true, seed: 1_000_000 + seed });
  const outDir = new URL('./out', import.meta.url).pathname;
  results.push(await reportSeed({ name, task, seed, backend: plugin.name, algo, seconds, evaluation: ev, recorder, outDir }));
  algo.dispose();
}
exitOnSeeds(name, task, results);

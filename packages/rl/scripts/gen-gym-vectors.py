"""Writes packages/rl/vectors/classic-control.json: trajectories of Gymnasium 1.3.0's classic-control
environments (state before each step, the action, then state, observation, reward, terminated and
truncated after it), so the TypeScript environments are checked against Gymnasium without Python.

Run: python3 -m venv .venv-gym && PIP_RETRIES=0 .venv-gym/bin/pip install gymnasium==1.3.0
     .venv-gym/bin/python packages/rl/scripts/gen-gym-vectors.py
"""
import json
import os

import gymnasium as gym
import numpy as np

assert gym.__version__ == "1.3.0", gym.__version__
OUT = os.path.join(os.path.dirname(__file__), "..", "vectors", "classic-control.json")


def state_of(env):
    s = env.unwrapped.state
    arr = np.asarray(s)
    return {"values": [float(v) for v in arr.reshape(-1)], "dtype": str(arr.dtype) if isinstance(s, np.ndarray) else "tuple"}


def trajectory(env_id, seed, steps, action_fn, beyond=0):
    env = gym.make(env_id)
    obs, _ = env.reset(seed=seed)
    rng = np.random.default_rng(1000 + seed)
    out = {"id": env_id, "seed": seed, "reset": {"state": state_of(env), "observation": [float(v) for v in obs]}, "steps": []}
    done_at = None
    for t in range(steps):
        a = action_fn(rng, obs)
        obs, reward, terminated, truncated, _ = env.step(a)
        out["steps"].append({
            "action": a.tolist() if isinstance(a, np.ndarray) else int(a),
            "state": state_of(env),
            "observation": [float(v) for v in np.asarray(obs).reshape(-1)],
            "reward": float(reward),
            "terminated": bool(terminated),
            "truncated": bool(truncated),
        })
        if terminated or truncated:
            done_at = t
            break
    env.close()
    out["ended"] = done_at
    return out


def beyond_termination():
    # CartPole stepped after termination: reward 0 (1 on the terminating step), as Gymnasium does
    env = gym.make("CartPole-v1").unwrapped
    env.reset(seed=3)
    rewards = []
    terminated = False
    while not terminated:
        _, r, terminated, _, _ = env.step(1)
        rewards.append(float(r))
    for _ in range(3):
        _, r, terminated, _, _ = env.step(1)
        rewards.append(float(r))
    return {"id": "CartPole-v1", "seed": 3, "alwaysAction": 1, "rewards": rewards}


discrete = lambda n: (lambda rng, obs: int(rng.integers(n)))
box = lambda lo, hi: (lambda rng, obs: rng.uniform(lo, hi, size=(1,)).astype(np.float32))

cases = []
for seed in range(3):
    cases.append(trajectory("CartPole-v1", seed, 500, discrete(2)))
    cases.append(trajectory("Acrobot-v1", seed, 120, discrete(3)))
    cases.append(trajectory("MountainCar-v0", seed, 200, discrete(3)))
    # actions beyond the [-1, 1] box are clipped by the environment
    cases.append(trajectory("MountainCarContinuous-v0", seed, 150, box(-1.5, 1.5)))
    cases.append(trajectory("Pendulum-v1", seed, 200, box(-2.5, 2.5)))
# a cart pushed one way until it terminates; cars that swing with their velocity until they reach the
# goal (termination, the +100 bonus); a continuous car pushed right until the time limit truncates it
cases.append(trajectory("CartPole-v1", 7, 500, lambda rng, obs: 1))
cases.append(trajectory("MountainCar-v0", 4, 200, lambda rng, obs: 2 if obs[1] >= 0 else 0))
cases.append(trajectory("MountainCarContinuous-v0", 6, 999, lambda rng, obs: np.array([1.0 if obs[1] >= 0 else -1.0], dtype=np.float32)))
cases.append(trajectory("MountainCarContinuous-v0", 5, 999, lambda rng, obs: np.array([1.0], dtype=np.float32)))

specs = {}
# JSON has no infinities: unbounded box dimensions are written as the strings "inf" / "-inf"
num = lambda v: float(v) if np.isfinite(v) else ("inf" if v > 0 else "-inf")
for env_id in ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"]:
    spec = gym.spec(env_id)
    env = gym.make(env_id)
    specs[env_id] = {
        "maxEpisodeSteps": spec.max_episode_steps,
        "rewardThreshold": spec.reward_threshold,
        "observationLow": [num(v) for v in env.observation_space.low],
        "observationHigh": [num(v) for v in env.observation_space.high],
        "actionSpace": repr(env.action_space),
    }
    env.close()

with open(OUT, "w") as f:
    json.dump(allow_nan=False, obj={"gymnasium": gym.__version__, "numpy": np.__version__, "specs": specs, "trajectories": cases, "beyondTermination": beyond_termination()}, fp=f)
print("wrote", OUT, os.path.getsize(OUT), "bytes,", sum(len(c["steps"]) for c in cases), "steps")

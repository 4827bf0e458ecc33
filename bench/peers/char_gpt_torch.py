"""The char-level GPT of examples/char-gpt in PyTorch: nanoGPT's CPU "baby GPT" config, setting for
setting (4 layers, 4 heads, width 128, context 64, batch 12, no dropout, bias-free linear layers and
layer norms, GPT-2 initialization, tied embeddings, AdamW lr 1e-3 warmed up over 100 iterations and
cosine-decayed to 1e-4 at 2,000, beta2 0.99, weight decay 0.1 on 2-D parameters, grad-norm clip 1.0)
on Tiny Shakespeare (first 90% of the characters for training, last 10% for validation).

Prints one JSON line: tokens/s of training, and the train and validation loss as the mean over
EVAL_ITERS random batches (nanoGPT's estimate_loss). It is the PyTorch side of the char-gpt row of
bench/README.md and an oracle for the example's validation loss.

  python3 bench/peers/char_gpt_torch.py [--iters 2000] [--eval-iters 200] [--seed 1337] [--threads 2]
"""
import argparse
import json
import math
import os
import time

import torch
from torch import nn
from torch.nn import functional as F

p = argparse.ArgumentParser()
p.add_argument("--iters", type=int, default=2000)
p.add_argument("--eval-iters", type=int, default=200)
p.add_argument("--seed", type=int, default=1337)
p.add_argument("--threads", type=int, default=os.cpu_count())
args = p.parse_args()
torch.manual_seed(args.seed)
torch.set_num_threads(args.threads)

here = os.path.dirname(os.path.abspath(__file__))
datasets = os.environ.get("TESSERA_DATASETS", os.path.join(here, "../../../shared/datasets"))
with open(os.path.join(datasets, "shakespeare/input.txt"), encoding="utf-8") as f:
    text = f.read()
chars = sorted(set(text))
index = {c: i for i, c in enumerate(chars)}
ids = torch.tensor([index[c] for c in text], dtype=torch.long)
cut = int(0.9 * len(ids))
splits = {"train": ids[:cut], "val": ids[cut:]}
LAYERS, HEADS, WIDTH, BLOCK, BATCH, VOCAB = 4, 4, 128, 64, 12, len(chars)


def batch(split):
    data = splits[split]
    starts = torch.randint(len(data) - BLOCK, (BATCH,))
    x = torch.stack([data[s : s + BLOCK] for s in starts])
    y = torch.stack([data[s + 1 : s + 1 + BLOCK] for s in starts])
    return x, y


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(WIDTH, elementwise_affine=True)
        self.norm1.bias = None  # no offsets, as nanoGPT's bias=False
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH, bias=False)
        self.proj = nn.Linear(WIDTH, WIDTH, bias=False)
        self.norm2 = nn.LayerNorm(WIDTH)
        self.norm2.bias = None
        self.up = nn.Linear(WIDTH, 4 * WIDTH, bias=False)
        self.down = nn.Linear(4 * WIDTH, WIDTH, bias=False)
        mask = torch.tril(torch.ones(BLOCK, BLOCK, dtype=torch.bool))
        self.register_buffer("mask", mask.view(1, 1, BLOCK, BLOCK))

    def attention(self, h):
        b, t, c = h.shape
        q, k, v = self.qkv(h).split(WIDTH, dim=2)
        q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2) for z in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(c // HEADS)
        scores = scores.masked_fill(~self.mask[:, :, :t, :t], float("-inf"))
        out = F.softmax(scores, dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(b, t, c))

    def forward(self, h):
        h = h + self.attention(F.layer_norm(h, (WIDTH,), self.norm1.weight))
        return h + self.down(F.gelu(self.up(F.layer_norm(h, (WIDTH,), self.norm2.weight))))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(VOCAB, WIDTH)
        self.positions = nn.Embedding(BLOCK, WIDTH)
        self.blocks = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.norm = nn.LayerNorm(WIDTH)
        self.norm.bias = None
        self.apply(self.init)
        for name, w in self.named_parameters():
            if name.endswith("proj.weight") or name.endswith("down.weight"):
                nn.init.normal_(w, 0.0, 0.02 / math.sqrt(2 * LAYERS))

    @staticmethod
    def init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)

    def forward(self, x, y):
        h = self.tokens(x) + self.positions(torch.arange(x.shape[1]))
        for block in self.blocks:
            h = block(h)
        logits = F.layer_norm(h, (WIDTH,), self.norm.weight) @ self.tokens.weight.T  # tied head
        return F.cross_entropy(logits.view(-1, VOCAB), y.view(-1))


model = GPT()
decay = [w for w in model.parameters() if w.dim() >= 2]
no_decay = [w for w in model.parameters() if w.dim() < 2]
opt = torch.optim.AdamW(
    [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-3, betas=(0.9, 0.99), eps=1e-8
)


def learning_rate(it, peak=1e-3, low=1e-4, warmup=100, decay_iters=2000):
    if it < warmup:
        return peak * (it + 1) / (warmup + 1)
    if it > decay_iters:
        return low
    ratio = (it - warmup) / (decay_iters - warmup)
    return low + 0.5 * (1 + math.cos(math.pi * ratio)) * (peak - low)


@torch.no_grad()
def estimate(split):
    model.eval()
    losses = [model(*batch(split)).item() for _ in range(args.eval_iters)]
    model.train()
    return sum(losses) / len(losses)


t0 = time.perf_counter()
for it in range(args.iters):
    for group in opt.param_groups:
        group["lr"] = learning_rate(it)
    loss = model(*batch("train"))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
seconds = time.perf_counter() - t0
result = {
    "peer": "pytorch",
    "torch": torch.__version__,
    "threads": args.threads,
    "seed": args.seed,
    "iters": args.iters,
    "params": sum(w.numel() for w in model.parameters()),
    "trainSeconds": round(seconds, 1),
    "tokensPerSecond": round(args.iters * BATCH * BLOCK / seconds),
    "trainLoss": estimate("train"),
    "valLoss": estimate("val"),
    "evalIters": args.eval_iters,
}
print(json.dumps(result))

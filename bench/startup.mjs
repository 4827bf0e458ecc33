// Start-up time: import + backend ready + first 256x256 matMul, in a fresh process.
const t0 = performance.now();
const { useBackend } = await import('@tessera/core');
const backend = process.argv[2];
const plugin = backend === 'wasm' ? (await import('@tessera/backend-wasm')).wasm() : (await import('@tessera/backend-cpu')).cpu();
await useBackend(plugin);
const tf = await import('@tessera/tensor');
try {
  await tf.matMul(tf.ones([256, 256]), tf.ones([256, 256])).data();
  console.log(JSON.stringify({ ms: Math.round(performance.now() - t0) }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e?.message ?? e).slice(0, 100) }));
}

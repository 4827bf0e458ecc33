// Picks the backend with auto(): `TESSERA_BACKEND=cpu node index.mjs` runs on cpu.
import { auto, useBackend } from '@tessera/core';
import { getBackend, matMul, tensor2d } from '@tessera/tensor';

const chosen = await useBackend(await auto());
const product = matMul(tensor2d([[1, 2]]), tensor2d([[3], [4]]));
console.log(JSON.stringify({ backend: getBackend(), plugin: chosen.name, result: Array.from(await product.data()) }));

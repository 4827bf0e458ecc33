// Runs a bench script as N worker threads (shared memory) or N processes (TCP on 127.0.0.1):
//   node run.mjs threads|processes N script.mjs [args...]
import { launchProcesses, launchThreads } from '@tessera/distributed/node';

const [mode, n, script, ...args] = process.argv.slice(2);
const path = new URL(script, import.meta.url);
if (mode === 'threads') await launchThreads(path, { workers: Number(n), argv: args, capacity: 1 << 22, timeoutMs: 300_000 });
else await launchProcesses(path.pathname, { nproc: Number(n), args, prefix: false, env: { TESSERA_TIMEOUT_MS: '300000' } });

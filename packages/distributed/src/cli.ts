import { launchProcesses } from './launch-processes.js';
import { launchThreads } from './launch-threads.js';

const usage = `usage: tessera-launch [--nproc N | --threads N] [--master-port P] [--master-addr H] [--grace-ms MS] script.mjs [args...]

Starts N replicas of script.mjs on this machine: N processes (--nproc, default 2) with torchrun's
environment (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), or N
worker threads of one process sharing memory (--threads). In the script, initProcessGroup() from
@tessera/distributed/node joins the group. Exits non-zero when any replica fails.`;

/**
 * The `tessera-launch` command: parses `argv` and runs {@link launchProcesses} or
 * {@link launchThreads}; resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await launchMain(['--nproc', '2', 'train.mjs']);
 * ```
 */
export async function launchMain(argv: string[]): Promise<number> {
  let nproc = 2;
  let threads = 0;
  let masterPort: number | undefined;
  let masterAddr: string | undefined;
  let graceMs: number | undefined;
  let i = 0;
  const num = (flag: string) => {
    const v = Number(argv[++i]);
    if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} needs a positive integer, got ${argv[i]}`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--nproc' || a === '--nproc-per-node' || a === '--nproc_per_node') nproc = num(a);
    else if (a === '--threads') threads = num(a);
    else if (a === '--master-port' || a === '--master_port') masterPort = num(a);
    else if (a === '--master-addr' || a === '--master_addr') masterAddr = argv[++i];
    else if (a === '--grace-ms') graceMs = num(a);
    else if (a === '-h' || a === '--help') {
      console.log(usage);
      return 0;
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${usage}`);
    else break;
  }
  const script = argv[i];
  if (!script) {
    console.error(usage);
    return 2;
  }
  const args = argv.slice(i + 1);
  try {
    if (threads > 0) await launchThreads(script.startsWith('/') ? script : `${process.cwd()}/${script}`, { workers: threads, argv: args });
    else await launchProcesses(script, { nproc, args, masterPort, masterAddr, graceMs });
    return 0;
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
}

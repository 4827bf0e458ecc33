import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (found from this file's location). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The real datasets (outside the repo). */
export const DATASETS = process.env.TESSERA_DATASETS ?? resolve(REPO_ROOT, '../shared/datasets');

import { webgpu } from '@tessera/backend-webgpu';
import { conformanceSuite, trainingSmoke } from './suite.js';

conformanceSuite(() => webgpu());
trainingSmoke(() => webgpu());

import { webgl } from '@tessera/backend-webgl';
import { conformanceSuite, trainingSmoke } from './suite.js';

conformanceSuite(() => webgl());
trainingSmoke(() => webgl());

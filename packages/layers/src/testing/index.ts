export type { LayerCase, LayerCheckOptions } from './conformance.js';
export {
  checkApply,
  checkGradients,
  checkLayer,
  checkNoLeak,
  checkOutputShape,
  checkRoundTrip,
  checkStatelessCall,
} from './conformance.js';

// The demo page: one module per panel; this one only says which backend runs and starts them.
import { backendInfo, wasmBuild } from 'focal-loss-wasm';
import { setupBenchPanel } from './bench-panel.js';
import { setupComputePanel } from './compute-panel.js';
import { setupEvaluatePanel } from './evaluate-panel.js';
import { setupCurvesPanel } from './curves-panel.js';
import { setupSegmentationPanel } from './segmentation-panel.js';
import { setupTrainPanel } from './train-panel.js';

const info = backendInfo();
const build = wasmBuild();
document.getElementById('backend')!.textContent =
  info.backend === 'wasm' ? `backend: wasm (${build === 'simd' ? 'SIMD' : 'scalar'})` : `backend: JS — ${info.reason}`;

setupCurvesPanel();
setupComputePanel();
setupSegmentationPanel();
setupEvaluatePanel();
setupBenchPanel();
setupTrainPanel();

// The smoke-test app every bundler builds: the worked examples of the README.
import { backendInfo, focalLoss, wasmBuild } from 'focal-loss-wasm';

const results = {
  examples: [
    focalLoss([0, 1, 2], [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.2, 0.7]], 2.0),
    focalLoss([0, 1], [[0.7, 0.3], [0.4, 0.6]], 0.0),
    focalLoss([0, 1, 2], [[0.8, 0.1, 0.1], [0.2, 0.6, 0.2], [0.1, 0.3, 0.6]], 1.5, [1.0, 1.5, 2.0]),
  ],
  info: backendInfo(),
  build: wasmBuild(),
};
document.body.textContent = JSON.stringify(results);
window.__results = results;

// The Segmentation panel's synthetic scene: a small image with a large object and a rare,
// small one, its ground-truth mask, and a model's class maps as a segmentation network would
// output them (logits, channels-first [1, C, H, W]): confident inside the objects, unsure at
// their edges, weaker on the rare class, and fooled by a textured band of background.
import { random } from './dataset.js';

export const WIDTH = 96;
export const HEIGHT = 64;
export const CLASSES = ['background', 'large object', 'rare object'] as const;

export interface Scene {
  /** RGBA pixels of the image. */
  readonly image: Uint8ClampedArray;
  /** One class index per pixel, row-major. */
  readonly mask: Uint8Array;
  /** Logits, channels-first: class c of pixel k at c · WIDTH · HEIGHT + k. */
  readonly logits: Float32Array;
  /** Pixels within 1.5 px of an object's edge. */
  readonly edge: Uint8Array;
}

/** Normal deviates from a seeded generator (dataset.ts): the scene is the same on every load. */
function gaussian(seed: number): () => number {
  const uniform = random(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Signed distance (in pixels, positive inside) to an ellipse's edge, approximately. */
function inside(x: number, y: number, cx: number, cy: number, rx: number, ry: number): number {
  const r = Math.hypot((x - cx) / rx, (y - cy) / ry);
  return (1 - r) * Math.min(rx, ry);
}

export function makeScene(): Scene {
  const n = WIDTH * HEIGHT;
  const noise = gaussian(18);
  const image = new Uint8ClampedArray(4 * n);
  const mask = new Uint8Array(n);
  const logits = new Float32Array(3 * n);
  const edge = new Uint8Array(n);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const k = y * WIDTH + x;
      const large = inside(x + 0.5, y + 0.5, 36, 36, 24, 17);
      const rare = inside(x + 0.5, y + 0.5, 76, 20, 5, 5);
      const label = rare > 0 ? 2 : large > 0 ? 1 : 0;
      mask[k] = label;
      edge[k] = Math.abs(large) < 1.5 || Math.abs(rare) < 1.5 ? 1 : 0;
      // A textured band of background that looks a little like the large object.
      const band = y > 50 && y < 58 && label === 0 ? 1 : 0;
      const s1 = sigmoid(large / 1.6);
      const s2 = sigmoid(rare / 1.2);
      logits[n + k] = 6 * s1 - 3 + 3 * band + 0.3 * noise();
      logits[2 * n + k] = 3.6 * s2 - 1.8 + 0.3 * noise();
      logits[k] = 3 * (1 - s1 - s2) + 0.3 * noise();
      const shade = 5 * noise();
      const [r, g, b] = label === 2 ? [222, 120, 40] : label === 1 ? [70, 110, 160] : band ? [120, 130, 140] : [150, 185, 120 - y];
      image.set([r + shade, g + shade, b + shade, 255], 4 * k);
    }
  }
  return { image, mask, logits, edge };
}

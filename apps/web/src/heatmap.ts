import { colourOf, type ScaleRange } from './colour-scale';

/**
 * Physical orientation of every map (the coordinate contract): machine direction (rows of a sheet,
 * MD bins of a roll) runs left to right in the direction of travel; cross direction (cols, CD bins)
 * runs bottom to top from the operator side, which is drawn at the bottom edge.
 * A grid is `mdCount x cdCount` with values row-major by MD: index md * cdCount + cd.
 */
export interface Grid {
  mdCount: number;
  cdCount: number;
}

/** The pixel of the grid image (1 px per cell) where a cell is drawn. */
export function pixelOf(grid: Grid, md: number, cd: number): { x: number; y: number } {
  return { x: md, y: grid.cdCount - 1 - cd };
}

/** The cell under a point of a canvas drawn `width x height` CSS px; null outside. */
export function cellAt(
  grid: Grid,
  width: number,
  height: number,
  px: number,
  py: number,
  view: { mdFrom: number; mdTo: number } = { mdFrom: 0, mdTo: grid.mdCount },
): { md: number; cd: number } | null {
  if (px < 0 || py < 0 || px >= width || py >= height) return null;
  const md = view.mdFrom + Math.floor((px / width) * (view.mdTo - view.mdFrom));
  const cd = grid.cdCount - 1 - Math.floor((py / height) * grid.cdCount);
  if (md < view.mdFrom || md >= view.mdTo || cd < 0 || cd >= grid.cdCount) return null;
  return { md, cd };
}

/**
 * One RGBA image of the grid at 1 px per cell (MD columns `mdFrom..mdTo-1`), scaled up by the
 * canvas with smoothing off: drawing 66,000 bins is one putImageData and one drawImage.
 */
export function gridImage(
  grid: Grid,
  values: Float32Array,
  range: ScaleRange | null,
  bins: boolean,
  mdFrom = 0,
  mdTo = grid.mdCount,
): ImageData {
  const w = mdTo - mdFrom;
  const img = new ImageData(Math.max(1, w), grid.cdCount);
  const d = img.data;
  // Bin maps have few distinct values: cache colours by value instead of interpolating per cell.
  const cache = new Map<number, [number, number, number]>();
  for (let md = mdFrom; md < mdTo; md++) {
    for (let cd = 0; cd < grid.cdCount; cd++) {
      const v = values[md * grid.cdCount + cd];
      let c = cache.get(v);
      if (!c) {
        c = colourOf(v, range, bins);
        if (bins || !Number.isFinite(v)) cache.set(v, c);
      }
      const o = ((grid.cdCount - 1 - cd) * w + (md - mdFrom)) * 4;
      d[o] = c[0];
      d[o + 1] = c[1];
      d[o + 2] = c[2];
      d[o + 3] = 255;
    }
  }
  return img;
}

/** Draws a grid image onto a canvas of the given CSS size, crisp at any device pixel ratio. */
export function paint(canvas: HTMLCanvasElement, img: ImageData, cssWidth: number, cssHeight: number): void {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const src = document.createElement('canvas');
  src.width = img.width;
  src.height = img.height;
  (src.getContext('2d') as CanvasRenderingContext2D).putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
}

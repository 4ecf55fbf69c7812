// Optical density per byte value (Beer-Lambert: stain absorbs, glass does
// not): -log10((v + 0.5) / 256), looked up instead of computed per pixel.
export const OD_TABLE: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = -Math.log10((v + 0.5) / 256);
  return t;
})();

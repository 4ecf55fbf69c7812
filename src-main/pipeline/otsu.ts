// Otsu's threshold on an 8-bit histogram: the level that best separates two
// classes (glass vs. smear on the field-of-view image).

/** Returns t such that values <= t form one class and values > t the other. */
export function otsuThreshold(histogram: ArrayLike<number>): number {
  let total = 0;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) {
    const n = histogram[i] ?? 0;
    total += n;
    sumAll += i * n;
  }
  if (total === 0) return 127;
  let weightLow = 0;
  let sumLow = 0;
  let best = 0;
  let bestVariance = -1;
  for (let t = 0; t < 256; t++) {
    weightLow += histogram[t] ?? 0;
    if (weightLow === 0) continue;
    const weightHigh = total - weightLow;
    if (weightHigh === 0) break;
    sumLow += t * (histogram[t] ?? 0);
    const meanLow = sumLow / weightLow;
    const meanHigh = (sumAll - sumLow) / weightHigh;
    const variance = weightLow * weightHigh * (meanLow - meanHigh) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = t;
    }
  }
  return best;
}

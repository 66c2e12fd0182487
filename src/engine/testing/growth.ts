/** Test helper: how a cost grows with the input, measured robustly on a busy machine. */

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** How many calls make one sample long enough to measure. */
function repsFor(run: () => void): number {
  let reps = 1;
  for (;;) {
    const start = nowMs();
    for (let k = 0; k < reps; k++) run();
    if (nowMs() - start >= 2 || reps >= 4096) return reps;
    reps *= 2;
  }
}

function msPerCall(run: () => void, reps: number): number {
  const start = nowMs();
  for (let k = 0; k < reps; k++) run();
  return (nowMs() - start) / reps;
}

/**
 * time(large) / time(small), after a warm-up. Samples of the two sizes alternate and each size keeps
 * its fastest: load from other processes only adds time, so on a busy machine the fastest sample is
 * the steady estimate (medians of the same linear regex swung from 7x to 57x here). A cost that grows
 * faster than the input fails every one of the three attempts.
 */
export function growthRatio(runSmall: () => void, runLarge: () => void, samples = 7): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 3 && best >= 30; attempt++) {
    runSmall();
    runLarge();
    const repsSmall = repsFor(runSmall);
    const repsLarge = repsFor(runLarge);
    let small = Infinity;
    let large = Infinity;
    for (let s = 0; s < samples; s++) {
      small = Math.min(small, msPerCall(runSmall, repsSmall));
      large = Math.min(large, msPerCall(runLarge, repsLarge));
    }
    best = Math.min(best, large / small);
  }
  return best;
}

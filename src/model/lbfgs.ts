/**
 * Limited-memory BFGS for smooth convex objectives (the cause model's regularised log-loss): the two-loop
 * recursion over the last `memory` steps, with a backtracking line search (Armijo condition).
 * Deterministic: the same objective and start give the same result.
 */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  readonly memory?: number;
  readonly maxIterations?: number;
  /** Stop when the objective improves by less than this share over one iteration. */
  readonly relativeTolerance?: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Minimizes `f` from `x0` (changed in place and returned), with its number of iterations. */
export function minimize(
  f: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): { x: Float64Array; value: number; iterations: number } {
  const m = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = options.relativeTolerance ?? 1e-7;
  const n = x0.length;
  const x = x0;
  const g = new Float64Array(n);
  let value = f(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    // direction = -H g by the two-loop recursion.
    direction.set(g);
    for (let i = s.length - 1; i >= 0; i--) {
      alpha[i] = rho[i] * dot(s[i], direction);
      const yi = y[i];
      for (let j = 0; j < n; j++) direction[j] -= alpha[i] * yi[j];
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
      for (let j = 0; j < n; j++) direction[j] *= gamma;
    } else {
      const norm = Math.sqrt(dot(g, g));
      if (norm === 0) break;
      for (let j = 0; j < n; j++) direction[j] /= norm;
    }
    for (let i = 0; i < s.length; i++) {
      const beta = rho[i] * dot(y[i], direction);
      const si = s[i];
      for (let j = 0; j < n; j++) direction[j] += (alpha[i] - beta) * si[j];
    }
    for (let j = 0; j < n; j++) direction[j] = -direction[j];
    let slope = dot(g, direction);
    if (slope >= 0) {
      // Not a descent direction: restart from the gradient.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      for (let j = 0; j < n; j++) direction[j] = -g[j];
      slope = dot(g, direction);
      if (slope === 0) break;
    }
    let step = 1;
    let newValue = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let j = 0; j < n; j++) xNew[j] = x[j] + step * direction[j];
      newValue = f(xNew, gNew);
      if (newValue <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(newValue < value)) break;
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      sk[j] = xNew[j] - x[j];
      yk[j] = gNew[j] - g[j];
    }
    const sy = dot(sk, yk);
    const improvement = (value - newValue) / Math.max(1, Math.abs(value));
    x.set(xNew);
    g.set(gNew);
    value = newValue;
    if (sy > 1e-12) {
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
      if (s.length > m) {
        s.shift();
        y.shift();
        rho.shift();
      }
    }
    if (improvement < tolerance) {
      iterations++;
      break;
    }
  }
  return { x, value, iterations };
}

/**
 * Learning simulation: tickets drawn from the labelled evaluation set, outcomes drawn from a hidden table of
 * true resolution rates per cause and fix. In that table the pack's prior order is wrong for two causes.
 * Prints, every 500 tickets, the share whose suggested fix was the truly best one and the cumulative regret,
 * then when the mean ranking flipped to the truly best fix for the two causes.
 *
 *   npm run bench:learning            (EVAL_FILE=path, TICKETS=n, SEED=n override the defaults)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TriageEngine, type BetaCounts, type FixStatsSnapshot, type TriageInput } from '../src/engine';
import { findProjectRoot, loadDefaultPack } from '../src/knowledge';
import { ATTRIBUTION_WEIGHT, contribution } from '../src/outcomes/outcome-contribution';
import { seededRandom } from './engine-synthetic';

interface LabelledTicket extends TriageInput {
  readonly id: string;
  readonly label: string;
}

/** The truly best fix differs from the pack's own fix for these two causes. */
const WRONG_PRIOR: Record<string, { best: string; packFix: string }> = {
  software_glitch: { best: 'reset_all_settings', packFix: 'restart_device' },
  wifi: { best: 'reset_all_settings', packFix: 'connect_stable_wifi' },
};

/** Hidden truth: chance that a fix resolves a ticket of a cause. */
function trueRate(cause: string, macroId: string, ownFix: ReadonlyMap<string, string>): number {
  const wrong = WRONG_PRIOR[cause];
  if (wrong) {
    if (macroId === wrong.best) return 0.8;
    if (macroId === wrong.packFix) return 0.35;
  }
  if (ownFix.get(cause) === macroId) return cause === 'other' ? 0.3 : 0.75;
  const generic: Record<string, number> = { restart_device: 0.3, reset_all_settings: 0.25, update_ios: 0.2, contact_apple_support: 0.15 };
  return generic[macroId] ?? 0.05;
}

type Table = Record<string, Record<string, { successes: number; failures: number }>>;

function main(): void {
  const root = findProjectRoot(__dirname);
  // The labelled set beside the project when there is one, else the service's own fixtures (a fresh clone).
  const shared = path.resolve(root, '../shared/eval/dev.jsonl');
  const file = process.env.EVAL_FILE ?? (fs.existsSync(shared) ? shared : path.join(root, 'bench', 'fixtures', 'paraphrased.jsonl'));
  console.log(`labelled tickets: ${path.relative(root, file)}`);
  const tickets: LabelledTicket[] = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LabelledTicket);
  const total = Number(process.env.TICKETS ?? 3000);
  const random = seededRandom(Number(process.env.SEED ?? 42));
  const pack = loadDefaultPack();
  const engine = new TriageEngine(pack);
  const ownFix = new Map(pack.definition.causes.map((c) => [c.id, pack.macrosByCause.get(c.id)?.[0]?.id ?? '']));
  const bestFor = (cause: string) => WRONG_PRIOR[cause]?.best ?? ownFix.get(cause) ?? '';

  const bySymptomMacro: Table = {};
  const byCauseMacro: Table = {};
  const stats: FixStatsSnapshot = { bySymptomMacro, byCauseMacro };
  const record = (cell: Table, key: string, macroId: string, d: BetaCounts) => {
    const row = (cell[key] ??= {});
    const c = (row[macroId] ??= { successes: 0, failures: 0 });
    c.successes += d.successes;
    c.failures += d.failures;
  };

  console.log(
    `Learning simulation: ${total} tickets drawn from ${path.basename(file)} (${tickets.length} labelled), seed ${process.env.SEED ?? 42}`,
  );
  console.log(
    `Wrong pack priors: ${Object.entries(WRONG_PRIOR)
      .map(([c, w]) => `${c}: pack sends ${w.packFix}, truly best ${w.best}`)
      .join('; ')}`,
  );
  console.log(
    'tickets  best-fix share (window)  cumulative regret  ' +
      Object.keys(WRONG_PRIOR)
        .map((c) => `${c} mean-ranked best`)
        .join('  '),
  );

  const flippedAt: Record<string, number | null> = Object.fromEntries(Object.keys(WRONG_PRIOR).map((c) => [c, null]));
  let regret = 0;
  let windowBest = 0;
  let windowSize = 0;
  for (let n = 1; n <= total; n++) {
    const ticket = tickets[Math.floor(random() * tickets.length)];
    const result = engine.triage(ticket, { stats, exploration: 'thompson', random });
    const chosen = result.macro.id;
    const best = bestFor(ticket.label);
    const pChosen = trueRate(ticket.label, chosen, ownFix);
    regret += trueRate(ticket.label, best, ownFix) - pChosen;
    windowBest += chosen === best ? 1 : 0;
    windowSize++;
    const resolved = random() < pChosen;
    const symptomIds = [...new Set(result.symptoms.filter((s) => s.polarity === 'present').map((s) => s.id))];
    for (const d of contribution({ macroId: chosen, resolved, weight: ATTRIBUTION_WEIGHT.agent, causeId: result.cause.id, symptomIds })) {
      record(d.dimension === 'symptom' ? bySymptomMacro : byCauseMacro, d.key, d.macroId, d);
    }
    if (n % 500 === 0 || n === total) {
      const shares = Object.keys(WRONG_PRIOR).map((cause) => {
        const ofCause = tickets.filter((t) => t.label === cause);
        const right = ofCause.filter((t) => engine.triage(t, { stats }).macro.id === WRONG_PRIOR[cause].best).length;
        const share = right / Math.max(1, ofCause.length);
        if (share > 0.5 && flippedAt[cause] === null) flippedAt[cause] = n;
        return `${(share * 100).toFixed(0).padStart(5)}%`;
      });
      console.log(
        `${String(n).padStart(7)}  ${((windowBest / windowSize) * 100).toFixed(1).padStart(22)}%  ${regret.toFixed(1).padStart(17)}  ${shares.join('  '.padEnd(24))}`,
      );
      windowBest = 0;
      windowSize = 0;
    }
  }
  let ok = true;
  for (const [cause, at] of Object.entries(flippedAt)) {
    console.log(`${cause}: ranking flipped to ${WRONG_PRIOR[cause].best} ${at === null ? 'never' : `by ticket ${at}`}`);
    if (at === null || at > 2000) ok = false;
  }
  console.log(ok ? 'PASS: both rankings flipped within 2,000 tickets' : 'FAIL: a ranking did not flip within 2,000 tickets');
  process.exitCode = ok ? 0 : 1;
}

main();

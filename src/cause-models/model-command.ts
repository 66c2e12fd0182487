/** `npm run cli -- model refit|list|activate ID|rollback`: the admin side of cause-model versions. */
import type { INestApplicationContext } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { FitSettings } from '../model/fit';
import { CauseModelsService, NotEnoughLabelsError } from './cause-models.service';

export const MODEL_USAGE = `  model refit [--folds K] [--max-iterations N] [--calibration-folds N]
                                                           fit a candidate on agents' labels, score it by K-fold
                                                           cross-validation against the active weights, store it,
                                                           activate it when its log-loss is not higher
  model list                                               versions with status, dates and metrics ("0": the pack's own)
  model activate VERSION                                   make a stored version active ("0": the pack's own weights)
  model rollback                                           re-activate the version active before the current one
`;

export interface ModelCommandOptions {
  folds?: string;
  'max-iterations'?: string;
  'calibration-folds'?: string;
}

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

const STD: Output = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

function wholeNumber(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes a whole number, at least ${min}`);
  return n;
}

class UsageError extends Error {}

/** Runs one `model` command; returns the exit code. */
export async function runModelCommand(
  app: INestApplicationContext,
  command: string | undefined,
  arg: string | undefined,
  options: ModelCommandOptions = {},
  out: Output = STD,
): Promise<number> {
  const models = app.get(CauseModelsService);
  const audit = (action: string, target: string, details: Record<string, unknown>) =>
    app.get(AuditService, { strict: false }).record({ actor: 'cli', action, target, details });
  try {
    switch (command) {
      case 'refit': {
        const settings: Partial<FitSettings> = {};
        const maxIterations = wholeNumber('max-iterations', options['max-iterations'], 1);
        const calibrationFolds = wholeNumber('calibration-folds', options['calibration-folds'], 2);
        if (maxIterations !== undefined) Object.assign(settings, { maxIterations });
        if (calibrationFolds !== undefined) Object.assign(settings, { calibrationFolds });
        const summary = await models.refit({ folds: wholeNumber('folds', options.folds, 2), settings });
        await audit('cause_model.refit', summary.version, { status: summary.status, base: summary.base, labels: summary.labels.total });
        out.stdout(`${JSON.stringify(summary)}\n`);
        return 0;
      }
      case 'list': {
        for (const m of await models.list()) out.stdout(`${JSON.stringify(m)}\n`);
        return 0;
      }
      case 'activate': {
        if (!arg) throw new UsageError("model activate needs a version (see: npm run cli -- model list), or 0 for the pack's own weights");
        const switched = await models.activate(arg);
        await audit('cause_model.activate', switched.active, { previous: switched.previous });
        out.stdout(`${JSON.stringify(switched)}\n`);
        return 0;
      }
      case 'rollback': {
        const result = await models.rollback();
        await audit('cause_model.rollback', result.active, { previous: result.previous });
        out.stdout(`${JSON.stringify(result)}\n`);
        if (result.previous === result.active) out.stderr(`nothing to roll back: version ${result.active} has no earlier version\n`);
        return 0;
      }
      default:
        out.stderr(`unknown model command${command ? ` "${command}"` : ''}\n${MODEL_USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      out.stderr(`${err.message}\n`);
      return 2;
    }
    if (err instanceof NotEnoughLabelsError) {
      out.stderr(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

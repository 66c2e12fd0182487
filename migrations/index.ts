import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { HelpdeskWritebackAndSignals1764000100000 } from './1764000100000-helpdesk-writeback-and-signals';
import { OutcomesLearningOverrides1764000200000 } from './1764000200000-outcomes-learning-overrides';
import { WeeklyReports1764000300000 } from './1764000300000-weekly-reports';
import { HotPathStorage1764000400000 } from './1764000400000-hot-path-storage';
import { HotPathIndexes1764000500000 } from './1764000500000-hot-path-indexes';
import { TriageDecision1764000600000 } from './1764000600000-triage-decision';
import { CauseModels1764000700000 } from './1764000700000-cause-models';
import { PersonalDataAudit1764000800000 } from './1764000800000-personal-data-audit';
import { PackId1764000900000 } from './1764000900000-pack-id';

/** Every migration, oldest first. A landed migration is never edited: add a new one. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  HelpdeskWritebackAndSignals1764000100000,
  OutcomesLearningOverrides1764000200000,
  WeeklyReports1764000300000,
  HotPathStorage1764000400000,
  HotPathIndexes1764000500000,
  TriageDecision1764000600000,
  CauseModels1764000700000,
  PersonalDataAudit1764000800000,
  PackId1764000900000,
];

import { loadDefaultPack } from '../knowledge';
import { TriageEngine } from './triage-engine';
import { rulesOnlyWeights } from './testing/rules-only';

/** How the discourse of a ticket changes what its symptoms count for (the rules alone, no learned weights). */
const pack = loadDefaultPack();
const engine = new TriageEngine(pack, rulesOnlyWeights(pack));
const featureNames = (description: string, subject?: string) => engine.analyse({ subject, description }).named.map((f) => f.name);
const score = (description: string, cause: string) => engine.triage({ description }).causes.find((c) => c.id === cause)?.score ?? 0;

describe('discourse in scoring', () => {
  it('a late revision outweighs what it revises', () => {
    const names = featureNames(
      'My backup keeps failing, I think my iCloud storage is full.\n\nUPDATE: storage was fine, the charger was broken all along, it never charged overnight.',
    );
    expect(names.some((n) => n.endsWith(':late'))).toBe(true);
    expect(names.some((n) => n.endsWith(':early'))).toBe(true);
  });

  it("an agent's question answered no is not asserted; answered yes, it is", () => {
    const chat =
      'Customer: my backups stopped last week\nAgent: Is the Backup switch greyed out?\nCustomer: no\nCustomer: it just says backup failed';
    expect(featureNames(chat).some((n) => n.includes('greyed'))).toBe(false);
    const wifi = 'Customer: backups never happen at night\nAgent: Is the phone on Wi-Fi at night?\nCustomer: no, only cellular';
    expect(featureNames(wifi)).not.toContain('sym:wifi_ok:present');
    const yes = chat.replace('Customer: no', 'Customer: yes');
    expect(featureNames(yes).some((n) => n.includes('greyed') && n.endsWith(':present'))).toBe(true);
  });

  it("other people's guesses count less than the customer's own words", () => {
    const own = score('The backup fails. My iCloud storage is full.', 'storage_full');
    const reported = score('The backup fails. The guy at the store said maybe my iCloud storage is full.', 'storage_full');
    expect(reported).toBeLessThan(own);
  });

  it('a symptom only in the subject is scored as the subject', () => {
    const names = featureNames('Nothing else to add, it just does not back up.', 'iCloud storage full?');
    expect(names.some((n) => n.endsWith(':subject'))).toBe(true);
  });

  it('"no, ..." answering a question does not negate what follows it', () => {
    const names = featureNames('Did I change anything? no, the backup switch is greyed out and I cannot tap it.');
    expect(names.some((n) => n.includes('greyed') && n.endsWith(':present'))).toBe(true);
  });

  it('names the language of the customer', () => {
    const result = engine.triage({
      description: 'Hola, mi iPhone no hace la copia de seguridad en iCloud desde hace una semana y no sé por qué.',
    });
    expect(result.language.code).toBe('es');
    expect(result.language.confidence).toBeGreaterThan(0.5);
  });
});

/**
 * The engine runs a product it has never heard of: a printer plugin defined here, a tiny pack built in
 * code, and nothing from src/products.
 */
import { spanOf, type FieldText } from './entities';
import { compilePack, type PackDefinition } from './pack';
import { bindPlugins, entitiesOf, integerParam, PluginConfigError, type ProductPlugin } from './plugin';
import { matchesOf } from './regex-matches';
import { TriageEngine } from './triage-engine';
import type { Span } from './types';

interface PrinterParams {
  /** Models numbered below this are out of support. */
  readonly legacyBelow: number;
}
interface PrinterModel {
  readonly span: Span;
  readonly series: 'laser' | 'inkjet';
  readonly number: number;
}
interface PrinterEntities {
  readonly printer?: PrinterModel;
}
interface PrinterView {
  readonly printer?: { readonly series: string; readonly number: number; readonly text: string };
}

const MODEL_RE = /\b(laserjet|inkjet) ?(\d{3,4})\b/g;

const printerPlugin: ProductPlugin<PrinterParams, PrinterEntities, PrinterView> = {
  name: 'printers',
  params: { legacyBelow: integerParam(100, 9999) },
  extract(fields: readonly FieldText[]): PrinterEntities {
    for (const field of fields) {
      for (const m of matchesOf(MODEL_RE, field.norm.text)) {
        const series = m[1] === 'laserjet' ? 'laser' : 'inkjet';
        return { printer: { span: spanOf(field, m.index, m.index + m[0].length), series, number: Number(m[2]) } };
      }
    }
    return {};
  },
  derivedRules: {
    legacy_model: {
      description: 'a model numbered below legacyBelow',
      evaluate: (e, p) => (e.printer && e.printer.number < p.legacyBelow ? e.printer.span : undefined),
    },
  },
  macroVariants: {
    keys: ['laser', 'inkjet'],
    subject: (e) => e.printer && { model: e.printer.span.text, variantKey: e.printer.series },
  },
  view: {
    keys: ['printer'],
    render: (e) => (e.printer ? { printer: { series: e.printer.series, number: e.printer.number, text: e.printer.span.text } } : {}),
  },
};

const symptom = (id: string, rest: Partial<PackDefinition['symptoms'][number]>) => ({
  id,
  title: id,
  description: id,
  phrases: [],
  regexes: [],
  negatable: true,
  tried: [],
  aliases: [],
  causes: {},
  ...rest,
});

const printerPack = (legacyBelow: unknown = 2000, derived = 'legacy_model'): PackDefinition => ({
  version: 'test.1',
  name: 'Printers',
  fallbackCause: 'other',
  fallbackMacro: 'ask',
  temperature: 1,
  plugins: [{ name: 'printers', params: { legacyBelow } }],
  spellings: [],
  scope: { negationBefore: ['not'], ruledOutBefore: [], negationAfter: [], negationFactor: 1, windowBefore: 12, windowAfter: 12 },
  causes: [
    { id: 'end_of_life', title: 'End of life', description: 'Out of support', prior: 0 },
    { id: 'paper_jam', title: 'Paper jam', description: 'Jammed', prior: 0 },
    { id: 'other', title: 'Other', description: 'Other', prior: 1 },
  ],
  symptoms: [
    symptom('legacy', { derived, causes: { end_of_life: 4 } }),
    symptom('jammed', { phrases: ['paper jam', 'jammed'], causes: { paper_jam: 4 } }),
  ],
  macros: [
    {
      id: 'replace',
      title: 'Replace it',
      causeIds: ['end_of_life'],
      generic: false,
      body: 'Hi {{customer.first_name}}, your {{device.model}} is out of support.',
      variants: [{ when: 'laser', body: 'Hi {{customer.first_name}}, trade in your {{device.model}} for a new laser printer.' }],
      aliases: [],
      prior: { alpha: 3, beta: 2 },
    },
    {
      id: 'clear_jam',
      title: 'Clear the jam',
      causeIds: ['paper_jam'],
      generic: false,
      body: 'Open the tray.',
      variants: [],
      aliases: [],
      prior: { alpha: 3, beta: 2 },
    },
    {
      id: 'ask',
      title: 'Ask',
      causeIds: ['other'],
      generic: true,
      body: 'Tell us more.',
      variants: [],
      aliases: [],
      prior: { alpha: 1, beta: 1 },
    },
  ],
});

describe('a product plugin the engine has never heard of', () => {
  const engine = new TriageEngine(compilePack(printerPack(), [printerPlugin]));

  it('finds a derived symptom from the plugin, with its parameter, and picks the plugin macro variant', () => {
    const description = 'My LaserJet 1020 prints nothing at all';
    const result = engine.triage({ description, requester: { name: 'Ada Lovelace' } });
    expect(result.symptoms.map((s) => s.id)).toEqual(['legacy']);
    expect(description.slice(result.symptoms[0].start, result.symptoms[0].end)).toBe('LaserJet 1020');
    expect(result.cause.id).toBe('end_of_life');
    expect(result.macro.body).toBe('Hi Ada, trade in your LaserJet 1020 for a new laser printer.');
    expect(entitiesOf(printerPlugin, result.entities).printer).toEqual({ series: 'laser', number: 1020, text: 'LaserJet 1020' });
  });

  it('reads the parameter the pack gives: a newer model is not legacy', () => {
    const result = engine.triage({ description: 'the inkjet 3050 has a paper jam' });
    expect(result.symptoms.map((s) => s.id)).toEqual(['jammed']);
    expect(result.cause.id).toBe('paper_jam');
    expect(entitiesOf(printerPlugin, result.entities).printer?.series).toBe('inkjet');
  });

  it('renders the default body and no entities when the ticket names no printer', () => {
    const result = engine.triage({ description: 'it is jammed again' });
    expect(result.entities).toEqual({});
    expect(result.macro.id).toBe('clear_jam');
  });
});

describe('binding plugins', () => {
  const fieldOf = (run: () => unknown) => {
    try {
      run();
    } catch (err) {
      if (err instanceof PluginConfigError) return err.message;
      throw err;
    }
    throw new Error('no error');
  };

  it('refuses an unknown plugin, naming the known ones', () => {
    expect(fieldOf(() => bindPlugins([{ name: 'scanners', params: {} }], [printerPlugin]))).toBe(
      'plugins[0].name: unknown plugin "scanners" (known: printers)',
    );
  });

  it('refuses bad, unknown and missing parameters, naming the field', () => {
    expect(fieldOf(() => compilePack(printerPack('old'), [printerPlugin]))).toBe(
      'plugins[0].params.legacyBelow: must be an integer from 100 to 9999 (got "old")',
    );
    expect(fieldOf(() => bindPlugins([{ name: 'printers', params: { legacyBelow: 500, colour: true } }], [printerPlugin]))).toBe(
      'plugins[0].params.colour: unknown parameter of plugin "printers" (known: legacyBelow)',
    );
    expect(fieldOf(() => bindPlugins([{ name: 'printers', params: {} }], [printerPlugin]))).toBe(
      'plugins[0].params.legacyBelow: is required by plugin "printers" (an integer from 100 to 9999)',
    );
  });

  it('refuses two plugins that provide the same derived rule', () => {
    const twin = { ...printerPlugin, name: 'printers-too', macroVariants: undefined, view: undefined };
    expect(
      fieldOf(() =>
        bindPlugins(
          [
            { name: 'printers', params: { legacyBelow: 500 } },
            { name: 'printers-too', params: { legacyBelow: 500 } },
          ],
          [printerPlugin, twin],
        ),
      ),
    ).toBe('plugins[1].name: plugins "printers" and "printers-too" both provide derived rule "legacy_model"');
  });

  it('will not compile a symptom whose derived rule no plugin of the pack provides', () => {
    expect(() => compilePack(printerPack(2000, 'ios_old'), [printerPlugin])).toThrow(
      'symptom legacy: derived rule "ios_old" is provided by none of the pack\'s plugins',
    );
  });
});

/**
 * A product plugin for printers (paper jams, ink, paper), compiled into the test app only: it proves that a
 * pack from another domain runs through the unchanged engine and pipeline (test/fixtures/packs/printer-jams).
 */
import { integerParam, matchesOf, spanOf, type AnyProductPlugin, type FieldText, type ProductPlugin, type Span } from '../../src/engine';
import { PRODUCT_PLUGINS } from '../../src/products';

interface PrinterParams {
  /** Models numbered below this are out of support. */
  readonly legacyBelow: number;
}
interface PrinterModel {
  readonly span: Span;
  readonly kind: 'laser' | 'inkjet';
  readonly number: number;
}
interface PrinterEntities {
  readonly printer?: PrinterModel;
}
interface PrinterView {
  readonly printer?: { readonly model: string; readonly kind: string; readonly number: number };
}

/** Laser lines and inkjet lines of the common makers, followed by a model number. */
const MODEL_RE = /\b(laserjet|officejet|deskjet|pixma|ecotank|workforce) ?(?:pro ?)?(\d{3,5})\b/g;
const LASER_LINES = new Set(['laserjet']);

export const printerModelsPlugin: ProductPlugin<PrinterParams, PrinterEntities, PrinterView> = {
  name: 'printer-models',
  params: { legacyBelow: integerParam(100, 99_999) },
  extract(fields: readonly FieldText[]): PrinterEntities {
    for (const field of fields) {
      for (const m of matchesOf(MODEL_RE, field.norm.text)) {
        const kind = LASER_LINES.has(m[1]) ? 'laser' : 'inkjet';
        return { printer: { span: spanOf(field, m.index, m.index + m[0].length), kind, number: Number(m[2]) } };
      }
    }
    return {};
  },
  derivedRules: {
    printer_out_of_support: {
      description: 'a printer model numbered below legacyBelow',
      evaluate: (e, p) => (e.printer && e.printer.number < p.legacyBelow ? e.printer.span : undefined),
    },
  },
  macroVariants: {
    keys: ['laser', 'inkjet'],
    subject: (e) => e.printer && { model: e.printer.span.text, variantKey: e.printer.kind },
    subjectOfView: (v) => (v.printer ? { model: v.printer.model, variantKey: v.printer.kind } : undefined),
  },
  view: {
    keys: ['printer'],
    render: (e) => (e.printer ? { printer: { model: e.printer.span.text, kind: e.printer.kind, number: e.printer.number } } : {}),
  },
};

/** The service's plugins and the printer plugin: what the test app's packs may name. */
export const PLUGINS_WITH_PRINTERS: readonly AnyProductPlugin[] = [...PRODUCT_PLUGINS, printerModelsPlugin as AnyProductPlugin];

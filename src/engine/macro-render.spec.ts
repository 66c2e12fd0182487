import { loadDefaultPack } from '../knowledge';
import { makeTicket } from './testing/ticket-factory';
import { customerFirstName, greetingName, MAX_GREETING_NAME_CHARS, NEUTRAL_NAME, renderMacro, renderTemplate } from './macro-render';
import type { MacroDef } from './pack';
import { growthRatio } from './testing/growth';
import { TriageEngine } from './triage-engine';

const engine = new TriageEngine(loadDefaultPack());
const glitch = 'Backup stuck on "Preparing backup" all night. Wifi fine, charging, lots of space.';

describe('macro rendering', () => {
  it('fills the first name from requester.firstName, else the first word of requester.name, else a neutral greeting', () => {
    expect(customerFirstName({ description: '', requester: { firstName: 'Amara', name: 'Someone Else' } })).toBe('Amara');
    expect(customerFirstName({ description: '', requester: { name: 'Lucas Meyer' } })).toBe('Lucas');
    expect(customerFirstName({ description: '' })).toBe('there');
    const result = engine.triage(makeTicket({ description: glitch }));
    expect(result.macro.body.startsWith('Hi there,')).toBe(true);
  });

  describe('the requester’s name in the greeting', () => {
    const greet = (requester: { firstName?: string; name?: string }) => customerFirstName({ description: '', requester });

    it.each([
      ['control characters', 'Ana\u0000\u0007\u001b[31m', 'Ana 31m'],
      ['bidi overrides and zero-width characters', 'Ana\u202e\u200bLima\u2066', 'AnaLima'],
      ['tags', '<b>Ana</b><script>alert(1)</script>', 'Ana alert(1)'],
      ['markup and template characters', 'Ana {{ticket.id}} [x](y) `z` |\\', 'Ana x (y) z'],
      ['URLs', 'Ana https://evil.example/login?x=1 hxxp://x', 'Ana'],
      ['www links and bare domains', 'Ana www.evil.example evil.com/reset pay.me', 'Ana'],
      ['email addresses', 'Ana ana@example.com', 'Ana'],
      ['runs of whitespace and line breaks', '  Mary \n\t Ann\u2028 ', 'Mary Ann'],
    ])('strips %s', (_what, firstName, expected) => {
      expect(greet({ firstName })).toBe(expected);
    });

    it('keeps names as people write them', () => {
      for (const name of ['José', 'Anne-Marie', 'O’Brien', 'Dr.Smith', 'St. John', '李小龍', 'Zoë 😀'])
        expect(greet({ firstName: name })).toBe(name);
    });

    it(`caps the name at ${MAX_GREETING_NAME_CHARS} characters without splitting an emoji`, () => {
      const name = greet({ firstName: `${'A'.repeat(MAX_GREETING_NAME_CHARS - 1)}😀😀 tail` });
      expect(name).toBe(`${'A'.repeat(MAX_GREETING_NAME_CHARS - 1)}😀`);
      expect(greetingName('\ud83d'.repeat(3) + 'Bo')).toBe('Bo');
    });

    it('reads a long name without spaces in step with its length, not its square', () => {
      expect(greetingName('x'.repeat(1_000_000))).toBe('x'.repeat(MAX_GREETING_NAME_CHARS));
      expect(greetingName('a.'.repeat(500_000))).toBe('a.'.repeat(MAX_GREETING_NAME_CHARS / 2));
      const ratio = growthRatio(
        () => greetingName('w.'.repeat(5_000)),
        () => greetingName('w.'.repeat(50_000)),
      );
      expect(ratio).toBeLessThan(30);
    });

    it('falls back to the name’s first word, then to the generic greeting, when nothing is left', () => {
      expect(greet({ firstName: 'https://evil.example', name: '<i>Lucas</i> Meyer' })).toBe('Lucas');
      expect(greet({ firstName: '\u202e\u0000', name: 'ana@example.com' })).toBe(NEUTRAL_NAME);
      expect(greet({ firstName: '!!! ...', name: '   ' })).toBe(NEUTRAL_NAME);
      const macro: MacroDef = {
        id: 'm',
        title: 'M',
        causeIds: [],
        generic: false,
        body: 'Hi {{customer.first_name}},',
        variants: [],
        aliases: [],
        prior: { alpha: 1, beta: 1 },
      };
      const render = (requester: { firstName?: string; name?: string }) =>
        renderMacro(macro, { description: '', requester }, undefined).body;
      expect(render({ firstName: 'Visit www.evil.example now', name: 'x' })).toBe('Hi Visit now,');
      expect(render({ firstName: '<a href="https://x.example">', name: 'a@b.example' })).toBe('Hi there,');
    });
  });

  it('fills the device model from the ticket, else a neutral phrase', () => {
    const withModel = engine.triage(makeTicket({ description: `${glitch} iPhone 14 Pro.`, requester: { firstName: 'Ines' } }));
    expect(withModel.macro.body).toMatch(/^Hi Ines,/);
    expect(withModel.macro.body).toContain('your iPhone 14 Pro');
    const without = engine.triage(makeTicket({ description: glitch }));
    expect(without.macro.body).toContain('your iPhone or iPad');
    expect(without.macro.body).not.toMatch(/\{\{/);
  });

  it('picks the restart steps for the device: iPhone X and later vs iPhone 8 and earlier', () => {
    const modern = engine.triage(makeTicket({ description: `${glitch} It is an iPhone 13.` }));
    const homeButton = engine.triage(makeTicket({ description: `${glitch} It is an iPhone 8.` }));
    expect(modern.macro.id).toBe('restart_device');
    expect(modern.macro.body).toContain('either volume button');
    expect(homeButton.macro.body).not.toContain('volume button');
    expect(homeButton.macro.body).toContain('side button');
  });

  it('picks the iPad variants by Home button', () => {
    const noHome = engine.triage(makeTicket({ description: `${glitch} iPad Pro 11.` }));
    const home = engine.triage(makeTicket({ description: `${glitch} iPad (9th generation).` }));
    expect(noHome.macro.body).toContain('top button together with either volume button');
    expect(home.macro.body).toContain('Press and hold the top button until');
    expect(home.macro.body).not.toContain('volume');
  });

  it('shows both restart methods when the model is unknown', () => {
    const result = engine.triage(makeTicket({ description: glitch }));
    expect(result.macro.body).toContain('without a Home button');
    expect(result.macro.body).toContain('with a Home button');
  });

  it('writes numbered steps', () => {
    const result = engine.triage(makeTicket({ description: 'Not enough iCloud storage for the backup.' }));
    expect(result.macro.id).toBe('manage_icloud_storage');
    expect(result.macro.body).toMatch(/^1\. /m);
    expect(result.macro.body).toMatch(/^2\. /m);
  });

  it('leaves unknown placeholders as they are', () => {
    expect(renderTemplate('Hi {{customer.first_name}} {{ticket.id}}', { 'customer.first_name': 'Bo' })).toBe('Hi Bo {{ticket.id}}');
  });
});

import { loadDefaultPack } from '../knowledge';
import { makeTicket } from './testing/ticket-factory';
import { customerFirstName, renderTemplate } from './macro-render';
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

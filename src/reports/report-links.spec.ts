import { ticketLinks } from './report-links';

describe('links to the tickets behind a report row', () => {
  it('uses the API filters without a helpdesk URL, encoding the ids', () => {
    const links = ticketLinks({ tagPrefix: 'triage_' });
    expect(links.cause('wifi')).toBe('/v1/tickets?cause=wifi');
    expect(links.symptom('a&b c')).toBe('/v1/tickets?symptom=a%26b%20c');
    expect(links.failedFix('restart_device')).toBe('/v1/tickets?macro=restart_device&resolved=false');
    expect(links.review()).toBe('/v1/tickets?decision=review');
  });

  it("searches Zendesk's agent interface for the service's tags", () => {
    const links = ticketLinks({ zendeskUrl: 'https://acme.zendesk.com/', tagPrefix: 'triage_' });
    const search = 'https://acme.zendesk.com/agent/search/1?type=ticket&q=';
    expect(links.cause('storage_full')).toBe(`${search}tags%3Atriage_cause_storage_full`);
    expect(links.symptom('Wi-Fi only')).toBe(`${search}tags%3Atriage_symptom_wi_fi_only`);
    expect(links.failedFix('restart_device')).toBe(`${search}tags%3Atriage_applied_restart_device%20status%3Csolved`);
    expect(links.review()).toBe(`${search}tags%3Atriage_needs_review`);
  });

  it("filters Freshdesk's ticket list by tag, unresolved tickets for a fix", () => {
    const links = ticketLinks({ freshdeskUrl: 'https://acme.freshdesk.com', tagPrefix: 'tt_' });
    const filter = 'https://acme.freshdesk.com/a/tickets/filters/search?orderBy=created_at&orderType=desc&q[]=';
    expect(links.cause('wifi')).toBe(`${filter}tags%3A%5B%22tt_cause_wifi%22%5D&ref=all_tickets`);
    expect(links.failedFix('update_ios')).toBe(`${filter}tags%3A%5B%22tt_applied_update_ios%22%5D&q[]=status%3A%5B0%5D&ref=all_tickets`);
  });

  it('uses the API filters when both helpdesks are set: neither holds every ticket', () => {
    const links = ticketLinks({ zendeskUrl: 'https://acme.zendesk.com', freshdeskUrl: 'https://acme.freshdesk.com', tagPrefix: 'triage_' });
    expect(links.cause('wifi')).toBe('/v1/tickets?cause=wifi');
  });
});

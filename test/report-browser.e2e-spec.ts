/* eslint-disable @typescript-eslint/no-explicit-any -- the page's code: DOM types are not in this project's lib */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ReportSeeder, seedHelpdeskWeeks, TriagedTicket } from '../src/reports/testing/report-factories';
import { EngineService } from '../src/triage/engine.service';
import { ADMIN_KEY, createTestApp, TestApp } from './support/test-app';

// Debian's chromium, driven without downloading any browser.
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = path.resolve(__dirname, '../docs/report-screenshot.png');
const SCREENSHOT_HEIGHT = 2000;

const HOSTILE = {
  cause: `<img src=x onerror="window.__pwned='cause'">`,
  script: `<script>window.__pwned='symptom'</script>`,
  sql: `'; DROP TABLE tickets; --`,
  macro: `"><svg onload="window.__pwned='macro'">`,
};

const day = (monday: string, offsetDays: number, hour = 10) =>
  new Date(Date.parse(`${monday}T00:00:00Z`) + offsetDays * 86_400_000 + hour * 3_600_000).toISOString();

/** Customer tickets written for the benchmarks (paraphrased, spoken and written registers, five languages), triaged with the shipped pack. */
function triagedFixtures(engine: EngineService): TriagedTicket[] {
  const files = ['paraphrased', 'registers-written', 'registers-spoken', 'multilingual'];
  return files.flatMap((f) =>
    readFileSync(path.resolve(__dirname, `../bench/fixtures/${f}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const { subject = '', description } = JSON.parse(l) as { subject?: string; description: string };
        const r = engine.triage({ subject, description }, {}, new Date('2019-05-01T00:00:00Z'));
        return { subject, description, cause: r.cause.id, macro: r.macro.id, symptoms: r.symptoms.map((x) => x.id), decision: r.decision };
      }),
  );
}

/** Eight weeks (2019-W14 to 2019-W21) of a busy helpdesk: the page a support lead reads on Monday. */
async function seedRealistic(seed: ReportSeeder, engine: EngineService): Promise<void> {
  const volumes = [70, 80, 85, 95, 105, 115, 260, 320];
  const weeks = volumes.map((tickets, w) => ({
    monday: new Date(Date.parse('2019-04-01T00:00:00Z') + w * 7 * 86_400_000).toISOString().slice(0, 10),
    tickets,
    rated: w >= 6,
  }));
  await seedHelpdeskWeeks(seed, triagedFixtures(engine), weeks);
}

/** One week whose every name is hostile: what an attacker could get into the database shows up inert. */
async function seedHostile(seed: ReportSeeder): Promise<void> {
  const monday = '2019-07-22'; // 2019-W30
  for (let i = 0; i < 3; i++) {
    const id = await seed.ticket({
      at: day(monday, i),
      cause: HOSTILE.cause,
      macro: HOSTILE.macro,
      symptoms: [HOSTILE.script, HOSTILE.sql],
    });
    await seed.outcome(id, { macro: HOSTILE.macro, resolved: i === 0, at: day(monday, i, 20), ttr: 3600 });
  }
  for (let i = 0; i < 2; i++) {
    await seed.ticket({ at: day(monday, 3), subject: 'Hi', description: `${HOSTILE.script} ${HOSTILE.sql} robert tables again` });
  }
}

interface Layout {
  scrollWidth: number;
  innerWidth: number;
  overflowing: string[];
}

// The page's own globals, typed for the functions that run inside the browser.
declare const document: any;
declare const window: any;
declare function getComputedStyle(e: unknown): { overflowX: string; overflowY: string; display: string };

/** Every element stays inside its parent box and the page does not scroll sideways. */
function measureLayout(): Layout {
  const overflowing: string[] = [];
  const clipped = (e: any): boolean => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const parent = el.parentElement;
    if (!parent || (el.closest('svg') !== null && el.tagName.toLowerCase() !== 'svg')) continue;
    if (getComputedStyle(el).display === 'none' || clipped(el)) continue;
    const r = el.getBoundingClientRect();
    const p = parent.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > p.right + 1 || r.left < p.left - 1) {
      overflowing.push(
        `${el.tagName.toLowerCase()}.${el.className?.baseVal ?? el.className} ${Math.round(r.width)}px in ${parent.tagName.toLowerCase()} ${Math.round(p.width)}px`,
      );
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, overflowing };
}

describe('the weekly report page in a real browser', () => {
  let t: TestApp;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;
  const requests: string[] = [];
  const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

  const html = async (week: string) => (await t.http().get(`/v1/reports/weekly/${week}?format=html`).set(admin).expect(200)).text;
  const json = async (week: string) => (await t.http().get(`/v1/reports/weekly/${week}`).set(admin).expect(200)).body;

  beforeAll(async () => {
    t = await createTestApp();
    const seed = new ReportSeeder(t.app.get(DataSource));
    await seedRealistic(seed, t.app.get(EngineService));
    await seedHostile(seed);
    for (const week of ['2019-W21', '2019-W30']) await t.http().post(`/v1/reports/weekly/${week}/generate`).set(admin).expect(200);
    // As if the Monday run had made it: the committed screenshot stays byte-identical from run to run.
    await t.app
      .get(DataSource)
      .query(
        `UPDATE weekly_reports SET report = report || '{"generatedAt": "2019-05-27T06:00:04.000Z", "packVersion": "2019.5.0"}' WHERE iso_week = '2019-W21'`,
      );
    profile = mkdtempSync(path.join(tmpdir(), 'report-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
    page = browser.pages()[0] ?? (await browser.newPage());
    // The page must need nothing from the network: record and refuse every request.
    await page.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  it('draws a bar, an interval and a point per rated fix, and a column per week of volume', async () => {
    const report = await json('2019-W21');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.setContent(await html('2019-W21'), { waitUntil: 'load' });
    const rated = report.macros.filter((m: { outcomes: number }) => m.outcomes > 0).map((m: { macroId: string }) => m.macroId);
    expect(rated.length).toBeGreaterThanOrEqual(5);
    const charts = await page.evaluate(() => ({
      macros: [...document.querySelectorAll('svg.chart-rates g.macro')].map((g: any) => ({
        id: g.getAttribute('data-macro'),
        bars: g.querySelectorAll('rect.bar').length,
        intervals: g.querySelectorAll('line.ci-line').length,
        points: g.querySelectorAll('circle.point').length,
        barWidth: g.querySelector('rect.bar').getBoundingClientRect().width,
      })),
      weeks: [...document.querySelectorAll('svg.chart-volume g.week')].map((g: any) => ({
        week: g.getAttribute('data-week'),
        height: g.querySelector('rect.vol').getBoundingClientRect().height,
      })),
    }));
    expect(charts.macros.map((m: { id: string }) => m.id)).toEqual(rated);
    for (const m of charts.macros) expect(m).toMatchObject({ bars: 1, intervals: 1, points: 1 });
    expect(charts.macros.some((m: { barWidth: number }) => m.barWidth > 50)).toBe(true);
    expect(charts.weeks.map((w: { week: string }) => w.week)).toEqual(report.volume.weekly.map((w: { isoWeek: string }) => w.isoWeek));
    expect(charts.weeks[charts.weeks.length - 1].height).toBeGreaterThan(charts.weeks[0].height);
    // The top of the page (actions, summary, the rate chart and table): what the README shows.
    await page.screenshot({ path: SCREENSHOT, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: SCREENSHOT_HEIGHT } });
    expect(requests).toEqual([]);
  });

  it.each([1280, 375])('fits a %i px wide screen: no sideways scrolling, no element wider than its container', async (width) => {
    await page.setViewportSize({ width, height: 800 });
    for (const week of ['2019-W21', '2019-W30']) {
      await page.setContent(await html(week), { waitUntil: 'load' });
      const layout = await page.evaluate(measureLayout);
      expect(layout.overflowing).toEqual([]);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
      expect(layout.innerWidth).toBe(width);
    }
  });

  it('prints on A4 without cutting the page sideways', async () => {
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.emulateMedia({ media: 'print' });
    await page.setContent(await html('2019-W21'), { waitUntil: 'load' });
    const layout = await page.evaluate(measureLayout);
    await page.emulateMedia({ media: 'screen' });
    expect(layout.overflowing).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
  });

  it('prints a full week (every cause, dozens of symptoms, hundreds of tickets) on at most 4 A4 pages', async () => {
    const report = await json('2019-W21');
    expect(report.summary.tickets).toBeGreaterThanOrEqual(300);
    expect(report.volume.byCause.filter((c: { tickets: number }) => c.tickets > 0).length).toBeGreaterThanOrEqual(12);
    expect(report.volume.bySymptom.filter((c: { tickets: number }) => c.tickets > 0).length).toBeGreaterThanOrEqual(30);
    expect(report.actions).toHaveLength(3);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.setContent(await html('2019-W21'), { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.emulateMedia({ media: null });
    // Page objects, not the /Pages tree node.
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.length).toBeLessThanOrEqual(4);
    expect(requests).toEqual([]);
  });

  it('shows hostile names as text: no injected script runs, no markup is created', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const source = await html('2019-W30');
    await page.setContent(source, { waitUntil: 'load' });
    const seen = await page.evaluate(() => ({
      pwned: window.__pwned ?? null,
      scripts: document.querySelectorAll('script').length,
      images: document.querySelectorAll('img').length,
      handlers: [...document.querySelectorAll('*')].filter((e: any) => [...e.attributes].some((a: any) => a.name.startsWith('on'))).length,
      text: document.body.innerText,
      macroIds: [...document.querySelectorAll('svg.chart-rates g.macro')].map((g: any) => g.getAttribute('data-macro')),
    }));
    expect(seen).toMatchObject({ pwned: null, scripts: 0, images: 0, handlers: 0 });
    for (const s of Object.values(HOSTILE)) expect(seen.text).toContain(s);
    expect(seen.macroIds).toEqual([HOSTILE.macro]);
    // The SQL string was stored and shown, never run: the tickets table is still there.
    const [{ n }] = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM tickets');
    expect(n).toBeGreaterThan(0);
    expect(requests).toEqual([]);
  });
});

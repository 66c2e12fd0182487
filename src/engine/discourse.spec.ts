import { answerPolarity, closingYesNoQuestion, speakerOf } from './discourse';
import { normalizeText, toOriginalRange, type NormalizedText } from './normalize';
import { growthRatio } from './testing/growth';

const slices = (norm: NormalizedText, ranges: Array<[number, number]> | undefined) => (ranges ?? []).map(([a, b]) => norm.text.slice(a, b));
const originals = (original: string, norm: NormalizedText, ranges: Array<[number, number]> | undefined) =>
  (ranges ?? []).map(([a, b]) => {
    const r = toOriginalRange(norm, a, b);
    return original.slice(r.start, r.end);
  });
const lateText = (text: string) => {
  const norm = normalizeText(text);
  return norm.lateFrom === undefined ? undefined : norm.text.slice(norm.lateFrom);
};

describe('late revisions (lateFrom)', () => {
  it.each([
    ['The backup has failed for a week on my iPad.\nUPDATE: the plug was loose, sorry.', 'update: the plug was loose, sorry.'],
    ['Backup fails every night.\n\nupdate - works now after I freed space', 'update - works now after i freed space'],
    ['Cannot back up, says no network.\nEDIT 2: turned off the VPN and it went through', 'edit 2: turned off the vpn and it went through'],
    ['It never backs up at night. Later: it was the timer plug on the socket', 'later: it was the timer plug on the socket'],
    ['My phone will not back up at all. Found it, the switch under iCloud was off!', 'found it, the switch under icloud was off!'],
    ['No backups for a month. Turns out my daughter turned on Screen Time limits.', 'turns out my daughter turned on screen time limits.'],
    ['Backup stuck at preparing.\nok figured it out, it needed a restart', 'ok figured it out, it needed a restart'],
    ['I thought the wifi was the problem. Actually it was the old cable.', 'actually it was the old cable.'],
    ['Backup keeps failing. Nevermind, it just finished.', 'nevermind, it just finished.'],
    ['La copia no se hace nunca.\nActualización: era el cargador.', 'actualizacion: era el cargador.'],
    ['Das Backup schlägt fehl.\nNachtrag: Das Kabel war kaputt.', 'nachtrag: das kabel war kaputt.'],
    ['Das Backup schlägt fehl. Update: jetzt geht es.', 'update: jetzt geht es.'],
    ['La sauvegarde échoue.\nMise à jour : le wifi était coupé.', 'mise a jour : le wifi etait coupe.'],
    ['O backup falha sempre.\nAtualização: era falta de espaço.', 'atualizacao: era falta de espaco.'],
  ])('%j revises from the marker', (text, revision) => {
    expect(lateText(text)).toBe(revision);
  });

  it('maps the revision offset back to the marker in the original text', () => {
    const original = 'Backup  fails.\r\n<b>EDIT:</b> it was the Wi-Fi';
    const norm = normalizeText(original);
    expect(norm.lateFrom).toBeDefined();
    const r = toOriginalRange(norm, norm.lateFrom as number, (norm.lateFrom as number) + 5);
    expect(original.slice(r.start, r.end)).toBe('EDIT:');
  });

  it('needs words before the marker, and a line or sentence start', () => {
    expect(lateText('Update: my backup fails every night')).toBeUndefined();
    expect(lateText('I installed the update: still failing')).toBeUndefined();
    expect(lateText('it turns out fine some nights, other nights it fails')).toBeUndefined();
    expect(lateText('Nothing to add here, backup fails with the latest update')).toBeUndefined();
  });

  it('starts at the first marker when there are several', () => {
    expect(lateText('Fails daily.\nEDIT: tried another cable.\nEDIT 2: works now')).toBe('edit: tried another cable. edit 2: works now');
  });
});

describe('reported speech (reported)', () => {
  const reported = (text: string) => slices(normalizeText(text), normalizeText(text).reported);

  it.each([
    ['The Apple Store said it might be the battery.', ['it might be the battery']],
    ['My son thinks it is the wifi, and he is usually right.', ['it is the wifi, and he is usually right']],
    ['The genius told me the backup was too big. Anyway it still fails.', ['the backup was too big']],
    ['Support suggested resetting all settings!', ['resetting all settings']],
    ['Someone on reddit said it is a server problem; my wifi is fine.', ['it is a server problem']],
    ['I was told the iCloud plan was too small.', ['the icloud plan was too small']],
    ['My wife reckons the cable is broken but I think it is the storage.', ['the cable is broken']],
    ['Mi hijo dijo que era el wifi.', ['que era el wifi']],
    ['Der Techniker meinte, es liegt am Kabel.', ['es liegt am kabel']],
    ["Le vendeur m'a dit que c'est la batterie.", ["que c'est la batterie"]],
    ['O técnico disse que era o cabo.', ['que era o cabo']],
  ])('%j reports %j', (text, expected) => {
    expect(reported(text)).toEqual(expected);
  });

  it("leaves the customer's own words and what the device shows alone", () => {
    expect(reported('I think it is the wifi. I said that before.')).toEqual([]);
    expect(reported('My iPhone says not enough storage and the screen said backup failed.')).toEqual([]);
    expect(reported('Do you think it is the cable?')).toEqual([]);
    expect(reported('It just says "Backup failed" every night.')).toEqual([]);
  });

  it('maps reported ranges to the original words', () => {
    const original = 'My   brother SAID it is the “router”.';
    const norm = normalizeText(original);
    expect(originals(original, norm, norm.reported)).toEqual(['it is the “router”']);
  });
});

describe('chat turns: answered yes/no questions', () => {
  it('keeps an agent question answered "no" as a negated range mapped to the agent line', () => {
    const chat = [
      'Customer: my iPad has not backed up for days',
      '[10:32] Agent Priya: Thanks for waiting. Is it on Wi-Fi at night?',
      '[10:33] Customer: no, only 5G at the cabin',
      'Agent Priya: Please try restarting it.',
      'Customer: ok will do',
    ].join('\n');
    const norm = normalizeText(chat);
    expect(norm.text).toBe(
      'customer: my ipad has not backed up for days\nis it on wi-fi at night?\n[10:33] customer: no, only 5g at the cabin\ncustomer: ok will do',
    );
    expect(slices(norm, norm.negatedQuestions)).toEqual(['is it on wi-fi at night?']);
    expect(originals(chat, norm, norm.negatedQuestions)).toEqual(['Is it on Wi-Fi at night?']);
    expect(norm.affirmedQuestions).toBeUndefined();
    expect(norm.text).not.toContain('restart');
  });

  it('keeps a question answered "yes" as an affirmed range', () => {
    const chat =
      'Customer (Noor): backup never finishes\nAgent (Tom): Got it. Is the phone charging overnight?\nCustomer (Noor): yes, always on the charger';
    const norm = normalizeText(chat);
    expect(slices(norm, norm.affirmedQuestions)).toEqual(['is the phone charging overnight?']);
    expect(norm.negatedQuestions).toBeUndefined();
  });

  it('recognises yes/no answers in Spanish, German, French and Portuguese', () => {
    const cases: Array<[string, 'negatedQuestions' | 'affirmedQuestions', string]> = [
      [
        'Agente: ¿El iPhone está enchufado por la noche?\nCliente: no, lo desenchufo',
        'negatedQuestions',
        'el iphone esta enchufado por la noche?',
      ],
      ['Agente: ¿Tiene wifi en casa?\nCliente: sí, fibra', 'affirmedQuestions', 'tiene wifi en casa?'],
      ['Agent: Ist das iPad nachts im WLAN?\nKunde: Nein, nur mobile Daten', 'negatedQuestions', 'ist das ipad nachts im wlan?'],
      ['Agent: Ist genug iCloud-Speicher frei?\nKunde: Ja, 40 GB', 'affirmedQuestions', 'ist genug icloud-speicher frei?'],
      [
        "Conseiller : Est-ce que l'iPhone est branché la nuit ?\nClient : non, jamais",
        'negatedQuestions',
        "est-ce que l'iphone est branche la nuit ?",
      ],
      ['Agent: Le wifi fonctionne chez vous ?\nClient: oui très bien', 'affirmedQuestions', 'le wifi fonctionne chez vous ?'],
      ['Atendente: O iPhone fica carregando à noite?\nCliente: não, só de dia', 'negatedQuestions', 'o iphone fica carregando a noite?'],
      ['Agent: Tem espaço no iCloud?\nCliente: sim, bastante', 'affirmedQuestions', 'tem espaco no icloud?'],
    ];
    for (const [chat, field, question] of cases) {
      const norm = normalizeText(chat);
      expect({ chat, got: slices(norm, norm[field]) }).toEqual({ chat, got: [question] });
    }
  });

  it('drops suggestions, open questions and questions the customer did not answer with yes or no', () => {
    const chat = [
      'Customer: backup fails',
      'Agent: Could you restart the iPhone?',
      'Customer: yes done',
      'Agent: Where do you see the error?',
      'Customer: no idea, in settings somewhere',
      'Agent: Is it on Wi-Fi or cellular?',
      'Customer: no wifi here',
      'Agent: Does the error appear often?',
      'Customer: every day',
      'Agent: Is the storage full?',
      'Customer: no storage left at all',
    ].join('\n');
    const norm = normalizeText(chat);
    expect(norm.negatedQuestions).toBeUndefined();
    expect(norm.affirmedQuestions).toBeUndefined();
    expect(norm.text).toBe(
      'customer: backup fails\ncustomer: yes done\ncustomer: no idea, in settings somewhere\ncustomer: no wifi here\ncustomer: every day\ncustomer: no storage left at all',
    );
  });

  it('recognises agent labels with names and timestamps, and not other labels', () => {
    expect(speakerOf('Agent (Nick): hi')?.role).toBe('agent');
    expect(speakerOf('[10:32] Agent Maria: hi')?.role).toBe('agent');
    expect(speakerOf('14:05 - Apple Support: hello')?.role).toBe('agent');
    expect(speakerOf('Support said it was fine: no luck')).toBeNull();
    expect(speakerOf('Customer (Ella): hello')?.role).toBe('customer');
    expect(speakerOf('Ella: hello')?.role).toBe('other');
    expect(speakerOf('the error says: failed')).toBeNull();
  });

  it('classifies questions and answers', () => {
    expect(closingYesNoQuestion(' Great. Is the backup switch on?')).not.toBeNull();
    expect(closingYesNoQuestion(' Which iOS version is it?')).toBeNull();
    expect(closingYesNoQuestion(' Can you open Settings?')).toBeNull();
    expect(closingYesNoQuestion(" Isn't it plugged in?")).toBeNull();
    expect(closingYesNoQuestion(' Thanks, that helps.')).toBeNull();
    expect(answerPolarity(' nope')).toBe('no');
    expect(answerPolarity(' Not really, it is in the car')).toBe('no');
    expect(answerPolarity(' yep both')).toBe('yes');
    expect(answerPolarity(' no clue')).toBeNull();
    expect(answerPolarity(' not sure')).toBeNull();
    expect(answerPolarity(' si el wifi falla')).toBeNull();
    expect(answerPolarity(' Sí')).toBe('yes');
  });
});

describe('discourse analysis on hostile input', () => {
  const FAMILIES: Record<string, (n: number) => string> = {
    'late markers without a colon': (n) => 'update update. '.repeat(n / 15),
    'late markers after long words': (n) => `${'a'.repeat(n / 2)} ok ok found it`.padEnd(n, '!'),
    'reporting verbs': (n) => 'my son said the guy told me that people think '.repeat(n / 46),
    'agent questions and answers': (n) => 'Agent: Is it on Wi-Fi?\nCustomer: no\n'.repeat(n / 36),
    'speaker labels': (n) => `${'Agent Maria Lopez Garcia: '.repeat(n / 25)}\n`,
    'single quotes': (n) => " 'ab".repeat(n / 4),
  };

  it.each(Object.entries(FAMILIES))('%s: ten times the input in under thirty times the time', (_name, build) => {
    const small = build(6_000);
    const large = build(60_000);
    const ratio = growthRatio(
      () => normalizeText(small),
      () => normalizeText(large),
    );
    expect(ratio).toBeLessThan(30);
  });

  it('keeps every discourse range inside the normalized text', () => {
    for (const build of Object.values(FAMILIES)) {
      const norm = normalizeText(build(3_000));
      for (const ranges of [norm.reported, norm.negatedQuestions, norm.affirmedQuestions]) {
        for (const [a, b] of ranges ?? []) expect(0 <= a && a < b && b <= norm.text.length).toBe(true);
      }
      if (norm.lateFrom !== undefined) expect(norm.lateFrom).toBeLessThan(norm.text.length);
    }
  });
});

/** Key symptoms in Spanish, German, French and Portuguese. */
import { loadDefaultPack } from '../knowledge';
import { makeTicket } from './testing/ticket-factory';
import { TriageEngine } from './triage-engine';

const engine = new TriageEngine(loadDefaultPack());
const symptomsOf = (description: string) => engine.triage(makeTicket({ description })).symptoms.map((s) => s.id);

describe('multilingual symptoms', () => {
  it.each([
    ['Mi iPhone dice almacenamiento insuficiente en iCloud', 'not_enough_storage', 'storage_full'],
    ['Das iPhone meldet: iCloud Speicher voll', 'not_enough_storage', 'storage_full'],
    ['Nicht genügend Speicher für das Backup', 'not_enough_storage', 'storage_full'],
    ["Il dit pas assez d'espace pour la sauvegarde", 'not_enough_storage', 'storage_full'],
    ['O backup do iCloud diz armazenamento insuficiente', 'not_enough_storage', 'storage_full'],
    ['Réglages : Sauvegarde iCloud désactivée', 'backup_switch_off', 'backup_disabled'],
    ['La copia de seguridad está desactivada', 'backup_switch_off', 'backup_disabled'],
    ['iCloud-Backup ist deaktiviert', 'backup_switch_off', 'backup_disabled'],
    ['O backup do iCloud está desativado', 'backup_switch_off', 'backup_disabled'],
    ['Estoy sin wifi en casa, solo datos móviles', 'no_wifi_cellular', 'wifi'],
    ['Zu Hause haben wir kein WLAN, nur mobile Daten', 'no_wifi_cellular', 'wifi'],
    ["Je n'ai pas de wifi chez moi", 'no_wifi_cellular', 'wifi'],
    ['Estou sem wifi, só dados móveis', 'no_wifi_cellular', 'wifi'],
    ['El interruptor de la copia está gris, no puedo activar', 'greyed_out', 'restricted'],
    ['Der Schalter ist grau und lässt sich nicht bewegen', 'greyed_out', 'restricted'],
    ["Le bouton est grisé dans Temps d'écran", 'greyed_out', 'restricted'],
    ['A copia se queda pegada en preparando', 'stuck_progress', 'software_glitch'],
    ['Das Backup ist hängen geblieben', 'stuck_progress', 'software_glitch'],
    ['La sauvegarde reste bloquée et ne finit jamais', 'stuck_progress', 'software_glitch'],
    ["L'iPhone me demande le mot de passe de mon identifiant Apple tous les jours", 'password_prompts', 'account_signin'],
    ['Mi iPhone me pide la contraseña del ID de Apple cada noche', 'password_prompts', 'account_signin'],
    ['O iPhone não está carregando à noite, o cabo é barato', 'not_charging', 'power'],
    ['Der Schalter für das iCloud-Backup ist ausgegraut, es ist ein Firmenhandy', 'greyed_out', 'restricted'],
    ['Hay una actualización disponible que no he instalado y el backup falla', 'update_pending', 'ios_outdated'],
  ])('%s', (text, symptom, cause) => {
    expect(symptomsOf(text)).toContain(symptom);
    expect(engine.triage(makeTicket({ description: text })).cause.id).toBe(cause);
  });

  it('tolerates common typos', () => {
    expect(symptomsOf('my icloud storgae is full so the bakup fails')).toContain('not_enough_storage');
    expect(symptomsOf('the backp is turned off')).toContain('backup_switch_off');
    expect(symptomsOf('wi fi keeps dropping at night')).toContain('wifi_unstable');
  });
  it.each([
    // localized iOS messages and setting names, informal and without accents
    ['la copia se queda en calculando el tiempo restante desde anoche', 'stuck_progress', 'software_glitch'],
    ['Das Backup hängt seit gestern bei „Verbleibende Zeit wird geschätzt“', 'stuck_progress', 'software_glitch'],
    ['a sauvegarde reste sur estimation du temps restant depuis hier', 'stuck_progress', 'software_glitch'],
    ['o backup ta parado em estimando o tempo restante', 'stuck_progress', 'software_glitch'],
    ['el boton realizar copia de seguridad ahora sale atenuado en el ipad de mi hija, tiene tiempo de uso', 'greyed_out', 'restricted'],
    ['Sauvegarder maintenant est grisé, c est le téléphone fourni par mon employeur', 'greyed_out', 'restricted'],
    ['a chave do backup esta cinza e nao deixa mexer, celular corporativo', 'greyed_out', 'restricted'],
    ['mi icloud esta lleno y ya no hace la copia', 'not_enough_storage', 'storage_full'],
    ['mon icloud est plein, la sauvegarde marche plus', 'not_enough_storage', 'storage_full'],
    ['meu icloud ta cheio e o backup nao vai mais', 'not_enough_storage', 'storage_full'],
    ['Mein iCloud Speicher ist voll, kein Backup mehr seit Tagen', 'not_enough_storage', 'storage_full'],
    ['Tres semanas en el pueblo sin wifi, solo con datos moviles, y ninguna copia', 'no_wifi_cellular', 'wifi'],
    ['vacances sans wifi, que la 4G, aucune sauvegarde depuis', 'no_wifi_cellular', 'wifi'],
    ['backup bricht mittendrin ab, das wlan im schlafzimmer ist schwach', 'network_lost_message', 'wifi'],
    ['o backup para no meio, a conexao de rede foi perdida', 'network_lost_message', 'wifi'],
    ['El iPhone me pide una y otra vez la contraseña del ID de Apple', 'password_prompts', 'account_signin'],
    ['Mon iPhone me demande sans arrêt le mot de passe de mon identifiant Apple', 'password_prompts', 'account_signin'],
    ['o iphone ainda esta com a conta do meu marido, os backups vao pro icloud dele', 'wrong_account', 'account_signin'],
    ['la copia se corta y creo que es el cable, es de los chinos y el original se rompio', 'cable_faulty', 'power'],
    [
      'a tomada do lado da cama e ligada no interruptor da luz, desligo quando vou dormir, backup nao faz',
      'power_source_unreliable',
      'power',
    ],
    [
      'Auf der Apple-Systemstatus-Seite ist ein gelber Punkt bei iCloud-Backup, meine Kollegen haben das gleiche',
      'status_page_issue',
      'icloud_outage',
    ],
    ['desde esta mañana no se puede conectar al servidor y a mis compañeros les pasa lo mismo', 'server_error', 'icloud_outage'],
    ['seit dem update geht kein backup mehr, laut forum ein bekannter fehler', 'since_update', 'ios_outdated'],
    ['hay un 1 rojo en actualizacion de software pero nunca la instalo y la copia no se hace', 'update_pending', 'ios_outdated'],
    ["j'ai activé la sauvegarde pour la première fois, des milliers de vidéos, le temps restant augmente", 'large_library', 'large_data'],
    ['usamos el ipad como marco de fotos, la pantalla nunca se apaga y no hace copia', 'used_overnight', 'device_not_locked'],
    ['Sauvegarde iCloud : désactivée. Je ne l’ai jamais activée', 'backup_switch_off', 'backup_disabled'],
    ['Bei mir steht iCloud-Backup: Aus, hab das nie eingeschaltet', 'backup_switch_off', 'backup_disabled'],
  ])('%s', (text, symptom, cause) => {
    expect(symptomsOf(text)).toContain(symptom);
    expect(engine.triage(makeTicket({ description: text })).cause.id).toBe(cause);
  });

  const polarityOf = (description: string, symptom: string) =>
    engine
      .triage(makeTicket({ description }))
      .causes.flatMap((c) => c.evidence)
      .filter((e) => e.symptom === symptom)
      .map((e) => e.polarity);

  it.each([
    ['La copia falla. No es el almacenamiento, tengo espacio de sobra.', 'storage_full'],
    ['Das Backup schlägt fehl. Am Speicher liegt es nicht.', 'storage_full'],
    ["La sauvegarde échoue. Ce n'est pas le stockage.", 'storage_full'],
    ['O backup falha. Não é o armazenamento.', 'storage_full'],
    ['La copia falla. El wifi va bien.', 'wifi'],
    ['Das Backup schlägt fehl. Das WLAN ist in Ordnung.', 'wifi'],
    ['La sauvegarde échoue. Le wifi marche bien.', 'wifi'],
    ['O backup falha. O wifi ta ok.', 'wifi'],
    ['La copia falla. El cargador está bien.', 'power'],
    ['Das Backup schlägt fehl. Das Ladekabel ist in Ordnung.', 'power'],
    ['La sauvegarde échoue. Le chargeur est ok.', 'power'],
    ['O backup falha. O carregador está ok.', 'power'],
  ])('rules a cause out in its own words: %s', (text, cause) => {
    const result = engine.triage(makeTicket({ description: text }));
    const ruledOut = (result.causes.find((c) => c.id === cause)?.evidence ?? []).filter((e) => e.polarity === 'negated');
    expect(ruledOut.length).toBeGreaterThan(0);
    expect(ruledOut.every((e) => e.weight < 0)).toBe(true);
    expect(result.cause.id).not.toBe(cause);
  });

  it('reads Portuguese "no" + place as a preposition, not a negation', () => {
    expect(
      polarityOf('o backup falha, o roteador fica na sala e meu quarto e la no fundo, o sinal do wifi e muito fraco', 'weak_signal'),
    ).toContain('present');
    expect(
      polarityOf('o backup falha, o roteador fica na sala e meu quarto e la no fundo, o sinal do wifi e muito fraco', 'weak_signal'),
    ).not.toContain('negated');
  });

  it('keeps German "noch nicht neu gestartet" apart from a restart that was tried', () => {
    const text = 'Backup hängt bei Backup wird vorbereitet. Neu gestartet hab ich es noch nicht.';
    expect(symptomsOf(text)).toContain('not_restarted_long');
    expect(symptomsOf(text)).not.toContain('restart_tried');
  });
});

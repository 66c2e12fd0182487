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
});

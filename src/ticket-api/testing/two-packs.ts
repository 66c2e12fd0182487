import { fakeEngine } from '../../triage/testing/fake-engine';

/**
 * Two packs for the ticket API's tests: `icloud` (the default) and `printers`, where tickets tagged `printer` go.
 * The alias `manage_storage` names a different macro in each.
 */
export const twoPacksEngine = () =>
  fakeEngine([
    {
      id: 'icloud',
      causes: ['storage_full', 'wifi'],
      macros: [
        { id: 'free_up_storage', title: 'Free up iCloud storage', causeIds: ['storage_full'], aliases: ['manage_storage'] },
        { id: 'stable_wifi', title: 'Use a stable Wi-Fi', causeIds: ['wifi'] },
      ],
    },
    {
      id: 'printers',
      causes: ['paper_jam'],
      macros: [{ id: 'clear_jam', title: 'Clear the paper jam', causeIds: ['paper_jam'], aliases: ['manage_storage'] }],
      routeTags: ['printer'],
    },
  ]);

import { FakeFreshdesk } from '../fakes/fake-freshdesk';
import { FakeZendesk } from '../fakes/fake-zendesk';

export interface FakeHelpdesks {
  zendesk: FakeZendesk;
  freshdesk: FakeFreshdesk;
  stop: () => Promise<void>;
}

/**
 * Starts a fake Zendesk and a fake Freshdesk and points the service's environment at them (write-back on for
 * both, its own Zendesk user 999), with the webhook credentials given. Call before the app is created.
 */
export async function startFakeHelpdesks(webhooks: {
  zendeskSecret: string;
  freshdeskToken: string;
  freshdeskUser?: string;
  freshdeskPassword?: string;
}): Promise<FakeHelpdesks> {
  const zendesk = new FakeZendesk();
  const freshdesk = new FakeFreshdesk();
  const [zd, fd] = await Promise.all([zendesk.start(), freshdesk.start()]);
  Object.assign(process.env, {
    ZENDESK_WEBHOOK_SECRET: webhooks.zendeskSecret,
    ZENDESK_URL: zd.url,
    ZENDESK_EMAIL: zendesk.credentials.email,
    ZENDESK_API_TOKEN: zendesk.credentials.apiToken,
    ZENDESK_USER_ID: '999',
    FRESHDESK_URL: fd.url,
    FRESHDESK_API_KEY: freshdesk.apiKey,
    FRESHDESK_WEBHOOK_TOKEN: webhooks.freshdeskToken,
    ...(webhooks.freshdeskUser ? { FRESHDESK_WEBHOOK_USER: webhooks.freshdeskUser } : {}),
    ...(webhooks.freshdeskPassword ? { FRESHDESK_WEBHOOK_PASSWORD: webhooks.freshdeskPassword } : {}),
  });
  return { zendesk, freshdesk, stop: async () => void (await Promise.all([zendesk.stop(), freshdesk.stop()])) };
}

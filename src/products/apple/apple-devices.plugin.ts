/**
 * `apple-devices`: the iPhone or iPad a ticket names and its iOS version. Picks the macro variant by
 * device class and finds old or current iOS against the pack's `latestIosMajor`.
 */
import { integerParam, type FieldText, type ProductPlugin, type Span } from '../../engine';
import { DEVICE_CLASSES, deviceClassOf, extractDevices, type DeviceEntity } from './devices';
import { extractIos, type OsVersionEntity } from './ios-version';

export interface AppleDevicesParams {
  /** Latest major iOS release the pack knows of (for "old iOS" evidence). */
  readonly latestIosMajor: number;
}

export interface AppleDeviceEntities {
  /** The customer's own device: usually the first one named, preferring one whose generation is known. */
  readonly device?: DeviceEntity;
  readonly devices: DeviceEntity[];
  readonly iosVersion?: OsVersionEntity;
}

type SpanJson = Pick<Span, 'field' | 'text' | 'start' | 'end'>;

export interface AppleDevicesView {
  readonly device?: { readonly model: string; readonly family: 'iphone' | 'ipad'; readonly homeButton: boolean | null } & SpanJson;
  /** Listed when the ticket names more than one device. */
  readonly devices?: readonly ({ readonly model: string } & SpanJson)[];
  readonly iosVersion?: { readonly version: string; readonly major: number } & SpanJson;
}

const spanJson = (s: Span): SpanJson => ({ field: s.field, text: s.text, start: s.start, end: s.end });

export const appleDevicesPlugin: ProductPlugin<AppleDevicesParams, AppleDeviceEntities, AppleDevicesView> = {
  name: 'apple-devices',
  params: { latestIosMajor: integerParam(1, 99) },

  extract(fields: readonly FieldText[]): AppleDeviceEntities {
    const devices: DeviceEntity[] = [];
    let iosVersion: OsVersionEntity | undefined;
    for (const field of fields) {
      extractDevices(field, devices);
      iosVersion ??= extractIos(field);
    }
    const device = devices.find((d) => d.deviceClass !== null) ?? devices[0];
    return { device, devices, iosVersion };
  },

  derivedRules: {
    ios_old: {
      description: 'iOS two or more major versions behind latestIosMajor',
      evaluate: (e, p) => (e.iosVersion && e.iosVersion.major <= p.latestIosMajor - 2 ? e.iosVersion.span : undefined),
    },
    ios_current: {
      description: 'iOS at latestIosMajor (or later), past its first release',
      evaluate: (e, p) =>
        e.iosVersion && e.iosVersion.major >= p.latestIosMajor && e.iosVersion.minor >= 1 ? e.iosVersion.span : undefined,
    },
  },

  macroVariants: {
    keys: DEVICE_CLASSES,
    subject: (e) => e.device && { model: e.device.model, variantKey: e.device.deviceClass },
    subjectOfView({ device }) {
      if (typeof device?.model !== 'string') return undefined;
      const known = (device.family === 'iphone' || device.family === 'ipad') && typeof device.homeButton === 'boolean';
      const deviceClass = known ? deviceClassOf(device.family, device.homeButton) : null;
      return { model: device.model, variantKey: deviceClass };
    },
  },

  view: {
    keys: ['device', 'devices', 'iosVersion'],
    render(e) {
      const view: { -readonly [K in keyof AppleDevicesView]: AppleDevicesView[K] } = {};
      if (e.device)
        view.device = { model: e.device.model, family: e.device.family, homeButton: e.device.homeButton, ...spanJson(e.device.span) };
      if (e.devices.length > 1) view.devices = e.devices.map((d) => ({ model: d.model, ...spanJson(d.span) }));
      if (e.iosVersion) view.iosVersion = { version: e.iosVersion.version, major: e.iosVersion.major, ...spanJson(e.iosVersion.span) };
      return view;
    },
  },
};

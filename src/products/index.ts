/**
 * The product plugins compiled into the service, by name. A pack names the ones it uses in pack.yaml
 * (`plugins: [{name, params}]`); the pack loader passes this registry to validation and compilation.
 */
import type { AnyProductPlugin } from '../engine';
import { appleDevicesPlugin, icloudBackupPlugin } from './apple';

export const PRODUCT_PLUGINS: readonly AnyProductPlugin[] = [appleDevicesPlugin, icloudBackupPlugin];

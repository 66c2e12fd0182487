export { appleDevicesPlugin, type AppleDevicesParams, type AppleDeviceEntities, type AppleDevicesView } from './apple-devices.plugin';
export { icloudBackupPlugin, type ICloudBackupEntities, type ICloudBackupView } from './icloud-backup.plugin';
export { DEVICE_CLASSES, type DeviceClass, type DeviceEntity } from './devices';
export { storageSummary, type StorageEntity } from './icloud-storage';
export type { OsVersionEntity } from './ios-version';

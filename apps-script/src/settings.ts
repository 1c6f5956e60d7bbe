import type { Properties } from './services.js';

/** Script properties Set up writes. */
export const PROPERTY = {
  ownerActionUrl: 'CART_RECOVERY_OWNER_ACTION_URL',
  syncUrl: 'CART_RECOVERY_SYNC_URL',
  ownerSecret: 'CART_RECOVERY_OWNER_SECRET',
} as const;

export interface Settings {
  ownerActionUrl: string;
  syncUrl: string;
  ownerSecret: string;
}

export const MIN_SECRET_CHARS = 16;

export type SettingsRead = { ok: true; settings: Settings } | { ok: false; missing: string[] };

const LABEL: Record<keyof Settings, string> = {
  ownerActionUrl: 'the owner action URL',
  syncUrl: 'the rules sync URL',
  ownerSecret: 'the owner secret',
};

/** The endpoints and the owner secret, or which of them Set up has not stored yet. */
export function readSettings(properties: Properties): SettingsRead {
  const missing: string[] = [];
  const read = (key: keyof Settings) => {
    const value = properties.getProperty(PROPERTY[key]) ?? '';
    if (!value) missing.push(LABEL[key]);
    return value;
  };
  const settings = {
    ownerActionUrl: read('ownerActionUrl'),
    syncUrl: read('syncUrl'),
    ownerSecret: read('ownerSecret'),
  };
  return missing.length ? { ok: false, missing } : { ok: true, settings };
}

/** Why a value typed into Set up is not usable, or undefined when it is. */
export function checkSetting(key: keyof Settings, value: string): string | undefined {
  if (key === 'ownerSecret') {
    return value.length >= MIN_SECRET_CHARS
      ? undefined
      : `The owner secret must be at least ${MIN_SECRET_CHARS} characters.`;
  }
  if (/^https:\/\/[^\s/]+(\/\S*)?$/.test(value)) return undefined;
  const label = LABEL[key];
  return `${label.charAt(0).toUpperCase()}${label.slice(1)} must be an https:// address.`;
}

export function saveSettings(properties: Properties, settings: Settings): void {
  properties.setProperties({
    [PROPERTY.ownerActionUrl]: settings.ownerActionUrl,
    [PROPERTY.syncUrl]: settings.syncUrl,
    [PROPERTY.ownerSecret]: settings.ownerSecret,
  });
}

export { LABEL as SETTING_LABEL };

import type { Properties } from './services.js';

/** Script properties Set up writes. */
export const PROPERTY = {
  ownerActionUrl: 'CART_RECOVERY_OWNER_ACTION_URL',
  syncUrl: 'CART_RECOVERY_SYNC_URL',
  ownerSecret: 'CART_RECOVERY_OWNER_SECRET',
  serviceAccountEmail: 'CART_RECOVERY_SERVICE_ACCOUNT',
  summaryDocumentId: 'CART_RECOVERY_SUMMARY_DOCUMENT_ID',
} as const;

/** What the owner types into Set up. */
export interface Settings {
  ownerActionUrl: string;
  syncUrl: string;
  ownerSecret: string;
  serviceAccountEmail: string;
}

export type SettingKey = keyof Settings;

export const MIN_SECRET_CHARS = 16;

export type SettingsRead<K extends SettingKey> =
  | { ok: true; settings: Pick<Settings, K> }
  | { ok: false; missing: string[] };

export const SETTING_LABEL: Record<SettingKey, string> = {
  ownerActionUrl: 'the owner action URL',
  syncUrl: 'the rules sync URL',
  ownerSecret: 'the owner secret',
  serviceAccountEmail: "the engine's Google address (service account)",
};

/**
 * The settings a menu item needs, or which of them Set up has not stored yet.
 * @example readSettings(properties, ['syncUrl', 'ownerSecret'])
 */
export function readSettings<K extends SettingKey>(
  properties: Properties,
  keys: readonly K[],
): SettingsRead<K> {
  const missing: string[] = [];
  const settings: Partial<Pick<Settings, K>> = {};
  for (const key of keys) {
    const value = properties.getProperty(PROPERTY[key]) ?? '';
    if (!value) missing.push(SETTING_LABEL[key]);
    settings[key] = value as Settings[K];
  }
  return missing.length ? { ok: false, missing } : { ok: true, settings: settings as Pick<Settings, K> };
}

/** Why a value typed into Set up is not usable, or undefined when it is. */
export function checkSetting(key: SettingKey, value: string): string | undefined {
  switch (key) {
    case 'ownerSecret':
      return value.length >= MIN_SECRET_CHARS
        ? undefined
        : `The owner secret must be at least ${MIN_SECRET_CHARS} characters.`;
    case 'serviceAccountEmail':
      // Service accounts are always name@project.iam.gserviceaccount.com (or an older
      // *.gserviceaccount.com form); a person's address here would share the files with them.
      return /^[a-z0-9][a-z0-9._-]*@[a-z0-9.-]+\.gserviceaccount\.com$/i.test(value)
        ? undefined
        : "The engine's Google address must be a service account, like cart-recovery@my-project.iam.gserviceaccount.com.";
    default: {
      if (/^https:\/\/[^\s/]+(\/\S*)?$/.test(value)) return undefined;
      const label = SETTING_LABEL[key];
      return `${label.charAt(0).toUpperCase()}${label.slice(1)} must be an https:// address.`;
    }
  }
}

/** Stores the given settings; the ones not given keep their stored value. */
export function saveSettings(properties: Properties, settings: Partial<Settings>): void {
  const entries = Object.entries(settings).filter(([, value]) => value);
  properties.setProperties(
    Object.fromEntries(entries.map(([key, value]) => [PROPERTY[key as SettingKey], value as string])),
  );
}

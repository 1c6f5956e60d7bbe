/** A fake service account: a key file as Google hands it out, made locally. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** A service account key as Google hands it out, plus the public half for checking signatures. */
export interface FakeServiceAccount {
  type: 'service_account';
  client_email: string;
  private_key: string;
  private_key_id: string;
  publicKeyPem: string;
}

/**
 * A fresh service account with its own RSA key pair (made locally; nothing leaves the machine).
 * @example const account = fakeServiceAccount(); new GoogleRulesSheet({ serviceAccount: account, ... })
 */
export function fakeServiceAccount(email = 'rules-sync@cart-recovery-test.iam.gserviceaccount.com') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    type: 'service_account',
    client_email: email,
    private_key: privateKey,
    private_key_id: randomBytes(20).toString('hex'),
    publicKeyPem: publicKey,
  } satisfies FakeServiceAccount;
}

/**
 * Which sender addresses a deployment can send from. SES sends only from a verified identity: a
 * verified domain covers its addresses and those of its subdomains. The engine's deployment also
 * lets the sender send as one address only (the `ses:FromAddress` condition on its role).
 */

/** The deployment's sender: the SES domain (cdk.json `storeDomain`) and, when pinned, the one address. */
export interface SenderIdentity {
  domain: string;
  /** The only address the sender may send as (cdk.json `fromEmail`), when the deployment pins one. */
  address?: string;
}

/**
 * Whether `address` is at `domain` or one of its subdomains, the domain compared without case.
 * @example isAtDomain('hi@mail.shop.example.com', 'shop.example.com') // true
 */
export function isAtDomain(address: string, domain: string): boolean {
  const own = domainOf(address);
  const verified = domain.toLowerCase();
  return own !== undefined && (own === verified || own.endsWith(`.${verified}`));
}

/** The domain of an address, lower-cased: what follows its last @; undefined without an @. */
function domainOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  return at === -1 ? undefined : address.slice(at + 1).toLowerCase();
}

/**
 * Why `address` cannot send for this deployment, or undefined when it can: outside the SES domain,
 * or not the one address the sender is allowed (the domain without case, the part before @ exactly,
 * as the IAM condition compares it).
 * @example senderProblem('me@gmail.com', { domain: 'shop.example.com' }) // 'must be an address at shop.example.com ...'
 */
export function senderProblem(address: string, sender: SenderIdentity): string | undefined {
  if (!isAtDomain(address, sender.domain)) {
    return `must be an address at ${sender.domain} (or one of its subdomains), the domain verified in Amazon SES for this store: mail from ${address} could not be sent`;
  }
  if (sender.address !== undefined && !sameAddress(address, sender.address)) {
    return `must be ${sender.address}, the one address Cart Recovery may send from; to use another, ask your developer to change fromEmail in cdk.json and deploy again`;
  }
  return undefined;
}

function sameAddress(a: string, b: string): boolean {
  const local = (address: string) => address.slice(0, address.lastIndexOf('@'));
  return local(a) === local(b) && domainOf(a) === domainOf(b);
}

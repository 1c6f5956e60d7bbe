/**
 * Acknowledging cdk-nag findings (cdk-nag 3: CDK's own `Validations.acknowledge`). Every finding the
 * app keeps is acknowledged next to the resource it is about, with the reason, through these helpers;
 * the stack tests check the acknowledged list against the expected one.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The name the AWS Solutions pack reports under; an acknowledgement id is `<pack>::<rule>`. */
export const NAG_PACK = 'AwsSolutions';

/**
 * Acknowledges one AWS Solutions rule on `scope` and everything under it.
 * @example acknowledgeRule(bucket, 'AwsSolutions-S1', 'one small doc; versioning keeps its history')
 */
export function acknowledgeRule(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${NAG_PACK}::${rule}`, reason });
}

/**
 * The text cdk-nag puts in an IAM5 finding id for a resource: the ARN with `${...}`/Ref tokens shown
 * as `<...>`, e.g. `arn:aws:scheduler:us-east-1:<AWS::AccountId>:schedule/cart-recovery/*`.
 */
export function nagResourceText(scope: IConstruct, arn: string): string {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (Array.isArray(o['Fn::Join'])) {
        const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
        return items.map(flatten).join(delimiter);
      }
      if (typeof o.Ref === 'string') return `<${o.Ref}>`;
    }
    return JSON.stringify(node);
  };
  return flatten(Stack.of(scope).resolve(arn));
}

/**
 * Acknowledges the wildcard finding (AwsSolutions-IAM5) for one resource of the policies under
 * `scope`, with the reason; a resource without `*` needs nothing. cdk-nag names each such finding by
 * the resource's text, so each is acknowledged on its own.
 */
export function acknowledgeWildcard(scope: IConstruct, arn: string, reason: string): void {
  const text = nagResourceText(scope, arn);
  if (text.includes('*')) acknowledgeRule(scope, `AwsSolutions-IAM5[Resource::${text}]`, reason);
}

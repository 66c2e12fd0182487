import { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

const NONE = Symbol('no metadata');

/**
 * A Reflector for guards that run on every request. Route metadata (scopes, public routes, rate-limit
 * settings) is fixed once the application has started, so `getAllAndOverride` on a (handler, class) pair is
 * read once and remembered: the rate-limit guard alone asks for sixteen keys per request.
 */
export class StaticMetadataReflector extends Reflector {
  private readonly cache = new Map<unknown, WeakMap<object, WeakMap<object, unknown>>>();

  // The signature is Reflector's own (Nest types targets as classes or handler functions).
  /* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-function-type */
  override getAllAndOverride<TResult = any, TKey = any>(metadataKey: TKey, targets: (Type<any> | Function)[]): TResult;
  override getAllAndOverride(metadataKey: unknown, targets: (Type<any> | Function)[]): unknown {
    /* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-function-type */
    if (targets.length !== 2 || !targets[0] || !targets[1]) return super.getAllAndOverride(metadataKey as never, targets);
    const [handler, classRef] = targets;
    let byHandler = this.cache.get(metadataKey);
    if (!byHandler) this.cache.set(metadataKey, (byHandler = new WeakMap()));
    let byClass = byHandler.get(handler);
    if (!byClass) byHandler.set(handler, (byClass = new WeakMap()));
    if (byClass.has(classRef)) {
      const value = byClass.get(classRef);
      return value === NONE ? undefined : value;
    }
    const value = super.getAllAndOverride(metadataKey as never, targets);
    byClass.set(classRef, value === undefined ? NONE : value);
    return value;
  }
}

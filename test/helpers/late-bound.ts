/**
 * A handle for a resource that a `before` hook creates, usable as the resource itself.
 *
 * Test files register hooks when they load, but the resource exists only once the hook has
 * run; a shared set-up function must still return something the tests can name. The handle
 * forwards every property read (methods bound to the resource, getters read live) to the
 * value given to `bind`, so a file keeps writing `s3.createBucket(...)` rather than
 * `fixture.s3.createBucket(...)`.
 *
 *   const late = lateBound<S3TestServer>('S3 test server');
 *   before(async () => late.bind(await startS3Server()));
 *   return late.handle;
 *
 * Reading any property before `bind` throws an Error naming `what`, which means a test used
 * the resource outside the hooks' lifetime. Only property reads are forwarded: spreading the
 * handle, listing its keys or `in` see an empty object.
 */
export interface LateBound<T extends object> {
  /** Stands for the bound value; throws on use before `bind`. */
  readonly handle: T;
  /** The value the handle forwards to from now on. */
  bind(value: T): void;
}

export function lateBound<T extends object>(what: string): LateBound<T> {
  let target: T | null = null;
  const handle = new Proxy({} as T, {
    get(_, key) {
      if (target === null) throw new Error(`the ${what} is used before the before() hook that starts it`);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set() {
      throw new Error(`the ${what}'s handle is read-only: set properties on the value given to bind`);
    },
  });
  return {
    handle,
    bind(value) {
      target = value;
    },
  };
}

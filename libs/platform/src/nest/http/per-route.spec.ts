import type { ExecutionContext } from '@nestjs/common';
import { perRoute } from './per-route';

class Base {
  handle(): void {}
}
class Child extends Base {}
const contextOf = (controller: object, handler: object) =>
  ({ getClass: () => controller, getHandler: () => handler }) as unknown as ExecutionContext;

describe('perRoute', () => {
  it('works a route out on its first request only, apart for each controller that inherits the handler', () => {
    const seen: string[] = [];
    const read = perRoute((context) => {
      seen.push((context.getClass() as unknown as { name: string }).name);
      return seen.length;
    });
    const handler = Base.prototype.handle;
    expect([read(contextOf(Base, handler)), read(contextOf(Base, handler)), read(contextOf(Child, handler))]).toEqual([1, 1, 2]);
    expect(seen).toEqual(['Base', 'Child']);
  });

  it('keeps nothing when working it out fails, so the route fails the same way each time', () => {
    let calls = 0;
    const read = perRoute(() => {
      calls += 1;
      throw new Error('no access policy');
    });
    expect(() => read(contextOf(Base, Base.prototype.handle))).toThrow('no access policy');
    expect(() => read(contextOf(Base, Base.prototype.handle))).toThrow('no access policy');
    expect(calls).toBe(2);
  });
});

import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { StaticMetadataReflector } from './static-metadata-reflector';

@SetMetadata('scope', 'agent')
class Controller {
  @SetMetadata('scope', 'ingest')
  create() {}

  read() {}
}

describe('StaticMetadataReflector', () => {
  const plain = new Reflector();
  const cases: [string, () => void][] = [
    ['create', Controller.prototype.create],
    ['read', Controller.prototype.read],
  ];

  it.each(cases)('answers as Reflector does for %s (handler over class, undefined when absent)', (_name, handler) => {
    const reflector = new StaticMetadataReflector();
    for (const key of ['scope', 'public']) {
      const expected = plain.getAllAndOverride(key, [handler, Controller]);
      expect(reflector.getAllAndOverride(key, [handler, Controller])).toBe(expected);
      expect(reflector.getAllAndOverride(key, [handler, Controller])).toBe(expected);
    }
    expect(reflector.getAllAndOverride('scope', [handler, Controller])).toBe(handler === Controller.prototype.create ? 'ingest' : 'agent');
  });

  it('reads the metadata of a route once', () => {
    const reflector = new StaticMetadataReflector();
    const get = jest.spyOn(Reflector.prototype, 'get');
    try {
      for (let i = 0; i < 5; i++) {
        reflector.getAllAndOverride('scope', [Controller.prototype.read, Controller]);
        reflector.getAllAndOverride('public', [Controller.prototype.read, Controller]);
      }
      // Two targets for each of the two keys, on the first call only.
      expect(get).toHaveBeenCalledTimes(4);
    } finally {
      get.mockRestore();
    }
  });
});

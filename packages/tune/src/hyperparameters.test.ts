import { describe, expect, it } from 'vitest';
import { int, logUniform } from './domains.js';
import { HyperParameters } from './hyperparameters.js';

describe('HyperParameters', () => {
  it('same seed, same values; a second read returns the first value', () => {
    const read = (hp: HyperParameters) => [
      hp.logUniform('lr', 1e-4, 1e-1),
      hp.int('units', 16, 128, { step: 16 }),
      hp.choice('act', ['relu', 'tanh']),
    ];
    const a = new HyperParameters({ seed: 5 });
    const b = new HyperParameters({ seed: 5 });
    expect(read(a)).toEqual(read(b));
    expect(a.logUniform('lr', 1e-4, 1e-1)).toBe(read(a)[0]);
    expect(read(new HyperParameters({ seed: 6 }))).not.toEqual(read(a));
  });

  it("a value does not depend on the other names read before it (conditionals don't shift the draws)", () => {
    const plain = new HyperParameters({ seed: 11 });
    const lr = plain.logUniform('lr', 1e-4, 1e-1);
    const nested = new HyperParameters({ seed: 11 });
    const layers = nested.int('layers', 1, 4);
    for (let i = 0; i < layers; i++) nested.int(`units_${i}`, 8, 64, { step: 8 });
    expect(nested.logUniform('lr', 1e-4, 1e-1)).toBe(lr);
    // only what was read is recorded, in read order
    expect(Object.keys(nested.values)).toEqual(['layers', ...Array.from({ length: layers }, (_, i) => `units_${i}`), 'lr']);
    expect(Object.keys(plain.values)).toEqual(['lr']);
  });

  it('conditional parameters appear only in the trials whose branch read them', () => {
    let withRate = 0;
    for (let seed = 0; seed < 200; seed++) {
      const hp = new HyperParameters({ seed });
      if (hp.boolean('dropout')) hp.float('rate', 0.1, 0.5);
      expect('rate' in hp.values).toBe(hp.values.dropout === true);
      if (hp.values.dropout) withRate++;
    }
    expect(withRate).toBeGreaterThan(70);
    expect(withRate).toBeLessThan(130);
  });

  it('declarative spaces sample like the methods; given values are checked against their domain', () => {
    const hp = new HyperParameters({ seed: 3 });
    const v = hp.sampleAll({ lr: logUniform(1e-4, 1e-1), units: int(32, 256, { step: 32 }) });
    expect(v).toEqual({
      lr: new HyperParameters({ seed: 3 }).logUniform('lr', 1e-4, 1e-1),
      units: new HyperParameters({ seed: 3 }).int('units', 32, 256, { step: 32 }),
    });
    const given = new HyperParameters({ seed: 3, values: { units: 96 } });
    expect(given.int('units', 32, 256, { step: 32 })).toBe(96);
    expect(() => new HyperParameters({ seed: 3, values: { units: 100 } }).int('units', 32, 256, { step: 32 })).toThrow(/hp "units" value/);
    expect(() => hp.int('units', 1, 2)).toThrow(/hp "units" domain/);
    expect(hp.fixed('epochs', 10)).toBe(10);
    expect(hp.domains.units).toEqual(int(32, 256, { step: 32 }));
  });
});

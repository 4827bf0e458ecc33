import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { ValueError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { convInfo, requireNhwc } from './conv-info.js';

const attrs = (a: object) => a as unknown as NamedAttrMap;

describe('convInfo', () => {
  it('reads the filter-gradient attributes (filterShape) with the input shape', () => {
    const info = convInfo(attrs({ strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 4, 8] }), { xShape: [2, 7, 7, 4] });
    expect(info).toMatchObject({
      batchSize: 2,
      outHeight: 4,
      outWidth: 4,
      strideHeight: 2,
      filterHeight: 3,
      inChannels: 4,
      outChannels: 8,
    });
    expect(info?.padInfo).toMatchObject({ top: 1, bottom: 1, left: 1, right: 1 });
  });

  it('reads the input-gradient attributes (inputShape) with the filter shape, and depthwise dilations', () => {
    const info = convInfo(attrs({ strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: [1, 6, 5, 2] }), { filterShape: [2, 2, 2, 3] });
    expect(info).toMatchObject({ outHeight: 5, outWidth: 4, outChannels: 3 });
    const dw = convInfo(attrs({ strides: 1, pad: 'valid', dilations: 2, inputShape: [1, 6, 6, 2] }), { filterShape: [2, 2, 2, 3] }, true);
    expect(dw).toMatchObject({ outHeight: 4, outChannels: 6, dilationHeight: 2 });
  });

  it('is undefined for NCHW; requireNhwc names the kernel, the expected and the received format', () => {
    expect(
      convInfo(attrs({ strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 4, 8] }), { xShape: [2, 4, 7, 7] }),
    ).toBeUndefined();
    expect(() => requireNhwc('Conv2DBackpropFilter')).toThrow(ValueError);
    expect(() => requireNhwc('Conv2DBackpropFilter')).toThrow(
      `Conv2DBackpropFilter (Tessera kernel) dataFormat: expected 'NHWC', received "NCHW"`,
    );
  });

  it('refuses a call without an input or a filter shape', () => {
    expect(() => convInfo(attrs({ strides: 1, pad: 'same' }), { xShape: [1, 4, 4, 1] })).toThrow(ValueError);
  });
});

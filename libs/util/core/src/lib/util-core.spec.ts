import { utilCore } from './util-core';

describe('utilCore', () => {
  it('should work', () => {
    expect(utilCore()).toEqual('util-core');
  });
});
